import { describe, expect, it } from 'vitest';
import { hasCode, splitErrors, toWireError } from '../src/lib/errors';
import { ERROR_CODES } from '../src/lib/i18n';
import type { BeneficiaryInput, WireError } from '../src/lib/types';
import { startRust } from './rust';
import { personInput } from './fixtures';

describe('errors', () => {
  it('puts details under the fields a form shows and the rest in the banner', () => {
    const split = splitErrors(
      {
        code: 'validation',
        message: 'invalid input',
        details: [
          { code: 'required', message: 'required', field: 'full_name' },
          { code: 'id_number.length', message: '12', field: 'id_number', params: { found: '5' } },
          { code: 'required', message: 'required', field: 'beneficiary_id' },
          { code: 'problem.invalid', message: 'x', field: 'needs.lives_alone' },
        ],
      },
      ['full_name', 'id_number', 'needs'],
    );
    expect(Object.keys(split.fields).sort()).toEqual(['full_name', 'id_number', 'needs']);
    expect(split.general.map((e) => e.field)).toEqual(['beneficiary_id']);
  });

  it('shows an error without details in the banner', () => {
    const split = splitErrors({ code: 'storage', message: 'disk full' }, ['full_name']);
    expect(split.fields).toEqual({});
    expect(split.general).toHaveLength(1);
  });

  it('normalises whatever a command rejects with', () => {
    expect(toWireError('command not found').code).toBe('unknown');
    expect(toWireError('{"code":"file","message":"x"}').code).toBe('file');
    expect(toWireError(new Error('boom')).message).toBe('boom');
    expect(hasCode({ code: 'validation', message: '', details: [{ code: 'id_number.sex_mismatch', message: '' }] }, ['id_number.sex_mismatch'])).toBe(true);
  });
});

/** What a command rejected with (the test fails if it did not). */
async function rejection(p: Promise<unknown>): Promise<WireError> {
  try {
    await p;
  } catch (e) {
    return e as WireError;
  }
  throw new Error('expected a rejection');
}

describe('errors from the real Rust', () => {
  it('come in the shape the forms split: one field error, several, a conflict, a missing record, a refusal', async () => {
    const rust = await startRust();
    const group = (await rust.direct.list_groups())[0].code;
    const base: BeneficiaryInput = personInput({
      full_name: 'Hoàng Thị Mai',
      birth_date: '12/08/1955',
      sex: 'female',
      id_number: '001155000321',
      ward_code: '00004',
      residential_group: 'Tổ 5',
      group_code: group,
    });
    const seen: WireError[] = [];

    // One problem: its code, field and params at the top, and as the only detail.
    const one = await rejection(rust.direct.add_beneficiary({ input: { ...base, id_number: '0011550003' } }));
    seen.push(one);
    expect(one).toMatchObject({ code: 'id_number.length', field: 'id_number', params: { found: '10' } });
    expect(one.details).toHaveLength(1);
    expect(one.details?.[0]).toMatchObject({ code: 'id_number.length', field: 'id_number' });
    expect(splitErrors(one, ['id_number']).fields.id_number?.code).toBe('id_number.length');
    expect(splitErrors(one, ['id_number']).general).toEqual([]);

    // Several: `validation`, no field at the top, every problem a detail with its field.
    const many = await rejection(rust.direct.add_beneficiary({ input: { ...base, full_name: ' ', sex: '', ward_code: 'x' } }));
    seen.push(many);
    expect(many.code).toBe('validation');
    expect(many.field).toBeUndefined();
    expect(many.details?.map((d) => [d.field, d.code])).toEqual([
      ['full_name', 'required'],
      ['sex', 'required'],
      ['ward_code', 'ward.unknown'],
    ]);
    const split = splitErrors(many, ['full_name', 'sex']);
    expect(Object.keys(split.fields).sort()).toEqual(['full_name', 'sex']);
    expect(split.general.map((e) => e.field)).toEqual(['ward_code']);

    // A conflict with what is stored: field and params (the registered person).
    const first = await rust.direct.add_beneficiary({ input: base });
    const dup = await rejection(rust.direct.add_beneficiary({ input: { ...base, full_name: 'Người Khác' } }));
    seen.push(dup);
    expect(dup).toMatchObject({ code: 'id_number.duplicate', field: 'id_number', params: { id: first.id } });
    expect(splitErrors(dup, ['id_number']).fields.id_number?.code).toBe('id_number.duplicate');

    // A missing record: which entity and id, for the banner.
    const nobody = '0190a3f2-0000-7000-8000-000000000000';
    const missing = await rejection(rust.direct.get_beneficiary({ id: nobody }));
    seen.push(missing);
    expect(missing).toMatchObject({ code: 'not_found', params: { entity: 'beneficiary', id: nobody } });
    expect(splitErrors(missing, ['id_number']).general).toHaveLength(1);

    // A refusal of the gate: no field, for the banner (the app also signs out on it).
    await rust.direct.logout();
    const refused = await rejection(rust.direct.list_units());
    seen.push(refused);
    expect(refused.code).toBe('auth.required');
    expect(refused.field).toBeUndefined();
    expect(splitErrors(refused, ['username']).general.map((e) => e.code)).toEqual(['auth.required']);

    // Every code Rust used has its translation.
    const codes = seen.flatMap((e) => [e.code, ...(e.details ?? []).map((d) => d.code)]);
    for (const c of codes) expect(ERROR_CODES).toContain(c);
  });
});
