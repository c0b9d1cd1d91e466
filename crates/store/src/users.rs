//! Local accounts (issue 6): creation, login with back-off, role changes. Every change and every
//! login attempt is written to the audit log in the same transaction.

use crate::Store;
use crate::audit::{AuditEvent, append};
use crate::error::{Result, StoreError};
use ansinh_core::ErrorCode;
use ansinh_core::FieldError;
use ansinh_core::auth::{self, Role};
use ansinh_core::validate::RefData;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub ward_code: Option<String>,
    pub active: bool,
    pub locked_until: Option<String>,
}

/// A validated new account (see `core::auth::validate_new_user`).
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub ward_code: Option<&'a str>,
    pub password: &'a str,
}

/// A change of role, ward or activity by an administrator, with a new password (required to
/// reactivate an account: its key entry left the keyring when it was deactivated).
pub struct UserChange<'a> {
    pub id: &'a str,
    pub role: Role,
    pub ward_code: Option<&'a str>,
    pub active: bool,
    pub password: Option<&'a str>,
}

/// Work done on the keyring inside a user change's transaction, before it commits: if it fails
/// nothing is changed in the database either.
pub type KeyringStep<'a> = Box<dyn FnOnce(&UserView) -> Result<()> + Send + 'a>;

/// The hash a missing account is checked against, so the time taken does not tell which names exist.
pub(crate) const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$mMnqLF6vIWQvUOt8VSX6lX6IHxIRF6i4dvT6kPj3pBY";

const COLS: &str = "id, username, display_name, role, ward_code, active, locked_until";

fn view(r: &SqliteRow) -> UserView {
    UserView {
        id: r.get("id"),
        username: r.get("username"),
        display_name: r.get("display_name"),
        role: Role::parse(r.get("role")).unwrap_or(Role::Officer),
        ward_code: r.get("ward_code"),
        active: r.get::<i64, _>("active") == 1,
        locked_until: r.get("locked_until"),
    }
}

fn bad_credentials() -> StoreError {
    StoreError::Access(FieldError {
        code: ErrorCode::AuthBadCredentials,
        message: "wrong user name or password".into(),
        field: None,
        row: None,
        params: Default::default(),
    })
}

