import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import Dashboard from '../src/components/Dashboard.svelte';
import { setLang } from '../src/lib/locale.svelte';
import { sortWorstFirst } from '../src/lib/segments';
import type { ChartQuery, MetricsQuery, PanelsQuery, ReportQuery, Segment } from '../src/lib/types';
import { renderApp, renderWith } from './helpers';
import { personInput } from './fixtures';
import { startRust, type Rust } from './rust';

// ---------- a small city, built through the real commands ----------
//
// One person per sample ward, each paid monthly for the ten months before this one (credited on
// the 5th), so every figure below can be checked by hand:
//
// | ward  | group | channel | payments                          | time to cash |
// |-------|-------|---------|-----------------------------------|--------------|
// | 00004 | Y     | bank    | 10 credited, withdrawn on day 2   | 2 days       |
// | 00008 | Y     | cash    | 10 failed                         | none credited|
// | 00025 | Y     | cash    | 1 credited last month, same day   | too few (<10)|
// | 00070 | X     | cash    | 10 credited, none withdrawn       | no median    |
//
// 00070's person was reached 35 days after each credit (at most today) and had not withdrawn:
// each of those payments is known unwithdrawn through that day (censored there, not at its
// credit), so every payment is followed long enough and time to cash can be judged.
// | 00082 | Y     | cash    | 10 credited, withdrawn on day 5   | 5 days       |
//
// (Rust lists segments by code; the page orders them worst first, which differs.)
// and the 00025 person also has a bank account that never received anything (dormant).
// Overall: 31 credited, 21 withdrawn; Kaplan–Meier withdrawn by day 1: 1/31, by day 3: 11/31,
// by day 7 and 30: 21/31; median 5 days (S(2) = 20/31 > ½ ≥ S(5) = 10/31), P75 and P90 never
// reached.

const X = 'cao_tuoi_ngheo_80';
const Y = 'cao_tuoi_80_khong_luong';

