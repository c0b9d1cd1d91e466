// The TypeScript side of docs/IPC.md, kept field for field (snake_case, as on the wire).
// Dates Rust returns are ISO `yyyy-mm-dd`; dates the UI sends are the text the officer typed.

import type { ErrorCode } from './generated/error-codes';

export type Lang = 'vi' | 'en';
export type Sex = 'male' | 'female';
export type Channel = 'bank' | 'ewallet' | 'mobile_money' | 'vneid' | 'cash';
export type Disability = 'none' | 'severe' | 'particularly_severe';
export type AccountStatus = 'requested' | 'opened' | 'closed' | 'failed';
export type PaymentStatus = 'scheduled' | 'credited' | 'failed' | 'reversed';
export type Place =
  | 'atm'
  | 'bank_counter'
  | 'agent'
  | 'post_office'
  | 'home_delivery'
  | 'proxy'
  | 'ward_office';
export type Problem =
  | 'forgot_pin'
  | 'card_locked'
  | 'no_atm_nearby'
  | 'no_smartphone'
  | 'machine_out_of_service'
  | 'long_queue'
  | 'needed_help'
  | 'other';
export type SegmentBy = 'ward' | 'age' | 'group' | 'disability' | 'channel' | 'need' | 'assisted' | 'cycle';
export type NeedKey = keyof Needs;

export const SEXES: readonly Sex[] = ['male', 'female'];
export const CHANNELS: readonly Channel[] = ['bank', 'ewallet', 'mobile_money', 'vneid', 'cash'];
export const DISABILITIES: readonly Disability[] = ['none', 'severe', 'particularly_severe'];
export const ACCOUNT_STATUSES: readonly AccountStatus[] = ['requested', 'opened', 'closed', 'failed'];
export const PAYMENT_STATUSES: readonly PaymentStatus[] = ['scheduled', 'credited', 'failed', 'reversed'];
export const PLACES: readonly Place[] = [
  'atm',
  'bank_counter',
  'agent',
  'post_office',
  'home_delivery',
  'proxy',
  'ward_office',
];
export const PROBLEMS: readonly Problem[] = [
  'forgot_pin',
  'card_locked',
  'no_atm_nearby',
  'no_smartphone',
  'machine_out_of_service',
  'long_queue',
  'needed_help',
  'other',
];
export const SEGMENT_BYS: readonly SegmentBy[] = ['ward', 'age', 'group', 'disability', 'channel', 'need', 'assisted', 'cycle'];
export const NEED_KEYS: readonly NeedKey[] = [
  'lives_alone',
  'limited_mobility',
  'vision_hearing',
  'no_smartphone',
  'bedridden',
];

// ---- errors ----

/** Codes the UI makes itself, never sent by Rust: `unknown` for a rejection that is not an
 *  error object (a panic, a missing command), `auth.password_mismatch` for two typed passwords
 *  that differ. */
export type UiErrorCode = 'unknown' | 'auth.password_mismatch';

export interface FieldError {
  /** One of the Rust enum's codes (./generated/error-codes.ts), or a UI-side one. */
  code: ErrorCode | UiErrorCode;
  message: string;
  field?: string;
  row?: number;
  params?: Record<string, string>;
}

export interface WireError extends FieldError {
  details?: FieldError[];
}

// ---- reference data and app state ----

export interface AppInfo {
  version: string;
  db_path: string;
  device_id: string;
  beneficiary_count: number;
  lang: Lang;
  /** Empty database and the offer not yet declined. */
  offer_demo: boolean;
}

export interface DemoOptions {
  wards: number;
  beneficiaries: number;
  months: number;
  seed: number;
}

export interface DemoSummary {
  wards: number;
  beneficiaries: number;
  payments: number;
  withdrawals: number;
}

export interface Unit {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
  is_sample: boolean;
}

export interface Group {
  code: string;
  name_vi: string;
  name_en: string;
  scheme: 'social_assistance' | 'meritorious';
  coefficient: number;
}

export interface Provider {
  channel: Channel;
  code: string;
  name: string;
}

export interface Page<T> {
  total: number;
  items: T[];
}

