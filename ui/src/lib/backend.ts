// The one module that talks to Rust. Every other module gets a `Backend` (see context.ts),
// so tests inject the in-memory fake (fake-backend.ts) and nothing else imports @tauri-apps.
// Each command takes at most one named argument object (docs/IPC.md).

import { invoke, isTauri } from '@tauri-apps/api/core';
import type {
  ExchangeOverview,
  BundleImport,
  DeviceRole,
  DeviceView,
  PublicKeys,
  ReferenceReport,
  ReviewItem,
  SavedBundle,
  Account,
  AccountInput,
  AppInfo,
  Beneficiary,
  BeneficiaryDetail,
  BeneficiaryInput,
  ChartQuery,
  CycleView,
  ErrorReport,
  ImportPreview,
  ImportReport,
  ImportRequest,
  MappingProposal,
  PickedFile,
  ReconcileReport,
  ReconcileRequest,
  DemoOptions,
  Draft,
  DraftForm,
  DraftInput,
  DemoSummary,
  Group,
  Lang,
  MetricsQuery,
  MetricsReport,
  ReportQuery,
  SavedFile,
  ExportRecord,
  FilterInput,
  PanelsView,
  Page,
  Payment,
  PaymentInput,
  Provider,
  SearchQuery,
  Unit,
  Withdrawal,
  WithdrawalInput,
} from './types';
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
import type { BackupInfo, BackupList, LegalBasisInput, LegalBasisRecord } from './types';
import type { AuditPage, AuthStatus, LoginInput, PasswordChange, RekeyReport, SetupInput, UserChangeInput, UserInput, UserRow, UserView } from './types';
import { toWireError } from './errors';

