import { describe, expect, it } from 'vitest';
import { hasCode, splitErrors, toWireError } from '../src/lib/errors';

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
