// Generated from the Rust types by `crates/api/src/contract.rs`; do not edit. Regenerate with `ANSINH_BLESS=1 cargo test -p ansinh-api contract`
import type { Account, AccountDecline, AccountDeclineInput, AccountInput, AppInfo, AuditPage, AuditQuery, AuthStatus, BackupInfo, BackupList, Beneficiary, BeneficiaryDetail, BeneficiaryInput, BundleImport, ChartQuery, Contact, ContactInput, ContactSaved, ContactsQuery, CycleView, DashboardQuery, DashboardView, Decision, DecisionInput, DemoOptions, DemoSummary, DeviceView, Draft, DraftForm, DraftInput, ErrorReport, ExchangeOverview, ExpectedQuery, ExpectedRow, ExportRecord, ExportResult, FollowupList, FollowupQuery, Grievance, GrievanceInput, GrievanceQuery, GrievanceUpdateInput, Group, HandoverReport, ImportPreview, ImportReport, ImportRequest, Lang, LegalBasisInput, LegalBasisRecord, LoginInput, MappingProposal, MetricsQuery, MetricsReport, Page, PanelsQuery, PanelsView, PasswordChange, Payment, PaymentInput, PaymentListQuery, PayoutPreview, PayoutReport, PayoutReportRecord, PayoutRequest, PickedFile, PrintQuery, Provider, PublicKeys, ReconcileReport, ReconcileRequest, ReferenceReport, RekeyReport, ReportQuery, ReviewItem, SampleInput, SavedBundle, SavedFile, SearchQuery, SetupInput, SignedListQuery, SignedListRow, SignedListSave, SyncOutcome, SyncStatus, UncollectedList, UncollectedQuery, Unit, UpgradeProgress, UserChangeInput, UserInput, UserRow, UserView, VerificationInput, VerificationSample, Withdrawal, WithdrawalInput } from './types';