const pad = (n: number) => String(n).padStart(2, '0');
/** Day `day` of the month `back` months before this one. */
const monthBack = (back: number, day = 5) => {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth() - back, day);
};
const plusDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
/** As typed: dd/mm/yyyy. */
const typed = (d: Date) => `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
/** As typed: mm/yyyy. */
const typedPeriod = (d: Date) => `${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
/** As stored: yyyy-mm. */
const periodKey = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;

let serial = 0;
async function person(rust: Rust, name: string, ward: string, group: string) {
  serial += 1;
  return rust.direct.add_beneficiary({
    input: personInput({ full_name: name, birth_date: '1940', id_number: `001040${String(serial).padStart(6, '0')}`, ward_code: ward, group_code: group }),
  });
}

async function bankAccount(rust: Rust, beneficiaryId: string) {
  const opened = typed(monthBack(12));
  const input = { beneficiary_id: beneficiaryId, channel: 'bank', provider_code: '970405', account_number: '0123456789', requested_on: opened, opened_on: opened, assisted: false, vneid_linked: false };
  return rust.direct.open_account({ input });
}

/** One payment per month `months` (months back), credited on the 5th (or failed), withdrawn
 * in full `withdrawAfter` days later (null: not withdrawn). */
async function paid(
  rust: Rust,
  beneficiaryId: string,
  months: number[],
  o: { accountId?: string; failed?: boolean; withdrawAfter: number | null; reachedAfter?: number },
) {
  for (const back of months) {
    const credited = monthBack(back);
    const p = await rust.direct.record_payment({
      input: {
        beneficiary_id: beneficiaryId,
        account_id: o.accountId ?? null,
        period: typedPeriod(credited),
        amount: '',
        status: o.failed ? 'failed' : 'credited',
        credited_on: o.failed ? '' : typed(credited),
        failure_reason: o.failed ? 'Sai số tài khoản' : '',
        one_off: false,
        label: '',
      },
    });
    if (o.reachedAfter !== undefined) {
      const day = plusDays(credited, o.reachedAfter);
      const now = new Date();
      await rust.direct.record_contact({
        input: {
          beneficiary_id: beneficiaryId,
          payment_id: p.id,
          kind: 'call',
          contacted_on: typed(day < now ? day : now),
          outcome: 'will_withdraw',
          note: '',
          withdrawn_on: '',
          amount: '',
          place: '',
        },
      });
    }
    if (o.withdrawAfter !== null) {
      await rust.direct.record_withdrawal({
        input: {
          payment_id: p.id,
          withdrawn_on: typed(plusDays(credited, o.withdrawAfter)),
          amount: String(p.amount_vnd),
          place: 'atm',
          travel_minutes: '',
          travel_cost: '',
          waiting_minutes: '',
          assisted: false,
          problems: [],
        },
      });
    }
  }
}

const TEN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** The city of the table above, on a fresh server. */
async function city(): Promise<Rust> {
  const rust = await startRust();
  await Promise.all([
    (async () => {
      const c = await person(rust, 'Phạm Văn Cường', '00004', Y);
      const acc = await bankAccount(rust, c.id);
      await paid(rust, c.id, TEN, { accountId: acc.id, withdrawAfter: 2 });
    })(),
    (async () => paid(rust, (await person(rust, 'Hoàng Văn Dũng', '00008', Y)).id, TEN, { failed: true, withdrawAfter: null }))(),
    (async () => {
      const e = await person(rust, 'Vũ Văn Em', '00025', Y);
      await bankAccount(rust, e.id);
      await paid(rust, e.id, [1], { withdrawAfter: 0 });
    })(),
    (async () => paid(rust, (await person(rust, 'Lê Văn Ánh', '00070', X)).id, TEN, { withdrawAfter: null, reachedAfter: 35 }))(),
    (async () => paid(rust, (await person(rust, 'Trần Văn Bảo', '00082', Y)).id, TEN, { withdrawAfter: 5 }))(),
  ]);
  return rust;
}

const overall: MetricsQuery = { as_of: null, by: [], filter: {} };

describe('dashboard', () => {
  it('renders the KPIs and the withdrawn-by-day shares from the metrics', async () => {
    const rust = await city();
    renderWith(Dashboard, {}, rust);
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent(/^31$/));
    expect(screen.getByTestId('kpi-withdrawn')).toHaveTextContent(/^21$/);
    expect(screen.getByTestId('kpi-unwithdrawn')).toHaveTextContent(/^10$/);
    expect(screen.getByTestId('kpi-median')).toHaveTextContent(/^5$/);
    expect(screen.getByTestId('kpi-p75')).toHaveTextContent(/^—$/);
    expect(screen.getByTestId('kpi-p90')).toHaveTextContent(/^—$/);
    expect(screen.getByTestId('wbd-1')).toHaveTextContent('3,2 %');
    expect(screen.getByTestId('wbd-3')).toHaveTextContent('35,5 %');
    expect(screen.getByTestId('wbd-7')).toHaveTextContent('67,7 %');
    expect(screen.getByTestId('wbd-30')).toHaveTextContent('67,7 %');
    expect(screen.getByTestId('kpi-median').getAttribute('title')).toContain('Kaplan–Meier');
    expect(screen.getByTestId('wbd-7').getAttribute('title')).toContain('7 ngày');
    expect(screen.getByText('Đã rút trong 7 ngày')).toBeInTheDocument();
    // The chart is Rust's SVG, inserted as markup.
    await waitFor(() => expect(screen.getByTestId('ttc-chart').querySelector('svg')).not.toBeNull());
    expect(rust.callsTo('metrics')).toEqual([{ query: overall }]);
    expect(rust.callsTo('time_to_cash_chart')).toEqual([{ query: { ...overall, lang: 'vi' } satisfies ChartQuery }]);
    expect(screen.queryAllByTestId('segment-row')).toHaveLength(0);
  });

  it('re-queries when "by" changes and lists segments worst first, then exports them as CSV', async () => {
    const user = userEvent.setup();
    const rust = await city();
    renderWith(Dashboard, {}, rust);
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent('31'));
    await user.selectOptions(screen.getByTestId('by'), 'ward');
    await waitFor(() => expect(screen.getAllByTestId('segment-row')).toHaveLength(5));
    const byWard: MetricsQuery = { as_of: null, by: ['ward'], filter: {} };
    expect(rust.callsTo('metrics').at(-1)).toEqual({ query: byWard });
    expect(rust.callsTo('time_to_cash_chart').at(-1)).toEqual({ query: { ...byWard, lang: 'vi' } });
    // No median yet (slowest), 5 days, 2 days, nothing credited, too few to judge.
    expect(screen.getAllByTestId('segment-row').map((r) => r.dataset.key)).toEqual(['00070', '00082', '00004', '00008', '00025']);
    // A segment with too few payments says so instead of giving a number.
    expect(screen.getByTestId('segment-too-few')).toHaveTextContent('quá ít để đánh giá');
    expect(screen.getByTestId('segment-too-few').getAttribute('title')).toContain('10 khoản chi');
    const rows = screen.getAllByTestId('segment-row');
    expect(rows[0]).toHaveTextContent('Phường Hoàn Kiếm');
    expect(rows[1]).toHaveTextContent('Phường Cửa Nam');
    expect(rows[1].querySelector('[data-testid="segment-median"]')).toHaveTextContent(/^5$/);
    expect(rows[2]).toHaveTextContent('100,0 %'); // Ba Đình: everyone by day 3
    expect(rows[4]).toHaveTextContent('Phường Giảng Võ');

    // The table as CSV, with the same query, written by Rust into the export folder.
    await user.click(screen.getByTestId('segments-csv'));
    await waitFor(() => expect(screen.getByTestId('segments-csv-path')).toHaveTextContent(/chi-so-by_ward-\d{8}-\d{6}\.csv/));
    expect(rust.callsTo('export_table_csv')).toEqual([{ query: byWard }]);
    const [saved] = await rust.direct.list_exports();
    expect(saved).toMatchObject({ kind: 'table_csv', what: 'by_ward', scope: 'city' });
    expect(saved.file_path.startsWith(join(rust.dir, 'exports'))).toBe(true);
    expect(screen.getByTestId('segments-csv-path')).toHaveTextContent(saved.file_path);
    expect(readFileSync(saved.file_path, 'utf8')).toContain('Phường Hoàn Kiếm');
  });

  it('re-queries for a typed as-of date and shows its error inline', async () => {
    const user = userEvent.setup();
    const rust = await city();
    renderWith(Dashboard, {}, rust);
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent(/^31$/));
    // As of the last day of the first month only that month's three credited payments count:
    // two were withdrawn (day 2 and day 5), one not, and nobody had checked on that one yet
    // (the call came 35 days after credit): it is censored at its credit day, so the median is
    // read from the two known ones (S(2) = 1/2), with 2 of 3 statuses known.
    const first = monthBack(10);
    const asOf = typed(new Date(first.getFullYear(), first.getMonth() + 1, 0));
    await user.type(screen.getByTestId('as-of'), asOf);
    await waitFor(() => expect(rust.callsTo('metrics').at(-1)).toEqual({ query: { as_of: asOf, by: [], filter: {} } }));
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent(/^3$/));
    expect(screen.getByTestId('kpi-withdrawn')).toHaveTextContent(/^2$/);
    expect(screen.getByTestId('kpi-unwithdrawn')).toHaveTextContent(/^1$/);
    expect(screen.getByTestId('kpi-median')).toHaveTextContent(/^2$/);
    expect(screen.getByTestId('kpi-coverage')).toHaveTextContent(/66[,.]7/);

    await user.clear(screen.getByTestId('as-of'));
    await user.type(screen.getByTestId('as-of'), '31/02/2026{Enter}');
    // Rust's `date.invalid` on `as_of`, translated.
    expect(await screen.findByTestId('error-as_of')).toHaveTextContent('Ngày không hợp lệ (dd/mm/yyyy)');
    expect(rust.callsTo('metrics').at(-1)).toEqual({ query: { as_of: '31/02/2026', by: [], filter: {} } });
  });

  it('translates the segment codes and follows the language', async () => {
    const user = userEvent.setup();
    const rust = await city();
    renderWith(Dashboard, {}, rust);
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent('31'));
    await user.selectOptions(screen.getByTestId('by'), 'channel');
    await waitFor(() => expect(screen.getAllByTestId('segment-row')).toHaveLength(2));
    expect(screen.getAllByTestId('segment-row').map((r) => r.querySelector('th')?.textContent).sort()).toEqual(
      ['Tiền mặt', 'Tài khoản ngân hàng'].sort(),
    );
    setLang('en');
    await waitFor(() =>
      expect(rust.callsTo('time_to_cash_chart').at(-1)).toEqual({ query: { as_of: null, by: ['channel'], filter: {}, lang: 'en' } }),
    );
    expect(rust.callsTo('indicator_panels').at(-1)).toEqual({ query: { as_of: null, filter: {}, lang: 'en' } });
    const labels = () => screen.getAllByTestId('segment-row').map((r) => r.querySelector('th')?.textContent);
    await waitFor(() => expect(labels().sort()).toEqual(['Bank account', 'Cash']));
    expect(screen.getByTestId('wbd-30')).toHaveTextContent(/^67\.7%$/);
    // By programme: the programme each cycle's payment was made under, named in the language.
    await user.selectOptions(screen.getByTestId('by'), 'programme');
    await waitFor(() => expect(rust.callsTo('metrics').at(-1)?.query.by).toEqual(['programme']));
    const english = ['Social assistance', 'Social pension', 'Merit allowance'];
    await waitFor(() => expect(labels().length > 0 && labels().every((l) => english.includes(l ?? ''))).toBe(true));
    setLang('vi');
    await waitFor(() => expect(labels().every((l) => ['Trợ giúp xã hội', 'Trợ cấp hưu trí xã hội', 'Ưu đãi người có công'].includes(l ?? ''))).toBe(true));
  });

  it('says "not enough follow-up to judge" instead of a median when few statuses are known', async () => {
    // Ten payments nobody withdrew and nobody checked on, ten withdrawn after 2 days: only 10 of
    // 20 statuses are known (50 % < 60 %). The old rule would have shown a slow median; now the
    // page says the data cannot tell.
    const rust = await startRust();
    await paid(rust, (await person(rust, 'Lê Văn Ánh', '00070', X)).id, TEN, { withdrawAfter: null });
    await paid(rust, (await person(rust, 'Trần Văn Bảo', '00082', Y)).id, TEN, { withdrawAfter: 2 });
    renderWith(Dashboard, {}, rust);
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent(/^20$/));
    expect(screen.getByTestId('low-coverage')).toHaveTextContent('Chưa đủ thông tin theo dõi để đánh giá');
    expect(screen.getByTestId('low-coverage')).toHaveTextContent('60 %');
    expect(screen.getByTestId('kpi-coverage')).toHaveTextContent(/50/);
    expect(screen.getByTestId('kpi-median')).toHaveTextContent('—');
    expect(screen.getByTestId('headline-median')).toHaveTextContent('chưa đủ thông tin theo dõi để đánh giá');
    // By ward: 00082 is judged (2 days), 00070 is not, and only 00082 is ranked among the slowest.
    await userEvent.setup().selectOptions(screen.getByTestId('by'), 'ward');
    await waitFor(() => expect(screen.getAllByTestId('segment-row')).toHaveLength(2));
    const row = (key: string) => screen.getAllByTestId('segment-row').find((r) => r.dataset.key === key)!;
    expect(row('00070').querySelector('[data-testid="segment-low-coverage"]')).toHaveTextContent('chưa đủ thông tin theo dõi');
    expect(row('00082').querySelector('[data-testid="segment-median"]')).toHaveTextContent(/^2$/);
    expect(screen.getByTestId('worst-wards').querySelectorAll('li')).toHaveLength(1);
  });

  it('is reached from the sidebar and refreshes on entering', async () => {
    const { rust } = await renderApp();
    await fireEvent.click(screen.getByTestId('nav-dashboard'));
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent(/^0$/));
    expect(screen.getByText('Chưa có khoản chi trả nào được chuyển tính đến ngày này.')).toBeInTheDocument();
    await fireEvent.click(screen.getByTestId('nav-beneficiaries'));
    await fireEvent.click(screen.getByTestId('nav-dashboard'));
    await waitFor(() => expect(rust.callsTo('metrics')).toHaveLength(2));
  });

  it('shows the headline figures first and names the slowest wards and groups', async () => {
    const rust = await city();
    const groups = await rust.direct.list_groups();
    const name = (code: string) => groups.find((g) => g.code === code)!.name_vi;
    renderWith(Dashboard, {}, rust);
    await waitFor(() => expect(screen.getByTestId('headline-median')).toHaveTextContent('5 ngày'));
    expect(screen.getByTestId('headline-within3')).toHaveTextContent('35,5 %');
    expect(screen.getByTestId('headline-unwithdrawn')).toHaveTextContent(/^10$/);
    // The 00025 person's bank account never received anything.
    expect(screen.getByTestId('headline-dormant')).toHaveTextContent(/^1$/);
    expect(screen.getByTestId('headline-dormant').getAttribute('title')).toContain('chưa từng nhận tiền');
    // The three slowest wards with enough payments (00008 had nothing credited, 00025 too few).
    const wards = [...screen.getByTestId('worst-wards').querySelectorAll('li')].map((li) => li.textContent);
    expect(wards).toEqual([
      'Phường Hoàn Kiếm: trung vị chưa đến một nửa đã rút',
      'Phường Cửa Nam: trung vị 5 ngày',
      'Phường Ba Đình: trung vị 2 ngày',
    ]);
    const worstGroups = [...screen.getByTestId('worst-groups').querySelectorAll('li')].map((li) => li.textContent);
    expect(worstGroups).toEqual([`${name(X)}: trung vị chưa đến một nửa đã rút`, `${name(Y)}: trung vị 2 ngày`]);
    // Top to bottom, so that a laptop shows them without scrolling: the filters, the four headline
    // figures, the slowest wards, then the other figures and the charts.
    const order = ['as-of', 'filter-need', 'headline-median', 'headline-dormant', 'worst-wards', 'kpi-credited', 'ttc-chart'];
    for (const [i, id] of order.entries()) {
      if (i === 0) continue;
      const previous = screen.getByTestId(order[i - 1]);
      expect(previous.compareDocumentPosition(screen.getByTestId(id)) & Node.DOCUMENT_POSITION_FOLLOWING, id).toBeTruthy();
    }
    expect(screen.getByTestId('ind-on_time').getAttribute('title')).toContain('đúng hoặc trước ngày');
    // The other charts come from Rust as SVG, one panel each.
    await waitFor(() => expect(screen.getByTestId('panel-heat').querySelector('svg')).not.toBeNull());
    for (const panel of ['panel-ward-bars', 'panel-trend', 'panel-convenience']) {
      expect(screen.getByTestId(panel).querySelector('svg')).not.toBeNull();
    }
    expect(screen.getByTestId('panel-ward-bars')).toHaveTextContent('Phường Ba Đình');
    expect(rust.callsTo('indicator_panels')).toEqual([{ query: { as_of: null, filter: {}, lang: 'vi' } satisfies PanelsQuery }]);
  });

  it('a filter re-queries and changes the figures; a bad month is shown on its field', async () => {
    const user = userEvent.setup();
    const rust = await city();
    renderWith(Dashboard, {}, rust);
    await waitFor(() => expect(screen.getByTestId('headline-unwithdrawn')).toHaveTextContent(/^10$/));
    expect(screen.getByTestId('kpi-credited')).toHaveTextContent(/^31$/);
    await user.selectOptions(screen.getByTestId('filter-channel'), 'bank');
    await waitFor(() => expect(rust.callsTo('metrics').at(-1)).toEqual({ query: { as_of: null, by: [], filter: { channel: 'bank' } } }));
    // Only the 00004 person was paid into a bank account: ten payments, all withdrawn on day 2.
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent(/^10$/));
    expect(screen.getByTestId('headline-unwithdrawn')).toHaveTextContent(/^0$/);
    expect(screen.getByTestId('kpi-median')).toHaveTextContent(/^2$/);
    await user.type(screen.getByTestId('filter-from'), '13/2026');
    await fireEvent.change(screen.getByTestId('filter-from'));
    // Rust's `period.invalid` on `from`.
    expect(await screen.findByTestId('error-from')).toHaveTextContent('Kỳ chi trả không hợp lệ (mm/yyyy)');
    expect(rust.callsTo('metrics').at(-1)).toEqual({ query: { as_of: null, by: [], filter: { channel: 'bank', from: '13/2026' } } });
  });
});

