//! Exchange between desktops: change records out (series since a seq), change records in
//! (checked, stored and projected in one transaction), the review queue of what a merge could
//! not decide, rebuilding the tables from the records, and the exchange bookkeeping
//! (pinned peer keys, office recipients, receipts). Bundle crypto is in `ansinh-exchange`.

mod bulk;
mod import_tx;
pub mod incoming;
pub(crate) mod merge;
mod scope;

use crate::audit_heads::AuditClaim;
use crate::changes::{self, ChangeRecord, ChangeWriter};
use crate::error::Result;
use crate::tables;
use crate::{Store, now};
use ansinh_core::ErrorCode;
pub use import_tx::ImportTx;
pub use merge::{ApplyReport, Gap, Placement, check_incoming, place};

use serde::Serialize;
use sqlx::{AssertSqlSafe, Row, SqliteConnection};

/// How far one device's series goes on this desktop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeriesHead {
    pub device_id: String,
    pub last_seq: i64,
    pub last_hash: String,
}

/// A device whose records arrived here, with the key pinned on first use and its ward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Peer {
    pub device_id: String,
    pub signing_key: String,
    pub ward: String,
}

/// What a bundle says about itself, recorded with its import.
#[derive(Debug, Clone)]
pub struct BundleOrigin {
    pub payload_hash: String,
    pub device_id: String,
    /// The ward the sender states: information only for a bundle (the registry decides).
    pub ward: String,
    pub signing_key: String,
    pub first_seq: i64,
    pub last_seq: i64,
    pub via: Via,
    /// The sender's audit log as it states it (bundles since issue 13).
    pub audit: Option<AuditClaim>,
}

/// How records reached this desktop, which decides who vouches for their sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A bundle file: its signer must be a device registered here (`Store::enroll_device`).
    Bundle,
    /// The central server, which authenticated the device and states its registered ward: the
    /// key is pinned here on first sight and must not change.
    Server,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ReviewItem {
    pub id: i64,
    /// The kinds `merge.rs` files.
    #[ts(type = r#""conflict" | "money_conflict" | "duplicate_person" | "unique_clash""#)]
    pub kind: String,
    pub entity: String,
    pub entity_id: String,
    pub other_id: String,
    #[ts(as = "Vec<ReviewSide>")]
    pub sides: serde_json::Value,
    pub status: String,
}

/// One of a [`ReviewItem`]'s `sides` as `merge.rs` writes them (`json!`): a version of the record,
/// or, as a unique clash's second side, the database's `error`. For the TypeScript contract only
/// (crates/api/src/contract.rs).
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[allow(dead_code)]
struct ReviewSide {
    record_id: Option<String>,
    device_id: Option<String>,
    seq: Option<i64>,
    officer: Option<String>,
    recorded_at: Option<String>,
    /// The version's row (null if its stored payload does not parse).
    #[ts(optional = nullable, type = "Record<string, unknown> | null")]
    row: Option<serde_json::Value>,
    error: Option<String>,
}

/// A receipt as signed by an office (the signature checked by the caller).
#[derive(Debug, Clone)]
pub struct ReceiptClaim {
    pub office_device: String,
    pub office_signing_key: String,
    pub heads: Vec<SeriesHead>,
    pub audit: Option<AuditClaim>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ReceiptView {
    pub office_device: String,
    pub device_id: String,
    pub acked_seq: i64,
    pub received_at: String,
}

/// A rebuilt database compared with the live one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RebuildReport {
    pub records: i64,
    pub tables: Vec<(String, usize)>,
    /// Tables whose rebuilt rows differ from the live ones, with the first differing row.
    pub differences: Vec<(String, String)>,
}

impl Store {
    /// This device's records after `since` (or another device's, relayed), in series order.
    pub async fn changes_since(&self, device_id: &str, since: i64) -> Result<Vec<ChangeRecord>> {
        changes::log::since(&mut *self.reader.acquire().await?, device_id, since, i64::MAX).await
    }

    /// The last record of every series held here: what a receipt acknowledges.
    pub async fn series_heads(&self) -> Result<Vec<SeriesHead>> {
        // A record a handover brought out of order is not a head: a receipt or a sync that took
        // it for one would skip the records before it.
        let heads = changes::log::heads(&mut *self.reader.acquire().await?).await?;
        Ok(heads
            .into_iter()
            .map(|(device_id, last_seq, last_hash)| SeriesHead { device_id, last_seq, last_hash })
            .collect())
    }

