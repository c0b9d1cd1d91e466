// The payout-report page (issue 15) against the real Rust: a payer's list with Vietnamese
// headers → mapping → check → record the withdrawals; the same file again changes nothing; a
// bad row names its row and the file's column and nothing is written; an officer's file naming
// another ward's payment is refused.
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import PayoutPage from '../src/components/imports/PayoutPage.svelte';
import type { PickedFile } from '../src/lib/types';
import { renderWith } from './helpers';
import { startRust, type Rust } from './rust';
import { WARDS, addPerson, daysAgo, recordPayment, signInAs, typedDate } from './fixtures';

const HEADER = 'STT,Mã giao dịch,Họ và tên,Ngày nhận,Số tiền,Nơi nhận';
const picked = (name: string, content: string): PickedFile => ({ name, bytes: Array.from(new TextEncoder().encode(content)) });
const asFile = (f: PickedFile) => new File([new Uint8Array(f.bytes)], f.name, { type: 'text/csv' });

async function pick(file: PickedFile): Promise<void> {
  await userEvent.setup().upload(screen.getByTestId('payout-file') as HTMLInputElement, asFile(file));
}

async function withdrawalsOf(rust: Rust, beneficiaryId: string) {
  const d = await rust.direct.get_beneficiary({ id: beneficiaryId });
  return d.payments.flatMap((p) => p.withdrawals);
}

/** Two people of Ba Đình with a credited cash payment of last month (credited 30 days ago). */
async function twoPaid(rust: Rust) {
  const an = await addPerson(rust, { full_name: 'Nguyễn Văn An', ward_code: WARDS.baDinh.code });
  const binh = await addPerson(rust, { full_name: 'Trần Thị Bình', sex: 'female', ward_code: WARDS.baDinh.code });
  return { an, binh, pa: await recordPayment(rust, an.id), pb: await recordPayment(rust, binh.id) };
}