export interface Backend {
  app_info(): Promise<AppInfo>;
  set_language(args: { lang: Lang }): Promise<null>;
  dismiss_demo_offer(): Promise<null>;
  load_demo(args: { options: DemoOptions }): Promise<DemoSummary>;
  list_units(): Promise<Unit[]>;
  list_groups(): Promise<Group[]>;
  list_providers(): Promise<Provider[]>;
  search_beneficiaries(args: { query: SearchQuery }): Promise<Page<Beneficiary>>;
  get_beneficiary(args: { id: string }): Promise<BeneficiaryDetail>;
  add_beneficiary(args: { input: BeneficiaryInput }): Promise<Beneficiary>;
  open_account(args: { input: AccountInput }): Promise<Account>;
  record_payment(args: { input: PaymentInput }): Promise<Payment>;
  record_withdrawal(args: { input: WithdrawalInput }): Promise<Withdrawal>;
  metrics(args: { query: MetricsQuery }): Promise<MetricsReport>;
  monthly_report(args: { query: ReportQuery }): Promise<SavedFile>;
  list_exports(): Promise<ExportRecord[]>;
  record_print(args: { query: { cycle: string | null; ward: string | null } }): Promise<null>;
  export_table_csv(args: { query: MetricsQuery }): Promise<SavedFile>;
  indicator_panels(args: { query: { as_of: string | null; filter: FilterInput; lang: Lang } }): Promise<PanelsView>;
  time_to_cash_chart(args: { query: ChartQuery }): Promise<string>;
  update_beneficiary(args: { id: string; input: BeneficiaryInput }): Promise<Beneficiary>;
  similar_beneficiaries(args: { input: BeneficiaryInput; exclude: string | null }): Promise<Beneficiary[]>;
  save_draft(args: { draft: DraftInput }): Promise<null>;
  get_draft(args: { form: DraftForm; subject: string }): Promise<Draft | null>;
  list_drafts(): Promise<Draft[]>;
  discard_draft(args: { form: DraftForm; subject: string }): Promise<null>;
  // imports
  import_mapping(args: { file: PickedFile }): Promise<MappingProposal>;
  import_preview(args: { request: ImportRequest }): Promise<ImportPreview>;
  import_apply(args: { request: ImportRequest }): Promise<ImportReport>;
  read_local_file(args: { path: string }): Promise<PickedFile>;
  save_error_report(args: { report: ErrorReport }): Promise<string>;
  list_cycles(): Promise<CycleView[]>;
  reconcile_payments(args: { request: ReconcileRequest }): Promise<ReconcileReport>;
  close_cycle(args: { period: string }): Promise<CycleView>;
  // Field workflows (follow-up, verification, grievances)
  followup_list(args: { query: FollowupQuery }): Promise<FollowupList>;
  export_followup(args: { query: FollowupQuery }): Promise<ExportResult>;
  record_contact(args: { input: ContactInput }): Promise<Contact>;
  list_contacts(args: { query: { beneficiary_id: string } }): Promise<Contact[]>;
  create_verification_sample(args: { input: SampleInput }): Promise<VerificationSample>;
  get_verification_sample(args: { period: string }): Promise<VerificationSample | null>;
  record_verification(args: { input: VerificationInput }): Promise<VerificationSample>;
  open_grievance(args: { input: GrievanceInput }): Promise<Grievance>;
  update_grievance(args: { input: GrievanceUpdateInput }): Promise<Grievance>;
  list_grievances(args: { query: GrievanceQuery }): Promise<Grievance[]>;
  // Security: sign-in, users, audit log
  auth_status(): Promise<AuthStatus>;
  setup_admin(args: { input: SetupInput }): Promise<UserView>;
  login(args: { input: LoginInput }): Promise<UserView>;
  logout(): Promise<null>;
  list_users(): Promise<UserRow[]>;
  create_user(args: { input: UserInput }): Promise<UserView>;
  update_user(args: { input: UserChangeInput }): Promise<UserView>;
  audit_log(args: { query: { limit?: number; offset?: number } }): Promise<AuditPage>;
  set_idle_minutes(args: { minutes: number }): Promise<null>;
  reveal_account_number(args: { id: string }): Promise<string>;
  get_legal_basis(args: { id: string }): Promise<LegalBasisRecord | null>;
  set_legal_basis(args: { input: LegalBasisInput }): Promise<LegalBasisRecord>;
  export_person(args: { id: string }): Promise<ExportResult>;
  backup_now(): Promise<BackupInfo>;
  list_backups(): Promise<BackupList>;
  restore_backup(args: { path: string }): Promise<null>;
  change_password(args: { input: PasswordChange }): Promise<null>;
  rekey_database(): Promise<RekeyReport>;
  convert_plaintext(args: { input: SetupInput }): Promise<UserView>;
  // Exchange between desktops and the review queue
  exchange_overview(): Promise<ExchangeOverview>;
  exchange_save_public(): Promise<string>;
  exchange_read_device(args: { key: string }): Promise<PublicKeys>;
  exchange_register_device(args: { key: string; name: string; role: DeviceRole; ward: string }): Promise<DeviceView>;
  exchange_revoke_device(args: { device_id: string }): Promise<DeviceView>;
  reference_import(args: { file: PickedFile }): Promise<ReferenceReport>;
  exchange_export(args: { office: string; since: number | null }): Promise<SavedBundle>;
  exchange_import(args: { file: PickedFile; dry_run: boolean }): Promise<BundleImport>;
  exchange_receipt(): Promise<string>;
  exchange_import_receipt(args: { file: PickedFile }): Promise<number>;
  review_list(): Promise<ReviewItem[]>;
  review_settle(args: { id: number; keep: string }): Promise<null>;
  review_dismiss(args: { id: number }): Promise<null>;
}

export type Command = keyof Backend;

/** Calls one command; a rejection is always normalised to a `WireError`. */
async function call<T>(cmd: Command, args?: Record<string, unknown>): Promise<T> {
  try {
    // The app has one Tauri command, `call`; Rust checks the permission of `cmd` itself.
    return await invoke<T>('call', { command: cmd, args: args ?? {} });
  } catch (e) {
    throw toWireError(e);
  }
}

