import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import SignedListPage from '../src/components/SignedListPage.svelte';
import { addPerson, daysAgo, monthsAgo, recordPayment, typedDate, typedPeriod, WARDS } from './fixtures';
import { renderWith } from './helpers';
import { startRust, type Rust } from './rust';

/** Three people of Ba Đình paid last month in cash, credited 20 days ago (500.000 ₫ each). */
async function cashRound(): Promise<{ rust: Rust; credited: Date }> {
  const rust = await startRust();
  const credited = daysAgo(20);
  for (const name of ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường']) {
    const p = await addPerson(rust, { full_name: name, ward_code: WARDS.baDinh.code, residential_group: 'Tổ 5' });
    await recordPayment(rust, p.id, { period: typedPeriod(monthsAgo(1)), credited_on: typedDate(credited), amount: '500000' });
  }
  return { rust, credited };
}

async function openList(user: ReturnType<typeof userEvent.setup>): Promise<void> {
  await waitFor(() => expect(screen.getByTestId('signed-cycle')).toHaveValue(
    `${monthsAgo(1).getFullYear()}-${String(monthsAgo(1).getMonth() + 1).padStart(2, '0')}`,
  ));
  await waitFor(() => expect(screen.getByTestId('signed-ward').querySelector(`option[value="${WARDS.baDinh.code}"]`)).not.toBeNull());
  await user.selectOptions(screen.getByTestId('signed-ward'), WARDS.baDinh.code);
  await user.click(screen.getByTestId('signed-load'));
  await waitFor(() => expect(screen.getAllByTestId('signed-row')).toHaveLength(3));
}

function paste(target: HTMLElement, text: string): void {
  const event = new Event('paste', { bubbles: true, cancelable: true }) as Event & { clipboardData: unknown };
  event.clipboardData = { getData: (type: string) => (type === 'text/plain' ? text : '') };
  target.dispatchEvent(event);
}

