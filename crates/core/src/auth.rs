//! Officers, roles and what each role may do (issue 6). Pure rules: the password hash
//! (Argon2id with OWASP's parameters), the login back-off, the permission table. The store keeps
//! the accounts; the app checks a [`Permission`] at the top of every command.

use crate::ErrorCode;
use crate::error::{AppError, FieldError};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};

/// A local account's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads and writes the people of one ward only.
    Officer,
    /// Reads every ward, runs reports and exports; writes nothing.
    Supervisor,
    /// Everything, plus users, units, levels, imports, demo data and backups.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Role, FieldError> {
        match s {
            "officer" => Ok(Role::Officer),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            _ => Err(FieldError::new("role", ErrorCode::RoleInvalid, "role must be officer, supervisor or admin")),
        }
    }

    /// The permission table: the one place that says who may do what.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Supervisor => matches!(p, Signed | ReadPeople | Figures | Reports),
            Role::Officer => matches!(p, Signed | ReadPeople | WritePeople | Figures),
        }
    }

    /// Officers are confined to their ward; the others see every ward.
    pub fn ward_bound(self) -> bool {
        self == Role::Officer
    }
}

/// What a command needs. Ward confinement (officers) is checked on top of this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Any signed-in user (reference data, drafts, language).
    Signed,
    /// Search and read people (officers: own ward only).
    ReadPeople,
    /// Register and correct people, accounts, payments, contacts (officers: own ward only).
    WritePeople,
    /// The indicators, their charts and the monthly report (officers: their own ward's only).
    Figures,
    /// City-wide lists, reports and exports of many people.
    Reports,
    /// Users, units, imports, reconciliation, demo data, backups, audit log.
    Administer,
}

/// Minimum password length (NIST SP 800-63B: at least 8; we ask for 10 on shared office PCs).
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Failed logins allowed before the account is locked for a while.
pub const FREE_ATTEMPTS: i64 = 5;

/// Default minutes of inactivity before the app locks (setting `idle_lock_minutes`).
pub const DEFAULT_IDLE_MINUTES: i64 = 10;

/// Argon2id with OWASP's first recommended configuration (m = 19 MiB, t = 2, p = 1).
fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(19 * 1024, 2, 1, Some(32)).expect("valid params"))
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) for a new password.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Storage(format!("password hashing failed: {e}")))
}

/// Does `password` match the stored PHC string? (Parameters are read from the string.)
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// Derives a 32-byte key-encryption key from a password and a 16-byte salt (Argon2id, same
/// parameters): it wraps the database key, see docs/SECURITY.md.
pub fn derive_key(password: &str, salt: &[u8]) -> Result<[u8; 32], AppError> {
    let mut out = [0u8; 32];
    argon2()
        .hash_password_into(password.as_bytes(), salt, &mut out)
        .map_err(|e| AppError::Storage(format!("key derivation failed: {e}")))?;
    Ok(out)
}

/// How long an account stays locked after `failures` consecutive failed logins: nothing for the
/// first [`FREE_ATTEMPTS`], then 1, 2, 4 … minutes, at most one hour.
pub fn lockout_minutes(failures: i64) -> Option<i64> {
    if failures < FREE_ATTEMPTS {
        return None;
    }
    let step = (failures - FREE_ATTEMPTS).min(6) as u32;
    Some((1i64 << step).min(60))
}

/// Checks a new account's fields; every problem at once.
pub fn validate_new_user(username: &str, password: &str, role: &str, ward: Option<&str>) -> Result<Role, AppError> {
    let mut errs = Vec::new();
    let name_ok = (3..=32).contains(&username.chars().count())
        && username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !name_ok {
        errs.push(FieldError::new("username", ErrorCode::UsernameInvalid, "3 to 32 letters, digits, '.', '_' or '-'"));
    }
    if let Err(e) = check_password(password) {
        errs.push(e);
    }
    let role = Role::parse(role).map_err(|e| errs.push(e)).ok();
    if role == Some(Role::Officer) && ward.is_none_or(|w| w.trim().is_empty()) {
        errs.push(FieldError::new("ward_code", ErrorCode::Required, "an officer needs a ward"));
    }
    match role {
        Some(r) if errs.is_empty() => Ok(r),
        _ => Err(AppError::Validation(errs)),
    }
}

pub fn check_password(password: &str) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(FieldError::new("password", ErrorCode::PasswordTooShort, "password too short")
            .param("min", MIN_PASSWORD_CHARS));
    }
    Ok(())
}

/// Access errors (serialised like the others: `{code, message, params?}`).
pub fn denied(code: ErrorCode, message: &str) -> AppError {
    AppError::Access(FieldError { code, message: message.into(), field: None, row: None, params: Default::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_argon2id_with_owasp_parameters_and_verifies() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn derived_keys_depend_on_password_and_salt() {
        let a = derive_key("mật khẩu dài", b"0123456789abcdef").unwrap();
        assert_eq!(a, derive_key("mật khẩu dài", b"0123456789abcdef").unwrap());
        assert_ne!(a, derive_key("mật khẩu dài", b"0123456789abcdeX").unwrap());
        assert_ne!(a, derive_key("mật khẩu dàI", b"0123456789abcdef").unwrap());
    }

    #[test]
    fn lockout_grows_after_free_attempts_and_is_capped() {
        assert_eq!(lockout_minutes(4), None);
        assert_eq!(lockout_minutes(5), Some(1));
        assert_eq!(lockout_minutes(6), Some(2));
        assert_eq!(lockout_minutes(8), Some(8));
        assert_eq!(lockout_minutes(100), Some(60));
    }

    #[test]
    fn permission_table() {
        assert!(Role::Officer.allows(Permission::WritePeople));
        assert!(!Role::Officer.allows(Permission::Reports));
        assert!(Role::Officer.allows(Permission::Figures) && Role::Supervisor.allows(Permission::Figures));
        assert!(!Role::Officer.allows(Permission::Administer));
        assert!(Role::Supervisor.allows(Permission::Reports));
        assert!(!Role::Supervisor.allows(Permission::WritePeople));
        assert!(!Role::Supervisor.allows(Permission::Administer));
        assert!(Role::Admin.allows(Permission::Administer));
        assert!(Role::Officer.ward_bound() && !Role::Supervisor.ward_bound());
    }

    #[test]
    fn new_user_checks_every_field() {
        let e = validate_new_user("a", "short", "boss", None).unwrap_err();
        let AppError::Validation(errs) = e else { panic!() };
        let codes: Vec<_> = errs.iter().map(|e| e.code).collect();
        assert_eq!(codes, [ErrorCode::UsernameInvalid, ErrorCode::PasswordTooShort, ErrorCode::RoleInvalid]);
        let e = validate_new_user("lan.nguyen", "0123456789", "officer", None).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Required);
        assert_eq!(validate_new_user("lan.nguyen", "0123456789", "officer", Some("00001")).unwrap(), Role::Officer);
    }
}
