import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import BeneficiaryDetail from '../src/components/BeneficiaryDetail.svelte';
import type { PaymentInput } from '../src/lib/types';
import { standardPeople } from './fixtures';
import { renderWith } from './helpers';
import { startRust } from './rust';

/** Nguyễn Văn An's page: his Agribank account and three payments (fixtures.ts, standardPeople). */
async function setup() {
  const rust = await startRust();
  const { an, account, payments } = await standardPeople(rust);
  const result = renderWith(BeneficiaryDetail, { id: an.id, onBack: () => {}, onEdit: () => {} }, rust);
  return { ...result, rust, an, account, payments };
}

const paymentRows = () => screen.getAllByTestId('payment-row');

describe('beneficiary detail', () => {
  it('shows details, accounts and payments newest first', async () => {
    const { rust, an } = await setup();
    expect(await screen.findByTestId('detail-name')).toHaveTextContent('Nguyễn Văn An');
    expect(screen.getByTestId('detail-birth')).toHaveTextContent('15/03/1942');
    // Decided under "80+ without a pension", paid as a social pension since 07/2025: in Hà Nội
    // 500.000 ₫ + the city's 150.000 ₫ top-up from 01/2026.
    expect(screen.getByTestId('detail-entitlement')).toHaveTextContent('650.000 ₫');
    await waitFor(() =>
      expect(screen.getByTestId('detail-group')).toHaveTextContent('Người từ 80 tuổi không có lương hưu, trợ cấp'),
    );
    const acc = screen.getByTestId('account-row');
    expect(acc).toHaveTextContent('Agribank');
    expect(acc).toHaveTextContent('10/12/2025');
    expect(acc).toHaveTextContent('05/01/2026'); // first credit
    expect(paymentRows().map((r) => within(r).getByTestId('payment-period').textContent)).toEqual(['03/2026', '02/2026', '01/2026']);
    const feb = paymentRows()[1];
    expect(feb).toHaveAttribute('data-status', 'credited');
    expect(within(feb).getByTestId('payment-withdrawn')).toHaveTextContent('600.000 ₫');
    expect(within(feb).getAllByTestId('withdrawal-row')).toHaveLength(1);
    expect(within(feb).getByTestId('withdrawal-row')).toHaveTextContent('15/02/2026');
    expect(within(feb).getByTestId('withdrawal-row')).toHaveTextContent('Quên mã PIN hoặc mật khẩu');
    expect(within(paymentRows()[2]).getByText('Nhận tiền sau 3 ngày')).toBeInTheDocument();
    // Fully withdrawn payments offer no more withdrawals.
    expect(within(paymentRows()[2]).queryByTestId('record-withdrawal')).not.toBeInTheDocument();
    expect(within(paymentRows()[0]).getByTestId('record-withdrawal')).toBeInTheDocument();
    expect(rust.callsTo('get_beneficiary')).toEqual([{ id: an.id }]);
  });

  it('records a payment with the typed values and reloads', async () => {
    const user = userEvent.setup();
    const { rust, an, account } = await setup();
    await user.click(await screen.findByTestId('record-payment'));
    const accountSelect = screen.getByTestId('field-account_id') as HTMLSelectElement;
    expect(accountSelect.value).toBe(account.id);
    await waitFor(() => expect(accountSelect).toHaveFocus());
    expect(screen.getByTestId('field-amount')).toHaveAttribute('placeholder', 'để trống = mức hưởng');
    expect(screen.queryByTestId('field-failure_reason')).not.toBeInTheDocument();

    await user.type(screen.getByTestId('field-period'), '04/2026');
    await user.type(screen.getByTestId('field-amount'), '1.250.000');
    await user.type(screen.getByTestId('field-credited_on'), '06/04/2026');
    await user.click(screen.getByTestId('save'));

    await waitFor(() => expect(paymentRows()).toHaveLength(4));
    expect(rust.callsTo('record_payment')).toEqual([
      {
        input: {
          beneficiary_id: an.id,
          account_id: account.id,
          period: '04/2026',
          amount: '1.250.000',
          status: 'credited',
          credited_on: '06/04/2026',
          failure_reason: '',
          one_off: false,
          label: '',
        } satisfies PaymentInput,
      },
    ]);
    expect(screen.queryByTestId('payment-form')).not.toBeInTheDocument();
    const newest = paymentRows()[0];
    expect(newest).toHaveTextContent('04/2026');
    expect(newest).toHaveTextContent('1.250.000 ₫');
    expect(newest).toHaveTextContent('06/04/2026');
    expect(rust.callsTo('get_beneficiary')).toHaveLength(2);
    const stored = (await rust.direct.get_beneficiary({ id: an.id })).payments[0];
    expect([stored.period, stored.amount_vnd, stored.credited_on, stored.account_id]).toEqual([
      '2026-04',
      1_250_000,
      '2026-04-06',
      account.id,
    ]);
  });

  it('records a failed cash payment with its reason, and shows inline errors first', async () => {
    const user = userEvent.setup();
    const { rust, an } = await setup();
    await user.click(await screen.findByTestId('record-payment'));
    await user.selectOptions(screen.getByTestId('field-account_id'), 'Tiền mặt');
    await user.selectOptions(screen.getByTestId('field-status'), 'failed');
    await user.type(screen.getByTestId('field-period'), '01/2026');
    await user.click(screen.getByTestId('save'));
    // Rust checks what was typed first (a failed payment needs its reason) ...
    expect(await screen.findByTestId('error-failure_reason')).toHaveTextContent('Cần ghi lý do thất bại');
    expect(screen.queryByTestId('error-period')).not.toBeInTheDocument();
    await user.type(screen.getByTestId('field-failure_reason'), 'Sai số tài khoản');
    await user.click(screen.getByTestId('save'));
    // ... then against what is stored: January is paid already.
    expect(await screen.findByTestId('error-period')).toHaveTextContent('Đã có khoản chi trả cho kỳ 01/2026');
    expect(screen.queryByTestId('error-failure_reason')).not.toBeInTheDocument();

    await user.clear(screen.getByTestId('field-period'));
    await user.type(screen.getByTestId('field-period'), '05/2026');
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(paymentRows()[0]).toHaveAttribute('data-status', 'failed'));
    const last = rust.callsTo('record_payment').at(-1)!;
    expect(last.input).toEqual({
      beneficiary_id: an.id,
      account_id: null,
      period: '05/2026',
      amount: '',
      status: 'failed',
      credited_on: '',
      failure_reason: 'Sai số tài khoản',
      one_off: false,
      label: '',
    });
    expect(paymentRows()[0]).toHaveTextContent('Sai số tài khoản');
    expect(rust.callsTo('record_payment')).toHaveLength(3);
    const stored = (await rust.direct.get_beneficiary({ id: an.id })).payments[0];
    expect([stored.period, stored.status, stored.channel, stored.account_id]).toEqual(['2026-05', 'failed', 'cash', null]);
  });

  it('records a withdrawal with the typed values, amount prefilled with what is left', async () => {
    const user = userEvent.setup();
    const { rust, payments } = await setup();
    await screen.findByTestId('detail-name');
    const feb = paymentRows()[1];
    const payment = payments[1];
    expect(feb.dataset.id).toBe(payment.id);
    await user.click(within(feb).getByTestId('record-withdrawal'));
    const amount = screen.getByTestId('field-amount') as HTMLInputElement;
    expect(amount.value).toBe('400.000');
    await waitFor(() => expect(screen.getByTestId('field-withdrawn_on')).toHaveFocus());

    await user.type(screen.getByTestId('field-withdrawn_on'), '20/02/2026');
    await user.clear(amount);
    await user.type(amount, '500.000');
    await user.selectOptions(screen.getByTestId('field-place'), 'agent');
    await user.type(screen.getByTestId('field-travel_minutes'), '25');
    await user.type(screen.getByTestId('field-travel_cost'), '15.000');
    await user.click(screen.getByTestId('field-assisted'));
    await user.click(screen.getByTestId('field-problems-long_queue'));
    await user.click(screen.getByTestId('field-problems-forgot_pin'));
    await user.click(screen.getByTestId('save'));

    // More than what is left: the backend's amount error, translated with its param.
    expect(await screen.findByTestId('error-amount')).toHaveTextContent(
      'Số tiền vượt quá số còn lại chưa rút (400.000 ₫)',
    );
    await user.clear(amount);
    await user.type(amount, '400000');
    await user.click(screen.getByTestId('save'));

    await waitFor(() => expect(within(paymentRows()[1]).getAllByTestId('withdrawal-row')).toHaveLength(2));
    const calls = rust.callsTo('record_withdrawal');
    expect(calls).toHaveLength(2);
    expect(calls[1].input).toEqual({
      payment_id: payment.id,
      withdrawn_on: '20/02/2026',
      amount: '400000',
      place: 'agent',
      travel_minutes: '25',
      travel_cost: '15.000',
      waiting_minutes: '',
      assisted: true,
      problems: ['forgot_pin', 'long_queue'],
    });
    expect(within(paymentRows()[1]).getByTestId('payment-withdrawn')).toHaveTextContent('1.000.000 ₫');
    expect(within(paymentRows()[1]).queryByTestId('record-withdrawal')).not.toBeInTheDocument();
    const stored = (await rust.direct.get_beneficiary({ id: payment.beneficiary_id })).payments[1];
    expect(stored.withdrawn_vnd).toBe(1_000_000);
    expect(stored.withdrawals.find((w) => w.withdrawn_on === '2026-02-20')).toMatchObject({
      amount_vnd: 400_000,
      place: 'agent',
      travel_minutes: 25,
      travel_cost_vnd: 15_000,
      waiting_minutes: null,
      assisted: true,
    });
  });

  it('opens an account with the provider list filtered by channel', async () => {
    const user = userEvent.setup();
    const { rust, an } = await setup();
    await user.click(await screen.findByTestId('open-account'));
    const provider = await screen.findByTestId('field-provider_code');
    await waitFor(() => expect(within(provider).getByRole('option', { name: 'Vietcombank' })).toBeInTheDocument());
    expect(within(provider).queryByRole('option', { name: 'MoMo' })).not.toBeInTheDocument();

    // VNeID has one provider in the reference data: it is taken at once.
    await user.selectOptions(screen.getByTestId('field-channel'), 'vneid');
    const vneid = screen.getByTestId('field-provider_code') as HTMLSelectElement;
    expect(within(vneid).getAllByRole('option').map((o) => o.textContent?.trim())).toEqual([
      '— Chọn —',
      'VNeID - tài khoản an sinh xã hội',
    ]);
    expect(vneid.value).toBe('vneid');
    await user.selectOptions(screen.getByTestId('field-channel'), 'mobile_money');
    const mm = screen.getByTestId('field-provider_code');
    expect(within(mm).getByRole('option', { name: 'Viettel Money' })).toBeInTheDocument();
    await user.selectOptions(mm, 'viettel');
    await user.type(screen.getByTestId('field-account_number'), '0912345678');
    await user.type(screen.getByTestId('field-requested_on'), '01/03/2026');
    await user.type(screen.getByTestId('field-opened_on'), '28/02/2026');
    await user.click(screen.getByTestId('save'));
    expect(await screen.findByTestId('error-opened_on')).toHaveTextContent('Ngày mở không được trước ngày đề nghị');

    await user.clear(screen.getByTestId('field-opened_on'));
    await user.type(screen.getByTestId('field-opened_on'), '03/03/2026{Enter}');
    await waitFor(() => expect(screen.getAllByTestId('account-row')).toHaveLength(2));
    expect(rust.callsTo('open_account').at(-1)!.input).toEqual({
      beneficiary_id: an.id,
      channel: 'mobile_money',
      provider_code: 'viettel',
      account_number: '0912345678',
      requested_on: '01/03/2026',
      opened_on: '03/03/2026',
      assisted: false,
      vneid_linked: false,
    });
    expect(screen.getAllByTestId('account-row')[1]).toHaveTextContent('Viettel Money');
  });

  it('records a one-off gift beside the month, asking for its label and amount', async () => {
    const user = userEvent.setup();
    const { rust, an, account } = await setup();
    await user.click(await screen.findByTestId('record-payment'));
    expect(screen.queryByTestId('field-label')).not.toBeInTheDocument();
    await user.selectOptions(screen.getByTestId('field-one_off'), 'Chi một lần (quà, truy lĩnh)');
    await user.type(screen.getByTestId('field-label'), 'Quà Tết 2026');
    await user.type(screen.getByTestId('field-period'), '01/2026');
    await user.type(screen.getByTestId('field-credited_on'), '20/01/2026');
    await user.click(screen.getByTestId('save'));
    expect(await screen.findByTestId('error-amount')).toHaveTextContent('Khoản chi một lần cần ghi số tiền');

    await user.type(screen.getByTestId('field-amount'), '400.000');
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(screen.getAllByTestId('payment-label')).toHaveLength(1));
    expect(rust.callsTo('record_payment').at(-1)!.input).toEqual({
      beneficiary_id: an.id,
      account_id: account.id,
      period: '01/2026',
      amount: '400.000',
      status: 'credited',
      credited_on: '20/01/2026',
      failure_reason: '',
      one_off: true,
      label: 'Quà Tết 2026',
    } satisfies PaymentInput);
    expect(screen.getByTestId('payment-label')).toHaveTextContent('Quà Tết 2026');
    const stored = (await rust.direct.get_beneficiary({ id: an.id })).payments.filter((p) => p.period === '2026-01');
    expect(stored.map((p) => [p.label, p.amount_vnd]).sort()).toContainEqual(['Quà Tết 2026', 400_000]);
  });

  it('closes a form with Esc without saving', async () => {
    const { rust } = await setup();
    await fireEvent.click(await screen.findByTestId('record-payment'));
    await fireEvent.keyDown(screen.getByTestId('field-period'), { key: 'Escape' });
    expect(screen.queryByTestId('payment-form')).not.toBeInTheDocument();
    expect(rust.callsTo('record_payment')).toHaveLength(0);
    expect(rust.callsTo('save_draft')).toHaveLength(0);
  });
});