export interface Needs {
  lives_alone: boolean;
  limited_mobility: boolean;
  vision_hearing: boolean;
  no_smartphone: boolean;
  bedridden: boolean;
}

// ---- records ----

export interface BeneficiarySummary {
  id: string;
  full_name: string;
  birth_date: string | null;
  birth_year: number;
  sex: Sex;
  id_number: string | null;
  legacy_id_number: string | null;
  ward_code: string;
  ward_name: string;
  group_code: string;
  disability: Disability;
  needs: Needs;
}

export interface Beneficiary extends BeneficiarySummary {
  residential_group: string;
  phone: string;
  id_override_reason: string;
  authorised_name: string;
  authorised_id_number: string;
  authorised_relation: string;
  /** Why the officer kept this person although flagged as a possible duplicate ('' if not). */
  duplicate_reason: string;
  entitlement_vnd: number | null;
  created_at: string;
  updated_at: string;
}

export interface Account {
  id: string;
  beneficiary_id: string;
  channel: Channel;
  provider_code: string;
  provider_name: string;
  account_number: string;
  status: AccountStatus;
  requested_on: string | null;
  opened_on: string | null;
  closed_on: string | null;
  close_reason: string;
  assisted: boolean;
  first_credit_on: string | null;
}

export interface Withdrawal {
  id: string;
  payment_id: string;
  withdrawn_on: string;
  amount_vnd: number;
  place: Place;
  travel_minutes: number | null;
  travel_cost_vnd: number | null;
  waiting_minutes: number | null;
  assisted: boolean;
  problems: Problem[];
}

export interface Payment {
  id: string;
  beneficiary_id: string;
  account_id: string | null;
  channel: Channel;
  /** yyyy-mm */
  period: string;
  amount_vnd: number;
  status: PaymentStatus;
  scheduled_on: string | null;
  credited_on: string | null;
  failure_reason: string;
  withdrawn_vnd: number;
  withdrawals: Withdrawal[];
}

export interface BeneficiaryDetail {
  beneficiary: Beneficiary;
  accounts: Account[];
  /** Newest first. */
  payments: Payment[];
}

// ---- inputs (text as typed; Rust parses and validates) ----

export interface SearchQuery {
  text: string;
  ward_code: string | null;
  limit: number;
  offset: number;
}

export interface BeneficiaryInput {
  full_name: string;
  birth_date: string;
  sex: string;
  id_number: string;
  id_override_reason: string;
  ward_code: string;
  residential_group: string;
  phone: string;
  group_code: string;
  disability: string;
  needs: Needs;
  authorised_name: string;
  authorised_id_number: string;
  authorised_relation: string;
  /** Why this person is registered although a possible duplicate exists ('' when none seen). */
  duplicate_reason: string;
}

export interface AccountInput {
  beneficiary_id: string;
  channel: string;
  provider_code: string;
  account_number: string;
  requested_on: string;
  /** Empty: still requested. */
  opened_on: string;
  assisted: boolean;
}

export interface PaymentInput {
  beneficiary_id: string;
  /** null: cash. */
  account_id: string | null;
  /** mm/yyyy */
  period: string;
  /** Empty: the person's entitlement. */
  amount: string;
  status: 'credited' | 'failed';
  credited_on: string;
  failure_reason: string;
}

export interface WithdrawalInput {
  payment_id: string;
  withdrawn_on: string;
  amount: string;
  place: string;
  travel_minutes: string;
  travel_cost: string;
  /** Empty: does not remember (same for travel_minutes and travel_cost). */
  waiting_minutes: string;
  assisted: boolean;
  problems: string[];
}

// ---- indicators ----

/** Which facts count (empty or null = all). Cycles mm/yyyy. */
export interface FilterInput {
  from?: string | null;
  to?: string | null;
  ward?: string | null;
  group?: string | null;
  channel?: string | null;
  need?: string | null;
}

export interface MetricsQuery {
  /** dd/mm/yyyy as typed; null = today. */
  as_of: string | null;
  /** None, one or two dimensions. */
  by: SegmentBy[];
  filter?: FilterInput;
}

