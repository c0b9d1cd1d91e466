import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dictionaries, ERROR_CODES, errorMessages, translate, translateError } from '../src/lib/i18n';

/** The `{name}` placeholders of a message, sorted. */
function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
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

  it('keeps error messages only in the tables typed by the Rust enum', () => {
    // A message under an `error.` key of the interface text would never be shown.
    expect(Object.keys(dictionaries.vi).filter((k) => k.startsWith('error.'))).toEqual([]);
  });

  it('uses the code list generated from the Rust enum', () => {
    // The generated file is checked against ErrorCode::ALL by `cargo test -p ansinh-core`.
    const generated = readFileSync(
      resolve(dirname(fileURLToPath(import.meta.url)), '../src/lib/generated/error-codes.ts'),
      'utf8',
    );
    expect(generated).toContain('Generated from ErrorCode::ALL');
    expect(ERROR_CODES.length).toBeGreaterThan(100);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(generated).toContain(`'${code}',`);
  });

  it('translates every error code in both languages, with the same placeholders', () => {
    for (const lang of ['vi', 'en'] as const) {
      // Exactly the enum's codes: no message for a code Rust does not have.
      expect(Object.keys(errorMessages[lang]).sort(), lang).toEqual([...ERROR_CODES].sort());
    }
    for (const code of ERROR_CODES) {
      const vi = errorMessages.vi[code];
      const en = errorMessages.en[code];
      expect(vi.trim(), `vi:${code}`).not.toBe('');
      expect(en.trim(), `en:${code}`).not.toBe('');
      expect(placeholders(vi), code).toEqual(placeholders(en));
      // A translated message, not the English fallback.
      expect(translateError('vi', { code, message: 'FALLBACK' })).not.toBe('FALLBACK');
      expect(translateError('en', { code, message: 'FALLBACK' })).not.toBe('FALLBACK');
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
    // The error's field fills {field}.
    expect(
      translateError('en', {
        code: 'exchange.payload_mismatch',
        message: '',
        field: 'created_device',
        params: { entity: 'beneficiary', entity_id: 'b-1' },
      }),
    ).toBe('A change in the file writes another record than the one it names (created_device): nothing imported');
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
