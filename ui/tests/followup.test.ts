import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import FollowupPage from '../src/components/FollowupPage.svelte';
import VerificationPage from '../src/components/VerificationPage.svelte';
import GrievancesPage from '../src/components/GrievancesPage.svelte';
import BeneficiaryDetail from '../src/components/BeneficiaryDetail.svelte';
import type { BeneficiaryInput, ContactInput, GrievanceQuery, GrievanceUpdateInput, Needs, SampleInput } from '../src/lib/types';
import { renderApp, renderWith } from './helpers';
import { startRust, type Rust } from './rust';

const rows = () => screen.getAllByTestId('followup-row');

// ---------- people and payments, built through the real commands ----------

const pad = (n: number) => String(n).padStart(2, '0');
const today = () => {
  const n = new Date();
  return new Date(n.getFullYear(), n.getMonth(), n.getDate());
};
const daysAgo = (n: number) => {
  const d = today();
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - n);
};
/** The 5th of the month `back` months before this one. */
const monthBack = (back: number) => {
  const d = today();
  return new Date(d.getFullYear(), d.getMonth() - back, 5);
};
/** As typed: dd/mm/yyyy. */
const typed = (d: Date) => `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
const daysBetween = (a: Date, b: Date) => Math.round((b.getTime() - a.getTime()) / 86_400_000);

const NO_NEEDS: Needs = { lives_alone: false, limited_mobility: false, vision_hearing: false, no_smartphone: false, bedridden: false };

async function person(rust: Rust, o: { name: string; birth: string; sex: 'male' | 'female'; id: string; ward: string; needs?: Partial<Needs> }) {
  const input: BeneficiaryInput = {
    full_name: o.name,
    birth_date: o.birth,
    sex: o.sex,
    id_number: o.id,
    id_override_reason: '',
    ward_code: o.ward,
    residential_group: '',
    phone: '',
    group_code: 'cao_tuoi_80_khong_luong',
    disability: 'none',
    needs: { ...NO_NEEDS, ...o.needs },
    authorised_name: '',
    authorised_id_number: '',
    authorised_relation: '',
    duplicate_reason: '',
  };
  return rust.direct.add_beneficiary({ input });
}

/** A cash payment for the month of `credited`, credited that day, `withdrawn` VND withdrawn
 * two days later (0: nothing). */
async function payment(rust: Rust, beneficiaryId: string, credited: Date, amount: number, withdrawn: number) {
  const p = await rust.direct.record_payment({
    input: {
      beneficiary_id: beneficiaryId,
      account_id: null,
      period: `${pad(credited.getMonth() + 1)}/${credited.getFullYear()}`,
      amount: String(amount),
      status: 'credited',
      credited_on: typed(credited),
      failure_reason: '',
      one_off: false,
      label: '',
    },
  });
  if (withdrawn > 0) {
    const on = new Date(credited.getFullYear(), credited.getMonth(), credited.getDate() + 2);
    await rust.direct.record_withdrawal({
      input: {
        payment_id: p.id,
        withdrawn_on: typed(on),
        amount: String(withdrawn),
        place: 'ward_office',
        travel_minutes: '',
        travel_cost: '',
        waiting_minutes: '',
        assisted: false,
        problems: [],
      },
    });
  }
  return p;
}

/**
 * Nguyễn Văn An (born 1942: 80 or over, lives alone: 4 + 3 = 7 points), ward 00004:
 * - 7 months back: 1.000.000 ₫, all withdrawn (not followed up);
 * - 6 months back: 1.000.000 ₫, 600.000 ₫ withdrawn (400.000 ₫ waiting, the longest wait);
 * - 3 months back: 1.000.000 ₫, nothing withdrawn.
 * Trần Thị Bình, ward 00004: one payment 6 months back, all withdrawn.
 * With `dung`: Phạm Thị Dung (born 1938, bedridden, lives alone: 4 + 4 + 3 = 11 points),
 * ward 00025: 500.000 ₫ credited 10 days ago, nothing withdrawn.
 */
async function fieldwork(rust: Rust, o: { dung: boolean }) {
  const an = await person(rust, { name: 'Nguyễn Văn An', birth: '15/03/1942', sex: 'male', id: '001042001234', ward: '00004', needs: { lives_alone: true } });
  const binh = await person(rust, { name: 'Trần Thị Bình', birth: '1950', sex: 'female', id: '001150004321', ward: '00004', needs: { no_smartphone: true } });
  await payment(rust, an.id, monthBack(7), 1_000_000, 1_000_000);
  const feb = await payment(rust, an.id, monthBack(6), 1_000_000, 600_000);
  const mar = await payment(rust, an.id, monthBack(3), 1_000_000, 0);
  await payment(rust, binh.id, monthBack(6), 750_000, 750_000);
  let dung = null;
  if (o.dung) {
    dung = await person(rust, { name: 'Phạm Thị Dung', birth: '24/12/1938', sex: 'female', id: '001138000777', ward: '00025', needs: { bedridden: true, lives_alone: true } });
    await payment(rust, dung.id, daysAgo(10), 500_000, 0);
  }
  return { an, binh, dung, feb, mar };
}

describe('follow-up page', () => {
  it('lists waiting payments ranked, records a contact by keyboard and shows it on the row', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const { an, feb, mar } = await fieldwork(rust, { dung: true });
    renderWith(FollowupPage, { onOpen: () => {} }, rust);
    await waitFor(() => expect(rows()).toHaveLength(3));
    // Dung's 11 points first though she waited least; then An's two, the longer wait first.
    expect(rows().map((r) => within(r).getByTestId('followup-name').textContent)).toEqual([
      'Phạm Thị Dung',
      'Nguyễn Văn An',
      'Nguyễn Văn An',
    ]);
    expect(rows().map((r) => r.dataset.id)).toEqual([expect.any(String), feb.id, mar.id]);
    expect(rows().map((r) => r.dataset.priority)).toEqual(['11', '7', '7']);
    expect(within(rows()[1]).getByText('400.000 ₫')).toBeInTheDocument();
    expect(within(rows()[0]).getByTestId('followup-days-waiting')).toHaveTextContent(/^10$/);
    expect(screen.getByTestId('followup-count')).toHaveTextContent('3');

    await user.click(within(rows()[1]).getByTestId('record-contact'));
    const kind = screen.getByTestId('field-kind');
    await waitFor(() => expect(kind).toHaveFocus());
    expect(screen.getByTestId('field-contacted_on')).toHaveValue(typed(today()));
    await user.selectOptions(kind, 'home_visit');
    const yesterday = typed(daysAgo(1));
    await user.clear(screen.getByTestId('field-contacted_on'));
    await user.type(screen.getByTestId('field-contacted_on'), yesterday);
    await user.selectOptions(screen.getByTestId('field-outcome'), 'home_delivery_arranged');
    await user.type(screen.getByTestId('field-note'), 'Bưu điện giao ngày 2/7{Enter}');

    await waitFor(() => expect(screen.queryByTestId('contact-form')).not.toBeInTheDocument());
    expect(rust.callsTo('record_contact')).toEqual([
      {
        input: {
          beneficiary_id: an.id,
          payment_id: feb.id,
          kind: 'home_visit',
          contacted_on: yesterday,
          outcome: 'home_delivery_arranged',
          note: 'Bưu điện giao ngày 2/7',
          withdrawn_on: '',
          amount: '',
          place: '',
        } satisfies ContactInput,
      },
    ]);
    expect(await rust.direct.list_contacts({ query: { beneficiary_id: an.id } })).toMatchObject([
      { payment_id: feb.id, kind: 'home_visit', outcome: 'home_delivery_arranged', note: 'Bưu điện giao ngày 2/7' },
    ]);
    // The person's latest contact shows on both of An's rows.
    await waitFor(() => expect(within(rows()[1]).getByTestId('followup-last-contact')).toHaveTextContent('Đã hẹn chi trả tại nhà'));
    expect(within(rows()[2]).getByTestId('followup-last-contact')).toHaveTextContent(yesterday);
    expect(within(rows()[0]).getByTestId('followup-last-contact')).toHaveTextContent('—');
  });

  it('records "already withdrawn on dd/mm" as a withdrawal the time to cash counts, refused before the credit', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const { an, mar } = await fieldwork(rust, { dung: false });
    const metrics = () => rust.direct.metrics({ query: { as_of: null, by: [], filter: {} } });
    const before = await metrics();
    renderWith(FollowupPage, { onOpen: () => {} }, rust);
    await waitFor(() => expect(rows()).toHaveLength(2));
    const marRow = rows().find((r) => r.dataset.id === mar.id)!;
    await user.click(within(marRow).getByTestId('record-contact'));
    await user.selectOptions(screen.getByTestId('field-kind'), 'call');
    expect(screen.queryByTestId('field-withdrawn_on')).not.toBeInTheDocument();
    await user.selectOptions(screen.getByTestId('field-outcome'), 'already_withdrawn');
    expect(screen.getByTestId('contact-withdrawal-hint')).toHaveTextContent('khoản tiền của dòng đang chọn');
    // Received the day before the credit: Rust refuses it with the withdrawal form's rule,
    // and writes neither the contact nor the withdrawal.
    const credited = monthBack(3);
    const dayBefore = new Date(credited.getFullYear(), credited.getMonth(), credited.getDate() - 1);
    await user.type(screen.getByTestId('field-withdrawn_on'), typed(dayBefore));
    await user.click(screen.getByTestId('save'));
    expect(await screen.findByTestId('error-withdrawn_on')).toHaveTextContent('Ngày này không được trước ngày tiền về');
    expect(await rust.direct.list_contacts({ query: { beneficiary_id: an.id } })).toEqual([]);

    const received = new Date(credited.getFullYear(), credited.getMonth(), credited.getDate() + 3);
    await user.clear(screen.getByTestId('field-withdrawn_on'));
    await user.type(screen.getByTestId('field-withdrawn_on'), typed(received));
    await user.selectOptions(screen.getByTestId('field-place'), 'post_office');
    await user.type(screen.getByTestId('field-note'), 'Bà nói đã nhận ở bưu điện{Enter}');
    // The whole 1.000.000 ₫ left (amount left empty): the payment leaves the list.
    expect(await screen.findByTestId('followup-notice')).toHaveTextContent(`khoản rút 1.000.000 ₫ ngày ${typed(received)}`);
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rust.callsTo('record_contact').at(-1)).toEqual({
      input: {
        beneficiary_id: an.id,
        payment_id: mar.id,
        kind: 'call',
        contacted_on: typed(today()),
        outcome: 'already_withdrawn',
        note: 'Bà nói đã nhận ở bưu điện',
        withdrawn_on: typed(received),
        amount: '',
        place: 'post_office',
      } satisfies ContactInput,
    });
    const detail = await rust.direct.get_beneficiary({ id: an.id });
    expect(detail.payments.find((p) => p.id === mar.id)!.withdrawals).toMatchObject([{ amount_vnd: 1_000_000, place: 'post_office' }]);
    const after = await metrics();
    expect(after.withdrawn).toBe(before.withdrawn + 1);
    expect(after.credited).toBe(before.credited);
  });

  it('shows inline errors, and Esc cancels the contact form', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const { an } = await fieldwork(rust, { dung: false });
    renderWith(FollowupPage, { onOpen: () => {} }, rust);
    await waitFor(() => expect(rows()).toHaveLength(2));
    await user.click(within(rows()[0]).getByTestId('record-contact'));
    await user.clear(screen.getByTestId('field-contacted_on'));
    await user.click(screen.getByTestId('save'));
    // Rust's `required` on each empty field, translated.
    expect(await screen.findByTestId('error-kind')).toHaveTextContent('Bắt buộc nhập');
    expect(screen.getByTestId('error-outcome')).toHaveTextContent('Bắt buộc nhập');
    expect(screen.getByTestId('error-contacted_on')).toBeInTheDocument();
    expect(rust.callsTo('record_contact')).toHaveLength(1);
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('contact-form')).not.toBeInTheDocument());
    expect(await rust.direct.list_contacts({ query: { beneficiary_id: an.id } })).toEqual([]);
  });

  it('filters by ward and days, prints and exports', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const { feb } = await fieldwork(rust, { dung: false });
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    renderWith(FollowupPage, { onOpen: () => {} }, rust);
    await waitFor(() => expect(rows()).toHaveLength(2));
    await waitFor(() => expect(screen.getByTestId('followup-ward').querySelectorAll('option').length).toBe(127));
    await user.selectOptions(screen.getByTestId('followup-ward'), '00070');
    expect(await screen.findByTestId('followup-empty')).toBeInTheDocument();
    expect(rust.callsTo('followup_list').at(-1)).toEqual({ query: { days: 7, ward_code: '00070' } });
    await user.selectOptions(screen.getByTestId('followup-ward'), '00004');
    await waitFor(() => expect(rows()).toHaveLength(2));
    await user.selectOptions(screen.getByTestId('followup-ward'), '');
    // The payment 6 months back has waited at least 177 days, the one 3 months back at most 118.
    await user.clear(screen.getByTestId('followup-days'));
    await user.type(screen.getByTestId('followup-days'), '150{Enter}');
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0].dataset.id).toBe(feb.id);
    expect(within(rows()[0]).getByTestId('followup-days-waiting')).toHaveTextContent(String(daysBetween(monthBack(6), today())));

    await user.click(screen.getByTestId('followup-print'));
    expect(print).toHaveBeenCalledOnce();
    // The printed page carries an empty signature column.
    expect(screen.getByText('Chữ ký / ghi chú')).toBeInTheDocument();

    await user.click(screen.getByTestId('followup-export'));
    const shown = await screen.findByTestId('export-path');
    const iso = `${today().getFullYear()}-${pad(today().getMonth() + 1)}-${pad(today().getDate())}`;
    const path = join(rust.dir, 'exports', `theo-doi-${iso}.xlsx`);
    expect(shown).toHaveAttribute('data-path', path);
    expect(shown).toHaveTextContent(path);
    expect(existsSync(path)).toBe(true);
    expect(rust.callsTo('export_followup')).toEqual([{ query: { days: 150, ward_code: null } }]);
    print.mockRestore();
  });

  it('is reachable from the navigation', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    await fieldwork(rust, { dung: false });
    await renderApp(rust);
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

describe('money left uncollected page', () => {
  it('lists who has had no cash for months, most money first, from the navigation; months and ward filter', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    // An: last cash 6 months back (the 7th), 1.000.000 ₫ credited 3 months back untouched.
    // Bình: nothing since her last withdrawal. Dung: credited 10 days ago only (not yet due).
    const { an } = await fieldwork(rust, { dung: true });
    // Hoa never withdrew: 750.000 ₫ credited 4 months back.
    const hoa = await person(rust, { name: 'Lê Thị Hoa', birth: '1948', sex: 'female', id: '001148005555', ward: '00004' });
    await payment(rust, hoa.id, monthBack(4), 750_000, 0);
    await renderApp(rust);
    await user.click(screen.getByTestId('nav-uncollected'));
    const listed = () => screen.getAllByTestId('uncollected-row');
    await waitFor(() => expect(listed()).toHaveLength(2));
    expect(window.location.hash).toBe('#/uncollected');
    expect(screen.getByTestId('uncollected-why')).toHaveTextContent('trước khi đơn vị chi trả cho rằng họ đã mất và dừng trợ cấp');
    expect(listed().map((r) => r.dataset.id)).toEqual([an.id, hoa.id]);
    const [first, second] = listed();
    expect(within(first).getByTestId('uncollected-name')).toHaveTextContent('Nguyễn Văn An');
    const anLast = new Date(monthBack(6).getFullYear(), monthBack(6).getMonth(), 7);
    expect(within(first).getByTestId('uncollected-last')).toHaveTextContent(typed(anLast));
    expect(within(first).getByTestId('uncollected-since')).toHaveTextContent(/^1$/);
    expect(within(first).getByTestId('uncollected-left')).toHaveTextContent('1.000.000 ₫');
    expect(within(first).getByTestId('uncollected-days')).toHaveTextContent(new RegExp(`^${daysBetween(anLast, today())}$`));
    expect(within(second).getByTestId('uncollected-last')).toHaveTextContent('Chưa rút lần nào');
    expect(within(second).getByTestId('uncollected-left')).toHaveTextContent('750.000 ₫');
    expect(screen.getByTestId('uncollected-total')).toHaveTextContent('1.750.000 ₫');
    expect(rust.callsTo('uncollected_list')).toEqual([{ query: { months: 2, ward_code: null } }]);

    // Seven months: neither An's last cash nor Hoa's oldest payment is that old.
    await user.clear(screen.getByTestId('uncollected-months'));
    await user.type(screen.getByTestId('uncollected-months'), '7{Enter}');
    expect(await screen.findByTestId('uncollected-empty')).toHaveTextContent('quá 7 tháng');
    // 0 months: Rust's error, translated.
    await user.clear(screen.getByTestId('uncollected-months'));
    await user.type(screen.getByTestId('uncollected-months'), '0{Enter}');
    expect(await screen.findByTestId('uncollected-error')).toHaveTextContent('Số tháng phải là số nguyên từ 1 đến 60');
    await user.clear(screen.getByTestId('uncollected-months'));
    await user.type(screen.getByTestId('uncollected-months'), '3{Enter}');
    await waitFor(() => expect(listed()).toHaveLength(2));
    expect(screen.queryByTestId('uncollected-error')).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('uncollected-ward').querySelectorAll('option').length).toBe(127));
    await user.selectOptions(screen.getByTestId('uncollected-ward'), '00025');
    // A select of 126 communes re-queries: allow a loaded machine more than the default second.
    expect(await screen.findByTestId('uncollected-empty', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(rust.callsTo('uncollected_list').at(-1)).toEqual({ query: { months: 3, ward_code: '00025' } });
  });
});

describe('verification page', () => {
  it('draws a sample for the newest cycle and records results with progress', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const { mar } = await fieldwork(rust, { dung: false });
    renderWith(VerificationPage, {}, rust);
    const form = await screen.findByTestId('sample-form');
    // The newest cycle (3 months back) holds one credited payment: An's 1.000.000 ₫.
    expect(screen.getByTestId('verify-cycle')).toHaveValue(mar.period);
    await user.clear(within(form).getByTestId('field-size'));
    await user.type(within(form).getByTestId('field-size'), '0');
    await user.click(within(form).getByTestId('save'));
    expect(await screen.findByTestId('error-size')).toHaveTextContent('Cỡ mẫu');

    await user.clear(within(form).getByTestId('field-size'));
    await user.type(within(form).getByTestId('field-size'), '100%');
    await user.clear(within(form).getByTestId('field-seed'));
    await user.type(within(form).getByTestId('field-seed'), '42{Enter}');
    await waitFor(() => expect(screen.getByTestId('verify-progress-count')).toHaveTextContent('Đã xác minh 0/1'));
    const period = `${mar.period.slice(5)}/${mar.period.slice(0, 4)}`;
    expect(rust.callsTo('create_verification_sample').at(-1)).toEqual({ input: { period, size: '100%', seed: '42' } satisfies SampleInput });
    expect(screen.getByTestId('verify-item').dataset.id).toBe((await rust.direct.get_verification_sample({ period }))!.items[0].id);

    await user.click(screen.getByTestId('verify-record'));
    await user.selectOptions(screen.getByTestId('field-result'), 'partial');
    await user.clear(screen.getByTestId('field-verified_on'));
    await user.type(screen.getByTestId('field-verified_on'), typed(today()));
    await user.type(screen.getByTestId('field-amount_received'), '1.000.000');
    await user.click(screen.getByTestId('save'));
    // Rust: a partial receipt is less than the payment.
    expect(await screen.findByTestId('error-amount_received')).toHaveTextContent('nhỏ hơn số tiền chi trả (1.000.000 ₫)');
    await user.clear(screen.getByTestId('field-amount_received'));
    await user.type(screen.getByTestId('field-amount_received'), '400.000');
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(screen.getByTestId('verify-progress-count')).toHaveTextContent('Đã xác minh 1/1'));
    expect(screen.getByTestId('verify-share-full')).toHaveTextContent('0,0 %');
    expect(screen.getByTestId('verify-item')).toHaveAttribute('data-result', 'partial');
    const stored = await rust.direct.get_verification_sample({ period });
    expect(stored).toMatchObject({ verified: 1, partial: 1, confirmed_full: 0, seed: '42' });
    expect(stored!.items[0]).toMatchObject({ payment_id: mar.id, result: 'partial', amount_received_vnd: 400_000 });
  });
});

describe('grievances', () => {
  it('opens a grievance on the person page, lists it overdue, and resolves it with a note', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const { an } = await fieldwork(rust, { dung: false });
    const detail = renderWith(BeneficiaryDetail, { id: an.id, onBack: () => {}, onEdit: () => {} }, rust);
    await user.click(await screen.findByTestId('open-grievance'));
    await user.selectOptions(screen.getByTestId('field-category'), 'not_received');
    await user.selectOptions(screen.getByTestId('field-channel'), 'hotline');
    // Opened 30 days ago: the 15-day deadline has passed.
    const opened = daysAgo(30);
    await user.clear(screen.getByTestId('field-opened_on'));
    await user.type(screen.getByTestId('field-opened_on'), typed(opened));
    await user.type(screen.getByTestId('field-description'), 'Chưa nhận tiền tháng 3{Enter}');
    const row = await screen.findByTestId('grievance-row');
    expect(row).toHaveAttribute('data-overdue', 'true');
    const deadline = new Date(opened.getFullYear(), opened.getMonth(), opened.getDate() + 15);
    expect(within(row).getByText(typed(deadline))).toBeInTheDocument();
    expect(screen.getByTestId('contact-log')).toBeInTheDocument();
    detail.unmount();

    renderWith(GrievancesPage, { onOpen: () => {} }, rust);
    const listed = await screen.findByTestId('grievance-row');
    expect(within(listed).getByTestId('grievance-overdue')).toHaveTextContent('Quá hạn');
    await user.click(screen.getByTestId('grievance-filter-overdue'));
    await waitFor(() =>
      expect(rust.callsTo('list_grievances').at(-1)).toEqual({ query: { status: null, overdue: true, beneficiary_id: null } satisfies GrievanceQuery }),
    );
    expect(screen.getByTestId('grievance-count')).toHaveTextContent('1');

    await user.click(within(screen.getByTestId('grievance-row')).getByTestId('grievance-update'));
    await user.selectOptions(screen.getByTestId('field-status'), 'resolved');
    const yesterday = typed(daysAgo(1));
    await user.clear(screen.getByTestId('field-changed_on'));
    await user.type(screen.getByTestId('field-changed_on'), yesterday);
    await user.click(screen.getByTestId('save'));
    // Rust: resolving needs the resolution.
    expect(await screen.findByTestId('error-note')).toHaveTextContent('Cần ghi kết quả giải quyết');
    await user.type(screen.getByTestId('field-note'), 'Ngân hàng đã chuyển lại{Enter}');
    // Resolved: no longer overdue, so the overdue-only list is empty.
    expect(await screen.findByTestId('grievance-none')).toBeInTheDocument();
    const update = rust.callsTo('update_grievance').at(-1)!.input satisfies GrievanceUpdateInput;
    expect(update).toMatchObject({ status: 'resolved', changed_on: yesterday, note: 'Ngân hàng đã chuyển lại', deadline_on: '' });
    await user.click(screen.getByTestId('grievance-filter-overdue'));
    const done = await screen.findByTestId('grievance-row');
    expect(done).toHaveAttribute('data-status', 'resolved');
    expect(within(done).getByTestId('grievance-resolution')).toHaveTextContent('Ngân hàng đã chuyển lại');
    expect(within(done).getAllByTestId('grievance-event')).toHaveLength(2);
    const [stored] = await rust.direct.list_grievances({ query: { overdue: false, beneficiary_id: an.id } });
    expect(stored).toMatchObject({ status: 'resolved', overdue: false, resolution_note: 'Ngân hàng đã chuyển lại' });
  });
});
