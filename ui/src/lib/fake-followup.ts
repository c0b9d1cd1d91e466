// In-memory field workflows for the fake backend (follow-up list, contacts, verification
// samples, grievances): the same shapes and error codes as Rust (docs/IPC.md), simplified.
// Rust is the source of truth for every rule; this only lets the pages be tested.

import type {
  Beneficiary,
  Contact,
  ContactInput,
  ContactKind,
  ContactOutcome,
  ExportResult,
  FieldError,
  FollowupList,
  FollowupQuery,
  FollowupRow,
  Grievance,
  GrievanceCategory,
  GrievanceChannel,
  GrievanceInput,
  GrievanceQuery,
  GrievanceStatus,
  GrievanceUpdateInput,
  Payment,
  SampleInput,
  VerificationInput,
  VerificationItem,
  VerificationResult,
  VerificationSample,
} from './types';
import {
  CONTACT_KINDS,
  CONTACT_OUTCOMES,
  GRIEVANCE_CATEGORIES,
  GRIEVANCE_CHANNELS,
  GRIEVANCE_STATUSES,
  VERIFICATION_RESULTS,
} from './types';
import { formatMoney } from './format';
import type { ErrorCode } from './generated/error-codes';
import { addDays, dayNumber, fe, notFound, pad2, parseMoney, parseTypedDate, rng, wire } from './fake-backend';

/** What the fake's field workflows read from the main fake. */
export interface FakeData {
  today: string;
  beneficiaries: Beneficiary[];
  payments: Payment[];
  nextId(prefix: string): string;
}

/** Same weights as crates/core/src/followup.rs. */
export function priorityScore(age: number, b: Beneficiary): number {
  const n = b.needs;
  return (
    (age >= 80 ? 4 : 0) +
    (n.bedridden ? 4 : 0) +
    (n.lives_alone ? 3 : 0) +
    (n.no_smartphone ? 3 : 0) +
    (n.limited_mobility ? 1 : 0) +
    (n.vision_hearing ? 1 : 0)
  );
}

/** Given name first, as Rust's sort key. */
function sortKey(name: string): string {
  const parts = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().split(/\s+/);
  return [parts.at(-1), ...parts.slice(0, -1)].join(' ');
}

function age(b: Beneficiary, on: string): number {
  const y = Number(on.slice(0, 4));
  if (!b.birth_date) return y - b.birth_year;
  const had = on.slice(5) >= b.birth_date.slice(5);
  return y - Number(b.birth_date.slice(0, 4)) - (had ? 0 : 1);
}

export class FakeFieldwork {
  readonly contacts: Contact[] = [];
  readonly samples: VerificationSample[] = [];
  readonly grievances: Grievance[] = [];
  /** The files "written" by export_followup. */
  readonly exports: ExportResult[] = [];

  constructor(private readonly data: FakeData) {}

  private date(field: string, text: string, errors: FieldError[]): string | null {
    if (text.trim() === '') {
      errors.push(fe(field, 'required', 'required'));
      return null;
    }
    const iso = parseTypedDate(text);
    if (!iso) errors.push(fe(field, 'date.invalid', 'not a valid date'));
    else if (iso > this.data.today) errors.push(fe(field, 'date.future', 'in the future'));
    else return iso;
    return null;
  }

  private choice<T extends string>(field: string, value: string, all: readonly T[], code: ErrorCode, errors: FieldError[]): T | null {
    if (value === '') errors.push(fe(field, 'required', 'required'));
    else if (!all.includes(value as T)) errors.push(fe(field, code, 'unknown value'));
    else return value as T;
    return null;
  }

  private person(id: string): Beneficiary {
    const b = this.data.beneficiaries.find((x) => x.id === id);
    if (!b) throw notFound('beneficiary', id);
    return b;
  }