/** The real backend: Tauri's `invoke`, one method per command of docs/IPC.md. */
export const tauriBackend: Backend = {
  app_info: () => call('app_info'),
  set_language: (args) => call('set_language', args),
  dismiss_demo_offer: () => call('dismiss_demo_offer'),
  load_demo: (args) => call('load_demo', args),
  list_units: () => call('list_units'),
  list_groups: () => call('list_groups'),
  list_providers: () => call('list_providers'),
  search_beneficiaries: (args) => call('search_beneficiaries', args),
  get_beneficiary: (args) => call('get_beneficiary', args),
  add_beneficiary: (args) => call('add_beneficiary', args),
  open_account: (args) => call('open_account', args),
  record_payment: (args) => call('record_payment', args),
  record_withdrawal: (args) => call('record_withdrawal', args),
  metrics: (args) => call('metrics', args),
  monthly_report: (args) => call('monthly_report', args),
  list_exports: () => call('list_exports'),
  record_print: (args) => call('record_print', args),
  export_table_csv: (args) => call('export_table_csv', args),
  indicator_panels: (args) => call('indicator_panels', args),
  time_to_cash_chart: (args) => call('time_to_cash_chart', args),
  update_beneficiary: (args) => call('update_beneficiary', args),
  similar_beneficiaries: (args) => call('similar_beneficiaries', args),
  save_draft: (args) => call('save_draft', args),
  get_draft: (args) => call('get_draft', args),
  list_drafts: () => call('list_drafts'),
  discard_draft: (args) => call('discard_draft', args),
  import_mapping: (args) => call('import_mapping', args),
  import_preview: (args) => call('import_preview', args),
  import_apply: (args) => call('import_apply', args),
  read_local_file: (args) => call('read_local_file', args),
  save_error_report: (args) => call('save_error_report', args),
  list_cycles: () => call('list_cycles'),
  reconcile_payments: (args) => call('reconcile_payments', args),
  close_cycle: (args) => call('close_cycle', args),
  followup_list: (args) => call('followup_list', args),
  export_followup: (args) => call('export_followup', args),
  record_contact: (args) => call('record_contact', args),
  list_contacts: (args) => call('list_contacts', args),
  create_verification_sample: (args) => call('create_verification_sample', args),
  get_verification_sample: (args) => call('get_verification_sample', args),
  record_verification: (args) => call('record_verification', args),
  open_grievance: (args) => call('open_grievance', args),
  update_grievance: (args) => call('update_grievance', args),
  list_grievances: (args) => call('list_grievances', args),
  auth_status: () => call('auth_status'),
  setup_admin: (args) => call('setup_admin', args),
  login: (args) => call('login', args),
  logout: () => call('logout'),
  list_users: () => call('list_users'),
  create_user: (args) => call('create_user', args),
  update_user: (args) => call('update_user', args),
  audit_log: (args) => call('audit_log', args),
  set_idle_minutes: (args) => call('set_idle_minutes', args),
  reveal_account_number: (args) => call('reveal_account_number', args),
  get_legal_basis: (args) => call('get_legal_basis', args),
  set_legal_basis: (args) => call('set_legal_basis', args),
  export_person: (args) => call('export_person', args),
  backup_now: () => call('backup_now'),
  list_backups: () => call('list_backups'),
  restore_backup: (args) => call('restore_backup', args),
  change_password: (args) => call('change_password', args),
  rekey_database: () => call('rekey_database'),
  convert_plaintext: (args) => call('convert_plaintext', args),
  exchange_overview: () => call('exchange_overview'),
  exchange_save_public: () => call('exchange_save_public'),
  exchange_read_device: (args) => call('exchange_read_device', args),
  exchange_register_device: (args) => call('exchange_register_device', args),
  exchange_revoke_device: (args) => call('exchange_revoke_device', args),
  reference_import: (args) => call('reference_import', args),
  exchange_export: (args) => call('exchange_export', args),
  exchange_import: (args) => call('exchange_import', args),
  exchange_receipt: () => call('exchange_receipt'),
  exchange_import_receipt: (args) => call('exchange_import_receipt', args),
  review_list: () => call('review_list'),
  review_settle: (args) => call('review_settle', args),
  review_dismiss: (args) => call('review_dismiss', args),
};

/** True inside the Tauri webview (false in a plain browser or in tests). */
export function inTauri(): boolean {
  return isTauri();
}
