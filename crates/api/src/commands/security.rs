//! Sign-in, users, keys and the audit log (docs/IPC.md "Security"). The access rules themselves
//! live in `ansinh_api` (`require`, the session, keys) and `ansinh_core::auth` (the permission
//! table); these commands are thin adapters over them.

use crate::command::commands;
use crate::{AppState, AuthStatus, IDLE_KEY};
use ansinh_core::AppError;
use ansinh_core::ErrorCode;
use ansinh_core::auth::{self, Role};
use ansinh_core::privacy::{LegalBasis, LegalBasisRecord};
use ansinh_files::person::PersonData;
use ansinh_store::{AuditEntry, GrievanceQuery, NewUser, UserChange, UserView};
use serde::{Deserialize, Serialize};

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct SetupInput {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub password: String,
}

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

/// The automatic backup after a sign-in, in the background: copying a city's database takes
/// minutes, and the officer's first screen must not wait for it. A failure is logged.
fn daily_backup(state: AppState) {
    tokio::spawn(async move {
        if let Err(e) = state.backup_if_due().await {
            eprintln!("ansinh: automatic backup failed: {e}");
        }
    });
}

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
}

/// A user as the users page lists them: with whether the keyring holds a key for them.
#[derive(ts_rs::TS, Debug, Serialize)]
pub struct UserRow {
    #[serde(flatten)]
    pub user: UserView,
    pub has_key: bool,
}

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct UserInput {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub password: String,
    pub role: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub ward_code: Option<String>,
}

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct UserChangeInput {
    pub id: String,
    pub role: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub ward_code: Option<String>,
    pub active: bool,
    /// A new password (required to reactivate an account).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub password: Option<String>,
}

#[derive(ts_rs::TS, Debug, Default, Deserialize)]
#[ts(optional_fields = nullable)]
#[serde(default)]
pub struct AuditQuery {
    pub limit: Option<i64>,
    pub offset: i64,
}

#[derive(ts_rs::TS, Debug, Serialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// The first entry whose chain does not verify (edited, deleted or reordered), if any.
    pub broken_at: Option<i64>,
}

// ---------- data-subject rights ----------

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct LegalBasisInput {
    pub beneficiary_id: String,
    pub basis: String,
    #[serde(default)]
    pub note: String,
}

// ---------- backups ----------

#[derive(ts_rs::TS, Debug, Serialize)]
pub struct BackupList {
    pub dir: String,
    pub backups: Vec<ansinh_store::BackupInfo>,
}

