import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../src/lib/fake-backend';
import { navigate, router } from '../src/lib/router.svelte';
import type { BeneficiaryInput } from '../src/lib/types';
import { renderApp } from './helpers';

async function openAddForm(fake = new FakeBackend()) {
  const app = await renderApp({}, fake);
  navigate({ name: 'add' });
  await screen.findByTestId('field-full_name');
  await waitFor(() => expect(screen.getByTestId('add-form')).toHaveAttribute('data-ready', 'true'));
  await waitFor(() => expect(screen.getByRole('option', { name: 'Phường Trúc Bạch (00004)' })).toBeInTheDocument());
  return app;
}

describe('durable drafts', () => {
  it('autosaves what is typed and offers it back after a restart', async () => {
    const user = userEvent.setup();
    const fake = new FakeBackend();
    const first = await openAddForm(fake);
    await user.type(screen.getByTestId('field-full_name'), 'Ngô Thị Hạnh');
    await user.type(screen.getByTestId('field-birth_date'), '02/09/1944');
    await waitFor(() => expect(screen.getByTestId('draft-status')).toHaveAttribute('data-state', 'saved'), {
      timeout: 3000,
    });
    const saved = fake.callsTo('save_draft').at(-1) as { draft: { form: string; label: string; payload: BeneficiaryInput } };
    expect(saved.draft.form).toBe('beneficiary');
    expect(saved.draft.label).toBe('Ngô Thị Hạnh');
    expect(saved.draft.payload.birth_date).toBe('02/09/1944');

    // The window closes; the app starts again on the same data.
    first.unmount();
    navigate({ name: 'list' });
    await renderApp({}, fake);
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
    await waitFor(() => expect(fake.drafts.size).toBe(0));
  });

  it('saving the form leaves no draft behind', async () => {
    const user = userEvent.setup();
    const fake = new FakeBackend();
    await openAddForm(fake);
    await user.type(screen.getByTestId('field-full_name'), 'Lý Văn Tâm');
    await waitFor(() => expect(fake.drafts.size).toBe(1), { timeout: 3000 });
    await user.type(screen.getByTestId('field-birth_date'), '1950');
    await user.selectOptions(screen.getByTestId('field-sex'), 'male');
    await user.selectOptions(screen.getByTestId('field-ward_code'), '00004');
    await user.selectOptions(screen.getByTestId('field-group_code'), 'elderly_80');
    await user.click(screen.getByTestId('save-open'));
    await waitFor(() => expect(screen.getByTestId('detail-name')).toHaveTextContent('Lý Văn Tâm'));
    await new Promise((r) => setTimeout(r, 800)); // longer than the autosave pause
    expect(fake.drafts.size).toBe(0);
  });
});

