//! The CLI's door: it signs a named person in through `ansinh_api`, the same gate as the app,
//! and each subcommand then checks the permission the app checks for the same action (main.rs,
//! `permission`), with officers confined to their ward. A key is not a person: there is no way
//! in with a raw database key. A scratch database (plaintext, no user account) is used without
//! signing in and audited as `local`. Also the `audit`, `backup`, `user`, `rekey` and `encrypt`
//! subcommands.

use ansinh_api::{Access, AppState};
use ansinh_core::AppError;
use ansinh_core::ErrorCode;
use ansinh_core::auth::{self, Role, denied};
use ansinh_store::{NewUser, UserChange, UserView};
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Who signs in, when `--user` is not given.
pub const USER_ENV: &str = "ANSINH_USER";
/// Their password (else one line is read from stdin).
pub const PASSWORD_ENV: &str = "ANSINH_PASSWORD";
/// A new password: `user add`, `user passwd`, `user reactivate`, `user set-password`.
pub const NEW_PASSWORD_ENV: &str = "ANSINH_NEW_PASSWORD";

fn user_name(user: Option<String>) -> Option<String> {
    user.or_else(|| std::env::var(USER_ENV).ok()).map(|u| u.trim().to_string()).filter(|u| !u.is_empty())
}

fn password(user: &str) -> Result<String, AppError> {
    if let Ok(p) = std::env::var(PASSWORD_ENV) {
        return Ok(p);
    }
    eprint!("password for {user}: ");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| AppError::File(e.to_string()))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

fn new_password() -> Result<String, AppError> {
    std::env::var(NEW_PASSWORD_ENV).map_err(|_| {
        AppError::field("password", ErrorCode::Required, format!("give the new password in ${NEW_PASSWORD_ENV}"))
    })
}

/// Signs the named person in (`--user` or `$ANSINH_USER`, password from `$ANSINH_PASSWORD` or
/// stdin); without a name, opens a scratch database as `local` (refused for any database that
/// has users). Returns the state and the password used (`user passwd` needs it again).
pub async fn sign_in(db: &Path, backup_dir: PathBuf, user: Option<String>) -> Result<(AppState, String), AppError> {
    let state = AppState::for_cli(db.to_path_buf(), backup_dir);
    let used = match user_name(user) {
        Some(u) => {
            let p = password(&u)?;
            state.login(&u, &p).await?;
            p
        }
        None => {
            state.open_local().await?;
            String::new()
        }
    };
    Ok((state, used))
}

/// `ansinh encrypt`: converts the plaintext database at `db` (a scratch database gets the named
/// person as its administrator; one with users needs one of its administrators).
pub async fn encrypt(db: &Path, user: Option<String>, display_name: Option<String>) -> Result<(), AppError> {
    let user = user_name(user).ok_or_else(|| {
        AppError::field(
            "user",
            ErrorCode::Required,
            "name the administrator: --user NAME (password in $ANSINH_PASSWORD)",
        )
    })?;
    let state = AppState::for_cli(db.to_path_buf(), ansinh_store::default_backup_dir());
    let p = password(&user)?;
    let u = state.convert_plaintext(&user, display_name.as_deref().unwrap_or(""), &p).await?;
    state.logout().await?;
    eprintln!("{} is encrypted; {} is its administrator", db.display(), u.username);
    Ok(())
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("serialisable")
}

pub async fn audit_verify(a: &Access) -> Result<(), AppError> {
    match a.store.verify_audit().await? {
        None => {
            let n = a.store.audit_entries(1, 0).await?.first().map_or(0, |e| e.seq);
            println!("audit log intact ({n} entries)");
            Ok(())
        }
        Some(seq) => Err(AppError::Storage(format!("audit log broken at entry {seq}: edited, deleted or reordered"))),
    }
}

pub async fn audit_list(a: &Access, limit: i64) -> Result<(), AppError> {
    println!("{}", json(&a.store.audit_entries(limit, 0).await?));
    Ok(())
}

pub async fn backup_now(state: &AppState, a: &Access) -> Result<(), AppError> {
    println!("{}", json(&state.backup_now(a).await?));
    Ok(())
}

pub fn backup_list(state: &AppState) -> Result<(), AppError> {
    println!("{}", json(&ansinh_store::list_backups(&state.backup_dir)?));
    Ok(())
}

/// Restores a backup over the database (close the app first): the same rule as the app's
/// (an administrator; the backup opens with their key), audited in the restored database.
pub async fn backup_restore(state: &AppState, a: Access, file: &Path) -> Result<(), AppError> {
    state.restore_backup(a, file).await?;
    eprintln!("restored {} into {}", file.display(), state.db_path.display());
    Ok(())
}

pub async fn rekey(state: &AppState, a: Access) -> Result<(), AppError> {
    let report = state.rekey(a).await?;
    println!("{}", json(&report));
    if !report.without_key.is_empty() {
        eprintln!("set a new password for: {} (ansinh user set-password NAME)", report.without_key.join(", "));
    }
    Ok(())
}

/// Adds a user (administrators; the password from `$ANSINH_NEW_PASSWORD`); audited under the
/// person signed in, with their identity in the keyring.
pub async fn user_add(
    state: &AppState,
    a: &Access,
    username: &str,
    role: &str,
    ward: Option<&str>,
) -> Result<(), AppError> {
    let password = new_password()?;
    let role: Role = auth::validate_new_user(username, &password, role, ward)?;
    let ward = if role == Role::Officer { ward } else { None };
    let u = state
        .add_user(a, &NewUser { username, display_name: username, role, ward_code: ward, password: &password })
        .await?;
    println!("{}", json(&u));
    Ok(())
}

pub async fn user_list(a: &Access) -> Result<(), AppError> {
    println!("{}", json(&a.store.list_users().await?));
    Ok(())
}

async fn find(a: &Access, username: &str) -> Result<UserView, AppError> {
    a.store
        .list_users()
        .await?
        .into_iter()
        .find(|u| u.username == username)
        .ok_or_else(|| AppError::NotFound { entity: "user", id: username.to_string() })
}

/// What `user deactivate|reactivate|set-password` changes.
pub enum Change {
    Deactivate,
    Reactivate,
    SetPassword,
}

/// Deactivates (their key leaves the keyring), reactivates (with a new password) or sets a new
/// password for a user (administrators); role and ward unchanged; audited.
pub async fn user_change(state: &AppState, a: &Access, username: &str, change: Change) -> Result<(), AppError> {
    let u = find(a, username).await?;
    let password = match change {
        Change::Deactivate => None,
        Change::Reactivate | Change::SetPassword => Some(new_password()?),
    };
    if matches!(change, Change::SetPassword) && !u.active {
        return Err(denied(ErrorCode::UserInactive, "this account is deactivated: use `ansinh user reactivate`"));
    }
    let c = UserChange {
        id: &u.id,
        role: u.role,
        ward_code: u.ward_code.as_deref(),
        active: !matches!(change, Change::Deactivate),
        password: password.as_deref(),
    };
    println!("{}", json(&state.update_user(a, &c).await?));
    Ok(())
}

/// `user passwd`: the signed-in person's own password (the one they signed in with is the old
/// one; the new one from `$ANSINH_NEW_PASSWORD`).
pub async fn user_passwd(state: &AppState, a: &Access, old: &str) -> Result<(), AppError> {
    let new = new_password()?;
    state.change_password(a, old, &new).await?;
    eprintln!("password of {} changed", a.user.username);
    Ok(())
}
