// Generated from the Rust types by `crates/api/src/contract.rs`; do not edit. Regenerate with `ANSINH_BLESS=1 cargo test -p ansinh-api contract`
import type { FieldError } from '../types';

export type Account = { id: string, beneficiary_id: string, channel: Channel, provider_code: string, provider_name: string, account_number: string, status: AccountStatus, requested_on: string | null, opened_on: string | null, closed_on: string | null, close_reason: string, assisted: boolean,
/**
 * Linked to the person's VNeID.
 */
vneid_linked: boolean,
/**
 * Derived from payments: the first credited payment into this account.
 */
first_credit_on: string | null, };

/**
 * A confirmation as the UI reads it.
 */
export type AccountDecline = { id: string, reason: DeclineReason,
/**
 * ISO date.
 */
confirmed_on: string, note: string, created_by: string, };

/**
 * As typed.
 */
export type AccountDeclineInput = { beneficiary_id: string, reason: string,
/**
 * dd/mm/yyyy: the day the person confirmed it.
 */
confirmed_on: string,
/**
 * The specific reason in the person's words (required for "other").
 */
note: string, };

export type AccountInput = { beneficiary_id: string, channel: string, provider_code: string, account_number: string, requested_on: string,
/**
 * Empty: the account is requested, not yet opened.
 */
opened_on: string, assisted: boolean,
/**
 * Linked to the person's VNeID.
 */
vneid_linked: boolean, };

export type AccountLead = {
/**
 * Opened accounts with no credit yet (not in the mean / median).
 */
without_payment: number, n: number, mean: number | null, median: number | null, };

/**
 * Lifecycle of a payment account. "First credit" is derived from payments.
 */
export type AccountStatus = "requested" | "opened" | "closed" | "failed";

export type AppInfo = { version: string, db_path: string, device_id: string, beneficiary_count: number, lang: Lang,
/**
 * An empty database whose user has not declined demo data yet.
 */
offer_demo: boolean,
/**
 * This desktop is the city office's (it holds every ward; it hands moved people's files over).
 */
city_office: boolean,
/**
 * This session's sign-in upgraded the database from an older version (after a backup).
 */
upgraded: UpgradeReport | null, };

export type ApplyReport = { received: number,
/**
 * New records written (and projected).
 */
applied: number,
/**
 * Records this desktop already had (same hash).
 */
already_had: number, gaps: Array<SeriesGap>,
/**
 * Counts of open review items by kind after the import.
 */
review: { [key in string]: number },
/**
 * New records per entity.
 */
entities: { [key in string]: number },
/**
 * Rows still waiting for a parent from a bundle not yet imported.
 */
waiting: number,
/**
 * What the sender's audit claim showed (None: the batch carried none).
 */
audit?: AuditStatus, };

/**
 * What a sender says about its audit log.
 */
export type AuditClaim = {
/**
 * The newest entry (None: an empty log).
 */
head: AuditHead | null,
/**
 * The hashes the log has now at the heads shown in earlier bundles or receipts.
 */
at: Array<AuditHead>, };

/**
 * One entry as shown to administrators.
 */
export type AuditEntry = { seq: number, at: string, actor: string, action: string, entity: string | null, entity_id: string | null, details: unknown, hash: string, };

export type AuditHead = { seq: number, hash: string, };

export type AuditPage = { entries: Array<AuditEntry>,
/**
 * The first entry whose chain does not verify (edited, deleted or reordered), if any.
 */
broken_at: number | null, };

export type AuditQuery = { limit?: number | null, offset: number, };

/**
 * What the receiver concluded from a claim.
 */
export type AuditStatus = "ok" | "unverified" | "truncated" | "rewritten";

/**
 * Before sign-in: does the app need its first administrator, who is signed in, and is there a
 * plaintext database where the encrypted one is expected?
 */
export type AuthStatus = { needs_setup: boolean, user: UserView | null, idle_minutes: number,
/**
 * An unencrypted database found at the database's place: never opened as it is; the first
 * screen offers to convert it or to leave it untouched.
 */
plaintext: PlaintextInfo | null, };

export type BackupInfo = { path: string, bytes: number,
/**
 * From the file name (UTC), `yyyy-mm-ddThh:mm:ssZ`.
 */
taken_at: string,
/**
 * A full copy; else the pages changed since the point before (restored with its chain).
 */
full: boolean, };

export type BackupList = { dir: string, backups: Array<BackupInfo>, };

/**
 * One person, as listed and as shown on their page.
 */
export type Beneficiary = { id: string, full_name: string, birth_date: string | null, birth_year: number, sex: Sex, id_number: string | null, legacy_id_number: string | null, ward_code: string, ward_name: string, group_code: string, disability: Disability, needs: Needs, residential_group: string, phone: string, id_override_reason: string, authorised_name: string, authorised_id_number: string, authorised_relation: string,
/**
 * Why the officer kept this person although flagged as a possible duplicate ('' if not).
 */
duplicate_reason: string,
/**
 * This month's amount under the level in force today.
 */
entitlement_vnd: number | null, created_at: string, updated_at: string, };

export type BeneficiaryDetail = { beneficiary: Beneficiary, accounts: Array<Account>,
/**
 * Newest first.
 */
payments: Array<Payment>, };

export type BeneficiaryInput = { full_name: string,
/**
 * `dd/mm/yyyy` or a bare year `yyyy`.
 */
birth_date: string, sex: string, id_number: string, id_override_reason: string, ward_code: string, residential_group: string, phone: string, group_code: string, disability: string, needs: Needs, authorised_name: string, authorised_id_number: string, authorised_relation: string,
/**
 * Why this person is registered although a possible duplicate exists (empty: none seen).
 */
duplicate_reason: string, };

export type BundleImport = { manifest: BundleManifest, report: ApplyReport, dry_run: boolean, };