    /// Every device whose records arrived here (its pinned key and ward).
    pub async fn peers(&self) -> Result<Vec<Peer>> {
        let rows = sqlx::query("SELECT device_id, signing_key, ward FROM exchange_peers ORDER BY device_id")
            .fetch_all(&self.reader)
            .await?;
        Ok(rows
            .iter()
            .map(|r| Peer { device_id: r.get("device_id"), signing_key: r.get("signing_key"), ward: r.get("ward") })
            .collect())
    }

    /// Checks, stores and projects incoming records in ONE transaction; `dry_run` rolls it back
    /// and returns what would have happened. A device key differing from the pinned one is refused.
    pub async fn import_changes(
        &self,
        records: &[ChangeRecord],
        origin: Option<&BundleOrigin>,
        dry_run: bool,
    ) -> Result<ApplyReport> {
        let mut import = self.begin_import().await?;
        let report = import.apply(records, origin).await?;
        import.finish(dry_run).await?;
        Ok(report)
    }

    /// [`Store::import_changes`] without the bulk path (every row projected one by one): the
    /// reference the bulk path is tested against.
    #[doc(hidden)]
    pub async fn import_changes_one_by_one(&self, records: &[ChangeRecord]) -> Result<ApplyReport> {
        let ctx = merge::ApplyCtx { refs: self.refs().await?, today: crate::local_today(), sender: None };
        let mut tx = self.begin_checked().await?;
        let report = merge::apply_with(&mut tx, records, &ctx, false).await?;
        tx.commit().await?;
        Ok(report)
    }

