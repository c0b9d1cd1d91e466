import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { navigate, router } from '../src/lib/router.svelte';
import type { BeneficiaryInput } from '../src/lib/types';
import { addPerson, GROUPS, idNumber, skipDemoOffer, standardPeople, WARDS, wardOption } from './fixtures';
import { renderApp } from './helpers';
import { startRust, type Rust } from './rust';

/** A server on an empty database with the demo declined. */
async function emptyRust(): Promise<Rust> {
  const rust = await startRust();
  await skipDemoOffer(rust);
  return rust;
}

/** Nguyễn Văn An, born 15/03/1942 in Ba Đình, ID 001042001234: the registered person the
 * duplicate checks find. */
const addAn = (rust: Rust) =>
  addPerson(rust, { full_name: 'Nguyễn Văn An', birth_date: '15/03/1942', sex: 'male', id_number: '001042001234' });

async function openAddForm(rust: Rust) {
  const app = await renderApp(rust);
  navigate({ name: 'add' });
  await screen.findByTestId('field-full_name');
  await waitFor(() => expect(screen.getByTestId('add-form')).toHaveAttribute('data-ready', 'true'));
  await waitFor(() => expect(screen.getByRole('option', { name: wardOption(WARDS.ngocHa) })).toBeInTheDocument());
  return app;
}

const countPeople = async (rust: Rust, text = '') =>
  (await rust.direct.search_beneficiaries({ query: { text, limit: 1, offset: 0 } })).total;

describe('durable drafts', () => {
  it('autosaves what is typed and offers it back after a restart', async () => {
    const user = userEvent.setup();
    const rust = await emptyRust();
    const first = await openAddForm(rust);
    await user.type(screen.getByTestId('field-full_name'), 'Ngô Thị Hạnh');
    await user.type(screen.getByTestId('field-birth_date'), '02/09/1944');
    await waitFor(() => expect(screen.getByTestId('draft-status')).toHaveAttribute('data-state', 'saved'), {
      timeout: 3000,
    });
    const saved = rust.callsTo('save_draft').at(-1)!;
    expect(saved.draft.form).toBe('beneficiary');
    expect(saved.draft.label).toBe('Ngô Thị Hạnh');
    expect((saved.draft.payload as BeneficiaryInput).birth_date).toBe('02/09/1944');
    // Rust keeps it.
    const kept = await rust.direct.list_drafts();
    expect(kept.map((d) => [d.form, d.label, (d.payload as BeneficiaryInput).birth_date])).toEqual([
      ['beneficiary', 'Ngô Thị Hạnh', '02/09/1944'],
    ]);

    // The window closes; the app starts again on the same data.
    first.unmount();
    navigate({ name: 'list' });
    await renderApp(rust);
    const banner = await screen.findByTestId('unfinished-forms');
    expect(banner).toHaveTextContent('Thêm người hưởng: Ngô Thị Hạnh');
    await user.click(within(banner).getByTestId('draft-resume'));
    expect(router.route.name).toBe('add');
    await waitFor(() => expect(screen.getByTestId('field-full_name')).toHaveValue('Ngô Thị Hạnh'));
    expect(screen.getByTestId('field-birth_date')).toHaveValue('02/09/1944');
    expect(screen.getByTestId('draft-restored')).toBeInTheDocument();

    // Discarding the draft empties the form; cancelling deletes the kept draft.
    await user.click(screen.getByTestId('draft-discard'));
    expect(screen.getByTestId('field-full_name')).toHaveValue('');
    await user.click(screen.getByTestId('cancel'));
    await waitFor(async () => expect(await rust.direct.list_drafts()).toEqual([]));
  });

  it('saving the form leaves no draft behind', async () => {
    const user = userEvent.setup();
    const rust = await emptyRust();
    await openAddForm(rust);
    await user.type(screen.getByTestId('field-full_name'), 'Lý Văn Tâm');
    await waitFor(async () => expect(await rust.direct.list_drafts()).toHaveLength(1), { timeout: 3000 });
    await user.type(screen.getByTestId('field-birth_date'), '1950');
    await user.selectOptions(screen.getByTestId('field-sex'), 'male');
    await user.type(screen.getByTestId('field-id_number'), idNumber('male', 1950));
    await user.selectOptions(screen.getByTestId('field-ward_code'), WARDS.ngocHa.code);
    await user.selectOptions(screen.getByTestId('field-group_code'), GROUPS.pension75);
    await user.click(screen.getByTestId('save-open'));
    await waitFor(() => expect(screen.getByTestId('detail-name')).toHaveTextContent('Lý Văn Tâm'));
    await new Promise((r) => setTimeout(r, 800)); // longer than the autosave pause
    expect(await rust.direct.list_drafts()).toEqual([]);
  });
});

