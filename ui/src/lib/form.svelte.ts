// The submit state every form shares: one call to the backend at a time, its error split
// between the form's fields and its banner, and the first invalid field focused afterwards.

import { focusFirstInvalid } from './actions';
import { splitErrors, toWireError, type SplitErrors } from './errors';
import type { WireError } from './types';

export class SubmitState {
  busy = $state(false);
  /** The last rejection; forms also set it when loading their choices fails. */
  error = $state<WireError | null>(null);
  /** `error` split for a form showing the `shown` fields (see `splitErrors`). */
  readonly split: SplitErrors;

  constructor(shown: readonly string[]) {
    this.split = $derived(splitErrors(this.error, shown));
  }

  /**
   * Runs `action` unless a run is already going (double Enter or click), hands its result to
   * `onSaved`, or keeps its error, lets `onError` react to it (e.g. reveal a field) and then
   * focuses the first invalid field inside `formEl`.
   */
  async run<T>(
    formEl: HTMLElement | undefined,
    action: () => Promise<T>,
    onSaved: (saved: T) => void,
    onError?: (error: WireError) => void,
  ): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      onSaved(await action());
    } catch (err) {
      this.error = toWireError(err);
      onError?.(this.error);
      void focusFirstInvalid(formEl);
    } finally {
      this.busy = false;
    }
  }
}
