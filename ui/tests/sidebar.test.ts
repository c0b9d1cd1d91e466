import { screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { NAV_GROUPS, navGroups, pagesFor } from '../src/lib/nav';
import { navigate } from '../src/lib/router.svelte';
import { ROLES } from '../src/lib/types';
import { addPerson, recordPayment, signInAs, skipDemoOffer, typedDate, typedPeriod, daysAgo, monthsAgo, WARDS } from './fixtures';
import { renderApp } from './helpers';
import { startRust } from './rust';

/** The sidebar as the officer reads it: each group's heading and its links' testids. */
function sidebarGroups(): { heading: string; links: string[] }[] {
  return within(screen.getByTestId('sidebar'))
    .getAllByRole('list')
    .map((ul) => ({
      heading: document.getElementById(ul.getAttribute('aria-labelledby') ?? '')?.textContent ?? '',
      links: [...ul.querySelectorAll('a')].map((a) => a.dataset.testid ?? ''),
    }));
}

describe('sidebar pages per role', () => {
  // The pages each role can use, neither more nor fewer (an officer has no verification
  // samples: supervisors read them, administrators draw and record them).
  const FIELD = ['followup', 'uncollected', 'signed', 'grievances'];
  const EXPECTED = {
    officer: ['beneficiaries', 'dashboard', 'payouts', ...FIELD],
    supervisor: ['beneficiaries', 'dashboard', 'verification', ...FIELD],
    admin: ['beneficiaries', 'dashboard', 'import', 'reconcile', 'payouts', 'exchange', 'review', 'users', 'audit', 'verification', ...FIELD],
  };

  it('keeps every role to its pages, each page in exactly one group', () => {
    for (const role of ROLES) {
      expect([...pagesFor(role)].sort(), role).toEqual([...EXPECTED[role]].sort());
      const grouped = navGroups(role).flatMap((g) => g.pages);
      expect(grouped.sort(), role).toEqual([...EXPECTED[role]].sort());
      expect(navGroups(role).every((g) => g.pages.length > 0), role).toBe(true);
    }
    const all = NAV_GROUPS.flatMap((g) => [...g.pages]);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('sidebar', () => {
  it('groups an administrator’s pages by task and marks the current page', async () => {
    const user = userEvent.setup();
    navigate({ name: 'list' });
    const rust = await startRust();
    await skipDemoOffer(rust);
    await renderApp(rust);
    expect(screen.getByRole('navigation', { name: 'Điều hướng chính' })).toBe(screen.getByTestId('sidebar'));
    expect(sidebarGroups()).toEqual([
      {
        heading: 'Người hưởng và theo dõi',
        links: ['nav-beneficiaries', 'nav-import', 'nav-followup', 'nav-uncollected', 'nav-verification', 'nav-grievances'],
      },
      { heading: 'Chi trả, đối soát và rút tiền', links: ['nav-signed', 'nav-payouts', 'nav-reconcile'] },
      { heading: 'Báo cáo', links: ['nav-dashboard'] },
      { heading: 'Trao đổi', links: ['nav-exchange', 'nav-review'] },
      { heading: 'Quản trị', links: ['nav-users', 'nav-audit'] },
    ]);
    // The end-to-end tests click these: the same hrefs as before.
    expect(screen.getByTestId('nav-beneficiaries')).toHaveAttribute('href', '#/beneficiaries');
    expect(screen.getByTestId('nav-users')).toHaveAttribute('href', '#/users');
    expect(screen.getByTestId('nav-beneficiaries')).toHaveAttribute('aria-current', 'page');
    expect(screen.getByTestId('nav-users')).not.toHaveAttribute('aria-current');

    await user.click(screen.getByTestId('nav-users'));
    expect(await screen.findByTestId('nav-users')).toHaveAttribute('aria-current', 'page');
    expect(screen.getByTestId('nav-beneficiaries')).not.toHaveAttribute('aria-current');
    expect(window.location.hash).toBe('#/users');

    // The headings follow the language.
    await user.click(screen.getByTestId('lang-en'));
    expect(sidebarGroups().map((g) => g.heading)).toEqual([
      'People and follow-up',
      'Payments, reconciliation and withdrawals',
      'Reports',
      'Exchange',
      'Administration',
    ]);
    navigate({ name: 'list' });
  });

  it('shows an officer no Administration or Exchange group, and keeps the list marked on a person’s page', async () => {
    navigate({ name: 'dashboard' });
    const rust = await startRust();
    await skipDemoOffer(rust);
    await signInAs(rust, { role: 'officer', ward_code: WARDS.baDinh.code });
    await renderApp(rust);
    expect(sidebarGroups()).toEqual([
      {
        heading: 'Người hưởng và theo dõi',
        links: ['nav-beneficiaries', 'nav-followup', 'nav-uncollected', 'nav-grievances'],
      },
      { heading: 'Chi trả, đối soát và rút tiền', links: ['nav-signed', 'nav-payouts'] },
      { heading: 'Báo cáo', links: ['nav-dashboard'] },
    ]);
    expect(screen.queryByTestId('nav-users')).not.toBeInTheDocument();
    expect(screen.queryByTestId('nav-verification')).not.toBeInTheDocument();
    expect(screen.getByTestId('nav-dashboard')).toHaveAttribute('aria-current', 'page');
    navigate({ name: 'add' });
    expect(await screen.findByTestId('nav-beneficiaries')).toHaveAttribute('aria-current', 'page');
    navigate({ name: 'list' });
  });

  it('gives a supervisor the field pages without payout reports', async () => {
    navigate({ name: 'list' });
    const rust = await startRust();
    await skipDemoOffer(rust);
    await signInAs(rust, { role: 'supervisor', ward_code: null });
    await renderApp(rust);
    expect(sidebarGroups().map((g) => g.links)).toEqual([
      ['nav-beneficiaries', 'nav-followup', 'nav-uncollected', 'nav-verification', 'nav-grievances'],
      ['nav-signed'],
      ['nav-dashboard'],
    ]);
  });

  it('is not there before anyone signs in', async () => {
    await renderApp({ auth: 'signed-out' });
    expect(screen.queryByTestId('sidebar')).not.toBeInTheDocument();
    expect(screen.queryByTestId('nav-beneficiaries')).not.toBeInTheDocument();
  });
});

describe("a person's page per role", () => {
  // The actions that record or correct a person's data (WritePeople): Rust refuses them to a
  // supervisor, so the page does not offer them.
  const WRITE = ['edit-beneficiary', 'open-account', 'record-payment', 'record-withdrawal', 'open-decision',
    'open-decline', 'add-contact', 'open-grievance'];

  async function personPage(role: 'officer' | 'supervisor'): Promise<void> {
    const rust = await startRust();
    await skipDemoOffer(rust);
    const p = await addPerson(rust, { ward_code: WARDS.baDinh.code });
    await recordPayment(rust, p.id, { period: typedPeriod(monthsAgo(1)), credited_on: typedDate(daysAgo(10)) });
    await signInAs(rust, { role, ward_code: role === 'officer' ? WARDS.baDinh.code : null });
    navigate({ name: 'detail', id: p.id });
    await renderApp(rust);
    await screen.findByTestId('decision-list');
    await screen.findByTestId('contact-log');
  }

  it('offers a supervisor no action that writes', async () => {
    await personPage('supervisor');
    for (const id of WRITE) expect(screen.queryByTestId(id), id).not.toBeInTheDocument();
    navigate({ name: 'list' });
  });

  it('offers an officer of the ward every action', async () => {
    await personPage('officer');
    for (const id of WRITE) expect(await screen.findByTestId(id), id).toBeInTheDocument();
    navigate({ name: 'list' });
  });
});
