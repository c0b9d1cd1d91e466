// An in-memory Backend for unit tests and for trying the UI in a plain browser. It mimics
// Rust's validation closely enough to exercise the forms (same error codes, fields and params
// as docs/IPC.md, same single-error vs `validation` shape), and records every call.
// It is NOT the source of truth for any rule: Rust is.

import type { Backend } from './backend';
import type {
  Account,
  AccountInput,
  AppInfo,
  Beneficiary,
  BeneficiaryDetail,
  BeneficiaryInput,
  BeneficiarySummary,
  Channel,
  ChartQuery,
  CycleView,
  DuplicateView,
  ErrorReport,
  ImportPreview,
  ImportReport,
  ImportRequest,
  MappingProposal,
  PickedFile,
  PreviewRow,
  ReconcileReport,
  ReconcileRequest,
  DemoOptions,
  DemoSummary,
  Disability,
  Draft,
  DraftForm,
  DraftInput,
  FieldError,
  Group,
  Lang,
  Metrics,
  MetricsQuery,
  MetricsReport,
  ReportQuery,
  SavedFile,
  ExportRecord,
  FilterInput,
  PanelsView,
  Needs,
  Page,
  Payment,
  PaymentInput,
  Place,
  Problem,
  Provider,
  SearchQuery,
  Segment,
  SegmentBy,
  Sex,
  Unit,
  WireError,
  Withdrawal,
  WithdrawalInput,
} from './types';
import { CHANNELS, DISABILITIES, NEED_KEYS, PLACES, PROBLEMS } from './types';
import { IMPORT_FIELDS, IMPORT_REQUIRED, autoMapping, headerKey, mappingErrors, readTable } from './fake-imports';
import type {
  Contact,
  ContactInput,
  ExportResult,
  FollowupList,
  FollowupQuery,
  Grievance,
  GrievanceInput,
  GrievanceQuery,
  GrievanceUpdateInput,
  SampleInput,
  VerificationInput,
  VerificationSample,
} from './types';
import { FakeFieldwork } from './fake-followup';
import { indicators, keeps } from './fake-indicators';

/** Same as Rust's MIN_SEGMENT_PAYMENTS. */
const MIN_SEGMENT = 10;
import { FakeSecurity, type FakeAuthStart } from './fake-security';
import type { PasswordChange, RekeyReport } from './types';
import type { BackupInfo, BackupList, LegalBasisInput, LegalBasisRecord } from './types';
import { maskAccountNumber } from './format';
import type { ErrorCode } from './generated/error-codes';
import type { AuditPage, AuthStatus, LoginInput, SetupInput, UserChangeInput, UserInput, UserView } from './types';
import { FakeExchange } from './fake-exchange';
import type { BundleImport, DeviceRole, DeviceView, ExchangeOverview, PublicKeys, ReferenceReport, ReviewItem, SavedBundle } from './types';

export interface FakeCall {
  cmd: keyof Backend;
  args: unknown;
}

export interface FakeOptions {
  /** Start with no beneficiaries (and so with the demo offer). */
  empty?: boolean;
  lang?: Lang;
  /** ISO date used as "today" (future-date checks, as_of = null). Default: the real date. */
  today?: string;
  /** Who is signed in at start: the administrator (default), nobody (`login`), or no user at all (`setup`). */
  auth?: FakeAuthStart;
  /** Milliseconds to wait before answering a call (per call), e.g. to reorder responses. */
  delay?: (cmd: keyof Backend, args: unknown) => number;
}

const STANDARD_LEVEL = 500_000;

const PROVINCES = new Set([
  '001', '002', '004', '006', '008', '010', '011', '012', '014', '015', '017', '019', '020',
  '022', '024', '025', '026', '027', '030', '031', '033', '034', '035', '036', '037', '038',
  '040', '042', '044', '045', '046', '048', '049', '051', '052', '054', '056', '058', '060',
  '062', '064', '066', '067', '068', '070', '072', '074', '075', '077', '079', '080', '082',
  '083', '084', '086', '087', '089', '091', '092', '093', '094', '095', '096',
]);

export const FAKE_UNITS: Unit[] = [
  { code: '00001', name: 'Phường Phúc Xá', level: 'phuong', parent_code: '01', is_sample: false },
  { code: '00004', name: 'Phường Trúc Bạch', level: 'phuong', parent_code: '01', is_sample: false },
  { code: '00006', name: 'Phường Vĩnh Phúc', level: 'phuong', parent_code: '01', is_sample: false },
];

export const FAKE_GROUPS: Group[] = [
  { code: 'elderly_80', name_vi: 'Người cao tuổi từ 80 tuổi', name_en: 'Elderly, 80 and over', scheme: 'social_assistance', coefficient: 1.0 },
  { code: 'elderly_poor_60', name_vi: 'Người cao tuổi hộ nghèo, không người phụng dưỡng', name_en: 'Elderly, poor household, no supporter', scheme: 'social_assistance', coefficient: 1.5 },
  { code: 'disabled_severe', name_vi: 'Người khuyết tật nặng', name_en: 'Person with severe disability', scheme: 'social_assistance', coefficient: 1.5 },
  { code: 'orphan', name_vi: 'Trẻ em mồ côi', name_en: 'Orphaned child', scheme: 'social_assistance', coefficient: 2.5 },
  { code: 'martyr_relative', name_vi: 'Thân nhân liệt sĩ', name_en: "Martyr's relative", scheme: 'meritorious', coefficient: 5.578 },
];

export const FAKE_PROVIDERS: Provider[] = [
  { channel: 'bank', code: '970405', name: 'Agribank' },
  { channel: 'bank', code: '970436', name: 'Vietcombank' },
  { channel: 'bank', code: '970415', name: 'VietinBank' },
  { channel: 'bank', code: '970418', name: 'BIDV' },
  { channel: 'ewallet', code: 'momo', name: 'MoMo' },
  { channel: 'ewallet', code: 'zalopay', name: 'ZaloPay' },
  { channel: 'mobile_money', code: 'viettel', name: 'Viettel Money' },
  { channel: 'mobile_money', code: 'vnpt', name: 'VNPT Money' },
  { channel: 'mobile_money', code: 'mobifone', name: 'MobiFone Money' },
];

const NO_NEEDS: Needs = {
  lives_alone: false,
  limited_mobility: false,
  vision_hearing: false,
  no_smartphone: false,
  bedridden: false,
};

// ---------- helpers shared with tests ----------

/** Accent-folding as in DOMAIN.md: NFD, drop U+0300-U+036F, đ→d, lower case. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function isoOf(y: number, m: number, d: number): string {
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** Typed `d/m/yyyy` → ISO, or null when it is not a real date. */
export function parseTypedDate(text: string): string | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return isoOf(y, mo, d);
}

