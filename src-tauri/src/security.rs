//! Sign-in, users, keys and the audit log (docs/IPC.md "Security"). The access rules themselves
//! live in `ansinh_api` (`require`, the session, keys) and `ansinh_core::auth` (the permission
//! table); these commands are thin adapters over them.

use crate::state::{Access, AppState, AuthStatus, IDLE_KEY, require, unauthenticated};
use ansinh_core::AppError;
use ansinh_core::ErrorCode;
use ansinh_core::auth::{self, Permission, Role};
use ansinh_core::privacy::{LegalBasis, LegalBasisRecord};
use ansinh_files::person::PersonData;
use ansinh_store::{AuditEntry, GrievanceQuery, NewUser, UserChange, UserView};
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
pub async fn setup_admin(app: tauri::AppHandle, state: State<'_, AppState>, input: SetupInput) -> Cmd<UserView> {
    let user = unauthenticated(&state).setup_admin(input.username.trim(), &input.display_name, &input.password).await?;
    daily_backup(&app);
    Ok(user)
}

#[derive(Debug, Deserialize)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

#[tauri::command]
pub async fn login(app: tauri::AppHandle, state: State<'_, AppState>, input: LoginInput) -> Cmd<UserView> {
    let user = unauthenticated(&state).login(input.username.trim(), &input.password).await?;
    daily_backup(&app);
    Ok(user)
}

/// The automatic backup after a sign-in, in the background: copying a city's database takes
/// minutes, and the officer's first screen must not wait for it. A failure is logged.
fn daily_backup(app: &tauri::AppHandle) {
    use tauri::Manager;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(e) = app.state::<AppState>().backup_if_due().await {
            eprintln!("ansinh: automatic backup failed: {e}");
        }
    });
}

#[tauri::command]
pub async fn logout(state: State<'_, AppState>) -> Cmd<()> {
    unauthenticated(&state).logout().await
}

/// The first screen found an unencrypted database: convert it (with the new administrator's
/// password, or an existing administrator's when it has users) and sign that person in.
#[tauri::command]
pub async fn convert_plaintext(app: tauri::AppHandle, state: State<'_, AppState>, input: SetupInput) -> Cmd<UserView> {
    let user =
        unauthenticated(&state).convert_plaintext(input.username.trim(), &input.display_name, &input.password).await?;
    daily_backup(&app);
    Ok(user)
}

#[derive(Debug, Deserialize)]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
}

/// Every user, their own password (the old one is checked); audited.
#[tauri::command]
pub async fn change_password(state: State<'_, AppState>, input: PasswordChange) -> Cmd<()> {
    let a = require(&state, Permission::Signed)?;
    state.change_password(&a, &input.old_password, &input.new_password).await
}

/// A new database key, sealed for every active user (after someone leaves); audited.
#[tauri::command]
pub async fn rekey_database(state: State<'_, AppState>) -> Cmd<ansinh_api::RekeyReport> {
    let a = require(&state, Permission::Administer)?;
    state.rekey(a).await
}

/// A user as the users page lists them: with whether the keyring holds a key for them.
#[derive(Debug, Serialize)]
pub struct UserRow {
    #[serde(flatten)]
    pub user: UserView,
    pub has_key: bool,
}

#[tauri::command]
pub async fn list_users(state: State<'_, AppState>) -> Cmd<Vec<UserRow>> {
    let a = require(&state, Permission::Administer)?;
    let holders = state.key_holders()?;
    let users = a.store.list_users().await?;
    Ok(users.into_iter().map(|u| UserRow { has_key: holders.contains(&u.username), user: u }).collect())
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
    /// A new password (required to reactivate an account).
    #[serde(default)]
    pub password: Option<String>,
}

/// Role, ward, activity or password of a user (audited with old and new values); deactivating
/// removes their key, reactivating needs a new password.
#[tauri::command]
pub async fn update_user(state: State<'_, AppState>, input: UserChangeInput) -> Cmd<UserView> {
    let a = require(&state, Permission::Administer)?;
    let role = Role::parse(&input.role)?;
    let ward = input.ward_code.as_deref().map(str::trim).filter(|w| !w.is_empty());
    let ward = if role == Role::Officer { ward } else { None };
    let password = input.password.as_deref().filter(|p| !p.is_empty());
    state.update_user(&a, &UserChange { id: &input.id, role, ward_code: ward, active: input.active, password }).await
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
        return Err(AppError::field("minutes", ErrorCode::NumberInvalid, "1 to 240 minutes"));
    }
    Ok(a.store.set_setting(IDLE_KEY, &minutes.to_string()).await?)
}