/** Every command: its argument object, its result, the permission it needs (null: open before sign-in). */
export interface Commands {
  app_info: { args: Record<string, never>; result: AppInfo; permission: 'Signed' };
  set_language: { args: { lang: Lang }; result: null; permission: 'Signed' };
  dismiss_demo_offer: { args: Record<string, never>; result: null; permission: 'Administer' };
  load_demo: { args: { options: DemoOptions }; result: DemoSummary; permission: 'Administer' };
  list_units: { args: Record<string, never>; result: Array<Unit>; permission: 'Signed' };
  list_groups: { args: Record<string, never>; result: Array<Group>; permission: 'Signed' };
  list_providers: { args: Record<string, never>; result: Array<Provider>; permission: 'Signed' };
  search_beneficiaries: { args: { query: SearchQuery }; result: Page<Beneficiary>; permission: 'ReadPeople' };
  get_beneficiary: { args: { id: string }; result: BeneficiaryDetail; permission: 'ReadPeople' };
  // Registers a person. A possible duplicate is refused with `beneficiary.possible_duplicate`
  // until the input carries the officer's `duplicate_reason` (see `similar_beneficiaries`).
  add_beneficiary: { args: { input: BeneficiaryInput }; result: Beneficiary; permission: 'WritePeople' };
  // Corrects a person's record (the whole input, as the add form sends it).
  update_beneficiary: { args: { id: string; input: BeneficiaryInput }; result: Beneficiary; permission: 'WritePeople' };
  // The registered people the typed person may be (same folded name, birth date and ward),
  // for the side-by-side view; `exclude`: the person being edited.
  similar_beneficiaries: { args: { input: BeneficiaryInput; exclude: string | null }; result: Array<Beneficiary>; permission: 'ReadPeople' };
  open_account: { args: { input: AccountInput }; result: Account; permission: 'WritePeople' };
  record_payment: { args: { input: PaymentInput }; result: Payment; permission: 'WritePeople' };
  record_withdrawal: { args: { input: WithdrawalInput }; result: Withdrawal; permission: 'WritePeople' };
  // A person's benefit decisions (start, change, stop), in the order they apply.
  list_decisions: { args: { beneficiary_id: string }; result: Array<Decision>; permission: 'ReadPeople' };
  // Records a benefit decision of the officer's commune (empty commune: the person's). A
  // start in another commune than the person's is a move: the store asks for the old
  // commune's stop (moved) first, then moves the person.
  record_decision: { args: { input: DecisionInput }; result: Decision; permission: 'WritePeople' };
  // A person's confirmations that they do not register an account, newest first.
  list_account_declines: { args: { beneficiary_id: string }; result: Array<AccountDecline>; permission: 'ReadPeople' };
  // Records that a person confirmed they do not register an account, and why.
  record_account_decline: { args: { input: AccountDeclineInput }; result: AccountDecline; permission: 'WritePeople' };
  save_draft: { args: { draft: DraftInput }; result: null; permission: 'Signed' };
  get_draft: { args: { form: DraftForm; subject: string }; result: Draft | null; permission: 'Signed' };
  list_drafts: { args: Record<string, never>; result: Array<Draft>; permission: 'Signed' };
  discard_draft: { args: { form: DraftForm; subject: string }; result: null; permission: 'Signed' };
  metrics: { args: { query: MetricsQuery }; result: MetricsReport; permission: 'Figures' };
  dashboard: { args: { query: DashboardQuery }; result: DashboardView; permission: 'Figures' };
  time_to_cash_chart: { args: { query: ChartQuery }; result: string; permission: 'Figures' };
  // The monthly report as XLSX in the export folder; the export is recorded.
  monthly_report: { args: { query: ReportQuery }; result: SavedFile; permission: 'Figures' };
  // The exports made so far, newest first.
  list_exports: { args: Record<string, never>; result: Array<ExportRecord>; permission: 'Reports' };
  indicator_panels: { args: { query: PanelsQuery }; result: PanelsView; permission: 'Figures' };
  // A segment table (or the overall figures when `by` is empty) as CSV in the export folder;
  // the export is recorded.
  export_table_csv: { args: { query: MetricsQuery }; result: SavedFile; permission: 'Figures' };
  // Records that the printable report was printed (the print dialog itself is the webview's).
  record_print: { args: { query: PrintQuery }; result: null; permission: 'Figures' };
  // The remembered (or automatic) column mapping for the file's headers.
  import_mapping: { args: { file: PickedFile }; result: MappingProposal; permission: 'Administer' };
  import_preview: { args: { request: ImportRequest }; result: ImportPreview; permission: 'Administer' };
  import_apply: { args: { request: ImportRequest }; result: ImportReport; permission: 'Administer' };
  // Reads a file by its path (the documented fallback of the pages, for when a file chooser
  // cannot be used, e.g. by WebDriver tests): the same `{name, bytes}` the picker gives.
  // Refused unread (`file.too_large`) past [`PICKED_FILE_BYTES`].
  read_local_file: { args: { path: string }; result: PickedFile; permission: 'Administer' };
  // Saves an (already translated) error report as XLSX in the export folder; returns its path.
  save_error_report: { args: { report: ErrorReport }; result: string; permission: 'Administer' };
  list_cycles: { args: Record<string, never>; result: Array<CycleView>; permission: 'Signed' };
  reconcile_payments: { args: { request: ReconcileRequest }; result: ReconcileReport; permission: 'Administer' };
  close_cycle: { args: { period: string }; result: CycleView; permission: 'Administer' };
  exchange_overview: { args: Record<string, never>; result: ExchangeOverview; permission: 'Administer' };
  // Declares what this desktop is: the city office (`ward` empty) or the desktop of the ward
  // or commune `ward` (`ansinh office city|ward CODE` on the CLI). The store checks the ward
  // and audits the change.
  exchange_set_office: { args: { ward: string }; result: null; permission: 'Administer' };
  // The city office writes its signed reference file (units, groups, levels, payers) for the
  // wards into the export folder (`ansinh reference export`); returns its path.
  reference_export: { args: Record<string, never>; result: string; permission: 'Administer' };
  // Saves this desktop's public keys as a file for the offices (returns its path).
  exchange_save_public: { args: Record<string, never>; result: string; permission: 'Administer' };
  // Reads a device's public-key file (pasted or picked) without registering it: what the
  // administrator checks, the fingerprint above all, before confirming.
  exchange_read_device: { args: { key: string }; result: PublicKeys; permission: 'Administer' };
  // Registers a device from its public-key file: the city office (`role` "city": receipts,
  // reference files, and the office to send bundles to) or a ward's desktop (`role` "ward" of
  // `ward`). Its bundles are accepted from then on.
  exchange_register_device: { args: { key: string; name: string; role: string; ward: string }; result: DeviceView; permission: 'Administer' };
  // Revokes a registered device: nothing it sends is accepted any more.
  exchange_revoke_device: { args: { device_id: string }; result: DeviceView; permission: 'Administer' };
  // Writes a bundle of this desktop's records after `since` (default: what the offices
  // acknowledged) for `office`, into the export folder.
  exchange_export: { args: { office: string; since: number | null }; result: SavedBundle; permission: 'Administer' };
  // Imports a picked bundle; `dry_run` checks everything and reports without changing anything.
  exchange_import: { args: { file: PickedFile; dry_run: boolean }; result: BundleImport; permission: 'Administer' };
  // Applies the city office's signed reference file (units, groups, levels, providers): only
  // from the registered city office, only a newer version, all or nothing.
  reference_import: { args: { file: PickedFile }; result: ReferenceReport; permission: 'Administer' };
  // Writes a signed receipt of everything this desktop holds into the export folder.
  exchange_receipt: { args: Record<string, never>; result: string; permission: 'Administer' };
  // The city office hands a moved person's file to the new commune's desktops (issue 16):
  // written into the export folder, sealed for that commune's registered desktops.
  handover_export: { args: { beneficiary_id: string; ward_code: string }; result: string; permission: 'Administer' };
  // Takes a person's file handed over by the city office: all or nothing; taking it twice
  // changes nothing. The person is then started here by a start decision of this commune.
  handover_import: { args: { file: PickedFile }; result: HandoverReport; permission: 'Administer' };
  // What this desktop knows of its online syncs: the server, the last sync, the records
  // waiting to be sent, the last refusal. Nothing is contacted.
  sync_status: { args: Record<string, never>; result: SyncStatus; permission: 'Administer' };
  // One sync round with `server` (empty: the one used last): push this desktop's records,
  // pull and merge what it may read; recorded and audited as the CLI's `ansinh sync` is.
  sync_now: { args: { server: string }; result: SyncOutcome; permission: 'Administer' };
  // Reads an office's receipt; returns the seq of this desktop's series the office has.
  exchange_import_receipt: { args: { file: PickedFile }; result: number; permission: 'Administer' };
  review_list: { args: Record<string, never>; result: Array<ReviewItem>; permission: 'Reports' };
  // Settles a conflict keeping the side whose record id is `keep`.
  review_settle: { args: { id: number; keep: string }; result: null; permission: 'Administer' };
  review_dismiss: { args: { id: number }; result: null; permission: 'Administer' };
  followup_list: { args: { query: FollowupQuery }; result: FollowupList; permission: 'ReadPeople' };
  // Writes the list as shown (same query) into the export folder.
  export_followup: { args: { query: FollowupQuery }; result: ExportResult; permission: 'ReadPeople' };
  // People whose last cash in hand is older than `months` (or who never withdrew) while
  // credited payments kept arriving: the visits to make before a payer stops the allowance.
  uncollected_list: { args: { query: UncollectedQuery }; result: UncollectedList; permission: 'ReadPeople' };
  // Writes the list as shown (same query) into the export folder as XLSX.
  export_uncollected: { args: { query: UncollectedQuery }; result: ExportResult; permission: 'ReadPeople' };
  // A contact; outcome "already withdrawn" also records the withdrawal it reports (the day
  // received, the amount: what is left unless typed, the place) in the same transaction.
  record_contact: { args: { input: ContactInput }; result: ContactSaved; permission: 'WritePeople' };
  list_contacts: { args: { query: ContactsQuery }; result: Array<Contact>; permission: 'ReadPeople' };
  create_verification_sample: { args: { input: SampleInput }; result: VerificationSample; permission: 'Administer' };
  // `period`: `mm/yyyy` as typed or `yyyy-mm` as listed; None when the cycle has no sample.
  get_verification_sample: { args: { period: string }; result: VerificationSample | null; permission: 'Reports' };
  record_verification: { args: { input: VerificationInput }; result: VerificationSample; permission: 'Administer' };
  open_grievance: { args: { input: GrievanceInput }; result: Grievance; permission: 'WritePeople' };
  update_grievance: { args: { input: GrievanceUpdateInput }; result: Grievance; permission: 'WritePeople' };
  list_grievances: { args: { query: GrievanceQuery }; result: Array<Grievance>; permission: 'ReadPeople' };
  auth_status: { args: Record<string, never>; result: AuthStatus; permission: null };
  // The step of the upgrade a sign-in is running on an older database (none otherwise): the
  // sign-in screen asks while it waits. Says nothing about the data.
  upgrade_progress: { args: Record<string, never>; result: UpgradeProgress | null; permission: null };
  // First run only: the administrator, the encrypted database and its keyring.
  setup_admin: { args: { input: SetupInput }; result: UserView; permission: null };
  login: { args: { input: LoginInput }; result: UserView; permission: null };
  logout: { args: Record<string, never>; result: null; permission: null };
  // The first screen found an unencrypted database: convert it (with the new administrator's
  // password, or an existing administrator's when it has users) and sign that person in.
  convert_plaintext: { args: { input: SetupInput }; result: UserView; permission: null };
  // Every user, their own password (the old one is checked); audited.
  change_password: { args: { input: PasswordChange }; result: null; permission: 'Signed' };
  // A new database key, sealed for every active user (after someone leaves); audited.
  rekey_database: { args: Record<string, never>; result: RekeyReport; permission: 'Administer' };
  list_users: { args: Record<string, never>; result: Array<UserRow>; permission: 'Administer' };
  create_user: { args: { input: UserInput }; result: UserView; permission: 'Administer' };
  // Role, ward, activity or password of a user (audited with old and new values); deactivating
  // removes their key, reactivating needs a new password.
  update_user: { args: { input: UserChangeInput }; result: UserView; permission: 'Administer' };
  audit_log: { args: { query: AuditQuery }; result: AuditPage; permission: 'Administer' };
  // The whole audit log, oldest first, as one XLSX workbook in the export folder (for an
  // inspector: the page shows the newest 200); the export itself is audited.
  export_audit_log: { args: Record<string, never>; result: SavedFile; permission: 'Administer' };
  // Minutes without activity before the app locks (1-240).
  set_idle_minutes: { args: { minutes: number }; result: null; permission: 'Administer' };
  // An account's full number (lists and the person's page show it masked); audited.
  reveal_account_number: { args: { id: string }; result: string; permission: 'ReadPeople' };
  get_legal_basis: { args: { id: string }; result: LegalBasisRecord | null; permission: 'ReadPeople' };
  set_legal_basis: { args: { input: LegalBasisInput }; result: LegalBasisRecord; permission: 'WritePeople' };
  // Everything held about one person as one XLSX workbook in the export folder; audited.
  export_person: { args: { id: string }; result: ExportResult; permission: 'ReadPeople' };
  backup_now: { args: Record<string, never>; result: BackupInfo; permission: 'Administer' };
  list_backups: { args: Record<string, never>; result: BackupList; permission: 'Administer' };
  // Restores one of the listed backups (a path from `list_backups`); everyone is signed out.
  restore_backup: { args: { path: string }; result: null; permission: 'Administer' };
  // Who a cycle is expected to pay in a commune and how much: from the decisions in force
  // (only the highest benefit), or the group registered for people with no decision kept.
  expected_payments: { args: { query: ExpectedQuery }; result: Array<ExpectedRow>; permission: 'ReadPeople' };
  // The monthly payment list of a ward as XLSX for printing and signing (title block, Nam /
  // Nữ birth-date columns, totals, signatures), written into the export folder and audited.
  export_payment_list: { args: { query: PaymentListQuery }; result: ExportResult; permission: 'ReadPeople' };
  // The rows of the list: credited payments of the cycle in the ward with money left.
  signed_list: { args: { query: SignedListQuery }; result: Array<SignedListRow>; permission: 'WritePeople' };
  // Saves the filled rows as withdrawals in one transaction, through the payout import
  // (the same rules as a typed withdrawal and a payer's report: all-or-nothing, each error
  // naming its line; a row already recorded is left as it is).
  save_signed_list: { args: { input: SignedListSave }; result: PayoutReport; permission: 'WritePeople' };
  // The remembered (or automatic) column mapping for a payout report's headers.
  payout_mapping: { args: { file: PickedFile }; result: MappingProposal; permission: 'WritePeople' };
  // What importing the report would do, row by row; writes nothing but the mapping.
  payout_preview: { args: { request: PayoutRequest }; result: PayoutPreview; permission: 'WritePeople' };
  // Imports the report as withdrawals, all-or-nothing (`dry_run`: checks only).
  payout_apply: { args: { request: PayoutRequest }; result: PayoutReport; permission: 'WritePeople' };
  // The payout reports recorded for a cycle (mm/yyyy), newest first: an officer's ward's.
  list_payout_reports: { args: { period: string }; result: Array<PayoutReportRecord>; permission: 'ReadPeople' };
  // Reads a payout report by its path (the pages' fallback when a file chooser cannot be
  // used): the same `{name, bytes}` the picker gives, refused unread past the cap.
  read_payout_file: { args: { path: string }; result: PickedFile; permission: 'WritePeople' };
}

