// Helpers of the import pages: a picked File as the `{name, bytes}` the commands take
// (docs/IPC.md, "Imports"), and a translated per-row error report for `save_error_report`.

import type { ErrorReport, FieldError, PickedFile } from './types';
import { isKey, type Key } from './i18n';

export async function pickedFile(file: File): Promise<PickedFile> {
  const buf = new Uint8Array(await file.arrayBuffer());
  return { name: file.name, bytes: Array.from(buf) };
}

/** The label of a field named in an error (`import.field.x`, `reconcile.field.x`), else the name. */
export function fieldLabel(t: (k: Key) => string, prefix: 'import' | 'reconcile', field: string | undefined): string {
  if (!field) return '';
  const key = `${prefix}.field.${field}`;
  return isKey(key) ? t(key) : field;
}

export function errorReport(
  name: string,
  errors: FieldError[],
  t: (k: Key) => string,
  terr: (e: FieldError) => string,
  prefix: 'import' | 'reconcile',
): ErrorReport {
  return {
    name,
    headers: [
      t('import.report_header.row'),
      t('import.report_header.field'),
      t('import.report_header.message'),
      t('import.report_header.code'),
    ],
    rows: errors.map((e) => [e.row === undefined ? '' : String(e.row), fieldLabel(t, prefix, e.field), terr(e), e.code]),
  };
}
