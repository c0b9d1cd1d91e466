//! Commands of the exchange and review pages (contract: docs/IPC.md, "Exchange"). Bundles and
//! receipts are written to the export folder; picked files arrive as `{name, bytes}`. All the
//! checking and merging is in `ansinh_exchange` and the store.

use crate::Cmd;
use crate::command::commands;
use crate::commands::imports::PickedFile;
use ansinh_core::AppError;
use ansinh_core::ErrorCode;
use ansinh_exchange::{DeviceKeys, ImportOutcome, Manifest, PublicKeys, parse_recipient};
use ansinh_files::sanitise::file_name_part;
use ansinh_store::{DeviceRole, DeviceView, HandoverReport, PeerAudit, ReferenceReport};
use ansinh_store::{ReceiptView, ReviewItem, Store};
use ansinh_sync::{SyncOutcome, SyncStatus};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(ts_rs::TS, Debug, Serialize)]
pub struct Office {
    pub name: String,
    pub recipient: String,
}

#[derive(ts_rs::TS, Debug, Serialize)]
pub struct ExchangeOverview {
    pub keys: PublicKeys,
    /// Where bundles can go: registered devices with a recipient key (the city office).
    pub offices: Vec<Office>,
    /// Every registered device, revoked ones included.
    pub devices: Vec<DeviceView>,
    /// Each sender's audit log as last seen here (a truncated or rewritten one is flagged).
    pub peer_audits: Vec<PeerAudit>,
    /// This desktop is the city office's (`keys.ward` is then empty).
    pub city_office: bool,
    /// The last seq of this desktop's own series.
    pub last_seq: i64,
    /// What the offices acknowledged (the next bundle starts after it).
    pub acknowledged_seq: i64,
    pub receipts: Vec<ReceiptView>,
    /// Open review items by kind.
    pub review: BTreeMap<String, i64>,
}

#[derive(ts_rs::TS, Debug, Serialize)]
pub struct SavedBundle {
    pub path: String,
    pub manifest: Manifest,
}

/// The offices bundles can be sent to: active registered devices with a recipient key, then
/// recipients remembered before devices were registered (issue 13).
async fn offices(store: &Store) -> Cmd<Vec<Office>> {
    let mut out: Vec<Office> = store
        .devices()
        .await?
        .into_iter()
        .filter(|d| d.active() && !d.recipient.is_empty())
        .map(|d| Office { name: d.name, recipient: d.recipient })
        .collect();
    for (name, recipient) in store.recipients().await? {
        if !out.iter().any(|o| o.name == name) {
            out.push(Office { name, recipient });
        }
    }
    Ok(out)
}

async fn keys(store: &Store) -> Cmd<DeviceKeys> {
    Ok(DeviceKeys::load_or_create(store).await?)
}

