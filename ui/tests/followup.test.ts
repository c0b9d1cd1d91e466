import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import FollowupPage from '../src/components/FollowupPage.svelte';
import VerificationPage from '../src/components/VerificationPage.svelte';
import GrievancesPage from '../src/components/GrievancesPage.svelte';
import BeneficiaryDetail from '../src/components/BeneficiaryDetail.svelte';
import { FakeBackend } from '../src/lib/fake-backend';
import type { ContactInput, GrievanceUpdateInput } from '../src/lib/types';
import { renderApp, renderWith } from './helpers';

const TODAY = '2026-06-30';
const rows = () => screen.getAllByTestId('followup-row');

describe('follow-up page', () => {
  it('lists waiting payments ranked, records a contact by keyboard and shows it on the row', async () => {
    const user = userEvent.setup();
    const fake = new FakeBackend({ today: TODAY });
    const an = fake.store.beneficiaries.find((b) => b.full_name === 'Nguyễn Văn An')!;
    const dung = fake.store.beneficiaries.find((b) => b.full_name === 'Phạm Thị Dung')!;
    // Dung (88, bedridden, alone: 11 points) waits 10 days; An (84, alone: 7 points) longer.
    fake.store.payments.push({
      id: 'p-dung', beneficiary_id: dung.id, account_id: null, channel: 'cash', period: '2026-06', amount_vnd: 500_000,
      status: 'credited', scheduled_on: '2026-06-05', credited_on: '2026-06-20', failure_reason: '', withdrawn_vnd: 0, withdrawals: [],
    });
    renderWith(FollowupPage, { onOpen: () => {} }, fake);
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(rows().map((r) => within(r).getByTestId('followup-name').textContent)).toEqual([
      'Phạm Thị Dung',
      'Nguyễn Văn An', // Feb: partly withdrawn, waited longer
      'Nguyễn Văn An',
    ]);
    expect(within(rows()[1]).getByText('400.000 ₫')).toBeInTheDocument();
    expect(within(rows()[0]).getByTestId('followup-days-waiting')).toHaveTextContent('10');
    expect(screen.getByTestId('followup-count')).toHaveTextContent('3');

    await user.click(within(rows()[1]).getByTestId('record-contact'));
    const kind = screen.getByTestId('field-kind');
    await waitFor(() => expect(kind).toHaveFocus());
    expect(screen.getByTestId('field-contacted_on')).toHaveValue(
      new Date().toLocaleDateString('en-GB', { day: '2-digit', month: '2-digit', year: 'numeric' }),
    );
    await user.selectOptions(kind, 'home_visit');
    await user.clear(screen.getByTestId('field-contacted_on'));
    await user.type(screen.getByTestId('field-contacted_on'), '29/06/2026');
    await user.selectOptions(screen.getByTestId('field-outcome'), 'home_delivery_arranged');
    await user.type(screen.getByTestId('field-note'), 'Bưu điện giao ngày 2/7{Enter}');

    await waitFor(() => expect(screen.queryByTestId('contact-form')).not.toBeInTheDocument());
    const payment = rows()[1].dataset.id!;
    expect(fake.callsTo('record_contact')).toEqual([
      {
        input: {
          beneficiary_id: an.id,
          payment_id: payment,
          kind: 'home_visit',
          contacted_on: '29/06/2026',
          outcome: 'home_delivery_arranged',
          note: 'Bưu điện giao ngày 2/7',
        } satisfies ContactInput,
      },
    ]);
    // The person's latest contact shows on both of An's rows.
    await waitFor(() => expect(within(rows()[1]).getByTestId('followup-last-contact')).toHaveTextContent('Đã hẹn chi trả tại nhà'));
    expect(within(rows()[2]).getByTestId('followup-last-contact')).toHaveTextContent('29/06/2026');
    expect(within(rows()[0]).getByTestId('followup-last-contact')).toHaveTextContent('—');
  });

  it('shows inline errors, and Esc cancels the contact form', async () => {
    const user = userEvent.setup();
    const fake = new FakeBackend({ today: TODAY });
    renderWith(FollowupPage, { onOpen: () => {} }, fake);
    await waitFor(() => expect(rows()).toHaveLength(2));
    await user.click(within(rows()[0]).getByTestId('record-contact'));
    await user.clear(screen.getByTestId('field-contacted_on'));
    await user.click(screen.getByTestId('save'));
    expect(await screen.findByTestId('error-kind')).toHaveTextContent('Bắt buộc nhập');
    expect(screen.getByTestId('error-outcome')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('contact-form')).not.toBeInTheDocument());
    expect(fake.field.contacts).toHaveLength(0);
  });

  it('filters by ward and days, prints and exports', async () => {
    const user = userEvent.setup();
    const fake = new FakeBackend({ today: TODAY });
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    renderWith(FollowupPage, { onOpen: () => {} }, fake);
    await waitFor(() => expect(rows()).toHaveLength(2));
    await waitFor(() => expect(screen.getByTestId('followup-ward').querySelectorAll('option').length).toBeGreaterThan(1));
    await user.selectOptions(screen.getByTestId('followup-ward'), '00004');
    expect(await screen.findByTestId('followup-empty')).toBeInTheDocument();
    expect(fake.callsTo('followup_list').at(-1)).toEqual({ query: { days: 7, ward_code: '00004' } });
    await user.selectOptions(screen.getByTestId('followup-ward'), '');
    await user.clear(screen.getByTestId('followup-days'));
    await user.type(screen.getByTestId('followup-days'), '120{Enter}');
    await waitFor(() => expect(rows()).toHaveLength(1)); // only February waited more than 120 days

    await user.click(screen.getByTestId('followup-print'));
    expect(print).toHaveBeenCalledOnce();
    // The printed page carries an empty signature column.
    expect(screen.getByText('Chữ ký / ghi chú')).toBeInTheDocument();

    await user.click(screen.getByTestId('followup-export'));
    const shown = await screen.findByTestId('export-path');
    expect(shown).toHaveTextContent(`/fake/exports/theo-doi-${TODAY}.xlsx`);
    expect(fake.callsTo('export_followup')).toEqual([{ query: { days: 120, ward_code: null } }]);
    print.mockRestore();
  });

  it('is reachable from the navigation', async () => {
    const user = userEvent.setup();
    await renderApp({ today: TODAY });
    await user.click(screen.getByTestId('nav-followup'));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(window.location.hash).toBe('#/followup');
    expect(screen.getByTestId('nav-followup')).toHaveAttribute('aria-current', 'page');
    await user.click(screen.getByTestId('nav-grievances'));
    expect(await screen.findByTestId('grievance-none')).toBeInTheDocument();
    await user.click(screen.getByTestId('nav-verification'));
    expect(await screen.findByTestId('sample-form')).toBeInTheDocument();
  });
});

