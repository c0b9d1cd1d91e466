import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { router } from '../src/lib/router.svelte';
import { GROUPS, signInAs, skipDemoOffer, WARDS, wardOption } from './fixtures';
import { renderApp } from './helpers';
import { startRust, type Rust } from './rust';

/** The app on an empty database (demo declined), on the add form with its lists filled. */
async function openAddForm(rust?: Rust) {
  if (!rust) {
    rust = await startRust();
    await skipDemoOffer(rust);
  }
  const app = await renderApp(rust);
  await fireEvent.click(await screen.findByTestId('add-beneficiary'));
  await screen.findByTestId('field-full_name');
  // Wait for the reference lists to fill the selects, and the draft to be looked up.
  await waitFor(() => expect(screen.getByRole('option', { name: wardOption(WARDS.hoanKiem) })).toBeInTheDocument());
  await waitFor(() => expect(screen.getByTestId('add-form')).toHaveAttribute('data-ready', 'true'));
  return app;
}

describe('add beneficiary form', () => {
  it('autofocuses the first field and cancels with Esc', async () => {
    await openAddForm();
    await waitFor(() => expect(screen.getByTestId('field-full_name')).toHaveFocus());
    await fireEvent.keyDown(screen.getByTestId('field-full_name'), { key: 'Escape' });
    expect(router.route.name).toBe('list');
  });

  it('keeps what is typed before the draft lookup answers', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    await skipDemoOffer(rust);
    await renderApp(rust);
    const release = rust.hold('get_draft');
    await fireEvent.click(await screen.findByTestId('add-beneficiary'));
    await waitFor(() => expect(screen.getByRole('option', { name: wardOption(WARDS.hoanKiem) })).toBeInTheDocument());
    expect(screen.getByTestId('add-form')).toHaveAttribute('data-ready', 'false');
    await user.type(screen.getByTestId('field-full_name'), 'Vũ Thị Lan');
    release();
    await waitFor(() => expect(screen.getByTestId('add-form')).toHaveAttribute('data-ready', 'true'));
    expect(screen.getByTestId('field-full_name')).toHaveValue('Vũ Thị Lan');
  });

  it('shows a translated inline error for a bad ID number, then Enter saves and starts the next person', async () => {
    const user = userEvent.setup();
    const { rust } = await openAddForm();

    await user.type(screen.getByTestId('field-full_name'), 'Nguyễn Thị Hoa');
    await user.type(screen.getByTestId('field-birth_date'), '05/01/1950');
    await user.selectOptions(screen.getByTestId('field-sex'), 'female');
    await user.type(screen.getByTestId('field-id_number'), '00115000123');
    await user.selectOptions(screen.getByTestId('field-ward_code'), WARDS.hoanKiem.code);
    // A group that has ended is not offered for a new person: the 80+ without a pension are a
    // social pension since 1 July 2025.
    const groupValues = [...screen.getByTestId('field-group_code').querySelectorAll('option')].map((o) => o.value);
    expect(groupValues).toContain(GROUPS.pension75);
    expect(groupValues).not.toContain(GROUPS.elderly80);
    await user.selectOptions(screen.getByTestId('field-group_code'), GROUPS.pension75);
    await user.click(screen.getByTestId('field-needs-lives_alone'));
    await user.click(screen.getByTestId('save'));

    const err = await screen.findByTestId('error-id_number');
    expect(err).toHaveTextContent('Số định danh phải có 12 chữ số (đang có 11)');
    expect(screen.getByTestId('field-id_number')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('form-error')).not.toBeInTheDocument();
    expect(router.route.name).toBe('add');

    // The field keeps what was typed; fix it and press Enter in a text field.
    await user.type(screen.getByTestId('field-id_number'), '5');
    await user.type(screen.getByTestId('field-full_name'), '{Enter}');

    // Saved: a blank form for the next person of the same ward, the cursor in the name.
    expect(await screen.findByTestId('saved-next')).toHaveTextContent('Đã lưu Nguyễn Thị Hoa');
    expect(router.route.name).toBe('add');
    expect(screen.getByTestId('field-full_name')).toHaveValue('');
    expect(screen.getByTestId('field-id_number')).toHaveValue('');
    expect(screen.getByTestId('field-ward_code')).toHaveValue(WARDS.hoanKiem.code);
    await waitFor(() => expect(screen.getByTestId('field-full_name')).toHaveFocus());
    const calls = rust.callsTo('add_beneficiary');
    expect(calls).toHaveLength(2);
    expect(calls[1].input).toEqual({
      full_name: 'Nguyễn Thị Hoa',
      birth_date: '05/01/1950',
      sex: 'female',
      id_number: '001150001235',
      id_override_reason: '',
      ward_code: WARDS.hoanKiem.code,
      residential_group: '',
      phone: '',
      group_code: GROUPS.pension75,
      disability: 'none',
      needs: { lives_alone: true, limited_mobility: false, vision_hearing: false, no_smartphone: false, bedridden: false },
      authorised_name: '',
      authorised_id_number: '',
      authorised_relation: '',
      duplicate_reason: '',
    });
    const stored = await rust.direct.search_beneficiaries({ query: { text: '001150001235', limit: 5, offset: 0 } });
    expect(stored.items.map((b) => [b.full_name, b.birth_date, b.needs.lives_alone])).toEqual([
      ['Nguyễn Thị Hoa', '1950-01-05', true],
    ]);
    await user.click(screen.getByTestId('open-saved'));
    await waitFor(() => expect(screen.getByTestId('detail-name')).toHaveTextContent('Nguyễn Thị Hoa'));
    expect(screen.getByTestId('detail-birth')).toHaveTextContent('05/01/1950');
    expect(screen.getByTestId('detail-ward')).toHaveTextContent(WARDS.hoanKiem.name);
  });

  it('asks for an override reason after a sex/year mismatch and sends it', async () => {
    const user = userEvent.setup();
    const { rust } = await openAddForm();
    expect(screen.queryByTestId('field-id_override_reason')).not.toBeInTheDocument();
    await user.type(screen.getByTestId('field-full_name'), 'Vũ Thị Lan');
    await user.type(screen.getByTestId('field-birth_date'), '1948');
    await user.selectOptions(screen.getByTestId('field-sex'), 'female');
    await user.type(screen.getByTestId('field-id_number'), '001048123456'); // male, 1948
    await user.selectOptions(screen.getByTestId('field-ward_code'), WARDS.baDinh.code);
    await user.selectOptions(screen.getByTestId('field-group_code'), GROUPS.pension75);
    await user.click(screen.getByTestId('save'));

    expect(await screen.findByTestId('error-id_number')).toHaveTextContent(
      'Số định danh ứng với giới tính nam, không khớp với giới tính đã chọn (nữ)',
    );
    const reason = screen.getByTestId('field-id_override_reason');
    await user.type(reason, 'CCCD in sai giới tính, đã hướng dẫn cấp lại');
    await user.click(screen.getByTestId('save-open'));
    await waitFor(() => expect(screen.getByTestId('detail-name')).toHaveTextContent('Vũ Thị Lan'));
    const last = rust.callsTo('add_beneficiary').at(-1)!;
    expect(last.input.id_override_reason).toBe('CCCD in sai giới tính, đã hướng dẫn cấp lại');
    expect(last.input.birth_date).toBe('1948');
    const id = router.route.name === 'detail' ? router.route.id : '';
    const stored = (await rust.direct.get_beneficiary({ id })).beneficiary;
    expect([stored.id_override_reason, stored.birth_date, stored.birth_year]).toEqual([
      'CCCD in sai giới tính, đã hướng dẫn cấp lại',
      null,
      1948,
    ]);
  });

  it('shows every field error of a validation error, in English after switching', async () => {
    const user = userEvent.setup();
    const { rust } = await openAddForm();
    await user.click(screen.getByTestId('lang-en'));
    await waitFor(() => expect(rust.callsTo('set_language')).toEqual([{ lang: 'en' }]));
    await user.click(screen.getByTestId('save'));
    expect(await screen.findByTestId('error-full_name')).toHaveTextContent('Required');
    for (const field of ['birth_date', 'sex', 'id_number', 'ward_code', 'group_code']) {
      expect(screen.getByTestId(`error-${field}`)).toHaveTextContent('Required');
    }
    expect(screen.getByTestId('field-full_name')).toHaveFocus();
    expect(router.route.name).toBe('add');
    expect((await rust.direct.search_beneficiaries({ query: { text: '', limit: 5, offset: 0 } })).total).toBe(0);
  });

  it('shows an error that names no field of the form in the general banner', async () => {
    // An officer of Ba Đình registering someone of Ngọc Hà: Rust refuses (auth.forbidden,
    // no field), and the form says so above its fields.
    const user = userEvent.setup();
    const rust = await startRust();
    await skipDemoOffer(rust);
    await signInAs(rust, { role: 'officer', ward_code: WARDS.baDinh.code });
    await openAddForm(rust);
    await user.type(screen.getByTestId('field-full_name'), 'Hồ Văn Nam');
    await user.type(screen.getByTestId('field-birth_date'), '1940');
    await user.selectOptions(screen.getByTestId('field-sex'), 'male');
    await user.type(screen.getByTestId('field-id_number'), '001040123456');
    await user.selectOptions(screen.getByTestId('field-ward_code'), WARDS.ngocHa.code);
    await user.selectOptions(screen.getByTestId('field-group_code'), GROUPS.pension75);
    await fireEvent.submit(screen.getByTestId('save').closest('form')!);
    expect(await screen.findByTestId('form-error')).toHaveTextContent('Vai trò của bạn không được phép thực hiện việc này');
    expect(screen.queryByTestId('error-ward_code')).not.toBeInTheDocument();
    expect(router.route.name).toBe('add');
  });
});