commands! {
    pub async fn exchange_overview(a: Administer) -> ExchangeOverview {
        let store = &*a.store;
        let k = keys(&a.store).await?;
        let last_seq = store.changes_since(&store.device_id(), 0).await?.last().map_or(0, |r| r.seq);
        let mut review = BTreeMap::new();
        for item in store.review_items(true).await? {
            *review.entry(item.kind).or_insert(0) += 1;
        }
        Ok(ExchangeOverview {
            keys: k.public(&store.home_ward().await?),
            offices: offices(store).await?,
            city_office: store.is_city_office().await?,
            devices: store.devices().await?,
            peer_audits: store.peer_audits().await?,
            last_seq,
            acknowledged_seq: store.acknowledged_seq().await?,
            receipts: store.receipts().await?,
            review,
        })
    }

    /// Declares what this desktop is: the city office (`ward` empty) or the desktop of the ward
    /// or commune `ward` (`ansinh office city|ward CODE` on the CLI). The store checks the ward
    /// and audits the change.
    pub async fn exchange_set_office(a: Administer, ward: String) -> () {
        let ward = ward.trim();
        Ok(a.store.set_office(Some(ward).filter(|w| !w.is_empty())).await?)
    }

    /// The city office writes its signed reference file (units, groups, levels, payers) for the
    /// wards into the export folder (`ansinh reference export`); returns its path.
    pub async fn reference_export(a: Administer) -> String {
        let k = keys(&a.store).await?;
        let file = ansinh_exchange::make_reference_file(&a.store, &k).await?;
        let path = ansinh_files::xlsx::export_dir()?.join("ansinh-tham-chieu.json");
        let text = serde_json::to_string_pretty(&file).expect("a reference file serialises");
        ansinh_store::private::write(&path, text.as_bytes())
            .map_err(|e| AppError::File(format!("{}: {e}", path.display())))?;
        Ok(path.display().to_string())
    }

    /// Saves this desktop's public keys as a file for the offices (returns its path).
    pub async fn exchange_save_public(a: Administer) -> String {
        let k = keys(&a.store).await?.public(&a.store.home_ward().await?);
        let device = file_name_part(&k.device_id, 8);
        let path = ansinh_files::xlsx::export_dir()?.join(format!("ansinh-khoa-{device}.pub.json"));
        let text = serde_json::to_string_pretty(&k).expect("keys serialise");
        ansinh_store::private::write(&path, text.as_bytes())
            .map_err(|e| AppError::File(format!("{}: {e}", path.display())))?;
        Ok(path.display().to_string())
    }

    /// Reads a device's public-key file (pasted or picked) without registering it: what the
    /// administrator checks, the fingerprint above all, before confirming.
    pub async fn exchange_read_device(_a: Administer, key: String) -> PublicKeys {
        Ok(PublicKeys::parse(&key)?)
    }

    /// Registers a device from its public-key file: the city office (`role` "city": receipts,
    /// reference files, and the office to send bundles to) or a ward's desktop (`role` "ward" of
    /// `ward`). Its bundles are accepted from then on.
    pub async fn exchange_register_device(a: Administer, key: String, name: String, role: String, ward: String) -> DeviceView {
        let role = DeviceRole::parse(&role).ok_or_else(|| AppError::field("role", ErrorCode::StatusInvalid, "city or ward"))?;
        Ok(PublicKeys::parse(&key)?.enroll(&a.store, &name, role, &ward).await?)
    }

    /// Revokes a registered device: nothing it sends is accepted any more.
    pub async fn exchange_revoke_device(a: Administer, device_id: String) -> DeviceView {
        Ok(a.store.revoke_device(&device_id).await?)
    }

    /// Writes a bundle of this desktop's records after `since` (default: what the offices
    /// acknowledged) for `office`, into the export folder.
    pub async fn exchange_export(a: Administer, office: String, since: Option<i64>) -> SavedBundle {
        let store = &*a.store;
        let recipient = offices(store)
            .await?
            .into_iter()
            .find(|o| o.name == office)
            .map(|o| o.recipient)
            .ok_or(ansinh_exchange::ExchangeError::NoRecipient)?;
        let since = match since {
            Some(s) => s,
            None => store.acknowledged_seq().await?,
        };
        let k = keys(&a.store).await?;
        let device = file_name_part(&k.device_id, 8);
        // A refusal for size names the file it would have written.
        let (bytes, manifest) = ansinh_exchange::export_bundle(store, &k, since, &parse_recipient(&recipient)?)
            .await
            .map_err(|e| e.about_file(&format!("ansinh-{device}-{}-….ansinh", since + 1)))?;
        let name = format!("ansinh-{device}-{}-{}.ansinh", manifest.first_seq, manifest.last_seq);
        let path = ansinh_files::xlsx::export_dir()?.join(name);
        ansinh_store::private::write(&path, &bytes).map_err(|e| AppError::File(format!("{}: {e}", path.display())))?;
        Ok(SavedBundle { path: path.display().to_string(), manifest })
    }

    /// Imports a picked bundle; `dry_run` checks everything and reports without changing anything.
    pub async fn exchange_import(a: Administer, file: PickedFile, dry_run: bool) -> ImportOutcome {
        let k = keys(&a.store).await?;
        Ok(ansinh_exchange::import_bundle(&a.store, &k, &file.bytes, dry_run)
            .await
            .map_err(|e| e.about_file(&file.name))?)
    }

    /// Applies the city office's signed reference file (units, groups, levels, providers): only
    /// from the registered city office, only a newer version, all or nothing.
    pub async fn reference_import(a: Administer, file: PickedFile) -> ReferenceReport {
        Ok(ansinh_exchange::import_reference_file(&a.store, &String::from_utf8_lossy(&file.bytes))
            .await
            .map_err(|e| e.about_file(&file.name))?)
    }

    /// Writes a signed receipt of everything this desktop holds into the export folder.
    pub async fn exchange_receipt(a: Administer) -> String {
        let k = keys(&a.store).await?;
        let receipt = ansinh_exchange::make_receipt(&a.store, &k).await?;
        let device = file_name_part(&k.device_id, 8);
        let path = ansinh_files::xlsx::export_dir()?.join(format!("ansinh-bien-nhan-{device}.json"));
        let text = serde_json::to_string_pretty(&receipt).expect("receipt serialises");
        ansinh_store::private::write(&path, text.as_bytes())
            .map_err(|e| AppError::File(format!("{}: {e}", path.display())))?;
        let details = serde_json::json!({"what": "receipt", "file": path.display().to_string()});
        a.store.audit("export", Some("change_log"), None, details).await?;
        Ok(path.display().to_string())
    }

    /// The city office hands a moved person's file to the new commune's desktops (issue 16):
    /// written into the export folder, sealed for that commune's registered desktops.
    pub async fn handover_export(a: Administer, beneficiary_id: String, ward_code: String) -> String {
        let k = keys(&a.store).await?;
        let bytes = ansinh_exchange::make_handover(&a.store, &k, &beneficiary_id, &ward_code).await?;
        let person = file_name_part(&beneficiary_id, 8);
        let ward = file_name_part(&ward_code, 5);
        let path = ansinh_files::xlsx::export_dir()?.join(format!("ansinh-ho-so-{person}-{ward}.ansinh"));
        ansinh_store::private::write(&path, &bytes).map_err(|e| AppError::File(format!("{}: {e}", path.display())))?;
        Ok(path.display().to_string())
    }

    /// Takes a person's file handed over by the city office: all or nothing; taking it twice
    /// changes nothing. The person is then started here by a start decision of this commune.
    pub async fn handover_import(a: Administer, file: PickedFile) -> HandoverReport {
        let k = keys(&a.store).await?;
        Ok(ansinh_exchange::import_handover(&a.store, &k, &file.bytes).await.map_err(|e| e.about_file(&file.name))?)
    }

    /// What this desktop knows of its online syncs: the server, the last sync, the records
    /// waiting to be sent, the last refusal. Nothing is contacted.
    pub async fn sync_status(a: Administer) -> SyncStatus {
        ansinh_sync::status(&a.store).await
    }

    /// One sync round with `server` (empty: the one used last): push this desktop's records,
    /// pull and merge what it may read; recorded and audited as the CLI's `ansinh sync` is.
    pub async fn sync_now(a: Administer, server: String) -> SyncOutcome {
        let k = keys(&a.store).await?;
        ansinh_sync::sync_now(&a.store, &k, &server).await
    }

    /// Reads an office's receipt; returns the seq of this desktop's series the office has.
    pub async fn exchange_import_receipt(a: Administer, file: PickedFile) -> i64 {
        let text = String::from_utf8_lossy(&file.bytes);
        Ok(ansinh_exchange::import_receipt(&a.store, &text).await.map_err(|e| e.about_file(&file.name))?)
    }

    pub async fn review_list(a: Reports) -> Vec<ReviewItem> {
        Ok(a.store.review_items(true).await?)
    }

    /// Settles a conflict keeping the side whose record id is `keep`.
    pub async fn review_settle(a: Administer, id: i64, keep: String) -> () {
        Ok(a.store.settle_review(id, &keep).await?)
    }

    pub async fn review_dismiss(a: Administer, id: i64) -> () {
        Ok(a.store.dismiss_review(id).await?)
    }
}
