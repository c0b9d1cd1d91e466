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
