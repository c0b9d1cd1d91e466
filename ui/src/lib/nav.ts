// Which pages each role may open, and how the sidebar groups them: only what the role can use
// (Rust refuses the commands of any other page anyway).
import type { Role } from './types';

/** A nav link: the beneficiaries' list (route `list`) or a page of the same name as its route. */
export type NavPage =
  | 'beneficiaries'
  | 'dashboard'
  | 'import'
  | 'reconcile'
  | 'payouts'
  | 'followup'
  | 'uncollected'
  | 'signed'
  | 'verification'
  | 'grievances'
  | 'exchange'
  | 'review'
  | 'users'
  | 'audit';

// The field-workflow pages: every role.
const FIELD_PAGES = ['followup', 'uncollected', 'signed', 'grievances'] as const;
// Administrators' pages: imports, reconciliation, exchange with other desktops, the merge
// review queue, users, audit.
const ADMIN_PAGES = ['import', 'reconcile', 'payouts', 'exchange', 'review', 'users', 'audit'] as const;

/** Every page `role` may use. */
export function pagesFor(role: Role): ReadonlySet<NavPage> {
  return new Set<NavPage>([
    'beneficiaries',
    // Every role has figures: an officer's are their own ward's.
    'dashboard',
    ...(role === 'admin' ? ADMIN_PAGES : []),
    // Officers import their ward's payout reports (WritePeople); administrators have it above.
    ...(role === 'officer' ? (['payouts'] as const) : []),
    ...FIELD_PAGES,
    // Verification samples are read by supervisors and drawn and recorded by administrators.
    ...(role !== 'officer' ? (['verification'] as const) : []),
  ]);
}

/** The sidebar's groups, in the order of an officer's work: the people and their follow-up
 * first (daily), then the month's payments, the figures, exchange, administration. */
export const NAV_GROUPS = [
  { key: 'people', pages: ['beneficiaries', 'import', 'followup', 'uncollected', 'verification', 'grievances'] },
  { key: 'payments', pages: ['signed', 'payouts', 'reconcile'] },
  { key: 'reports', pages: ['dashboard'] },
  { key: 'exchange', pages: ['exchange', 'review'] },
  { key: 'admin', pages: ['users', 'audit'] },
] as const satisfies readonly { key: string; pages: readonly NavPage[] }[];

export type NavGroupKey = (typeof NAV_GROUPS)[number]['key'];

/** The groups `role` sees, each with only the pages it may use; a group left empty is dropped. */
export function navGroups(role: Role): { key: NavGroupKey; pages: NavPage[] }[] {
  const may = pagesFor(role);
  return NAV_GROUPS.map((g) => ({ key: g.key, pages: g.pages.filter((p) => may.has(p)) })).filter(
    (g) => g.pages.length > 0,
  );
}
