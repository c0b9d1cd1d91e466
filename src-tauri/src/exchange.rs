//! Commands of the exchange and review pages (contract: docs/IPC.md, "Exchange"). Bundles and
//! receipts are written to the export folder; picked files arrive as `{name, bytes}`. All the
//! checking and merging is in `ansinh_exchange` and the store.

use crate::imports::PickedFile;
use crate::state::{AppState, require};
use ansinh_core::AppError;
use ansinh_core::auth::Permission;
use ansinh_exchange::{DeviceKeys, ImportOutcome, Manifest, PublicKeys, parse_recipient};
use ansinh_store::{ReceiptView, ReviewItem, Store};
use serde::Serialize;
use std::collections::BTreeMap;
use tauri::State;

type Cmd<T> = Result<T, AppError>;

#[derive(Debug, Serialize)]
pub struct Office {
    pub name: String,
    pub recipient: String,
}

#[derive(Debug, Serialize)]
pub struct ExchangeOverview {
    pub keys: PublicKeys,
    pub offices: Vec<Office>,
    /// The last seq of this desktop's own series.
    pub last_seq: i64,
    /// What the offices acknowledged (the next bundle starts after it).
    pub acknowledged_seq: i64,
    pub receipts: Vec<ReceiptView>,
    /// Open review items by kind.
    pub review: BTreeMap<String, i64>,
}

#[derive(Debug, Serialize)]
pub struct SavedBundle {
    pub path: String,
    pub manifest: Manifest,
}

async fn keys(store: &Store) -> Cmd<DeviceKeys> {
    Ok(DeviceKeys::load_or_create(store).await?)
}

#[tauri::command]
pub async fn exchange_overview(state: State<'_, AppState>) -> Cmd<ExchangeOverview> {
    let a = require(&state, Permission::Administer)?;
    let store = &*a.store;
    let k = keys(&a.store).await?;
    let last_seq = store.changes_since(&store.device_id(), 0).await?.last().map_or(0, |r| r.seq);
    let mut review = BTreeMap::new();
    for item in store.review_items(true).await? {
        *review.entry(item.kind).or_insert(0) += 1;
    }
    Ok(ExchangeOverview {
        keys: k.public(&store.home_ward().await?),
        offices: store.recipients().await?.into_iter().map(|(name, recipient)| Office { name, recipient }).collect(),
        last_seq,
        acknowledged_seq: store.acknowledged_seq().await?,
        receipts: store.receipts().await?,
        review,
    })
}

/// Saves this desktop's public keys as a file for the offices (returns its path).
#[tauri::command]
pub async fn exchange_save_public(state: State<'_, AppState>) -> Cmd<String> {
    let a = require(&state, Permission::Administer)?;
    let k = keys(&a.store).await?.public(&a.store.home_ward().await?);
    let path = ansinh_files::xlsx::export_dir()?.join(format!("ansinh-khoa-{}.pub.json", &k.device_id[..8]));
    let text = serde_json::to_string_pretty(&k).expect("keys serialise");
    ansinh_store::private::write(&path, text.as_bytes())
        .map_err(|e| AppError::File(format!("{}: {e}", path.display())))?;
    Ok(path.display().to_string())
}

/// Remembers an office to send to: its public key file's text or a bare "age1..." key.
#[tauri::command]
pub async fn exchange_add_office(state: State<'_, AppState>, name: String, key: String) -> Cmd<Office> {
    let a = require(&state, Permission::Administer)?;
    if name.trim().is_empty() {
        return Err(AppError::field("name", "required", "the office needs a name"));
    }
    let recipient = parse_recipient(&key)?.to_string();
    a.store.add_recipient(name.trim(), &recipient).await?;
    Ok(Office { name: name.trim().to_string(), recipient })
}