  followupList(q: FollowupQuery): FollowupList {
    const days = q.days ?? 7;
    const today = this.data.today;
    const cutoff = addDays(today, -days);
    const rows: (FollowupRow & { key: string })[] = [];
    for (const p of this.data.payments) {
      if (p.status !== 'credited' || !p.credited_on || p.credited_on > cutoff) continue;
      const withdrawn = p.withdrawals.filter((w) => w.withdrawn_on <= today).reduce((s, w) => s + w.amount_vnd, 0);
      if (withdrawn >= p.amount_vnd) continue;
      const b = this.data.beneficiaries.find((x) => x.id === p.beneficiary_id)!;
      if (q.ward_code && b.ward_code !== q.ward_code) continue;
      const a = age(b, today);
      const last = this.contactsOf(b.id).find((c) => c.contacted_on <= today) ?? null;
      rows.push({
        key: sortKey(b.full_name),
        payment_id: p.id,
        beneficiary_id: b.id,
        full_name: b.full_name,
        age: a,
        ward_code: b.ward_code,
        ward_name: b.ward_name,
        residential_group: b.residential_group,
        phone: b.phone,
        needs: { ...b.needs },
        priority: priorityScore(a, b),
        period: p.period,
        amount_vnd: p.amount_vnd,
        withdrawn_vnd: withdrawn,
        remaining_vnd: p.amount_vnd - withdrawn,
        credited_on: p.credited_on,
        days_waiting: dayNumber(today) - dayNumber(p.credited_on),
        last_contact: last,
      });
    }
    rows.sort(
      (x, y) =>
        y.priority - x.priority ||
        y.days_waiting - x.days_waiting ||
        x.key.localeCompare(y.key) ||
        x.payment_id.localeCompare(y.payment_id),
    );
    return { as_of: today, days, ward_code: q.ward_code, rows: rows.map(({ key: _key, ...r }) => r) };
  }

  exportFollowup(q: FollowupQuery): ExportResult {
    const list = this.followupList(q);
    const result = { path: `/fake/exports/theo-doi-${list.as_of}.xlsx`, rows: list.rows.length };
    this.exports.push(result);
    return result;
  }

  recordContact(i: ContactInput): Contact {
    const b = this.person(i.beneficiary_id);
    const errors: FieldError[] = [];
    const kind = this.choice<ContactKind>('kind', i.kind, CONTACT_KINDS, 'contact_kind.invalid', errors);
    const on = this.date('contacted_on', i.contacted_on, errors);
    const outcome = this.choice<ContactOutcome>('outcome', i.outcome, CONTACT_OUTCOMES, 'contact_outcome.invalid', errors);
    if (i.payment_id && !this.data.payments.some((p) => p.id === i.payment_id && p.beneficiary_id === b.id)) {
      errors.push(fe('payment_id', 'not_found', 'no such payment for this person', { entity: 'payment', id: i.payment_id }));
    }
    if (errors.length > 0) throw wire(errors);
    const c: Contact = {
      id: this.data.nextId('c'),
      beneficiary_id: b.id,
      payment_id: i.payment_id || null,
      kind: kind!,
      contacted_on: on!,
      outcome: outcome!,
      note: i.note.trim(),
      created_by: 'officer',
    };
    this.contacts.push(c);
    return c;
  }

  contactsOf(beneficiaryId: string): Contact[] {
    return this.contacts
      .filter((c) => c.beneficiary_id === beneficiaryId)
      .sort((a, b) => b.contacted_on.localeCompare(a.contacted_on) || b.id.localeCompare(a.id));
  }

  hasSample(period: string): boolean {
    return this.samples.some((s) => s.period === period);
  }

  private periodKey(field: string, text: string, errors: FieldError[]): string | null {
    const m = /^\s*(\d{1,2})\/(\d{4})\s*$/.exec(text) ?? null;
    const iso = /^\s*(\d{4})-(\d{2})\s*$/.exec(text);
    if (text.trim() === '') errors.push(fe(field, 'required', 'required'));
    else if (m && Number(m[1]) >= 1 && Number(m[1]) <= 12) return `${m[2]}-${pad2(Number(m[1]))}`;
    else if (iso) return `${iso[1]}-${iso[2]}`;
    else errors.push(fe(field, 'period.invalid', 'not a period'));
    return null;
  }

  sampleFor(periodText: string): VerificationSample | null {
    const errors: FieldError[] = [];
    const period = this.periodKey('period', periodText, errors);
    if (errors.length > 0) throw wire(errors);
    return this.samples.find((s) => s.period === period) ?? null;
  }

