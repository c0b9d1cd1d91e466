import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DemoOptions } from '../src/lib/types';
import { renderApp } from './helpers';
import { startRust } from './rust';

describe('app shell', () => {
  it('marks <main> ready after app_info and uses the stored language', async () => {
    const { rust, container } = await renderApp({ lang: 'en' });
    expect(container.querySelector('main')).toHaveAttribute('data-ready', 'true');
    expect(rust.callsTo('app_info')).toHaveLength(1);
    expect(screen.getByTestId('nav-beneficiaries')).toHaveTextContent('Beneficiaries');
    expect(screen.getByTestId('lang-en')).toHaveAttribute('aria-pressed', 'true');
  });

  it('switches language through set_language, and Rust keeps it', async () => {
    const user = userEvent.setup();
    const { rust } = await renderApp();
    expect(screen.getByTestId('nav-dashboard')).toHaveTextContent('Tổng quan');
    expect(screen.getByTestId('add-beneficiary')).toHaveTextContent('Thêm người hưởng');
    await user.click(screen.getByTestId('lang-en'));
    expect(screen.getByTestId('nav-dashboard')).toHaveTextContent('Overview');
    await waitFor(() => expect(rust.callsTo('set_language')).toEqual([{ lang: 'en' }]));
    await waitFor(async () => expect((await rust.direct.app_info()).lang).toBe('en'));
    await user.click(screen.getByTestId('lang-vi'));
    expect(screen.getByTestId('nav-beneficiaries')).toHaveTextContent('Người hưởng');
    await waitFor(() => expect(rust.callsTo('set_language')).toEqual([{ lang: 'en' }, { lang: 'vi' }]));
  });
});

describe('demo dialog', () => {
  it('loads the demo data on request, with a busy state, then reloads the list', async () => {
    const rust = await startRust();
    const release = rust.hold('load_demo');
    await renderApp(rust);
    expect(screen.getByTestId('demo-dialog')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('result-total')).toHaveTextContent('0'));

    await fireEvent.click(screen.getByTestId('demo-load'));
    expect(rust.callsTo('load_demo')).toEqual([
      { options: { wards: 3, beneficiaries: 300, months: 6, seed: 1 } satisfies DemoOptions },
    ]);
    expect(screen.getByTestId('demo-load')).toBeDisabled();
    expect(screen.getByTestId('demo-skip')).toBeDisabled();
    expect(screen.getByText('Đang nạp dữ liệu mẫu…')).toBeInTheDocument();

    release();
    await waitFor(() => expect(screen.queryByTestId('demo-dialog')).not.toBeInTheDocument(), { timeout: 5000 });
    await waitFor(() => expect(screen.getByTestId('result-total')).toHaveTextContent('300'));
    expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(50);
    expect(rust.callsTo('dismiss_demo_offer')).toHaveLength(0);
  });

  it('starts empty when declined, and the offer is not made again', async () => {
    const { rust } = await renderApp();
    await fireEvent.click(screen.getByTestId('demo-skip'));
    await waitFor(() => expect(screen.queryByTestId('demo-dialog')).not.toBeInTheDocument());
    await waitFor(() => expect(rust.callsTo('dismiss_demo_offer')).toHaveLength(1));
    expect(rust.callsTo('load_demo')).toHaveLength(0);
    expect((await rust.direct.app_info()).offer_demo).toBe(false);
  });

  it('is not offered on a database with people', async () => {
    await renderApp({ demo: { wards: 2, beneficiaries: 20, months: 1, seed: 3 } });
    expect(screen.queryByTestId('demo-dialog')).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('result-total')).toHaveTextContent('20'));
  });
});
