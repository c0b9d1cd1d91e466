import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { BeneficiaryInput } from '../src/lib/types';
import { renderApp } from './helpers';
import { personInput } from './fixtures';
import { ADMIN, ansinhBinary, startRust, type Rust } from './rust';

const OFFICER = { username: 'lan.nguyen', password: 'mật khẩu cán bộ' };

/** dd/mm/yyyy of `days` before today (the real date: Rust refuses future dates). */
function daysAgo(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() - days);
  return [d.getDate(), d.getMonth() + 1].map((n) => String(n).padStart(2, '0')).join('/') + `/${d.getFullYear()}`;
}

/** `HH:MM dd/mm/yyyy` in local time, as Rust writes a lock's end. */
function clock(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())} ${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/** One person with a bank account, through the real commands; returns their ids and number. */
async function personWithAccount(rust: Rust) {
  const group = (await rust.direct.list_groups())[0].code;
  const provider = (await rust.direct.list_providers()).find((p) => p.channel === 'bank')!.code;
  const input: BeneficiaryInput = personInput({
    full_name: 'Nguyễn Văn An',
    birth_date: '12/08/1950',
    sex: 'male',
    id_number: '001050000321',
    ward_code: '00004',
    residential_group: 'Tổ 5',
    group_code: group,
  });
  const person = await rust.direct.add_beneficiary({ input });
  const number = '0123456789012';
  await rust.direct.open_account({
    input: {
      beneficiary_id: person.id,
      channel: 'bank',
      provider_code: provider,
      account_number: number,
      requested_on: daysAgo(20),
      opened_on: daysAgo(10),
      assisted: false,
      vneid_linked: false,
    },
  });
  return { id: person.id, number };
}

/** The CLI's scratch database (plaintext, no account: what `ansinh demo` makes without
 * `--user`) at the server's database path, before the UI asks for the status. */
function scratchDatabase(rust: Rust): void {
  const env = { ...process.env };
  delete env.ANSINH_USER;
  delete env.ANSINH_PASSWORD;
  const db = join(rust.dir, 'ansinh.db');
  execFileSync(ansinhBinary(), ['--db', db, 'demo', '--wards', '1', '--beneficiaries', '5', '--months', '1'], {
    env,
    stdio: 'ignore',
  });
}

/** An administrator account in the plaintext database, as an older version stored it (no
 * keyring): the Argon2id PHC string of `ADMIN.password` with Rust's parameters (m=19456, t=2,
 * p=1). Written with python3's sqlite3 (a project requirement, scripts/setup.sh). */
const ADMIN_HASH = '$argon2id$v=19$m=19456,t=2,p=1$JBhUvfnxwiZwogyw7XJQ0Q$dDxxUC/1ZmcuuiEyJggrlm7uwtf3KU4XINWUqRkmVVI';
function plaintextAdmin(rust: Rust): void {
  const script = [
    'import sqlite3, sys',
    'c = sqlite3.connect(sys.argv[1])',
    "c.execute(\"INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at) VALUES ('u-admin', ?, 'Quản trị', 'admin', ?, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')\", (sys.argv[2], sys.argv[3]))",
    'c.commit()',
  ].join('\n');
  execFileSync('python3', ['-c', script, join(rust.dir, 'ansinh.db'), ADMIN.username, ADMIN_HASH]);
}

describe('first-run set-up', () => {
  it('shows only the set-up screen, refuses different passwords, then signs the administrator in', async () => {
    const user = userEvent.setup();
    const { rust } = await renderApp({ auth: 'fresh' });
    expect(screen.getByTestId('setup-screen')).toBeInTheDocument();
    expect(screen.queryByTestId('nav-beneficiaries')).not.toBeInTheDocument();
    expect(rust.callsTo('app_info')).toHaveLength(0);

    await user.type(screen.getByTestId('auth-username'), 'quantri');
    await user.type(screen.getByTestId('auth-password'), 'mật khẩu quản trị');
    await user.type(screen.getByTestId('auth-password-repeat'), 'mật khẩu khác');
    await user.click(screen.getByTestId('auth-submit'));
    expect(screen.getByTestId('auth-error')).toHaveTextContent('Hai mật khẩu không khớp');
    expect(rust.callsTo('setup_admin')).toHaveLength(0);

    await user.clear(screen.getByTestId('auth-password-repeat'));
    await user.type(screen.getByTestId('auth-password-repeat'), 'mật khẩu quản trị');
    await user.click(screen.getByTestId('auth-submit'));
    await waitFor(() => expect(screen.getByTestId('signed-in-user')).toHaveTextContent('Quản trị viên'), {
      timeout: 5000,
    });
    expect(rust.callsTo('setup_admin')).toEqual([
      { input: { username: 'quantri', display_name: '', password: 'mật khẩu quản trị' } },
    ]);
    expect(screen.getByTestId('nav-users')).toBeInTheDocument();
    expect(screen.queryByTestId('setup-screen')).not.toBeInTheDocument();
    // Rust has its administrator, signed in.
    expect((await rust.direct.auth_status()).user?.username).toBe('quantri');
  });

  it('shows a too-short password under the field, translated', async () => {
    const user = userEvent.setup();
    const { rust } = await renderApp({ auth: 'fresh' });
    await user.type(screen.getByTestId('auth-username'), 'quantri');
    await user.type(screen.getByTestId('auth-password'), 'ngắn');
    await user.type(screen.getByTestId('auth-password-repeat'), 'ngắn');
    await user.click(screen.getByTestId('auth-submit'));
    expect(await screen.findByTestId('error-password')).toHaveTextContent('Mật khẩu cần ít nhất 10 ký tự');
    expect((await rust.direct.auth_status()).needs_setup).toBe(true);
  });
});

describe('sign-in', () => {
  it('translates a wrong password, then signs in and out', async () => {
    const user = userEvent.setup();
    const { rust } = await renderApp({
      auth: 'signed-out',
      lang: 'en',
      demo: { wards: 1, beneficiaries: 5, months: 1, seed: 1 },
    });
    expect(screen.getByTestId('login-screen')).toBeInTheDocument();
    await user.type(screen.getByTestId('auth-username'), ADMIN.username);
    await user.type(screen.getByTestId('auth-password'), 'sai mật khẩu');
    await user.click(screen.getByTestId('auth-submit'));
    // Before sign-in the language is Vietnamese (the stored one is read once signed in).
    expect(await screen.findByTestId('auth-error')).toHaveTextContent('Sai tên đăng nhập hoặc mật khẩu');
    expect(screen.getByTestId('auth-password')).toHaveValue('');

    await user.type(screen.getByTestId('auth-password'), ADMIN.password);
    await user.click(screen.getByTestId('auth-submit'));
    await waitFor(() => expect(screen.getByTestId('result-total')).toHaveTextContent('5'), { timeout: 5000 });

    await user.click(screen.getByTestId('logout'));
    await waitFor(() => expect(screen.getByTestId('login-screen')).toBeInTheDocument());
    expect(rust.callsTo('logout')).toHaveLength(1);
    expect(screen.queryByTestId('beneficiary-row')).not.toBeInTheDocument();
    expect((await rust.direct.auth_status()).user).toBeNull();
  });

  it('shows the lock with its time after too many failures', async () => {
    const user = userEvent.setup();
    const rust = await startRust({ auth: 'signed-out' });
    const before = Date.now();
    for (let i = 0; i < 5; i++) {
      await expect(rust.direct.login({ input: { username: ADMIN.username, password: 'sai mật khẩu' } })).rejects.toMatchObject({
        code: 'auth.bad_credentials',
      });
    }
    await renderApp(rust);
    // Locked for one minute from the fifth failure: its end, in local time.
    const until = [clock(new Date(before + 60_000)), clock(new Date(Date.now() + 60_000))];
    await user.type(screen.getByTestId('auth-username'), ADMIN.username);
    await user.type(screen.getByTestId('auth-password'), ADMIN.password);
    await user.click(screen.getByTestId('auth-submit'));
    const error = await screen.findByTestId('auth-error');
    expect(error).toHaveTextContent('Tài khoản tạm khóa do đăng nhập sai nhiều lần, thử lại sau');
    expect(until.some((u) => error.textContent?.includes(u)), error.textContent ?? '').toBe(true);
    expect(screen.getByTestId('login-screen')).toBeInTheDocument();
  });

  it('returns to the sign-in screen when a command says the session is gone', async () => {
    const user = userEvent.setup();
    const { rust } = await renderApp();
    // The session ends behind the UI's back (as the idle lock does in Rust).
    await rust.direct.logout();
    await user.type(screen.getByTestId('search'), 'an');
    expect(await screen.findByTestId('login-screen', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByTestId('auth-notice')).toHaveTextContent('đăng nhập lại');
    expect(rust.callsTo('search_beneficiaries').length).toBeGreaterThan(0);
  });
});

describe('users page', () => {
  it("lets the administrator add a ward officer, who sees neither users nor imports, and their own ward's figures only", async () => {
    const user = userEvent.setup();
    const { rust } = await renderApp();
    await user.click(screen.getByTestId('nav-users'));
    expect(await screen.findAllByTestId('user-row')).toHaveLength(1);
    await user.type(screen.getByTestId('user-username'), OFFICER.username);
    await user.type(screen.getByTestId('user-password'), OFFICER.password);
    await user.selectOptions(screen.getByTestId('user-role'), 'officer');
    await user.click(screen.getByTestId('user-save'));
    expect(await screen.findByTestId('error-ward_code')).toHaveTextContent('Bắt buộc');
    await user.selectOptions(screen.getByTestId('user-ward'), '00004');
    await user.click(screen.getByTestId('user-save'));
    await waitFor(() => expect(screen.getAllByTestId('user-row')).toHaveLength(2));
    expect(rust.callsTo('create_user').at(-1)).toEqual({
      input: { username: OFFICER.username, display_name: '', password: OFFICER.password, role: 'officer', ward_code: '00004' },
    });
    const lan = (await rust.direct.list_users()).find((u) => u.username === OFFICER.username);
    expect(lan).toMatchObject({ role: 'officer', ward_code: '00004', active: true, has_key: true });

    await user.click(screen.getByTestId('logout'));
    await user.type(await screen.findByTestId('auth-username'), OFFICER.username);
    await user.type(screen.getByTestId('auth-password'), OFFICER.password);
    await user.click(screen.getByTestId('auth-submit'));
    await waitFor(() => expect(screen.getByTestId('signed-in-user')).toHaveTextContent('Cán bộ xã/phường'), {
      timeout: 5000,
    });
    expect(screen.queryByTestId('nav-users')).not.toBeInTheDocument();
    expect(screen.queryByTestId('nav-import')).not.toBeInTheDocument();
    // Their dashboard: the ward filter fixed to their ward, every figure asked for it.
    await user.click(screen.getByTestId('nav-dashboard'));
    const ward = await screen.findByTestId('filter-ward');
    await waitFor(() => expect(ward).toHaveValue('00004'));
    expect(ward).toBeDisabled();
    expect([...(ward as HTMLSelectElement).options].map((o) => o.value)).toEqual(['00004']);
    await waitFor(() => expect(rust.callsTo('metrics').length).toBeGreaterThan(0));
    expect(rust.callsTo('metrics').every((c) => (c as { query: { filter: { ward: string } } }).query.filter.ward === '00004')).toBe(true);
    expect(screen.queryByTestId('app-error')).not.toBeInTheDocument();
    expect(rust.callsTo('list_exports')).toHaveLength(0);
  });
});

describe("a person's data", () => {
  it('masks account numbers until shown, records the legal basis and exports everything', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const an = await personWithAccount(rust);
    await renderApp(rust);
    window.location.hash = `#/beneficiaries/${an.id}`;
    const number = await screen.findByTestId('account-number', {}, { timeout: 5000 });
    expect(number).toHaveTextContent(`•••• ${an.number.slice(-4)}`);
    expect(number.textContent).not.toContain(an.number);
    await user.click(screen.getByTestId('reveal-account'));
    await waitFor(() => expect(screen.getByTestId('account-number')).toHaveTextContent(an.number));
    expect(rust.callsTo('reveal_account_number')).toHaveLength(1);
    const audit = await rust.direct.audit_log({ query: { offset: 0 } });
    expect(audit.entries.map((e) => e.action)).toContain('reveal.account_number');

    expect(screen.getByTestId('legal-basis')).toHaveTextContent('Chưa ghi cơ sở pháp lý');
    await user.click(screen.getByTestId('legal-basis-edit'));
    await user.selectOptions(screen.getByTestId('legal-basis-select'), 'consent');
    await user.click(screen.getByTestId('legal-basis-save'));
    expect(await screen.findByTestId('error-note')).toHaveTextContent('Bắt buộc');
    await user.type(screen.getByTestId('legal-basis-note'), 'Phiếu số 12');
    await user.click(screen.getByTestId('legal-basis-save'));
    await waitFor(() =>
      expect(screen.getByTestId('legal-basis')).toHaveTextContent('Sự đồng ý của chủ thể dữ liệu — Phiếu số 12'),
    );
    expect(await rust.direct.get_legal_basis({ id: an.id })).toMatchObject({ basis: 'consent', note: 'Phiếu số 12' });

    await user.click(screen.getByTestId('export-person'));
    const file = `du-lieu-ca-nhan-${an.id}.xlsx`;
    expect(await screen.findByTestId('export-person-path', {}, { timeout: 5000 })).toHaveTextContent(file);
    expect(existsSync(join(rust.dir, 'exports', file))).toBe(true);
  });
});

describe('backups', () => {
  it('backs up now, restores after confirmation and asks everyone to sign in again', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    const backups = join(rust.dir, 'backups');
    // The automatic backup after the set-up runs in the background: let it finish, then empty
    // the folder (a desktop whose backups were never taken).
    await waitFor(async () => expect((await rust.direct.list_backups()).backups).toHaveLength(1), { timeout: 5000 });
    for (const f of readdirSync(backups)) rmSync(join(backups, f), { force: true, recursive: true });

    await renderApp(rust);
    await user.click(screen.getByTestId('nav-users'));
    expect(await screen.findByTestId('backup-none')).toBeInTheDocument();
    expect(screen.getByTestId('backup-dir')).toHaveTextContent(backups);
    await user.click(screen.getByTestId('backup-now'));
    await waitFor(() => expect(screen.getAllByTestId('backup-row')).toHaveLength(1), { timeout: 5000 });
    // The second backup holds only what changed since the first; restoring it rebuilds the
    // database from both.
    await waitFor(() => expect(screen.getByTestId('backup-now')).toBeEnabled());
    await user.click(screen.getByTestId('backup-now'));
    await waitFor(() => expect(screen.getAllByTestId('backup-row')).toHaveLength(2), { timeout: 5000 });
    expect(screen.getAllByTestId('backup-kind').map((e) => e.textContent)).toEqual(['Phần thay đổi', 'Bản đầy đủ']);
    const [taken, full] = (await rust.direct.list_backups()).backups;
    expect(existsSync(taken.path)).toBe(true);
    expect(taken.full).toBe(false);
    expect(taken.bytes * 10).toBeLessThan(full.bytes);

    await user.click(screen.getAllByTestId('backup-restore')[0]);
    expect(rust.callsTo('restore_backup')).toHaveLength(0);
    await user.click(screen.getByTestId('backup-restore-confirm'));
    expect(await screen.findByTestId('login-screen', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByTestId('auth-notice')).toHaveTextContent('Đã khôi phục bản sao lưu');
    expect(rust.callsTo('restore_backup')).toEqual([{ path: taken.path }]);
    expect((await rust.direct.auth_status()).user).toBeNull();
  });
});

describe('a plaintext database (issue 13)', () => {
  it('is never opened as it is: left untouched, or converted with the new administrator', async () => {
    const user = userEvent.setup();
    const rust = await startRust({ auth: 'fresh' });
    scratchDatabase(rust);
    await renderApp(rust);
    expect(screen.getByTestId('plaintext-screen')).toBeInTheDocument();
    expect(screen.queryByTestId('setup-screen')).not.toBeInTheDocument();
    expect(screen.getByTestId('plaintext-what')).toHaveTextContent('5 người hưởng, 0 tài khoản');
    expect(screen.getByTestId('plaintext-what')).toHaveTextContent(join(rust.dir, 'ansinh.db'));
    await user.click(screen.getByTestId('plaintext-leave'));
    expect(screen.getByTestId('plaintext-left')).toHaveTextContent('không có gì được mở');
    expect(rust.callsTo('convert_plaintext')).toHaveLength(0);
    expect(rust.callsTo('app_info')).toHaveLength(0);
    expect((await rust.direct.auth_status()).plaintext).toMatchObject({ people: 5, users: 0 });

    await user.click(screen.getByTestId('plaintext-back'));
    await user.type(screen.getByTestId('auth-username'), 'quantri');
    await user.type(screen.getByTestId('auth-password'), 'mật khẩu quản trị');
    await user.type(screen.getByTestId('auth-password-repeat'), 'mật khẩu khác');
    await user.click(screen.getByTestId('plaintext-convert'));
    expect(screen.getByTestId('auth-error')).toHaveTextContent('Hai mật khẩu không khớp');
    expect(rust.callsTo('convert_plaintext')).toHaveLength(0);
    await user.clear(screen.getByTestId('auth-password-repeat'));
    await user.type(screen.getByTestId('auth-password-repeat'), 'mật khẩu quản trị');
    await user.click(screen.getByTestId('plaintext-convert'));
    await waitFor(() => expect(screen.getByTestId('signed-in-user')).toHaveTextContent('Quản trị viên'), {
      timeout: 5000,
    });
    expect(rust.callsTo('convert_plaintext')).toEqual([
      { input: { username: 'quantri', display_name: '', password: 'mật khẩu quản trị' } },
    ]);
    expect(screen.queryByTestId('plaintext-screen')).not.toBeInTheDocument();
    // Encrypted now, with its five people.
    expect((await rust.direct.auth_status()).plaintext).toBeNull();
    await waitFor(() => expect(screen.getByTestId('result-total')).toHaveTextContent('5'), { timeout: 5000 });
  });

  it('with users asks one of its administrators, and translates a refusal', async () => {
    const user = userEvent.setup();
    const rust = await startRust({ auth: 'fresh' });
    scratchDatabase(rust);
    plaintextAdmin(rust);
    await renderApp(rust);
    expect(screen.getByTestId('plaintext-what')).toHaveTextContent('5 người hưởng, 1 tài khoản');
    expect(screen.queryByTestId('auth-password-repeat')).not.toBeInTheDocument();
    expect(screen.queryByTestId('auth-display-name')).not.toBeInTheDocument();
    await user.type(screen.getByTestId('auth-username'), ADMIN.username);
    await user.type(screen.getByTestId('auth-password'), 'sai mật khẩu');
    await user.click(screen.getByTestId('plaintext-convert'));
    expect(await screen.findByTestId('auth-error', {}, { timeout: 5000 })).toHaveTextContent(
      'Sai tên đăng nhập hoặc mật khẩu',
    );
    await user.type(screen.getByTestId('auth-password'), ADMIN.password);
    await user.click(screen.getByTestId('plaintext-convert'));
    await waitFor(() => expect(screen.getByTestId('signed-in-user')).toHaveTextContent('Quản trị'), { timeout: 5000 });
    expect(rust.callsTo('convert_plaintext').map((c) => c.input.password)).toEqual(['sai mật khẩu', ADMIN.password]);
    expect((await rust.direct.auth_status()).plaintext).toBeNull();
  });
});

describe('passwords and keys (issue 13)', () => {
  it('every user changes their own password from the header, and signs in with the new one', async () => {
    const user = userEvent.setup();
    const { rust } = await renderApp();
    await user.click(screen.getByTestId('change-password'));
    const dialog = screen.getByTestId('password-dialog');
    expect(dialog).toBeInTheDocument();
    await user.type(screen.getByTestId('password-old'), 'không phải mật khẩu');
    await user.type(screen.getByTestId('password-new'), 'mật khẩu mới 2026');
    await user.type(screen.getByTestId('password-repeat'), 'mật khẩu mới 2026');
    await user.click(screen.getByTestId('password-save'));
    expect(await screen.findByTestId('error-old_password')).toHaveTextContent('Sai tên đăng nhập hoặc mật khẩu');
    await user.clear(screen.getByTestId('password-old'));
    await user.type(screen.getByTestId('password-old'), ADMIN.password);
    await user.click(screen.getByTestId('password-save'));
    expect(await screen.findByTestId('account-notice', {}, { timeout: 5000 })).toHaveTextContent('Đã đổi mật khẩu');
    expect(screen.queryByTestId('password-dialog')).not.toBeInTheDocument();
    expect(rust.callsTo('change_password').at(-1)).toEqual({
      input: { old_password: ADMIN.password, new_password: 'mật khẩu mới 2026' },
    });

    await user.click(screen.getByTestId('logout'));
    await user.type(await screen.findByTestId('auth-username'), ADMIN.username);
    await user.type(screen.getByTestId('auth-password'), 'mật khẩu mới 2026');
    await user.click(screen.getByTestId('auth-submit'));
    await waitFor(() => expect(screen.getByTestId('signed-in-user')).toBeInTheDocument(), { timeout: 5000 });
    // The old password no longer opens anything.
    await rust.direct.logout();
    await expect(rust.direct.login({ input: ADMIN })).rejects.toMatchObject({ code: 'auth.bad_credentials' });
  });

  it('deactivates a user, reactivates them only with a new password, and re-keys after confirmation', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    await rust.direct.create_user({
      input: { username: OFFICER.username, display_name: '', password: OFFICER.password, role: 'supervisor' },
    });
    await renderApp(rust);
    await user.click(screen.getByTestId('nav-users'));
    await waitFor(() => expect(screen.getAllByTestId('user-row')).toHaveLength(2));
    // Nobody deactivates themselves: only the other row has the buttons.
    expect(screen.getAllByTestId('user-deactivate')).toHaveLength(1);

    await user.click(screen.getByTestId('user-deactivate'));
    expect(rust.callsTo('update_user')).toHaveLength(0);
    await user.click(screen.getByTestId('user-deactivate-confirm'));
    expect(await screen.findByTestId('users-notice', {}, { timeout: 5000 })).toHaveTextContent(
      'mật khẩu của họ không còn mở được dữ liệu',
    );
    await waitFor(() => expect(screen.getAllByTestId('user-key')[1]).toHaveTextContent('Chưa có'));
    expect((await rust.direct.list_users()).find((u) => u.username === OFFICER.username)).toMatchObject({
      active: false,
      has_key: false,
    });

    await user.click(screen.getByTestId('user-reactivate'));
    await user.type(screen.getByTestId('user-new-password'), 'mật khẩu mới của Lan');
    await user.type(screen.getByTestId('user-new-password-repeat'), 'mật khẩu mới của Lan');
    await user.click(screen.getByTestId('user-new-password-save'));
    await waitFor(() => expect(screen.getByTestId('users-notice')).toHaveTextContent('Đã mở lại tài khoản lan.nguyen'), {
      timeout: 5000,
    });
    expect((await rust.direct.list_users()).find((u) => u.username === OFFICER.username)).toMatchObject({
      active: true,
      has_key: true,
    });
    expect(rust.callsTo('update_user').at(-1)).toMatchObject({ input: { active: true, password: 'mật khẩu mới của Lan' } });

    await user.click(screen.getByTestId('rekey'));
    expect(rust.callsTo('rekey_database')).toHaveLength(0);
    expect(screen.getByTestId('rekey-confirm-text')).toHaveTextContent('Mã hóa lại toàn bộ dữ liệu');
    await user.click(screen.getByTestId('rekey-confirm'));
    expect(await screen.findByTestId('rekey-done', {}, { timeout: 5000 })).toHaveTextContent('admin, lan.nguyen');
    expect(rust.callsTo('rekey_database')).toHaveLength(1);
  });
});