impl Store {
    pub async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&self.reader).await?)
    }

    pub async fn list_users(&self) -> Result<Vec<UserView>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM users ORDER BY username")))
            .fetch_all(&self.reader)
            .await?;
        Ok(rows.iter().map(view).collect())
    }

    pub async fn user(&self, id: &str) -> Result<UserView> {
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLS} FROM users WHERE id = ?")))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .map(|r| view(&r))
            .ok_or_else(|| StoreError::NotFound { entity: "user", id: id.to_string() })
    }

    /// Creates an account (the password is hashed here with Argon2id).
    pub async fn create_user(&self, u: &NewUser<'_>) -> Result<UserView> {
        let hash = hash_password(u.password)?;
        if let Some(w) = u.ward_code
            && !self.refs().await?.has_ward(w)
        {
            return Err(StoreError::field("ward_code", ErrorCode::WardUnknown, "unknown ward"));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let now = crate::now();
        let actor = self.officer();
        let mut tx = self.begin_checked().await?;
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = ?")
            .bind(u.username)
            .fetch_one(&mut *tx)
            .await?;
        if taken > 0 {
            return Err(StoreError::Conflict(FieldError::new(
                "username",
                ErrorCode::UsernameTaken,
                "this user name is taken",
            )));
        }
        sqlx::query("INSERT INTO users (id, username, display_name, role, ward_code, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(&id)
            .bind(u.username)
            .bind(u.display_name)
            .bind(u.role.as_str())
            .bind(u.ward_code)
            .bind(&hash)
            .bind(&now)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        let details = json!({"username": u.username, "role": u.role, "ward_code": u.ward_code});
        append(
            &mut tx,
            &AuditEvent { actor: &actor, action: "user.create", entity: Some("users"), entity_id: Some(&id), details },
        )
        .await?;
        tx.commit().await?;
        self.user(&id).await
    }

    /// Changes a user's role, ward or activity (and password); the old and new values go to the
    /// audit log. Reactivating an account needs a new password (`user.password_required`).
    /// `keyring` runs before the commit with the account as it was.
    pub async fn update_user(&self, c: &UserChange<'_>, keyring: KeyringStep<'_>) -> Result<UserView> {
        let before = self.user(c.id).await?;
        if c.active && !before.active && c.password.is_none() {
            return Err(StoreError::field(
                "password",
                ErrorCode::UserPasswordRequired,
                "a reactivated account needs a new password",
            ));
        }
        let hash = c.password.map(hash_password).transpose()?;
        let actor = self.officer();
        let mut tx = self.begin_checked().await?;
        sqlx::query("UPDATE users SET role = ?, ward_code = ?, active = ?, updated_at = ? WHERE id = ?")
            .bind(c.role.as_str())
            .bind(c.ward_code)
            .bind(i64::from(c.active))
            .bind(crate::now())
            .bind(c.id)
            .execute(&mut *tx)
            .await?;
        if let Some(hash) = &hash {
            sqlx::query("UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?")
                .bind(hash)
                .bind(c.id)
                .execute(&mut *tx)
                .await?;
        }
        let details = json!({
            "old": {"role": before.role, "ward_code": before.ward_code, "active": before.active},
            "new": {"role": c.role, "ward_code": c.ward_code, "active": c.active},
            "password_set": c.password.is_some(),
            "key": key_effect(&before, c),
        });
        append(
            &mut tx,
            &AuditEvent { actor: &actor, action: "user.update", entity: Some("users"), entity_id: Some(c.id), details },
        )
        .await?;
        keyring(&before)?;
        tx.commit().await?;
        self.user(c.id).await
    }

    /// A user changes their own password: the old one must be right (a wrong one is audited
    /// and counted like a failed sign-in). `keyring` re-wraps their identity before the commit.
    pub async fn change_password(&self, id: &str, old: &str, new: &str, keyring: KeyringStep<'_>) -> Result<()> {
        auth::check_password(new).map_err(|e| StoreError::Invalid(vec![e]))?;
        let user = self.user(id).await?;
        let hash = hash_password(new)?;
        let mut tx = self.begin_checked().await?;
        let current: String =
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = ?").bind(id).fetch_one(&mut *tx).await?;
        if !auth::verify_password(old, &current) {
            let details = json!({"username": user.username, "reason": "wrong_password"});
            append(&mut tx, &login_event(&user.username, "user.password_failed", Some(id), details)).await?;
            tx.commit().await?;
            return Err(StoreError::Access(FieldError::new(
                "old_password",
                ErrorCode::AuthBadCredentials,
                "the current password is wrong",
            )));
        }
        sqlx::query("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?")
            .bind(&hash)
            .bind(crate::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let details = json!({"username": user.username});
        append(&mut tx, &login_event(&user.username, "user.password", Some(id), details)).await?;
        keyring(&user)?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks a login. Failures are counted in the database: after `auth::FREE_ATTEMPTS` in a
    /// row the account is locked for a growing time (`auth::lockout_minutes`). Unknown names and
    /// wrong passwords give the same error. Every attempt is audited.
    pub async fn authenticate(&self, username: &str, password: &str) -> Result<UserView> {
        let now = chrono::Utc::now();
        let mut tx = self.begin_checked().await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS}, password_hash, failed_attempts FROM users WHERE username = ?"
        )))
        .bind(username)
        .fetch_optional(&mut *tx)
        .await?;
        let fail = |reason: &str| json!({"username": username, "reason": reason});
        let Some(row) = row else {
            // Same work as a real check, so timing does not tell which names exist.
            auth::verify_password(password, DUMMY_HASH);
            append(&mut tx, &login_event("-", "login.failed", None, fail("unknown_user"))).await?;
            tx.commit().await?;
            return Err(bad_credentials());
        };
        let user = view(&row);
        if let Some(until) = user.locked_until.as_deref().and_then(|u| chrono::DateTime::parse_from_rfc3339(u).ok())
            && until > now
        {
            append(&mut tx, &login_event("-", "login.failed", Some(&user.id), fail("locked"))).await?;
            tx.commit().await?;
            let local = until.with_timezone(&chrono::Local).format("%H:%M %d/%m/%Y").to_string();
            return Err(StoreError::Access(FieldError {
                code: ErrorCode::AuthLocked,
                message: format!("account locked until {local}"),
                field: None,
                row: None,
                params: [("until".to_string(), local)].into(),
            }));
        }
        if !user.active {
            append(&mut tx, &login_event("-", "login.failed", Some(&user.id), fail("inactive"))).await?;
            tx.commit().await?;
            return Err(bad_credentials());
        }
        if !auth::verify_password(password, row.get("password_hash")) {
            let failures = row.get::<i64, _>("failed_attempts") + 1;
            let locked = auth::lockout_minutes(failures)
                .map(|m| (now + chrono::Duration::minutes(m)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            sqlx::query("UPDATE users SET failed_attempts = ?, locked_until = ? WHERE id = ?")
                .bind(failures)
                .bind(&locked)
                .bind(&user.id)
                .execute(&mut *tx)
                .await?;
            let details =
                json!({"username": username, "reason": "wrong_password", "failures": failures, "locked_until": locked});
            append(&mut tx, &login_event("-", "login.failed", Some(&user.id), details)).await?;
            tx.commit().await?;
            return Err(bad_credentials());
        }
        sqlx::query("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?")
            .bind(&user.id)
            .execute(&mut *tx)
            .await?;
        append(&mut tx, &login_event(username, "login.ok", Some(&user.id), json!({}))).await?;
        tx.commit().await?;
        self.set_officer(username);
        Ok(UserView { locked_until: None, ..user })
    }

    /// The ward of a person (to confine officers to theirs).
    pub async fn ward_of_beneficiary(&self, id: &str) -> Result<String> {
        ward_of(&mut *self.reader.acquire().await?, id)
            .await?
            .ok_or_else(|| StoreError::NotFound { entity: "beneficiary", id: id.to_string() })
    }

    /// The ward of the person a payment belongs to.
    pub async fn ward_of_payment(&self, id: &str) -> Result<String> {
        sqlx::query_scalar(
            "SELECT b.ward_code FROM payments p JOIN beneficiaries b ON b.id = p.beneficiary_id WHERE p.id = ?",
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or_else(|| StoreError::NotFound { entity: "payment", id: id.to_string() })
    }
}

impl Store {
    /// The ward of the person a grievance is about.
    pub async fn ward_of_grievance(&self, id: &str) -> Result<String> {
        sqlx::query_scalar(
            "SELECT b.ward_code FROM grievances g JOIN beneficiaries b ON b.id = g.beneficiary_id WHERE g.id = ?",
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or_else(|| StoreError::NotFound { entity: "grievance", id: id.to_string() })
    }
}

fn hash_password(password: &str) -> Result<String> {
    auth::hash_password(password).map_err(|e| StoreError::Access(FieldError::new("password", e.code(), e.to_string())))
}

/// What a change does to the person's entry in the keyring (said in its audit entry).
fn key_effect(before: &UserView, c: &UserChange<'_>) -> &'static str {
    match (before.active, c.active, c.password.is_some()) {
        (true, false, _) => "removed",
        (_, true, true) => "new",
        _ => "unchanged",
    }
}

/// The audit entry of a sign-in attempt (`login.ok` / `login.failed`) about a user account.
fn login_event<'a>(
    actor: &'a str,
    action: &'a str,
    user_id: Option<&'a str>,
    details: serde_json::Value,
) -> AuditEvent<'a> {
    AuditEvent { actor, action, entity: Some("users"), entity_id: user_id, details }
}

/// The ward of a person held here, through `conn` (inside the caller's transaction), if any.
pub(crate) async fn ward_of(conn: &mut sqlx::SqliteConnection, id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT ward_code FROM beneficiaries WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}