export function dayNumber(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

export function addDays(iso: string, days: number): string {
  const dt = new Date((dayNumber(iso) + days) * 86_400_000);
  return isoOf(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
}

function realToday(): string {
  const n = new Date();
  return isoOf(n.getFullYear(), n.getMonth() + 1, n.getDate());
}

export function fe(field: string, code: ErrorCode, message: string, params?: Record<string, string | number>): FieldError {
  const e: FieldError = { code, message, field };
  if (params) e.params = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
  return e;
}

/** The wire shape Rust gives: one error → its code at the top; several → `validation`. */
export function wire(errors: FieldError[]): WireError {
  if (errors.length === 1) {
    const [e] = errors;
    return { ...e, details: [e] };
  }
  return {
    code: 'validation',
    message: 'invalid input: ' + errors.map((e) => `${e.field}: ${e.message} [${e.code}]`).join('; '),
    details: errors,
  };
}

export function notFound(entity: string, id: string): WireError {
  return { code: 'not_found', message: `${entity} not found: ${id}`, params: { entity, id } };
}

/** Money typed as `1.250.000`, `1 250 000`, `1250000` or with ₫ → integer VND. */
export function parseMoney(text: string): number | null {
  const s = text.replace(/[\s.₫]/g, '').replace(/đ$/i, '');
  if (!/^-?\d+$/.test(s)) return null;
  return Number(s);
}

function checkIdDigits(field: string, raw: string, errors: FieldError[]): string | null {
  const s = raw.replace(/\s+/g, '');
  if (s === '') return null;
  if (!/^\d+$/.test(s)) {
    errors.push(fe(field, 'id_number.not_digits', 'must contain digits only'));
    return null;
  }
  if (s.length !== 12 && s.length !== 9) {
    errors.push(fe(field, 'id_number.length', 'must have 12 digits', { expected: 12, found: s.length }));
    return null;
  }
  if (s.length === 12 && !PROVINCES.has(s.slice(0, 3))) {
    errors.push(fe(field, 'id_number.province', 'unknown province code', { code: s.slice(0, 3) }));
    return null;
  }
  return s;
}

/** A tiny deterministic PRNG (mulberry32) for the demo data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------- the fake ----------

interface Store {
  beneficiaries: Beneficiary[];
  accounts: Account[];
  payments: Payment[];
}

export class FakeBackend implements Backend {
  readonly calls: FakeCall[] = [];
  readonly units: Unit[] = FAKE_UNITS.map((u) => ({ ...u }));
  readonly groups: Group[] = FAKE_GROUPS.map((g) => ({ ...g }));
  readonly providers: Provider[] = FAKE_PROVIDERS.map((p) => ({ ...p }));
  readonly store: Store = { beneficiaries: [], accounts: [], payments: [] };
  lang: Lang;
  offerDemo: boolean;
  today: string;
  private seq = 0;
  private readonly delay?: FakeOptions['delay'];
  /** Remembered import mappings, by folded header list. */
  readonly mappings = new Map<string, (string | null)[]>();
  /** Closed cycles (yyyy-mm). */
  readonly closedCycles = new Set<string>();
  /** Files `read_local_file` can read: path → content. */
  readonly localFiles = new Map<string, string>();
  /** Offices, bundles and the review queue (fake-exchange.ts). */
  readonly exchange = new FakeExchange();
  /** Error reports saved by `save_error_report`. */
  readonly savedReports: ErrorReport[] = [];
  /** Follow-up, verification and grievances (fake-followup.ts). */
  readonly field: FakeFieldwork = (() => {
    const self = this;
    return new FakeFieldwork({
      get today() {
        return self.today;
      },
      get beneficiaries() {
        return self.store.beneficiaries;
      },
      get payments() {
        return self.store.payments;
      },
      nextId: (prefix) => self.nextId(prefix),
    });
  })();

  /** Backups made by `backup_now`, newest first. */
  readonly backups: BackupInfo[] = [];
  /** Legal-basis records by person id. */
  readonly legalBases = new Map<string, LegalBasisRecord>();
  /** Users, session and audit log (fake-security.ts). */
  readonly security: FakeSecurity;

  constructor(options: FakeOptions = {}) {
    this.security = new FakeSecurity(options.auth ?? 'signed_in');
    this.lang = options.lang ?? 'vi';
    this.today = options.today ?? realToday();
    this.delay = options.delay;
    this.offerDemo = !!options.empty;
    if (!options.empty) this.seed();
  }

  /** Calls made to `cmd`, oldest first. */
  callsTo(cmd: keyof Backend): unknown[] {
    return this.calls.filter((c) => c.cmd === cmd).map((c) => c.args);
  }

  private nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}-${String(this.seq).padStart(4, '0')}`;
  }

  private async answer<T>(cmd: keyof Backend, args: unknown, work: () => T): Promise<T> {
    this.calls.push({ cmd, args: args === undefined ? undefined : structuredClone(args) });
    const ms = this.delay ? this.delay(cmd, args) : 0;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    else await Promise.resolve();
    return structuredClone(work());
  }

  // ----- seed data -----

  private seed(): void {
    const people: Array<[string, string | null, number, Sex, string | null, string | null, string, string, Partial<Needs>]> = [
      ['Nguyễn Văn An', '1942-03-15', 1942, 'male', '001042001234', null, '00001', 'elderly_80', { lives_alone: true }],
      ['Trần Thị Bình', null, 1950, 'female', '001150004321', null, '00001', 'elderly_poor_60', { no_smartphone: true }],
      ['Lê Đức Cường', '1975-07-01', 1975, 'male', null, '012345678', '00004', 'disabled_severe', { limited_mobility: true }],
      ['Phạm Thị Dung', '1938-12-24', 1938, 'female', '001138000777', null, '00006', 'elderly_80', { bedridden: true, lives_alone: true }],
      ['Đỗ Văn Đạt', '2015-05-05', 2015, 'male', '001215009999', null, '00004', 'orphan', {}],
    ];
    for (const [full_name, birth_date, birth_year, sex, id_number, legacy, ward, group, needs] of people) {
      this.insertBeneficiary({
        full_name,
        birth_date,
        birth_year,
        sex,
        id_number,
        legacy_id_number: legacy,
        ward_code: ward,
        group_code: group,
        disability: group === 'disabled_severe' ? 'severe' : 'none',
        needs: { ...NO_NEEDS, ...needs },
      });
    }
    const an = this.store.beneficiaries[0];
    const acc = this.insertAccount(an.id, 'bank', '970405', '0123456789', '2025-12-01', '2025-12-10', true);
    const p1 = this.insertPayment(an.id, acc, '2026-01', 1_000_000, 'credited', '2026-01-05', '');
    this.insertWithdrawal(p1, '2026-01-08', 1_000_000, 'atm', 20, 10_000, 5, false, []);
    const p2 = this.insertPayment(an.id, acc, '2026-02', 1_000_000, 'credited', '2026-02-05', '');
    this.insertWithdrawal(p2, '2026-02-15', 600_000, 'bank_counter', 30, null, 15, true, ['forgot_pin']);
    this.insertPayment(an.id, acc, '2026-03', 1_000_000, 'credited', '2026-03-05', '');
    const binh = this.store.beneficiaries[1];
    const p4 = this.insertPayment(binh.id, null, '2026-01', 750_000, 'credited', '2026-01-06', '');
    this.insertWithdrawal(p4, '2026-01-06', 750_000, 'ward_office', 10, 0, 30, false, []);
  }

  private insertBeneficiary(s: Omit<BeneficiarySummary, 'id' | 'ward_name'> & Partial<Beneficiary>): Beneficiary {
    const group = this.groups.find((g) => g.code === s.group_code);
    const now = `${this.today}T08:00:00Z`;
    const b: Beneficiary = {
      id: this.nextId('b'),
      full_name: s.full_name,
      birth_date: s.birth_date,
      birth_year: s.birth_year,
      sex: s.sex,
      id_number: s.id_number,
      legacy_id_number: s.legacy_id_number,
      ward_code: s.ward_code,
      ward_name: this.units.find((u) => u.code === s.ward_code)?.name ?? s.ward_code,
      group_code: s.group_code,
      disability: s.disability,
      needs: { ...s.needs },
      residential_group: s.residential_group ?? '',
      phone: s.phone ?? '',
      id_override_reason: s.id_override_reason ?? '',
      authorised_name: s.authorised_name ?? '',
      authorised_id_number: s.authorised_id_number ?? '',
      authorised_relation: s.authorised_relation ?? '',
      duplicate_reason: s.duplicate_reason ?? '',
      entitlement_vnd: group ? Math.round(STANDARD_LEVEL * group.coefficient) : null,
      created_at: now,
      updated_at: now,
    };
    this.store.beneficiaries.push(b);
    return b;
  }

  private insertAccount(
    beneficiary_id: string,
    channel: Channel,
    provider_code: string,
    account_number: string,
    requested_on: string | null,
    opened_on: string | null,
    assisted: boolean,
  ): Account {
    const a: Account = {
      id: this.nextId('a'),
      beneficiary_id,
      channel,
      provider_code,
      provider_name: this.providers.find((p) => p.channel === channel && p.code === provider_code)?.name ?? '',
      account_number,
      status: opened_on ? 'opened' : 'requested',
      requested_on,
      opened_on,
      closed_on: null,
      close_reason: '',
      assisted,
      first_credit_on: null,
    };
    this.store.accounts.push(a);
    return a;
  }

  private insertPayment(
    beneficiary_id: string,
    account: Account | null,
    period: string,
    amount_vnd: number,
    status: 'credited' | 'failed',
    credited_on: string | null,
    failure_reason: string,
  ): Payment {
    const p: Payment = {
      id: this.nextId('p'),
      beneficiary_id,
      account_id: account ? account.id : null,
      channel: account ? account.channel : 'cash',
      period,
      amount_vnd,
      status,
      scheduled_on: `${period}-05`,
      credited_on: status === 'credited' ? credited_on : null,
      failure_reason,
      withdrawn_vnd: 0,
      withdrawals: [],
    };
    this.store.payments.push(p);
    if (account && status === 'credited' && credited_on) {
      if (!account.first_credit_on || credited_on < account.first_credit_on) account.first_credit_on = credited_on;
    }
    return p;
  }

  private insertWithdrawal(
    p: Payment,
    withdrawn_on: string,
    amount_vnd: number,
    place: Place,
    travel_minutes: number | null,
    travel_cost_vnd: number | null,
    waiting_minutes: number | null,
    assisted: boolean,
    problems: Problem[],
  ): Withdrawal {
    const w: Withdrawal = {
      id: this.nextId('w'),
      payment_id: p.id,
      withdrawn_on,
      amount_vnd,
      place,
      travel_minutes,
      travel_cost_vnd,
      waiting_minutes,
      assisted,
      problems,
    };
    p.withdrawals.push(w);
    p.withdrawals.sort((a, b) => a.withdrawn_on.localeCompare(b.withdrawn_on));
    p.withdrawn_vnd += amount_vnd;
    return w;
  }

  private summary(b: Beneficiary): BeneficiarySummary {
    return {
      id: b.id,
      full_name: b.full_name,
      birth_date: b.birth_date,
      birth_year: b.birth_year,
      sex: b.sex,
      id_number: b.id_number,
      legacy_id_number: b.legacy_id_number,
      ward_code: b.ward_code,
      ward_name: b.ward_name,
      group_code: b.group_code,
      disability: b.disability,
      needs: b.needs,
    };
  }

  private checkDate(field: string, text: string, errors: FieldError[], required = true): string | null {
    if (text.trim() === '') {
      if (required) errors.push(fe(field, 'required', 'required'));
      return null;
    }
    const iso = parseTypedDate(text);
    if (!iso) {
      errors.push(fe(field, 'date.invalid', 'not a valid date (dd/mm/yyyy)'));
      return null;
    }
    if (iso > this.today) {
      errors.push(fe(field, 'date.future', 'date is in the future'));
      return null;
    }
    return iso;
  }

  private checkCount(field: string, text: string, errors: FieldError[]): number | null {
    const s = text.trim().replace(/\./g, '');
    if (s === '') return null;
    if (!/^\d+$/.test(s)) {
      errors.push(fe(field, 'number.invalid', 'not a whole number'));
      return null;
    }
    return Number(s);
  }

  // ----- commands -----

  app_info(): Promise<AppInfo> {
    return this.answer('app_info', undefined, () => ({
      version: '0.1.0-fake',
      db_path: ':memory:',
      device_id: 'fake-device',
      beneficiary_count: this.store.beneficiaries.length,
      lang: this.lang,
      offer_demo: this.offerDemo && this.store.beneficiaries.length === 0,
    }));
  }

  set_language(args: { lang: Lang }): Promise<null> {
    return this.answer('set_language', args, () => {
      if (args.lang !== 'vi' && args.lang !== 'en') throw wire([fe('lang', 'validation', 'unknown language')]);
      this.lang = args.lang;
      return null;
    });
  }

  dismiss_demo_offer(): Promise<null> {
    return this.answer('dismiss_demo_offer', undefined, () => {
      this.offerDemo = false;
      return null;
    });
  }

  load_demo(args: { options: DemoOptions }): Promise<DemoSummary> {
    return this.answer('load_demo', args, () => this.generateDemo(args.options));
  }

  list_units(): Promise<Unit[]> {
    return this.answer('list_units', undefined, () => this.units);
  }

  list_groups(): Promise<Group[]> {
    return this.answer('list_groups', undefined, () => this.groups);
  }

  list_providers(): Promise<Provider[]> {
    return this.answer('list_providers', undefined, () => this.providers);
  }

  search_beneficiaries(args: { query: SearchQuery }): Promise<Page<BeneficiarySummary>> {
    return this.answer('search_beneficiaries', args, () => {
      const { text, ward_code, limit, offset } = args.query;
      const q = fold(text);
      const digits = text.replace(/\s+/g, '');
      const hits = this.store.beneficiaries.filter((b) => {
        if (ward_code && b.ward_code !== ward_code) return false;
        if (q === '') return true;
        if (fold(b.full_name).includes(q)) return true;
        return /^\d+$/.test(digits) && ((b.id_number ?? '').includes(digits) || (b.legacy_id_number ?? '').includes(digits));
      });
      const givenName = (n: string) => fold(n).split(' ').pop() ?? '';
      hits.sort((a, b) => givenName(a.full_name).localeCompare(givenName(b.full_name)) || fold(a.full_name).localeCompare(fold(b.full_name)));
      return { total: hits.length, items: hits.slice(offset, offset + limit).map((b) => this.summary(b)) };
    });
  }

  get_beneficiary(args: { id: string }): Promise<BeneficiaryDetail> {
    return this.answer('get_beneficiary', args, () => {
      const b = this.store.beneficiaries.find((x) => x.id === args.id);
      if (!b) throw notFound('beneficiary', args.id);
      return {
        beneficiary: b,
        // Masked as Rust does; `reveal_account_number` gives the full number.
        accounts: this.store.accounts
          .filter((a) => a.beneficiary_id === b.id)
          .map((a) => ({ ...a, account_number: maskAccountNumber(a.account_number) })),
        payments: this.store.payments
          .filter((p) => p.beneficiary_id === b.id)
          .sort((x, y) => y.period.localeCompare(x.period)),
      };
    });
  }

  /** The fake's version of Rust's beneficiary validation (and registration rules). */
  private checkBeneficiary(i: BeneficiaryInput, selfId: string | null) {
    const errors: FieldError[] = [];
    const name = i.full_name.normalize('NFC').trim().replace(/\s+/g, ' ');
    if (name === '') errors.push(fe('full_name', 'required', 'required'));
    else if (/[\d@#$%^&*_=+<>{}[\]|\\/]/.test(name)) errors.push(fe('full_name', 'name.invalid', 'not a valid name'));

    let birthDate: string | null = null;
    let birthYear: number | null = null;
    const bd = i.birth_date.trim();
    if (bd === '') errors.push(fe('birth_date', 'required', 'required'));
    else if (/^\d{4}$/.test(bd)) {
      birthYear = Number(bd);
      if (birthYear > Number(this.today.slice(0, 4))) {
        errors.push(fe('birth_date', 'date.future', 'date is in the future'));
        birthYear = null;
      }
    } else {
      birthDate = this.checkDate('birth_date', bd, errors);
      if (birthDate) birthYear = Number(birthDate.slice(0, 4));
    }

    let sex: Sex | null = null;
    if (i.sex === '') errors.push(fe('sex', 'required', 'required'));
    else if (i.sex === 'male' || i.sex === 'female') sex = i.sex;
    else errors.push(fe('sex', 'sex.invalid', 'unknown sex'));

    let idNumber: string | null = null;
    let legacy: string | null = null;
    const idErrors: FieldError[] = [];
    const id = checkIdDigits('id_number', i.id_number, idErrors);
    errors.push(...idErrors);
    if (id && id.length === 9) legacy = id;
    else if (id) {
      idNumber = id;
      const d4 = Number(id[3]);
      const idSex: Sex = d4 % 2 === 0 ? 'male' : 'female';
      const idYear = 1900 + Math.floor(d4 / 2) * 100 + Number(id.slice(4, 6));
      const override = i.id_override_reason.trim() !== '';
      if (!override && sex && idSex !== sex) {
        errors.push(fe('id_number', 'id_number.sex_mismatch', 'the ID number is for the other sex', { id_sex: idSex, sex }));
      }
      if (!override && birthYear && idYear !== birthYear) {
        errors.push(fe('id_number', 'id_number.year_mismatch', 'the ID number is for another birth year', { id_year: idYear, birth_year: birthYear }));
      }
      const dup = this.store.beneficiaries.find((b) => b.id_number === id && b.id !== selfId);
      if (dup) errors.push(fe('id_number', 'id_number.duplicate', 'ID number already recorded', { id: dup.id }));
    }

    if (i.ward_code === '') errors.push(fe('ward_code', 'required', 'required'));
    else if (!this.units.some((u) => u.code === i.ward_code)) errors.push(fe('ward_code', 'ward.unknown', 'unknown ward'));
    if (i.group_code === '') errors.push(fe('group_code', 'required', 'required'));
    else if (!this.groups.some((g) => g.code === i.group_code)) errors.push(fe('group_code', 'group.unknown', 'unknown group'));
    if (!DISABILITIES.includes(i.disability as Disability)) errors.push(fe('disability', 'disability.invalid', 'unknown disability'));
    const authorisedId = checkIdDigits('authorised_id_number', i.authorised_id_number, errors);
    if (authorisedId && authorisedId.length !== 12) {
      errors.push(fe('authorised_id_number', 'id_number.length', 'must have 12 digits', { expected: 12, found: authorisedId.length }));
    }
    if (i.phone.trim() !== '' && !/^\+?[\d\s.]{8,15}$/.test(i.phone.trim())) {
      errors.push(fe('phone', 'phone.invalid', 'not a phone number'));
    }
    if (i.authorised_name.trim() === '' && (i.authorised_id_number.trim() !== '' || i.authorised_relation.trim() !== '')) {
      errors.push(fe('authorised_name', 'required', 'name the authorised person'));
    }
    if (errors.length > 0) throw wire(errors);

    const needs: Needs = { ...NO_NEEDS };
    for (const k of NEED_KEYS) needs[k] = !!i.needs[k];
    const fields = {
      full_name: name,
      birth_date: birthDate,
      birth_year: birthYear!,
      sex: sex!,
      id_number: idNumber,
      legacy_id_number: legacy,
      ward_code: i.ward_code,
      group_code: i.group_code,
      disability: i.disability as Disability,
      needs,
      residential_group: i.residential_group.trim(),
      phone: i.phone.trim(),
      id_override_reason: i.id_override_reason.trim(),
      authorised_name: i.authorised_name.trim(),
      authorised_id_number: authorisedId ?? '',
      authorised_relation: i.authorised_relation.trim(),
      duplicate_reason: (i.duplicate_reason ?? '').trim(),
    };
    return fields;
  }

  /** People with the same folded name, ward and birth year (and no other full birth date). */
  private similarTo(f: { full_name: string; ward_code: string; birth_year: number; birth_date: string | null }, selfId: string | null): Beneficiary[] {
    return this.store.beneficiaries.filter(
      (b) =>
        b.id !== selfId &&
        fold(b.full_name) === fold(f.full_name) &&
        b.ward_code === f.ward_code &&
        b.birth_year === f.birth_year &&
        (b.birth_date === null || f.birth_date === null || b.birth_date === f.birth_date),
    );
  }

  private checkSimilar(f: ReturnType<FakeBackend['checkBeneficiary']>, selfId: string | null): void {
    if (f.duplicate_reason !== '') return;
    const similar = this.similarTo(f, selfId);
    if (similar.length > 0) {
      throw wire([
        fe('duplicate_reason', 'beneficiary.possible_duplicate', 'possible duplicate', {
          id: similar[0].id,
          count: similar.length,
        }),
      ]);
    }
  }

  add_beneficiary(args: { input: BeneficiaryInput }): Promise<Beneficiary> {
    return this.answer('add_beneficiary', args, () => {
      const f = this.checkBeneficiary(args.input, null);
      this.checkSimilar(f, null);
      this.drafts.delete('beneficiary|');
      return this.insertBeneficiary(f);
    });
  }

  update_beneficiary(args: { id: string; input: BeneficiaryInput }): Promise<Beneficiary> {
    return this.answer('update_beneficiary', args, () => {
      const index = this.store.beneficiaries.findIndex((b) => b.id === args.id);
      if (index < 0) throw notFound('beneficiary', args.id);
      const before = this.store.beneficiaries[index];
      const f = this.checkBeneficiary(args.input, args.id);
      if (this.similarTo(before, args.id).length === 0 || fold(before.full_name) !== fold(f.full_name)) this.checkSimilar(f, args.id);
      const updated: Beneficiary = {
        ...before,
        ...f,
        ward_name: this.units.find((u) => u.code === f.ward_code)?.name ?? f.ward_code,
        updated_at: `${this.today}T09:00:00Z`,
      };
      this.store.beneficiaries[index] = updated;
      this.drafts.delete(`beneficiary_edit|${args.id}`);
      return updated;
    });
  }

  similar_beneficiaries(args: { input: BeneficiaryInput; exclude: string | null }): Promise<Beneficiary[]> {
    return this.answer('similar_beneficiaries', args, () =>
      this.similarTo(this.checkBeneficiary(args.input, args.exclude), args.exclude),
    );
  }

  // ----- drafts (Rust keeps them in SQLite; here a map keyed "form|subject") -----

  readonly drafts = new Map<string, Draft>();

  save_draft(args: { draft: DraftInput }): Promise<null> {
    return this.answer('save_draft', args, () => {
      const d = args.draft;
      this.drafts.set(`${d.form}|${d.subject}`, { ...structuredClone(d), updated_at: `${this.today}T10:00:00Z` });
      return null;
    });
  }

  get_draft(args: { form: DraftForm; subject: string }): Promise<Draft | null> {
    return this.answer('get_draft', args, () => this.drafts.get(`${args.form}|${args.subject}`) ?? null);
  }

  list_drafts(): Promise<Draft[]> {
    return this.answer('list_drafts', undefined, () => [...this.drafts.values()]);
  }

  discard_draft(args: { form: DraftForm; subject: string }): Promise<null> {
    return this.answer('discard_draft', args, () => {
      this.drafts.delete(`${args.form}|${args.subject}`);
      return null;
    });
  }

  open_account(args: { input: AccountInput }): Promise<Account> {
    return this.answer('open_account', args, () => {
      const i = args.input;
      if (!this.store.beneficiaries.some((b) => b.id === i.beneficiary_id)) throw notFound('beneficiary', i.beneficiary_id);
      const errors: FieldError[] = [];
      let channel: Channel | null = null;
      if (i.channel === '') errors.push(fe('channel', 'required', 'required'));
      else if (CHANNELS.includes(i.channel as Channel)) channel = i.channel as Channel;
      else errors.push(fe('channel', 'channel.unknown', 'unknown channel'));
      if (channel) {
        const options = this.providers.filter((p) => p.channel === channel);
        if (options.length > 0) {
          if (i.provider_code === '') errors.push(fe('provider_code', 'required', 'required'));
          else if (!options.some((p) => p.code === i.provider_code)) errors.push(fe('provider_code', 'provider.unknown', 'unknown provider'));
        }
        const number = i.account_number.replace(/\s+/g, '');
        if (channel !== 'cash' && channel !== 'vneid') {
          if (number === '') errors.push(fe('account_number', 'required', 'required'));
          else if (!/^[0-9A-Za-z]{4,19}$/.test(number)) errors.push(fe('account_number', 'account_number.invalid', 'invalid account number'));
        }
      }
      const requested = this.checkDate('requested_on', i.requested_on, errors);
      const opened = this.checkDate('opened_on', i.opened_on, errors, false);
      if (requested && opened && opened < requested) errors.push(fe('opened_on', 'date.before_request', 'opened before it was requested'));
      if (errors.length > 0) throw wire(errors);
      return this.insertAccount(i.beneficiary_id, channel!, i.provider_code, i.account_number.replace(/\s+/g, ''), requested, opened, i.assisted);
    });
  }

  record_payment(args: { input: PaymentInput }): Promise<Payment> {
    return this.answer('record_payment', args, () => {
      const i = args.input;
      const b = this.store.beneficiaries.find((x) => x.id === i.beneficiary_id);
      if (!b) throw notFound('beneficiary', i.beneficiary_id);
      const errors: FieldError[] = [];
      let account: Account | null = null;
      if (i.account_id !== null) {
        account = this.store.accounts.find((a) => a.id === i.account_id && a.beneficiary_id === b.id) ?? null;
        if (!account) errors.push(fe('account_id', 'not_found', 'no such account for this person'));
        else if (account.status !== 'opened') errors.push(fe('account_id', 'account.not_opened', 'account not opened'));
      }
      let period: string | null = null;
      const pm = /^\s*(\d{1,2})\/(\d{4})\s*$/.exec(i.period);
      if (i.period.trim() === '') errors.push(fe('period', 'required', 'required'));
      else if (!pm || Number(pm[1]) < 1 || Number(pm[1]) > 12) errors.push(fe('period', 'period.invalid', 'not a period (mm/yyyy)'));
      else {
        period = `${pm[2]}-${pad2(Number(pm[1]))}`;
        if (this.store.payments.some((p) => p.beneficiary_id === b.id && p.period === period)) {
          errors.push(fe('period', 'payment.duplicate', 'payment already recorded', { period }));
        }
      }
      let amount: number | null = null;
      if (i.amount.trim() === '') {
        amount = b.entitlement_vnd;
        if (amount === null) errors.push(fe('amount', 'required', 'no entitlement: give the amount'));
      } else {
        amount = parseMoney(i.amount);
        if (amount === null) errors.push(fe('amount', 'amount.invalid', 'not an amount'));
        else if (amount <= 0) errors.push(fe('amount', 'amount.not_positive', 'must be positive'));
      }
      let credited: string | null = null;
      if (i.status === 'credited') credited = this.checkDate('credited_on', i.credited_on, errors);
      else if (i.status === 'failed') {
        if (i.failure_reason.trim() === '') errors.push(fe('failure_reason', 'failure_reason.required', 'give the reason'));
      } else errors.push(fe('status', 'status.invalid', 'unknown status'));
      if (errors.length > 0) throw wire(errors);
      return this.insertPayment(b.id, account, period!, amount!, i.status, credited, i.failure_reason.trim());
    });
  }

  record_withdrawal(args: { input: WithdrawalInput }): Promise<Withdrawal> {
    return this.answer('record_withdrawal', args, () => {
      const i = args.input;
      const p = this.store.payments.find((x) => x.id === i.payment_id);
      if (!p) throw notFound('payment', i.payment_id);
      if (p.status !== 'credited') throw wire([fe('payment_id', 'payment.not_credited', 'payment not credited')]);
      const errors: FieldError[] = [];
      const on = this.checkDate('withdrawn_on', i.withdrawn_on, errors);
      if (on && p.credited_on && on < p.credited_on) errors.push(fe('withdrawn_on', 'date.before_credit', 'before the credit date'));
      let amount: number | null = null;
      const remaining = p.amount_vnd - p.withdrawn_vnd;
      if (i.amount.trim() === '') errors.push(fe('amount', 'required', 'required'));
      else {
        amount = parseMoney(i.amount);
        if (amount === null) errors.push(fe('amount', 'amount.invalid', 'not an amount'));
        else if (amount <= 0) errors.push(fe('amount', 'amount.not_positive', 'must be positive'));
        else if (amount > remaining) errors.push(fe('amount', 'amount.exceeds_payment', 'more than what is left', { remaining }));
      }
      if (i.place === '') errors.push(fe('place', 'required', 'required'));
      else if (!PLACES.includes(i.place as Place)) errors.push(fe('place', 'place.invalid', 'unknown place'));
      const travel = this.checkCount('travel_minutes', i.travel_minutes, errors);
      const cost = parseMoney(i.travel_cost) ?? null;
      if (i.travel_cost.trim() !== '' && (cost === null || cost < 0)) errors.push(fe('travel_cost', 'amount.invalid', 'not an amount'));
      const waiting = this.checkCount('waiting_minutes', i.waiting_minutes, errors);
      for (const pr of i.problems) {
        if (!PROBLEMS.includes(pr as Problem)) errors.push(fe('problems', 'problem.invalid', 'unknown problem'));
      }
      if (errors.length > 0) throw wire(errors);
      return this.insertWithdrawal(p, on!, amount!, i.place as Place, travel, i.travel_cost.trim() === '' ? null : cost, waiting, i.assisted, i.problems as Problem[]);
    });
  }

  // ----- field workflows (fake-followup.ts) -----

  followup_list(args: { query: FollowupQuery }): Promise<FollowupList> {
    return this.answer('followup_list', args, () => this.field.followupList(args.query));
  }
  export_followup(args: { query: FollowupQuery }): Promise<ExportResult> {
    return this.answer('export_followup', args, () => this.field.exportFollowup(args.query));
  }
  record_contact(args: { input: ContactInput }): Promise<Contact> {
    return this.answer('record_contact', args, () => this.field.recordContact(args.input));
  }
  list_contacts(args: { query: { beneficiary_id: string } }): Promise<Contact[]> {
    return this.answer('list_contacts', args, () => this.field.contactsOf(args.query.beneficiary_id));
  }
  create_verification_sample(args: { input: SampleInput }): Promise<VerificationSample> {
    return this.answer('create_verification_sample', args, () => this.field.createSample(args.input));
  }
  get_verification_sample(args: { period: string }): Promise<VerificationSample | null> {
    return this.answer('get_verification_sample', args, () => this.field.sampleFor(args.period));
  }
  record_verification(args: { input: VerificationInput }): Promise<VerificationSample> {
    return this.answer('record_verification', args, () => this.field.recordVerification(args.input));
  }
  open_grievance(args: { input: GrievanceInput }): Promise<Grievance> {
    return this.answer('open_grievance', args, () => this.field.openGrievance(args.input));
  }
  update_grievance(args: { input: GrievanceUpdateInput }): Promise<Grievance> {
    return this.answer('update_grievance', args, () => this.field.updateGrievance(args.input));
  }
  auth_status(): Promise<AuthStatus> {
    return this.answer('auth_status', undefined, () => this.security.status());
  }

  setup_admin(args: { input: SetupInput }): Promise<UserView> {
    return this.answer('setup_admin', args, () => this.security.setup(args.input));
  }

  login(args: { input: LoginInput }): Promise<UserView> {
    return this.answer('login', args, () => this.security.login(args.input));
  }

  logout(): Promise<null> {
    return this.answer('logout', undefined, () => this.security.logout());
  }

  list_users(): Promise<UserView[]> {
    return this.answer('list_users', undefined, () => this.security.list());
  }

  create_user(args: { input: UserInput }): Promise<UserView> {
    return this.answer('create_user', args, () => this.security.create(args.input));
  }

  update_user(args: { input: UserChangeInput }): Promise<UserView> {
    return this.answer('update_user', args, () => this.security.update(args.input));
  }

  audit_log(args: { query: { limit?: number; offset?: number } }): Promise<AuditPage> {
    return this.answer('audit_log', args, () => this.security.page());
  }

  set_idle_minutes(args: { minutes: number }): Promise<null> {
    return this.answer('set_idle_minutes', args, () => {
      this.security.require(true);
      this.security.idleMinutes = args.minutes;
      return null;
    });
  }

  reveal_account_number(args: { id: string }): Promise<string> {
    return this.answer('reveal_account_number', args, () => {
      const a = this.store.accounts.find((x) => x.id === args.id);
      if (!a) throw notFound('account', args.id);
      return a.account_number;
    });
  }

  get_legal_basis(args: { id: string }): Promise<LegalBasisRecord | null> {
    return this.answer('get_legal_basis', args, () => this.legalBases.get(args.id) ?? null);
  }

  set_legal_basis(args: { input: LegalBasisInput }): Promise<LegalBasisRecord> {
    return this.answer('set_legal_basis', args, () => {
      const { beneficiary_id, basis, note } = args.input;
      if (!['legal_obligation', 'consent', 'vital_interest'].includes(basis)) throw wire([fe('basis', 'legal_basis.invalid', 'unknown')]);
      if (basis === 'consent' && !note.trim()) throw wire([fe('note', 'required', 'required')]);
      const r: LegalBasisRecord = { basis: basis as LegalBasisRecord['basis'], note: note.trim(), recorded_on: this.today, recorded_by: this.security.session?.username ?? '' };
      this.legalBases.set(beneficiary_id, r);
      return r;
    });
  }

  export_person(args: { id: string }): Promise<ExportResult> {
    return this.answer('export_person', args, () => {
      if (!this.store.beneficiaries.some((b) => b.id === args.id)) throw notFound('beneficiary', args.id);
      return { path: `/tmp/ansinh/du-lieu-ca-nhan-${args.id}.xlsx`, rows: 1 };
    });
  }

  backup_now(): Promise<BackupInfo> {
    return this.answer('backup_now', undefined, () => {
      this.security.require(true);
      const b = { path: `/home/u/Documents/ansinh-backups/ansinh-${this.backups.length + 1}.db`, bytes: 40960, taken_at: `${this.today}T08:00:00Z` };
      this.backups.unshift(b);
      return b;
    });
  }

  list_backups(): Promise<BackupList> {
    return this.answer('list_backups', undefined, () => {
      this.security.require(true);
      return { dir: '/home/u/Documents/ansinh-backups', backups: this.backups };
    });
  }

  restore_backup(args: { path: string }): Promise<null> {
    return this.answer('restore_backup', args, () => {
      this.security.require(true);
      if (!this.backups.some((b) => b.path === args.path)) throw wire([fe('path', 'backup.unknown', 'unknown backup')]);
      this.security.session = null;
      return null;
    });
  }

  change_password(args: { input: PasswordChange }): Promise<null> {
    return this.answer('change_password', args, () => this.security.changePassword(args.input));
  }

  rekey_database(): Promise<RekeyReport> {
    return this.answer('rekey_database', undefined, () => this.security.rekey());
  }

  convert_plaintext(args: { input: SetupInput }): Promise<UserView> {
    return this.answer('convert_plaintext', args, () => this.security.convert(args.input));
  }

  list_grievances(args: { query: GrievanceQuery }): Promise<Grievance[]> {
    return this.answer('list_grievances', args, () => this.field.listGrievances(args.query));
  }

  // ----- exchange (fake-exchange.ts) -----

  exchange_overview(): Promise<ExchangeOverview> {
    return this.answer('exchange_overview', undefined, () => this.exchange.overview());
  }
  exchange_save_public(): Promise<string> {
    return this.answer('exchange_save_public', undefined, () => '/exports/ansinh-khoa-fake.pub.json');
  }
  exchange_read_device(args: { key: string }): Promise<PublicKeys> {
    return this.answer('exchange_read_device', args, () => this.exchange.readDevice(args.key));
  }
  exchange_register_device(args: { key: string; name: string; role: DeviceRole; ward: string }): Promise<DeviceView> {
    return this.answer('exchange_register_device', args, () => this.exchange.register(args.key, args.name, args.role, args.ward));
  }
  exchange_revoke_device(args: { deviceId: string }): Promise<DeviceView> {
    return this.answer('exchange_revoke_device', args, () => this.exchange.revoke(args.deviceId));
  }
  reference_import(args: { file: PickedFile }): Promise<ReferenceReport> {
    return this.answer('reference_import', args, () => ({ version: 1, rows: { allowance_groups: args.file.bytes.length } }));
  }
  exchange_export(args: { office: string; since: number | null }): Promise<SavedBundle> {
    return this.answer('exchange_export', args, () => this.exchange.export(args.office, args.since));
  }
  exchange_import(args: { file: PickedFile; dryRun: boolean }): Promise<BundleImport> {
    return this.answer('exchange_import', args, () => this.exchange.import(args.file, args.dryRun));
  }
  exchange_receipt(): Promise<string> {
    return this.answer('exchange_receipt', undefined, () => '/exports/ansinh-bien-nhan-fake.json');
  }
  exchange_import_receipt(args: { file: PickedFile }): Promise<number> {
    return this.answer('exchange_import_receipt', args, () => this.exchange.lastSeq);
  }
  review_list(): Promise<ReviewItem[]> {
    return this.answer('review_list', undefined, () => this.exchange.review);
  }
  review_settle(args: { id: number; keep: string }): Promise<null> {
    return this.answer('review_settle', args, () => this.exchange.settle(args.id, args.keep));
  }
  review_dismiss(args: { id: number }): Promise<null> {
    return this.answer('review_dismiss', args, () => this.exchange.dismiss(args.id));
  }

  metrics(args: { query: MetricsQuery }): Promise<MetricsReport> {
    return this.answer('metrics', args, () => {
      const asOf = this.asOf(args.query.as_of);
      const bad = (['from', 'to'] as const).filter((k) => {
        const v = (args.query.filter?.[k] ?? '').trim();
        const m = /^(\d{1,2})\/(\d{4})$/.exec(v);
        return v !== '' && (!m || Number(m[1]) < 1 || Number(m[1]) > 12);
      });
      if (bad.length) throw wire(bad.map((k) => fe(k, 'period.invalid', 'not a period (mm/yyyy)')));
      const person = (id: string) => this.store.beneficiaries.find((x) => x.id === id)!;
      const all = this.credited(asOf).filter((x) => keeps(args.query.filter, x.p, x.b));
      const kept = this.store.payments.filter((p) => keeps(args.query.filter, p, person(p.beneficiary_id)));
      const people = new Set(kept.map((p) => p.beneficiary_id));
      const accounts = this.store.accounts.filter((a) => people.has(a.beneficiary_id));
      const overall = indicators(computeMetrics(all.map((x) => x.obs)), kept, accounts, asOf);
      const wards = this.segments(all, 'ward');
      const worst = wards
        .filter((s) => !s.too_few)
        .map((s) => ({ key: s.key, label: s.label, median_days: s.too_few ? null : s.time_to_cash_days.median, withdrawn_by_day_3: s.too_few ? null : s.withdrawn_by_day['3'], credited: s.size }))
        .sort((a, b) => (b.median_days ?? Infinity) - (a.median_days ?? Infinity))
        .slice(0, 3);
      const report: MetricsReport = { as_of: asOf, min_segment_payments: MIN_SEGMENT, by: args.query.by, ...overall, worst_wards: worst, worst_groups: [] };
      const by = args.query.by[0];
      if (by) report.segments = this.segments(all, by);
      return report;
    });
  }

  /** Exports recorded by the fake (who, what, when). */
  readonly exports: ExportRecord[] = [];

  monthly_report(args: { query: ReportQuery }): Promise<SavedFile> {
    return this.answer('monthly_report', args, () => {
      const m = /^(\d{1,2})\/(\d{4})$/.exec(args.query.cycle.trim());
      if (!m || Number(m[1]) < 1 || Number(m[1]) > 12) throw wire([fe('cycle', 'period.invalid', 'not a period (mm/yyyy)')]);
      const period = `${m[2]}-${m[1].padStart(2, '0')}`;
      const scope = args.query.ward || 'city';
      const path = `/exports/bao-cao-${scope}-${period}.xlsx`;
      this.exports.unshift({ id: `x${this.exports.length + 1}`, kind: 'monthly_report_xlsx', what: 'indicators', scope, period, file_path: path, created_at: `${this.today}T00:00:00Z`, created_by: 'officer' });
      return { path };
    });
  }

  /** Placeholder SVGs naming each chart (the real ones are drawn by Rust). */
  indicator_panels(args: { query: { as_of: string | null; filter: FilterInput; lang: Lang } }): Promise<PanelsView> {
    return this.answer('indicator_panels', args, () => {
      const svg = (name: string) => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 40" data-fake="true"><text x="4" y="20">${name}</text></svg>`;
      return { ward_bars: svg('ward_bars'), trend: svg('trend'), heat: svg('heat'), convenience: svg('convenience') };
    });
  }

  export_table_csv(args: { query: MetricsQuery }): Promise<SavedFile> {
    return this.answer('export_table_csv', args, () => {
      const what = args.query.by.length ? `by_${args.query.by.join('_')}` : 'overall';
      const path = `/exports/chi-so-${what}.csv`;
      this.exports.unshift({ id: `x${this.exports.length + 1}`, kind: 'table_csv', what, scope: args.query.filter?.ward || 'city', period: null, file_path: path, created_at: `${this.today}T00:00:00Z`, created_by: 'officer' });
      return { path };
    });
  }

  record_print(args: { query: { cycle: string | null; ward: string | null } }): Promise<null> {
    return this.answer('record_print', args, () => {
      const m = /^(\d{1,2})\/(\d{4})$/.exec((args.query.cycle ?? '').trim());
      const period = m ? `${m[2]}-${m[1].padStart(2, '0')}` : null;
      this.exports.unshift({ id: `x${this.exports.length + 1}`, kind: 'monthly_report_print', what: 'indicators', scope: args.query.ward || 'city', period, file_path: '', created_at: `${this.today}T00:00:00Z`, created_by: 'officer' });
      return null;
    });
  }

  list_exports(): Promise<ExportRecord[]> {
    return this.answer('list_exports', {}, () => [...this.exports]);
  }

  time_to_cash_chart(args: { query: ChartQuery }): Promise<string> {
    return this.answer('time_to_cash_chart', args, () => {
      const asOf = this.asOf(args.query.as_of);
      const m = computeMetrics(this.credited(asOf).map((x) => x.obs));
      const pts = m.curve.map((c) => `${20 + c.day * 12},${220 - c.withdrawn * 200}`).join(' ');
      const title = args.query.lang === 'vi' ? 'Tỉ lệ đã rút theo ngày' : 'Share withdrawn by day';
      return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 240" role="img" data-fake="true"><title>${title}</title><polyline fill="none" stroke="#1d4ed8" stroke-width="2" points="${pts}"/></svg>`;
    });
  }

  // ----- indicators (a simplified Kaplan–Meier, enough to drive the UI) -----

  // ----- imports (docs/IPC.md, "Imports") -----

  import_mapping(args: { file: PickedFile }): Promise<MappingProposal> {
    return this.answer('import_mapping', args, () => {
      const t = readTable(args.file);
      const remembered = this.mappings.get(headerKey(t.headers));
      return {
        headers: t.headers,
        mapping: remembered ?? autoMapping(t.headers),
        remembered: !!remembered,
        fields: IMPORT_FIELDS,
        required: IMPORT_REQUIRED,
      };
    });
  }

  private analyseImport(r: ImportRequest) {
    const t = readTable(r.file);
    const mErr = mappingErrors(r.mapping);
    if (mErr.length) throw wire(mErr);
    this.mappings.set(headerKey(t.headers), [...r.mapping]);
    const col = (f: string) => r.mapping.indexOf(f);
    const rows: PreviewRow[] = [];
    const errors: FieldError[] = [];
    const add: Array<{ row: number; b: Omit<BeneficiarySummary, 'id' | 'ward_name'> }> = [];
    const duplicates: DuplicateView[] = [];
    let unchanged = 0;
    const seen = new Map<string, number>();
    t.rows.forEach((cells, i) => {
      const row = t.firstRow + i;
      const get = (f: string) => (col(f) >= 0 ? (cells[col(f)] ?? '').trim() : '');
      const errs: FieldError[] = [];
      const name = get('full_name');
      if (!name) errs.push({ ...fe('full_name', 'required', 'required'), row });
      const birth = get('birth_date');
      const iso = /^\d{4}$/.test(birth) ? null : parseTypedDate(birth);
      if (!/^\d{4}$/.test(birth) && !iso) errs.push({ ...fe('birth_date', 'date.invalid', 'bad date'), row });
      const sexText = fold(get('sex'));
      const sex: Sex | null = ['nam', 'male'].includes(sexText) ? 'male' : ['nu', 'female'].includes(sexText) ? 'female' : null;
      if (!sex) errs.push({ ...fe('sex', 'sex.invalid', 'bad sex'), row });
      const idErrs: FieldError[] = [];
      const id = checkIdDigits('id_number', get('id_number'), idErrs);
      if (!id && idErrs.length === 0) idErrs.push(fe('id_number', 'required', 'required'));
      errs.push(...idErrs.map((e) => ({ ...e, row })));
      const ward = get('ward_code');
      if (!this.units.some((u) => u.code === ward)) errs.push({ ...fe('ward_code', 'ward.unknown', 'unknown ward'), row });
      const group = get('group_code');
      if (!this.groups.some((g) => g.code === group)) errs.push({ ...fe('group_code', 'group.unknown', 'unknown group'), row });
      let outcome: PreviewRow['outcome'] = 'error';
      if (errs.length === 0 && id) {
        if (seen.has(id)) errs.push({ ...fe('id_number', 'id_number.duplicate', 'twice', { row: seen.get(id)! }), row });
        else if (this.store.beneficiaries.some((b) => b.id_number === id || b.legacy_id_number === id)) {
          outcome = 'unchanged';
          unchanged += 1;
        } else {
          const by = iso ? Number(iso.slice(0, 4)) : Number(birth);
          const key = `${fold(name)}|${by}|${ward}`;
          const existing = this.store.beneficiaries.find((b) => `${fold(b.full_name)}|${b.birth_year}|${b.ward_code}` === key);
          const other = add.find((a) => `${fold(a.b.full_name)}|${a.b.birth_year}|${a.b.ward_code}` === key);
          outcome = existing || other ? 'duplicate' : 'add';
          if (existing || other) {
            duplicates.push({
              row, full_name: name, birth: iso ?? birth, ward_code: ward, id_number: id,
              existing: existing ? { id: existing.id, full_name: existing.full_name, birth_date: existing.birth_date,
                birth_year: existing.birth_year, ward_code: existing.ward_code, id_number: existing.id_number,
                legacy_id_number: existing.legacy_id_number } : null,
              other_row: existing ? null : other!.row,
            });
          }
          add.push({ row, b: { full_name: name, birth_date: iso, birth_year: by, sex: sex!, id_number: id.length === 12 ? id : null,
            legacy_id_number: id.length === 9 ? id : null, ward_code: ward, group_code: group, disability: 'none', needs: { ...NO_NEEDS } } });
        }
        seen.set(id, row);
      }
      if (errs.length) outcome = 'error';
      errors.push(...errs);
      if (rows.length < 20) {
        rows.push({ row, outcome, full_name: name, birth: iso ?? birth, sex: sex ?? get('sex'), id_number: id ?? get('id_number'),
          ward_code: ward, group_code: group, errors: errs });
      }
    });
    const errorRows = new Set(errors.map((e) => e.row)).size;
    return { t, rows, errors, add, duplicates, unchanged, errorRows };
  }

  import_preview(args: { request: ImportRequest }): Promise<ImportPreview> {
    return this.answer('import_preview', args, () => {
      const a = this.analyseImport(args.request);
      return {
        totals: {
          rows: a.t.rows.length,
          add: a.add.length - a.duplicates.length,
          unchanged: a.unchanged,
          errors: a.errorRows,
          legacy: a.add.filter((x) => !x.b.id_number).length,
          duplicates: a.duplicates.length,
        },
        rows: a.rows,
        errors: a.errors,
        duplicates: a.duplicates,
      };
    });
  }

  import_apply(args: { request: ImportRequest }): Promise<ImportReport> {
    return this.answer('import_apply', args, () => {
      const a = this.analyseImport(args.request);
      if (a.errors.length) throw wire(a.errors);
      const d = args.request.duplicates;
      if (a.duplicates.length && !d) {
        throw wire([fe('duplicates', 'import.duplicates_undecided', 'undecided', { count: a.duplicates.length })]);
      }
      if (a.duplicates.length && d?.keep && d.reason.trim() === '') {
        throw wire([fe('duplicate_reason', 'duplicate_reason.required', 'reason needed')]);
      }
      const dupRows = new Set(a.duplicates.map((x) => x.row));
      let added = 0;
      let skipped = 0;
      for (const x of a.add) {
        if (dupRows.has(x.row) && !d?.keep) {
          skipped += 1;
          continue;
        }
        this.insertBeneficiary(x.b);
        added += 1;
      }
      return {
        rows: a.t.rows.length,
        added,
        unchanged: a.unchanged,
        legacy_rows: a.add.filter((x) => !x.b.id_number).map((x) => x.row),
        skipped_duplicates: skipped,
        kept_duplicates: d?.keep ? a.duplicates.length : 0,
      };
    });
  }

  read_local_file(args: { path: string }): Promise<PickedFile> {
    return this.answer('read_local_file', args, () => {
      const text = this.localFiles.get(args.path);
      if (text === undefined) throw wire([{ code: 'file', message: `${args.path}: not found` }]);
      return { name: args.path.split('/').pop() ?? args.path, bytes: Array.from(new TextEncoder().encode(text)) };
    });
  }

  save_error_report(args: { report: ErrorReport }): Promise<string> {
    return this.answer('save_error_report', args, () => {
      this.savedReports.push(args.report);
      return `/tmp/ansinh/${args.report.name}.xlsx`;
    });
  }

  list_cycles(): Promise<CycleView[]> {
    return this.answer('list_cycles', undefined, () => this.cycles());
  }

  private cycles(): CycleView[] {
    const periods = [...new Set(this.store.payments.map((p) => p.period))].sort().reverse();
    return periods.map((period) => ({
      period,
      scheduled_on: `${period}-10`,
      closed_at: this.closedCycles.has(period) ? `${this.today}T08:00:00Z` : null,
      payments: this.store.payments.filter((p) => p.period === period).length,
      credited: this.store.payments.filter((p) => p.period === period && p.status === 'credited').length,
      has_sample: this.field.hasSample(period),
    }));
  }

  reconcile_payments(args: { request: ReconcileRequest }): Promise<ReconcileReport> {
    return this.answer('reconcile_payments', args, () => {
      const m = /^(\d{2})\/(\d{4})$/.exec(args.request.period.trim());
      const period = m ? `${m[2]}-${m[1]}` : args.request.period.trim();
      if (this.closedCycles.has(period)) throw wire([fe('period', 'cycle.closed', 'closed')]);
      const t = readTable(args.request.file);
      const h = t.headers.map(fold);
      const col = (names: string[]) => h.findIndex((x) => names.includes(x));
      const [cRef, cId, cAmt, cSt, cDate, cWhy] = [
        col(['ma giao dich', 'reference']), col(['so dinh danh', 'so cccd', 'id number']), col(['so tien', 'amount']),
        col(['trang thai', 'status']), col(['ngay ghi co', 'credited date']), col(['ly do', 'reason']),
      ];
      const errors: FieldError[] = [];
      const report: ReconcileReport = { period, rows: t.rows.length, credited: 0, failed: 0, reversed: 0, unchanged: 0, applied: !args.request.dry_run };
      const changes: Array<() => void> = [];
      const firstRow = new Map<string, number>();
      t.rows.forEach((cells, i) => {
        const row = t.firstRow + i;
        const get = (c: number) => (c >= 0 ? (cells[c] ?? '').trim() : '');
        const ref = get(cRef);
        const idn = get(cId);
        const p = this.store.payments.find((x) => x.period === period && (ref ? x.id === ref :
          this.store.beneficiaries.some((b) => b.id === x.beneficiary_id && b.id_number === idn)));
        if (!p) {
          errors.push(ref ? { ...fe('reference', 'reconcile.unknown_reference', 'unknown', { reference: ref }), row }
            : { ...fe('id_number', 'reconcile.unknown_person', 'unknown', { id_number: idn }), row });
          return;
        }
        if (firstRow.has(p.id)) {
          errors.push({ ...fe('reference', 'reconcile.duplicate', 'twice', { row: firstRow.get(p.id)! }), row });
          return;
        }
        firstRow.set(p.id, row);
        const amount = parseMoney(get(cAmt));
        if (amount !== p.amount_vnd) {
          errors.push({ ...fe('amount', 'reconcile.amount_mismatch', 'amount', { expected: p.amount_vnd, found: amount ?? get(cAmt) }), row });
          return;
        }
        const word = fold(get(cSt));
        const status = ['thanh cong', 'credited'].includes(word) ? 'credited' : ['that bai', 'failed'].includes(word) ? 'failed'
          : ['hoan tra', 'reversed'].includes(word) ? 'reversed' : null;
        if (!status) {
          errors.push({ ...fe('status', 'status.invalid', 'status'), row });
          return;
        }
        const why = get(cWhy);
        if (status !== 'credited' && !why) {
          errors.push({ ...fe('failure_reason', 'failure_reason.required', 'reason'), row });
          return;
        }
        const on = status === 'credited' ? parseTypedDate(get(cDate)) : p.credited_on;
        if (p.status === status && p.credited_on === on && p.failure_reason === (status === 'credited' ? '' : why)) {
          report.unchanged += 1;
          return;
        }
        report[status] += 1;
        changes.push(() => {
          p.status = status;
          p.credited_on = status === 'failed' ? null : on;
          p.failure_reason = status === 'credited' ? '' : why;
        });
      });
      if (errors.length) throw wire(errors);
      if (!args.request.dry_run) changes.forEach((c) => c());
      return report;
    });
  }

  close_cycle(args: { period: string }): Promise<CycleView> {
    return this.answer('close_cycle', args, () => {
      const m = /^(\d{2})\/(\d{4})$/.exec(args.period.trim());
      const period = m ? `${m[2]}-${m[1]}` : args.period.trim();
      if (this.closedCycles.has(period)) throw wire([fe('period', 'cycle.closed', 'closed')]);
      this.closedCycles.add(period);
      const c = this.cycles().find((x) => x.period === period);
      if (!c) throw notFound('cycle', period);
      return c;
    });
  }

  private asOf(text: string | null): string {
    if (text === null || text.trim() === '') return this.today;
    const iso = parseTypedDate(text);
    if (!iso) throw wire([fe('as_of', 'date.invalid', 'not a valid date (dd/mm/yyyy)')]);
    return iso;
  }

  private credited(asOf: string): Array<{ p: Payment; b: Beneficiary; obs: Observation }> {
    const out: Array<{ p: Payment; b: Beneficiary; obs: Observation }> = [];
    for (const p of this.store.payments) {
      if (p.status !== 'credited' || !p.credited_on || p.credited_on > asOf) continue;
      const b = this.store.beneficiaries.find((x) => x.id === p.beneficiary_id)!;
      const first = p.withdrawals.find((w) => w.withdrawn_on <= asOf);
      const obs: Observation = first
        ? { days: dayNumber(first.withdrawn_on) - dayNumber(p.credited_on), event: true }
        : { days: dayNumber(asOf) - dayNumber(p.credited_on), event: false };
      out.push({ p, b, obs });
    }
    return out;
  }

  private segments(all: Array<{ p: Payment; b: Beneficiary; obs: Observation }>, by: SegmentBy): Segment[] {
    const groups = new Map<string, { label: string; obs: Observation[] }>();
    const add = (key: string, label: string, obs: Observation) => {
      const g = groups.get(key) ?? { label, obs: [] };
      g.obs.push(obs);
      groups.set(key, g);
    };
    const year = Number(this.today.slice(0, 4));
    for (const { p, b, obs } of all) {
      switch (by) {
        case 'ward':
          add(b.ward_code, b.ward_name, obs);
          break;
        case 'group': {
          const g = this.groups.find((x) => x.code === b.group_code);
          add(b.group_code, g ? (this.lang === 'vi' ? g.name_vi : g.name_en) : b.group_code, obs);
          break;
        }
        case 'channel':
          add(p.channel, p.channel, obs);
          break;
        case 'age': {
          const age = year - b.birth_year;
          const band = age < 16 ? 'under_16' : age < 60 ? '16_59' : age < 75 ? '60_74' : age < 80 ? '75_79' : '80_plus';
          add(band, band, obs);
          break;
        }
        case 'disability':
          add(b.disability, b.disability, obs);
          break;
        case 'assisted': {
          const k = b.authorised_name ? 'assisted' : 'unassisted';
          add(k, k, obs);
          break;
        }
        case 'cycle':
          add(p.period, p.period, obs);
          break;
        case 'need': {
          const needs = NEED_KEYS.filter((k) => b.needs[k]);
          if (needs.length === 0) add('none', 'none', obs);
          for (const k of needs) add(k, k, obs);
          break;
        }
      }
    }
    return [...groups.entries()].map(([key, g]): Segment => {
      const base = { key, keys: [key], label: g.label, size: g.obs.length };
      // The fake's "too few" counts credited payments (Rust counts every issued payment).
      if (g.obs.length < MIN_SEGMENT) return { ...base, too_few: true };
      return { ...base, too_few: false, ...indicators(computeMetrics(g.obs), [], [], '') };
    });
  }

  // ----- demo data -----

  private generateDemo(o: DemoOptions): DemoSummary {
    const errors: FieldError[] = [];
    if (!(o.wards >= 1 && o.wards <= this.units.length)) errors.push(fe('wards', 'number.invalid', 'wards out of range'));
    if (!(o.beneficiaries >= 1)) errors.push(fe('beneficiaries', 'number.invalid', 'beneficiaries out of range'));
    if (!(o.months >= 1 && o.months <= 24)) errors.push(fe('months', 'number.invalid', 'months out of range'));
    if (errors.length > 0) throw wire(errors);
    const rand = rng(o.seed);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const families = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
    const middles = { male: ['Văn', 'Đức', 'Minh', 'Quang'], female: ['Thị', 'Ngọc', 'Thu', 'Minh'] };
    const givens = { male: ['An', 'Bảo', 'Cường', 'Dũng', 'Hùng', 'Long', 'Sơn', 'Tuấn'], female: ['Anh', 'Bình', 'Dung', 'Hà', 'Lan', 'Mai', 'Nga', 'Hương'] };
    const wards = this.units.slice(0, o.wards);
    const todayDay = dayNumber(this.today);
    let payments = 0;
    let withdrawals = 0;
    for (let n = 0; n < o.beneficiaries; n++) {
      const sex: Sex = rand() < 0.55 ? 'female' : 'male';
      const year = 1935 + Math.floor(rand() * 80);
      const birth = isoOf(year, 1 + Math.floor(rand() * 12), 1 + Math.floor(rand() * 28));
      const d4 = (year >= 2000 ? 2 : 0) + (sex === 'female' ? 1 : 0);
      const id = `001${d4}${String(year % 100).padStart(2, '0')}${String(100000 + n).slice(-6)}`;
      const needs: Needs = { ...NO_NEEDS };
      for (const k of NEED_KEYS) needs[k] = rand() < 0.15;
      const b = this.insertBeneficiary({
        full_name: `${pick(families)} ${pick(middles[sex])} ${pick(givens[sex])}`,
        birth_date: birth,
        birth_year: year,
        sex,
        id_number: id,
        legacy_id_number: null,
        ward_code: pick(wards).code,
        group_code: pick(this.groups).code,
        disability: rand() < 0.2 ? 'severe' : 'none',
        needs,
      });
      const banked = rand() < 0.6;
      const acc = banked
        ? this.insertAccount(b.id, 'bank', pick(this.providers.filter((p) => p.channel === 'bank')).code, String(Math.floor(rand() * 1e10)).padStart(10, '0'), addDays(this.today, -400), addDays(this.today, -390), rand() < 0.5)
        : null;
      for (let m = o.months; m >= 1; m--) {
        const creditDay = todayDay - m * 30;
        const dt = new Date(creditDay * 86_400_000);
        const credited = isoOf(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
        const period = credited.slice(0, 7);
        if (this.store.payments.some((p) => p.beneficiary_id === b.id && p.period === period)) continue;
        const p = this.insertPayment(b.id, acc, period, b.entitlement_vnd ?? STANDARD_LEVEL, 'credited', credited, '');
        payments++;
        if (rand() < 0.85) {
          const wait = Math.floor(-Math.log(1 - rand()) * (needs.limited_mobility ? 9 : 4));
          const on = addDays(credited, wait);
          if (on <= this.today) {
            this.insertWithdrawal(p, on, p.amount_vnd, acc ? 'atm' : 'ward_office', 10 + Math.floor(rand() * 40), null, Math.floor(rand() * 30), needs.bedridden, []);
            withdrawals++;
          }
        }
      }
    }
    this.offerDemo = false;
    return { wards: wards.length, beneficiaries: o.beneficiaries, payments, withdrawals };
  }
}

