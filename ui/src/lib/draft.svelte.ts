// Durable drafts: a form hands its input to a DraftKeeper, which saves it into SQLite (through
// the backend) a moment after the officer stops typing, so a crash or a closed window loses
// nothing. Nothing is kept in the webview. Saving the form makes Rust delete the draft.

import { onMount } from 'svelte';
import type { Backend } from './backend';
import type { Draft, DraftForm } from './types';

/** How long typing must pause before the draft is written (ms). */
export const DRAFT_DELAY_MS = 600;

export type DraftStatus = 'idle' | 'pending' | 'saved' | 'failed';

export class DraftKeeper<T> {
  status = $state<DraftStatus>('idle');
  /** The restored draft's time (ISO), shown as "draft from …"; null when the form started empty. */
  restoredAt = $state<string | null>(null);

  /** True once `restore` has run: changes before that are the form filling itself in. */
  private ready = $state(false);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private latest: T | null = null;
  /** The input as last saved (or as restored/started), to skip writes that change nothing. */
  private baseline = '';
  private stopped = false;

  constructor(
    private readonly backend: Backend,
    private readonly form: DraftForm,
    private readonly subject: string,
    /** The person the form is about ('' for a new one). */
    private readonly personId: string,
    /** What the "unfinished forms" list shows for this input (e.g. the name typed so far). */
    private readonly label: (input: T) => string,
  ) {}

  /** The kept draft's input, if any; `empty` is the form's blank input (the baseline otherwise). */
  async restore(empty: T): Promise<T | null> {
    this.baseline = JSON.stringify(empty);
    let draft: Draft | null = null;
    try {
      draft = await this.backend.get_draft({ form: this.form, subject: this.subject });
    } catch {
      // The form still works; only the offer of the old input is lost.
    } finally {
      this.ready = true;
    }
    if (!draft) return null;
    this.restoredAt = draft.updated_at;
    this.baseline = JSON.stringify(draft.payload);
    return { ...empty, ...(draft.payload as T) };
  }

  /**
   * Call while the form component initialises: every change of `read()` (a `$state.snapshot`
   * of the input) after `restore` restarts the pause timer; leaving the form writes at once.
   */
  autosave(read: () => T): void {
    $effect(() => {
      const value = read();
      if (this.ready) this.changed(value);
    });
    $effect(() => () => {
      if (this.latest !== null) void this.flush(this.latest);
    });
  }

  /** Called on every change of the input: (re)starts the pause timer. */
  changed(input: T): void {
    if (this.stopped) return;
    this.latest = input;
    const text = JSON.stringify(input);
    if (text === this.baseline) return;
    this.status = 'pending';
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.write(text, input), DRAFT_DELAY_MS);
  }

  /** Writes a pending change now (before leaving the page). */
  async flush(input: T): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      await this.write(JSON.stringify(input), input);
    }
  }

  /** The form was saved or cancelled on purpose: stop, and forget the draft. */
  async discard(): Promise<void> {
    this.stop();
    this.restoredAt = null;
    try {
      await this.backend.discard_draft({ form: this.form, subject: this.subject });
    } catch {
      // Harmless: an orphan draft is offered again and can be discarded then.
    }
  }

  /** Starts over on a blank form (after "save and next"): autosaving resumes from `blank`. */
  reset(blank: T): void {
    this.stop();
    this.stopped = false;
    this.restoredAt = null;
    this.baseline = JSON.stringify(blank);
  }

  /** Stops autosaving (the form was saved: Rust already deleted the draft). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.status = 'idle';
  }

  private async write(text: string, input: T): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    try {
      await this.backend.save_draft({
        draft: {
          form: this.form,
          subject: this.subject,
          payload: JSON.parse(text),
          person_id: this.personId,
          label: this.label(input),
        },
      });
      this.baseline = text;
      if (!this.stopped && !this.timer) this.status = 'saved';
    } catch {
      if (!this.stopped) this.status = 'failed';
    }
  }
}

export interface KeepDraft<T> {
  form: DraftForm;
  /** What the draft belongs to (read once: a mounted form never changes subject). */
  subject: string;
  /** The person the form is about, where the app resumes it. */
  personId: string;
  label: (input: T) => string;
  /** The form's input now (a `$state.snapshot`). */
  read: () => T;
  /** Puts a restored input back into the form. */
  write: (input: T) => void;
  /** The form's blank input. */
  blank: () => T;
}

/**
 * The whole draft life of a form, set up while the component initialises: restore the kept
 * draft once mounted, autosave every change after that. Pass the keeper to `<Form draft=…>`,
 * which stops it on save and discards it on cancel.
 */
export function keepDraft<T extends object>(backend: Backend, o: KeepDraft<T>): DraftKeeper<T> {
  const keeper = new DraftKeeper<T>(backend, o.form, o.subject, o.personId, o.label);
  keeper.autosave(o.read);
  onMount(() => {
    const start = o.blank();
    void keeper.restore(start).then((restored) => {
      // The form is on screen (and focused) before the draft lookup answers: what the officer
      // typed meanwhile wins over the restored draft, field by field.
      if (restored) o.write({ ...restored, ...typedSince(o.read(), start) });
    });
  });
  return keeper;
}

/** The fields of `now` that differ from `start`: what was typed since the form began. */
export function typedSince<T extends object>(now: T, start: T): Partial<T> {
  const typed: Partial<T> = {};
  for (const k of Object.keys(now) as (keyof T)[]) {
    if (JSON.stringify(now[k]) !== JSON.stringify(start[k])) typed[k] = now[k];
  }
  return typed;
}
