//! How change records are stored here (migration 0021): compactly, and only here. A record
//! read back is exactly the record written (every text field, so every hash still holds);
//! bundles, receipts and the server see [`ChangeRecord`]s and never this layout.
//!
//! - ids (record, entity, bases) are 16-byte blobs and hashes 32 bytes when their text is the
//!   canonical form that gives back the same text ([`pack_id`], [`pack_hash`]); anything else
//!   (a cycle's period, a hand-made id) stays text, so nothing is lost or normalised;
//! - the device and the officer are numbers of the `change_names` dictionary;
//! - the rows (payloads) of up to [`BLOCK`] records of one write are compressed together into a
//!   `change_blocks` row, each record naming its block and its place (`part`) in it;
//! - the ID numbers of every version of every person are kept in `id_number_history`, which
//!   merging asks (the JSON index of migration 0010 could not look inside a block).
//!
//! Every query of the log goes through here: nothing else knows the layout.

use super::ChangeRecord;
use crate::entity::{Entity, Kind};
use crate::error::{Result, StoreError};
use crate::sqlrow::{Val, bind, insert_rows};
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use rustc_hash::FxHashMap;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row, SqliteConnection, TypeInfo, ValueRef};
use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};

/// Records per compressed block. Reading one record decompresses its block: 64 keeps that
/// near 30 KB, while a block of a bulk write still compresses to about 50 bytes a record
/// (measured on the demo ward: 47 at 64, 41 at 512, 275 one by one).
pub(crate) const BLOCK: usize = 64;

const COLS: &[&str] = &[
    "device",
    "seq",
    "record_id",
    "entity",
    "entity_id",
    "kind",
    "schema_version",
    "officer",
    "recorded_at",
    "block",
    "part",
    "prev_hash",
    "hash",
    "base",
];

/// The columns [`decode`] reads, in its order; `c` is `change_records`, `d` and `o` the names of
/// its device and officer.
const SELECT: &str = "SELECT d.name, c.seq, c.record_id, c.entity, c.entity_id, c.kind, c.schema_version, o.name,
    c.recorded_at, c.block, c.part, c.prev_hash, c.hash, c.base
    FROM change_records c JOIN change_names d ON d.n = c.device JOIN change_names o ON o.n = c.officer";

/// A record id or entity id as stored: 16 bytes when `s` is a UUID in its canonical text
/// (lower-case, hyphenated), else the text itself.
pub(crate) fn pack_id(s: &str) -> Val {
    match uuid::Uuid::try_parse(s) {
        Ok(u) if u.hyphenated().to_string() == s => Val::Blob(u.as_bytes().to_vec()),
        _ => Val::Text(s.to_string()),
    }
}

/// A hash as stored: its bytes when `s` is lower-case hex, else the text itself (the empty
/// hash before a series' first record among them).
pub(crate) fn pack_hash(s: &str) -> Val {
    match hex::decode(s) {
        Ok(b) if !b.is_empty() && hex::encode(&b) == s => Val::Blob(b),
        _ => Val::Text(s.to_string()),
    }
}

/// The bases (comma-separated record ids) as stored: their 16-byte ids one after another when
/// every one is canonical, else the text.
fn pack_base(s: &str) -> Val {
    if s.is_empty() {
        return Val::Text(String::new());
    }
    let mut out = Vec::new();
    for id in s.split(',') {
        match pack_id(id) {
            Val::Blob(b) => out.extend_from_slice(&b),
            _ => return Val::Text(s.to_string()),
        }
    }
    Val::Blob(out)
}

fn uuid_text(b: &[u8]) -> Option<String> {
    uuid::Uuid::from_slice(b).ok().map(|u| u.hyphenated().to_string())
}

fn bad(what: &str) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(format!("change log: {what}").into()))
}

/// Column `i` of `row` back as text: a blob through `unblob`, text as it is.
fn text_of(row: &SqliteRow, i: usize, unblob: impl Fn(&[u8]) -> Option<String>) -> Result<String> {
    let is_blob = row.try_get_raw(i)?.type_info().name() == "BLOB";
    if is_blob {
        let b: Vec<u8> = row.try_get_unchecked(i)?;
        unblob(&b).ok_or_else(|| bad("a packed value of the wrong length"))
    } else {
        Ok(row.try_get::<String, _>(i)?)
    }
}

