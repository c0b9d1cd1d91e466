import { describe, expect, it } from 'vitest';
import {
  daysBetween,
  formatBytes,
  formatBirth,
  formatCount,
  formatDate,
  formatDays,
  formatMoney,
  formatPercent,
  formatPeriod,
  groupThousands,
  looksLikeTypedDate,
  todayText,
} from '../src/lib/format';

describe('format', () => {
  it('formats ISO dates as dd/mm/yyyy', () => {
    expect(formatDate('2026-01-05')).toBe('05/01/2026');
    expect(formatDate('2025-12-31T23:59:00Z')).toBe('31/12/2025');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('')).toBe('—');
  });

  it('formats file sizes in KB, MB and GB with the language\'s decimal mark', () => {
    expect(formatBytes(300, 'vi')).toBe('1 KB');
    expect(formatBytes(520_192, 'vi')).toBe('508 KB');
    expect(formatBytes(13_000_000, 'vi')).toBe('12,4 MB');
    expect(formatBytes(13_000_000, 'en')).toBe('12.4 MB');
    expect(formatBytes(23_605_866_496, 'vi')).toBe('22,0 GB');
  });

  it('formats periods and birth dates', () => {
    expect(formatPeriod('2026-03')).toBe('03/2026');
    expect(formatBirth('1942-03-15', 1942)).toBe('15/03/1942');
    expect(formatBirth(null, 1950)).toBe('1950');
  });

  it('formats money with dots and ₫', () => {
    expect(formatMoney(1_250_000)).toBe('1.250.000 ₫');
    expect(formatMoney(500)).toBe('500 ₫');
    expect(formatMoney(0)).toBe('0 ₫');
    expect(formatMoney(1000)).toBe('1.000 ₫');
    expect(formatMoney(-2_789_000)).toBe('-2.789.000 ₫');
    expect(formatMoney(null)).toBe('—');
    expect(groupThousands(1234567890)).toBe('1.234.567.890');
  });

  it('formats shares as percentages with one decimal per language', () => {
    expect(formatPercent(0.455, 'vi')).toBe('45,5 %');
    expect(formatPercent(0.455, 'en')).toBe('45.5%');
    expect(formatPercent(1, 'vi')).toBe('100,0 %');
    expect(formatPercent(0, 'vi')).toBe('0,0 %');
    expect(formatPercent(0.12345, 'vi')).toBe('12,3 %');
    expect(formatPercent(null, 'vi')).toBe('—');
  });

  it('formats days and counts, with a dash for null', () => {
    expect(formatDays(3)).toBe('3');
    expect(formatDays(null)).toBe('—');
    expect(formatCount(1800)).toBe('1800');
  });

  it('knows typed dates and today', () => {
    expect(looksLikeTypedDate('5/1/2026')).toBe(true);
    expect(looksLikeTypedDate('05/01/26')).toBe(false);
    expect(todayText(new Date(2026, 0, 5))).toBe('05/01/2026');
    expect(daysBetween('2026-01-30', '2026-02-02')).toBe(3);
  });
});

describe('unitLabel', () => {
  it('shows the code and marks sample units', async () => {
    const { unitLabel } = await import('../src/lib/locale.svelte');
    const base = { code: '00004', name: 'Phường Ba Đình', level: 'ward', parent_code: '01', valid_from: '2025-07-01', valid_to: null };
    expect(unitLabel({ ...base, is_sample: false })).toBe('Phường Ba Đình (00004)');
    expect(unitLabel({ ...base, is_sample: true })).toBe('Phường Ba Đình (00004) · dữ liệu mẫu');
  });
});
