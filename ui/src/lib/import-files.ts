// Helpers of the import pages: a picked File as the `{name, bytes}` the commands take
// (docs/IPC.md, "Imports"), and a translated per-row error report for `save_error_report`.

import type { ErrorReport, FieldError, PickedFile, WireError } from './types';
import { isKey, type Key } from './i18n';

/** The largest file the pages send (bytes): Rust's `PICKED_FILE_BYTES` (src-tauri/src/imports.rs),
 * the larger of the spreadsheet and bundle caps. Checked here first so an oversized file is never
 * turned into a JSON array of hundreds of millions of numbers; Rust checks again. */
export const PICKED_FILE_MAX_BYTES = 128 * 1024 * 1024;

/** The refusal Rust gives for the same file (`file.too_large` {file, limit}). */
export function tooLarge(name: string, limit: number = PICKED_FILE_MAX_BYTES): WireError {
  const mb = `${Math.floor(limit / (1024 * 1024))} MB`;
  return {
    code: 'file.too_large',
    message: `${name}: larger than the limit of ${mb}: nothing read`,
    field: 'file',
    params: { file: name, limit: mb },
  };
}

/** A picked File as `{name, bytes}`; rejects with `file.too_large` (unread) past the cap. */
export async function pickedFile(file: File, limit: number = PICKED_FILE_MAX_BYTES): Promise<PickedFile> {
  if (file.size > limit) throw tooLarge(file.name, limit);
  const buf = new Uint8Array(await file.arrayBuffer());
  return { name: file.name, bytes: Array.from(buf) };
}

/** The pages whose fields have labels (`<prefix>.field.<name>`). */
export type ImportPrefix = 'import' | 'reconcile' | 'payout';

/** The label of a field named in an error (`import.field.x`, `reconcile.field.x`), else the name. */
export function fieldLabel(
  t: (k: Key, params?: Record<string, string | number>) => string,
  prefix: ImportPrefix,
  field: string | undefined,
  column?: string,
): string {
  if (!field) return '';
  const key = `${prefix}.field.${field}`;
  const label = isKey(key) ? t(key) : field;
  // The payout import names the file's own column beside the field (the payer's header).
  return column && prefix === 'payout' ? t('payout.column_of', { field: label, column }) : label;
}

export function errorReport(
  name: string,
  errors: FieldError[],
  t: (k: Key) => string,
  terr: (e: FieldError) => string,
  prefix: ImportPrefix,
): ErrorReport {
  return {
    name,
    headers: [
      t('import.report_header.row'),
      t('import.report_header.field'),
      t('import.report_header.message'),
      t('import.report_header.code'),
    ],
    rows: errors.map((e) => [e.row === undefined ? '' : String(e.row), fieldLabel(t, prefix, e.field, e.params?.column), terr(e), e.code]),
  };
}