export type BundleManifest = { format: number, schema_version: number, device_id: string, ward: string,
/**
 * Ed25519 verifying key of the device, hex.
 */
signing_key: string, first_seq: number, last_seq: number, records: number,
/**
 * Records per entity.
 */
counts: { [key in string]: number },
/**
 * SHA-256 (hex) of the compressed records.
 */
payload_hash: string,
/**
 * Information only.
 */
created_at: string,
/**
 * The sender's audit log head and the hashes it has now at heads shown before, so the
 * receiver sees a truncated or rewritten log (absent in bundles made before issue 13).
 */
audit?: AuditClaim, };

/**
 * How money reaches the person.
 */
export type Channel = "bank" | "ewallet" | "mobile_money" | "vneid" | "cash";

export type ChartQuery = { as_of?: string | null, by: Array<SegmentBy>, filter: FilterInput, lang?: Lang | null, };

export type Contact = { id: string, beneficiary_id: string, payment_id: string | null, kind: ContactKind, contacted_on: string, outcome: ContactOutcome, note: string,
/**
 * The officer who recorded it.
 */
created_by: string, };

/**
 * A contact as typed in the form.
 */
export type ContactInput = { beneficiary_id: string,
/**
 * The payment the contact is about; None/empty: the person in general.
 */
payment_id: string | null, kind: string, contacted_on: string, outcome: string, note: string,
/**
 * Outcome `already_withdrawn` only (ignored otherwise): the day the person received the
 * money, dd/mm/yyyy; required, not after the contact day (nor before the credit: the store).
 */
withdrawn_on: string,
/**
 * Outcome `already_withdrawn` only: how much was received; empty: what is left of the payment.
 */
amount: string,
/**
 * Outcome `already_withdrawn` only: a `WithdrawalPlace` code; empty: the usual place of the
 * payment's channel ([`usual_place`]).
 */
place: string, };

/**
 * How the officer reached (or tried to reach) the person.
 */
export type ContactKind = "call" | "home_visit" | "home_delivery" | "other";

/**
 * What came of a contact.
 */
export type ContactOutcome = "will_withdraw" | "not_reached" | "home_delivery_arranged" | "already_withdrawn" | "refused_other";

/**
 * A contact as saved, with the withdrawal it reported.
 */
export type ContactSaved = { contact: Contact,
/**
 * Outcome "already withdrawn": the withdrawal recorded with the contact (the time to cash
 * counts it). None: a contact only (another outcome, or the payment's money was already
 * recorded as withdrawn by that day).
 */
withdrawal: Withdrawal | null, };

export type ContactsQuery = { beneficiary_id: string, };

/**
 * Whose status is known well enough to judge time to cash (see [`crate::censoring`]).
 */
export type Coverage = {
/**
 * Credited payments old enough to judge: credited at least 7 days before the reporting
 * day, or already withdrawn.
 */
of: number,
/**
 * Of those, withdrawn, or known not withdrawn at least 7 days after credit.
 */
known: number,
/**
 * known / of; null when `of` is 0.
 */
share: number | null, };

/**
 * One point of the cumulative curve: share withdrawn (0..=1) by `day`.
 */
export type CurvePoint = { day: number, withdrawn: number, };

/**
 * One payment cycle as the reconciliation and verification pages list it.
 */
export type CycleView = {
/**
 * `yyyy-mm`.
 */
period: string, scheduled_on: string, closed_at: string | null, payments: number, credited: number,
/**
 * A verification sample has been drawn for this cycle.
 */
has_sample: boolean, };

export type DashboardQuery = { as_of?: string | null, filter: FilterInput, };

/**
 * Everything the dashboard shows, from one pass over the facts.
 */
export type DashboardView = { as_of: string, min_segment_payments: number, overall: Indicators, by_ward: Array<Segment>, by_cycle: Array<Segment>, by_group: Array<Segment>, by_age_channel: Array<Segment>, worst_wards: Array<Worst>, worst_groups: Array<Worst>, };

/**
 * A decision as the UI and CLI read it.
 */
export type Decision = { id: string, beneficiary_id: string, ward_code: string, ward_name: string, number: string,
/**
 * ISO date.
 */
decided_on: string, kind: DecisionKind, group_code: string | null,
/**
 * "yyyy-mm": the first month paid (start, change) or no longer paid (stop).
 */
from_period: string, reason: StopReason | null, note: string, created_by: string, };

/**
 * A decision as typed.
 */
export type DecisionInput = { beneficiary_id: string,
/**
 * The commune that decides; empty: the person's.
 */
ward_code: string,
/**
 * e.g. "125/QĐ-UBND".
 */
number: string,
/**
 * dd/mm/yyyy
 */
decided_on: string, kind: string,
/**
 * The group decided (start, change); for a stop, empty (every benefit of this commune)
 * or the group whose benefit stops.
 */
group_code: string,
/**
 * mm/yyyy: the first month paid (start, change) or no longer paid (stop). Empty: the
 * month of the decision.
 */
from_month: string,
/**
 * For a stop.
 */
reason: string, note: string, };

/**
 * What a decision does.
 */
export type DecisionKind = "start" | "change" | "stop";

/**
 * Why a person does not register an account.
 */
export type DeclineReason = "no_smartphone" | "prefers_cash" | "cannot_travel" | "no_id_document" | "bedridden" | "other";

export type DemoOptions = { wards: number, beneficiaries: number, months: number, seed: number, };

/**
 * What loading demo data added.
 */
export type DemoSummary = { wards: number, beneficiaries: number, payments: number, withdrawals: number, };

/**
 * What a registered device may send.
 */
export type DeviceRole = "ward" | "city";

export type DeviceView = { device_id: string, name: string, role: DeviceRole, ward: string, signing_key: string, recipient: string, fingerprint: string, enrolled_at: string, enrolled_by: string, revoked_at: string | null, };

/**
 * Disability severity (Decree 20/2021 distinguishes severe and particularly severe).
 */
export type Disability = "none" | "severe" | "particularly_severe";

