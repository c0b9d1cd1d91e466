//! `ansinh`: the command line over the same core as the desktop app, for administrators,
//! scripts, benchmarks and large imports. It signs a named person in through the same gate as
//! the app (`ansinh_api`) and checks, per subcommand, the permission the app checks for the same
//! action ([`permission`]); officers are confined to their ward. Errors print one line per
//! problem (with row and column for imports) and exit with status 1.
#![forbid(unsafe_code)]

use ansinh_api::{Access, AppState, require};
use ansinh_core::ErrorCode;
use ansinh_core::auth::Permission;
use ansinh_core::model::SegmentBy;
use ansinh_core::segments::{Filter, month_number};
use ansinh_core::{AppError, dates};
use ansinh_demo::DemoOptions;
use ansinh_files::export::What;
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

// Bulk imports allocate millions of small values at once (each row's text and its change
// record): glibc's allocator took a third of a city import's time; with mimalloc it runs 1.5×
// faster (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bench;
mod exchange;
mod fieldwork;
mod security;
mod table;

#[derive(Parser)]
#[command(name = "ansinh", version, about = "ansinh: cashless social-security payments, from credit to cash in hand")]
struct Cli {
    /// Database file (default: the desktop app's database, or $ANSINH_DB).
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    /// Sign in as this user (or $ANSINH_USER); the password from $ANSINH_PASSWORD, else one
    /// line read from stdin. Without it, only a scratch database (plaintext, no users) opens.
    #[arg(long, global = true)]
    user: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum AuditAction {
    Verify,
    List {
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
}

#[derive(Subcommand)]
enum BackupAction {
    /// Write a verified backup now (keeps the newest 10).
    Now {
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    List {
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Replace the database with a backup (close the app first); the backup is verified first.
    Restore { file: PathBuf },
}

#[derive(Subcommand)]
enum UserAction {
    /// A new user (password from $ANSINH_NEW_PASSWORD).
    Add {
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        ward: Option<String>,
    },
    /// The users of this database (JSON).
    List,
    /// Your own password: the one you sign in with, then the new one from $ANSINH_NEW_PASSWORD.
    Passwd,
    /// Deactivate a user: their key leaves the keyring (their password no longer opens the file).
    Deactivate { username: String },
    /// Reactivate a user with a new password ($ANSINH_NEW_PASSWORD).
    Reactivate { username: String },
    /// Set a new password for an active user ($ANSINH_NEW_PASSWORD), e.g. one left without a key.
    SetPassword { username: String },
}

#[derive(Subcommand)]
enum Command {
    /// Run one of the app's commands (the list: docs/IPC.md) with its JSON argument object, as
    /// the signed-in person, through the same permission check as the app; prints the result as
    /// JSON.
    Call {
        command: String,
        /// The argument object, e.g. '{"query": {"text": "Nguyễn"}}'.
        #[arg(long, default_value = "{}")]
        args: String,
    },
    /// The development HTTP transport: the app's commands over `POST /call/{command}` on
    /// 127.0.0.1, for the UI's tests and `npm run dev` (nobody is signed in: the UI signs in
    /// through `login`). Prints `{"url": ..., "token": ...}` on one line once it listens.
    DevServer {
        /// 0: any free port.
        #[arg(long, default_value_t = 8321)]
        port: u16,
        /// The token requests must carry (default: $ANSINH_HTTP_TOKEN, else a random one).
        #[arg(long)]
        token: Option<String>,
    },
    /// Generate a deterministic synthetic city (same options, same data).
    /// Benchmarks at ward, tenth-of-city and city size; results into docs/BENCHMARKS.md.
    Bench {
        /// Sizes to run: ward (2,500 people), tenth (30,000), city (300,000), 24 months each.
        #[arg(long, value_delimiter = ',', default_value = "ward,tenth,city")]
        sizes: Vec<String>,
        /// Runs per figure (the median is kept).
        #[arg(long, default_value_t = 3)]
        repeat: usize,
        /// Folder for the datasets, reused between runs (the city needs tens of GB).
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
        /// The page to write.
        #[arg(long, default_value = "docs/BENCHMARKS.md")]
        out: PathBuf,
        /// The DuckDB comparison script (python3 with duckdb).
        #[arg(long, default_value = "bench/duckdb_dashboard.py")]
        duckdb: PathBuf,
        /// Skip the DuckDB comparison.
        #[arg(long)]
        no_duckdb: bool,
        /// The release app binary: times its start and typing a ward's signed list on each size's
        /// database (needs a display, tauri-driver and WebKitWebDriver, as the end-to-end tests do).
        #[arg(long)]
        app: Option<PathBuf>,
        /// Only these figures: import, payouts, dashboard, storage, search, merge, backup, startup, grid
        /// (the last two need --app; default: all).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    Demo {
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..))]
        wards: u16,
        #[arg(long, default_value_t = 300)]
        beneficiaries: usize,
        #[arg(long, default_value_t = 6)]
        months: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Last payment cycle, mm/yyyy or yyyy-mm (default: the current month).
        #[arg(long)]
        until: Option<String>,
    },
    /// Import a list (all-or-nothing; people already registered are left unchanged).
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Export a table as CSV.
    Export {
        #[arg(value_parser = export_what())]
        what: What,
        #[arg(long)]
        out: PathBuf,
    },
    /// Every indicator (time to cash, convenience, accounts, grievances, verification).
    Metrics {
        /// Print the full report as JSON (documented keys) instead of a short table.
        #[arg(long)]
        json: bool,
        /// Compute as of this date, yyyy-mm-dd or dd/mm/yyyy (default: today).
        #[arg(long)]
        as_of: Option<String>,
        /// One or two dimensions, comma-separated: ward, age, group, disability, channel,
        /// need, assisted, cycle, programme, kind (monthly / one-off) (e.g. `--by ward,age`).
        #[arg(long)]
        by: Option<String>,
        #[command(flatten)]
        periods: Periods,
        /// Also write the table (the segments, or the overall figures) as CSV in the export
        /// folder; the export is recorded.
        #[arg(long)]
        csv: bool,
        /// Show time to cash only where at least this percent of payments have a known status
        /// (coverage; default 60).
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
        min_coverage: Option<u8>,
    },
    /// The monthly indicator report of a cycle as XLSX, for a ward or the city (written to the
    /// export folder; the export is recorded).
    Report {
        /// The cycle, mm/yyyy.
        #[arg(long)]
        cycle: String,
        /// Only this ward (statistical code); default: the whole city.
        #[arg(long)]
        ward: Option<String>,
        #[arg(long)]
        as_of: Option<String>,
    },
    /// The monthly payment list of a ward as XLSX, in the shape of a printed list (title block,
    /// birth date under Nam / Nữ, an empty "Ký nhận" column, totals, signatures); the export
    /// is audited. `ansinh import beneficiaries --ward` reads such a list back.
    PaymentList {
        /// The cycle, mm/yyyy.
        #[arg(long)]
        cycle: String,
        /// The ward (statistical code); an officer's own ward when omitted.
        #[arg(long)]
        ward: Option<String>,
        /// Where to write it (default: the export folder).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The exports made so far (who, what, when), newest first, as JSON.
    Exports {
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Render a chart.
    Chart {
        kind: ChartKind,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        by: Option<String>,
        #[command(flatten)]
        periods: Periods,
        #[arg(long, default_value = "vi")]
        lang: String,
    },
    /// Payment cycles.
    Cycle {
        #[command(subcommand)]
        what: CycleWhat,
    },
    /// Check that every device's change records form an unbroken chain.
    Verify,
    /// The audit log: `verify` finds any edited, deleted or reordered entry; `list` prints it.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Rolling backups outside the app's data folder ($ANSINH_BACKUP_DIR or <documents>/ansinh-backups).
    Backup {
        #[command(subcommand)]
        action: BackupAction,
    },
    /// Local accounts (new passwords come from $ANSINH_NEW_PASSWORD).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// A new random database key, sealed for every active user (after someone leaves); a copy
    /// of the old keyring no longer opens the database. Close the app first.
    Rekey,
    /// Convert a plaintext database into an encrypted one (--user: the new administrator of a
    /// scratch database, or one of its administrators; password from $ANSINH_PASSWORD).
    Encrypt {
        /// The administrator's display name (a new administrator only).
        #[arg(long)]
        name: Option<String>,
    },
    /// Offline exchange bundles and receipts (docs/EXCHANGE.md).
    Bundle {
        #[command(subcommand)]
        action: exchange::BundleAction,
    },
    /// Online sync with the central server: push this desktop's new records, pull and merge
    /// everyone else's (docs/EXCHANGE.md, "Server"). Offline, nothing changes until the next sync.
    Sync {
        /// The server's base URL, e.g. `http://127.0.0.1:8080` (the office's TLS proxy in
        /// production); by default the one the last sync went through.
        #[arg(long)]
        server: Option<String>,
        /// Print what this desktop knows of its syncs (last sync, records waiting, server, last
        /// error) as JSON, without contacting the server.
        #[arg(long)]
        status: bool,
    },
    /// This desktop's exchange keys and the offices it sends to.
    Keys {
        #[command(subcommand)]
        action: exchange::KeysAction,
    },
    /// Reference data sent down by the city office as its own signed, versioned file.
    Reference {
        #[command(subcommand)]
        action: exchange::ReferenceAction,
    },
    /// What a merge could not decide: conflicts, money conflicts, duplicate persons.
    Review {
        #[command(subcommand)]
        action: exchange::ReviewAction,
    },
    /// What this desktop is: `city` (other wards' records read-only) or `ward CODE`.
    Office {
        #[command(subcommand)]
        role: exchange::OfficeRole,
    },
    /// Rebuild a fresh database from the change records alone and compare it with this one.
    Rebuild {
        /// Keep the rebuilt database here (default: a temporary file, removed).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Credited payments not (fully) withdrawn after K days, ranked by need (the visit list).
    Followup {
        /// Days since the credit (default 7).
        #[arg(long)]
        days: Option<u32>,
        /// Only this ward's people (statistical code).
        #[arg(long)]
        ward: Option<String>,
        #[arg(long)]
        json: bool,
        /// Also write the list as an XLSX workbook.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The list's day, yyyy-mm-dd or dd/mm/yyyy (default: today).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Money left uncollected: people whose last withdrawal is older than N months (or who
    /// never withdrew) while credited payments kept arriving, most money left first.
    Uncollected {
        /// Months without cash in hand, 1 to 60 (default 2).
        #[arg(long)]
        months: Option<u32>,
        /// Only this ward's people (statistical code).
        #[arg(long)]
        ward: Option<String>,
        #[arg(long)]
        json: bool,
        /// Also write the list as an XLSX workbook.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The list's day, yyyy-mm-dd or dd/mm/yyyy (default: today).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Verification visits: a reproducible random sample of a cycle's credited payments.
    VerifySample {
        #[command(subcommand)]
        action: SampleAction,
    },
    /// Grievance tickets, overdue first.
    Grievances {
        /// Only open or in-progress tickets past their deadline.
        #[arg(long)]
        overdue: bool,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(Subcommand)]
enum SampleAction {
    /// Draw and store the sample of a cycle (one per cycle).
    Create {
        /// mm/yyyy
        #[arg(long)]
        cycle: String,
        /// A number of payments (20) or a percentage (10%).
        #[arg(long)]
        size: String,
        #[arg(long)]
        seed: String,
    },
    /// Print a cycle's sample with its results and progress (JSON).
    Show {
        #[arg(long)]
        cycle: String,
    },
}

#[derive(Subcommand)]
enum CycleWhat {
    /// Close a cycle (mm/yyyy): its payments can no longer be changed by reconciliation.
    Close { period: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum Duplicates {
    /// Leave possible duplicates out.
    Skip,
    /// Add them too, saving --reason on each.
    Keep,
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Beneficiaries from .csv or .xlsx (see README for the column headers).
    Beneficiaries {
        file: PathBuf,
        /// What to do with possible duplicates (same folded name, birth and ward as someone
        /// registered or an earlier row); without it they are reported and nothing is written.
        #[arg(long)]
        duplicates: Option<Duplicates>,
        /// Why possible duplicates are kept (required with --duplicates keep).
        #[arg(long, default_value = "")]
        reason: String,
        /// The ward (statistical code) of every person, for a list with no ward column (its
        /// title names the ward); checked as the app's ward picker is.
        #[arg(long)]
        ward: Option<String>,
        /// A code for a written value that matches no code or name, FIELD=VALUE:CODE (fields:
        /// group_code, disability, sex, ward_code), e.g. `--map-value "group_code=Người cao
        /// tuổi từ 80 tuổi:cao_tuoi_ngheo_80"` or `--map-value "ward_code=Trúc Bạch:00004"`;
        /// repeatable. Remembered for files with the same headers.
        #[arg(long = "map-value", value_parser = parse_value_mapping)]
        map_value: Vec<ansinh_files::import::ValueMapping>,
    },
    /// A bank's / post office's payment result file for one cycle (all-or-nothing).
    Payments {
        file: PathBuf,
        /// The cycle, mm/yyyy.
        #[arg(long)]
        cycle: String,
        /// Check and report without writing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Administrative units from .csv or .xlsx (code, name, level, parent_code).
    Units { file: PathBuf },
    /// The old→new mapping of units (old_code, new_code, effective_from), all or nothing.
    UnitMappings { file: PathBuf },
    /// A payer's payout report for one cycle (who was paid out, when, how much, where) as
    /// withdrawals, all-or-nothing; rows already recorded are left as they are.
    Withdrawals {
        file: PathBuf,
        /// The cycle, mm/yyyy.
        #[arg(long)]
        cycle: String,
        /// The report holds every payout of the payer up to this day, dd/mm/yyyy.
        #[arg(long)]
        complete_to: Option<String>,
        /// The channel the payer pays through (bank, ewallet, mobile_money, vneid, cash); default: every channel.
        #[arg(long)]
        channel: Option<String>,
        /// The payer, e.g. "Bưu điện Ba Đình".
        #[arg(long, default_value = "")]
        payer: String,
        /// Check and report without writing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// `FIELD=VALUE:CODE` (the value may hold ':' and '=': the field ends at the first '=', the
/// code starts after the last ':').
fn parse_value_mapping(raw: &str) -> Result<ansinh_files::import::ValueMapping, String> {
    let bad =
        || format!("{raw:?}: expected FIELD=VALUE:CODE, e.g. group_code=Người cao tuổi từ 80 tuổi:cao_tuoi_ngheo_80");
    let (field, rest) = raw.split_once('=').ok_or_else(bad)?;
    let (value, code) = rest.rsplit_once(':').ok_or_else(bad)?;
    let (field, value, code) = (field.trim(), value.trim(), code.trim());
    if field.is_empty() || value.is_empty() || code.is_empty() {
        return Err(bad());
    }
    Ok(ansinh_files::import::ValueMapping { field: field.into(), value: value.into(), code: code.into() })
}

/// The tables `ansinh export` writes, named as `What` names them.
fn export_what() -> impl clap::builder::TypedValueParser<Value = What> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(What::ALL.map(What::name))
        .map(|name: String| What::parse(&name).expect("one of the names offered"))
}

#[derive(Clone, Copy, ValueEnum)]
enum ChartKind {
    TimeToCash,
}

/// Which payment cycles count (mm/yyyy).
#[derive(clap::Args)]
struct Periods {
    /// Only this cycle (same as --from X --to X).
    #[arg(long)]
    cycle: Option<String>,
    /// From this cycle on.
    #[arg(long)]
    from: Option<String>,
    /// Up to this cycle.
    #[arg(long)]
    to: Option<String>,
}

impl Periods {
    fn filter(&self) -> Result<Filter, AppError> {
        let month = |field: &str, raw: &Option<String>| -> Result<Option<i32>, AppError> {
            raw.as_deref()
                .map(|r| dates::parse_period(field, r).map(|(y, m)| month_number(y, m)).map_err(AppError::from))
                .transpose()
        };
        let cycle = month("cycle", &self.cycle)?;
        Ok(Filter {
            from: cycle.or(month("from", &self.from)?),
            to: cycle.or(month("to", &self.to)?),
            ..Filter::default()
        })
    }
}

/// "ward,age" → the dimensions (at most two).
fn parse_by(raw: &Option<String>) -> Result<Vec<SegmentBy>, AppError> {
    let Some(raw) = raw else { return Ok(vec![]) };
    let dims: Vec<SegmentBy> = raw
        .split(',')
        .map(|p| {
            SegmentBy::parse(p.trim()).ok_or_else(|| {
                let known: Vec<&str> = SegmentBy::ALL.iter().map(|b| b.as_str()).collect();
                AppError::field(
                    "by",
                    ErrorCode::StatusInvalid,
                    format!("unknown dimension {p:?} (one of {})", known.join(", ")),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    if dims.len() > 2 || (dims.len() == 2 && dims[0] == dims[1]) {
        return Err(AppError::field("by", ErrorCode::StatusInvalid, "--by takes one or two different dimensions"));
    }
    Ok(dims)
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn as_of(raw: &Option<String>) -> Result<NaiveDate, AppError> {
    raw.as_deref().map_or(Ok(today()), |s| dates::parse_date("as_of", s).map_err(AppError::from))
}

/// The permission the app checks for the same action (docs/SECURITY.md, "The CLI"); actions
/// only the CLI has take the strictest that fits: bulk exports of personal tables, user
/// changes, imports, re-keying, audit and backups are Administer.
fn permission(c: &Command) -> Permission {
    use Permission::*;
    match c {
        Command::Export { what: What::Cycles | What::Groups, .. } => Reports,
        // The figures of the wards the user may read: an officer's own ward only.
        Command::Metrics { .. } | Command::Chart { .. } | Command::Report { .. } => Figures,
        Command::Exports { .. } => Reports,
        Command::VerifySample { action: SampleAction::Show { .. } } => Reports,
        Command::Review { action: exchange::ReviewAction::List } => Reports,
        Command::Followup { .. } | Command::Uncollected { .. } | Command::Grievances { .. } => ReadPeople,
        Command::PaymentList { .. } => ReadPeople,
        Command::Import { what: ImportWhat::Withdrawals { .. } } => WritePeople,
        Command::User { action: UserAction::Passwd } => Signed,
        // What is in force: public rules, no person's data.
        Command::Reference {
            action:
                exchange::ReferenceAction::Units { .. }
                | exchange::ReferenceAction::Groups { .. }
                | exchange::ReferenceAction::Levels { .. },
        } => Signed,
        _ => Administer,
    }
}

async fn run(cli: Cli) -> Result<(), AppError> {
    let path = cli.db.unwrap_or_else(ansinh_store::default_db_path);
    // Commands that do not go through a sign-in.
    let command = match cli.command {
        Command::Bench { sizes, repeat, dir, out, duckdb, no_duckdb, app, only } => {
            let duckdb = (!no_duckdb).then_some(duckdb);
            return bench::bench(bench::BenchArgs { sizes, repeat, dir, out, duckdb, app, only }).await;
        }
        Command::Encrypt { name } => return security::encrypt(&path, cli.user, name).await,
        Command::DevServer { port, token } => return dev_server(path, port, token).await,
        c => c,
    };
    let backup_dir = match &command {
        Command::Backup { action: BackupAction::Now { dir } | BackupAction::List { dir } } => dir.clone(),
        _ => None,
    };
    let backup_dir = backup_dir.unwrap_or_else(ansinh_store::default_backup_dir);
    let (state, password) = security::sign_in(&path, backup_dir, cli.user).await?;
    let result = execute(&state, &password, command).await;
    // Signed out (audited) and the database closed, whatever happened.
    let out = state.logout().await;
    result.and(out)
}

/// Audits an export the CLI wrote, under the person signed in (as the app does).
async fn audited(a: &Access, entity: &str, details: serde_json::Value) -> Result<(), AppError> {
    Ok(a.store.audit("export", Some(entity), None, details).await?)
}

/// `ansinh dev-server`: the app's commands over HTTP (`ansinh_api::http`).
async fn dev_server(db: PathBuf, port: u16, token: Option<String>) -> Result<(), AppError> {
    let token = token
        .or_else(|| std::env::var("ANSINH_HTTP_TOKEN").ok())
        .unwrap_or_else(|| ansinh_core::records::new_id().simple().to_string());
    let state = AppState::with_backup_dir(db, ansinh_store::default_backup_dir());
    let shown = token.clone();
    ansinh_api::http::serve(state, port, token, move |addr| {
        println!("{}", json!({ "url": format!("http://{addr}"), "token": shown }));
    })
    .await
    .map_err(|e| AppError::File(format!("dev-server: {e}")))
}

/// `ansinh call`: one command through the app's own dispatch (gate, arguments, body).
async fn call_command(state: &AppState, command: &str, args: &str) -> Result<(), AppError> {
    let args: serde_json::Value = serde_json::from_str(args)
        .map_err(|e| AppError::field("args", ErrorCode::RequestInvalid, format!("--args is not JSON: {e}")))?;
    let out = ansinh_api::commands::call(state, command, args).await?;
    println!("{}", serde_json::to_string_pretty(&out).expect("JSON"));
    Ok(())
}

async fn execute(state: &AppState, password: &str, command: Command) -> Result<(), AppError> {
    // Its gate is the command's own (declared with it in ansinh_api::commands).
    if let Command::Call { command, args } = &command {
        return call_command(state, command, args).await;
    }
    let a = require(state, permission(&command))?;
    // These replace the database file: they take the access (and its store) with them.
    let command = match command {
        Command::Backup { action: BackupAction::Restore { file } } => {
            return security::backup_restore(state, a, &file).await;
        }
        Command::Rekey => return security::rekey(state, a).await,
        c => c,
    };
    let store = &*a.store.clone();
    match command {
        Command::Audit { action: AuditAction::Verify } => security::audit_verify(&a).await?,
        Command::Audit { action: AuditAction::List { limit } } => security::audit_list(&a, limit).await?,
        Command::Backup { action: BackupAction::Now { .. } } => security::backup_now(state, &a).await?,
        Command::Backup { action: BackupAction::List { .. } } => security::backup_list(state)?,
        Command::Backup { action: BackupAction::Restore { .. } } | Command::Rekey => unreachable!("handled above"),
        Command::Bench { .. } | Command::Encrypt { .. } | Command::DevServer { .. } => unreachable!("handled in run"),
        Command::Call { .. } => unreachable!("handled above"),
        Command::User { action } => match action {
            UserAction::Add { username, role, ward } => {
                security::user_add(state, &a, &username, &role, ward.as_deref()).await?
            }
            UserAction::List => security::user_list(&a).await?,
            UserAction::Passwd => security::user_passwd(state, &a, password).await?,
            UserAction::Deactivate { username } => {
                security::user_change(state, &a, &username, security::Change::Deactivate).await?
            }
            UserAction::Reactivate { username } => {
                security::user_change(state, &a, &username, security::Change::Reactivate).await?
            }
            UserAction::SetPassword { username } => {
                security::user_change(state, &a, &username, security::Change::SetPassword).await?
            }
        },
        Command::Demo { wards, beneficiaries, months, seed, until } => {
            let until = match until {
                Some(u) => {
                    let (y, m) = dates::parse_period("until", &u)?;
                    NaiveDate::from_ymd_opt(y, m, 1).expect("valid period")
                }
                None => ansinh_demo::first_of_month(today()),
            };
            let opts = DemoOptions { wards: wards.into(), beneficiaries, months, seed, until, today: today() };
            let summary = ansinh_demo::load(store, &opts).await?;
            println!("{}", serde_json::to_string_pretty(&summary).expect("serialisable"));
        }
        Command::Import { what: ImportWhat::Beneficiaries { file, duplicates, reason, ward, map_value } } => {
            let decision = duplicates
                .map(|d| ansinh_files::import::DuplicateDecision { keep: matches!(d, Duplicates::Keep), reason });
            let options = ansinh_files::import::ImportOptions {
                ward_code: ansinh_api::commands::imports::import_ward(&a, ward.as_deref()).await?,
                values: map_value,
            };
            let report = ansinh_files::import::import_beneficiaries_file_with(
                store,
                &file,
                decision.as_ref(),
                &options,
                today(),
            )
            .await?;
            for s in &report.skipped {
                eprintln!("row {}: skipped ({}): {}", s.row, s.reason.as_str(), s.text);
            }
            println!("{}", serde_json::to_string_pretty(&report).expect("serialisable"));
        }
        Command::Import { what: ImportWhat::Payments { file, cycle, dry_run } } => {
            let report = ansinh_files::reconcile::reconcile_file(store, &file, &cycle, dry_run).await?;
            println!("{}", serde_json::to_string_pretty(&report).expect("serialisable"));
        }
        Command::Import { what: ImportWhat::Withdrawals { file, cycle, complete_to, channel, payer, dry_run } } => {
            let options = ansinh_files::payouts::PayoutOptions {
                period: cycle,
                complete_to: complete_to.unwrap_or_default(),
                channel: channel.unwrap_or_default(),
                payer,
            };
            let ward = ansinh_api::commands::withdrawals::import_scope(&a).await?;
            let report =
                ansinh_files::payouts::import_file(store, &file, &options, ward.as_deref(), today(), dry_run).await?;
            println!("{}", serde_json::to_string_pretty(&report).expect("serialisable"));
        }
        Command::Cycle { what: CycleWhat::Close { period } } => {
            let (y, m) = dates::parse_period("period", &period)?;
            let cycle = store.close_cycle(&dates::period_key(y, m)).await?;
            println!("{}", serde_json::to_string_pretty(&cycle).expect("serialisable"));
        }
        Command::Import { what: ImportWhat::UnitMappings { file } } => {
            let rows = ansinh_files::units::mappings_from_table(&ansinh_files::table::read(&file)?)?;
            let rows: Vec<_> = rows.into_iter().map(|m| (m.old_code, m.new_code, m.effective_from, m.row)).collect();
            let n = store.upsert_unit_mappings(&rows).await?;
            println!("{n} mappings loaded");
        }
        Command::Import { what: ImportWhat::Units { file } } => {
            let units = ansinh_files::units::units_from_table(&ansinh_files::table::read(&file)?)?;
            let n = store.upsert_units(&units).await?;
            println!("{n} units loaded");
        }
        Command::Export { what, out } => {
            let n = ansinh_files::export::export_csv(store, what, &out).await?;
            let details = json!({"what": what.name(), "rows": n, "file": out.display().to_string()});
            audited(&a, what.name(), details).await?;
            eprintln!("{n} rows written to {}", out.display());
        }
        Command::Metrics { json: as_json, as_of: when, by, periods, csv, min_coverage } => {
            let filter = a.scoped_figures(Filter { min_coverage, ..periods.filter()? })?;
            let (on, by) = (as_of(&when)?, parse_by(&by)?);
            if csv {
                let path = ansinh_files::indicator_report::export_segments_csv(store, on, &filter, &by).await?;
                let details = json!({"what": "indicator_table", "by": by, "file": path.display().to_string()});
                audited(&a, "indicators", details).await?;
                eprintln!("table written to {}", path.display());
            }
            let report = store.metrics(on, &filter, &by).await?;
            if as_json {
                println!("{}", serde_json::to_string_pretty(&report).expect("serialisable"));
            } else {
                print!("{}", table::metrics(&report));
            }
        }
        Command::Chart { kind: ChartKind::TimeToCash, out, as_of: when, by, periods, lang } => {
            let lang: ansinh_charts::Lang = lang.parse().map_err(|e: ansinh_charts::UnknownLang| {
                AppError::field("lang", ErrorCode::StatusInvalid, e.to_string())
            })?;
            let filter = a.scoped_figures(periods.filter()?)?;
            let report = store.metrics(as_of(&when)?, &filter, &parse_by(&by)?).await?;
            let svg = ansinh_charts::time_to_cash_svg(&report, lang, &|k| k.to_string());
            ansinh_store::private::write(&out, svg.as_bytes())
                .map_err(|e| AppError::File(format!("{}: {e}", out.display())))?;
            audited(&a, "indicators", json!({"what": "time_to_cash_chart", "file": out.display().to_string()})).await?;
            eprintln!("chart written to {}", out.display());
        }
        Command::Report { cycle, ward, as_of: when } => {
            let (y, m) = dates::parse_period("cycle", &cycle)?;
            let ward = a.scoped_ward(ward.as_deref())?;
            let path = ansinh_files::indicator_report::export_monthly_report(store, as_of(&when)?, y, m, ward).await?;
            let details =
                json!({"what": "monthly_report", "ward": ward, "cycle": cycle, "file": path.display().to_string()});
            audited(&a, "indicators", details).await?;
            println!("{}", json!({ "path": path.display().to_string() }));
        }
        Command::PaymentList { cycle, ward, out } => {
            let r = ansinh_api::commands::signed_list::write_payment_list(&a, &cycle, ward.as_deref(), out.as_deref())
                .await?;
            eprintln!("{} rows written to {}", r.rows, r.path);
            println!("{}", json!({ "path": r.path, "rows": r.rows }));
        }
        Command::Exports { limit } => {
            let list = store.list_exports(limit).await?;
            println!("{}", serde_json::to_string_pretty(&list).expect("serialisable"));
        }
        Command::Followup { days, ward, json: as_json, out, as_of: when } => {
            fieldwork::followup(&a, as_of(&when)?, days, ward.as_deref(), as_json, out.as_deref()).await?;
        }
        Command::Uncollected { months, ward, json: as_json, out, as_of: when } => {
            fieldwork::uncollected(&a, as_of(&when)?, months, ward.as_deref(), as_json, out.as_deref()).await?;
        }
        Command::VerifySample { action: SampleAction::Create { cycle, size, seed } } => {
            fieldwork::sample_create(store, &cycle, &size, &seed).await?;
        }
        Command::VerifySample { action: SampleAction::Show { cycle } } => {
            fieldwork::sample_show(store, &cycle).await?;
        }
        Command::Grievances { overdue, json: as_json, as_of: when } => {
            fieldwork::grievances(&a, as_of(&when)?, overdue, as_json).await?;
        }
        Command::Bundle { action } => exchange::bundle(store, action).await?,
        Command::Sync { server, status } => exchange::sync(store, server.as_deref(), status).await?,
        Command::Keys { action } => exchange::keys(store, action).await?,
        Command::Reference { action } => exchange::reference(store, action).await?,
        Command::Review { action } => exchange::review(store, action).await?,
        Command::Office { role } => exchange::office(store, role).await?,
        Command::Rebuild { out } => exchange::rebuild(store, out).await?,
        Command::Verify => match store.verify_changes().await? {
            None => println!("change records intact"),
            Some((device, seq)) => {
                return Err(AppError::Storage(format!("change record chain broken at device {device}, seq {seq}")));
            }
        },
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(AppError::Validation(errors)) => {
            eprintln!("error: {} problem(s); nothing was written", errors.len());
            for e in errors {
                eprintln!("  {e}");
            }
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every front door has the same locks: a CLI subcommand that does what an app command does
    /// needs exactly the permission that command declares in the registry (crates/api).
    #[test]
    fn cli_subcommands_need_the_permission_of_their_app_command() {
        let twins: &[(&[&str], &str)] = &[
            (&["metrics"], "metrics"),
            (&["report", "--cycle", "01/2026"], "monthly_report"),
            (&["exports"], "list_exports"),
            (&["followup"], "followup_list"),
            (&["uncollected"], "uncollected_list"),
            (&["grievances"], "list_grievances"),
            (&["payment-list", "--cycle", "10/2026"], "export_payment_list"),
            (&["import", "beneficiaries", "f.csv"], "import_apply"),
            (&["import", "payments", "f.csv", "--cycle", "01/2026"], "reconcile_payments"),
            (&["import", "withdrawals", "f.csv", "--cycle", "01/2026"], "payout_apply"),
            (&["cycle", "close", "01/2026"], "close_cycle"),
            (&["review", "list"], "review_list"),
            (&["review", "dismiss", "1"], "review_dismiss"),
            (
                &["verify-sample", "create", "--cycle", "01/2026", "--size", "20", "--seed", "1"],
                "create_verification_sample",
            ),
            (&["verify-sample", "show", "--cycle", "01/2026"], "get_verification_sample"),
            (&["user", "list"], "list_users"),
            (&["user", "passwd"], "change_password"),
        ];
        for (argv, app) in twins {
            let cli = Cli::try_parse_from(std::iter::once("ansinh").chain(argv.iter().copied()))
                .unwrap_or_else(|e| panic!("{argv:?}: {e}"));
            let spec =
                ansinh_api::commands::specs().find(|s| s.name == *app).unwrap_or_else(|| panic!("no command {app}"));
            assert_eq!(
                Some(permission(&cli.command)),
                spec.permission,
                "`ansinh {}` and the app's {app}",
                argv.join(" ")
            );
        }
    }
}
