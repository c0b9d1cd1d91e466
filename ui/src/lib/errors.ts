// Normalising rejections into docs/IPC.md's WireError and splitting them between the fields a
// form shows (inline, under the field) and the rest (the form's general banner).

import type { FieldError, WireError } from './types';

function isFieldError(v: unknown): v is FieldError {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { code?: unknown }).code === 'string'
  );
}

/** Whatever a command rejected with, as a WireError (unknown shapes become code `unknown`). */
export function toWireError(e: unknown): WireError {
  if (isFieldError(e)) {
    const w = e as WireError;
    return {
      ...w,
      message: typeof w.message === 'string' ? w.message : String(w.code),
      details: Array.isArray(w.details) ? w.details.filter(isFieldError) : undefined,
    };
  }
  if (typeof e === 'string') {
    // A command that panicked or was not found rejects with a plain string.
    try {
      const parsed: unknown = JSON.parse(e);
      if (isFieldError(parsed)) return toWireError(parsed);
    } catch {
      /* not JSON */
    }
    return { code: 'unknown', message: e };
  }
  if (e instanceof Error) return { code: 'unknown', message: e.message };
  return { code: 'unknown', message: String(e) };
}

export interface SplitErrors {
  /** First error per field the form shows, keyed by the IPC input field name. */
  fields: Record<string, FieldError>;
  /** Errors for the banner: the top-level one when there are no details, else the details
   * whose field the form does not show. */
  general: FieldError[];
}

/**
 * Splits an error for a form showing `shown` fields. Nested field names such as
 * `needs.lives_alone` or `needs` fall back to their first segment when that is shown.
 */
export function splitErrors(err: WireError | null, shown: readonly string[]): SplitErrors {
  const out: SplitErrors = { fields: {}, general: [] };
  if (!err) return out;
  const details: FieldError[] =
    err.details && err.details.length > 0 ? err.details : err.field ? [err] : [];
  if (details.length === 0) {
    out.general.push(err);
    return out;
  }
  for (const d of details) {
    const name = d.field ? resolveField(d.field, shown) : null;
    if (name) {
      if (!out.fields[name]) out.fields[name] = d;
    } else {
      out.general.push(d);
    }
  }
  return out;
}

function resolveField(field: string, shown: readonly string[]): string | null {
  if (shown.includes(field)) return field;
  const head = field.split(/[.[]/)[0];
  return shown.includes(head) ? head : null;
}

/** True when any error (top-level or detail) has one of `codes`. */
export function hasCode(err: WireError | null, codes: readonly FieldError['code'][]): boolean {
  if (!err) return false;
  if (codes.includes(err.code)) return true;
  return (err.details ?? []).some((d) => codes.includes(d.code));
}