  createSample(i: SampleInput): VerificationSample {
    const errors: FieldError[] = [];
    const period = this.periodKey('period', i.period, errors);
    const m = /^\s*(\d+)\s*(%?)\s*$/.exec(i.size);
    if (i.size.trim() === '') errors.push(fe('size', 'required', 'required'));
    else if (!m || Number(m[1]) === 0 || (m[2] === '%' && Number(m[1]) > 100)) {
      errors.push(fe('size', 'sample_size.invalid', 'a number or a percentage'));
    }
    if (i.seed.trim() === '') errors.push(fe('seed', 'required', 'required'));
    else if (!/^\d+$/.test(i.seed.trim())) errors.push(fe('seed', 'number.invalid', 'a whole number'));
    if (errors.length > 0) throw wire(errors);
    if (this.samples.some((s) => s.period === period)) {
      throw wire([fe('period', 'sample.exists', 'this cycle already has a sample', { period: period! })]);
    }
    const population = this.data.payments.filter((p) => p.period === period && p.status === 'credited');
    if (population.length === 0) throw wire([fe('period', 'sample.empty_cycle', 'no credited payment', { period: period! })]);
    population.sort((a, b) => a.id.localeCompare(b.id));
    const n = m![2] === '%' ? Math.min(population.length, Math.ceil((population.length * Number(m![1])) / 100)) : Math.min(population.length, Number(m![1]));
    const next = rng(Number(i.seed.trim()));
    const pool = [...population];
    for (let k = 0; k < n; k += 1) {
      const j = k + Math.floor(next() * (pool.length - k));
      [pool[k], pool[j]] = [pool[j], pool[k]];
    }
    const items: VerificationItem[] = pool.slice(0, n).map((p, k) => {
      const b = this.person(p.beneficiary_id);
      return {
        id: this.data.nextId('vi'),
        payment_id: p.id,
        position: k + 1,
        beneficiary_id: b.id,
        full_name: b.full_name,
        ward_code: b.ward_code,
        ward_name: b.ward_name,
        amount_vnd: p.amount_vnd,
        credited_on: p.credited_on,
        result: null,
        amount_received_vnd: null,
        verified_on: null,
        note: '',
      };
    });
    const s: VerificationSample = {
      id: this.data.nextId('vs'),
      period: period!,
      seed: i.seed.trim(),
      size_spec: i.size.replace(/\s+/g, ''),
      population: population.length,
      size: n,
      verified: 0,
      confirmed_full: 0,
      partial: 0,
      nothing: 0,
      share_full: null,
      created_by: 'officer',
      created_at: `${this.data.today}T08:00:00Z`,
      items,
    };
    this.samples.push(s);
    return s;
  }

  recordVerification(i: VerificationInput): VerificationSample {
    const s = this.samples.find((x) => x.items.some((it) => it.id === i.item_id));
    if (!s) throw notFound('verification_item', i.item_id);
    const item = s.items.find((it) => it.id === i.item_id)!;
    const errors: FieldError[] = [];
    const result = this.choice<VerificationResult>('result', i.result, VERIFICATION_RESULTS, 'verification_result.invalid', errors);
    let received: number | null = null;
    if (result === 'full') received = item.amount_vnd;
    else if (result === 'nothing') received = 0;
    else if (result === 'partial') {
      received = parseMoney(i.amount_received);
      if (i.amount_received.trim() === '') errors.push(fe('amount_received', 'required', 'required'));
      else if (received === null) errors.push(fe('amount_received', 'amount.invalid', 'not an amount'));
      else if (received <= 0 || received >= item.amount_vnd) {
        errors.push(fe('amount_received', 'received_amount.invalid', 'between 0 and the payment', { amount: formatMoney(item.amount_vnd) }));
      }
    }
    const on = this.date('verified_on', i.verified_on, errors);
    if (errors.length > 0) throw wire(errors);
    Object.assign(item, { result, amount_received_vnd: received, verified_on: on, note: i.note.trim() });
    const count = (r: VerificationResult) => s.items.filter((it) => it.result === r).length;
    s.verified = s.items.filter((it) => it.result !== null).length;
    s.confirmed_full = count('full');
    s.partial = count('partial');
    s.nothing = count('nothing');
    s.share_full = s.verified > 0 ? s.confirmed_full / s.verified : null;
    return s;
  }