/// Writes a bundle of this desktop's records after `since` (default: what the offices
/// acknowledged) for `office`, into the export folder.
#[tauri::command]
pub async fn exchange_export(state: State<'_, AppState>, office: String, since: Option<i64>) -> Cmd<SavedBundle> {
    let a = require(&state, Permission::Administer)?;
    let store = &*a.store;
    let recipient = store
        .recipients()
        .await?
        .into_iter()
        .find(|(n, _)| *n == office)
        .map(|(_, r)| r)
        .ok_or(ansinh_exchange::ExchangeError::NoRecipient)?;
    let since = match since {
        Some(s) => s,
        None => store.acknowledged_seq().await?,
    };
    let k = keys(&a.store).await?;
    let (bytes, manifest) = ansinh_exchange::export_bundle(store, &k, since, &parse_recipient(&recipient)?).await?;
    let name = format!("ansinh-{}-{}-{}.ansinh", &manifest.device_id[..8], manifest.first_seq, manifest.last_seq);
    let path = ansinh_files::xlsx::export_dir()?.join(name);
    ansinh_store::private::write(&path, &bytes).map_err(|e| AppError::File(format!("{}: {e}", path.display())))?;
    let details = serde_json::json!({"what": "bundle", "office": office, "first_seq": manifest.first_seq,
        "last_seq": manifest.last_seq, "file": path.display().to_string()});
    store.audit("export", Some("change_log"), None, details).await?;
    Ok(SavedBundle { path: path.display().to_string(), manifest })
}

/// Imports a picked bundle; `dry_run` checks everything and reports without changing anything.
#[tauri::command]
pub async fn exchange_import(state: State<'_, AppState>, file: PickedFile, dry_run: bool) -> Cmd<ImportOutcome> {
    let a = require(&state, Permission::Administer)?;
    let k = keys(&a.store).await?;
    let outcome = ansinh_exchange::import_bundle(&a.store, &k, &file.bytes, dry_run).await?;
    if !dry_run {
        a.store
            .audit("import", Some("change_log"), None, serde_json::json!({"what": "bundle", "file": file.name}))
            .await?;
    }
    Ok(outcome)
}

/// Writes a signed receipt of everything this desktop holds into the export folder.
#[tauri::command]
pub async fn exchange_receipt(state: State<'_, AppState>) -> Cmd<String> {
    let a = require(&state, Permission::Administer)?;
    let k = keys(&a.store).await?;
    let receipt = ansinh_exchange::make_receipt(&a.store, &k).await?;
    let path = ansinh_files::xlsx::export_dir()?.join(format!("ansinh-bien-nhan-{}.json", &k.device_id[..8]));
    let text = serde_json::to_string_pretty(&receipt).expect("receipt serialises");
    ansinh_store::private::write(&path, text.as_bytes())
        .map_err(|e| AppError::File(format!("{}: {e}", path.display())))?;
    let details = serde_json::json!({"what": "receipt", "file": path.display().to_string()});
    a.store.audit("export", Some("change_log"), None, details).await?;
    Ok(path.display().to_string())
}

/// Reads an office's receipt; returns the seq of this desktop's series the office has.
#[tauri::command]
pub async fn exchange_import_receipt(state: State<'_, AppState>, file: PickedFile) -> Cmd<i64> {
    let a = require(&state, Permission::Administer)?;
    let seq = ansinh_exchange::import_receipt(&a.store, &String::from_utf8_lossy(&file.bytes)).await?;
    let details = serde_json::json!({"what": "receipt", "file": file.name, "acked_seq": seq});
    a.store.audit("import", Some("change_log"), None, details).await?;
    Ok(seq)
}

#[tauri::command]
pub async fn review_list(state: State<'_, AppState>) -> Cmd<Vec<ReviewItem>> {
    let a = require(&state, Permission::Reports)?;
    Ok(a.store.review_items(true).await?)
}

/// Settles a conflict keeping the side whose record id is `keep`.
#[tauri::command]
pub async fn review_settle(state: State<'_, AppState>, id: i64, keep: String) -> Cmd<()> {
    let a = require(&state, Permission::Administer)?;
    Ok(a.store.settle_review(id, &keep).await?)
}

#[tauri::command]
pub async fn review_dismiss(state: State<'_, AppState>, id: i64) -> Cmd<()> {
    let a = require(&state, Permission::Administer)?;
    Ok(a.store.dismiss_review(id).await?)
}
