import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp } from './helpers';

describe('first-run set-up', () => {
  it('shows only the set-up screen, refuses different passwords, then signs the administrator in', async () => {
    const user = userEvent.setup();
    const { fake } = await renderApp({ auth: 'setup' });
    expect(screen.getByTestId('setup-screen')).toBeInTheDocument();
    expect(screen.queryByTestId('nav-beneficiaries')).not.toBeInTheDocument();
    expect(fake.callsTo('app_info')).toHaveLength(0);

    await user.type(screen.getByTestId('auth-username'), 'quantri');
    await user.type(screen.getByTestId('auth-password'), 'mật khẩu quản trị');
    await user.type(screen.getByTestId('auth-password-repeat'), 'mật khẩu khác');
    await user.click(screen.getByTestId('auth-submit'));
    expect(screen.getByTestId('auth-error')).toHaveTextContent('Hai mật khẩu không khớp');
    expect(fake.callsTo('setup_admin')).toHaveLength(0);

    await user.clear(screen.getByTestId('auth-password-repeat'));
    await user.type(screen.getByTestId('auth-password-repeat'), 'mật khẩu quản trị');
    await user.click(screen.getByTestId('auth-submit'));
    await waitFor(() => expect(screen.getByTestId('signed-in-user')).toHaveTextContent('Quản trị viên'));
    expect(fake.callsTo('setup_admin')).toEqual([
      { input: { username: 'quantri', display_name: '', password: 'mật khẩu quản trị' } },
    ]);
    expect(screen.getByTestId('nav-users')).toBeInTheDocument();
    expect(screen.queryByTestId('setup-screen')).not.toBeInTheDocument();
  });

  it('shows a too-short password under the field, translated', async () => {
    const user = userEvent.setup();
    await renderApp({ auth: 'setup' });
    await user.type(screen.getByTestId('auth-username'), 'quantri');
    await user.type(screen.getByTestId('auth-password'), 'ngắn');
    await user.type(screen.getByTestId('auth-password-repeat'), 'ngắn');
    await user.click(screen.getByTestId('auth-submit'));
    expect(await screen.findByTestId('error-password')).toHaveTextContent('Mật khẩu cần ít nhất 10 ký tự');
  });
});

describe('sign-in', () => {
  it('translates a wrong password, then signs in and out', async () => {
    const user = userEvent.setup();
    const { fake } = await renderApp({ auth: 'login', lang: 'en' });
    expect(screen.getByTestId('login-screen')).toBeInTheDocument();
    await user.type(screen.getByTestId('auth-username'), 'admin');
    await user.type(screen.getByTestId('auth-password'), 'sai mật khẩu');
    await user.click(screen.getByTestId('auth-submit'));
    expect(await screen.findByTestId('auth-error')).toHaveTextContent('Sai tên đăng nhập hoặc mật khẩu');
    expect(screen.getByTestId('auth-password')).toHaveValue('');

    await user.type(screen.getByTestId('auth-password'), 'mật khẩu quản trị');
    await user.click(screen.getByTestId('auth-submit'));
    await waitFor(() => expect(screen.getByTestId('result-total')).toHaveTextContent('5'));

    await user.click(screen.getByTestId('logout'));
    await waitFor(() => expect(screen.getByTestId('login-screen')).toBeInTheDocument());
    expect(fake.callsTo('logout')).toHaveLength(1);
    expect(screen.queryByTestId('beneficiary-row')).not.toBeInTheDocument();
  });

  it('shows the lock with its time after too many failures', async () => {
    const user = userEvent.setup();
    const { fake } = await renderApp({ auth: 'login' });
    fake.security.users[0].failures = 5;
    await user.type(screen.getByTestId('auth-username'), 'admin');
    await user.type(screen.getByTestId('auth-password'), 'mật khẩu quản trị');
    await user.click(screen.getByTestId('auth-submit'));
    expect(await screen.findByTestId('auth-error')).toHaveTextContent('thử lại sau 08:05 26/11/2026');
  });

  it('returns to the sign-in screen when a command says the session is gone', async () => {
    const user = userEvent.setup();
    const { fake } = await renderApp();
    fake.security.session = null;
    fake.search_beneficiaries = async () => {
      throw { code: 'auth.idle_locked', message: 'locked' };
    };
    await user.type(screen.getByTestId('search'), 'an');
    expect(await screen.findByTestId('login-screen')).toBeInTheDocument();
    expect(screen.getByTestId('auth-notice')).toHaveTextContent('đăng nhập lại');
  });
});