export interface ChartQuery extends MetricsQuery {
  lang: Lang;
}

/** Whole days. */
export interface TimeToCash {
  median: number | null;
  p75: number | null;
  p90: number | null;
}

export type WithdrawnByDayKey = '1' | '3' | '7' | '30';
export const WITHDRAWN_BY_DAY_KEYS: readonly WithdrawnByDayKey[] = ['1', '3', '7', '30'];

export interface Metrics {
  credited: number;
  withdrawn: number;
  unwithdrawn: number;
  time_to_cash_days: TimeToCash;
  /** Kaplan-Meier share (0..1) of credited payments withdrawn within k days. */
  withdrawn_by_day: Record<WithdrawnByDayKey, number | null>;
  /** Day 0..=30, Kaplan-Meier share withdrawn. */
  curve: { day: number; withdrawn: number }[];
}

/** `count` of `n`; share null when n = 0. */
export interface Share {
  n: number;
  count: number;
  share: number | null;
}

/** Mean and median of known values (unknown left out). */
export interface Stat {
  n: number;
  mean: number | null;
  median: number | null;
}

/** Every indicator (README `metrics --json`). */
export interface Indicators extends Metrics {
  payments: number;
  full_first_visit: Share;
  unwithdrawn_at_cycle_end: Share;
  on_time_credit: Share;
  failed_transfers: Share & { reasons: { reason: string; count: number }[] };
  partial_delivery: Share;
  travel_minutes: Stat;
  travel_cost_vnd: Stat;
  waiting_minutes: Stat;
  assisted_withdrawals: Share;
  account_to_first_payment_days: Stat & { without_payment: number };
  dormant_accounts: { opened: number; dormant: number; never_received: number; never_paid_out: number; share: number | null };
  grievances: { count: number; per_1000_payments: number | null; resolution_days: Stat; within_deadline: Share };
  verified_receipt: Share;
}

/** A segment: figures only when it has enough payments (`too_few` false). */
export type Segment = { key: string; keys: string[]; label: string; size: number } & (
  | ({ too_few: false } & Indicators)
  | { too_few: true }
);

export interface Worst {
  key: string;
  label: string;
  median_days: number | null;
  withdrawn_by_day_3: number | null;
  credited: number;
}

export interface MetricsReport extends Indicators {
  as_of: string;
  min_segment_payments: number;
  by: SegmentBy[];
  segments?: Segment[];
  worst_wards: Worst[];
  worst_groups: Worst[];
}

/** The forms whose unsaved input is kept as a draft in SQLite. */
export type DraftForm =
  | 'beneficiary'
  | 'beneficiary_edit'
  | 'account'
  | 'payment'
  | 'withdrawal'
  | 'contact'
  | 'grievance'
  | 'grievance_update'
  | 'verification';

export interface DraftInput {
  form: DraftForm;
  /** '' for a new person; else the person's (or, for a withdrawal, the payment's) id. */
  subject: string;
  payload: unknown;
  /** The person the form is about ('' for a new one): where the app resumes it. */
  person_id: string;
  label: string;
}

export interface Draft extends DraftInput {
  updated_at: string;
}

// ----- imports (docs/IPC.md, "Imports") -----

