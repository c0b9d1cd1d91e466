//! The exchange subcommands: `bundle`, `keys`, `review`, `rebuild` (docs/EXCHANGE.md).

use ansinh_core::AppError;
use ansinh_exchange::limits::Oversize;
use ansinh_exchange::{DeviceKeys, PublicKeys, parse_recipient};
use ansinh_store::DeviceRole;
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
    /// Import a bundle, or a folder's bundles in one go (the city's month: all-or-nothing
    /// together, one transaction; what this desktop already has is skipped).
    Import {
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
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
    /// The city office: hand a moved person's file (after their commune's stop, moved) to the
    /// new commune's registered desktops.
    Handover {
        /// The person's id.
        person: String,
        /// The new commune's code.
        #[arg(long)]
        ward: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// The new commune's desktop: take a person's file the city office handed over (all or
    /// nothing; taking it twice changes nothing). Then record their start decision here.
    ImportHandover { file: PathBuf },
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
    /// Register a device from its public-key file (after reading its fingerprint with the other
    /// office by phone): bundles, receipts and reference files are accepted only from registered
    /// devices. A ward desktop by default (of the file's ward, or --ward); --city for the city office.
    AddDevice {
        file: PathBuf,
        #[arg(long, default_value = "")]
        name: String,
        /// The city office: any ward, receipts, reference files, and the office to send to.
        #[arg(long, conflicts_with = "ward")]
        city: bool,
        /// The ward of a ward desktop (default: the ward its file states).
        #[arg(long)]
        ward: Option<String>,
    },
    /// Register the city office to send bundles to and take receipts from (= add-device --city).
    AddOffice { name: String, key: PathBuf },
    /// Registered devices, with their fingerprints (JSON).
    Devices,
    /// Revoke a registered device: nothing it sends is accepted any more.
    Revoke { device_id: String },
    /// The offices this desktop sends to.
    Offices,
}

#[derive(Subcommand)]
pub enum ReferenceAction {
    /// Write the signed reference file (units, groups, levels, providers) for the wards: the
    /// city office's desktop only; each file's version is one more than the last.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// Apply the city office's reference file (its signer must be registered here as the city
    /// office, its version newer than the last applied; all or nothing).
    Import { file: PathBuf },
    /// The administrative units in force on a day (today by default), as JSON.
    Units {
        /// dd/mm/yyyy
        #[arg(long)]
        on: Option<String>,
    },
    /// The allowance groups in force on a day, with their coefficient and monthly amount then.
    Groups {
        /// dd/mm/yyyy
        #[arg(long)]
        on: Option<String>,
        /// The province the amounts are for (01: Hà Nội).
        #[arg(long, default_value = "01")]
        province: String,
    },
    /// The standard levels and top-ups in force on a day, per programme and area.
    Levels {
        /// dd/mm/yyyy
        #[arg(long)]
        on: Option<String>,
    },
}

/// `--on dd/mm/yyyy`, or today.
fn day(on: Option<String>) -> Result<chrono::NaiveDate, AppError> {
    match on {
        Some(raw) => Ok(ansinh_core::dates::parse_date("on", &raw)?),
        None => Ok(chrono::Local::now().date_naive()),
    }
}

pub async fn reference(store: &Store, action: ReferenceAction) -> Result<(), AppError> {
    match action {
        ReferenceAction::Export { out } => {
            let keys = DeviceKeys::load_or_create(store).await?;
            let file = ansinh_exchange::make_reference_file(store, &keys).await?;
            write(&out, json(&file).as_bytes())?;
            eprintln!("reference file written to {}", out.display());
        }
        ReferenceAction::Import { file } => {
            let text = String::from_utf8_lossy(&read(&file, Oversize::Reference)?).into_owned();
            println!("{}", json(&ansinh_exchange::import_reference_file(store, &text).await?));
        }
        ReferenceAction::Units { on } => println!("{}", json(&store.refs().await?.units_on(day(on)?))),
        ReferenceAction::Groups { on, province } => {
            println!("{}", json(&store.refs().await?.groups_on(day(on)?, &province)))
        }
        ReferenceAction::Levels { on } => println!("{}", json(&store.refs().await?.levels_on(day(on)?))),
    }
    Ok(())
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
        // The store checks the ward, as for the app.
        OfficeRole::Ward { code } => store.set_office(Some(&code)).await?,
    }
    println!("office set");
    Ok(())
}

/// Where bundles can go: active registered devices with a recipient key, then recipients
/// remembered before devices were registered.
async fn offices(store: &Store) -> Result<Vec<(String, String)>, AppError> {
    let mut out: Vec<(String, String)> = store
        .devices()
        .await?
        .into_iter()
        .filter(|d| d.active() && !d.recipient.is_empty())
        .map(|d| (d.name, d.recipient))
        .collect();
    for (name, r) in store.recipients().await? {
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, r));
        }
    }
    Ok(out)
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("serialisable")
}

/// A bundle, receipt or key file, refused unread past its cap (`ansinh_exchange::limits`).
fn read(path: &Path, what: Oversize) -> Result<Vec<u8>, AppError> {
    Ok(ansinh_exchange::limits::read_file(path, what)?)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    // Owner-only, like every export (ansinh_store::private).
    ansinh_store::private::write(path, bytes).map_err(|e| AppError::File(format!("{}: {e}", path.display())))
}