describe('users page', () => {
  it('lets the administrator add a ward officer, and officers see neither users nor reports', async () => {
    const user = userEvent.setup();
    const { fake } = await renderApp();
    await user.click(screen.getByTestId('nav-users'));
    expect(await screen.findAllByTestId('user-row')).toHaveLength(1);
    await user.type(screen.getByTestId('user-username'), 'lan.nguyen');
    await user.type(screen.getByTestId('user-password'), 'mật khẩu cán bộ');
    await user.selectOptions(screen.getByTestId('user-role'), 'officer');
    await user.click(screen.getByTestId('user-save'));
    expect(await screen.findByTestId('error-ward_code')).toHaveTextContent('Bắt buộc');
    await user.selectOptions(screen.getByTestId('user-ward'), '00001');
    await user.click(screen.getByTestId('user-save'));
    await waitFor(() => expect(screen.getAllByTestId('user-row')).toHaveLength(2));
    expect(fake.callsTo('create_user').at(-1)).toEqual({
      input: { username: 'lan.nguyen', display_name: '', password: 'mật khẩu cán bộ', role: 'officer', ward_code: '00001' },
    });

    await user.click(screen.getByTestId('logout'));
    await user.type(await screen.findByTestId('auth-username'), 'lan.nguyen');
    await user.type(screen.getByTestId('auth-password'), 'mật khẩu cán bộ');
    await user.click(screen.getByTestId('auth-submit'));
    await waitFor(() => expect(screen.getByTestId('signed-in-user')).toHaveTextContent('Cán bộ xã/phường'));
    expect(screen.queryByTestId('nav-users')).not.toBeInTheDocument();
    expect(screen.queryByTestId('nav-dashboard')).not.toBeInTheDocument();
    expect(screen.queryByTestId('nav-import')).not.toBeInTheDocument();
  });
});

describe("a person's data", () => {
  it('masks account numbers until shown, records the legal basis and exports everything', async () => {
    const user = userEvent.setup();
    const { fake } = await renderApp();
    const an = fake.store.beneficiaries.find((b) => b.full_name === 'Nguyễn Văn An')!;
    const full = fake.store.accounts.find((a) => a.beneficiary_id === an.id)!.account_number;
    window.location.hash = `#/beneficiaries/${an.id}`;
    const number = await screen.findByTestId('account-number');
    expect(number.textContent).toMatch(/^•••• \d{4}$/);
    expect(number.textContent).not.toBe(full);
    await user.click(screen.getByTestId('reveal-account'));
    await waitFor(() => expect(screen.getByTestId('account-number')).toHaveTextContent(full));
    expect(fake.callsTo('reveal_account_number')).toHaveLength(1);

    expect(screen.getByTestId('legal-basis')).toHaveTextContent('Chưa ghi cơ sở pháp lý');
    await user.click(screen.getByTestId('legal-basis-edit'));
    await user.selectOptions(screen.getByTestId('legal-basis-select'), 'consent');
    await user.click(screen.getByTestId('legal-basis-save'));
    expect(await screen.findByTestId('error-note')).toHaveTextContent('Bắt buộc');
    await user.type(screen.getByTestId('legal-basis-note'), 'Phiếu số 12');
    await user.click(screen.getByTestId('legal-basis-save'));
    await waitFor(() => expect(screen.getByTestId('legal-basis')).toHaveTextContent('Sự đồng ý của chủ thể dữ liệu — Phiếu số 12'));

    await user.click(screen.getByTestId('export-person'));
    expect(await screen.findByTestId('export-person-path')).toHaveTextContent(`du-lieu-ca-nhan-${an.id}.xlsx`);
  });
});