/** A file picked in the page: its name (the extension decides CSV or XLSX) and its bytes. */
export interface PickedFile { name: string; bytes: number[] }
/** Per column of the file: the field it fills, or null (ignored). */
export type ColumnMapping = (string | null)[];
export interface MappingProposal {
  headers: string[];
  mapping: ColumnMapping;
  /** The mapping chosen last time for the same headers. */
  remembered: boolean;
  fields: string[];
  required: string[];
}
export interface DuplicateDecision { keep: boolean; reason: string }
export interface ImportRequest { file: PickedFile; mapping: ColumnMapping; duplicates?: DuplicateDecision | null }
export type ImportOutcome = 'add' | 'unchanged' | 'duplicate' | 'error';
export interface PreviewRow {
  row: number;
  outcome: ImportOutcome;
  full_name: string;
  birth: string /* ISO date or a year */;
  sex: string;
  id_number: string;
  ward_code: string;
  group_code: string;
  errors: FieldError[];
}
export interface PersonBrief {
  id: string;
  full_name: string;
  birth_date: string | null;
  birth_year: number;
  ward_code: string;
  id_number: string | null;
  legacy_id_number: string | null;
}
export interface DuplicateView {
  row: number;
  full_name: string;
  birth: string;
  ward_code: string;
  id_number: string;
  existing: PersonBrief | null;
  other_row: number | null;
}
export interface PreviewTotals { rows: number; add: number; unchanged: number; errors: number; legacy: number; duplicates: number }
export interface ImportPreview { totals: PreviewTotals; rows: PreviewRow[]; errors: FieldError[]; duplicates: DuplicateView[] }
export interface ImportReport {
  rows: number;
  added: number;
  unchanged: number;
  legacy_rows: number[];
  skipped_duplicates: number;
  kept_duplicates: number;
}
export interface ErrorReport { name: string; headers: string[]; rows: string[][] }
/** A payment cycle: its payments, how many were credited, whether it is closed or sampled. */
export interface CycleView {
  period: string /* yyyy-mm */;
  scheduled_on: string;
  closed_at: string | null;
  payments: number;
  credited: number;
  has_sample: boolean;
}
export interface ReconcileRequest { file: PickedFile; period: string /* mm/yyyy */; dry_run: boolean }
export interface ReconcileReport {
  period: string;
  rows: number;
  credited: number;
  failed: number;
  reversed: number;
  unchanged: number;
  applied: boolean;
}

// ---------- Field workflows: follow-up, verification, grievances (docs/IPC.md) ----------

export type ContactKind = 'call' | 'home_visit' | 'home_delivery' | 'other';
export type ContactOutcome =
  | 'will_withdraw'
  | 'not_reached'
  | 'home_delivery_arranged'
  | 'already_withdrawn'
  | 'refused_other';
export const CONTACT_KINDS: readonly ContactKind[] = ['call', 'home_visit', 'home_delivery', 'other'];
export const CONTACT_OUTCOMES: readonly ContactOutcome[] = [
  'will_withdraw',
  'not_reached',
  'home_delivery_arranged',
  'already_withdrawn',
  'refused_other',
];

export interface ContactInput {
  beneficiary_id: string;
  /** null: about the person in general. */
  payment_id: string | null;
  kind: string;
  contacted_on: string;
  outcome: string;
  note: string;
}

export interface Contact {
  id: string;
  beneficiary_id: string;
  payment_id: string | null;
  kind: ContactKind;
  contacted_on: string;
  outcome: ContactOutcome;
  note: string;
  created_by: string;
}

export interface FollowupQuery {
  /** Days since the credit; null = 7. */
  days: number | null;
  ward_code: string | null;
}

export interface FollowupRow {
  payment_id: string;
  beneficiary_id: string;
  full_name: string;
  age: number;
  ward_code: string;
  ward_name: string;
  residential_group: string;
  phone: string;
  needs: Needs;
  priority: number;
  period: string;
  amount_vnd: number;
  withdrawn_vnd: number;
  remaining_vnd: number;
  credited_on: string;
  days_waiting: number;
  last_contact: Contact | null;
}

export interface FollowupList {
  as_of: string;
  days: number;
  ward_code: string | null;
  rows: FollowupRow[];
}

export interface ExportResult {
  path: string;
  rows: number;
}

export interface SampleInput {
  /** mm/yyyy */
  period: string;
  /** "20" or "10%" */
  size: string;
  seed: string;
}

export type VerificationResult = 'full' | 'partial' | 'nothing';
export const VERIFICATION_RESULTS: readonly VerificationResult[] = ['full', 'partial', 'nothing'];

export interface VerificationItem {
  id: string;
  payment_id: string;
  position: number;
  beneficiary_id: string;
  full_name: string;
  ward_code: string;
  ward_name: string;
  amount_vnd: number;
  credited_on: string | null;
  result: VerificationResult | null;
  amount_received_vnd: number | null;
  verified_on: string | null;
  note: string;
}