describe('verification page', () => {
  it('draws a sample for the newest cycle and records results with progress', async () => {
    const user = userEvent.setup();
    const fake = new FakeBackend({ today: TODAY });
    renderWith(VerificationPage, {}, fake);
    const form = await screen.findByTestId('sample-form');
    expect(screen.getByTestId('verify-cycle')).toHaveValue('2026-03');
    await user.clear(within(form).getByTestId('field-size'));
    await user.type(within(form).getByTestId('field-size'), '0');
    await user.click(within(form).getByTestId('save'));
    expect(await screen.findByTestId('error-size')).toHaveTextContent('Cỡ mẫu');

    await user.clear(within(form).getByTestId('field-size'));
    await user.type(within(form).getByTestId('field-size'), '100%');
    await user.clear(within(form).getByTestId('field-seed'));
    await user.type(within(form).getByTestId('field-seed'), '42{Enter}');
    await waitFor(() => expect(screen.getByTestId('verify-progress-count')).toHaveTextContent('Đã xác minh 0/1'));
    expect(fake.callsTo('create_verification_sample').at(-1)).toEqual({ input: { period: '03/2026', size: '100%', seed: '42' } });

    await user.click(screen.getByTestId('verify-record'));
    await user.selectOptions(screen.getByTestId('field-result'), 'partial');
    await user.clear(screen.getByTestId('field-verified_on'));
    await user.type(screen.getByTestId('field-verified_on'), '30/06/2026');
    await user.type(screen.getByTestId('field-amount_received'), '1.000.000');
    await user.click(screen.getByTestId('save'));
    expect(await screen.findByTestId('error-amount_received')).toHaveTextContent('nhỏ hơn số tiền chi trả (1.000.000 ₫)');
    await user.clear(screen.getByTestId('field-amount_received'));
    await user.type(screen.getByTestId('field-amount_received'), '400.000');
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(screen.getByTestId('verify-progress-count')).toHaveTextContent('Đã xác minh 1/1'));
    expect(screen.getByTestId('verify-share-full')).toHaveTextContent('0,0 %');
    expect(screen.getByTestId('verify-item')).toHaveAttribute('data-result', 'partial');
  });
});

