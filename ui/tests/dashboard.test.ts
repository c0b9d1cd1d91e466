import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Dashboard from '../src/components/Dashboard.svelte';
import { FakeBackend } from '../src/lib/fake-backend';
import { setLang } from '../src/lib/locale.svelte';
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
  label,
  ...metrics(m),
});

/** A fake whose `metrics` answers canned figures (and records the queries). */
class CannedMetrics extends FakeBackend {
  override metrics(args: { query: MetricsQuery }): Promise<MetricsReport> {
    this.calls.push({ cmd: 'metrics', args: structuredClone(args) });
    const report: MetricsReport = { as_of: '2026-06-30', ...metrics({}) };
    if (args.query.by === 'ward') {
      report.by = 'ward';
      report.segments = [
        seg('00001', 'Phường Phúc Xá', { median: 2 }),
        seg('00004', 'Phường Trúc Bạch', { median: null, credited: 10 }),
        seg('00006', 'Phường Vĩnh Phúc', { median: 5 }),
        seg('00008', 'Phường Mới', { median: null, credited: 0 }),
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
    expect(fake.callsTo('metrics')).toEqual([{ query: { as_of: null, by: null } }]);
    expect(fake.callsTo('time_to_cash_chart')).toEqual([{ query: { as_of: null, by: null, lang: 'vi' } } satisfies { query: ChartQuery }]);
    expect(screen.queryAllByTestId('segment-row')).toHaveLength(0);
  });

  it('re-queries when "by" changes and lists segments worst first', async () => {
    const user = userEvent.setup();
    const fake = new CannedMetrics();
    renderWith(Dashboard, {}, fake);
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent('120'));
    await user.selectOptions(screen.getByTestId('by'), 'ward');
    await waitFor(() => expect(screen.getAllByTestId('segment-row')).toHaveLength(4));
    expect(fake.callsTo('metrics').at(-1)).toEqual({ query: { as_of: null, by: 'ward' } });
    expect(fake.callsTo('time_to_cash_chart').at(-1)).toEqual({ query: { as_of: null, by: 'ward', lang: 'vi' } });
    expect(screen.getAllByTestId('segment-row').map((r) => r.dataset.key)).toEqual(['00004', '00006', '00001', '00008']);
    expect(screen.getAllByTestId('segment-row')[0]).toHaveTextContent('Phường Trúc Bạch');
    expect(screen.getAllByTestId('segment-row')[1]).toHaveTextContent('45,5 %');
  });

  it('re-queries for a typed as-of date and shows its error inline', async () => {
    const user = userEvent.setup();
    const fake = new FakeBackend({ today: '2026-06-30' });
    renderWith(Dashboard, {}, fake);
    await waitFor(() => expect(screen.getByTestId('kpi-credited')).toHaveTextContent(/^4$/));
    await user.type(screen.getByTestId('as-of'), '31/01/2026');
    await waitFor(() => expect(fake.callsTo('metrics').at(-1)).toEqual({ query: { as_of: '31/01/2026', by: null } }));
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
    await waitFor(() => expect(fake.callsTo('time_to_cash_chart').at(-1)).toEqual({ query: { as_of: null, by: 'channel', lang: 'en' } }));
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
});