describe('backups', () => {
  it('backs up now, restores after confirmation and asks everyone to sign in again', async () => {
    const user = userEvent.setup();
    const { fake } = await renderApp();
    await user.click(screen.getByTestId('nav-users'));
    expect(await screen.findByTestId('backup-none')).toBeInTheDocument();
    expect(screen.getByTestId('backup-dir')).toHaveTextContent('ansinh-backups');
    await user.click(screen.getByTestId('backup-now'));
    await waitFor(() => expect(screen.getAllByTestId('backup-row')).toHaveLength(1));
    await user.click(screen.getByTestId('backup-restore'));
    expect(fake.callsTo('restore_backup')).toHaveLength(0);
    await user.click(screen.getByTestId('backup-restore-confirm'));
    expect(await screen.findByTestId('login-screen')).toBeInTheDocument();
    expect(screen.getByTestId('auth-notice')).toHaveTextContent('Đã khôi phục bản sao lưu');
    expect(fake.callsTo('restore_backup')).toEqual([{ path: fake.backups[0].path }]);
  });
});

describe('a plaintext database (issue 13)', () => {
  it('is never opened as it is: left untouched, or converted with the new administrator', async () => {
    const user = userEvent.setup();
    const { fake } = await renderApp({ auth: 'plaintext' });
    expect(screen.getByTestId('plaintext-screen')).toBeInTheDocument();
    expect(screen.queryByTestId('setup-screen')).not.toBeInTheDocument();
    expect(screen.getByTestId('plaintext-what')).toHaveTextContent('5 người hưởng, 0 tài khoản');
    await user.click(screen.getByTestId('plaintext-leave'));
    expect(screen.getByTestId('plaintext-left')).toHaveTextContent('không có gì được mở');
    expect(fake.callsTo('convert_plaintext')).toHaveLength(0);
    expect(fake.callsTo('app_info')).toHaveLength(0);

    await user.click(screen.getByTestId('plaintext-back'));
    await user.type(screen.getByTestId('auth-username'), 'quantri');
    await user.type(screen.getByTestId('auth-password'), 'mật khẩu quản trị');
    await user.type(screen.getByTestId('auth-password-repeat'), 'mật khẩu khác');
    await user.click(screen.getByTestId('plaintext-convert'));
    expect(screen.getByTestId('auth-error')).toHaveTextContent('Hai mật khẩu không khớp');
    expect(fake.callsTo('convert_plaintext')).toHaveLength(0);
    await user.clear(screen.getByTestId('auth-password-repeat'));
    await user.type(screen.getByTestId('auth-password-repeat'), 'mật khẩu quản trị');
    await user.click(screen.getByTestId('plaintext-convert'));
    await waitFor(() => expect(screen.getByTestId('signed-in-user')).toHaveTextContent('Quản trị viên'));
    expect(fake.callsTo('convert_plaintext')).toEqual([
      { input: { username: 'quantri', display_name: '', password: 'mật khẩu quản trị' } },
    ]);
    expect(screen.queryByTestId('plaintext-screen')).not.toBeInTheDocument();
  });

  it('with users asks one of its administrators, and translates a refusal', async () => {
    const user = userEvent.setup();
    await renderApp({ auth: 'plaintext_users', lang: 'en' });
    expect(screen.queryByTestId('auth-password-repeat')).not.toBeInTheDocument();
    expect(screen.queryByTestId('auth-display-name')).not.toBeInTheDocument();
    await user.type(screen.getByTestId('auth-username'), 'admin');
    await user.type(screen.getByTestId('auth-password'), 'sai mật khẩu');
    await user.click(screen.getByTestId('plaintext-convert'));
    expect(await screen.findByTestId('auth-error')).toHaveTextContent('Sai tên đăng nhập hoặc mật khẩu');
    await user.type(screen.getByTestId('auth-password'), 'mật khẩu quản trị');
    await user.click(screen.getByTestId('plaintext-convert'));
    await waitFor(() => expect(screen.getByTestId('signed-in-user')).toBeInTheDocument());
  });
});