/** The commands' names (the keys of `Commands`), in declaration order. */
export const COMMANDS = [
  'app_info',
  'set_language',
  'dismiss_demo_offer',
  'load_demo',
  'list_units',
  'list_groups',
  'list_providers',
  'search_beneficiaries',
  'get_beneficiary',
  'add_beneficiary',
  'update_beneficiary',
  'similar_beneficiaries',
  'open_account',
  'record_payment',
  'record_withdrawal',
  'list_decisions',
  'record_decision',
  'list_account_declines',
  'record_account_decline',
  'save_draft',
  'get_draft',
  'list_drafts',
  'discard_draft',
  'metrics',
  'dashboard',
  'time_to_cash_chart',
  'monthly_report',
  'list_exports',
  'indicator_panels',
  'export_table_csv',
  'record_print',
  'import_mapping',
  'import_preview',
  'import_apply',
  'read_local_file',
  'save_error_report',
  'list_cycles',
  'reconcile_payments',
  'close_cycle',
  'exchange_overview',
  'exchange_set_office',
  'reference_export',
  'exchange_save_public',
  'exchange_read_device',
  'exchange_register_device',
  'exchange_revoke_device',
  'exchange_export',
  'exchange_import',
  'reference_import',
  'exchange_receipt',
  'handover_export',
  'handover_import',
  'sync_status',
  'sync_now',
  'exchange_import_receipt',
  'review_list',
  'review_settle',
  'review_dismiss',
  'followup_list',
  'export_followup',
  'uncollected_list',
  'export_uncollected',
  'record_contact',
  'list_contacts',
  'create_verification_sample',
  'get_verification_sample',
  'record_verification',
  'open_grievance',
  'update_grievance',
  'list_grievances',
  'auth_status',
  'upgrade_progress',
  'setup_admin',
  'login',
  'logout',
  'convert_plaintext',
  'change_password',
  'rekey_database',
  'list_users',
  'create_user',
  'update_user',
  'audit_log',
  'export_audit_log',
  'set_idle_minutes',
  'reveal_account_number',
  'get_legal_basis',
  'set_legal_basis',
  'export_person',
  'backup_now',
  'list_backups',
  'restore_backup',
  'expected_payments',
  'export_payment_list',
  'signed_list',
  'save_signed_list',
  'payout_mapping',
  'payout_preview',
  'payout_apply',
  'list_payout_reports',
  'read_payout_file',
] as const;
