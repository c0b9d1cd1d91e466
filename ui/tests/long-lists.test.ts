// Lists that grow with the city draw 100 rows at a time (ShowMore.svelte): at 300,000 people the
// follow-up list alone holds ~20,000 rows, too many to draw at once.
import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import FollowupPage from '../src/components/FollowupPage.svelte';
import GrievancesPage from '../src/components/GrievancesPage.svelte';
import ReviewPage from '../src/components/ReviewPage.svelte';
import { FakeBackend } from '../src/lib/fake-backend';
import { renderWith } from './helpers';

const TODAY = '2026-06-30';

/** `n` credited, unwithdrawn payments of the fake's people (follow-up rows). */
function manyWaiting(fake: FakeBackend, n: number): void {
  const people = fake.store.beneficiaries;
  for (let i = 0; i < n; i++) {
    fake.store.payments.push({
      id: `p-many-${String(i).padStart(4, '0')}`, beneficiary_id: people[i % people.length].id, account_id: null,
      channel: 'cash', period: '2026-05', amount_vnd: 500_000, status: 'credited', scheduled_on: '2026-05-05',
      credited_on: '2026-05-10', failure_reason: '', withdrawn_vnd: 0, withdrawals: [],
    });
  }
}

describe('long lists', () => {
  it('follow-up: draws 100 rows, adds 100 per click, and starts over on a new filter', async () => {
    const user = userEvent.setup();
    const fake = new FakeBackend({ today: TODAY });
    manyWaiting(fake, 248);
    renderWith(FollowupPage, { onOpen: () => {} }, fake);
    const rows = () => screen.getAllByTestId('followup-row');
    await waitFor(() => expect(rows()).toHaveLength(100));
    expect(screen.getByTestId('followup-count')).toHaveTextContent('250'); // with the fake's own two
    expect(screen.getByTestId('followup-more-window')).toHaveTextContent('Đang hiện 100 trên 250 dòng');

    await user.click(screen.getByTestId('followup-more'));
    await waitFor(() => expect(rows()).toHaveLength(200));
    expect(within(rows()[150]).getAllByRole('cell')[0]).toHaveTextContent('151'); // the rank goes on
    expect(screen.getByTestId('followup-more')).toHaveTextContent('Hiện thêm 50 dòng');
    await user.click(screen.getByTestId('followup-more'));
    await waitFor(() => expect(rows()).toHaveLength(250));
    expect(screen.queryByTestId('followup-more')).not.toBeInTheDocument();
    expect(fake.callsTo('followup_list')).toHaveLength(1); // drawing more asks nothing again

    await user.clear(screen.getByTestId('followup-days'));
    await user.type(screen.getByTestId('followup-days'), '10{Enter}');
    await waitFor(() => expect(fake.callsTo('followup_list')).toHaveLength(2));
    await waitFor(() => expect(rows()).toHaveLength(100));
  });

  it('grievances and the review queue draw 100 at a time too', async () => {
    const user = userEvent.setup();
    const fake = new FakeBackend({ today: TODAY });
    const person = fake.store.beneficiaries[0];
    for (let i = 0; i < 130; i++) {
      fake.field.openGrievance({
        beneficiary_id: person.id, category: 'not_received', channel: 'hotline',
        description: `Khiếu nại ${i}`, opened_on: '01/06/2026', deadline_on: '',
      });
    }
    for (let i = 1; i <= 105; i++) {
      fake.exchange.review.push({
        id: i, kind: 'duplicate_person', entity: 'beneficiary', entity_id: `a-${i}`, other_id: `b-${i}`,
        sides: [{ row: { full_name: 'Nguyễn Văn An' } }, { row: { full_name: 'Nguyễn Văn Ân' } }], status: 'open',
      });
    }
    const page = renderWith(GrievancesPage, { onOpen: () => {} }, fake);
    await waitFor(() => expect(screen.getAllByTestId('grievance-row')).toHaveLength(100));
    expect(screen.getByTestId('grievance-count')).toHaveTextContent('130');
    await user.click(screen.getByTestId('grievances-more'));
    await waitFor(() => expect(screen.getAllByTestId('grievance-row')).toHaveLength(130));
    page.unmount();

    renderWith(ReviewPage, {}, fake);
    await waitFor(() => expect(screen.getByTestId('review-item-100')).toBeInTheDocument());
    expect(screen.queryByTestId('review-item-101')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('review-more'));
    expect(await screen.findByTestId('review-item-105')).toBeInTheDocument();
    expect(screen.queryByTestId('review-more')).not.toBeInTheDocument();
  });
});