describe('passwords and keys (issue 13)', () => {
  it('every user changes their own password from the header, and signs in with the new one', async () => {
    const user = userEvent.setup();
    const { fake } = await renderApp();
    await user.click(screen.getByTestId('change-password'));
    const dialog = screen.getByTestId('password-dialog');
    expect(dialog).toBeInTheDocument();
    await user.type(screen.getByTestId('password-old'), 'không phải mật khẩu');
    await user.type(screen.getByTestId('password-new'), 'mật khẩu mới 2026');
    await user.type(screen.getByTestId('password-repeat'), 'mật khẩu mới 2026');
    await user.click(screen.getByTestId('password-save'));
    expect(await screen.findByTestId('error-old_password')).toHaveTextContent('Sai tên đăng nhập hoặc mật khẩu');
    await user.clear(screen.getByTestId('password-old'));
    await user.type(screen.getByTestId('password-old'), 'mật khẩu quản trị');
    await user.click(screen.getByTestId('password-save'));
    expect(await screen.findByTestId('account-notice')).toHaveTextContent('Đã đổi mật khẩu');
    expect(screen.queryByTestId('password-dialog')).not.toBeInTheDocument();
    expect(fake.callsTo('change_password').at(-1)).toEqual({
      input: { old_password: 'mật khẩu quản trị', new_password: 'mật khẩu mới 2026' },
    });

    await user.click(screen.getByTestId('logout'));
    await user.type(await screen.findByTestId('auth-username'), 'admin');
    await user.type(screen.getByTestId('auth-password'), 'mật khẩu mới 2026');
    await user.click(screen.getByTestId('auth-submit'));
    await waitFor(() => expect(screen.getByTestId('signed-in-user')).toBeInTheDocument());
  });

  it('deactivates a user, reactivates them only with a new password, and re-keys after confirmation', async () => {
    const user = userEvent.setup();
    const { fake } = await renderApp();
    await user.click(screen.getByTestId('nav-users'));
    await user.type(await screen.findByTestId('user-username'), 'lan.nguyen');
    await user.type(screen.getByTestId('user-password'), 'mật khẩu cán bộ');
    await user.selectOptions(screen.getByTestId('user-role'), 'supervisor');
    await user.click(screen.getByTestId('user-save'));
    await waitFor(() => expect(screen.getAllByTestId('user-row')).toHaveLength(2));
    // Nobody deactivates themselves: only the other row has the buttons.
    expect(screen.getAllByTestId('user-deactivate')).toHaveLength(1);

    await user.click(screen.getByTestId('user-deactivate'));
    expect(fake.callsTo('update_user')).toHaveLength(0);
    await user.click(screen.getByTestId('user-deactivate-confirm'));
    expect(await screen.findByTestId('users-notice')).toHaveTextContent('mật khẩu của họ không còn mở được dữ liệu');
    expect(screen.getAllByTestId('user-key')[1]).toHaveTextContent('Chưa có');

    await user.click(screen.getByTestId('user-reactivate'));
    await user.type(screen.getByTestId('user-new-password'), 'mật khẩu mới của Lan');
    await user.type(screen.getByTestId('user-new-password-repeat'), 'mật khẩu mới của Lan');
    await user.click(screen.getByTestId('user-new-password-save'));
    expect(await screen.findByTestId('users-notice')).toHaveTextContent('Đã mở lại tài khoản lan.nguyen');
    expect(fake.callsTo('update_user').at(-1)).toMatchObject({ input: { active: true, password: 'mật khẩu mới của Lan' } });

    await user.click(screen.getByTestId('rekey'));
    expect(fake.callsTo('rekey_database')).toHaveLength(0);
    expect(screen.getByTestId('rekey-confirm-text')).toHaveTextContent('Mã hóa lại toàn bộ dữ liệu');
    await user.click(screen.getByTestId('rekey-confirm'));
    expect(await screen.findByTestId('rekey-done')).toHaveTextContent('admin, lan.nguyen');
    expect(fake.callsTo('rekey_database')).toHaveLength(1);
  });
});
