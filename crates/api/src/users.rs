//! Users and passwords, with their entries in the keyring: a new user gets an identity holding
//! the database key; deactivating removes it (their password no longer opens the file);
//! reactivating needs a new password set by an administrator; a password change re-wraps only
//! the person's own identity. The database change and its audit entry commit only if the
//! keyring step succeeded.

use crate::Cmd;
use crate::access::{Access, forbidden};
use crate::state::AppState;
use ansinh_core::AppError;
use ansinh_core::ErrorCode;
use ansinh_core::auth::{self, Role, denied};
use ansinh_store::{Keyring, NewUser, UserChange, UserView};

/// A database without a keyring (a scratch database) has no user accounts.
fn scratch() -> AppError {
    denied(
        ErrorCode::KeyPlaintext,
        "this database is not encrypted: users can only be added once it is (ansinh encrypt --user NAME)",
    )
}

impl AppState {
    fn keyring(&self) -> Cmd<Keyring> {
        Keyring::load(&self.db_path)?.ok_or_else(scratch)
    }

    /// The users who hold a key in the keyring (the others cannot sign in until an
    /// administrator sets them a new password).
    pub fn key_holders(&self) -> Cmd<Vec<String>> {
        Ok(Keyring::load(&self.db_path)?.map(|r| r.usernames()).unwrap_or_default())
    }

    /// A new user: the account in the database, then their identity in the keyring.
    pub async fn add_user(&self, access: &Access, u: &NewUser<'_>) -> Cmd<UserView> {
        let mut ring = self.keyring()?;
        let key = self.session_key()?;
        let created = access.store.create_user(u).await?;
        ring.put(u.username, u.password, &key)?;
        Ok(created)
    }

    /// Role, ward, activity (and a new password) of a user, by an administrator. Nobody removes
    /// their own administrator role or deactivates themselves.
    pub async fn update_user(&self, access: &Access, c: &UserChange<'_>) -> Cmd<UserView> {
        if c.role == Role::Officer && c.ward_code.is_none_or(|w| w.trim().is_empty()) {
            return Err(AppError::field("ward_code", ErrorCode::Required, "an officer needs a ward"));
        }
        if c.id == access.user.id && (c.role != Role::Admin || !c.active) {
            return Err(AppError::field(
                "role",
                ErrorCode::UserSelfDemote,
                "you cannot remove your own administrator role",
            ));
        }
        if let Some(p) = c.password {
            auth::check_password(p).map_err(|e| AppError::Validation(vec![e]))?;
        }
        let mut ring = self.keyring()?;
        let key = self.session_key()?;
        let (active, password) = (c.active, c.password);
        let step = Box::new(move |before: &UserView| -> ansinh_store::Result<()> {
            if before.active && !active {
                ring.remove(&before.username)
            } else if let (true, Some(p)) = (active, password) {
                ring.put(&before.username, p, &key).map(drop)
            } else {
                Ok(())
            }
        });
        Ok(access.store.update_user(c, step).await?)
    }

    /// The signed-in person's own password: the old one must be right; their identity is
    /// re-wrapped with the new one (the database key it holds is unchanged).
    pub async fn change_password(&self, access: &Access, old: &str, new: &str) -> Cmd<()> {
        if self.is_local() {
            return Err(forbidden());
        }
        auth::check_password(new).map_err(|e| AppError::Validation(vec![e]))?;
        let mut ring = self.keyring()?;
        let (username, old_pw, new_pw) = (access.user.username.clone(), old.to_string(), new.to_string());
        let step = Box::new(move |_: &UserView| ring.change_password(&username, &old_pw, &new_pw));
        Ok(access.store.change_password(&access.user.id, old, new, step).await?)
    }
}