describe('duplicate check on entry', () => {
  /** Types An again: same name (without accents, in capitals), birth date and ward, another ID. */
  async function typeAnAgain(user: ReturnType<typeof userEvent.setup>) {
    await user.type(screen.getByTestId('field-full_name'), 'NGUYEN VAN AN');
    await user.type(screen.getByTestId('field-birth_date'), '15/03/1942');
    await user.selectOptions(screen.getByTestId('field-sex'), 'male');
    await user.type(screen.getByTestId('field-id_number'), '001042009876');
    await user.selectOptions(screen.getByTestId('field-ward_code'), WARDS.baDinh.code);
    await user.selectOptions(screen.getByTestId('field-group_code'), GROUPS.pension75);
    await user.click(screen.getByTestId('save'));
    return screen.findByTestId('duplicate-panel');
  }

  it('shows both side by side and keeps both with a reason', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    await addAn(rust);
    await openAddForm(rust);
    const panel = await typeAnAgain(user);
    expect(within(panel).getByTestId('dup-name')).toHaveTextContent('Nguyễn Văn An');
    expect(panel).toHaveTextContent('001042001234');
    expect(within(panel).getByTestId('dup-keep')).toBeDisabled();
    await user.type(within(panel).getByTestId('field-duplicate_reason'), 'Khác tổ dân phố, khác cha mẹ');
    await user.click(within(panel).getByTestId('dup-keep'));
    expect(await screen.findByTestId('saved-next')).toHaveTextContent('NGUYEN VAN AN');
    const last = rust.callsTo('add_beneficiary').at(-1)!;
    expect(last.input.duplicate_reason).toBe('Khác tổ dân phố, khác cha mẹ');
    const both = await rust.direct.search_beneficiaries({ query: { text: 'nguyen van an', limit: 10, offset: 0 } });
    expect(both.items.filter((b) => b.birth_date === '1942-03-15')).toHaveLength(2);
    expect(both.items.map((b) => b.duplicate_reason).sort()).toEqual(['', 'Khác tổ dân phố, khác cha mẹ']);
  });

  it('opens the registered person when it is the same one, saving nothing', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const an = await addAn(rust);
    await openAddForm(rust);
    const panel = await typeAnAgain(user);
    await user.click(within(panel).getByTestId('dup-open'));
    await waitFor(() => expect(screen.getByTestId('detail-name')).toHaveTextContent('Nguyễn Văn An'));
    expect(router.route).toEqual({ name: 'detail', id: an.id });
    expect(await countPeople(rust)).toBe(1);
  });

  it('links a duplicate ID number to the registered person', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const an = await addAn(rust);
    await openAddForm(rust);
    await user.type(screen.getByTestId('field-full_name'), 'Người Khác');
    await user.type(screen.getByTestId('field-birth_date'), '1942');
    await user.selectOptions(screen.getByTestId('field-sex'), 'male');
    await user.type(screen.getByTestId('field-id_number'), '001042001234');
    await user.selectOptions(screen.getByTestId('field-ward_code'), WARDS.ngocHa.code);
    await user.selectOptions(screen.getByTestId('field-group_code'), GROUPS.pension75);
    await user.click(screen.getByTestId('save'));
    expect(await screen.findByTestId('error-id_number')).toHaveTextContent(`Số định danh này đã có trong hồ sơ khác (${an.id})`);
    await user.click(await screen.findByTestId('open-existing'));
    await waitFor(() => expect(screen.getByTestId('detail-name')).toHaveTextContent('Nguyễn Văn An'));
    expect(router.route).toEqual({ name: 'detail', id: an.id });
    expect(await countPeople(rust)).toBe(1);
  });
});

