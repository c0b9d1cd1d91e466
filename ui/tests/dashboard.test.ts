import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import Dashboard from '../src/components/Dashboard.svelte';
import { FakeBackend } from '../src/lib/fake-backend';
import { setLang } from '../src/lib/locale.svelte';
import { indicators } from '../src/lib/fake-indicators';
import type { ChartQuery, Metrics, MetricsQuery, MetricsReport, Segment } from '../src/lib/types';
import { renderApp, renderWith } from './helpers';

function metrics(over: Partial<Metrics> & { median?: number | null }): Metrics {
  const { median = 3, ...rest } = over;
  return {
    credited: 120,
    withdrawn: 90,
    unwithdrawn: 30,
    time_to_cash_days: { median, p75: 8, p90: null },
    withdrawn_by_day: { '1': 0.25, '3': 0.455, '7': 0.7, '30': 0.75 },
    curve: [],
    ...rest,
  };
}

const seg = (key: string, label: string, m: Partial<Metrics> & { median?: number | null }): Segment => ({
  key,
  keys: [key],
  label,
  size: m.credited ?? 120,
  too_few: false,
  ...indicators(metrics(m), [], [], ''),
});

/** A fake whose `metrics` answers canned figures (and records the queries). */
class CannedMetrics extends FakeBackend {
  override metrics(args: { query: MetricsQuery }): Promise<MetricsReport> {
    this.calls.push({ cmd: 'metrics', args: structuredClone(args) });
    const report: MetricsReport = {
      as_of: '2026-06-30',
      min_segment_payments: 10,
      by: args.query.by,
      worst_wards: [{ key: '00004', label: 'Phường Trúc Bạch', median_days: 9, withdrawn_by_day_3: 0.2, credited: 40 }],
      worst_groups: [{ key: 'g', label: 'Người cao tuổi', median_days: null, withdrawn_by_day_3: 0.1, credited: 30 }],
      ...indicators(metrics({}), [], [], ''),
    };
    report.dormant_accounts = { opened: 50, dormant: 7, never_received: 5, never_paid_out: 2, share: 0.14 };
    if (args.query.by[0] === 'ward') {
      report.segments = [
        seg('00001', 'Phường Phúc Xá', { median: 2 }),
        seg('00004', 'Phường Trúc Bạch', { median: null, credited: 10 }),
        seg('00006', 'Phường Vĩnh Phúc', { median: 5 }),
        seg('00008', 'Phường Mới', { median: null, credited: 0 }),
        { key: '00009', keys: ['00009'], label: 'Phường Nhỏ', size: 3, too_few: true },
      ];
    }
    return Promise.resolve(report);
  }
}