describe('grievances', () => {
  it('opens a grievance on the person page, lists it overdue, and resolves it with a note', async () => {
    const user = userEvent.setup();
    const fake = new FakeBackend({ today: TODAY });
    const an = fake.store.beneficiaries.find((b) => b.full_name === 'Nguyễn Văn An')!;
    const detail = renderWith(BeneficiaryDetail, { id: an.id, onBack: () => {}, onEdit: () => {} }, fake);
    await user.click(await screen.findByTestId('open-grievance'));
    await user.selectOptions(screen.getByTestId('field-category'), 'not_received');
    await user.selectOptions(screen.getByTestId('field-channel'), 'hotline');
    await user.clear(screen.getByTestId('field-opened_on'));
    await user.type(screen.getByTestId('field-opened_on'), '01/06/2026');
    await user.type(screen.getByTestId('field-description'), 'Chưa nhận tiền tháng 3{Enter}');
    const row = await screen.findByTestId('grievance-row');
    expect(row).toHaveAttribute('data-overdue', 'true'); // deadline 16/06 < 30/06
    expect(within(row).getByText('16/06/2026')).toBeInTheDocument();
    expect(screen.getByTestId('contact-log')).toBeInTheDocument();
    detail.unmount();

    renderWith(GrievancesPage, { onOpen: () => {} }, fake);
    const listed = await screen.findByTestId('grievance-row');
    expect(within(listed).getByTestId('grievance-overdue')).toHaveTextContent('Quá hạn');
    await user.click(screen.getByTestId('grievance-filter-overdue'));
    await waitFor(() => expect(fake.callsTo('list_grievances').at(-1)).toEqual({ query: { status: null, overdue: true, beneficiary_id: null } }));
    expect(screen.getByTestId('grievance-count')).toHaveTextContent('1');

    await user.click(within(listed).getByTestId('grievance-update'));
    await user.selectOptions(screen.getByTestId('field-status'), 'resolved');
    await user.clear(screen.getByTestId('field-changed_on'));
    await user.type(screen.getByTestId('field-changed_on'), '29/06/2026');
    await user.click(screen.getByTestId('save'));
    expect(await screen.findByTestId('error-note')).toHaveTextContent('Cần ghi kết quả giải quyết');
    await user.type(screen.getByTestId('field-note'), 'Ngân hàng đã chuyển lại{Enter}');
    // Resolved: no longer overdue, so the overdue-only list is empty.
    expect(await screen.findByTestId('grievance-none')).toBeInTheDocument();
    const update = (fake.callsTo('update_grievance') as { input: GrievanceUpdateInput }[]).at(-1)!;
    expect(update.input).toMatchObject({ status: 'resolved', note: 'Ngân hàng đã chuyển lại', deadline_on: '' });
    await user.click(screen.getByTestId('grievance-filter-overdue'));
    const done = await screen.findByTestId('grievance-row');
    expect(done).toHaveAttribute('data-status', 'resolved');
    expect(within(done).getByTestId('grievance-resolution')).toHaveTextContent('Ngân hàng đã chuyển lại');
    expect(within(done).getAllByTestId('grievance-event')).toHaveLength(2);
  });
});