// ---------- data-subject rights ----------

/// An account's full number (lists and the person's page show it masked); audited.
#[tauri::command]
pub async fn reveal_account_number(state: State<'_, AppState>, id: String) -> Cmd<String> {
    let a = require(&state, Permission::ReadPeople)?;
    a.check_person(&a.store.beneficiary_of_account(&id).await?).await?;
    Ok(a.store.reveal_account_number(&id).await?)
}

#[tauri::command]
pub async fn get_legal_basis(state: State<'_, AppState>, id: String) -> Cmd<Option<LegalBasisRecord>> {
    let a = require(&state, Permission::ReadPeople)?;
    a.check_person(&id).await?;
    Ok(a.store.legal_basis(&id).await?)
}

#[derive(Debug, Deserialize)]
pub struct LegalBasisInput {
    pub beneficiary_id: String,
    pub basis: String,
    #[serde(default)]
    pub note: String,
}

#[tauri::command]
pub async fn set_legal_basis(state: State<'_, AppState>, input: LegalBasisInput) -> Cmd<LegalBasisRecord> {
    let a = require(&state, Permission::WritePeople)?;
    a.check_person(&input.beneficiary_id).await?;
    let basis = LegalBasis::parse(&input.basis)?;
    if basis == LegalBasis::Consent && input.note.trim().is_empty() {
        return Err(AppError::field("note", ErrorCode::Required, "say who consented and how (form number)"));
    }
    Ok(a.store.set_legal_basis(&input.beneficiary_id, basis, &input.note).await?)
}

/// Everything held about one person as one XLSX workbook in the export folder; audited.
#[tauri::command]
pub async fn export_person(state: State<'_, AppState>, id: String) -> Cmd<crate::followup::ExportResult> {
    let a = require(&state, Permission::ReadPeople)?;
    a.check_person(&id).await?;
    let data = PersonData {
        detail: a.store.beneficiary_detail(&id).await?,
        legal_basis: a.store.legal_basis(&id).await?,
        contacts: a.store.contacts_of(&id).await?,
        grievances: a
            .store
            .grievances(
                &GrievanceQuery { status: None, overdue: false, beneficiary_id: Some(id.clone()) },
                chrono::Local::now().date_naive(),
            )
            .await?,
        audit: a.store.audit_about(&id).await?,
    };
    let path = ansinh_files::person::export_person(&data)?;
    let details = serde_json::json!({"what": "person", "people": [id], "file": path.display().to_string()});
    a.store.audit("export", Some("beneficiaries"), Some(&id), details).await?;
    let rows =
        1 + data.detail.accounts.len() + data.detail.payments.len() + data.contacts.len() + data.grievances.len();
    Ok(crate::followup::ExportResult { path: path.display().to_string(), rows })
}

// ---------- backups ----------

#[tauri::command]
pub async fn backup_now(state: State<'_, AppState>) -> Cmd<ansinh_store::BackupInfo> {
    let a = require(&state, Permission::Administer)?;
    state.backup_now(&a).await
}

#[derive(Debug, Serialize)]
pub struct BackupList {
    pub dir: String,
    pub backups: Vec<ansinh_store::BackupInfo>,
}

#[tauri::command]
pub async fn list_backups(state: State<'_, AppState>) -> Cmd<BackupList> {
    require(&state, Permission::Administer)?;
    let backups = ansinh_store::list_backups(&state.backup_dir)?;
    Ok(BackupList { dir: state.backup_dir.display().to_string(), backups })
}

/// Restores one of the listed backups (a path from `list_backups`); everyone is signed out.
#[tauri::command]
pub async fn restore_backup(state: State<'_, AppState>, path: String) -> Cmd<()> {
    let a = require(&state, Permission::Administer)?;
    let listed = ansinh_store::list_backups(&state.backup_dir)?.iter().any(|b| b.path == path);
    if !listed {
        return Err(AppError::field("path", ErrorCode::BackupUnknown, "not one of the listed backups"));
    }
    state.restore_backup(a, std::path::Path::new(&path)).await
}
