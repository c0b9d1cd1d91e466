// In-memory sign-in, users and audit log for the fake backend: the same shapes and error codes
// as Rust (docs/IPC.md "Security"), simplified (passwords kept in clear, no hashing, no chain).
// Rust is the source of truth; this only lets the screens be tested.

import type { AuditEntry, AuditPage, AuthStatus, LoginInput, PasswordChange, PlaintextInfo, RekeyReport, Role, SetupInput, UserChangeInput, UserInput, UserView, WireError } from './types';
import { fe, wire } from './fake-backend';
import type { ErrorCode } from './generated/error-codes';

/** `plaintext`: an unencrypted database with people and no user; `plaintext_users`: one with an
 * administrator (`admin` / `mật khẩu quản trị`). */
export type FakeAuthStart = 'signed_in' | 'login' | 'setup' | 'plaintext' | 'plaintext_users';

const FREE_ATTEMPTS = 5;

function denied(code: ErrorCode, message: string, params?: Record<string, string>): WireError {
  return params ? { code, message, params } : { code, message };
}

export class FakeSecurity {
  readonly users: Array<UserView & { password: string; failures: number; has_key: boolean }> = [];
  /** The plaintext database found at start, until converted. */
  plaintext: PlaintextInfo | null = null;
  readonly audit: AuditEntry[] = [];
  session: UserView | null = null;
  idleMinutes = 10;
  private seq = 0;

  constructor(start: FakeAuthStart) {
    if (start === 'plaintext') this.plaintext = { path: '/home/u/.local/share/vn.ansinh.desktop/ansinh.db', users: 0, people: 5 };
    if (start === 'plaintext_users') this.plaintext = { path: '/home/u/.local/share/vn.ansinh.desktop/ansinh.db', users: 1, people: 5 };
    if (start !== 'setup' && start !== 'plaintext') {
      const admin = this.add({ username: 'admin', display_name: 'Quản trị', password: 'mật khẩu quản trị', role: 'admin', ward_code: null });
      if (start === 'signed_in') this.session = admin;
    }
  }

  private add(u: UserInput): UserView {
    this.seq += 1;
    const user = { id: `user-${this.seq}`, username: u.username, display_name: u.display_name || u.username, role: u.role, ward_code: u.role === 'officer' ? u.ward_code : null, active: true, locked_until: null };
    this.users.push({ ...user, password: u.password, failures: 0, has_key: true });
    return user;
  }

  private log(action: string, entity_id: string | null, details: unknown): void {
    const seq = this.audit.length + 1;
    this.audit.push({ seq, at: '2026-11-26T08:00:00Z', actor: this.session?.username ?? '-', action, entity: 'users', entity_id, details, hash: `h${seq}` });
  }

  private public(u: UserView & { password: string; failures: number; has_key: boolean }): UserView {
    const { password: _p, failures: _f, has_key: _k, ...rest } = u;
    return rest;
  }

  /** Throws `auth.required`/`auth.forbidden` like `require` in Rust. */
  require(admin: boolean): UserView {
    if (!this.session) throw denied('auth.required', 'sign in first');
    if (admin && this.session.role !== 'admin') throw denied('auth.forbidden', 'your role does not allow this');
    return this.session;
  }

  status(): AuthStatus {
    const needs_setup = this.users.length === 0 && !this.plaintext;
    return { needs_setup, user: this.session, idle_minutes: this.idleMinutes, plaintext: this.plaintext };
  }

  private check(username: string, password: string, role: Role, ward: string | null): void {
    const errors = [];
    if (!/^[A-Za-z0-9._-]{3,32}$/.test(username)) errors.push(fe('username', 'username.invalid', 'invalid user name'));
    if ([...password].length < 10) errors.push(fe('password', 'password.too_short', 'password too short', { min: 10 }));
    if (role === 'officer' && !ward) errors.push(fe('ward_code', 'required', 'an officer needs a ward'));
    if (errors.length) throw wire(errors);
    if (this.users.some((u) => u.username === username)) throw wire([fe('username', 'username.taken', 'taken')]);
  }