fn id_of(row: &SqliteRow, i: usize) -> Result<String> {
    text_of(row, i, uuid_text)
}

fn hash_of(row: &SqliteRow, i: usize) -> Result<String> {
    text_of(row, i, |b| Some(hex::encode(b)))
}

fn base_of(row: &SqliteRow, i: usize) -> Result<String> {
    text_of(row, i, |b| (b.len() % 16 == 0).then(|| b.chunks(16).filter_map(uuid_text).collect::<Vec<_>>().join(",")))
}

/// The payloads of one block, each its length (4 bytes, little-endian) then its text.
fn pack_block<'a>(payloads: impl Iterator<Item = &'a str>) -> Result<Vec<u8>> {
    let mut z = DeflateEncoder::new(Vec::new(), Compression::default());
    for p in payloads {
        let len = u32::try_from(p.len()).map_err(|_| bad("a row over 4 GB"))?;
        z.write_all(&len.to_le_bytes()).and_then(|_| z.write_all(p.as_bytes())).map_err(|_| bad("compressing"))?;
    }
    z.finish().map_err(|_| bad("compressing"))
}

/// The most a block may inflate to: [`BLOCK`] rows of at most a bundle's largest record line
/// (1 MB). A database file is checked, not trusted: a forged block cannot take more memory.
const MAX_BLOCK_BYTES: u64 = BLOCK as u64 * (1 << 20);

fn unpack_block(data: &[u8]) -> Result<Vec<String>> {
    unpack_capped(data, MAX_BLOCK_BYTES)
}

fn unpack_capped(data: &[u8], cap: u64) -> Result<Vec<String>> {
    let mut raw = Vec::new();
    DeflateDecoder::new(data)
        .take(cap + 1)
        .read_to_end(&mut raw)
        .map_err(|_| bad("a block that does not decompress"))?;
    if raw.len() as u64 > cap {
        return Err(bad("a block that inflates past its limit"));
    }
    let (mut out, mut at) = (Vec::new(), 0usize);
    while at < raw.len() {
        let len = raw.get(at..at + 4).ok_or_else(|| bad("a block cut short"))?;
        let len = u32::from_le_bytes(len.try_into().expect("4 bytes")) as usize;
        let text = raw.get(at + 4..at + 4 + len).ok_or_else(|| bad("a block cut short"))?;
        out.push(String::from_utf8(text.to_vec()).map_err(|_| bad("a row that is not UTF-8"))?);
        at += 4 + len;
    }
    Ok(out)
}

/// The dictionary numbers of `names`, adding the ones not there yet.
async fn name_numbers<'a>(
    conn: &mut SqliteConnection,
    names: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, i64>> {
    let mut out = HashMap::new();
    for name in names {
        if out.contains_key(name) {
            continue;
        }
        // Looked up first: an upsert would rewrite the row (a page of the WAL) on every write.
        let n = match name_number(conn, name).await? {
            Some(n) => n,
            None => {
                sqlx::query_scalar("INSERT INTO change_names (name) VALUES (?) RETURNING n")
                    .bind(name)
                    .fetch_one(&mut *conn)
                    .await?
            }
        };
        out.insert(name.to_string(), n);
    }
    Ok(out)
}

/// The dictionary number of a name (a device or an officer), if it is there.
async fn name_number(conn: &mut SqliteConnection, name: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT n FROM change_names WHERE name = ?").bind(name).fetch_optional(&mut *conn).await?)
}

/// Stores `records` at the end of the log, in order; with `rowids`, each at the given rowid
/// (the conversion keeps the old table's, which the kept facts' mark names).
pub(crate) async fn append(conn: &mut SqliteConnection, records: &[ChangeRecord]) -> Result<()> {
    append_at(conn, records, None).await
}