/// `ansinh sync [--server URL]`: one round of online sync (with the server used last when none
/// is given), recorded and audited as the app's sync button does; then what it did.
/// `--status`: what the desktop knows of its syncs, without contacting anyone.
pub async fn sync(store: &Store, server: Option<&str>, status_only: bool) -> Result<(), AppError> {
    if status_only {
        println!("{}", json(&ansinh_sync::status(store).await?));
        return Ok(());
    }
    let keys = DeviceKeys::load_or_create(store).await?;
    let r = ansinh_sync::sync_now(store, &keys, server.unwrap_or("")).await?.report;
    let p = &r.pulled;
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
                (Some(path), _) => parse_recipient(&String::from_utf8_lossy(&read(&path, Oversize::KeyFile)?))?,
                (None, Some(name)) => {
                    let (_, r) = offices(store)
                        .await?
                        .into_iter()
                        .find(|(n, _)| *n == name)
                        .ok_or(ansinh_exchange::ExchangeError::NoRecipient)?;
                    parse_recipient(&r)?
                }
                (None, None) => return Err(ansinh_exchange::ExchangeError::NoRecipient.into()),
            };
            let since = match since {
                Some(s) => s,
                None => store.acknowledged_seq().await?,
            };
            let (bytes, manifest) = ansinh_exchange::export_bundle(store, &keys, since, &recipient)
                .await
                .map_err(|e| e.about_file(&out.display().to_string()))?;
            // ansinh_exchange::export_bundle audited it (the same entry as the app's).
            write(&out, &bytes)?;
            println!("{}", json(&manifest));
            eprintln!("{} records written to {}", manifest.records, out.display());
        }
        BundleAction::Import { files, dry_run } if files.len() == 1 => {
            let name = files[0].display().to_string();
            let outcome =
                ansinh_exchange::import_bundle(store, &keys, &read(&files[0], Oversize::BundleFile)?, dry_run)
                    .await
                    .map_err(|e| e.about_file(&name))?;
            println!("{}", json(&outcome));
        }
        BundleAction::Import { files, dry_run } => {
            let sealed = files.iter().map(|f| read(f, Oversize::BundleFile)).collect::<Result<Vec<_>, _>>()?;
            let outcomes = ansinh_exchange::import_bundles(store, &keys, &sealed, dry_run).await.map_err(|r| {
                // Which file of the folder, if one: nothing of any of them was written.
                eprintln!("none of the {} bundles was imported", files.len());
                match r.index.map(|i| files[i].display().to_string()) {
                    Some(name) => {
                        eprintln!("{name}: refused");
                        r.error.about_file(&name)
                    }
                    None => r.error,
                }
            })?;
            println!("{}", json(&outcomes));
        }
        BundleAction::Receipt { out } => {
            let receipt = ansinh_exchange::make_receipt(store, &keys).await?;
            write(&out, json(&receipt).as_bytes())?;
            let details = serde_json::json!({"what": "receipt", "file": out.display().to_string()});
            store.audit("export", Some("change_log"), None, details).await?;
            eprintln!("receipt written to {}", out.display());
        }
        BundleAction::ImportReceipt { file } => {
            let text = String::from_utf8_lossy(&read(&file, Oversize::Receipt)?).into_owned();
            let seq = ansinh_exchange::import_receipt(store, &text)
                .await
                .map_err(|e| e.about_file(&file.display().to_string()))?;
            println!("the office has this desktop's records up to seq {seq}");
        }
        BundleAction::Handover { person, ward, out } => {
            // ansinh_exchange::make_handover audits it (the same entry as the app's).
            let bytes = ansinh_exchange::make_handover(store, &keys, &person, &ward).await?;
            write(&out, &bytes)?;
            eprintln!("the file of {person} for {ward} written to {}", out.display());
        }
        BundleAction::ImportHandover { file } => {
            let name = file.display().to_string();
            let report = ansinh_exchange::import_handover(store, &keys, &read(&file, Oversize::Handover)?)
                .await
                .map_err(|e| e.about_file(&name))?;
            println!("{}", json(&report));
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
        KeysAction::AddDevice { file, name, city, ward } => {
            let public = PublicKeys::parse(&String::from_utf8_lossy(&read(&file, Oversize::KeyFile)?))?;
            let (role, ward) = match (city, ward) {
                (true, _) => (DeviceRole::City, String::new()),
                (false, w) => (DeviceRole::Ward, w.unwrap_or_else(|| public.ward.clone())),
            };
            let d = public.enroll(store, &name, role, &ward).await?;
            println!("{}", json(&d));
            eprintln!("registered {} ({}): fingerprint {}", d.name, d.role.as_str(), d.fingerprint);
        }
        KeysAction::AddOffice { name, key } => {
            let public = PublicKeys::parse(&String::from_utf8_lossy(&read(&key, Oversize::KeyFile)?))?;
            let d = public.enroll(store, &name, DeviceRole::City, "").await?;
            println!("office {name} registered: fingerprint {}", d.fingerprint);
        }
        KeysAction::Devices => println!("{}", json(&store.devices().await?)),
        KeysAction::Revoke { device_id } => {
            let d = store.revoke_device(&device_id).await?;
            println!("{} revoked", d.name);
        }
        KeysAction::Offices => {
            for (name, r) in offices(store).await? {
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
