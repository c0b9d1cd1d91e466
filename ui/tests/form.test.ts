import { describe, expect, it, vi } from 'vitest';
import { SubmitState } from '../src/lib/form.svelte';

/** A form in the document, with an invalid input appended by `invalid()`. */
function formWith() {
  const formEl = document.createElement('form');
  document.body.append(formEl);
  const invalid = (name: string) => {
    const input = document.createElement('input');
    input.name = name;
    input.setAttribute('aria-invalid', 'true');
    formEl.append(input);
    return input;
  };
  return { formEl, invalid };
}

const validation = {
  code: 'validation',
  message: 'invalid input',
  details: [
    { code: 'required', message: 'required', field: 'period' },
    { code: 'required', message: 'required', field: 'beneficiary_id' },
  ],
};

describe('SubmitState', () => {
  it('hands the result to onSaved and is busy only while the action runs', async () => {
    const form = new SubmitState(['period']);
    form.error = { code: 'storage', message: 'old' };
    let busyDuring = false;
    const onSaved = vi.fn();
    await form.run(
      undefined,
      async () => {
        busyDuring = form.busy;
        return 42;
      },
      onSaved,
    );
    expect(busyDuring).toBe(true);
    expect(onSaved).toHaveBeenCalledWith(42);
    expect(form.busy).toBe(false);
    expect(form.error).toBeNull();
  });

  it('keeps the error, split between fields and banner, and focuses the first invalid field', async () => {
    const { formEl, invalid } = formWith();
    const input = invalid('period');
    const form = new SubmitState(['period', 'amount']);
    const onSaved = vi.fn();
    await form.run(formEl, () => Promise.reject(validation), onSaved);
    expect(onSaved).not.toHaveBeenCalled();
    expect(form.busy).toBe(false);
    expect(form.error?.code).toBe('validation');
    expect(Object.keys(form.split.fields)).toEqual(['period']);
    expect(form.split.general.map((e) => e.field)).toEqual(['beneficiary_id']);
    await vi.waitFor(() => expect(document.activeElement).toBe(input));
    formEl.remove();
  });

  it('normalises a plain string rejection into the banner', async () => {
    const form = new SubmitState(['period']);
    await form.run(undefined, () => Promise.reject('command not found'), vi.fn());
    expect(form.error).toEqual({ code: 'unknown', message: 'command not found' });
    expect(form.split.general).toHaveLength(1);
  });

  it('lets onError reveal a field before the focus moves', async () => {
    const { formEl, invalid } = formWith();
    const form = new SubmitState(['period']);
    let revealed: HTMLInputElement | undefined;
    const onError = vi.fn(() => {
      revealed = invalid('period');
    });
    await form.run(formEl, () => Promise.reject(validation), vi.fn(), onError);
    expect(onError).toHaveBeenCalledWith(form.error);
    await vi.waitFor(() => expect(document.activeElement).toBe(revealed));
    formEl.remove();
  });

  it('ignores a second submit while the first is running', async () => {
    const form = new SubmitState([]);
    let finish!: (v: string) => void;
    const action = vi.fn(() => new Promise<string>((resolve) => (finish = resolve)));
    const onSaved = vi.fn();
    const first = form.run(undefined, action, onSaved);
    await form.run(undefined, action, onSaved);
    expect(action).toHaveBeenCalledTimes(1);
    finish('saved');
    await first;
    expect(onSaved).toHaveBeenCalledTimes(1);
    expect(onSaved).toHaveBeenCalledWith('saved');
  });
});