describe('dashboard', () => {
  it('renders the KPIs and the withdrawn-by-day shares from the metrics', async () => {
    const fake = new CannedMetrics();
    renderWith(Dashboard, {}, fake);
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent(/^120$/));
    expect(screen.getByTestId('kpi-withdrawn')).toHaveTextContent(/^90$/);
    expect(screen.getByTestId('kpi-unwithdrawn')).toHaveTextContent(/^30$/);
    expect(screen.getByTestId('kpi-median')).toHaveTextContent(/^3$/);
    expect(screen.getByTestId('kpi-p75')).toHaveTextContent(/^8$/);
    expect(screen.getByTestId('kpi-p90')).toHaveTextContent(/^—$/);
    expect(screen.getByTestId('wbd-1')).toHaveTextContent('25,0 %');
    expect(screen.getByTestId('wbd-3')).toHaveTextContent('45,5 %');
    expect(screen.getByTestId('wbd-7')).toHaveTextContent('70,0 %');
    expect(screen.getByTestId('wbd-30')).toHaveTextContent('75,0 %');
    expect(screen.getByTestId('kpi-median').getAttribute('title')).toContain('Kaplan–Meier');
    expect(screen.getByTestId('wbd-7').getAttribute('title')).toContain('7 ngày');
    expect(screen.getByText('Đã rút trong 7 ngày')).toBeInTheDocument();
    // The chart is Rust's SVG, inserted as markup.
    await waitFor(() => expect(screen.getByTestId('ttc-chart').querySelector('svg')).not.toBeNull());
    expect(fake.callsTo('metrics')).toEqual([{ query: { as_of: null, by: [], filter: {} } }]);
    expect(fake.callsTo('time_to_cash_chart')).toEqual([{ query: { as_of: null, by: [], filter: {}, lang: 'vi' } } satisfies { query: ChartQuery }]);
    expect(screen.queryAllByTestId('segment-row')).toHaveLength(0);
  });

  it('re-queries when "by" changes and lists segments worst first', async () => {
    const user = userEvent.setup();
    const fake = new CannedMetrics();
    renderWith(Dashboard, {}, fake);
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent('120'));
    await user.selectOptions(screen.getByTestId('by'), 'ward');
    await waitFor(() => expect(screen.getAllByTestId('segment-row')).toHaveLength(5));
    expect(fake.callsTo('metrics').at(-1)).toEqual({ query: { as_of: null, by: ['ward'], filter: {} } });
    expect(fake.callsTo('time_to_cash_chart').at(-1)).toEqual({ query: { as_of: null, by: ['ward'], filter: {}, lang: 'vi' } });
    expect(screen.getAllByTestId('segment-row').map((r) => r.dataset.key)).toEqual(['00004', '00006', '00001', '00008', '00009']);
    // A segment with too few payments says so instead of giving a number.
    expect(screen.getByTestId('segment-too-few')).toHaveTextContent('quá ít để đánh giá');
    expect(screen.getByTestId('segment-too-few').getAttribute('title')).toContain('10 khoản chi');
    expect(screen.getAllByTestId('segment-row')[0]).toHaveTextContent('Phường Trúc Bạch');
    expect(screen.getAllByTestId('segment-row')[1]).toHaveTextContent('45,5 %');
    // The table as CSV, with the same query.
    await user.click(screen.getByTestId('segments-csv'));
    await waitFor(() => expect(screen.getByTestId('segments-csv-path')).toHaveTextContent('chi-so-by_ward.csv'));
    expect(fake.callsTo('export_table_csv')).toEqual([{ query: { as_of: null, by: ['ward'], filter: {} } }]);
  });

  it('re-queries for a typed as-of date and shows its error inline', async () => {
    const user = userEvent.setup();
    const fake = new FakeBackend({ today: '2026-06-30' });
    renderWith(Dashboard, {}, fake);
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent(/^4$/));
    await user.type(screen.getByTestId('as-of'), '31/01/2026');
    await waitFor(() => expect(fake.callsTo('metrics').at(-1)).toEqual({ query: { as_of: '31/01/2026', by: [], filter: {} } }));
    // As of 31/01/2026 only January's two payments were credited, both withdrawn.
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent(/^2$/));
    expect(screen.getByTestId('kpi-unwithdrawn')).toHaveTextContent(/^0$/);
    expect(screen.getByTestId('kpi-median')).toHaveTextContent(/^0$/);

    await user.clear(screen.getByTestId('as-of'));
    await user.type(screen.getByTestId('as-of'), '31/02/2026{Enter}');
    expect(await screen.findByTestId('error-as_of')).toHaveTextContent('Ngày không hợp lệ (dd/mm/yyyy)');
  });

  it('translates the segment codes and follows the language', async () => {
    const user = userEvent.setup();
    const fake = new FakeBackend({ today: '2026-06-30' });
    renderWith(Dashboard, {}, fake);
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent('4'));
    await user.selectOptions(screen.getByTestId('by'), 'channel');
    await waitFor(() => expect(screen.getAllByTestId('segment-row')).toHaveLength(2));
    expect(screen.getAllByTestId('segment-row').map((r) => r.querySelector('th')?.textContent).sort()).toEqual(
      ['Tiền mặt', 'Tài khoản ngân hàng'].sort(),
    );
    setLang('en');
    await waitFor(() => expect(fake.callsTo('time_to_cash_chart').at(-1)).toEqual({ query: { as_of: null, by: ['channel'], filter: {}, lang: 'en' } }));
    await waitFor(() => expect(screen.getAllByText('Bank account').length).toBeGreaterThan(0));
    expect(screen.getByTestId('wbd-30').textContent).toMatch(/^\d+\.\d%$/);
  });

  it('is reached from the header and refreshes on entering', async () => {
    const { fake } = await renderApp();
    await fireEvent.click(screen.getByTestId('nav-dashboard'));
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toBeInTheDocument());
    await fireEvent.click(screen.getByTestId('nav-beneficiaries'));
    await fireEvent.click(screen.getByTestId('nav-dashboard'));
    await waitFor(() => expect(fake.callsTo('metrics')).toHaveLength(2));
  });

  it('shows the headline figures first and names the slowest ward and group', async () => {
    const fake = new CannedMetrics();
    renderWith(Dashboard, {}, fake);
    await waitFor(() => expect(screen.getByTestId('headline-median')).toHaveTextContent('3 ngày'));
    expect(screen.getByTestId('headline-within3')).toHaveTextContent('45,5 %');
    expect(screen.getByTestId('headline-unwithdrawn')).toHaveTextContent(/^30$/);
    expect(screen.getByTestId('headline-dormant')).toHaveTextContent(/^7$/);
    expect(screen.getByTestId('headline-dormant').getAttribute('title')).toContain('chưa từng nhận tiền');
    expect(screen.getByTestId('worst-wards')).toHaveTextContent('Phường Trúc Bạch: trung vị 9 ngày');
    expect(screen.getByTestId('worst-groups')).toHaveTextContent('Người cao tuổi: trung vị chưa đến một nửa đã rút');
    expect(screen.getByTestId('ind-on_time').getAttribute('title')).toContain('đúng hoặc trước ngày');
    // The other charts come from Rust as SVG, one panel each.
    await waitFor(() => expect(screen.getByTestId('panel-heat').querySelector('svg')).not.toBeNull());
    expect(screen.getByTestId('panel-ward-bars')).toHaveTextContent('ward_bars');
    expect(fake.callsTo('indicator_panels')).toEqual([{ query: { as_of: null, filter: {}, lang: 'vi' } }]);
  });

  it('a filter re-queries and changes the figures', async () => {
    const user = userEvent.setup();
    const fake = new FakeBackend({ today: '2026-06-30' });
    renderWith(Dashboard, {}, fake);
    await waitFor(() => expect(screen.getByTestId('headline-unwithdrawn')).toHaveTextContent(/^1$/));
    expect(screen.getByTestId('kpi-credited')).toHaveTextContent(/^4$/);
    await user.selectOptions(screen.getByTestId('filter-channel'), 'cash');
    await waitFor(() => expect(fake.callsTo('metrics').at(-1)).toEqual({ query: { as_of: null, by: [], filter: { channel: 'cash' } } }));
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).not.toHaveTextContent(/^4$/));
    await user.type(screen.getByTestId('filter-from'), '13/2026');
    await fireEvent.change(screen.getByTestId('filter-from'));
    expect(await screen.findByTestId('error-from')).toBeInTheDocument();
  });
});

