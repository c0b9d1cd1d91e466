// In-memory sign-in, users and audit log for the fake backend: the same shapes and error codes
// as Rust (docs/IPC.md "Security"), simplified (passwords kept in clear, no hashing, no chain).
// Rust is the source of truth; this only lets the screens be tested.

import type { AuditEntry, AuditPage, AuthStatus, LoginInput, Role, SetupInput, UserChangeInput, UserInput, UserView, WireError } from './types';
import { fe, wire } from './fake-backend';

export type FakeAuthStart = 'signed_in' | 'login' | 'setup';

const FREE_ATTEMPTS = 5;

function denied(code: string, message: string, params?: Record<string, string>): WireError {
  return params ? { code, message, params } : { code, message };
}

export class FakeSecurity {
  readonly users: Array<UserView & { password: string; failures: number }> = [];
  readonly audit: AuditEntry[] = [];
  session: UserView | null = null;
  idleMinutes = 10;
  private seq = 0;

  constructor(start: FakeAuthStart) {
    if (start !== 'setup') {
      const admin = this.add({ username: 'admin', display_name: 'Quản trị', password: 'mật khẩu quản trị', role: 'admin', ward_code: null });
      if (start === 'signed_in') this.session = admin;
    }
  }

  private add(u: UserInput): UserView {
    this.seq += 1;
    const user = { id: `user-${this.seq}`, username: u.username, display_name: u.display_name || u.username, role: u.role, ward_code: u.role === 'officer' ? u.ward_code : null, active: true, locked_until: null };
    this.users.push({ ...user, password: u.password, failures: 0 });
    return user;
  }

  private log(action: string, entity_id: string | null, details: unknown): void {
    const seq = this.audit.length + 1;
    this.audit.push({ seq, at: '2026-11-26T08:00:00Z', actor: this.session?.username ?? '-', action, entity: 'users', entity_id, details, hash: `h${seq}` });
  }

  private public(u: UserView & { password: string; failures: number }): UserView {
    const { password: _p, failures: _f, ...rest } = u;
    return rest;
  }

  /** Throws `auth.required`/`auth.forbidden` like `require` in Rust. */
  require(admin: boolean): UserView {
    if (!this.session) throw denied('auth.required', 'sign in first');
    if (admin && this.session.role !== 'admin') throw denied('auth.forbidden', 'your role does not allow this');
    return this.session;
  }

  status(): AuthStatus {
    return { needs_setup: this.users.length === 0, user: this.session, idle_minutes: this.idleMinutes };
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
    if (this.users.length > 0) throw denied('auth.already_set_up', 'an administrator already exists');
    this.check(input.username.trim(), input.password, 'admin', null);
    const u = this.add({ ...input, username: input.username.trim(), role: 'admin', ward_code: null });
    this.log('user.create', u.id, { username: u.username, role: 'admin' });
    return this.login({ username: u.username, password: input.password });
  }

  login(input: LoginInput): UserView {
    const u = this.users.find((x) => x.username === input.username.trim());
    if (u && u.failures >= FREE_ATTEMPTS) throw denied('auth.locked', 'locked', { until: '08:05 26/11/2026' });
    if (!u || !u.active || u.password !== input.password) {
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
    this.require(true);
    const u = this.users.find((x) => x.id === input.id);
    if (!u) throw { code: 'not_found', message: 'user not found', params: { entity: 'user', id: input.id } };
    this.log('user.update', u.id, { old: { role: u.role }, new: { role: input.role } });
    Object.assign(u, { role: input.role, ward_code: input.role === 'officer' ? input.ward_code : null, active: input.active });
    return this.public(u);
  }

  list(): UserView[] {
    this.require(true);
    return this.users.map((u) => this.public(u));
  }

  page(): AuditPage {
    this.require(true);
    return { entries: [...this.audit].reverse(), broken_at: null };
  }
}