describe('corrections', () => {
  it('edits needs and the authorised person from the record', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const { dung } = await standardPeople(rust);
    await renderApp(rust);
    navigate({ name: 'detail', id: dung.id });
    await user.click(await screen.findByTestId('edit-beneficiary'));
    await waitFor(() => expect(screen.getByTestId('field-full_name')).toHaveValue('Phạm Thị Dung'));
    expect(screen.getByTestId('field-birth_date')).toHaveValue('24/12/1938');
    expect(screen.getByTestId('field-needs-bedridden')).toBeChecked();
    await user.click(screen.getByTestId('field-needs-vision_hearing'));
    await user.type(screen.getByTestId('field-authorised_name'), 'Phạm Văn Hùng');
    await user.type(screen.getByTestId('field-authorised_relation'), 'con trai');
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(screen.getByTestId('detail-authorised')).toHaveTextContent('Phạm Văn Hùng (con trai)'));
    expect(rust.callsTo('update_beneficiary').map((a) => a.id)).toEqual([dung.id]);
    const stored = (await rust.direct.get_beneficiary({ id: dung.id })).beneficiary;
    expect([stored.authorised_name, stored.authorised_relation, stored.needs.vision_hearing, stored.needs.bedridden]).toEqual([
      'Phạm Văn Hùng',
      'con trai',
      true,
      true,
    ]);
    expect(await countPeople(rust, 'Phạm Thị Dung')).toBe(1);
  });

  it('requires a name for an authorised person', async () => {
    const user = userEvent.setup();
    const rust = await emptyRust();
    await openAddForm(rust);
    await user.type(screen.getByTestId('field-authorised_relation'), 'con gái');
    await user.click(screen.getByTestId('save'));
    expect(await screen.findByTestId('error-authorised_name')).toBeInTheDocument();
    expect(rust.callsTo('add_beneficiary')).toHaveLength(1);
  });
});

describe('keyboard', () => {
  it('Ctrl+K and / go to the search box; not while typing or composing', async () => {
    await renderApp(await emptyRust());
    navigate({ name: 'dashboard' });
    await waitFor(() => expect(router.route.name).toBe('dashboard'));
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true, keyCode: 229, isComposing: true });
    expect(router.route.name).toBe('dashboard');
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('search')).toHaveFocus());
    expect(router.route.name).toBe('list');

    navigate({ name: 'add' });
    const name = await screen.findByTestId('field-full_name');
    await fireEvent.keyDown(name, { key: '/' });
    expect(router.route.name).toBe('add');
  });

  it('Esc does not cancel a form while an input method composes', async () => {
    await openAddForm(await emptyRust());
    const name = screen.getByTestId('field-full_name');
    await fireEvent.keyDown(name, { key: 'Escape', isComposing: true });
    expect(router.route.name).toBe('add');
    await fireEvent.keyDown(name, { key: 'Escape', keyCode: 229 });
    expect(router.route.name).toBe('add');
    await fireEvent.keyDown(name, { key: 'Escape' });
    expect(router.route.name).toBe('list');
  });
});

describe('drafts of the field-workflow forms', () => {
  it('a half-written grievance is offered back and reopens on the person page', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const an = await addAn(rust);
    const first = await renderApp(rust);
    navigate({ name: 'detail', id: an.id });
    await user.click(await screen.findByTestId('open-grievance'));
    await user.type(await screen.findByTestId('field-description'), 'Chưa nhận được tiền tháng 3');
    await waitFor(async () => expect(await rust.direct.get_draft({ form: 'grievance', subject: an.id })).not.toBeNull(), {
      timeout: 3000,
    });

    first.unmount();
    navigate({ name: 'list' });
    await renderApp(rust);
    const banner = await screen.findByTestId('unfinished-forms');
    expect(banner).toHaveTextContent('Tiếp nhận phản ánh: Chưa nhận được tiền tháng 3');
    await user.click(within(banner).getByTestId('draft-resume'));
    await waitFor(() => expect(screen.getByTestId('field-description')).toHaveValue('Chưa nhận được tiền tháng 3'));
    expect(router.route).toEqual({ name: 'detail', id: an.id, open: 'grievance' });
  });

  it('what is typed before the draft lookup answers wins over the kept draft, field by field', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const an = await addAn(rust);
    await rust.direct.save_draft({
      draft: {
        form: 'grievance',
        subject: an.id,
        person_id: an.id,
        label: 'Chưa nhận được tiền',
        payload: { category: 'not_received', channel: '', description: 'Chưa nhận được tiền', opened_on: '02/03/2026', deadline_on: '' },
      },
    });
    await renderApp(rust);
    navigate({ name: 'detail', id: an.id });
    const release = rust.hold('get_draft');
    await user.click(await screen.findByTestId('open-grievance'));
    await user.type(await screen.findByTestId('field-description'), 'Thẻ ATM bị khoá');
    release();
    // The kept draft fills what was not typed; the typed description stays.
    await waitFor(() => expect(screen.getByTestId('field-opened_on')).toHaveValue('02/03/2026'));
    expect(screen.getByTestId('field-category')).toHaveValue('not_received');
    expect(screen.getByTestId('field-description')).toHaveValue('Thẻ ATM bị khoá');
  });
});
