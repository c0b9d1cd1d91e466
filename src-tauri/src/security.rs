//! Sign-in, users and the audit log (docs/IPC.md "Security"). The access rules themselves live in
//! `state.rs` (`require`) and `ansinh_core::auth` (the permission table).

use crate::state::{Access, AppState, AuthStatus, IDLE_KEY, require, unauthenticated};
use ansinh_core::AppError;
use ansinh_core::auth::{self, Permission, Role};
use ansinh_store::{AuditEntry, NewUser, UserChange, UserView};
use serde::{Deserialize, Serialize};
use tauri::State;

type Cmd<T> = Result<T, AppError>;

#[tauri::command]
pub async fn auth_status(state: State<'_, AppState>) -> Cmd<AuthStatus> {
    unauthenticated(&state).status().await
}

#[derive(Debug, Deserialize)]
pub struct SetupInput {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub password: String,
}

/// First run only: the administrator, the encrypted database and its keyring.
#[tauri::command]
pub async fn setup_admin(state: State<'_, AppState>, input: SetupInput) -> Cmd<UserView> {
    unauthenticated(&state).setup_admin(input.username.trim(), &input.display_name, &input.password).await
}

#[derive(Debug, Deserialize)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

#[tauri::command]
pub async fn login(state: State<'_, AppState>, input: LoginInput) -> Cmd<UserView> {
    unauthenticated(&state).login(input.username.trim(), &input.password).await
}

#[tauri::command]
pub async fn logout(state: State<'_, AppState>) -> Cmd<()> {
    unauthenticated(&state).logout().await
}

#[tauri::command]
pub async fn list_users(state: State<'_, AppState>) -> Cmd<Vec<UserView>> {
    let a = require(&state, Permission::Administer)?;
    Ok(a.store.list_users().await?)
}

#[derive(Debug, Deserialize)]
pub struct UserInput {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub password: String,
    pub role: String,
    #[serde(default)]
    pub ward_code: Option<String>,
}

#[tauri::command]
pub async fn create_user(state: State<'_, AppState>, input: UserInput) -> Cmd<UserView> {
    let a: Access = require(&state, Permission::Administer)?;
    let ward = input.ward_code.as_deref().map(str::trim).filter(|w| !w.is_empty());
    let role = auth::validate_new_user(input.username.trim(), &input.password, &input.role, ward)?;
    let username = input.username.trim();
    let display = if input.display_name.trim().is_empty() { username } else { input.display_name.trim() };
    let ward = if role == Role::Officer { ward } else { None };
    state
        .add_user(&a, &NewUser { username, display_name: display, role, ward_code: ward, password: &input.password })
        .await
}

#[derive(Debug, Deserialize)]
pub struct UserChangeInput {
    pub id: String,
    pub role: String,
    #[serde(default)]
    pub ward_code: Option<String>,
    pub active: bool,
}

/// Role, ward or activity of a user (audited with old and new values).
#[tauri::command]
pub async fn update_user(state: State<'_, AppState>, input: UserChangeInput) -> Cmd<UserView> {
    let a = require(&state, Permission::Administer)?;
    let role = Role::parse(&input.role)?;
    let ward = input.ward_code.as_deref().map(str::trim).filter(|w| !w.is_empty());
    if role == Role::Officer && ward.is_none() {
        return Err(AppError::field("ward_code", "required", "an officer needs a ward"));
    }
    if input.id == a.user.id && (role != Role::Admin || !input.active) {
        return Err(AppError::field("role", "user.self_demote", "you cannot remove your own administrator role"));
    }
    let ward = if role == Role::Officer { ward } else { None };
    Ok(a.store.update_user(&UserChange { id: &input.id, role, ward_code: ward, active: input.active }).await?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    pub limit: Option<i64>,
    pub offset: i64,
}

#[derive(Debug, Serialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// The first entry whose chain does not verify (edited, deleted or reordered), if any.
    pub broken_at: Option<i64>,
}

#[tauri::command]
pub async fn audit_log(state: State<'_, AppState>, query: AuditQuery) -> Cmd<AuditPage> {
    let a = require(&state, Permission::Administer)?;
    let entries = a.store.audit_entries(query.limit.unwrap_or(200), query.offset).await?;
    Ok(AuditPage { entries, broken_at: a.store.verify_audit().await? })
}

/// Minutes without activity before the app locks (1-240).
#[tauri::command]
pub async fn set_idle_minutes(state: State<'_, AppState>, minutes: i64) -> Cmd<()> {
    let a = require(&state, Permission::Administer)?;
    if !(1..=240).contains(&minutes) {
        return Err(AppError::field("minutes", "number.invalid", "1 to 240 minutes"));
    }
    Ok(a.store.set_setting(IDLE_KEY, &minutes.to_string()).await?)
}
