// Small DOM helpers shared by the forms (keyboard use: autofocus, Enter, Esc, error focus).

import { tick } from 'svelte';
import type { FieldError } from './types';

/** `use:autofocus` — focuses the element once it is in the document. */
export function autofocus(node: HTMLElement): void {
  queueMicrotask(() => node.focus());
}

/** Focuses the first field marked invalid inside `root` (after the DOM has updated). */
export async function focusFirstInvalid(root: HTMLElement | undefined): Promise<void> {
  await tick();
  const el = root?.querySelector<HTMLElement>('[aria-invalid="true"]');
  el?.focus();
}

/**
 * True while an input method composes text (Vietnamese Telex/VNI through IBus or fcitx5): the
 * keys then belong to the IME, so no shortcut may act on them. WebKit reports the composing
 * keydown as keyCode 229 and sometimes without `isComposing`.
 */
export function isComposing(e: KeyboardEvent): boolean {
  return e.isComposing || e.keyCode === 229;
}

export interface FormKeysOptions {
  onCancel: () => void;
  onSubmit: () => void;
}

/**
 * `use:formKeys={{ onCancel, onSubmit }}` — keyboard handling for a whole form (delegated):
 * Esc cancels; Enter on a select or a checkbox submits like it does on a text input
 * (browsers only do the latter by themselves).
 */
export function formKeys(node: HTMLElement, options: FormKeysOptions) {
  let current = options;
  const onKey = (e: KeyboardEvent): void => {
    // An input method (IBus, fcitx5, Unikey…) is composing a syllable: its keys are not ours.
    if (isComposing(e)) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      current.onCancel();
      return;
    }
    if (e.key === 'Enter') {
      const target = e.target as HTMLElement | null;
      const isSelect = target instanceof HTMLSelectElement;
      const isToggle =
        target instanceof HTMLInputElement && (target.type === 'checkbox' || target.type === 'radio');
      if (isSelect || isToggle) {
        e.preventDefault();
        current.onSubmit();
      }
    }
  };
  node.addEventListener('keydown', onKey);
  return {
    update(next: FormKeysOptions) {
      current = next;
    },
    destroy() {
      node.removeEventListener('keydown', onKey);
    },
  };
}

/** Attributes binding an input to its label (`f-<name>`), its test id and its inline error. */
export function fieldAttrs(name: string, fields: Record<string, FieldError>) {
  const invalid = !!fields[name];
  return {
    id: `f-${name}`,
    name,
    'data-testid': `field-${name}`,
    'aria-invalid': invalid ? ('true' as const) : undefined,
    'aria-describedby': invalid ? `e-${name}` : undefined,
  };
}

const FOCUSABLE = 'a[href], button:not([disabled]), input, select, [tabindex="0"]';

/**
 * `use:rowKeys` on a `<tbody>` — ↓/↑ (and Home/End) move between rows, keeping the column:
 * the focus goes to the same-place link or button of the next row, so a long list (follow-up,
 * grievances, a sample) is worked from the keyboard. Ignored while an input method composes.
 */
export function rowKeys(node: HTMLElement) {
  const onKey = (e: KeyboardEvent): void => {
    if (isComposing(e) || !['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
    const target = e.target as HTMLElement;
    if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement) return;
    const rows = Array.from(node.querySelectorAll<HTMLTableRowElement>(':scope > tr'));
    const row = target.closest('tr');
    const index = row ? rows.indexOf(row as HTMLTableRowElement) : -1;
    if (index < 0) return;
    const column = Array.from(row!.querySelectorAll<HTMLElement>(FOCUSABLE)).indexOf(target);
    const next =
      e.key === 'Home' ? 0 : e.key === 'End' ? rows.length - 1 : index + (e.key === 'ArrowDown' ? 1 : -1);
    if (next < 0 || next >= rows.length) return;
    const focusables = Array.from(rows[next].querySelectorAll<HTMLElement>(FOCUSABLE));
    const goal = focusables[Math.max(0, Math.min(column, focusables.length - 1))];
    if (goal) {
      e.preventDefault();
      goal.focus();
    }
  };
  node.addEventListener('keydown', onKey);
  return {
    destroy() {
      node.removeEventListener('keydown', onKey);
    },
  };
}