describe('worst-first order of the segment table', () => {
  // `sortWorstFirst` is the UI's own rule (segments.ts); Rust gives the segments in code order.
  // Ties the city above cannot show: same median, then the lower share by day 7 first, then
  // the higher P90, then the label; too-few segments last by label.
  const judged = (key: string, median: number | null, by7: number | null, p90: number | null, credited = 20): Segment =>
    ({
      key,
      keys: [key],
      label: key,
      size: credited,
      too_few: false,
      credited,
      time_to_cash_days: { median, p75: null, p90 },
      withdrawn_by_day: { '1': null, '3': null, '7': by7, '30': null },
    }) as unknown as Segment;
  const tooFew = (key: string): Segment => ({ key, keys: [key], label: key, size: 3, too_few: true });

  it('breaks ties by day 7, then P90, then label', () => {
    const order = sortWorstFirst([
      tooFew('z'),
      tooFew('y'),
      judged('none', null, null, null, 0),
      judged('b', 4, 0.5, 9),
      judged('a', 4, 0.5, 9),
      judged('p90-high', 4, 0.5, 12),
      judged('p90-unknown', 4, 0.5, null),
      judged('slow7', 4, 0.2, 9),
      judged('no-median', null, 0.1, null),
      judged('fast', 1, 0.9, 3),
    ]).map((s) => s.key);
    expect(order).toEqual(['no-median', 'slow7', 'p90-unknown', 'p90-high', 'a', 'b', 'fast', 'none', 'y', 'z']);
  });
});