export interface VerificationSample {
  id: string;
  period: string;
  seed: string;
  size_spec: string;
  population: number;
  size: number;
  verified: number;
  confirmed_full: number;
  partial: number;
  nothing: number;
  share_full: number | null;
  created_by: string;
  created_at: string;
  items: VerificationItem[];
}

export interface VerificationInput {
  item_id: string;
  result: string;
  /** Only for a partial result. */
  amount_received: string;
  verified_on: string;
  note: string;
}

export type GrievanceCategory =
  | 'not_received'
  | 'wrong_amount'
  | 'account_problem'
  | 'access'
  | 'staff_conduct'
  | 'other';
export type GrievanceChannel = 'in_person' | 'phone' | 'hotline' | 'letter' | 'online' | 'other';
export type GrievanceStatus = 'open' | 'in_progress' | 'resolved' | 'rejected';
export const GRIEVANCE_CATEGORIES: readonly GrievanceCategory[] = [
  'not_received',
  'wrong_amount',
  'account_problem',
  'access',
  'staff_conduct',
  'other',
];
export const GRIEVANCE_CHANNELS: readonly GrievanceChannel[] = ['in_person', 'phone', 'hotline', 'letter', 'online', 'other'];
export const GRIEVANCE_STATUSES: readonly GrievanceStatus[] = ['open', 'in_progress', 'resolved', 'rejected'];

export interface GrievanceInput {
  beneficiary_id: string;
  category: string;
  channel: string;
  description: string;
  opened_on: string;
  /** Empty: opened_on + 15 days. */
  deadline_on: string;
}

export interface GrievanceUpdateInput {
  grievance_id: string;
  status: string;
  changed_on: string;
  /** Required to resolve or reject. */
  note: string;
  /** Empty: unchanged. */
  deadline_on: string;
}

export interface GrievanceEvent {
  id: string;
  from_status: GrievanceStatus | null;
  to_status: GrievanceStatus;
  changed_on: string;
  deadline_on: string;
  note: string;
  created_by: string;
}

export interface Grievance {
  id: string;
  beneficiary_id: string;
  full_name: string;
  ward_code: string;
  ward_name: string;
  category: GrievanceCategory;
  channel: GrievanceChannel;
  description: string;
  opened_on: string;
  deadline_on: string;
  status: GrievanceStatus;
  resolution_note: string;
  closed_on: string | null;
  overdue: boolean;
  history: GrievanceEvent[];
}

export interface GrievanceQuery {
  status: GrievanceStatus | null;
  overdue: boolean;
  beneficiary_id: string | null;
}

// ---- reports ----

export interface ReportQuery {
  /** mm/yyyy */
  cycle: string;
  /** Ward code; null = the whole city. */
  ward: string | null;
  as_of: string | null;
}

export interface SavedFile {
  path: string;
}

/** One recorded export (who, what, when). */
export interface ExportRecord {
  id: string;
  kind: 'monthly_report_xlsx' | 'monthly_report_print' | 'table_csv';
  what: string;
  scope: string;
  period: string | null;
  file_path: string;
  created_at: string;
  created_by: string;
}

/** The dashboard's other charts (SVG markup drawn by Rust). */
export interface PanelsView {
  ward_bars: string;
  trend: string;
  heat: string;
  convenience: string;
}

// ---------- security (issue 6): sign-in, users, audit log ----------

export type Role = 'officer' | 'supervisor' | 'admin';
export const ROLES: readonly Role[] = ['officer', 'supervisor', 'admin'];

export interface UserView {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  /** The ward an officer is confined to; null for supervisors and administrators. */
  ward_code: string | null;
  active: boolean;
  locked_until: string | null;
  /** `list_users` only: whether the keyring holds a key for them (else they cannot sign in
   * until an administrator sets them a new password). */
  has_key?: boolean;
}

/** An unencrypted database found where the encrypted one is expected (never opened as it is). */
export interface PlaintextInfo {
  path: string;
  users: number;
  people: number;
}

export interface AuthStatus {
  /** No user yet: the first-run screen sets up the administrator. */
  needs_setup: boolean;
  user: UserView | null;
  idle_minutes: number;
  /** Set when a plaintext database is there: the first screen offers to convert it. */
  plaintext: PlaintextInfo | null;
}