describe('duplicate check on entry', () => {
  async function typeAnAgain(user: ReturnType<typeof userEvent.setup>) {
    // The fake's first person is Nguyễn Văn An, born 15/03/1942, ward 00001.
    await user.type(screen.getByTestId('field-full_name'), 'NGUYEN VAN AN');
    await user.type(screen.getByTestId('field-birth_date'), '15/03/1942');
    await user.selectOptions(screen.getByTestId('field-sex'), 'male');
    await user.selectOptions(screen.getByTestId('field-ward_code'), '00001');
    await user.selectOptions(screen.getByTestId('field-group_code'), 'elderly_80');
    await user.click(screen.getByTestId('save'));
    return screen.findByTestId('duplicate-panel');
  }

  it('shows both side by side and keeps both with a reason', async () => {
    const user = userEvent.setup();
    const { fake } = await openAddForm();
    const panel = await typeAnAgain(user);
    expect(within(panel).getByTestId('dup-name')).toHaveTextContent('Nguyễn Văn An');
    expect(within(panel).getByTestId('dup-keep')).toBeDisabled();
    await user.type(within(panel).getByTestId('field-duplicate_reason'), 'Khác tổ dân phố, khác cha mẹ');
    await user.click(within(panel).getByTestId('dup-keep'));
    expect(await screen.findByTestId('saved-next')).toHaveTextContent('NGUYEN VAN AN');
    const last = (fake.callsTo('add_beneficiary') as { input: BeneficiaryInput }[]).at(-1)!;
    expect(last.input.duplicate_reason).toBe('Khác tổ dân phố, khác cha mẹ');
    expect(fake.store.beneficiaries.filter((b) => b.birth_date === '1942-03-15')).toHaveLength(2);
  });

  it('opens the registered person when it is the same one, saving nothing', async () => {
    const user = userEvent.setup();
    const { fake } = await openAddForm();
    const before = fake.store.beneficiaries.length;
    const panel = await typeAnAgain(user);
    await user.click(within(panel).getByTestId('dup-open'));
    await waitFor(() => expect(screen.getByTestId('detail-name')).toHaveTextContent('Nguyễn Văn An'));
    expect(fake.store.beneficiaries).toHaveLength(before);
  });

  it('links a duplicate ID number to the registered person', async () => {
    const user = userEvent.setup();
    await openAddForm();
    await user.type(screen.getByTestId('field-full_name'), 'Người Khác');
    await user.type(screen.getByTestId('field-birth_date'), '1942');
    await user.selectOptions(screen.getByTestId('field-sex'), 'male');
    await user.type(screen.getByTestId('field-id_number'), '001042001234');
    await user.selectOptions(screen.getByTestId('field-ward_code'), '00004');
    await user.selectOptions(screen.getByTestId('field-group_code'), 'elderly_80');
    await user.click(screen.getByTestId('save'));
    await user.click(await screen.findByTestId('open-existing'));
    await waitFor(() => expect(screen.getByTestId('detail-name')).toHaveTextContent('Nguyễn Văn An'));
  });
});

describe('corrections', () => {
  it('edits needs and the authorised person from the record', async () => {
    const user = userEvent.setup();
    const { fake } = await renderApp();
    const dung = fake.store.beneficiaries.find((b) => b.full_name === 'Phạm Thị Dung')!;
    navigate({ name: 'detail', id: dung.id });
    await user.click(await screen.findByTestId('edit-beneficiary'));
    await waitFor(() => expect(screen.getByTestId('field-full_name')).toHaveValue('Phạm Thị Dung'));
    expect(screen.getByTestId('field-birth_date')).toHaveValue('24/12/1938');
    await user.type(screen.getByTestId('field-authorised_name'), 'Phạm Văn Hùng');
    await user.type(screen.getByTestId('field-authorised_relation'), 'con trai');
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(screen.getByTestId('detail-authorised')).toHaveTextContent('Phạm Văn Hùng (con trai)'));
    expect(fake.store.beneficiaries.filter((b) => b.full_name === 'Phạm Thị Dung')).toHaveLength(1);
  });

  it('requires a name for an authorised person', async () => {
    const user = userEvent.setup();
    await openAddForm();
    await user.type(screen.getByTestId('field-authorised_relation'), 'con gái');
    await user.click(screen.getByTestId('save'));
    expect(await screen.findByTestId('error-authorised_name')).toBeInTheDocument();
  });
});

describe('keyboard', () => {
  it('Ctrl+K and / go to the search box; not while typing or composing', async () => {
    await renderApp();
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
    await openAddForm();
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
    const fake = new FakeBackend();
    const an = fake.store.beneficiaries.find((b) => b.full_name === 'Nguyễn Văn An')!;
    const first = await renderApp({}, fake);
    navigate({ name: 'detail', id: an.id });
    await user.click(await screen.findByTestId('open-grievance'));
    await user.type(await screen.findByTestId('field-description'), 'Chưa nhận được tiền tháng 3');
    await waitFor(() => expect(fake.drafts.get(`grievance|${an.id}`)).toBeDefined(), { timeout: 3000 });

    first.unmount();
    navigate({ name: 'list' });
    await renderApp({}, fake);
    const banner = await screen.findByTestId('unfinished-forms');
    expect(banner).toHaveTextContent('Mở khiếu nại: Chưa nhận được tiền tháng 3');
    await user.click(within(banner).getByTestId('draft-resume'));
    await waitFor(() => expect(screen.getByTestId('field-description')).toHaveValue('Chưa nhận được tiền tháng 3'));
    expect(router.route).toEqual({ name: 'detail', id: an.id, open: 'grievance' });
  });
});
