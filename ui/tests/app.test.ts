import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../src/lib/fake-backend';
import type { DemoOptions } from '../src/lib/types';
import { renderApp } from './helpers';

describe('app shell', () => {
  it('marks <main> ready after app_info and uses the stored language', async () => {
    const { fake, container } = await renderApp({ lang: 'en' });
    expect(container.querySelector('main')).toHaveAttribute('data-ready', 'true');
    expect(fake.callsTo('app_info')).toHaveLength(1);
    expect(screen.getByTestId('nav-beneficiaries')).toHaveTextContent('Beneficiaries');
    expect(screen.getByTestId('lang-en')).toHaveAttribute('aria-pressed', 'true');
    expect(screen.queryByTestId('demo-dialog')).not.toBeInTheDocument();
  });

  it('switches language through set_language', async () => {
    const user = userEvent.setup();
    const { fake } = await renderApp();
    expect(screen.getByTestId('nav-dashboard')).toHaveTextContent('Tổng quan');
    expect(screen.getByTestId('add-beneficiary')).toHaveTextContent('Thêm người hưởng');
    await user.click(screen.getByTestId('lang-en'));
    expect(screen.getByTestId('nav-dashboard')).toHaveTextContent('Overview');
    expect(fake.callsTo('set_language')).toEqual([{ lang: 'en' }]);
    expect(fake.lang).toBe('en');
    await user.click(screen.getByTestId('lang-vi'));
    expect(screen.getByTestId('nav-beneficiaries')).toHaveTextContent('Người hưởng');
    expect(fake.callsTo('set_language')).toEqual([{ lang: 'en' }, { lang: 'vi' }]);
  });
});

describe('demo dialog', () => {
  it('loads the demo data on request, with a busy state, then reloads the list', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const fake = new FakeBackend({ empty: true });
    const load = fake.load_demo.bind(fake);
    fake.load_demo = async (args) => {
      const p = load(args);
      await gate;
      return p;
    };
    await renderApp({}, fake);
    expect(screen.getByTestId('demo-dialog')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('result-total')).toHaveTextContent('0'));

    await fireEvent.click(screen.getByTestId('demo-load'));
    expect(fake.callsTo('load_demo')).toEqual([
      { options: { wards: 3, beneficiaries: 300, months: 6, seed: 1 } satisfies DemoOptions },
    ]);
    expect(screen.getByTestId('demo-load')).toBeDisabled();
    expect(screen.getByTestId('demo-skip')).toBeDisabled();
    expect(screen.getByText('Đang nạp dữ liệu mẫu…')).toBeInTheDocument();

    release();
    await waitFor(() => expect(screen.queryByTestId('demo-dialog')).not.toBeInTheDocument());
    await waitFor(() => expect(screen.getByTestId('result-total')).toHaveTextContent('300'));
    expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(50);
    expect(fake.callsTo('dismiss_demo_offer')).toHaveLength(0);
  });

  it('starts empty when declined', async () => {
    const { fake } = await renderApp({ empty: true });
    await fireEvent.click(screen.getByTestId('demo-skip'));
    await waitFor(() => expect(screen.queryByTestId('demo-dialog')).not.toBeInTheDocument());
    expect(fake.callsTo('dismiss_demo_offer')).toHaveLength(1);
    expect(fake.callsTo('load_demo')).toHaveLength(0);
    expect((await fake.app_info()).offer_demo).toBe(false);
  });
});
