import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import BeneficiaryList from '../src/components/BeneficiaryList.svelte';
import type { Backend } from '../src/lib/backend';
import { router } from '../src/lib/router.svelte';
import { standardPeople, WARDS, wardOption } from './fixtures';
import { renderApp, renderWith } from './helpers';
import { startRust, type Rust } from './rust';

const names = () => screen.queryAllByTestId('beneficiary-row').map((r) => within(r).getAllByRole('cell')[0].textContent?.trim());
const props = { onOpen: () => {}, onAdd: () => {} };

/** A server with the five standard people. */
async function fivePeople() {
  const rust = await startRust();
  const people = await standardPeople(rust);
  return { rust, ...people };
}

describe('beneficiary list', () => {
  it('searches on load and renders the rows and the total', async () => {
    const { rust } = await fivePeople();
    renderWith(BeneficiaryList, props, rust);
    await waitFor(() => expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(5));
    expect(screen.getByTestId('result-total')).toHaveTextContent('5');
    expect(rust.callsTo('search_beneficiaries')[0].query).toEqual({ text: '', ward_code: null, limit: 50, offset: 0 });
    // Legacy CMND shown with its badge, birth year alone when the date is unknown.
    const cuong = screen.getAllByTestId('beneficiary-row').find((r) => r.textContent?.includes('Lê Đức Cường'))!;
    expect(within(cuong).getByTestId('legacy-badge')).toHaveTextContent('CMND cũ');
    const binh = screen.getAllByTestId('beneficiary-row').find((r) => r.textContent?.includes('Trần Thị Bình'))!;
    expect(binh).toHaveTextContent('1950');
    expect(binh).not.toHaveTextContent('/1950');
  });

  it('finds names typed without accents (folding is Rust’s)', async () => {
    const user = userEvent.setup();
    const { rust } = await fivePeople();
    renderWith(BeneficiaryList, props, rust);
    await waitFor(() => expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(5));
    await user.type(screen.getByTestId('search'), 'dat');
    await waitFor(() => expect(names()).toEqual(['Đỗ Văn Đạt']));
    expect(screen.getByTestId('result-total')).toHaveTextContent('1');
    // The text typed is sent as is; the debounce coalesces the keystrokes.
    const texts = rust.callsTo('search_beneficiaries').map((a) => a.query.text);
    expect(texts.at(-1)).toBe('dat');
    expect(texts.length).toBeLessThan(4);

    await user.clear(screen.getByTestId('search'));
    await user.type(screen.getByTestId('search'), 'tran thi binh');
    await waitFor(() => expect(names()).toEqual(['Trần Thị Bình']));
  });

  it('ignores a slow answer to an older search', async () => {
    const { rust } = await fivePeople();
    // The answer to "Lê" is held back until the answer to "Bình" is on screen.
    let releaseLe = () => {};
    const le = new Promise<void>((r) => (releaseLe = r));
    const backend: Backend = {
      ...rust.backend,
      search_beneficiaries: async (args) => {
        const answer = rust.backend.search_beneficiaries(args);
        if (args.query.text === 'Lê') await le;
        return answer;
      },
    };
    renderWith(BeneficiaryList, props, { ...rust, backend } as Rust);
    await waitFor(() => expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(5));
    const search = screen.getByTestId('search');
    await fireEvent.input(search, { target: { value: 'Lê' } });
    await waitFor(() => expect(rust.callsTo('search_beneficiaries')).toHaveLength(2));
    await fireEvent.input(search, { target: { value: 'Bình' } });
    await waitFor(() => expect(names()).toEqual(['Trần Thị Bình']));
    releaseLe(); // the answer for "Lê" (Lê Đức Cường) arrives now
    await new Promise((r) => setTimeout(r, 100));
    expect(names()).toEqual(['Trần Thị Bình']);
  });

  it('filters by ward', async () => {
    const { rust } = await fivePeople();
    renderWith(BeneficiaryList, props, rust);
    await waitFor(() => expect(screen.getByRole('option', { name: wardOption(WARDS.ngocHa) })).toBeInTheDocument());
    await fireEvent.change(screen.getByTestId('ward-filter'), { target: { value: WARDS.ngocHa.code } });
    await waitFor(() => expect(names().sort()).toEqual(['Lê Đức Cường', 'Đỗ Văn Đạt'].sort()));
    expect(rust.callsTo('search_beneficiaries').at(-1)!.query.ward_code).toBe(WARDS.ngocHa.code);
  });

  it('opens a row on click and on Enter', async () => {
    const { rust } = await fivePeople();
    const opened: string[] = [];
    renderWith(BeneficiaryList, { onOpen: (id: string) => opened.push(id), onAdd: () => {} }, rust);
    await waitFor(() => expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(5));
    const [first, second] = screen.getAllByTestId('beneficiary-row');
    await fireEvent.click(first);
    await fireEvent.keyDown(second, { key: 'Enter' });
    expect(opened).toEqual([first.dataset.id, second.dataset.id]);
    expect(opened[0]).not.toBe(opened[1]);
  });

  it('pages through 50 at a time', async () => {
    const rust = await startRust({ demo: { wards: 3, beneficiaries: 120, months: 1, seed: 7 } });
    renderWith(BeneficiaryList, props, rust);
    await waitFor(() => expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(50));
    expect(screen.getByTestId('result-total')).toHaveTextContent('120');
    const firstPage = names();
    await fireEvent.click(screen.getByTestId('page-next'));
    await waitFor(() => expect(rust.callsTo('search_beneficiaries').at(-1)!.query.offset).toBe(50));
    await waitFor(() => expect(names()[0]).not.toBe(firstPage[0]));
    await fireEvent.click(screen.getByTestId('page-next'));
    await waitFor(() => expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(20));
    expect(rust.callsTo('search_beneficiaries').at(-1)!.query.offset).toBe(100);
  });

  it('navigates from the list to the detail page in the app', async () => {
    const { rust, an } = await fivePeople();
    await renderApp(rust);
    await waitFor(() => expect(screen.getAllByTestId('beneficiary-row')).toHaveLength(5));
    const row = screen.getAllByTestId('beneficiary-row').find((r) => r.textContent?.includes('Nguyễn Văn An'))!;
    expect(row.dataset.id).toBe(an.id);
    await fireEvent.click(row);
    await waitFor(() => expect(screen.getByTestId('detail-name')).toHaveTextContent('Nguyễn Văn An'));
    expect(router.route).toEqual({ name: 'detail', id: an.id });
    expect(window.location.hash).toBe(`#/beneficiaries/${an.id}`);
  });
});