    pub async fn review_items(&self, open_only: bool) -> Result<Vec<ReviewItem>> {
        let rows = sqlx::query(
            "SELECT id, kind, entity, entity_id, other_id, sides, status FROM review_items
             WHERE (? = 0 OR status = 'open') ORDER BY kind, entity, entity_id, other_id",
        )
        .bind(open_only as i64)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                // The sides were written by this desktop as JSON: unreadable ones are bad stored
                // data, reported, never shown as an empty review.
                let sides: &str = r.get("sides");
                Ok(ReviewItem {
                    id: r.get("id"),
                    kind: r.get("kind"),
                    entity: r.get("entity"),
                    entity_id: r.get("entity_id"),
                    other_id: r.get("other_id"),
                    sides: serde_json::from_str(sides).map_err(|_| crate::decode::bad("review sides", sides))?,
                    status: r.get("status"),
                })
            })
            .collect()
    }

    /// Settles a conflict by keeping one side (`keep`: its record id): the row takes that
    /// version and a new change record based on every side ends the conflict everywhere.
    pub async fn settle_review(&self, id: i64, keep: &str) -> Result<()> {
        let mut tx = self.begin_checked().await?;
        let (kind, entity, entity_id): (String, String, String) =
            sqlx::query_as("SELECT kind, entity, entity_id FROM review_items WHERE id = ? AND status = 'open'")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| crate::StoreError::NotFound { entity: "review_item", id: id.to_string() })?;
        if kind != "conflict" && kind != "money_conflict" {
            return Err(merge::bundle_error(
                ErrorCode::ReviewNotAConflict,
                "only a conflict is settled by keeping a side",
            ));
        }
        let entity = merge::stored_entity(&entity)?;
        let heads = crate::changes::versions::heads_of(&mut tx, entity, &entity_id).await?;
        let chosen = heads
            .iter()
            .find(|h| h.record_id == keep)
            .ok_or_else(|| merge::bundle_error(ErrorCode::ReviewUnknownSide, "that version is not one of the sides"))?;
        let info = tables::table_info(&mut tx, entity).await?;
        let serde_json::Value::Object(mut row) = serde_json::from_str(&chosen.payload).unwrap_or_default() else {
            return Err(merge::bundle_error(ErrorCode::ExchangeBadPayload, entity.name()));
        };
        let now = now();
        let author = self.author();
        for (col, val) in [("updated_at", &now), ("updated_by", &author.officer), ("updated_device", &author.device_id)]
        {
            if info.cols.iter().any(|c| c == col) {
                row.insert(col.into(), val.clone().into());
            }
        }
        tables::upsert(&mut tx, &info, &row).await?;
        let mut log = ChangeWriter::start(&mut tx, &author, &now).await?;
        log.record_resolving(entity, &entity_id, heads.iter().map(|h| h.record_id.clone()).collect());
        log.flush(&mut tx).await?;
        sqlx::query("UPDATE review_items SET status = 'resolved' WHERE id = ?").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The officer has looked at a duplicate or clash and decided outside this queue.
    pub async fn dismiss_review(&self, id: i64) -> Result<()> {
        let done = sqlx::query("UPDATE review_items SET status = 'dismissed' WHERE id = ? AND status = 'open'")
            .bind(id)
            .execute(&self.writer)
            .await?;
        if done.rows_affected() == 0 {
            return Err(crate::StoreError::NotFound { entity: "review_item", id: id.to_string() });
        }
        Ok(())
    }

    pub async fn add_recipient(&self, name: &str, recipient: &str) -> Result<()> {
        sqlx::query("INSERT INTO exchange_recipients (name, recipient) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET recipient = excluded.recipient")
            .bind(name)
            .bind(recipient)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    pub async fn recipients(&self) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as("SELECT name, recipient FROM exchange_recipients ORDER BY name")
            .fetch_all(&self.reader)
            .await?)
    }

    /// Accepts a receipt whose signature the caller checked: its signer must be a registered
    /// device signing with its registered key, and what it says this desktop's series ends with
    /// must be this desktop's own record at that seq. Records how far the series has arrived
    /// there (the next bundle starts after it) and the signer's audit head. Returns that seq.
    pub async fn accept_receipt(&self, receipt: &ReceiptClaim) -> Result<i64> {
        let own = self.device_id();
        let mut tx = self.begin_checked().await?;
        crate::devices::check_sender(&mut tx, &receipt.office_device, &receipt.office_signing_key).await?;
        let mut acked = 0;
        // Only this desktop's own series: what the office holds of others is not ours to record.
        if let Some(h) = receipt.heads.iter().find(|h| h.device_id == own) {
            let held = changes::log::hash_at(&mut tx, &own, h.last_seq).await?;
            if held.as_deref() != Some(h.last_hash.as_str()) {
                return Err(merge::bundle_error(
                    ErrorCode::ExchangeReceiptMismatch,
                    "the receipt does not match this desktop's own records",
                ));
            }
            sqlx::query(
                "INSERT INTO exchange_receipts (office_device, device_id, acked_seq, acked_hash, received_at) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (office_device, device_id) DO UPDATE SET acked_seq = MAX(acked_seq, excluded.acked_seq),
                   acked_hash = CASE WHEN excluded.acked_seq >= acked_seq THEN excluded.acked_hash ELSE acked_hash END,
                   received_at = excluded.received_at",
            )
            .bind(&receipt.office_device)
            .bind(&own)
            .bind(h.last_seq)
            .bind(&h.last_hash)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            acked = h.last_seq;
        }
        if let Some(claim) = &receipt.audit {
            crate::audit_heads::check_claim(&mut tx, &receipt.office_device, claim).await?;
        }
        // Audited here, so every door that reads a receipt records it the same way.
        let actor = self.officer();
        let event = crate::audit::AuditEvent {
            actor: &actor,
            action: "import",
            entity: Some("change_log"),
            entity_id: None,
            details: serde_json::json!({"what": "receipt", "office": receipt.office_device, "acked_seq": acked}),
        };
        crate::audit::append(&mut tx, &event).await?;
        tx.commit().await?;
        Ok(acked)
    }

    pub async fn receipts(&self) -> Result<Vec<ReceiptView>> {
        let rows = sqlx::query("SELECT office_device, device_id, acked_seq, received_at FROM exchange_receipts ORDER BY office_device, device_id")
            .fetch_all(&self.reader)
            .await?;
        Ok(rows
            .iter()
            .map(|r| ReceiptView {
                office_device: r.get("office_device"),
                device_id: r.get("device_id"),
                acked_seq: r.get("acked_seq"),
                received_at: r.get("received_at"),
            })
            .collect())
    }

    /// Is this the city office's desktop (`set_office(None)`)?
    pub async fn is_city_office(&self) -> Result<bool> {
        Ok(self.setting(OFFICE_SETTING).await?.as_deref() == Some("city"))
    }

    /// Declares what this desktop is: the city office (`None`: every other ward's record is
    /// read-only here) or a ward's desktop (`Some(code)`, a ward or commune of the reference
    /// data). Audited: what a desktop is decides whose records it may write.
    pub async fn set_office(&self, ward: Option<&str>) -> Result<()> {
        if let Some(code) = ward
            && !ansinh_core::validate::RefData::has_ward(&*self.refs().await?, code)
        {
            return Err(crate::StoreError::Invalid(vec![
                ansinh_core::FieldError::new("ward_code", ErrorCode::WardUnknown, format!("no ward {code}"))
                    .param("ward", code),
            ]));
        }
        self.set_setting(OFFICE_SETTING, ward.unwrap_or("city")).await?;
        let details = serde_json::json!({"what": "office", "office": ward.unwrap_or("city")});
        self.audit("settings", Some("settings"), Some(OFFICE_SETTING), details).await
    }

    /// The highest seq of this device any office has acknowledged (where the next bundle starts).
    pub async fn acknowledged_seq(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COALESCE(MAX(acked_seq), 0) FROM exchange_receipts WHERE device_id = ?")
            .bind(self.author().device_id)
            .fetch_one(&self.reader)
            .await?)
    }

    /// The ward this desktop serves: the `office` setting, else the ward most of its own
    /// registrations are in ('' before any).
    pub async fn home_ward(&self) -> Result<String> {
        if let Some(w) = self.setting(OFFICE_SETTING).await?.filter(|w| !w.is_empty() && w != "city") {
            return Ok(w);
        }
        Ok(sqlx::query_scalar(
            "SELECT ward_code FROM beneficiaries WHERE created_device = ? GROUP BY ward_code ORDER BY COUNT(*) DESC, ward_code LIMIT 1",
        )
        .bind(self.author().device_id)
        .fetch_optional(&self.reader)
        .await?
        .unwrap_or_default())
    }

    /// A canonical dump of every projected table and the review queue (without local status):
    /// two desktops holding the same records give the same text.
    pub async fn canonical_dump(&self) -> Result<String> {
        let mut conn = self.reader.acquire().await?;
        dump(&mut conn).await
    }

    /// Every row of every table of this database (local tables, reference data, settings, the
    /// audit log and the change log included), in a canonical text form: the tests that feed it
    /// hostile input compare it before and after, byte for byte.
    #[doc(hidden)]
    pub async fn dump_every_table(&self) -> Result<String> {
        let mut conn = self.reader.acquire().await?;
        // `wr`: a table without rowid (a set of keys), dumped in the order of its columns.
        let tables: Vec<(String, bool)> = sqlx::query_as(
            "SELECT name, wr FROM pragma_table_list
             WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut out = String::new();
        for (t, no_rowid) in tables {
            let cols: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                .bind(&t)
                .fetch_all(&mut *conn)
                .await?;
            // Blobs (password hashes, keys) as hex: JSON holds no blob.
            let pairs: Vec<String> = cols
                .iter()
                .map(|c| format!("'{c}', CASE typeof(\"{c}\") WHEN 'blob' THEN 'x' || hex(\"{c}\") ELSE \"{c}\" END"))
                .collect();
            let order = if no_rowid {
                cols.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
            } else {
                "rowid".into()
            };
            let sql = format!("SELECT json_object({}) FROM \"{t}\" ORDER BY {order}", pairs.join(", "));
            let rows: Vec<String> = sqlx::query_scalar(AssertSqlSafe(sql)).fetch_all(&mut *conn).await?;
            out.push_str(&format!("## {t} ({} rows)\n", rows.len()));
            for r in rows {
                out.push_str(&r);
                out.push('\n');
            }
        }
        Ok(out)
    }

    /// Rebuilds a fresh database at `path` from this one's change records alone and compares
    /// its tables with the live ones.
    pub async fn rebuild_into(&self, path: &std::path::Path) -> Result<RebuildReport> {
        let fresh = Store::open(path).await?;
        let records =
            changes::log::read(&mut *self.reader.acquire().await?, "1 ORDER BY d.name, c.seq", vec![]).await?;
        {
            let mut tx = fresh.begin_checked().await?;
            sqlx::query("PRAGMA defer_foreign_keys = ON").execute(&mut *tx).await?;
            changes::log::append(&mut tx, &records).await?;
            let keys = changes::log::keys(&mut tx).await?;
            for (e, id) in keys {
                merge::project(&mut tx, merge::stored_entity(&e)?, &id).await?;
            }
            merge::project_waiting(&mut tx).await?;
            tx.commit().await?;
        }
        let mut live = self.reader.acquire().await?;
        let mut rebuilt = fresh.reader.acquire().await?;
        let infos = tables::projected_tables(&mut live).await?;
        let a = tables::dump(&mut live, &infos).await?;
        let b = tables::dump(&mut rebuilt, &infos).await?;
        let mut differences = Vec::new();
        for ((table, x), (_, y)) in a.iter().zip(&b) {
            if x != y {
                let first = x
                    .iter()
                    .zip(y)
                    .find(|(p, q)| p != q)
                    .map(|(p, _)| p.clone())
                    .unwrap_or_else(|| format!("{} live rows, {} rebuilt", x.len(), y.len()));
                differences.push((table.clone(), first));
            }
        }
        drop(rebuilt);
        fresh.close().await;
        Ok(RebuildReport {
            records: records.len() as i64,
            tables: a.iter().map(|(t, r)| (t.clone(), r.len())).collect(),
            differences,
        })
    }
}