describe('benefit decisions on the person page', () => {
  it('records a decision that sets the amount, and names a stop without its reason', async () => {
    const user = userEvent.setup();
    const { rust, an } = await setup();
    await screen.findByTestId('decision-none');
    expect(screen.getByTestId('detail-entitlement')).toHaveTextContent('650.000 ₫');
    // A severe disability decided this month: the amount now comes from the decision.
    await user.click(screen.getByTestId('open-decision'));
    const form = await screen.findByTestId('decision-form');
    const groupValues = [...within(form).getByTestId('field-group_code').querySelectorAll('option')].map((o) => o.value);
    expect(groupValues).not.toContain('cao_tuoi_80_khong_luong');
    await user.type(within(form).getByTestId('field-number'), '125/QĐ-UBND');
    await user.selectOptions(within(form).getByTestId('field-group_code'), 'khuyet_tat_nang');
    await user.click(within(form).getByTestId('save'));
    expect(await screen.findByTestId('decision-notice')).toHaveTextContent('Đã ghi quyết định 125/QĐ-UBND');
    await waitFor(() => expect(screen.getAllByTestId('decision-row')).toHaveLength(1));
    expect(screen.getByTestId('decision-row')).toHaveTextContent('Người khuyết tật nặng');
    // 650.000 ₫ × 1,5 (Hà Nội's level since 01/2026).
    await waitFor(() => expect(screen.getByTestId('detail-entitlement')).toHaveTextContent('975.000 ₫'));
    expect(rust.callsTo('record_decision')[0].input).toMatchObject({ beneficiary_id: an.id, kind: 'start', group_code: 'khuyet_tat_nang' });

    // A stop needs its reason: Rust's `required` on the field, translated; nothing written.
    await user.click(screen.getByTestId('open-decision'));
    const stop = await screen.findByTestId('decision-form');
    await user.selectOptions(within(stop).getByTestId('field-kind'), 'stop');
    await user.type(within(stop).getByTestId('field-number'), '130/QĐ-UBND');
    await user.click(within(stop).getByTestId('save'));
    expect(await within(stop).findByTestId('error-reason')).toBeInTheDocument();
    expect(await rust.direct.list_decisions({ beneficiary_id: an.id })).toHaveLength(1);
  });
});

describe('no account registered', () => {
  it('records the confirmation with its specific reason, and asks for it for "other"', async () => {
    const user = userEvent.setup();
    const { rust, an } = await setup();
    await user.click(await screen.findByTestId('open-decline'));
    const form = await screen.findByTestId('decline-form');
    await user.selectOptions(within(form).getByTestId('field-reason'), 'other');
    await user.click(within(form).getByTestId('save'));
    expect(await within(form).findByTestId('error-note')).toBeInTheDocument();
    expect(await rust.direct.list_account_declines({ beneficiary_id: an.id })).toEqual([]);
    await user.type(within(form).getByTestId('field-note'), 'Con gái lĩnh hộ');
    await user.click(within(form).getByTestId('save'));
    await waitFor(() => expect(screen.getByTestId('decline-row')).toHaveTextContent('Lý do khác: “Con gái lĩnh hộ”'));
    const saved = await rust.direct.list_account_declines({ beneficiary_id: an.id });
    expect(saved.map((d) => [d.reason, d.note])).toEqual([['other', 'Con gái lĩnh hộ']]);
  });
});
