//! Entity ↔ table: a change record's payload is the stored row as a JSON object (column →
//! value), read back with SQLite's own `json_object` and written back with an upsert. Which
//! tables travel is the closed set [`Entity`]; the columns are read from the binary's schema.

use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::sqlrow::Val;
use ansinh_core::ErrorCode;
use sqlx::{AssertSqlSafe, Row, SqliteConnection};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct TableInfo {
    pub table: &'static str,
    pub pk: &'static str,
    pub cols: Vec<String>,
    /// Each column's declared type (`TEXT`, `INTEGER`), in `cols` order.
    pub types: Vec<String>,
    /// Per column: an INSERT that leaves it out stores NULL (nullable, no default).
    pub null_if_omitted: Vec<bool>,
    /// Per column: NOT NULL without a default (a row must carry it).
    pub required: Vec<bool>,
    /// Foreign keys: (parent table, column here, parent column).
    pub fks: Vec<(String, String, String)>,
}

/// The schema is the binary's (migrations are embedded and run at open), so what a table looks
/// like is the same for every database this process opens: read it once.
static INFO: std::sync::LazyLock<std::sync::Mutex<HashMap<Entity, TableInfo>>> =
    std::sync::LazyLock::new(Default::default);

pub async fn table_info(conn: &mut SqliteConnection, entity: Entity) -> Result<TableInfo> {
    if let Some(hit) = INFO.lock().expect("not poisoned").get(&entity) {
        return Ok(hit.clone());
    }
    let info = read_table_info(conn, entity).await?;
    INFO.lock().expect("not poisoned").insert(entity, info.clone());
    Ok(info)
}

async fn read_table_info(conn: &mut SqliteConnection, entity: Entity) -> Result<TableInfo> {
    let table = entity.table();
    let rows = sqlx::query(
        "SELECT name, upper(type) AS type, NOT \"notnull\" AND dflt_value IS NULL AS null_if_omitted,
                \"notnull\" AND dflt_value IS NULL AS required
         FROM pragma_table_info(?) ORDER BY cid",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    if rows.is_empty() {
        return Err(StoreError::NotFound { entity: "table", id: table.to_string() });
    }
    let mut info = TableInfo {
        table,
        pk: entity.pk(),
        cols: Vec::new(),
        types: Vec::new(),
        null_if_omitted: Vec::new(),
        required: Vec::new(),
        fks: Vec::new(),
    };
    for r in &rows {
        info.cols.push(r.try_get("name")?);
        info.types.push(r.try_get("type")?);
        info.null_if_omitted.push(r.try_get("null_if_omitted")?);
        info.required.push(r.try_get("required")?);
    }
    info.fks = sqlx::query("SELECT \"table\" AS parent, \"from\" AS col, COALESCE(\"to\", 'rowid') AS parent_col FROM pragma_foreign_key_list(?)")
        .bind(table)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("parent")?, r.try_get("col")?, r.try_get("parent_col")?)))
        .collect::<Result<Vec<(String, String, String)>>>()?;
    Ok(info)
}

fn json_expr(info: &TableInfo) -> String {
    let pairs: Vec<String> = info.cols.iter().map(|c| format!("'{c}', \"{c}\"")).collect();
    format!("json_object({})", pairs.join(", "))
}

/// Where each of the table's columns is in a writer's column list (None: left out, so NULL).
/// None when the list leaves out a column with a default: only reading the row back tells.
pub fn row_layout(info: &TableInfo, cols: &[&str]) -> Option<Vec<Option<usize>>> {
    info.cols
        .iter()
        .zip(&info.null_if_omitted)
        .map(|(col, &null)| match cols.iter().position(|c| c == col) {
            Some(at) => Some(Some(at)),
            None if null => Some(None),
            None => None,
        })
        .collect()
}

/// The JSON text `json_object` gives for a row just written with these values (laid out by
/// [`row_layout`]), built here instead of read back. None when a value is not of its column's
/// declared type (SQLite would convert it, so only reading it back tells).
pub fn row_json(info: &TableInfo, layout: &[Option<usize>], vals: &[Val]) -> Option<String> {
    let mut out: Vec<u8> = Vec::with_capacity(48 * layout.len());
    out.push(b'{');
    for (i, ((col, ty), at)) in info.cols.iter().zip(&info.types).zip(layout).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_json_str(&mut out, col);
        out.push(b':');
        match (at.map(|at| &vals[at]), ty.as_str()) {
            (None | Some(Val::Null), _) => out.extend_from_slice(b"null"),
            (Some(Val::Int(n)), "INTEGER") => out.extend_from_slice(n.to_string().as_bytes()),
            (Some(Val::Text(t)), "TEXT") => push_json_str(&mut out, t),
            _ => return None,
        }
    }
    out.push(b'}');
    Some(String::from_utf8(out).expect("JSON of UTF-8 strings"))
}

