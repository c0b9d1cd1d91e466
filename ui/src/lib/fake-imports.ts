// In-memory helpers of the fake backend's import commands (see fake-backend.ts): enough of
// Rust's behaviour (ansinh_files::import / reconcile) for component tests. Rust is the truth.

import type { ColumnMapping, FieldError, PickedFile } from './types';
import { fold } from './fake-backend';

export const IMPORT_FIELDS = [
  'full_name', 'birth_date', 'sex', 'id_number', 'ward_code', 'residential_group', 'phone', 'group_code',
  'disability', 'lives_alone', 'limited_mobility', 'vision_hearing', 'no_smartphone', 'bedridden',
  'authorised_name', 'authorised_id_number', 'authorised_relation', 'id_override_reason',
];
export const IMPORT_REQUIRED = ['full_name', 'birth_date', 'sex', 'id_number', 'ward_code', 'group_code'];

const HEADER_NAMES: Record<string, string[]> = {
  full_name: ['ho va ten', 'ho ten', 'full name'],
  birth_date: ['ngay sinh', 'nam sinh', 'birth date'],
  sex: ['gioi tinh', 'sex'],
  id_number: ['so dinh danh', 'so cccd', 'cccd', 'id number'],
  ward_code: ['ma xa/phuong', 'ma xa', 'ma phuong', 'ward code'],
  group_code: ['nhom doi tuong', 'doi tuong', 'group'],
  phone: ['so dien thoai', 'sdt', 'phone'],
};

export interface FakeTable { headers: string[]; rows: string[][]; firstRow: number }

/** CSV only (comma or semicolon, no quotes): the fake has no XLSX reader. */
export function readTable(file: PickedFile): FakeTable {
  const text = new TextDecoder().decode(new Uint8Array(file.bytes)).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const sep = (lines[0]?.split(';').length ?? 0) > (lines[0]?.split(',').length ?? 0) ? ';' : ',';
  const split = (l: string) => l.split(sep).map((c) => c.trim());
  return { headers: lines.length ? split(lines[0]) : [], rows: lines.slice(1).map(split), firstRow: 2 };
}

export function autoMapping(headers: string[]): ColumnMapping {
  const used = new Set<string>();
  return headers.map((h) => {
    const key = fold(h);
    const field = Object.entries(HEADER_NAMES).find(([f, names]) => !used.has(f) && names.includes(key))?.[0] ?? null;
    if (field) used.add(field);
    return field;
  });
}

export function headerKey(headers: string[]): string {
  return headers.map(fold).join('\u0000');
}

export function mappingErrors(mapping: ColumnMapping): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  mapping.forEach((f, i) => {
    if (!f) return;
    if (seen.has(f)) errors.push({ code: 'import.field_twice', message: 'twice', field: f, params: { column: String(i + 1) } });
    seen.add(f);
  });
  for (const f of IMPORT_REQUIRED) {
    if (!seen.has(f)) errors.push({ code: 'import.header_missing', message: 'missing', field: f, row: 1, params: { column: f } });
  }
  return errors;
}