/// Who sent `o`, as this desktop will treat them: a bundle's signer must be registered here
/// (with that key; its ward and role are the registry's, never the bundle's); a server's series
/// is pinned to the key the server stated the first time. Either way the device is kept in
/// `exchange_peers` for city mode's read-only rule.
async fn sender_of(conn: &mut SqliteConnection, o: &BundleOrigin) -> Result<merge::Sender> {
    let (city, ward) = match o.via {
        Via::Bundle => {
            let d = crate::devices::check_sender(conn, &o.device_id, &o.signing_key).await?;
            (d.role == crate::DeviceRole::City, d.ward)
        }
        Via::Server => {
            let pinned: Option<String> =
                sqlx::query_scalar("SELECT signing_key FROM exchange_peers WHERE device_id = ?")
                    .bind(&o.device_id)
                    .fetch_optional(&mut *conn)
                    .await?;
            if pinned.is_some_and(|k| k != o.signing_key) {
                return Err(merge::bundle_error(
                    ErrorCode::ExchangeKeyMismatch,
                    "this device signed earlier records with another key",
                ));
            }
            // The server enrols each device with its ward; a device it lists without one is the
            // city office.
            (o.ward.is_empty(), o.ward.clone())
        }
    };
    sqlx::query(
        "INSERT INTO exchange_peers (device_id, signing_key, ward, first_seen) VALUES (?, ?, ?, ?)
         ON CONFLICT (device_id) DO UPDATE SET signing_key = excluded.signing_key, ward = excluded.ward",
    )
    .bind(&o.device_id)
    .bind(&o.signing_key)
    .bind(&ward)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(merge::Sender { device_id: o.device_id.clone(), city, ward })
}