export type Dormant = { opened: number,
/**
 * Never received or never paid out.
 */
dormant: number, never_received: number,
/**
 * Received but never withdrawn.
 */
never_paid_out: number, share: number | null, };

export type Draft = { form: DraftForm,
/**
 * '' for a new person; else the person's (or, for a withdrawal, the payment's) id.
 */
subject: string,
/**
 * The form's input exactly as the UI keeps it.
 */
payload: unknown,
/**
 * The person the form is about ('' for a new one): where the app resumes it.
 */
person_id: string,
/**
 * What the "unfinished forms" list shows (e.g. the name typed so far).
 */
label: string, updated_at: string, };

/**
 * The forms whose unsaved input is kept as a draft (see the store's `drafts` table).
 */
export type DraftForm = "beneficiary" | "beneficiary_edit" | "account" | "payment" | "withdrawal" | "contact" | "grievance" | "grievance_update" | "verification" | "signed_list" | "decision" | "account_decline";

export type DraftInput = { form: DraftForm, subject: string, payload: unknown, person_id: string, label: string, };

/**
 * What the officer decided for possible duplicates (required when there are any).
 */
export type DuplicateDecision = {
/**
 * true: keep both (with `reason`); false: leave the flagged rows out.
 */
keep: boolean, reason: string, };

/**
 * A row flagged as a possible duplicate, with whom it may duplicate.
 */
export type DuplicateView = { row: number, full_name: string, birth: string, ward_code: string, id_number: string,
/**
 * The registered person it looks like, or…
 */
existing: PersonBrief | null,
/**
 * …the earlier row of the same file it looks like.
 */
other_row: number | null, };

export type ErrorReport = {
/**
 * File name base, e.g. `loi-nhap-danh-sach`.
 */
name: string, headers: Array<string>, rows: Array<Array<string>>, };

export type ExchangeOverview = { keys: PublicKeys,
/**
 * Where bundles can go: registered devices with a recipient key (the city office).
 */
offices: Array<Office>,
/**
 * Every registered device, revoked ones included.
 */
devices: Array<DeviceView>,
/**
 * Each sender's audit log as last seen here (a truncated or rewritten one is flagged).
 */
peer_audits: Array<PeerAudit>,
/**
 * This desktop is the city office's (`keys.ward` is then empty).
 */
city_office: boolean,
/**
 * The last seq of this desktop's own series.
 */
last_seq: number,
/**
 * What the offices acknowledged (the next bundle starts after it).
 */
acknowledged_seq: number, receipts: Array<ReceiptView>,
/**
 * Open review items by kind.
 */
review: { [key in string]: number }, };

/**
 * A cycle's expected payments in a commune.
 */
export type ExpectedQuery = {
/**
 * The cycle, mm/yyyy (or yyyy-mm).
 */
cycle: string,
/**
 * The commune; an officer's own when empty (required for supervisors and administrators).
 */
ward_code?: string | null, };

/**
 * One person a cycle is expected to pay in a commune.
 */
export type ExpectedRow = { beneficiary_id: string, full_name: string, residential_group: string,
/**
 * The group whose rule gives the amount (the highest benefit in force).
 */
group_code: string, scheme: Scheme, amount_vnd: number,
/**
 * "decisions": from the decisions in force; "group": no decision kept, the group registered.
 */
source: string, };

/**
 * A recorded export with who and when.
 */
export type ExportRecord = { created_at: string, created_by: string, id: string,
/**
 * monthly_report_xlsx, monthly_report_print or table_csv.
 */
kind: string,
/**
 * What was exported (e.g. "indicators", "by_ward").
 */
what: string,
/**
 * Ward code or "city".
 */
scope: string,
/**
 * yyyy-mm the report covers.
 */
period: string | null,
/**
 * Where the file was written; empty for a printed page.
 */
file_path: string, };

export type ExportResult = { path: string, rows: number, };

export type FailedTransfers = {
/**
 * Most frequent first.
 */
reasons: Array<ReasonCount>, n: number, count: number, share: number | null, };

/**
 * A filter as typed (IPC and CLI): cycles as mm/yyyy or yyyy-mm, codes as text, empty = all.
 */
export type FilterInput = { from?: string | null, to?: string | null, ward?: string | null, group?: string | null, channel?: string | null, need?: string | null,
/**
 * Percent, 0 to 100; empty: 60.
 */
min_coverage?: string | null, };

export type FollowupList = { as_of: string, days: number, ward_code: string | null, rows: Array<FollowupRow>, };

export type FollowupQuery = {
/**
 * Days since the credit; None = 7.
 */
days?: number | null, ward_code?: string | null, };

/**
 * One credited payment still (partly) waiting, with the person and their last contact.
 */
export type FollowupRow = { payment_id: string, beneficiary_id: string, full_name: string, age: number, ward_code: string, ward_name: string, residential_group: string, phone: string, needs: Needs,
/**
 * The documented score of `ansinh_core::followup` (higher first).
 */
priority: number, period: string, amount_vnd: number, withdrawn_vnd: number, remaining_vnd: number, credited_on: string, days_waiting: number, last_contact: Contact | null, };

export type Grievance = { id: string, beneficiary_id: string, full_name: string, ward_code: string, ward_name: string, category: GrievanceCategory, channel: GrievanceChannel, description: string, opened_on: string, deadline_on: string, status: GrievanceStatus, resolution_note: string, closed_on: string | null,
/**
 * Open or in progress after the deadline day (as of the query's day).
 */
overdue: boolean,
/**
 * Oldest first.
 */
history: Array<GrievanceEvent>, };

export type GrievanceCategory = "not_received" | "wrong_amount" | "account_problem" | "access" | "staff_conduct" | "other";

/**
 * How the grievance reached the office.
 */
export type GrievanceChannel = "in_person" | "phone" | "hotline" | "letter" | "online" | "other";

export type GrievanceEvent = { id: string, from_status: GrievanceStatus | null, to_status: GrievanceStatus, changed_on: string, deadline_on: string, note: string, created_by: string, };