describe('monthly report', () => {
  it('exports the XLSX for the filtered ward, shows the path and lists the export', async () => {
    const user = userEvent.setup();
    const fake = new FakeBackend({ today: '2026-06-30' });
    renderWith(Dashboard, {}, fake);
    await waitFor(() => expect(screen.getByTestId('report-xlsx')).toBeInTheDocument());
    await user.click(screen.getByTestId('report-xlsx'));
    expect(await screen.findByTestId('error-cycle')).toBeInTheDocument();
    await user.type(screen.getByTestId('report-cycle'), '05/2026');
    await user.click(screen.getByTestId('report-xlsx'));
    await waitFor(() => expect(screen.getByTestId('report-path')).toHaveTextContent('bao-cao-city-2026-05.xlsx'));
    expect(fake.callsTo('monthly_report').at(-1)).toEqual({ query: { cycle: '05/2026', ward: null, as_of: null } });
    await waitFor(() => expect(screen.getByTestId('exports')).toHaveTextContent('city 2026-05'));

    // Printing is recorded too, then the print dialog opens.
    const printed = vi.spyOn(window, 'print').mockImplementation(() => {});
    await user.click(screen.getByTestId('report-print'));
    await waitFor(() => expect(printed).toHaveBeenCalledTimes(1));
    expect(fake.exports[0]).toMatchObject({ kind: 'monthly_report_print', scope: 'city', period: '2026-05' });
    printed.mockRestore();
  });
});