commands! {
    pub async fn auth_status(state: Open) -> AuthStatus {
        state.status().await
    }

    /// The step of the upgrade a sign-in is running on an older database (none otherwise): the
    /// sign-in screen asks while it waits. Says nothing about the data.
    pub async fn upgrade_progress(state: Open) -> Option<ansinh_store::UpgradeProgress> {
        Ok(state.upgrading.get())
    }

    /// First run only: the administrator, the encrypted database and its keyring.
    pub async fn setup_admin(state: Open, input: SetupInput) -> UserView {
        let user = state.setup_admin(input.username.trim(), &input.display_name, &input.password).await?;
        daily_backup(state);
        Ok(user)
    }

    pub async fn login(state: Open, input: LoginInput) -> UserView {
        let user = state.login(input.username.trim(), &input.password).await?;
        daily_backup(state);
        Ok(user)
    }

    pub async fn logout(state: Open) -> () {
        state.logout().await
    }

    /// The first screen found an unencrypted database: convert it (with the new administrator's
    /// password, or an existing administrator's when it has users) and sign that person in.
    pub async fn convert_plaintext(state: Open, input: SetupInput) -> UserView {
        let user =
            state.convert_plaintext(input.username.trim(), &input.display_name, &input.password).await?;
        daily_backup(state);
        Ok(user)
    }

    /// Every user, their own password (the old one is checked); audited.
    pub async fn change_password(a: Signed, input: PasswordChange) -> () {
        a.state.clone().change_password(&a, &input.old_password, &input.new_password).await
    }

    /// A new database key, sealed for every active user (after someone leaves); audited.
    pub async fn rekey_database(a: Administer) -> crate::RekeyReport {
        a.state.clone().rekey(a).await
    }

    pub async fn list_users(a: Administer) -> Vec<UserRow> {
        let holders = a.state.key_holders()?;
        let users = a.store.list_users().await?;
        Ok(users.into_iter().map(|u| UserRow { has_key: holders.contains(&u.username), user: u }).collect())
    }

    pub async fn create_user(a: Administer, input: UserInput) -> UserView {
        let ward = input.ward_code.as_deref().map(str::trim).filter(|w| !w.is_empty());
        let role = auth::validate_new_user(input.username.trim(), &input.password, &input.role, ward)?;
        let username = input.username.trim();
        let display = if input.display_name.trim().is_empty() { username } else { input.display_name.trim() };
        let ward = if role == Role::Officer { ward } else { None };
        a.state
            .add_user(&a, &NewUser { username, display_name: display, role, ward_code: ward, password: &input.password })
            .await
    }

    /// Role, ward, activity or password of a user (audited with old and new values); deactivating
    /// removes their key, reactivating needs a new password.
    pub async fn update_user(a: Administer, input: UserChangeInput) -> UserView {
        let role = Role::parse(&input.role)?;
        let ward = input.ward_code.as_deref().map(str::trim).filter(|w| !w.is_empty());
        let ward = if role == Role::Officer { ward } else { None };
        let password = input.password.as_deref().filter(|p| !p.is_empty());
        a.state.update_user(&a, &UserChange { id: &input.id, role, ward_code: ward, active: input.active, password }).await
    }

    pub async fn audit_log(a: Administer, query: AuditQuery) -> AuditPage {
        let entries = a.store.audit_entries(query.limit.unwrap_or(200), query.offset).await?;
        Ok(AuditPage { entries, broken_at: a.store.verify_audit().await? })
    }

    /// The whole audit log, oldest first, as one XLSX workbook in the export folder (for an
    /// inspector: the page shows the newest 200); the export itself is audited.
    pub async fn export_audit_log(a: Administer) -> crate::commands::indicators::SavedFile {
        use ansinh_files::xlsx::{Cell, Sheet, export_dir, write_xlsx};
        let mut entries = Vec::new();
        loop {
            let page = a.store.audit_entries(1000, entries.len() as i64).await?;
            if page.is_empty() {
                break;
            }
            entries.extend(page);
        }
        entries.reverse();
        let headers = ["#", "Thời điểm", "Người", "Hành động", "Đối tượng", "Mã", "Chi tiết", "Hash"];
        let rows = entries
            .iter()
            .map(|e| {
                let details = e.details.to_string();
                vec![Cell::from(e.seq), e.at.as_str().into(), e.actor.as_str().into(), e.action.as_str().into(),
                    e.entity.clone().into(), e.entity_id.clone().into(), details.into(), e.hash.as_str().into()]
            })
            .collect();
        let sheet = Sheet { name: "Nhật ký".into(), headers: headers.map(String::from).to_vec(), rows };
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let path = export_dir()?.join(format!("nhat-ky-kiem-toan-{stamp}.xlsx"));
        write_xlsx(&path, &[sheet])?;
        let details = serde_json::json!({"what": "audit_log", "rows": entries.len(), "file": path.display().to_string()});
        a.store.audit("export", Some("audit_log"), None, details).await?;
        Ok(crate::commands::indicators::SavedFile { path: path.display().to_string() })
    }

    /// Minutes without activity before the app locks (1-240).
    pub async fn set_idle_minutes(a: Administer, minutes: i64) -> () {
        if !(1..=240).contains(&minutes) {
            return Err(AppError::field("minutes", ErrorCode::NumberInvalid, "1 to 240 minutes"));
        }
        Ok(a.store.set_setting(IDLE_KEY, &minutes.to_string()).await?)
    }

    /// An account's full number (lists and the person's page show it masked); audited.
    pub async fn reveal_account_number(a: ReadPeople, id: String) -> String {
        a.check_person(&a.store.beneficiary_of_account(&id).await?).await?;
        Ok(a.store.reveal_account_number(&id).await?)
    }

    pub async fn get_legal_basis(a: ReadPeople, id: String) -> Option<LegalBasisRecord> {
        a.check_person(&id).await?;
        Ok(a.store.legal_basis(&id).await?)
    }

    pub async fn set_legal_basis(a: WritePeople, input: LegalBasisInput) -> LegalBasisRecord {
        a.check_person(&input.beneficiary_id).await?;
        let basis = LegalBasis::parse(&input.basis)?;
        if basis == LegalBasis::Consent && input.note.trim().is_empty() {
            return Err(AppError::field("note", ErrorCode::Required, "say who consented and how (form number)"));
        }
        Ok(a.store.set_legal_basis(&input.beneficiary_id, basis, &input.note).await?)
    }

    /// Everything held about one person as one XLSX workbook in the export folder; audited.
    pub async fn export_person(a: ReadPeople, id: String) -> crate::commands::followup::ExportResult {
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
        Ok(crate::commands::followup::ExportResult { path: path.display().to_string(), rows })
    }

    pub async fn backup_now(a: Administer) -> ansinh_store::BackupInfo {
        a.state.backup_now(&a).await
    }

    pub async fn list_backups(a: Administer) -> BackupList {
        let backups = ansinh_store::list_backups(&a.state.backup_dir)?;
        Ok(BackupList { dir: a.state.backup_dir.display().to_string(), backups })
    }

    /// Restores one of the listed backups (a path from `list_backups`); everyone is signed out.
    pub async fn restore_backup(a: Administer, path: String) -> () {
        let listed = ansinh_store::list_backups(&a.state.backup_dir)?.iter().any(|b| b.path == path);
        if !listed {
            return Err(AppError::field("path", ErrorCode::BackupUnknown, "not one of the listed backups"));
        }
        a.state.clone().restore_backup(a, std::path::Path::new(&path)).await
    }
}
