//! The exchange subcommands: `bundle`, `keys`, `review`, `rebuild` (docs/EXCHANGE.md).

use ansinh_core::AppError;
use ansinh_exchange::{DeviceKeys, parse_recipient};
use ansinh_store::Store;
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum BundleAction {
    /// Write this desktop's change records as a signed bundle encrypted to an office.
    Export {
        /// Records after this seq (default: what the office acknowledged in its last receipt).
        #[arg(long)]
        since: Option<i64>,
        /// The office's public key file (from `keys export-public`) or a bare "age1..." key.
        #[arg(long, conflicts_with = "to")]
        to_key: Option<PathBuf>,
        /// An office added with `keys add-office`.
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Import a bundle (all-or-nothing; what this desktop already has is skipped).
    Import {
        file: PathBuf,
        /// Check and report without changing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write a signed receipt of every series this desktop holds (the city sends it back).
    Receipt {
        #[arg(long)]
        out: PathBuf,
    },
    /// Read an office's receipt: the next bundle starts after what it has.
    ImportReceipt { file: PathBuf },
}

#[derive(Subcommand)]
pub enum KeysAction {
    /// This desktop's device id, ward and public keys.
    Show,
    /// Write the public keys as a file for the offices that send to or receive from this desktop.
    ExportPublic {
        #[arg(long)]
        out: PathBuf,
    },
    /// Remember an office to send bundles to (its public key file or "age1..." key).
    AddOffice { name: String, key: PathBuf },
    /// The offices this desktop sends to.
    Offices,
}

#[derive(Subcommand)]
pub enum ReviewAction {
    /// Open review items (conflicts, money conflicts, duplicate persons) with every side.
    List,
    /// Settle a conflict by keeping one side (its record id).
    Settle {
        id: i64,
        #[arg(long)]
        keep: String,
    },
    /// Mark a duplicate or clash as looked at.
    Dismiss { id: i64 },
}

#[derive(Subcommand)]
pub enum OfficeRole {
    /// The city office: every ward's data is shown, other wards' records are read-only.
    City,
    /// A ward's desktop (statistical code): other wards' records it holds are read-only.
    Ward { code: String },
}

pub async fn office(store: &Store, role: OfficeRole) -> Result<(), AppError> {
    match role {
        OfficeRole::City => store.set_office(None).await?,
        OfficeRole::Ward { code } => {
            if !ansinh_core::validate::RefData::has_ward(&*store.refs().await?, &code) {
                return Err(AppError::field("ward_code", "ward.unknown", format!("no ward {code}")));
            }
            store.set_office(Some(&code)).await?
        }
    }
    println!("office set");
    Ok(())
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("serialisable")
}

fn read(path: &Path) -> Result<Vec<u8>, AppError> {
    std::fs::read(path).map_err(|e| AppError::File(format!("{}: {e}", path.display())))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    // Owner-only, like every export (ansinh_store::private).
    ansinh_store::private::write(path, bytes).map_err(|e| AppError::File(format!("{}: {e}", path.display())))
}

/// `ansinh sync --server URL`: one round of online sync, then what it did.
pub async fn sync(store: &Store, server: &str) -> Result<(), AppError> {
    let keys = DeviceKeys::load_or_create(store).await?;
    let r = ansinh_server::client::sync(store, &keys, server).await?;
    let p = &r.pulled;
    let details = serde_json::json!({"what": "sync", "server": server, "pushed": r.pushed, "pulled": p.applied});
    store.audit("sync", Some("change_log"), None, details).await?;
    println!("pushed {} record(s); pulled {} new, {} already here", r.pushed, p.applied, p.already_had);
    for g in &p.gaps {
        println!("gap: device {} is missing records from #{} (next: #{})", g.device_id, g.expected_seq, g.found_seq);
    }
    for (kind, n) in &p.review {
        println!("open review items ({kind}): {n}");
    }
    Ok(())
}

pub async fn bundle(store: &Store, action: BundleAction) -> Result<(), AppError> {
    let keys = DeviceKeys::load_or_create(store).await?;
    match action {
        BundleAction::Export { since, to_key, to, out } => {
            let recipient = match (to_key, to) {
                (Some(path), _) => parse_recipient(&String::from_utf8_lossy(&read(&path)?))?,
                (None, Some(name)) => {
                    let offices = store.recipients().await?;
                    let (_, r) =
                        offices.iter().find(|(n, _)| *n == name).ok_or(ansinh_exchange::ExchangeError::NoRecipient)?;
                    parse_recipient(r)?
                }
                (None, None) => return Err(ansinh_exchange::ExchangeError::NoRecipient.into()),
            };
            let since = match since {
                Some(s) => s,
                None => store.acknowledged_seq().await?,
            };
            let (bytes, manifest) = ansinh_exchange::export_bundle(store, &keys, since, &recipient).await?;
            write(&out, &bytes)?;
            let details = serde_json::json!({"what": "bundle", "first_seq": manifest.first_seq,
                "last_seq": manifest.last_seq, "file": out.display().to_string()});
            store.audit("export", Some("change_log"), None, details).await?;
            println!("{}", json(&manifest));
            eprintln!("{} records written to {}", manifest.records, out.display());
        }
        BundleAction::Import { file, dry_run } => {
            let outcome = ansinh_exchange::import_bundle(store, &keys, &read(&file)?, dry_run).await?;
            if !dry_run {
                let details = serde_json::json!({"what": "bundle", "file": file.display().to_string()});
                store.audit("import", Some("change_log"), None, details).await?;
            }
            println!("{}", json(&outcome));
        }
        BundleAction::Receipt { out } => {
            let receipt = ansinh_exchange::make_receipt(store, &keys).await?;
            write(&out, json(&receipt).as_bytes())?;
            let details = serde_json::json!({"what": "receipt", "file": out.display().to_string()});
            store.audit("export", Some("change_log"), None, details).await?;
            eprintln!("receipt written to {}", out.display());
        }
        BundleAction::ImportReceipt { file } => {
            let seq = ansinh_exchange::import_receipt(store, &String::from_utf8_lossy(&read(&file)?)).await?;
            let details = serde_json::json!({"what": "receipt", "file": file.display().to_string(), "acked_seq": seq});
            store.audit("import", Some("change_log"), None, details).await?;
            println!("the office has this desktop's records up to seq {seq}");
        }
    }
    Ok(())
}

pub async fn keys(store: &Store, action: KeysAction) -> Result<(), AppError> {
    let keys = DeviceKeys::load_or_create(store).await?;
    match action {
        KeysAction::Show => println!("{}", json(&keys.public(&store.home_ward().await?))),
        KeysAction::ExportPublic { out } => {
            write(&out, json(&keys.public(&store.home_ward().await?)).as_bytes())?;
            eprintln!("public keys written to {}", out.display());
        }
        KeysAction::AddOffice { name, key } => {
            let text = String::from_utf8_lossy(&read(&key)?).into_owned();
            let recipient = parse_recipient(&text)?;
            store.add_recipient(&name, &recipient.to_string()).await?;
            println!("office {name} added");
        }
        KeysAction::Offices => {
            for (name, r) in store.recipients().await? {
                println!("{name}\t{r}");
            }
        }
    }
    Ok(())
}

pub async fn review(store: &Store, action: ReviewAction) -> Result<(), AppError> {
    match action {
        ReviewAction::List => println!("{}", json(&store.review_items(true).await?)),
        ReviewAction::Settle { id, keep } => store.settle_review(id, &keep).await?,
        ReviewAction::Dismiss { id } => store.dismiss_review(id).await?,
    }
    Ok(())
}

/// Rebuilds a fresh database from the change records and compares it with the live tables.
pub async fn rebuild(store: &Store, out: Option<PathBuf>) -> Result<(), AppError> {
    let temp = std::env::temp_dir().join(format!("ansinh-rebuild-{}", std::process::id()));
    let path = out.unwrap_or_else(|| temp.join("rebuilt.db"));
    if path.exists() {
        return Err(AppError::File(format!("{}: already exists; rebuild needs a new file", path.display())));
    }
    let report = store.rebuild_into(&path).await;
    if path.starts_with(&temp) {
        let _ = std::fs::remove_dir_all(&temp);
    }
    let report = report?;
    println!("{}", json(&report));
    if report.differences.is_empty() {
        eprintln!("rebuilt from {} change records: every table matches", report.records);
        Ok(())
    } else {
        Err(AppError::Storage(format!("{} table(s) differ from their change records", report.differences.len())))
    }
}
