// The TypeScript side of docs/IPC.md (snake_case, as on the wire). Most types are generated from
// the Rust types into ./generated/types.ts (crates/api/src/contract.rs; regenerate with
// `ANSINH_BLESS=1 cargo test -p ansinh-api contract`) and re-exported here, with every command's
// arguments and result in ./generated/commands.ts. Kept by hand: the errors (until generated from
// crates/core), and the UI's own names and constant lists.
// Dates Rust returns are ISO `yyyy-mm-dd`; dates the UI sends are the text the officer typed.

import type {
  AccountStatus,
  Beneficiary,
  Channel,
  ContactKind,
  ContactOutcome,
  Disability,
  GrievanceCategory,
  GrievanceChannel,
  GrievanceStatus,
  LegalBasis,
  Needs,
  PaymentStatus,
  Place,
  PreviewRow,
  Problem,
  ReviewItem,
  Role,
  SegmentBy,
  Sex,
  VerificationResult,
  WithdrawnByDay,
} from './generated/types';
import type { ErrorCode } from './generated/error-codes';

export type * from './generated/types';

// ---- UI-only names and the constant lists the forms offer ----

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
export const SEGMENT_BYS: readonly SegmentBy[] = ['ward', 'age', 'group', 'disability', 'channel', 'need', 'assisted', 'cycle', 'programme', 'kind'];
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