export type GrievanceInput = { beneficiary_id: string, category: string, channel: string, description: string, opened_on: string,
/**
 * Empty: opened_on + [`SERVICE_DAYS`].
 */
deadline_on: string, };

export type GrievanceQuery = { status?: GrievanceStatus | null, overdue: boolean, beneficiary_id?: string | null, };

export type GrievanceStatus = "open" | "in_progress" | "resolved" | "rejected";

export type GrievanceUpdateInput = { grievance_id: string, status: string, changed_on: string,
/**
 * Required to resolve or reject (the resolution); otherwise a progress note.
 */
note: string,
/**
 * Empty: unchanged.
 */
deadline_on: string, };

export type Grievances = { count: number, per_1000_payments: number | null, resolution_days: Stat, within_deadline: Share, };

export type Group = { code: string, scheme: Scheme, name_vi: string, name_en: string,
/**
 * The coefficient from the group's start (dated changes: `ansinh reference groups`).
 */
coefficient: number, coefficient_permille: number,
/**
 * The group's validity (ISO dates); a group that ended may name the group its people are
 * paid under since (the 80+ without a pension: social pension from 1 July 2025).
 */
valid_from: string | null, valid_to: string | null, successor_code: string | null, };

/**
 * What taking a handover did.
 */
export type HandoverReport = { beneficiary_id: string, full_name: string, from_ward: string, from_ward_name: string, to_ward: string,
/**
 * Records new here / already here (a file taken twice changes nothing).
 */
applied: number, already_had: number, };

export type ImportPreview = { totals: PreviewTotals,
/**
 * The first [`PREVIEW_ROWS`] rows.
 */
rows: Array<PreviewRow>,
/**
 * Every error of the file (row and field named), for the report.
 */
errors: Array<FieldError>, duplicates: Array<DuplicateView>,
/**
 * Every row read as no person, with why.
 */
skipped: Array<SkippedRow>,
/**
 * Values of coded columns that match no code or name and have no mapping yet.
 */
unmapped: Array<UnmappedValue>, };

/**
 * What an import did (or, on error, would have done: nothing).
 */
export type ImportReport = { rows: number, added: number,
/**
 * Already registered: left as they are.
 */
unchanged: number,
/**
 * Rows with only an old 9-digit CMND: imported, but the 12-digit number must be obtained.
 */
legacy_rows: Array<number>,
/**
 * Possible duplicates left out / added with the officer's reason.
 */
skipped_duplicates: number, kept_duplicates: number,
/**
 * Rows of the sheet that are no person (title, header, column numbers, totals,
 * signatures, blank), with why.
 */
skipped: Array<SkippedRow>, };

export type ImportRequest = { file: PickedFile, mapping: Array<string | null>,
/**
 * Required when the preview found possible duplicates.
 */
duplicates?: DuplicateDecision | null,
/**
 * The ward of every person when the file has no ward column.
 */
ward_code?: string | null,
/**
 * Codes chosen for written values that match no code or name (remembered per header set).
 */
values?: Array<ValueMapping> | null, };

/**
 * All indicators of one set of facts. Time to cash keeps its flat keys (credited, withdrawn,
 * unwithdrawn, time_to_cash_days, withdrawn_by_day, curve).
 */
export type Indicators = {
/**
 * Payments issued: credited, failed or reversed.
 */
payments: number,
/**
 * Money credited by `as_of` (whole VND), and how much of it was taken out by then.
 */
credited_vnd: number, withdrawn_vnd: number, full_first_visit: Share, unwithdrawn_at_cycle_end: Share, on_time_credit: Share, failed_transfers: FailedTransfers, partial_delivery: Share, travel_minutes: Stat, travel_cost_vnd: Stat, waiting_minutes: Stat, assisted_withdrawals: Share, account_to_first_payment_days: AccountLead, dormant_accounts: Dormant, grievances: Grievances, verified_receipt: Share,
/**
 * Payments credited on or before the reporting date.
 */
credited: number,
/**
 * Of those, withdrawn on or before the reporting date.
 */
withdrawn: number,
/**
 * credited − withdrawn.
 */
unwithdrawn: number, time_to_cash_days: TimeToCash, withdrawn_by_day: WithdrawnByDay,
/**
 * Days 0..=30 (fewer, see above).
 */
curve: Array<CurvePoint>, coverage: Coverage,
/**
 * The coverage reaches the threshold (`min_coverage` of the report). When false the
 * quantiles, the shares by day and the curve are empty: "not enough follow-up to judge".
 */
enough_followup: boolean, };

/**
 * The interface language: Vietnamese first, English second.
 */
export type Lang = "vi" | "en";

/**
 * Why the office may hold this person's data (Law 91/2025 art. on lawful processing).
 */
export type LegalBasis = "legal_obligation" | "consent" | "vital_interest";

export type LegalBasisInput = { beneficiary_id: string, basis: string, note: string, };

/**
 * The record kept per person: the basis, a note (consent form number, who consented) and when.
 */
export type LegalBasisRecord = { basis: LegalBasis, note: string, recorded_on: string, recorded_by: string, };

export type LoginInput = { username: string, password: string, };

/**
 * The mapping to propose for a file: the one the officer chose last time for the same
 * headers, else the automatic one.
 */
export type MappingProposal = { headers: Array<string>, mapping: Array<string | null>,
/**
 * True when `mapping` is the one remembered for these headers.
 */
remembered: boolean, fields: Array<string>, required: Array<string>, };

/**
 * The time-to-cash indicator for one set of payments (the whole report or one segment).
 *
 * Unknown values are `None`, never a misleading number:
 * - no payments: every share and quantile is `None` and `curve` is empty (an empty chart
 *   says "no data"; a flat line at 0 % would say "nobody withdrew");
 * - a quantile the curve never reaches (too few withdrawals so far): `None`;
 * - a day beyond the longest follow-up while some payments were still unwithdrawn (e.g. every
 *   payment was credited 5 days ago): that day's share is `None` and the curve stops at the
 *   longest follow-up instead of running to day 30.
 */
