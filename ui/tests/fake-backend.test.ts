import { describe, expect, it } from 'vitest';
import { FakeBackend, fold } from '../src/lib/fake-backend';
import { ERROR_CODES } from '../src/lib/i18n';
import type { BeneficiaryInput, WireError } from '../src/lib/types';

const base: BeneficiaryInput = {
  full_name: 'Hoàng Thị Mai',
  birth_date: '12/08/1955',
  sex: 'female',
  id_number: '001155000321',
  id_override_reason: '',
  ward_code: '00001',
  residential_group: 'Tổ 5',
  phone: '',
  group_code: 'elderly_poor_60',
  disability: 'none',
  needs: { lives_alone: false, limited_mobility: false, vision_hearing: false, no_smartphone: false, bedridden: false },
  authorised_name: '',
  authorised_id_number: '',
  authorised_relation: '',
  duplicate_reason: '',
};

async function rejection(p: Promise<unknown>): Promise<WireError> {
  try {
    await p;
  } catch (e) {
    return e as WireError;
  }
  throw new Error('expected a rejection');
}

describe('fake backend', () => {
  it('folds Vietnamese like DOMAIN.md', () => {
    expect(fold('Đỗ Văn Đạt')).toBe('do van dat');
    expect(fold('  NGUYỄN   Thị  Hoà ')).toBe('nguyen thi hoa');
  });

  it('rejects with the wire shape and the documented codes', async () => {
    const fake = new FakeBackend({ today: '2026-06-30' });
    const one = await rejection(fake.add_beneficiary({ input: { ...base, id_number: '0011550003' } }));
    expect(one).toMatchObject({ code: 'id_number.length', field: 'id_number', params: { found: '10' } });
    expect(one.details).toHaveLength(1);

    const province = await rejection(fake.add_beneficiary({ input: { ...base, id_number: '003155000321' } }));
    expect(province).toMatchObject({ code: 'id_number.province', params: { code: '003' } });

    const many = await rejection(fake.add_beneficiary({ input: { ...base, full_name: ' ', sex: '', ward_code: 'x' } }));
    expect(many.code).toBe('validation');
    expect(many.details?.map((d) => [d.field, d.code])).toEqual([
      ['full_name', 'required'],
      ['sex', 'required'],
      ['ward_code', 'ward.unknown'],
    ]);
    for (const d of many.details ?? []) expect(ERROR_CODES).toContain(d.code);

    const year = await rejection(fake.add_beneficiary({ input: { ...base, birth_date: '1956' } }));
    expect(year).toMatchObject({ code: 'id_number.year_mismatch', params: { id_year: '1955', birth_year: '1956' } });
    const ok = await fake.add_beneficiary({ input: { ...base, birth_date: '1956', id_override_reason: 'Giấy tờ ghi sai' } });
    expect(ok.birth_year).toBe(1956);

    const dup = await rejection(fake.add_beneficiary({ input: { ...base, full_name: 'Người Khác' } }));
    expect(dup).toMatchObject({ code: 'id_number.duplicate', params: { id: ok.id } });

    const legacy = await fake.add_beneficiary({ input: { ...base, id_number: '012345679', full_name: 'Lý Văn Tư' } });
    expect(legacy).toMatchObject({ id_number: null, legacy_id_number: '012345679' });

    const missing = await rejection(fake.get_beneficiary({ id: 'nope' }));
    expect(missing).toMatchObject({ code: 'not_found', params: { entity: 'beneficiary', id: 'nope' } });
  });

  it('computes Kaplan–Meier style metrics with censoring', async () => {
    const fake = new FakeBackend({ today: '2026-06-30' });
    const m = await fake.metrics({ query: { as_of: '30/06/2026', by: [] } });
    // Four credited payments: withdrawn after 3, 10 and 0 days; one never (censored).
    expect([m.credited, m.withdrawn, m.unwithdrawn]).toEqual([4, 3, 1]);
    expect(m.withdrawn_by_day['1']).toBeCloseTo(0.25);
    expect(m.withdrawn_by_day['3']).toBeCloseTo(0.5);
    expect(m.withdrawn_by_day['30']).toBeCloseTo(0.75);
    expect(m.time_to_cash_days).toEqual({ median: 3, p75: 10, p90: null });
    expect(m.curve).toHaveLength(31);
  });
});