describe('payout report page', () => {
  it('imports a payer list with Vietnamese headers, then the same file changes nothing', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const { an, binh, pa, pb } = await twoPaid(rust);
    const day = typedDate(daysAgo(10));
    const body = `${HEADER}\n1,${pa.id},Nguyễn Văn An,${day},100.000,Bưu điện Ba Đình\n2,${pb.id},Trần Thị Bình,${day},200.000,Người nhận thay\n3,${pa.id},Nguyễn Văn An,${typedDate(daysAgo(5))},50.000,Tại quầy\n`;
    renderWith(PayoutPage, {}, rust);
    await waitFor(() => expect(screen.getByTestId('payout-cycle')).toHaveValue(pa.period));
    await fireEvent.input(screen.getByTestId('payout-payer'), { target: { value: 'Bưu điện Ba Đình' } });
    await pick(picked('chi-tra.csv', body));
    await waitFor(() => expect(screen.getByTestId('payout-mapping')).toBeInTheDocument());
    // Rust's automatic mapping of the payer's Vietnamese headers.
    expect((screen.getByTestId('payout-map-0') as HTMLSelectElement).value).toBe('');
    expect((screen.getByTestId('payout-map-1') as HTMLSelectElement).value).toBe('reference');
    expect((screen.getByTestId('payout-map-3') as HTMLSelectElement).value).toBe('withdrawn_on');
    expect((screen.getByTestId('payout-map-5') as HTMLSelectElement).value).toBe('place');
    expect(screen.getByTestId('payout-apply')).toBeDisabled();

    await user.click(screen.getByTestId('payout-check'));
    // Bình has nobody authorised: "Người nhận thay" is refused by the form's rule, row and column named.
    await waitFor(() => expect(screen.getByTestId('payout-errors')).toBeInTheDocument());
    expect(screen.getByTestId('payout-error-row-3')).toHaveTextContent('Dòng 3, Nơi nhận / người nhận (cột “Nơi nhận”)');
    expect(screen.getByTestId('payout-apply')).toBeDisabled();
    expect(await withdrawalsOf(rust, an.id)).toHaveLength(0);

    // The payer's corrected file.
    const fixed = body.replace('Người nhận thay', 'ATM');
    await pick(picked('chi-tra.csv', fixed));
    await waitFor(() => expect(screen.getByTestId('payout-check')).toBeEnabled());
    await user.click(screen.getByTestId('payout-check'));
    await waitFor(() => expect(screen.getByTestId('payout-totals')).toHaveTextContent('Lần rút mới: 3'));
    expect(screen.getByTestId('payout-row-2')).toHaveTextContent('Mới');
    expect(screen.getByTestId('payout-row-2')).toHaveTextContent('Bưu điện');
    expect(screen.getByTestId('payout-row-4')).toHaveTextContent('Quầy giao dịch ngân hàng');
    expect(await withdrawalsOf(rust, an.id)).toHaveLength(0); // a check writes nothing

    await fireEvent.click(screen.getByTestId('payout-complete'));
    await fireEvent.input(screen.getByTestId('payout-complete-to'), { target: { value: typedDate(daysAgo(1)) } });
    await user.click(screen.getByTestId('payout-check'));
    await waitFor(() => expect(screen.getByTestId('payout-apply')).toBeEnabled());
    await user.click(screen.getByTestId('payout-apply'));
    await waitFor(() => expect(screen.getByTestId('payout-result')).toHaveTextContent('3 lần rút tiền mới'));
    const wa = await withdrawalsOf(rust, an.id);
    expect(wa.map((w) => [w.amount_vnd, w.place]).sort()).toEqual([
      [100000, 'post_office'],
      [50000, 'bank_counter'],
    ]);
    expect((await withdrawalsOf(rust, binh.id)).map((w) => w.amount_vnd)).toEqual([200000]);
    const req = rust.callsTo('payout_apply')[0].request;
    expect(req.options).toMatchObject({ payer: 'Bưu điện Ba Đình', complete_to: typedDate(daysAgo(1)) });
    await waitFor(() => expect(screen.getByTestId('payout-recorded')).toHaveTextContent('đầy đủ đến'));

    // The same file again: every row already recorded, nothing written.
    await user.click(screen.getByTestId('payout-check'));
    await waitFor(() => expect(screen.getByTestId('payout-totals')).toHaveTextContent('Đã có (giữ nguyên): 3'));
    expect(screen.getByTestId('payout-row-3')).toHaveTextContent('Đã có');
    await user.click(screen.getByTestId('payout-apply'));
    await waitFor(() => expect(screen.getByTestId('payout-result')).toHaveTextContent('không có gì thay đổi'));
    expect(await withdrawalsOf(rust, an.id)).toHaveLength(2);
  });

  it("refuses an officer's row naming another ward's payment, and more than the payment", async () => {
    const rust = await startRust();
    const { pa } = await twoPaid(rust);
    const other = await addPerson(rust, { full_name: 'Lê Văn Cường', ward_code: WARDS.ngocHa.code });
    const po = await recordPayment(rust, other.id);
    await signInAs(rust);
    const day = typedDate(daysAgo(10));
    const body = `${HEADER}\n1,${po.id},Lê Văn Cường,${day},100.000,ATM\n2,${pa.id},Nguyễn Văn An,${day},${pa.amount_vnd + 1},ATM\n`;
    renderWith(PayoutPage, {}, rust);
    await waitFor(() => expect(screen.getByTestId('payout-cycle')).toHaveValue(pa.period));
    await pick(picked('bd.csv', body));
    await waitFor(() => expect(screen.getByTestId('payout-check')).toBeEnabled());
    await fireEvent.click(screen.getByTestId('payout-check'));
    await waitFor(() => expect(screen.getByTestId('payout-errors')).toBeInTheDocument());
    expect(screen.getByTestId('payout-error-row-2')).toHaveTextContent('Mã giao dịch (cột “Mã giao dịch”)');
    expect(screen.getByTestId('payout-error-row-2')).toHaveTextContent(po.id);
    expect(screen.getByTestId('payout-error-row-3')).toHaveTextContent('Số tiền (cột “Số tiền”)');
    expect(screen.getByTestId('payout-apply')).toBeDisabled();
    expect(screen.getByTestId('payout-row-2')).toHaveTextContent('Lỗi');
    // The officer's request names no ward: Rust confines it to theirs.
    expect(rust.callsTo('payout_preview')[0].request.options).toMatchObject({ period: pa.period });
  });
});