interface Observation {
  days: number;
  event: boolean;
}

/** Kaplan–Meier share withdrawn by day, quantiles and counts from (days, withdrawn?) pairs. */
export function computeMetrics(obs: Observation[]): Metrics {
  const withdrawnShare = (day: number): number => {
    let atRisk = obs.length;
    let survival = 1;
    const times = [...new Set(obs.map((o) => o.days))].sort((a, b) => a - b);
    for (const t of times) {
      if (t > day) break;
      const events = obs.filter((o) => o.event && o.days === t).length;
      if (atRisk > 0) survival *= 1 - events / atRisk;
      atRisk -= obs.filter((o) => o.days === t).length;
    }
    return 1 - survival;
  };
  const curve = Array.from({ length: 31 }, (_, day) => ({ day, withdrawn: obs.length ? withdrawnShare(day) : 0 }));
  const maxDay = obs.reduce((m, o) => Math.max(m, o.days), 0);
  const quantile = (q: number): number | null => {
    for (let d = 0; d <= maxDay; d++) if (withdrawnShare(d) >= q - 1e-9) return d;
    return null;
  };
  const share = (d: number) => (obs.length ? withdrawnShare(d) : null);
  const withdrawn = obs.filter((o) => o.event).length;
  return {
    credited: obs.length,
    withdrawn,
    unwithdrawn: obs.length - withdrawn,
    time_to_cash_days: obs.length ? { median: quantile(0.5), p75: quantile(0.75), p90: quantile(0.9) } : { median: null, p75: null, p90: null },
    withdrawn_by_day: { '1': share(1), '3': share(3), '7': share(7), '30': share(30) },
    curve,
  };
}
