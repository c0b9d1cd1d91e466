//! Writing a database into a new file under a new key (issue 13): converting a plaintext
//! database, and re-keying an encrypted one. Both use SQLCipher's `sqlcipher_export` into a
//! file attached with the new key, then check the copy (every table's row count, `PRAGMA
//! integrity_check` with the new key) before the caller swaps it in (`swap.rs`).
//!
//! Why not `PRAGMA rekey` for a re-key: in WAL mode it re-encrypts the file through the
//! connection that runs it, but the other open connections keep the old key and fail with
//! "file is not a database" until closed (tried on SQLCipher 4.x, sqlx's bundled build), and it
//! rewrites the file in place, so the file and its keyring could not be switched together: a
//! crash between the two would leave a database nobody's key opens. A new file, verified and
//! then swapped with its keyring, has no such window.

use crate::backup::verify_file;
use crate::error::{Result, StoreError};
use crate::keyring::{DbKey, access};
use crate::private;
use ansinh_core::ErrorCode;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};
use std::path::Path;

/// The first 16 bytes of every plaintext SQLite file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Is the file at `path` an unencrypted SQLite database? (A SQLCipher file starts with random
/// salt instead of the header.) False for a missing or empty file.
pub fn is_plaintext(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut head = [0u8; 16];
    match std::fs::File::open(path) {
        Ok(mut f) => match f.read_exact(&mut head) {
            Ok(()) => Ok(&head == SQLITE_HEADER),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
            Err(source) => Err(StoreError::Folder { path: path.display().to_string(), source }),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(StoreError::Folder { path: path.display().to_string(), source }),
    }
}

/// Does a database file with content exist at `path`? (An empty file is a new database.)
pub fn has_content(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() > 0)
}

/// What a plaintext database holds, read without changing it (shown before converting).
#[derive(Debug, Clone, serde::Serialize, PartialEq, ts_rs::TS)]
pub struct PlaintextInfo {
    pub path: String,
    pub users: i64,
    pub people: i64,
}

async fn read_only(path: &Path) -> Result<sqlx::SqliteConnection> {
    let opts = SqliteConnectOptions::new().filename(path).read_only(true).disable_statement_logging();
    Ok(sqlx::SqliteConnection::connect_with(&opts).await?)
}

async fn has_table(conn: &mut sqlx::SqliteConnection, name: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?")
        .bind(name)
        .fetch_one(&mut *conn)
        .await?;
    Ok(n > 0)
}

/// Counts the users and people of a plaintext database, read-only.
pub async fn peek_plaintext(path: &Path) -> Result<PlaintextInfo> {
    let mut conn = read_only(path).await?;
    let mut count = async |table: &str| -> Result<i64> {
        if !has_table(&mut conn, table).await? {
            return Ok(0);
        }
        let sql = format!("SELECT COUNT(*) FROM \"{table}\"");
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&mut conn).await?)
    };
    let users = count("users").await?;
    let people = count("beneficiaries").await?;
    conn.close().await.ok();
    Ok(PlaintextInfo { path: path.display().to_string(), users, people })
}

/// Checks, read-only, that `username` is an active administrator of the plaintext database at
/// `path` whose password is `password` (the one who may convert a database that has users).
pub async fn check_plaintext_admin(path: &Path, username: &str, password: &str) -> Result<()> {
    let mut conn = read_only(path).await?;
    let row = sqlx::query("SELECT password_hash, role, active FROM users WHERE username = ?")
        .bind(username)
        .fetch_optional(&mut conn)
        .await?;
    conn.close().await.ok();
    let wrong = || access(ErrorCode::AuthBadCredentials, "wrong user name or password");
    let Some(row) = row else {
        // The same work as a real check, so the time does not tell which names exist.
        ansinh_core::auth::verify_password(password, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$x");
        return Err(wrong());
    };
    if !ansinh_core::auth::verify_password(password, row.get("password_hash")) || row.get::<i64, _>("active") != 1 {
        return Err(wrong());
    }
    if row.get::<String, _>("role") != "admin" {
        return Err(access(ErrorCode::AuthForbidden, "only an administrator may convert the database"));
    }
    Ok(())
}

/// Writes the database at `src` (opened with `src_key`, or plain) into a new file `dest`
/// encrypted with `dest_key`, and checks the copy: every table has as many rows as in `src`,
/// and `PRAGMA integrity_check` passes with `dest_key`. `dest` must not exist. Every writer of
/// `src` must be closed (the copy would miss what they write after it).
pub async fn export_encrypted(src: &Path, src_key: Option<&DbKey>, dest: &Path, dest_key: &DbKey) -> Result<()> {
    if dest.exists() {
        return Err(StoreError::Folder {
            path: dest.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "the copy needs a new file"),
        });
    }
    let result = export(src, src_key, dest, dest_key).await;
    if result.is_err() {
        let _ = std::fs::remove_file(dest);
    }
    result
}

async fn export(src: &Path, src_key: Option<&DbKey>, dest: &Path, dest_key: &DbKey) -> Result<()> {
    let target =
        dest.to_str().ok_or_else(|| StoreError::field("path", ErrorCode::File, "the database path must be UTF-8"))?;
    // SQLite would create the file with the default mode; made owner-only first (an empty
    // file is an empty database).
    private::create_empty(dest).map_err(|source| StoreError::Folder { path: target.to_string(), source })?;
    let mut opts = SqliteConnectOptions::new().filename(src).disable_statement_logging();
    if let Some(k) = src_key {
        opts = opts.pragma("key", k.pragma().to_string());
    }
    let mut conn = sqlx::SqliteConnection::connect_with(&opts).await?;
    sqlx::query("ATTACH DATABASE ? AS rekeyed KEY ?")
        .bind(target)
        .bind(dest_key.attach_value().as_str())
        .execute(&mut conn)
        .await?;
    sqlx::query("SELECT sqlcipher_export('rekeyed')").execute(&mut conn).await?;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await?;
    for t in &tables {
        let sql = format!("SELECT (SELECT COUNT(*) FROM main.\"{t}\"), (SELECT COUNT(*) FROM rekeyed.\"{t}\")");
        let (a, b): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(&mut conn).await?;
        if a != b {
            return Err(StoreError::field(
                "file",
                ErrorCode::BackupDamaged,
                &format!("table {t}: {a} rows, the copy {b}"),
            ));
        }
    }
    sqlx::query("DETACH DATABASE rekeyed").execute(&mut conn).await?;
    conn.close().await?;
    verify_file(dest, Some(dest_key)).await
}