async fn append_at(conn: &mut SqliteConnection, records: &[ChangeRecord], rowids: Option<&[i64]>) -> Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    let names = name_numbers(conn, records.iter().flat_map(|r| [r.device_id.as_str(), r.officer.as_str()])).await?;
    let first: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(n), 0) + 1 FROM change_blocks").fetch_one(&mut *conn).await?;
    let mut blocks = Vec::with_capacity(records.len().div_ceil(BLOCK));
    for (i, chunk) in records.chunks(BLOCK).enumerate() {
        blocks.push(vec![Val::Int(first + i as i64), Val::Blob(pack_block(chunk.iter().map(|r| r.payload.as_str()))?)]);
    }
    insert_rows(conn, "change_blocks", &["n", "rows"], blocks).await?;
    let mut rows = Vec::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        let mut row = vec![
            Val::Int(names[&r.device_id]),
            r.seq.into(),
            pack_id(&r.record_id),
            r.entity.name().into(),
            pack_id(&r.entity_id),
            r.kind.as_str().into(),
            r.schema_version.into(),
            Val::Int(names[&r.officer]),
            r.recorded_at.as_str().into(),
            Val::Int(first + (i / BLOCK) as i64),
            Val::Int((i % BLOCK) as i64),
            pack_hash(&r.prev_hash),
            pack_hash(&r.hash),
            pack_base(&r.base),
        ];
        if let Some(ids) = rowids {
            row.push(Val::Int(ids[i]));
        }
        rows.push(row);
    }
    let with_rowid: Vec<&str> = COLS.iter().copied().chain(["rowid"]).collect();
    let cols = if rowids.is_some() { &with_rowid[..] } else { COLS };
    insert_rows(conn, "change_records", cols, rows).await?;
    // Every ID number a person has carried, for merging (`exchange::merge::hold_id_number`).
    for r in records.iter().filter(|r| r.entity == Entity::Beneficiary) {
        let row: serde_json::Value = serde_json::from_str(&r.payload).unwrap_or_default();
        if let Some(number) = row.get("id_number").and_then(|v| v.as_str()) {
            sqlx::query("INSERT OR IGNORE INTO id_number_history (id_number, beneficiary_id) VALUES (?, ?)")
                .bind(number)
                .bind(&r.entity_id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Records matching `filter` (SQL over `c`, `d` and `o` of [`SELECT`], with its ORDER BY),
/// its `?`s bound to `binds` in order; each block is decompressed once per run of its records.
pub(crate) async fn read(conn: &mut SqliteConnection, filter: &str, binds: Vec<Val>) -> Result<Vec<ChangeRecord>> {
    Ok(read_with_rowid(conn, filter, binds).await?.into_iter().map(|(_, r)| r).collect())
}

/// [`read`], each record with its rowid (the log's order of arrival here).
pub(crate) async fn read_with_rowid(
    conn: &mut SqliteConnection,
    filter: &str,
    binds: Vec<Val>,
) -> Result<Vec<(i64, ChangeRecord)>> {
    let sql = SELECT.replacen("SELECT ", "SELECT c.rowid, ", 1) + " WHERE " + filter;
    let q = binds.into_iter().fold(sqlx::query(AssertSqlSafe(sql)), bind);
    let rows = q.fetch_all(&mut *conn).await?;
    let mut blocks: FxHashMap<i64, Vec<String>> = FxHashMap::default();
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let block: i64 = row.try_get(10)?;
        if !blocks.contains_key(&block) {
            let data: Vec<u8> = sqlx::query_scalar("SELECT rows FROM change_blocks WHERE n = ?")
                .bind(block)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| bad("a record whose block is missing"))?;
            // Records are read in runs of one block: keep the memory to the blocks in use.
            if blocks.len() >= 64 {
                blocks.clear();
            }
            blocks.insert(block, unpack_block(&data)?);
        }
        let part = usize::try_from(row.try_get::<i64, _>(11)?).map_err(|_| bad("a negative part"))?;
        let payload = blocks[&block].get(part).cloned().ok_or_else(|| bad("a part past its block's end"))?;
        out.push((row.try_get(0)?, decode(row, payload)?));
    }
    Ok(out)
}

fn decode(row: &SqliteRow, payload: String) -> Result<ChangeRecord> {
    let entity: String = row.try_get(4)?;
    let kind: String = row.try_get(6)?;
    Ok(ChangeRecord {
        device_id: row.try_get(1)?,
        seq: row.try_get(2)?,
        record_id: id_of(row, 3)?,
        entity: Entity::parse(&entity).ok_or_else(|| bad("an entity this build does not know"))?,
        entity_id: id_of(row, 5)?,
        kind: Kind::parse(&kind).ok_or_else(|| bad("a kind this build does not know"))?,
        schema_version: row.try_get(7)?,
        officer: row.try_get(8)?,
        recorded_at: row.try_get(9)?,
        payload,
        prev_hash: hash_of(row, 12)?,
        hash: hash_of(row, 13)?,
        base: base_of(row, 14)?,
    })
}

/// Every record of the given (entity, id)s, by device and seq.
pub(crate) async fn of_entities(conn: &mut SqliteConnection, keys: &[(Entity, String)]) -> Result<Vec<ChangeRecord>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let filter = vec!["(c.entity = ? AND c.entity_id = ?)"; keys.len()].join(" OR ");
    let binds = keys.iter().flat_map(|(e, id)| [Val::from(e.name()), pack_id(id)]).collect();
    read(conn, &format!("({filter}) ORDER BY d.name, c.seq"), binds).await
}

