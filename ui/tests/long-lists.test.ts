// Lists that grow with the city draw 100 rows at a time (ShowMore.svelte): at 300,000 people the
// follow-up list alone holds ~20,000 rows, too many to draw at once.
import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import FollowupPage from '../src/components/FollowupPage.svelte';
import GrievancesPage from '../src/components/GrievancesPage.svelte';
import ReviewPage from '../src/components/ReviewPage.svelte';
import {
  addPerson,
  daysAgo,
  duplicatesFromAWard,
  many,
  monthsAgo,
  openGrievance,
  personName,
  recordPayment,
  typedDate,
  typedPeriod,
} from './fixtures';
import { renderWith } from './helpers';
import { startRust } from './rust';

describe('long lists', () => {
  it('follow-up: draws 100 rows, adds 100 per click, and starts over on a new filter', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    // 50 people with five credited, unwithdrawn payments each: 250 rows after 7 days; last
    // month's were credited 8 days ago, so 200 rows after 10 days.
    const people = await many(50, (i) => addPerson(rust, { full_name: personName(i) }));
    await many(250, (i) => {
      const k = 1 + (i % 5);
      return recordPayment(rust, people[Math.floor(i / 5)].id, {
        period: typedPeriod(monthsAgo(k)),
        credited_on: typedDate(daysAgo(k === 1 ? 8 : 30 * k)),
      });
    });
    renderWith(FollowupPage, { onOpen: () => {} }, rust);
    const rows = () => screen.getAllByTestId('followup-row');
    await waitFor(() => expect(rows()).toHaveLength(100));
    expect(screen.getByTestId('followup-count')).toHaveTextContent('250');
    expect(screen.getByTestId('followup-more-window')).toHaveTextContent('Đang hiện 100 trên 250 dòng');

    await user.click(screen.getByTestId('followup-more'));
    await waitFor(() => expect(rows()).toHaveLength(200));
    expect(within(rows()[150]).getAllByRole('cell')[0]).toHaveTextContent('151'); // the rank goes on
    expect(screen.getByTestId('followup-more')).toHaveTextContent('Hiện thêm 50 dòng');
    await user.click(screen.getByTestId('followup-more'));
    await waitFor(() => expect(rows()).toHaveLength(250));
    expect(screen.queryByTestId('followup-more')).not.toBeInTheDocument();
    expect(rust.callsTo('followup_list')).toHaveLength(1); // drawing more asks nothing again

    await user.clear(screen.getByTestId('followup-days'));
    await user.type(screen.getByTestId('followup-days'), '10{Enter}');
    await waitFor(() => expect(rust.callsTo('followup_list')).toHaveLength(2));
    expect(rust.callsTo('followup_list')[1].query).toEqual({ days: 10, ward_code: null });
    await waitFor(() => expect(screen.getByTestId('followup-count')).toHaveTextContent('200'));
    expect(rows()).toHaveLength(100);
    expect(screen.getByTestId('followup-more-window')).toHaveTextContent('Đang hiện 100 trên 200 dòng');
  });

  it('grievances and the review queue draw 100 at a time too', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const person = await addPerson(rust);
    await many(130, (i) => openGrievance(rust, person.id, { description: `Khiếu nại số ${i}` }));
    const page = renderWith(GrievancesPage, { onOpen: () => {} }, rust);
    await waitFor(() => expect(screen.getAllByTestId('grievance-row')).toHaveLength(100));
    expect(screen.getByTestId('grievance-count')).toHaveTextContent('130');
    await user.click(screen.getByTestId('grievances-more'));
    await waitFor(() => expect(screen.getAllByTestId('grievance-row')).toHaveLength(130));
    expect(screen.queryByTestId('grievances-more')).not.toBeInTheDocument();
    page.unmount();

    await duplicatesFromAWard(rust, 105);
    const queue = (await rust.direct.review_list()).map((item) => item.id);
    expect(queue).toHaveLength(105);
    renderWith(ReviewPage, {}, rust);
    await waitFor(() => expect(screen.getByTestId(`review-item-${queue[99]}`)).toBeInTheDocument());
    expect(screen.queryByTestId(`review-item-${queue[100]}`)).not.toBeInTheDocument();
    expect(screen.getByTestId('review-more-window')).toHaveTextContent('Đang hiện 100 trên 105 dòng');
    await user.click(screen.getByTestId('review-more'));
    expect(await screen.findByTestId(`review-item-${queue[104]}`)).toBeInTheDocument();
    expect(screen.queryByTestId('review-more')).not.toBeInTheDocument();
    expect(rust.callsTo('review_list')).toHaveLength(1);
  });
});