/// A JSON string as SQLite's `json_object` writes it (`"` and `\\` escaped, control characters
/// as `\n`-style or `\u00xx` escapes, everything else as is): serde_json writes the same.
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(out, s).expect("writing into memory");
}

/// The stored rows of the given (entity, id)s as JSON text, keyed by (entity, id).
pub async fn read_back<'a>(
    conn: &mut SqliteConnection,
    keys: impl Iterator<Item = (Entity, &'a str)>,
) -> Result<HashMap<(Entity, String), String>> {
    let mut by_entity: HashMap<Entity, Vec<&str>> = HashMap::new();
    for (e, id) in keys {
        by_entity.entry(e).or_default().push(id);
    }
    let mut out = HashMap::new();
    for (entity, ids) in by_entity {
        let info = table_info(conn, entity).await?;
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT \"{pk}\" AS pk, {json} AS row_json FROM {t} WHERE \"{pk}\" IN ({q})",
                pk = info.pk,
                json = json_expr(&info),
                t = info.table,
                q = vec!["?"; chunk.len()].join(",")
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(&mut *conn).await? {
                out.insert((entity, r.try_get::<String, _>("pk")?), r.try_get::<String, _>("row_json")?);
            }
        }
    }
    Ok(out)
}

/// Inserts or replaces the row `row` (a JSON object of this table's columns).
pub async fn upsert(
    conn: &mut SqliteConnection,
    info: &TableInfo,
    row: &serde_json::Map<String, serde_json::Value>,
) -> Result<()> {
    let cols: Vec<&String> = row.keys().collect();
    // Column names reach the SQL below: only the table's own columns, checked here again
    // whatever the caller checked.
    if let Some(bad) = cols.iter().find(|c| !info.cols.contains(c)) {
        return Err(StoreError::field(
            "payload",
            ErrorCode::ExchangeSchemaMismatch,
            &format!("{}.{bad}: no such column", info.table),
        ));
    }
    let set: Vec<String> =
        cols.iter().filter(|c| **c != info.pk).map(|c| format!("\"{c}\" = excluded.\"{c}\"")).collect();
    let sql = format!(
        "INSERT INTO {t} ({c}) VALUES ({q}) ON CONFLICT (\"{pk}\") DO {upd}",
        t = info.table,
        c = cols.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(","),
        q = vec!["?"; cols.len()].join(","),
        pk = info.pk,
        upd = if set.is_empty() { "NOTHING".to_string() } else { format!("UPDATE SET {}", set.join(", ")) },
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for v in row.values() {
        q = match v {
            serde_json::Value::Null => q.bind(None::<String>),
            serde_json::Value::Bool(b) => q.bind(*b as i64),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => q.bind(i),
                None => q.bind(n.as_f64()),
            },
            serde_json::Value::String(s) => q.bind(s.clone()),
            other => q.bind(other.to_string()),
        };
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Every table that change records project into, for dumps and rebuilds.
pub async fn projected_tables(conn: &mut SqliteConnection) -> Result<Vec<TableInfo>> {
    let names = crate::changes::log::entities(conn).await?;
    let mut out: Vec<TableInfo> = Vec::new();
    for name in names {
        let entity = Entity::try_from(name).map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?;
        out.push(table_info(conn, entity).await?);
    }
    Ok(out)
}

/// A canonical text dump of the given tables (rows as JSON in key order), for comparisons.
pub async fn dump(conn: &mut SqliteConnection, tables: &[TableInfo]) -> Result<Vec<(String, Vec<String>)>> {
    let mut out = Vec::new();
    for info in tables {
        let sql = format!("SELECT {} FROM {} ORDER BY \"{}\"", json_expr(info), info.table, info.pk);
        out.push((info.table.to_string(), sqlx::query_scalar(AssertSqlSafe(sql)).fetch_all(&mut *conn).await?));
    }
    Ok(out)
}

/// Are the rows this one refers to (its foreign keys) there?
pub async fn parents_present(
    conn: &mut SqliteConnection,
    info: &TableInfo,
    row: &serde_json::Map<String, serde_json::Value>,
) -> Result<bool> {
    for (parent, from, to) in &info.fks {
        let value = match row.get(from) {
            None | Some(serde_json::Value::Null) => continue,
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {parent} WHERE \"{to}\" = ?)");
        let there: bool = sqlx::query_scalar(AssertSqlSafe(sql)).bind(&value).fetch_one(&mut *conn).await?;
        if !there {
            return Ok(false);
        }
    }
    Ok(true)
}