/// A device's records after `seq`, in series order, at most `limit`.
pub async fn since(conn: &mut SqliteConnection, device: &str, seq: i64, limit: i64) -> Result<Vec<ChangeRecord>> {
    read(conn, "d.name = ? AND c.seq > ? ORDER BY c.seq LIMIT ?", vec![device.into(), seq.into(), limit.into()]).await
}

/// `c`'s record is in its series' order here, not one a handover brought.
const NOT_HANDED: &str = "NOT EXISTS (SELECT 1 FROM handover_records h WHERE h.device_id = d.name AND h.seq = c.seq)";

/// The last (seq, hash) of a device's series here; `in_order`: leaving out the records a
/// handover brought out of order (they are not the series' head).
pub(crate) async fn head(conn: &mut SqliteConnection, device: &str, in_order: bool) -> Result<Option<(i64, String)>> {
    let Some(n) = name_number(conn, device).await? else { return Ok(None) };
    let handed = if in_order { format!(" AND {NOT_HANDED}") } else { String::new() };
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT c.seq, c.hash FROM change_records c JOIN change_names d ON d.n = c.device
         WHERE c.device = ?{handed} ORDER BY c.seq DESC LIMIT 1"
    )))
    .bind(n)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| Ok((r.try_get(0)?, hash_of(&r, 1)?))).transpose()
}

/// The head of every series held here (records a handover brought left out), by device.
pub(crate) async fn heads(conn: &mut SqliteConnection) -> Result<Vec<(String, i64, String)>> {
    let mut out = Vec::new();
    for device in devices(conn).await? {
        if let Some((seq, hash)) = head(conn, &device, true).await? {
            out.push((device, seq, hash));
        }
    }
    Ok(out)
}

/// The hash of a device's record `seq`, if held here.
pub(crate) async fn hash_at(conn: &mut SqliteConnection, device: &str, seq: i64) -> Result<Option<String>> {
    let Some(n) = name_number(conn, device).await? else { return Ok(None) };
    let row = sqlx::query("SELECT hash FROM change_records WHERE device = ? AND seq = ?")
        .bind(n)
        .bind(seq)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| hash_of(&r, 0)).transpose()
}

/// The hashes of the records a handover brought into a device's series here, by seq.
pub(crate) async fn handed_hashes(conn: &mut SqliteConnection, device: &str) -> Result<HashMap<i64, String>> {
    let rows = sqlx::query(
        "SELECT c.seq, c.hash FROM handover_records h JOIN change_names d ON d.name = h.device_id
         JOIN change_records c ON c.device = d.n AND c.seq = h.seq WHERE h.device_id = ?",
    )
    .bind(device)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, hash_of(r, 1)?))).collect()
}

/// The last record's rowid and hash (the kept facts' mark), if any.
pub(crate) async fn last(conn: &mut SqliteConnection) -> Result<Option<(i64, String)>> {
    let row = sqlx::query("SELECT rowid, hash FROM change_records ORDER BY rowid DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Ok((r.try_get(0)?, hash_of(&r, 1)?))).transpose()
}

/// The hash of the record at `rowid`, if there is one.
pub(crate) async fn hash_at_rowid(conn: &mut SqliteConnection, rowid: i64) -> Result<Option<String>> {
    let row =
        sqlx::query("SELECT hash FROM change_records WHERE rowid = ?").bind(rowid).fetch_optional(&mut *conn).await?;
    row.map(|r| hash_of(&r, 0)).transpose()
}

/// The last rowid (0 for an empty log): the data version caches compare.
pub(crate) async fn max_rowid(conn: &mut SqliteConnection) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) FROM change_records").fetch_one(conn).await?)
}

