import { describe, expect, it } from 'vitest';
import { moveFrom, parsePaste, pasteTargets } from '../src/lib/grid';

const key = (k: string, o: { shift?: boolean; start?: boolean; end?: boolean } = {}) => ({
  key: k,
  shiftKey: o.shift ?? false,
  atStart: o.start ?? true,
  atEnd: o.end ?? true,
});

describe('grid', () => {
  it('reads a block copied from Excel: tab-separated lines, CRLF, no empty last row', () => {
    expect(parsePaste('12/03/2026\t500.000\tBưu điện\r\n13/03/2026\t\tTại nhà\r\n')).toEqual([
      ['12/03/2026', '500.000', 'Bưu điện'],
      ['13/03/2026', '', 'Tại nhà'],
    ]);
    expect(parsePaste('12/03/2026')).toEqual([['12/03/2026']]);
  });

  it('fills from the cell under the cursor and cuts at the edges', () => {
    const block = parsePaste('a\tb\tc\td\ne\tf\tg\th\ni\tj\tk\tl');
    // From row 1, column 1 of a 3 × 3 grid: two rows and two columns fit.
    const got = pasteTargets({ row: 1, col: 1 }, block, 3, 3).map((t) => `${t.cell.row},${t.cell.col}=${t.value}`);
    expect(got).toEqual(['1,1=a', '1,2=b', '2,1=e', '2,2=f']);
  });

  it('moves like a spreadsheet and never off the grid', () => {
    const at = { row: 1, col: 1 };
    expect(moveFrom(at, key('ArrowDown'), 3, 3)).toEqual({ row: 2, col: 1 });
    expect(moveFrom(at, key('ArrowUp'), 3, 3)).toEqual({ row: 0, col: 1 });
    expect(moveFrom(at, key('Enter'), 3, 3)).toEqual({ row: 2, col: 1 });
    expect(moveFrom(at, key('Enter', { shift: true }), 3, 3)).toEqual({ row: 0, col: 1 });
    expect(moveFrom({ row: 2, col: 1 }, key('ArrowDown'), 3, 3)).toEqual({ row: 2, col: 1 });
    // Tab runs along the row, then on to the next; Shift+Tab back.
    expect(moveFrom({ row: 0, col: 2 }, key('Tab'), 3, 3)).toEqual({ row: 1, col: 0 });
    expect(moveFrom({ row: 1, col: 0 }, key('Tab', { shift: true }), 3, 3)).toEqual({ row: 0, col: 2 });
    expect(moveFrom({ row: 2, col: 2 }, key('Tab'), 3, 3)).toEqual({ row: 2, col: 2 });
    // Left and Right move the caret inside the text first.
    expect(moveFrom(at, key('ArrowLeft', { start: false }), 3, 3)).toBeNull();
    expect(moveFrom(at, key('ArrowLeft'), 3, 3)).toEqual({ row: 1, col: 0 });
    expect(moveFrom(at, key('ArrowRight', { end: false }), 3, 3)).toBeNull();
    expect(moveFrom(at, key('ArrowRight'), 3, 3)).toEqual({ row: 1, col: 2 });
    // Typing stays in the cell.
    expect(moveFrom(at, key('5'), 3, 3)).toBeNull();
  });
});
