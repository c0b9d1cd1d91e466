// A keyboard grid as a spreadsheet user expects it (the signed-list page): arrows, Enter and
// Tab move between cells, a block pasted from Excel (tab-separated lines) fills the cells from
// the one under the cursor. Pure functions, so the moves and the paste are tested without a page.

export interface Cell {
  row: number;
  col: number;
}

/** Lines of tab-separated cells, as Excel and LibreOffice put a copied block on the clipboard
 * (a trailing line break does not make an empty row). */
export function parsePaste(text: string): string[][] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.split('\t').map((c) => c.trim()));
}

/** The cells a pasted block fills from `at`: cut at the grid's edges. */
export function pasteTargets(at: Cell, block: string[][], rows: number, cols: number): { cell: Cell; value: string }[] {
  const out: { cell: Cell; value: string }[] = [];
  block.forEach((line, i) =>
    line.forEach((value, j) => {
      const row = at.row + i;
      const col = at.col + j;
      if (row < rows && col < cols) out.push({ cell: { row, col }, value });
    }),
  );
  return out;
}

export interface KeyInfo {
  key: string;
  shiftKey: boolean;
  /** The caret is at the start / end of the cell's text (Left / Right leave the cell only then). */
  atStart: boolean;
  atEnd: boolean;
}

/** Where a key moves the cursor, or null when the key stays in the cell (typing, the caret
 * moving inside the text). Enter goes down (Shift+Enter up); Tab right then on to the next row
 * (Shift+Tab back); arrows as in a spreadsheet; never off the grid. */
export function moveFrom(at: Cell, k: KeyInfo, rows: number, cols: number): Cell | null {
  const clamp = (row: number, col: number): Cell => ({
    row: Math.min(Math.max(row, 0), rows - 1),
    col: Math.min(Math.max(col, 0), cols - 1),
  });
  switch (k.key) {
    case 'ArrowUp':
      return clamp(at.row - 1, at.col);
    case 'ArrowDown':
      return clamp(at.row + 1, at.col);
    case 'Enter':
      return clamp(at.row + (k.shiftKey ? -1 : 1), at.col);
    case 'ArrowLeft':
      return k.atStart ? clamp(at.row, at.col - 1) : null;
    case 'ArrowRight':
      return k.atEnd ? clamp(at.row, at.col + 1) : null;
    case 'Tab': {
      const flat = at.row * cols + at.col + (k.shiftKey ? -1 : 1);
      const last = rows * cols - 1;
      const f = Math.min(Math.max(flat, 0), last);
      return { row: Math.floor(f / cols), col: f % cols };
    }
    default:
      return null;
  }
}