describe('signed list', () => {
  it('says a residential group has nothing to collect, not that everyone was paid', async () => {
    const user = userEvent.setup();
    const { rust } = await cashRound();
    renderWith(SignedListPage, {}, rust);
    await openList(user);
    // A misspelt group (the records say "Tổ 5"): an empty list that names the group.
    await user.type(screen.getByTestId('signed-group'), ' To 5 ');
    await user.click(screen.getByTestId('signed-load'));
    const empty = await screen.findByTestId('signed-empty');
    expect(empty).toHaveTextContent('Tổ “To 5” không có khoản chi nào chưa nhận hết');
    expect(rust.callsTo('signed_list').at(-1)).toEqual({ query: expect.objectContaining({ group: 'To 5' }) });
    // The right group: the three people again.
    await user.clear(screen.getByTestId('signed-group'));
    await user.type(screen.getByTestId('signed-group'), 'Tổ 5');
    await user.click(screen.getByTestId('signed-load'));
    await waitFor(() => expect(screen.getAllByTestId('signed-row')).toHaveLength(3));
  });

  it('types one row, pastes two from Excel, moves by keyboard, and saves all in one go', async () => {
    const user = userEvent.setup();
    const { rust, credited } = await cashRound();
    renderWith(SignedListPage, {}, rust);
    await openList(user);
    const day = typedDate(new Date(credited.getFullYear(), credited.getMonth(), credited.getDate() + 2));

    // Row 1: the day, then Tab to the amount (left empty: all that is left), Tab to the place.
    await user.click(screen.getByTestId('grid-0-0'));
    await user.keyboard(day);
    await user.keyboard('{Tab}');
    expect(screen.getByTestId('grid-0-1')).toHaveFocus();
    await user.keyboard('{Tab}Bưu điện');
    // Enter goes down a row in the same column; ArrowUp back.
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('grid-1-2')).toHaveFocus();
    await user.keyboard('{ArrowUp}');
    expect(screen.getByTestId('grid-0-2')).toHaveFocus();

    // Rows 2 and 3 pasted from a spreadsheet, from the first cell of row 2.
    paste(screen.getByTestId('grid-1-0'), `${day}\t300.000\tChi trả tại nhà\r\n${day}\t\tNgười nhận thay\r\n`);
    await waitFor(() => expect(screen.getByTestId('grid-2-2')).toHaveValue('Người nhận thay'));
    expect(screen.getByTestId('grid-1-1')).toHaveValue('300.000');
    expect(screen.getByTestId('signed-count')).toHaveTextContent('3 / 3');

    // Nobody is authorised to collect for Cường: nothing is written, the row is named.
    await user.click(screen.getByTestId('signed-save'));
    expect(await screen.findByTestId('signed-row-error')).toHaveTextContent('ủy quyền');
    expect(screen.getByTestId('signed-error')).toHaveTextContent('1 dòng có lỗi');
    expect(rust.callsTo('save_signed_list')).toHaveLength(1);
    const untouched = await rust.direct.signed_list({ query: { cycle: typedPeriod(monthsAgo(1)), ward_code: WARDS.baDinh.code, group: null } });
    expect(untouched.map((r) => r.remaining_vnd)).toEqual([500000, 500000, 500000]);

    // Corrected (the place empty: the default place, home delivery), saved: three withdrawals.
    await user.clear(screen.getByTestId('grid-2-2'));
    await user.click(screen.getByTestId('signed-save'));
    expect(await screen.findByTestId('signed-saved')).toHaveTextContent('Đã ghi 3 lần nhận tiền');
    // What is left: Bình's 200.000 ₫ (300.000 of 500.000 taken); the others are paid in full.
    await waitFor(() => expect(screen.getAllByTestId('signed-row')).toHaveLength(1));
    const left = await rust.direct.signed_list({ query: { cycle: typedPeriod(monthsAgo(1)), ward_code: WARDS.baDinh.code, group: null } });
    expect(left.map((r) => [r.full_name, r.remaining_vnd])).toEqual([['Trần Thị Bình', 200000]]);
    const m = await rust.direct.metrics({ query: { as_of: null, by: [], filter: {} } });
    expect(m.withdrawn).toBe(3);
  });

  it('keeps the grid as a draft in SQLite and offers it back', async () => {
    const user = userEvent.setup();
    const { rust } = await cashRound();
    const first = renderWith(SignedListPage, {}, rust);
    await openList(user);
    await fireEvent.input(screen.getByTestId('grid-1-0'), { target: { value: '01/01/2026' } });
    // Saved into SQLite once typing pauses.
    await waitFor(async () => expect(await rust.direct.list_drafts()).toHaveLength(1), { timeout: 3000 });
    first.unmount();
    renderWith(SignedListPage, {}, rust);
    await openList(user);
    expect(screen.getByTestId('grid-1-0')).toHaveValue('01/01/2026');
    expect(screen.getByTestId('grid-0-0')).toHaveValue('');
  });

  it("exports the month's payment list to print and sign, for the ward chosen", async () => {
    const user = userEvent.setup();
    const { rust } = await cashRound();
    renderWith(SignedListPage, {}, rust);
    await openList(user);
    await user.click(screen.getByTestId('signed-print'));
    const banner = await screen.findByTestId('signed-printed');
    expect(banner).toHaveTextContent('(3 người)');
    const period = `${monthsAgo(1).getFullYear()}-${String(monthsAgo(1).getMonth() + 1).padStart(2, '0')}`;
    expect(rust.callsTo('export_payment_list')).toEqual([{ query: { cycle: period, ward_code: WARDS.baDinh.code } }]);
    const path = banner.textContent!.split(': ').at(-1)!.trim();
    expect(path.endsWith('.xlsx') && existsSync(path)).toBe(true);
  });

  it('shows who the cycle is expected to pay, from the decisions or the group, with totals per programme', async () => {
    const user = userEvent.setup();
    const { rust } = await cashRound();
    renderWith(SignedListPage, {}, rust);
    await openList(user);
    await user.click(screen.getByTestId('signed-expected'));
    await waitFor(() => expect(screen.getAllByTestId('expected-row')).toHaveLength(3));
    // "80+ without a pension", paid as Hà Nội's social pension: 500.000 ₫ + 150.000 ₫.
    expect(screen.getByTestId('expected-totals')).toHaveTextContent('Trợ cấp hưu trí xã hội: 3 người, 1.950.000 ₫');
    expect(screen.getAllByTestId('expected-row')[0]).toHaveTextContent('Nhóm đối tượng đã đăng ký');
    expect(rust.callsTo('expected_payments').at(-1)?.query.ward_code).toBe(WARDS.baDinh.code);
  });
});