describe('monthly report', () => {
  it('exports the XLSX for the cycle, shows the path, lists the export and records a print', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    renderWith(Dashboard, {}, rust);
    await waitFor(() => expect(screen.getByTestId('report-xlsx')).toBeInTheDocument());
    await user.click(screen.getByTestId('report-xlsx'));
    // Rust's `required` on `cycle`.
    expect(await screen.findByTestId('error-cycle')).toHaveTextContent('Bắt buộc nhập');
    const cycle = monthBack(1);
    await user.type(screen.getByTestId('report-cycle'), typedPeriod(cycle));
    await user.click(screen.getByTestId('report-xlsx'));
    const file = `bao-cao-city-${periodKey(cycle)}.xlsx`;
    await waitFor(() => expect(screen.getByTestId('report-path')).toHaveTextContent(file));
    expect(screen.queryByTestId('error-cycle')).toBeNull();
    expect(rust.callsTo('monthly_report').at(-1)).toEqual({ query: { cycle: typedPeriod(cycle), ward: null, as_of: null } satisfies ReportQuery });
    expect(existsSync(join(rust.dir, 'exports', file))).toBe(true);
    await waitFor(() => expect(screen.getByTestId('exports')).toHaveTextContent(`admin · city ${periodKey(cycle)}`));

    // Printing is recorded too, then the print dialog opens.
    const printed = vi.spyOn(window, 'print').mockImplementation(() => {});
    await user.click(screen.getByTestId('report-print'));
    await waitFor(() => expect(printed).toHaveBeenCalledTimes(1));
    expect(rust.callsTo('record_print')).toEqual([{ query: { cycle: typedPeriod(cycle), ward: null } }]);
    const [latest] = await rust.direct.list_exports();
    expect(latest).toMatchObject({ kind: 'monthly_report_print', scope: 'city', period: periodKey(cycle), file_path: '' });
    printed.mockRestore();
  });

  it('reports the ward chosen in the filter', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    renderWith(Dashboard, {}, rust);
    await waitFor(() => expect(screen.getByTestId('report-xlsx')).toBeInTheDocument());
    await waitFor(() => expect(screen.getByTestId('filter-ward').querySelectorAll('option').length).toBe(127));
    await user.selectOptions(screen.getByTestId('filter-ward'), '00008');
    await waitFor(() => expect(rust.callsTo('metrics').at(-1)).toEqual({ query: { as_of: null, by: [], filter: { ward: '00008' } } }));
    const cycle = monthBack(1);
    await user.type(screen.getByTestId('report-cycle'), typedPeriod(cycle));
    await user.click(screen.getByTestId('report-xlsx'));
    await waitFor(() => expect(screen.getByTestId('report-path')).toHaveTextContent(`bao-cao-00008-${periodKey(cycle)}.xlsx`));
    expect(rust.callsTo('monthly_report').at(-1)).toEqual({ query: { cycle: typedPeriod(cycle), ward: '00008', as_of: null } });
  });
});