export type Metrics = {
/**
 * Payments credited on or before the reporting date.
 */
credited: number,
/**
 * Of those, withdrawn on or before the reporting date.
 */
withdrawn: number,
/**
 * credited − withdrawn.
 */
unwithdrawn: number, time_to_cash_days: TimeToCash, withdrawn_by_day: WithdrawnByDay,
/**
 * Days 0..=30 (fewer, see above).
 */
curve: Array<CurvePoint>, coverage: Coverage,
/**
 * The coverage reaches the threshold (`min_coverage` of the report). When false the
 * quantiles, the shares by day and the curve are empty: "not enough follow-up to judge".
 */
enough_followup: boolean, };

export type MetricsQuery = { as_of?: string | null,
/**
 * None, one or two dimensions.
 */
by: Array<SegmentBy>, filter: FilterInput, };

/**
 * The answer to `metrics`: overall figures, per segment when asked, and the slowest wards
 * and groups by name.
 */
export type MetricsReport = {
/**
 * ISO date the figures are computed at (payments not withdrawn by then are censored).
 */
as_of: string, min_segment_payments: number,
/**
 * Percent of payments with a known status below which time to cash is not shown.
 */
min_coverage: number, by: Array<SegmentBy>,
/**
 * Only when `by` names a dimension.
 */
segments?: Array<Segment>, worst_wards: Array<Worst>, worst_groups: Array<Worst>,
/**
 * Payments issued: credited, failed or reversed.
 */
payments: number,
/**
 * Money credited by `as_of` (whole VND), and how much of it was taken out by then.
 */
credited_vnd: number, withdrawn_vnd: number, full_first_visit: Share, unwithdrawn_at_cycle_end: Share, on_time_credit: Share, failed_transfers: FailedTransfers, partial_delivery: Share, travel_minutes: Stat, travel_cost_vnd: Stat, waiting_minutes: Stat, assisted_withdrawals: Share, account_to_first_payment_days: AccountLead, dormant_accounts: Dormant, grievances: Grievances, verified_receipt: Share,
/**
 * Payments credited on or before the reporting date.
 */
credited: number,
/**
 * Of those, withdrawn on or before the reporting date.
 */
withdrawn: number,
/**
 * credited − withdrawn.
 */
unwithdrawn: number, time_to_cash_days: TimeToCash, withdrawn_by_day: WithdrawnByDay,
/**
 * Days 0..=30 (fewer, see above).
 */
curve: Array<CurvePoint>, coverage: Coverage,
/**
 * The coverage reaches the threshold (`min_coverage` of the report). When false the
 * quantiles, the shares by day and the curve are empty: "not enough follow-up to judge".
 */
enough_followup: boolean, };

/**
 * The needs flags of one person.
 */
export type Needs = { lives_alone: boolean, limited_mobility: boolean, vision_hearing: boolean, no_smartphone: boolean, bedridden: boolean, };

export type Office = { name: string, recipient: string, };

export type Page<T> = { total: number, items: Array<T>, };

export type PanelsQuery = { as_of?: string | null, filter: FilterInput, lang?: Lang | null, };

/**
 * The dashboard's other charts as SVG markup, from one pass over the facts.
 */
export type PanelsView = { ward_bars: string, trend: string, heat: string, convenience: string, };

export type PasswordChange = { old_password: string, new_password: string, };

export type Payment = { id: string, beneficiary_id: string, account_id: string | null, channel: Channel, period: string, amount_vnd: number, status: PaymentStatus, scheduled_on: string | null, credited_on: string | null, failure_reason: string,
/**
 * Empty for the monthly allowance; a one-off payment's label.
 */
label: string, withdrawn_vnd: number, withdrawals: Array<Withdrawal>, };

export type PaymentInput = { beneficiary_id: string,
/**
 * None: paid in cash.
 */
account_id: string | null,
/**
 * `mm/yyyy`.
 */
period: string,
/**
 * Empty: the person's entitlement for that period (a one-off payment needs its amount).
 */
amount: string,
/**
 * A one-off payment (a gift or arrears) rather than the monthly allowance.
 */
one_off: boolean,
/**
 * A one-off payment's label ("Quà Tết 2026"), required for one; ignored otherwise.
 */
label: string,
/**
 * `credited` or `failed`.
 */
status: string, credited_on: string, failure_reason: string, };

export type PaymentListQuery = {
/**
 * The cycle, mm/yyyy (or yyyy-mm).
 */
cycle: string,
/**
 * The ward; an officer's own ward when empty (required for supervisors and administrators).
 */
ward_code?: string | null, };

/**
 * Lifecycle of one monthly payment.
 */
export type PaymentStatus = "scheduled" | "credited" | "failed" | "reversed";

/**
 * What the officer says about the report (the page's fields, the CLI's options), as typed.
 */
export type PayoutOptions = {
/**
 * mm/yyyy (or yyyy-mm).
 */
period: string,
/**
 * dd/mm/yyyy, or empty: the report does not say it is complete.
 */
complete_to: string,
/**
 * A channel code (bank, ewallet, mobile_money, vneid, cash), or empty: every channel.
 */
channel: string,
/**
 * The payer as the officer names it ("Bưu điện Ba Đình").
 */
payer: string, };

export type PayoutPreview = { rows: number, new_withdrawals: number, already_had: number,
/**
 * Rows with at least one error.
 */
error_rows: number,
/**
 * The first [`PREVIEW_ROWS`] rows, then every row with an error.
 */
preview: Array<PayoutPreviewRow>,
/**
 * Every error of the file (row, field and column named).
 */
errors: Array<FieldError>,
/**
 * True when the file has no amount column: each row is the whole of what is left.
 */
whole_payment: boolean, };

/**
 * One row as the preview shows it.
 */
export type PayoutPreviewRow = { row: number,
/**
 * `new`, `had` (already recorded) or `error`.
 */
outcome: "new" | "had" | "error", reference: string, id_number: string, full_name: string, withdrawn_on: string, amount: string,
/**
 * The place code read from the payer's words.
 */
place: string, errors: Array<FieldError>, };

