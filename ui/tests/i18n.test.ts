import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dictionaries, ERROR_CODES, translate, translateError } from '../src/lib/i18n';

/** The error codes listed in docs/IPC.md's "Codes:" paragraphs (one per feature area). */
function ipcErrorCodes(): string[] {
  const doc = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/IPC.md'), 'utf8');
  const paragraphs = doc.split('\n\n').filter((p) => /^Codes( \([a-z -]+\))?:/.test(p));
  expect(paragraphs.length).toBeGreaterThan(0);
  // Drop the parenthesised remarks: they name fields (`id_override_reason`), not codes.
  return paragraphs.flatMap((p) =>
    [...p.replace(/\([^)]*\)/g, '').matchAll(/`([a-z_]+(?:\.[a-z_]+)*)`/g)].map((m) => m[1]),
  );
}

describe('i18n', () => {
  it('has the same keys in vi and en, none empty', () => {
    const vi = Object.keys(dictionaries.vi).sort();
    const en = Object.keys(dictionaries.en).sort();
    expect(en).toEqual(vi);
    for (const lang of ['vi', 'en'] as const) {
      for (const [k, v] of Object.entries(dictionaries[lang])) {
        expect(v.trim(), `${lang}:${k}`).not.toBe('');
      }
    }
  });

  it('translates every error code of docs/IPC.md in both languages', () => {
    const codes = ipcErrorCodes();
    expect(codes.length).toBeGreaterThan(30);
    expect([...ERROR_CODES].sort()).toEqual([...new Set(codes)].sort());
    for (const code of codes) {
      expect(dictionaries.vi, code).toHaveProperty([`error.${code}`]);
      expect(dictionaries.en, code).toHaveProperty([`error.${code}`]);
      // A translated message, not the English fallback.
      expect(translateError('vi', { code, message: 'FALLBACK' })).not.toBe('FALLBACK');
    }
  });

  it('uses the documented params in messages', () => {
    expect(translateError('vi', { code: 'id_number.length', message: '', params: { found: '11' } })).toBe(
      'Số định danh phải có 12 chữ số (đang có 11)',
    );
    expect(translateError('en', { code: 'id_number.length', message: '', params: { found: '9' } })).toBe(
      'The ID number must have 12 digits (it has 9)',
    );
    expect(
      translateError('vi', { code: 'id_number.sex_mismatch', message: '', params: { id_sex: 'male', sex: 'female' } }),
    ).toContain('giới tính nam');
    expect(translateError('vi', { code: 'amount.exceeds_payment', message: '', params: { remaining: '400000' } })).toContain(
      '400.000 ₫',
    );
    expect(translateError('vi', { code: 'payment.duplicate', message: '', params: { period: '2026-01' } })).toBe(
      'Đã có khoản chi trả cho kỳ 01/2026',
    );
    expect(translateError('en', { code: 'not_found', message: '', params: { entity: 'beneficiary', id: 'b-1' } })).toBe(
      'Beneficiary b-1 not found',
    );
  });

  it('falls back to the English message for unknown codes', () => {
    expect(translateError('vi', { code: 'something.new', message: 'Something new happened' })).toBe(
      'Something new happened',
    );
  });

  it('has the product vocabulary in Vietnamese with diacritics', () => {
    const vi = dictionaries.vi as Record<string, string>;
    const values = new Set(Object.values(vi));
    for (const text of [
      'Người hưởng',
      'Tổng quan',
      'Thêm người hưởng',
      'Họ và tên',
      'Ngày sinh',
      'Giới tính',
      'Số định danh',
      'Xã/phường',
      'Nhóm đối tượng',
      'Mở tài khoản',
      'Ghi nhận chi trả',
      'Ghi nhận rút tiền',
      'Thời gian đến khi nhận tiền',
      'Nạp dữ liệu mẫu',
      'Bắt đầu với dữ liệu trống',
    ]) {
      expect(values, text).toContain(text);
    }
    expect(translate('vi', 'dash.wbd', { days: 7 })).toBe('Đã rút trong 7 ngày');
    expect(translate('vi', 'field.amount_placeholder')).toBe('để trống = mức hưởng');
  });
});
