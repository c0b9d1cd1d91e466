// Ordering of the dashboard's segment table: worst (slowest time to cash) first.

import type { Segment } from './types';

/**
 * Slowest first. A segment with credited payments but no median yet (fewer than half
 * withdrawn, Kaplan–Meier) is slower than any finite median, so it comes first; then medians
 * from highest to lowest; ties by the lower share withdrawn by day 7, then by P90, then label.
 * Segments without any credited payment, or too small to judge, carry no information and
 * come last.
 */
export function sortWorstFirst(segments: readonly Segment[]): Segment[] {
  const judged = segments.filter((s): s is Extract<Segment, { too_few: false }> => !s.too_few);
  const tooFew = segments.filter((s) => s.too_few).sort((a, b) => a.label.localeCompare(b.label, 'vi'));
  const rank = (s: Extract<Segment, { too_few: false }>): number => {
    if (s.credited === 0) return Number.NEGATIVE_INFINITY;
    return s.time_to_cash_days.median ?? Number.POSITIVE_INFINITY;
  };
  const sorted = judged.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb) return rb > ra ? 1 : -1;
    const wa = a.withdrawn_by_day['7'] ?? 0;
    const wb = b.withdrawn_by_day['7'] ?? 0;
    if (wa !== wb) return wa - wb;
    const pa = a.time_to_cash_days.p90 ?? Number.POSITIVE_INFINITY;
    const pb = b.time_to_cash_days.p90 ?? Number.POSITIVE_INFINITY;
    if (pa !== pb) return pb > pa ? 1 : -1;
    return a.label.localeCompare(b.label, 'vi');
  });
  return [...sorted, ...tooFew];
}