/**
 * What an import did (or, with `dry_run`, would do).
 */
export type PayoutReport = { period: string, rows: number,
/**
 * New withdrawals written (or to be written).
 */
new_withdrawals: number,
/**
 * Rows already recorded as withdrawals: left as they are.
 */
already_had: number,
/**
 * The sum of the new withdrawals, VND.
 */
new_amount_vnd: number,
/**
 * A `payout_reports` row was (or would be) written: false when the same file, cycle, scope
 * and completeness were already recorded.
 */
report_recorded: boolean,
/**
 * False for a dry run.
 */
applied: boolean, };

/**
 * One row of `payout_reports`.
 */
export type PayoutReportRecord = { id: string,
/**
 * yyyy-mm.
 */
period: string,
/**
 * None: every ward (city desktop only).
 */
ward_code: string | null, channel: string | null, payer: string,
/**
 * yyyy-mm-dd.
 */
complete_to: string | null, file_name: string, file_hash: string, rows: number, withdrawals: number, };

export type PayoutRequest = { file: PickedFile, mapping: Array<string | null>, options: PayoutOptions,
/**
 * Check only, write nothing (apply).
 */
dry_run: boolean, };

/**
 * A sender's audit log as this desktop last saw it.
 */
export type PeerAudit = { device_id: string, seq: number, hash: string, seen_at: string, status: AuditStatus, detail: string, };

/**
 * A registered person as the duplicate check and the preview show them.
 */
export type PersonBrief = { id: string, full_name: string, birth_date: string | null, birth_year: number, ward_code: string, id_number: string | null, legacy_id_number: string | null, };

/**
 * A file picked in the webview.
 */
export type PickedFile = { name: string, bytes: Array<number>, };

/**
 * Where or how a withdrawal happened.
 */
export type Place = "atm" | "bank_counter" | "agent" | "post_office" | "home_delivery" | "proxy" | "ward_office";

/**
 * What a plaintext database holds, read without changing it (shown before converting).
 */
export type PlaintextInfo = { path: string, users: number, people: number, };

/**
 * One row as it would be imported.
 */
export type PreviewRow = { row: number,
/**
 * `add`, `unchanged`, `duplicate` or `error`.
 */
outcome: "add" | "unchanged" | "duplicate" | "error", full_name: string,
/**
 * ISO date, or the year alone.
 */
birth: string, sex: string, id_number: string, ward_code: string, group_code: string, errors: Array<FieldError>, };

export type PreviewTotals = { rows: number, add: number, unchanged: number,
/**
 * Rows with at least one error.
 */
errors: number, legacy: number, duplicates: number,
/**
 * Rows that are no person (see `ImportPreview::skipped`).
 */
skipped: number, };

export type PrintQuery = {
/**
 * The cycle shown, mm/yyyy, if one was chosen.
 */
cycle?: string | null, ward?: string | null, };

/**
 * Frictions met during a withdrawal (DOMAIN.md "Known frictions").
 */
export type Problem = "forgot_pin" | "card_locked" | "no_atm_nearby" | "no_smartphone" | "machine_out_of_service" | "long_queue" | "needed_help" | "other";

export type Provider = { channel: Channel, code: string, name: string, };

/**
 * What another office needs to send to this desktop and to check what it signs.
 */
export type PublicKeys = { device_id: string, ward: string,
/**
 * Ed25519 verifying key, hex.
 */
signing_key: string,
/**
 * age X25519 recipient, "age1...".
 */
recipient: string,
/**
 * The signing key's short fingerprint, to read aloud when the other office registers this
 * file (information: the receiver computes it again from the key).
 */
fingerprint: string, };

/**
 * A failure reason and how many payments failed for it.
 */
export type ReasonCount = { reason: string, count: number, };

export type ReceiptView = { office_device: string, device_id: string, acked_seq: number, received_at: string, };

/**
 * What a reconciliation did (or, with `dry_run`, would do).
 */
export type ReconcileReport = { period: string, rows: number, credited: number, failed: number, reversed: number,
/**
 * Rows that already say what the payment says (a file applied twice changes nothing).
 */
unchanged: number,
/**
 * False for a dry run.
 */
applied: boolean, };

export type ReconcileRequest = { file: PickedFile,
/**
 * mm/yyyy (or yyyy-mm).
 */
period: string, dry_run: boolean, };

/**
 * What applying a file did.
 */
export type ReferenceReport = { version: number,
/**
 * Rows written per table.
 */
rows: { [key in string]: number }, };

/**
 * What a re-key did.
 */
export type RekeyReport = {
/**
 * Active users the new key was sealed for (their passwords unchanged).
 */
sealed_for: Array<string>,
/**
 * Active users left without a key (their entry predates this version): an administrator
 * sets them a new password.
 */
without_key: Array<string>, };

export type ReportQuery = {
/**
 * The cycle, mm/yyyy.
 */
cycle: string,
/**
 * A ward code; empty or null = the whole city.
 */
ward?: string | null, as_of?: string | null, };

export type ReviewItem = { id: number,
/**
 * The kinds `merge.rs` files.
 */
kind: "conflict" | "money_conflict" | "duplicate_person" | "unique_clash", entity: string, entity_id: string, other_id: string, sides: Array<ReviewSide>, status: string, };

/**
 * One of a [`ReviewItem`]'s `sides` as `merge.rs` writes them (`json!`): a version of the record,
 * or, as a unique clash's second side, the database's `error`. For the TypeScript contract only
 * (crates/api/src/contract.rs).
 */
export type ReviewSide = { record_id?: string, device_id?: string, seq?: number, officer?: string, recorded_at?: string,
/**
 * The version's row (null if its stored payload does not parse).
 */
row?: Record<string, unknown> | null, error?: string, };

/**
 * A local account's role.
 */
export type Role = "officer" | "supervisor" | "admin";