  setup(input: SetupInput): UserView {
    if (this.plaintext) throw denied('key.plaintext', 'an unencrypted database is here');
    if (this.users.length > 0) throw denied('auth.already_set_up', 'an administrator already exists');
    this.check(input.username.trim(), input.password, 'admin', null);
    const u = this.add({ ...input, username: input.username.trim(), role: 'admin', ward_code: null });
    this.log('user.create', u.id, { username: u.username, role: 'admin' });
    return this.login({ username: u.username, password: input.password });
  }

  login(input: LoginInput): UserView {
    if (this.plaintext) throw denied('key.plaintext', 'an unencrypted database is here');
    const u = this.users.find((x) => x.username === input.username.trim());
    if (u && u.failures >= FREE_ATTEMPTS) throw denied('auth.locked', 'locked', { until: '08:05 26/11/2026' });
    if (!u || !u.active || !u.has_key || u.password !== input.password) {
      if (u) u.failures += 1;
      this.log('login.failed', u?.id ?? null, { username: input.username });
      throw denied('auth.bad_credentials', 'wrong user name or password');
    }
    u.failures = 0;
    this.session = this.public(u);
    this.log('login.ok', u.id, {});
    return this.session;
  }

  logout(): null {
    if (this.session) this.log('logout', this.session.id, {});
    this.session = null;
    return null;
  }

  create(input: UserInput): UserView {
    this.require(true);
    this.check(input.username.trim(), input.password, input.role, input.ward_code);
    const u = this.add({ ...input, username: input.username.trim() });
    this.log('user.create', u.id, { username: u.username, role: u.role, ward_code: u.ward_code });
    return u;
  }

  update(input: UserChangeInput): UserView {
    const me = this.require(true);
    const u = this.users.find((x) => x.id === input.id);
    if (!u) throw { code: 'not_found', message: 'user not found', params: { entity: 'user', id: input.id } };
    if (u.id === me.id && (input.role !== 'admin' || !input.active)) throw wire([fe('role', 'user.self_demote', 'self')]);
    const password = input.password || null;
    if (input.active && !u.active && !password) throw wire([fe('password', 'user.password_required', 'required')]);
    if (password && [...password].length < 10) throw wire([fe('password', 'password.too_short', 'too short', { min: 10 })]);
    this.log('user.update', u.id, { old: { role: u.role, active: u.active }, new: { role: input.role, active: input.active } });
    Object.assign(u, { role: input.role, ward_code: input.role === 'officer' ? input.ward_code : null, active: input.active });
    if (!input.active) u.has_key = false;
    if (password && input.active) Object.assign(u, { password, has_key: true, failures: 0 });
    return this.public(u);
  }

  list(): UserView[] {
    this.require(true);
    return this.users.map((u) => ({ ...this.public(u), has_key: u.has_key }));
  }

  changePassword(input: PasswordChange): null {
    const me = this.require(false);
    const u = this.users.find((x) => x.id === me.id)!;
    if (u.password !== input.old_password) {
      this.log('user.password_failed', u.id, {});
      throw { code: 'auth.bad_credentials', message: 'the current password is wrong', field: 'old_password' };
    }
    if ([...input.new_password].length < 10) throw wire([fe('password', 'password.too_short', 'too short', { min: 10 })]);
    u.password = input.new_password;
    this.log('user.password', u.id, {});
    return null;
  }

  rekey(): RekeyReport {
    this.require(true);
    const active = this.users.filter((u) => u.active);
    const report = { sealed_for: active.filter((u) => u.has_key).map((u) => u.username), without_key: active.filter((u) => !u.has_key).map((u) => u.username) };
    this.log('database.rekey', null, report);
    return report;
  }

  convert(input: SetupInput): UserView {
    if (!this.plaintext) throw denied('key.not_plaintext', 'nothing to convert');
    if (this.plaintext.users === 0) {
      this.plaintext = null;
      return this.setup(input);
    }
    const u = this.users.find((x) => x.username === input.username.trim());
    if (!u || u.password !== input.password) throw denied('auth.bad_credentials', 'wrong user name or password');
    if (u.role !== 'admin') throw denied('auth.forbidden', 'only an administrator');
    this.plaintext = null;
    for (const other of this.users) other.has_key = other.id === u.id;
    this.log('database.encrypted', null, {});
    return this.login({ username: u.username, password: input.password });
  }

  page(): AuditPage {
    this.require(true);
    return { entries: [...this.audit].reverse(), broken_at: null };
  }
}