export interface PasswordChange {
  old_password: string;
  new_password: string;
}

export interface RekeyReport {
  /** Active users the new key was sealed for (their passwords unchanged). */
  sealed_for: string[];
  /** Active users left without a key: an administrator sets them a new password. */
  without_key: string[];
}

export interface SetupInput {
  username: string;
  display_name: string;
  password: string;
}

export interface LoginInput {
  username: string;
  password: string;
}

export interface UserInput {
  username: string;
  display_name: string;
  password: string;
  role: Role;
  ward_code: string | null;
}

export interface UserChangeInput {
  id: string;
  role: Role;
  ward_code: string | null;
  active: boolean;
  /** A new password: required to reactivate an account, or to give a user without a key one. */
  password?: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity: string | null;
  entity_id: string | null;
  details: unknown;
  hash: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** First entry whose hash chain does not verify; null when intact. */
  broken_at: number | null;
}

export type LegalBasis = 'legal_obligation' | 'consent' | 'vital_interest';
export const LEGAL_BASES: readonly LegalBasis[] = ['legal_obligation', 'consent', 'vital_interest'];

export interface LegalBasisRecord {
  basis: LegalBasis;
  note: string;
  recorded_on: string;
  recorded_by: string;
}

export interface LegalBasisInput {
  beneficiary_id: string;
  basis: string;
  note: string;
}

export interface BackupInfo {
  path: string;
  bytes: number;
  taken_at: string;
}

export interface BackupList {
  /** The folder, outside the app's data folder. */
  dir: string;
  /** Newest first. */
  backups: BackupInfo[];
}

// ----- Exchange (docs/IPC.md, "Exchange") -----
export interface PublicKeys { device_id: string; ward: string; signing_key: string; recipient: string; fingerprint: string }
export type DeviceRole = 'ward' | 'city';
export interface DeviceView {
  device_id: string;
  name: string;
  role: DeviceRole;
  ward: string;
  signing_key: string;
  recipient: string;
  fingerprint: string;
  enrolled_at: string;
  enrolled_by: string;
  revoked_at: string | null;
}
export type AuditStatus = 'ok' | 'unverified' | 'truncated' | 'rewritten';
export interface ReferenceReport { version: number; rows: Record<string, number> }
export interface PeerAudit { device_id: string; seq: number; hash: string; seen_at: string; status: AuditStatus; detail: string }
export interface Office { name: string; recipient: string }
export interface ReceiptView { office_device: string; device_id: string; acked_seq: number; received_at: string }
export interface ExchangeOverview {
  keys: PublicKeys;
  offices: Office[];
  devices: DeviceView[];
  peer_audits: PeerAudit[];
  last_seq: number;
  acknowledged_seq: number;
  receipts: ReceiptView[];
  review: Record<string, number>;
}
export interface BundleManifest {
  format: number;
  schema_version: number;
  device_id: string;
  ward: string;
  signing_key: string;
  first_seq: number;
  last_seq: number;
  records: number;
  counts: Record<string, number>;
  payload_hash: string;
  created_at: string;
}
export interface SavedBundle { path: string; manifest: BundleManifest }
export interface SeriesGap { device_id: string; expected_seq: number; found_seq: number }
export interface ApplyReport {
  received: number;
  applied: number;
  already_had: number;
  gaps: SeriesGap[];
  review: Record<string, number>;
  entities: Record<string, number>;
  waiting: number;
  audit?: AuditStatus;
}
export interface BundleImport { manifest: BundleManifest; report: ApplyReport; dry_run: boolean }
export type ReviewKind = 'conflict' | 'money_conflict' | 'duplicate_person' | 'unique_clash';
export interface ReviewSide {
  record_id?: string;
  device_id?: string;
  seq?: number;
  officer?: string;
  recorded_at?: string;
  row?: Record<string, unknown>;
  error?: string;
}
export interface ReviewItem {
  id: number;
  kind: ReviewKind;
  entity: string;
  entity_id: string;
  other_id: string;
  sides: ReviewSide[];
  status: string;
}
