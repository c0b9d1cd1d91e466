//! Multi-row INSERTs from plain value rows. sqlx's SQLite driver pays per statement, so bulk
//! paths (demo, imports) batch many rows per statement; single writes use the same code.

use crate::error::Result;
use sqlx::{AssertSqlSafe, SqliteConnection};

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Text(String),
    Int(i64),
    Blob(Vec<u8>),
    Null,
}

impl From<&str> for Val {
    fn from(s: &str) -> Self {
        Val::Text(s.to_string())
    }
}
impl From<String> for Val {
    fn from(s: String) -> Self {
        Val::Text(s)
    }
}
impl From<i64> for Val {
    fn from(i: i64) -> Self {
        Val::Int(i)
    }
}
impl From<bool> for Val {
    fn from(b: bool) -> Self {
        Val::Int(b as i64)
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(o: Option<T>) -> Self {
        o.map_or(Val::Null, Into::into)
    }
}

pub(crate) type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>;

/// `v` bound as the next parameter of `q`.
pub(crate) fn bind<'q>(q: Query<'q>, v: Val) -> Query<'q> {
    match v {
        Val::Text(s) => q.bind(s),
        Val::Int(i) => q.bind(i),
        Val::Blob(b) => q.bind(b),
        Val::Null => q.bind(None::<String>),
    }
}

/// SQLite allows 32766 bound variables per statement; stay well below.
const MAX_VARS: usize = 30_000;

/// Inserts `rows` (values moved into the statements: bulk writes bind millions of them).
pub async fn insert_rows(conn: &mut SqliteConnection, table: &str, cols: &[&str], rows: Vec<Vec<Val>>) -> Result<()> {
    let per_stmt = (MAX_VARS / cols.len()).max(1);
    let one = format!("({})", vec!["?"; cols.len()].join(","));
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per_stmt).collect();
        let sql =
            format!("INSERT INTO {table} ({}) VALUES {}", cols.join(","), vec![one.as_str(); chunk.len()].join(","));
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for row in chunk {
            debug_assert_eq!(row.len(), cols.len(), "row width for {table}");
            for v in row {
                q = bind(q, v);
            }
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Updates the row whose `cols[0]` (the key) equals `row[0]`, setting every other column except
/// the `created_*` ones (who created a row never changes). Returns the rows changed (0 or 1).
pub async fn update_row(conn: &mut SqliteConnection, table: &str, cols: &[&str], row: &[Val]) -> Result<u64> {
    debug_assert_eq!(row.len(), cols.len(), "row width for {table}");
    let set: Vec<(usize, &str)> =
        cols.iter().enumerate().skip(1).filter(|(_, c)| !c.starts_with("created_")).map(|(i, c)| (i, *c)).collect();
    let sql = format!(
        "UPDATE {table} SET {} WHERE {} = ?",
        set.iter().map(|(_, c)| format!("{c} = ?")).collect::<Vec<_>>().join(", "),
        cols[0]
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for v in set.iter().map(|(i, _)| &row[*i]).chain(std::iter::once(&row[0])) {
        q = bind(q, v.clone());
    }
    Ok(q.execute(&mut *conn).await?.rows_affected())
}