async fn dump(conn: &mut SqliteConnection) -> Result<String> {
    let infos = tables::projected_tables(conn).await?;
    let mut out = String::new();
    for (table, rows) in tables::dump(conn, &infos).await? {
        out.push_str(&format!("## {table}\n"));
        for r in rows {
            out.push_str(&r);
            out.push('\n');
        }
    }
    out.push_str("## review_items\n");
    let items: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT kind, entity, entity_id, other_id, sides FROM review_items WHERE status <> 'resolved' ORDER BY kind, entity, entity_id, other_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for i in items {
        out.push_str(&format!("{i:?}\n"));
    }
    Ok(out)
}

/// `city` on the city office's desktop (`ansinh office city`), else a ward code or unset.
pub const OFFICE_SETTING: &str = "office";

/// City mode: a person (and everything attached to them) registered on a desktop of another
/// ward arrived by a bundle and is read-only here. Rows of this desktop, of desktops of the same
/// ward (a ward with two machines), or of no known peer stay writable.
/// Whether a row registered on a peer desktop of `peer_ward` (not this one) is read-only here:
/// always on the city desktop; on a ward desktop, when the peer is of another ward (a ward
/// desktop whose ward is not known yet, nothing registered, blocks nothing).
pub(crate) fn read_only_here(city: bool, home: &str, peer_ward: &str) -> bool {
    city || (!home.is_empty() && home != peer_ward)
}

pub(crate) async fn check_owned(store: &Store, conn: &mut SqliteConnection, beneficiary_id: &str) -> Result<()> {
    let row: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT b.created_device, b.ward_code, p.ward FROM beneficiaries b
         LEFT JOIN exchange_peers p ON p.device_id = b.created_device WHERE b.id = ?",
    )
    .bind(beneficiary_id)
    .fetch_optional(&mut *conn)
    .await?;
    // A person handed over here who has not started here yet: their file only, read-only.
    if let Some((_, ward, _)) = &row
        && crate::handover::waiting_here(conn, beneficiary_id, ward).await?
    {
        return Err(crate::StoreError::Conflict(
            ansinh_core::FieldError::new(
                "id",
                ErrorCode::ExchangeReadOnly,
                "a person handed over to this commune: record their start decision first",
            )
            .param("ward", ward),
        ));
    }
    let Some((device, ward, Some(peer_ward))) = row else { return Ok(()) };
    if device == store.author().device_id {
        return Ok(());
    }
    // A ward desktop whose ward is not known yet (nothing registered) blocks nothing.
    let home = store.home_ward().await?;
    let city = store.is_city_office().await?;
    if !read_only_here(city, &home, &peer_ward) {
        return Ok(());
    }
    Err(crate::StoreError::Conflict(
        ansinh_core::FieldError::new(
            "id",
            ErrorCode::ExchangeReadOnly,
            "this record belongs to another ward: read-only here",
        )
        .param("ward", ward),
    ))
}