  private withOverdue(g: Grievance): Grievance {
    g.overdue = (g.status === 'open' || g.status === 'in_progress') && this.data.today > g.deadline_on;
    return g;
  }

  openGrievance(i: GrievanceInput): Grievance {
    const b = this.person(i.beneficiary_id);
    const errors: FieldError[] = [];
    const category = this.choice<GrievanceCategory>('category', i.category, GRIEVANCE_CATEGORIES, 'grievance_category.invalid', errors);
    const channel = this.choice<GrievanceChannel>('channel', i.channel, GRIEVANCE_CHANNELS, 'grievance_channel.invalid', errors);
    if (i.description.trim() === '') errors.push(fe('description', 'required', 'required'));
    const opened = this.date('opened_on', i.opened_on, errors);
    let deadline = opened ? addDays(opened, 15) : null;
    if (i.deadline_on.trim() !== '') {
      deadline = parseTypedDate(i.deadline_on);
      if (!deadline) errors.push(fe('deadline_on', 'date.invalid', 'not a valid date'));
      else if (opened && deadline < opened) errors.push(fe('deadline_on', 'deadline.before_opened', 'before the opening'));
    }
    if (errors.length > 0) throw wire(errors);
    const g: Grievance = {
      id: this.data.nextId('g'),
      beneficiary_id: b.id,
      full_name: b.full_name,
      ward_code: b.ward_code,
      ward_name: b.ward_name,
      category: category!,
      channel: channel!,
      description: i.description.trim(),
      opened_on: opened!,
      deadline_on: deadline!,
      status: 'open',
      resolution_note: '',
      closed_on: null,
      overdue: false,
      history: [],
    };
    g.history.push({ id: this.data.nextId('ge'), from_status: null, to_status: 'open', changed_on: opened!, deadline_on: deadline!, note: '', created_by: 'officer' });
    this.grievances.push(g);
    return this.withOverdue(g);
  }

  updateGrievance(i: GrievanceUpdateInput): Grievance {
    const g = this.grievances.find((x) => x.id === i.grievance_id);
    if (!g) throw notFound('grievance', i.grievance_id);
    const errors: FieldError[] = [];
    const status = this.choice<GrievanceStatus>('status', i.status, GRIEVANCE_STATUSES, 'grievance_status.invalid', errors);
    const on = this.date('changed_on', i.changed_on, errors);
    const note = i.note.trim();
    const closed = status === 'resolved' || status === 'rejected';
    if (closed && note === '') errors.push(fe('note', 'resolution_note.required', 'a note is required'));
    let deadline = g.deadline_on;
    if (i.deadline_on.trim() !== '') {
      const d = parseTypedDate(i.deadline_on);
      if (!d) errors.push(fe('deadline_on', 'date.invalid', 'not a valid date'));
      else if (d < g.opened_on) errors.push(fe('deadline_on', 'deadline.before_opened', 'before the opening'));
      else deadline = d;
    }
    if (on && on < g.opened_on) errors.push(fe('changed_on', 'date.before_opened', 'before the opening'));
    if (errors.length === 0 && status === g.status && deadline === g.deadline_on && note === '') {
      errors.push(fe('status', 'grievance.unchanged', 'nothing to change'));
    }
    if (errors.length > 0) throw wire(errors);
    g.history.push({ id: this.data.nextId('ge'), from_status: g.status, to_status: status!, changed_on: on!, deadline_on: deadline, note, created_by: 'officer' });
    const wasClosed = g.status === 'resolved' || g.status === 'rejected';
    g.status = status!;
    g.deadline_on = deadline;
    g.resolution_note = closed ? note : wasClosed ? '' : g.resolution_note;
    g.closed_on = closed ? on : null;
    return this.withOverdue(g);
  }

  listGrievances(q: GrievanceQuery): Grievance[] {
    const list = this.grievances
      .map((g) => this.withOverdue(g))
      .filter((g) => (q.status === null || g.status === q.status) && (!q.overdue || g.overdue))
      .filter((g) => !q.beneficiary_id || g.beneficiary_id === q.beneficiary_id)
      .sort((a, b) => b.opened_on.localeCompare(a.opened_on) || b.id.localeCompare(a.id));
    return [...list.filter((g) => g.overdue), ...list.filter((g) => !g.overdue)];
  }
}
