//! Opening an encrypted database from the command line, and the `audit`, `backup` and `user`
//! subcommands. The CLI is an administrator's tool: whoever holds the database key (or an
//! administrator's password) has the whole database; it does not check roles.

use ansinh_core::AppError;
use ansinh_core::auth::{self, Role};
use ansinh_store::{DbKey, Keyring, NewUser, Store, backup};
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Environment variable holding the raw database key (64 hex digits).
pub const KEY_ENV: &str = "ANSINH_DB_KEY";
/// Environment variables for unlocking with a user's password instead (else asked on stdin).
pub const USER_ENV: &str = "ANSINH_USER";
pub const PASSWORD_ENV: &str = "ANSINH_PASSWORD";

/// How the CLI finds the key: `--db-key-file`, `$ANSINH_DB_KEY`, or a user's password that
/// unwraps it from the keyring beside the database (`--user`/`$ANSINH_USER` and
/// `$ANSINH_PASSWORD`, or one line read from stdin).
pub struct KeySource {
    pub key_file: Option<PathBuf>,
    pub user: Option<String>,
}

impl KeySource {
    pub fn key(&self, db: &Path) -> Result<Option<DbKey>, AppError> {
        if let Some(f) = &self.key_file {
            let text = std::fs::read_to_string(f).map_err(|e| AppError::File(format!("{}: {e}", f.display())))?;
            return Ok(Some(DbKey::from_hex(&text)?));
        }
        if let Some(k) = std::env::var(KEY_ENV).ok().filter(|k| !k.trim().is_empty()) {
            return Ok(Some(DbKey::from_hex(&k)?));
        }
        let Some(ring) = Keyring::load(db)? else { return Ok(None) };
        let user = self.user.clone().or_else(|| std::env::var(USER_ENV).ok()).ok_or_else(|| {
            auth::denied("key.required", "the database is encrypted: give --db-key-file, $ANSINH_DB_KEY or --user")
        })?;
        let password = match std::env::var(PASSWORD_ENV) {
            Ok(p) => p,
            Err(_) => {
                eprint!("password for {user}: ");
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line).map_err(|e| AppError::File(e.to_string()))?;
                line.trim_end_matches(['\n', '\r']).to_string()
            }
        };
        Ok(Some(ring.unwrap_key(&user, &password)?))
    }

    pub async fn open(&self, db: &Path) -> Result<(Store, Option<DbKey>), AppError> {
        let key = self.key(db)?;
        let store = match &key {
            Some(k) => Store::open_encrypted(db, k).await?,
            None => Store::open(db).await?,
        };
        Ok((store, key))
    }
}

pub async fn audit_verify(store: &Store) -> Result<(), AppError> {
    match store.verify_audit().await? {
        None => {
            let n = store.audit_entries(1, 0).await?.first().map_or(0, |e| e.seq);
            println!("audit log intact ({n} entries)");
            Ok(())
        }
        Some(seq) => Err(AppError::Storage(format!("audit log broken at entry {seq}: edited, deleted or reordered"))),
    }
}

pub async fn audit_list(store: &Store, limit: i64) -> Result<(), AppError> {
    let entries = store.audit_entries(limit, 0).await?;
    println!("{}", serde_json::to_string_pretty(&entries).expect("serialisable"));
    Ok(())
}

pub async fn backup_now(store: &Store, key: Option<&DbKey>, dir: Option<&Path>) -> Result<(), AppError> {
    let dir = dir.map(Path::to_path_buf).unwrap_or_else(ansinh_store::default_backup_dir);
    let b = store.backup_to(&dir, key).await?;
    println!("{}", serde_json::to_string_pretty(&b).expect("serialisable"));
    Ok(())
}

pub fn backup_list(dir: Option<&Path>) -> Result<(), AppError> {
    let dir = dir.map(Path::to_path_buf).unwrap_or_else(ansinh_store::default_backup_dir);
    println!("{}", serde_json::to_string_pretty(&ansinh_store::list_backups(&dir)?).expect("serialisable"));
    Ok(())
}

/// Restores with the key that opens the backup (its own keyring, or the key given).
pub async fn backup_restore(keys: &KeySource, file: &Path, db: &Path) -> Result<(), AppError> {
    let key = keys.key(file)?;
    backup::restore(file, db, key.as_ref()).await?;
    eprintln!("restored {} into {}", file.display(), db.display());
    Ok(())
}

/// Adds a user (the CLI is run by whoever holds the key, so by an administrator).
pub async fn user_add(
    store: &Store,
    key: Option<&DbKey>,
    db: &Path,
    username: &str,
    role: &str,
    ward: Option<&str>,
) -> Result<(), AppError> {
    let password = std::env::var("ANSINH_NEW_PASSWORD")
        .map_err(|_| AppError::field("password", "required", "give the new user's password in $ANSINH_NEW_PASSWORD"))?;
    let role: Role = auth::validate_new_user(username, &password, role, ward)?;
    store.set_officer("cli");
    let u = store
        .create_user(&NewUser { username, display_name: username, role, ward_code: ward, password: &password })
        .await?;
    if let (Some(mut ring), Some(k)) = (Keyring::load(db)?, key) {
        ring.put(username, &password, k)?;
    }
    println!("{}", serde_json::to_string_pretty(&u).expect("serialisable"));
    Ok(())
}
