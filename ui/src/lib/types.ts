// The TypeScript side of docs/IPC.md (snake_case, as on the wire). Most types are generated from
// the Rust types into ./generated/types.ts (crates/api/src/contract.rs; regenerate with
// `ANSINH_BLESS=1 cargo test -p ansinh-api contract`) and re-exported here. Kept by hand, until
// they are generated too: the errors (crates/core/src/error.rs), the types defined in src-tauri's
// command files and in crates/api, and the UI's own types and constant lists.
// Dates Rust returns are ISO `yyyy-mm-dd`; dates the UI sends are the text the officer typed.

import type {
  AccountStatus,
  AuditEntry,
  BackupInfo,
  Beneficiary,
  BundleManifest,
  Channel,
  ContactKind,
  ContactOutcome,
  DeviceView,
  Disability,
  DraftForm,
  DuplicateDecision,
  FilterInput,
  GrievanceCategory,
  GrievanceChannel,
  GrievanceStatus,
  LegalBasis,
  Needs,
  PaymentStatus,
  PeerAudit,
  Place,
  PlaintextInfo,
  PreviewRow,
  Problem,
  PublicKeys,
  ReceiptView,
  ReviewItem,
  Role,
  SegmentBy,
  Sex,
  UserView,
  VerificationResult,
  WithdrawnByDay,
} from './generated/types';

export type * from './generated/types';

// ---- UI-only names and the constant lists the forms offer ----

export type Lang = 'vi' | 'en';
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

export const CONTACT_KINDS: readonly ContactKind[] = ['call', 'home_visit', 'home_delivery', 'other'];
export const CONTACT_OUTCOMES: readonly ContactOutcome[] = [
  'will_withdraw',
  'not_reached',
  'home_delivery_arranged',
  'already_withdrawn',
  'refused_other',
];
export const VERIFICATION_RESULTS: readonly VerificationResult[] = ['full', 'partial', 'nothing'];
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
export const ROLES: readonly Role[] = ['officer', 'supervisor', 'admin'];
export const LEGAL_BASES: readonly LegalBasis[] = ['legal_obligation', 'consent', 'vital_interest'];

export type WithdrawnByDayKey = keyof WithdrawnByDay;
export const WITHDRAWN_BY_DAY_KEYS: readonly WithdrawnByDayKey[] = ['1', '3', '7', '30'];

/** What the people list shows of a person (`search_beneficiaries` returns whole records). */
export type BeneficiarySummary = Pick<
  Beneficiary,
  | 'id'
  | 'full_name'
  | 'birth_date'
  | 'birth_year'
  | 'sex'
  | 'id_number'
  | 'legacy_id_number'
  | 'ward_code'
  | 'ward_name'
  | 'group_code'
  | 'disability'
  | 'needs'
>;

/** Per column of the file: the field it fills, or null (ignored). */
export type ColumnMapping = (string | null)[];
export type ImportOutcome = PreviewRow['outcome'];
export type ReviewKind = ReviewItem['kind'];

// ---- errors (crates/core/src/error.rs) ----

export interface FieldError {
  code: string;
  message: string;
  field?: string;
  row?: number;
  params?: Record<string, string>;
}

export interface WireError extends FieldError {
  details?: FieldError[];
}

// ---- types defined in src-tauri's command files and in crates/api ----

export interface AppInfo {
  version: string;
  db_path: string;
  device_id: string;
  beneficiary_count: number;
  lang: Lang;
  /** Empty database and the offer not yet declined. */
  offer_demo: boolean;
}

/** `load_demo`'s options (src-tauri `DemoRequest`). */
export interface DemoOptions {
  wards: number;
  beneficiaries: number;
  months: number;
  seed: number;
}

export interface SearchQuery {
  text: string;
  ward_code: string | null;
  limit: number;
  offset: number;
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

export interface DraftInput {
  form: DraftForm;
  /** '' for a new person; else the person's (or, for a withdrawal, the payment's) id. */
  subject: string;
  payload: unknown;
  /** The person the form is about ('' for a new one): where the app resumes it. */
  person_id: string;
  label: string;
}

/** A file picked in the page: its name (the extension decides CSV or XLSX) and its bytes. */
export interface PickedFile { name: string; bytes: number[] }
export interface ImportRequest { file: PickedFile; mapping: ColumnMapping; duplicates?: DuplicateDecision | null }
export interface ErrorReport { name: string; headers: string[]; rows: string[][] }
export interface ReconcileRequest { file: PickedFile; period: string /* mm/yyyy */; dry_run: boolean }

export interface FollowupQuery {
  /** Days since the credit; null = 7. */
  days: number | null;
  ward_code: string | null;
}

export interface ExportResult {
  path: string;
  rows: number;
}

/** `list_grievances`' query (src-tauri `GrievanceListQuery`). */
export interface GrievanceQuery {
  status: GrievanceStatus | null;
  overdue: boolean;
  beneficiary_id: string | null;
}

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

/** The dashboard's other charts (SVG markup drawn by Rust). */
export interface PanelsView {
  ward_bars: string;
  trend: string;
  heat: string;
  convenience: string;
}

/** A user as `list_users` lists them: with whether the keyring holds a key for them (else they
 * cannot sign in until an administrator sets them a new password). */
export type UserRow = UserView & { has_key: boolean };

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

export interface AuditPage {
  entries: AuditEntry[];
  /** First entry whose hash chain does not verify; null when intact. */
  broken_at: number | null;
}

export interface LegalBasisInput {
  beneficiary_id: string;
  basis: string;
  note: string;
}

export interface BackupList {
  /** The folder, outside the app's data folder. */
  dir: string;
  /** Newest first. */
  backups: BackupInfo[];
}

export interface Office { name: string; recipient: string }
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
export interface SavedBundle { path: string; manifest: BundleManifest }
