import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import BeneficiaryList from '../src/components/BeneficiaryList.svelte';
import { FakeBackend } from '../src/lib/fake-backend';
import type { SearchQuery } from '../src/lib/types';
import { router } from '../src/lib/router.svelte';
import { renderApp, renderWith } from './helpers';

const names = () => screen.queryAllByTestId('beneficiary-row').map((r) => within(r).getAllByRole('cell')[0].textContent?.trim());

describe('beneficiary list', () => {
  it('searches on load and renders the rows and the total', async () => {
    const { fake } = renderWith(BeneficiaryList, { onOpen: () => {}, onAdd: () => {} });
    await waitFor(() => expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(5));
    expect(screen.getByTestId('result-total')).toHaveTextContent('5');
    const first = fake.callsTo('search_beneficiaries')[0] as { query: SearchQuery };
    expect(first.query).toEqual({ text: '', ward_code: null, limit: 50, offset: 0 });
    // Legacy CMND shown with its badge, birth year alone when the date is unknown.
    const cuong = screen.getAllByTestId('beneficiary-row').find((r) => r.textContent?.includes('Lê Đức Cường'))!;
    expect(within(cuong).getByTestId('legacy-badge')).toHaveTextContent('CMND cũ');
    const binh = screen.getAllByTestId('beneficiary-row').find((r) => r.textContent?.includes('Trần Thị Bình'))!;
    expect(binh).toHaveTextContent('1950');
  });

  it('finds names typed without accents (folding is the backend’s)', async () => {
    const user = userEvent.setup();
    const { fake } = renderWith(BeneficiaryList, { onOpen: () => {}, onAdd: () => {} });
    await waitFor(() => expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(5));
    await user.type(screen.getByTestId('search'), 'dat');
    await waitFor(() => expect(names()).toEqual(['Đỗ Văn Đạt']));
    expect(screen.getByTestId('result-total')).toHaveTextContent('1');
    // The text typed is sent as is; the debounce coalesces the keystrokes.
    const texts = fake.callsTo('search_beneficiaries').map((a) => (a as { query: SearchQuery }).query.text);
    expect(texts.at(-1)).toBe('dat');
    expect(texts.length).toBeLessThan(4);

    await user.clear(screen.getByTestId('search'));
    await user.type(screen.getByTestId('search'), 'tran thi binh');
    await waitFor(() => expect(names()).toEqual(['Trần Thị Bình']));
  });

  it('ignores a slow answer to an older search', async () => {
    const fake = new FakeBackend({
      delay: (cmd, args) =>
        cmd === 'search_beneficiaries' && (args as { query: SearchQuery }).query.text === 'Lê' ? 300 : 0,
    });
    renderWith(BeneficiaryList, { onOpen: () => {}, onAdd: () => {} }, fake);
    await waitFor(() => expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(5));
    const search = screen.getByTestId('search');
    await fireEvent.input(search, { target: { value: 'Lê' } });
    await waitFor(() => expect(fake.callsTo('search_beneficiaries')).toHaveLength(2));
    await fireEvent.input(search, { target: { value: 'Bình' } });
    await waitFor(() => expect(names()).toEqual(['Trần Thị Bình']));
    await new Promise((r) => setTimeout(r, 400)); // the answer for "Lê" arrives now
    expect(names()).toEqual(['Trần Thị Bình']);
  });

  it('filters by ward', async () => {
    const { fake } = renderWith(BeneficiaryList, { onOpen: () => {}, onAdd: () => {} });
    await waitFor(() => expect(screen.getByRole('option', { name: 'Phường Trúc Bạch (00004)' })).toBeInTheDocument());
    await fireEvent.change(screen.getByTestId('ward-filter'), { target: { value: '00004' } });
    await waitFor(() => expect(names().sort()).toEqual(['Lê Đức Cường', 'Đỗ Văn Đạt'].sort()));
    const last = fake.callsTo('search_beneficiaries').at(-1) as { query: SearchQuery };
    expect(last.query.ward_code).toBe('00004');
  });

  it('opens a row on click and on Enter', async () => {
    const opened: string[] = [];
    renderWith(BeneficiaryList, { onOpen: (id: string) => opened.push(id), onAdd: () => {} });
    await waitFor(() => expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(5));
    const [first, second] = screen.getAllByTestId('beneficiary-row');
    await fireEvent.click(first);
    await fireEvent.keyDown(second, { key: 'Enter' });
    expect(opened).toEqual([first.dataset.id, second.dataset.id]);
  });

  it('pages through 50 at a time', async () => {
    const fake = new FakeBackend({ empty: true });
    await fake.load_demo({ options: { wards: 3, beneficiaries: 120, months: 1, seed: 7 } });
    renderWith(BeneficiaryList, { onOpen: () => {}, onAdd: () => {} }, fake);
    await waitFor(() => expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(50));
    expect(screen.getByTestId('result-total')).toHaveTextContent('120');
    await fireEvent.click(screen.getByTestId('page-next'));
    await waitFor(() => expect((fake.callsTo('search_beneficiaries').at(-1) as { query: SearchQuery }).query.offset).toBe(50));
    await fireEvent.click(screen.getByTestId('page-next'));
    await waitFor(() => expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(20));
  });

  it('navigates from the list to the detail page in the app', async () => {
    await renderApp();
    await waitFor(() => expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(5));
    const row = screen.getAllByTestId('beneficiary-row').find((r) => r.textContent?.includes('Nguyễn Văn An'))!;
    await fireEvent.click(row);
    await waitFor(() => expect(screen.getByTestId('detail-name')).toHaveTextContent('Nguyễn Văn An'));
    expect(router.route).toEqual({ name: 'detail', id: row.dataset.id });
    expect(window.location.hash).toBe(`#/beneficiaries/${row.dataset.id}`);
  });
});
