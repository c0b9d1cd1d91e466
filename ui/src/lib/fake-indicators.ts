// The fake backend's indicators (for vitest): the same keys as Rust's report, computed simply
// from the fake's in-memory payments. Grievances and verification visits are not linked in
// the fake, so their indicators stay empty here.

import type { Account, Beneficiary, FilterInput, Indicators, Metrics, Payment, Share, Stat } from './types';

function share(flags: boolean[]): Share {
  const count = flags.filter(Boolean).length;
  return { n: flags.length, count, share: flags.length ? count / flags.length : null };
}

function stat(values: (number | null)[]): Stat {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return { n: 0, mean: null, median: null };
  const k = v.length;
  const median = k % 2 ? v[(k - 1) / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
  return { n: k, mean: v.reduce((a, b) => a + b, 0) / k, median };
}

/** mm/yyyy → yyyy-mm (empty when not given). */
function period(raw: string | null | undefined): string {
  const m = /^(\d{1,2})\/(\d{4})$/.exec((raw ?? '').trim());
  return m ? `${m[2]}-${m[1].padStart(2, '0')}` : (raw ?? '').trim();
}

/** Does the filter keep this payment? */
export function keeps(f: FilterInput | undefined, p: Payment, b: Beneficiary): boolean {
  if (!f) return true;
  const from = period(f.from);
  const to = period(f.to);
  return (
    (!from || p.period >= from) &&
    (!to || p.period <= to) &&
    (!f.ward || b.ward_code === f.ward) &&
    (!f.group || b.group_code === f.group) &&
    (!f.channel || p.channel === f.channel) &&
    (!f.need || Boolean(b.needs[f.need as keyof Beneficiary['needs']]))
  );
}

/** Every indicator besides time to cash (`ttc`), for the kept payments and their people's accounts. */
export function indicators(ttc: Metrics, payments: Payment[], accounts: Account[], asOf: string): Indicators {
  const issued = payments.filter((p) => p.status === 'failed' || p.status === 'reversed' || (p.status === 'credited' && (p.credited_on ?? '') <= asOf));
  const credited = issued.filter((p) => p.status === 'credited');
  const seen = (p: Payment) => p.withdrawals.filter((w) => w.withdrawn_on <= asOf);
  const withdrawn = credited.filter((p) => seen(p).length > 0);
  const visits = credited.flatMap(seen);
  const reasons = new Map<string, number>();
  for (const p of issued) if (p.status !== 'credited') reasons.set(p.failure_reason, (reasons.get(p.failure_reason) ?? 0) + 1);
  const opened = accounts.filter((a) => a.opened_on && a.opened_on <= asOf);
  const creditedTo = (a: Account) => credited.filter((p) => p.account_id === a.id);
  const neverReceived = opened.filter((a) => creditedTo(a).length === 0).length;
  const neverPaidOut = opened.filter((a) => creditedTo(a).length > 0 && creditedTo(a).every((p) => seen(p).length === 0)).length;
  return {
    ...ttc,
    payments: issued.length,
    full_first_visit: share(
      withdrawn.map((p) => {
        const first = seen(p)[0].withdrawn_on;
        return seen(p).filter((w) => w.withdrawn_on === first).reduce((s, w) => s + w.amount_vnd, 0) >= p.amount_vnd;
      }),
    ),
    unwithdrawn_at_cycle_end: share([]),
    on_time_credit: share(credited.filter((p) => p.scheduled_on).map((p) => (p.credited_on ?? '') <= (p.scheduled_on ?? ''))),
    failed_transfers: {
      ...share(issued.map((p) => p.status !== 'credited')),
      reasons: [...reasons.entries()].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
    },
    partial_delivery: share(
      credited.map((p) => {
        const d = seen(p).reduce((s, w) => s + w.amount_vnd, 0);
        return d > 0 && d < p.amount_vnd;
      }),
    ),
    travel_minutes: stat(visits.map((w) => w.travel_minutes)),
    travel_cost_vnd: stat(visits.map((w) => w.travel_cost_vnd)),
    waiting_minutes: stat(visits.map((w) => w.waiting_minutes)),
    assisted_withdrawals: share(visits.map((w) => w.assisted || w.place === 'proxy' || w.place === 'home_delivery')),
    account_to_first_payment_days: { ...stat([]), without_payment: neverReceived },
    dormant_accounts: {
      opened: opened.length,
      dormant: neverReceived + neverPaidOut,
      never_received: neverReceived,
      never_paid_out: neverPaidOut,
      share: opened.length ? (neverReceived + neverPaidOut) / opened.length : null,
    },
    grievances: { count: 0, per_1000_payments: issued.length ? 0 : null, resolution_days: stat([]), within_deadline: share([]) },
    verified_receipt: share([]),
  };
}