/**
 * The sample as asked for in the form or on the command line.
 */
export type SampleInput = {
/**
 * `mm/yyyy`.
 */
period: string,
/**
 * `20` or `10%`.
 */
size: string, seed: string, };

export type SavedBundle = { path: string, manifest: BundleManifest, };

/**
 * Where a report was written.
 */
export type SavedFile = { path: string, };

/**
 * Funding scheme: each has its own dated standard level.
 */
export type Scheme = "social_assistance" | "social_pension" | "meritorious";

export type SearchQuery = { text: string, ward_code?: string | null, limit: number, offset: number, };

export type Segment = {
/**
 * The segment's values joined with "/" (e.g. "00004/80_plus").
 */
key: string,
/**
 * One value per dimension of `by`.
 */
keys: Array<string>, label: string,
/**
 * Payments issued in the segment.
 */
size: number, } & ({ too_few: false,
/**
 * Payments issued: credited, failed or reversed.
 */
payments: number,
/**
 * Money credited by `as_of` (whole VND), and how much of it was taken out by then.
 */
credited_vnd: number, withdrawn_vnd: number, full_first_visit: Share, unwithdrawn_at_cycle_end: Share, on_time_credit: Share, failed_transfers: FailedTransfers, partial_delivery: Share, travel_minutes: Stat, travel_cost_vnd: Stat, waiting_minutes: Stat, assisted_withdrawals: Share, account_to_first_payment_days: AccountLead, dormant_accounts: Dormant, grievances: Grievances, verified_receipt: Share,
/**
 * Payments credited on or before the reporting date.
 */
credited: number,
/**
 * Of those, withdrawn on or before the reporting date.
 */
withdrawn: number,
/**
 * credited − withdrawn.
 */
unwithdrawn: number, time_to_cash_days: TimeToCash, withdrawn_by_day: WithdrawnByDay,
/**
 * Days 0..=30 (fewer, see above).
 */
curve: Array<CurvePoint>, coverage: Coverage,
/**
 * The coverage reaches the threshold (`min_coverage` of the report). When false the
 * quantiles, the shares by day and the curve are empty: "not enough follow-up to judge".
 */
enough_followup: boolean, } | {
/**
 * Fewer than `min_segment_payments`: no figures are given.
 */
too_few: true, });

/**
 * Dimensions the indicators are segmented by.
 */
export type SegmentBy = "ward" | "age" | "group" | "disability" | "channel" | "need" | "assisted" | "cycle" | "programme" | "kind";

/**
 * A hole in a device's series: records from `expected` on are missing, so nothing of that
 * device past the hole was applied.
 */
export type SeriesGap = { device_id: string, expected_seq: number, found_seq: number, };

export type SetupInput = { username: string, display_name: string, password: string, };

/**
 * Sex as printed on the ID card; digit 4 of the ID number encodes it.
 */
export type Sex = "male" | "female";

/**
 * `count` of `n` and their ratio (`None` when n = 0: unknown, not 0 %).
 */
export type Share = { n: number, count: number, share: number | null, };

/**
 * One filled row of the grid, as typed.
 */
export type SignedListEntry = {
/**
 * The grid's line (1 = first row): errors name it.
 */
line: number, payment_id: string,
/**
 * dd/mm/yyyy.
 */
withdrawn_on: string,
/**
 * Empty: all that is left of the payment.
 */
amount: string,
/**
 * A place code, or as written ("Bưu điện", "Chi trả tại nhà", "Người nhận thay"...).
 */
place: string, };

export type SignedListQuery = {
/**
 * The cycle, mm/yyyy (or yyyy-mm).
 */
cycle: string,
/**
 * The ward; an officer's own ward when empty (required for supervisors and administrators).
 */
ward_code?: string | null,
/**
 * Only this residential group ("Tổ 5"); empty: the whole ward.
 */
group?: string | null, };

/**
 * One payment of the list, with what is left of it.
 */
export type SignedListRow = { payment_id: string, beneficiary_id: string, full_name: string, id_number: string | null, residential_group: string, channel: string,
/**
 * Empty for the monthly allowance; a one-off payment's label (the same person may be
 * listed for both).
 */
label: string, amount_vnd: number,
/**
 * Already withdrawn (any day).
 */
withdrawn_vnd: number, remaining_vnd: number,
/**
 * yyyy-mm-dd.
 */
credited_on: string, };

export type SignedListSave = {
/**
 * The cycle, mm/yyyy (or yyyy-mm).
 */
cycle: string,
/**
 * As in [`SignedListQuery`].
 */
ward_code?: string | null,
/**
 * The draft's subject, discarded once saved.
 */
draft_subject?: string | null, entries: Array<SignedListEntry>, };

/**
 * Why a row of the sheet is not a person.
 */
export type SkipReason = "title" | "header" | "column_numbers" | "totals" | "signature" | "blank";

/**
 * A row left out of the import, with the sheet's row number and its first words (to show).
 */
export type SkippedRow = { row: number, reason: SkipReason,
/**
 * The row's non-empty cells joined, cut at 80 characters.
 */
text: string, };

/**
 * Mean and median of the known values; `n` counts only known values ("does not remember"
 * is left out, not counted as 0).
 */
export type Stat = { n: number, mean: number | null, median: number | null, };

/**
 * Why a benefit stops.
 */
export type StopReason = "death" | "moved" | "not_eligible" | "switched_programme";

/**
 * What one sync did, with the status after it.
 */
export type SyncOutcome = { report: SyncReport, status: SyncStatus, };

export type SyncReport = {
/**
 * This device's records the server stored.
 */
pushed: number,
/**
 * Other devices' records received and applied here.
 */
pulled: ApplyReport, };

export type SyncStatus = {
/**
 * The server last used ('' before the first sync).
 */
server: string,
/**
 * When the last sync that went through ended (UTC, RFC 3339).
 */
last_sync: string | null,
/**
 * When the last attempt started, whether it went through or not.
 */
last_attempt: string | null,
/**
 * This desktop's records the server did not have at the last sync (all of them before one).
 */
waiting: number,
/**
 * Why the last attempt failed; none once a sync goes through.
 */
last_error: FieldError | null, };