/// Has a record of `entity` been written after rowid `since`?
pub(crate) async fn written_since(conn: &mut SqliteConnection, entity: Entity, since: i64) -> Result<bool> {
    Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM change_records WHERE rowid > ? AND entity = ?)")
        .bind(since)
        .bind(entity.name())
        .fetch_one(&mut *conn)
        .await?)
}

/// Every device with records here.
pub(crate) async fn devices(conn: &mut SqliteConnection) -> Result<Vec<String>> {
    // One probe of the (device, seq) key per name: the dictionary is small, the log is not.
    Ok(sqlx::query_scalar(
        "SELECT name FROM change_names d WHERE EXISTS (SELECT 1 FROM change_records c WHERE c.device = d.n) ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// Every entity with records here.
pub(crate) async fn entities(conn: &mut SqliteConnection) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT DISTINCT entity FROM change_records ORDER BY entity").fetch_all(&mut *conn).await?)
}

/// Every (entity, id) with records here, sorted.
pub(crate) async fn keys(conn: &mut SqliteConnection) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT DISTINCT entity, entity_id FROM change_records").fetch_all(&mut *conn).await?;
    let mut keys: Vec<(String, String)> =
        rows.iter().map(|r| Ok((r.try_get(0)?, id_of(r, 1)?))).collect::<Result<_>>()?;
    keys.sort();
    Ok(keys)
}

/// Which of `ids` of `entity` have records here.
pub(crate) async fn known_ids(conn: &mut SqliteConnection, entity: Entity, ids: &[&str]) -> Result<HashSet<String>> {
    let sql = format!(
        "SELECT DISTINCT entity_id FROM change_records WHERE entity = ? AND entity_id IN ({})",
        vec!["?"; ids.len()].join(",")
    );
    let q = ids.iter().map(|id| pack_id(id)).fold(sqlx::query(AssertSqlSafe(sql)).bind(entity.name()), bind);
    q.fetch_all(&mut *conn).await?.iter().map(|r| id_of(r, 0)).collect()
}

/// People other than `person` who carried `id_number` in any version.
pub(crate) async fn others_with_id_number(
    conn: &mut SqliteConnection,
    person: &str,
    id_number: &str,
) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT beneficiary_id FROM id_number_history WHERE id_number = ? AND beneficiary_id <> ? ORDER BY beneficiary_id",
    )
    .bind(id_number)
    .bind(person)
    .fetch_all(&mut *conn)
    .await?)
}

/// Converts the log of a database older than migration 0021 (`change_log_v1`) in one
/// transaction: every record at its old rowid, read back and compared with the original, then
/// the old table dropped. Cut short or refused, nothing is converted and the next start does
/// it again. Returns the records converted.
pub(crate) async fn convert(conn: &mut SqliteConnection, watch: &crate::upgrade::UpgradeWatch) -> Result<u64> {
    let old: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'change_log_v1')",
    )
    .fetch_one(&mut *conn)
    .await?;
    if !old {
        return Ok(0);
    }
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
    let done = convert_in(conn, watch).await;
    match done {
        Ok(n) => {
            sqlx::query("COMMIT").execute(&mut *conn).await?;
            Ok(n)
        }
        Err(e) => {
            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
            Err(e)
        }
    }
}