/**
 * Whole days from credit to first withdrawal.
 */
export type TimeToCash = { median: number | null, p75: number | null, p90: number | null, };

export type UncollectedList = { as_of: string, months: number,
/**
 * ISO: last withdrawal before this day (or never) to be listed.
 */
cutoff: string, ward_code: string | null, total_left_vnd: number, rows: Array<UncollectedRow>, };

/**
 * "Money left uncollected" (`ansinh_store::uncollected` defines it).
 */
export type UncollectedQuery = {
/**
 * Months without cash in hand, 1 to 60; None = 2.
 */
months?: number | null, ward_code?: string | null, };

/**
 * One person whose money waits uncollected.
 */
export type UncollectedRow = { beneficiary_id: string, full_name: string, ward_code: string, ward_name: string, residential_group: string,
/**
 * Empty when none is recorded.
 */
phone: string,
/**
 * ISO day of the last withdrawal of any of their payments; None: never withdrew.
 */
last_withdrawal_on: string | null,
/**
 * ISO: the last withdrawal, or for one who never withdrew the first payment credited.
 */
waiting_since: string,
/**
 * Whole days from `waiting_since` to the list's day.
 */
days_waiting: number,
/**
 * Credited payments credited after the last withdrawal (all, when never withdrawn).
 */
payments_since: number,
/**
 * What is left of those payments.
 */
left_vnd: number,
/**
 * The channel of the latest of those payments (how the money reaches them now).
 */
channel: Channel, };

export type Unit = { code: string, name: string, level: string, parent_code: string | null, is_sample: boolean,
/**
 * First day the unit existed (Hanoi's 126 units since 1 July 2025 start on 1 July 2025).
 */
valid_from: string | null,
/**
 * Last day the unit existed (units merged on 1 July 2025 end on 30 June 2025).
 */
valid_to: string | null, };

/**
 * A value of a coded column that matches no code or name and has no mapping: the preview
 * lists each once, for the officer to map.
 */
export type UnmappedValue = { field: string, value: string,
/**
 * Rows holding it (the first 10).
 */
rows: Array<number>, count: number, };

export type UpgradeProgress = { step: UpgradeStep,
/**
 * Steps or records done of `total` (both 0 when the step cannot tell).
 */
done: number, total: number, };

/**
 * What an upgrade did, for the officer and the audit log.
 */
export type UpgradeReport = {
/**
 * The schema version the file was at (the last migration applied to it).
 */
from_version: number, to_version: number,
/**
 * The backup of the file as it was before.
 */
backup: BackupInfo, };

/**
 * What an upgrade is doing now.
 */
export type UpgradeStep = "backup" | "migrate" | "convert" | "reclaim";

export type UserChangeInput = { id: string, role: string, ward_code?: string | null, active: boolean,
/**
 * A new password (required to reactivate an account).
 */
password?: string | null, };

export type UserInput = { username: string, display_name: string, password: string, role: string, ward_code?: string | null, };

/**
 * A user as the users page lists them: with whether the keyring holds a key for them.
 */
export type UserRow = { has_key: boolean, id: string, username: string, display_name: string, role: Role, ward_code: string | null, active: boolean, locked_until: string | null, };

export type UserView = { id: string, username: string, display_name: string, role: Role, ward_code: string | null, active: boolean, locked_until: string | null, };

/**
 * The code an officer chose for a value of a coded column that matches no code or name.
 */
export type ValueMapping = {
/**
 * One of [`CODED_FIELDS`].
 */
field: string,
/**
 * As written in the file (compared accent-folded, case and spaces ignored).
 */
value: string, code: string, };

export type VerificationInput = { item_id: string, result: string,
/**
 * Only for `partial`: what the person received.
 */
amount_received: string, verified_on: string, note: string, };

export type VerificationItem = { id: string, payment_id: string,
/**
 * Draw order, from 1.
 */
position: number, beneficiary_id: string, full_name: string, ward_code: string, ward_name: string, amount_vnd: number, credited_on: string | null, result: VerificationResult | null, amount_received_vnd: number | null, verified_on: string | null, note: string, };

/**
 * What the visited person confirms having received.
 */
export type VerificationResult = "full" | "partial" | "nothing";

export type VerificationSample = { id: string, period: string,
/**
 * Text: a u64 does not fit a JavaScript number.
 */
seed: string, size_spec: string,
/**
 * Credited payments of the cycle when the sample was drawn.
 */
population: number, size: number, verified: number, confirmed_full: number, partial: number, nothing: number,
/**
 * confirmed_full / verified; None before the first visit.
 */
share_full: number | null, created_by: string, created_at: string, items: Array<VerificationItem>, };

export type Withdrawal = { id: string, payment_id: string, withdrawn_on: string, amount_vnd: number, place: Place, travel_minutes: number | null, travel_cost_vnd: number | null, waiting_minutes: number | null, assisted: boolean, problems: Array<Problem>, };

export type WithdrawalInput = { payment_id: string, withdrawn_on: string, amount: string, place: string,
/**
 * Empty: does not remember.
 */
travel_minutes: string, travel_cost: string, waiting_minutes: string, assisted: boolean, problems: Array<string>, };

/**
 * Kaplan-Meier share withdrawn by day 1, 3, 7 and 30, serialised under the keys
 * "1", "3", "7", "30" (the IPC contract). `None` when unknown (see [`Metrics`]).
 */
export type WithdrawnByDay = { "1": number | null, "3": number | null, "7": number | null, "30": number | null, };

/**
 * A ward or group named among the slowest.
 */
export type Worst = { key: string, label: string,
/**
 * Median days to cash; null when fewer than half have withdrawn so far.
 */
median_days: number | null, withdrawn_by_day_3: number | null, credited: number, };