async fn convert_in(conn: &mut SqliteConnection, watch: &crate::upgrade::UpgradeWatch) -> Result<u64> {
    const CHUNK: i64 = 16 * BLOCK as i64;
    let (mut after, mut n) = (0i64, 0u64);
    // Progress by position: the old rowids run from 1 with few gaps.
    let end: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) FROM change_log_v1").fetch_one(&mut *conn).await?;
    loop {
        watch.set(crate::upgrade::UpgradeStep::Convert, after as u64, end as u64);
        let rows = sqlx::query(
            "SELECT rowid, device_id, seq, record_id, entity, entity_id, kind, schema_version, officer,
                    recorded_at, payload, prev_hash, hash, base
             FROM change_log_v1 WHERE rowid > ? ORDER BY rowid LIMIT ?",
        )
        .bind(after)
        .bind(CHUNK)
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get(0)?;
        let rowids: Vec<i64> = rows.iter().map(|r| r.try_get(0)).collect::<std::result::Result<_, _>>()?;
        // The old table's columns are the record's fields by name (as the server's are); an
        // entity or kind this build does not know is a decoding error, which stops it all.
        let records: Vec<ChangeRecord> =
            rows.iter().map(<ChangeRecord as sqlx::FromRow<_>>::from_row).collect::<std::result::Result<_, _>>()?;
        append_at(conn, &records, Some(&rowids)).await?;
        // Read back and compared field by field before anything of the old log goes: a record
        // the new layout would not give back exactly stops the conversion (nothing changes).
        let back =
            read_with_rowid(conn, "c.rowid BETWEEN ? AND ? ORDER BY c.rowid", vec![rowids[0].into(), after.into()])
                .await?;
        let same = back.len() == records.len()
            && back.iter().zip(rowids.iter().zip(&records)).all(|((i, r), (j, o))| i == j && r == o);
        if !same {
            return Err(bad("a record that did not read back as it was: the conversion was undone"));
        }
        n += records.len() as u64;
    }
    sqlx::query("DROP TABLE change_log_v1").execute(&mut *conn).await?;
    Ok(n)
}

/// After a conversion the old table's pages are free but still in the file: gives them back
/// (`VACUUM`, itself all-or-nothing) when they are more than a quarter of it.
pub(crate) async fn reclaim(conn: &mut SqliteConnection) -> Result<()> {
    let (free, total): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT freelist_count FROM pragma_freelist_count), (SELECT page_count FROM pragma_page_count)",
    )
    .fetch_one(&mut *conn)
    .await?;
    if free * 4 > total {
        // SQLCipher's build keeps temporary tables in memory by default: VACUUM's copy of a
        // city's database would be gigabytes of memory. On disk, beside the system's others.
        sqlx::query("PRAGMA temp_store = FILE").execute(&mut *conn).await?;
        let done = sqlx::query("VACUUM").execute(&mut *conn).await;
        sqlx::query("PRAGMA temp_store = DEFAULT").execute(&mut *conn).await?;
        done?;
        // VACUUM went through the WAL: the whole file once more, not kept until the app closes.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_gives_back_the_same_text() {
        let id = "01944f3a-2c00-7003-bf5c-d05d807cb3fa";
        assert!(matches!(pack_id(id), Val::Blob(ref b) if b.len() == 16));
        // Not canonical: kept as text, never normalised.
        for other in ["01944F3A-2C00-7003-BF5C-D05D807CB3FA", "2025-01", "", "{01944f3a-2c00-7003-bf5c-d05d807cb3fa}"] {
            assert_eq!(pack_id(other), Val::Text(other.to_string()), "{other}");
        }
        let hash = "ab".repeat(32);
        assert!(matches!(pack_hash(&hash), Val::Blob(ref b) if b.len() == 32));
        for other in ["", "AB", "abc", "zz"] {
            assert_eq!(pack_hash(other), Val::Text(other.to_string()), "{other}");
        }
        let two = format!("{id},01944f3a-2c00-7000-b0b1-fd9927f57671");
        assert!(matches!(pack_base(&two), Val::Blob(ref b) if b.len() == 32));
        assert_eq!(pack_base(&format!("{id},x")), Val::Text(format!("{id},x")));
    }

    #[test]
    fn a_block_holds_its_rows_in_order() {
        let rows = ["{\"a\":1}", "", "{\"name\":\"Nguyễn Thị Hoa\"}"];
        let packed = pack_block(rows.iter().copied()).unwrap();
        assert_eq!(unpack_block(&packed).unwrap(), rows);
        assert!(unpack_block(&packed[..packed.len() / 2]).is_err(), "a block cut short is refused");
        // A forged block that inflates past its cap is refused, not inflated whole.
        let big = "x".repeat(10_000);
        let packed = pack_block([big.as_str()].into_iter()).unwrap();
        assert!(packed.len() < 1_000);
        assert!(unpack_capped(&packed, 10_004).is_ok());
        assert!(unpack_capped(&packed, 10_003).is_err());
    }
}
