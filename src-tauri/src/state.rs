//! What the app keeps for its lifetime: the database path, the store once unlocked, and the
//! signed-in user's session. Every command starts with [`require`] (or [`unauthenticated`] for
//! the few that run before sign-in): the role check is server-side, in Rust, never only in the UI.
//! A test (`tests::every_command_checks_access`) fails when a command skips it.

use ansinh_core::AppError;
use ansinh_core::auth::{self, Permission, Role, denied};
use ansinh_store::{DbKey, Keyring, NewUser, Store, UserView};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Cmd<T> = Result<T, AppError>;

/// Setting: minutes without activity before the session locks.
pub const IDLE_KEY: &str = "idle_lock_minutes";

/// Everything the commands share.
pub struct AppState {
    pub db_path: PathBuf,
    /// Rolling backups (outside the app's data folder, see docs/SECURITY.md).
    pub backup_dir: PathBuf,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    store: Option<Arc<Store>>,
    /// The database key while the app runs (to wrap it for new users); zeroed when dropped.
    key: Option<DbKey>,
    session: Option<Session>,
    /// Failed unlocks before the database is open (then the database counts them).
    cold_failures: HashMap<String, (i64, Option<Instant>)>,
}

struct Session {
    user: UserView,
    last_seen: Instant,
    idle: Duration,
}

/// What a command may use once its permission is checked.
pub struct Access {
    pub store: Arc<Store>,
    pub user: UserView,
}

impl Access {
    /// `Some(ward)` for an officer (confined to it), `None` for every ward.
    pub fn ward_scope(&self) -> Option<&str> {
        if self.user.role.ward_bound() { self.user.ward_code.as_deref() } else { None }
    }

    /// The ward filter a list query may use: an officer's own ward whatever was asked (asking
    /// for another ward is refused), the asked one for the others.
    pub fn scoped_ward<'a>(&'a self, asked: Option<&'a str>) -> Cmd<Option<&'a str>> {
        let asked = asked.filter(|w| !w.is_empty());
        match (self.ward_scope(), asked) {
            (Some(own), Some(w)) if w != own => Err(forbidden()),
            (Some(own), _) => Ok(Some(own)),
            (None, a) => Ok(a),
        }
    }

    pub fn check_ward(&self, ward: &str) -> Cmd<()> {
        match self.ward_scope() {
            Some(own) if own != ward => Err(forbidden()),
            _ => Ok(()),
        }
    }

    /// Officers may only touch people of their ward.
    pub async fn check_person(&self, beneficiary_id: &str) -> Cmd<()> {
        if self.ward_scope().is_some() {
            self.check_ward(&self.store.ward_of_beneficiary(beneficiary_id).await?)?;
        }
        Ok(())
    }

    pub async fn check_payment(&self, payment_id: &str) -> Cmd<()> {
        if self.ward_scope().is_some() {
            self.check_ward(&self.store.ward_of_payment(payment_id).await?)?;
        }
        Ok(())
    }

    pub async fn check_grievance(&self, grievance_id: &str) -> Cmd<()> {
        if self.ward_scope().is_some() {
            self.check_ward(&self.store.ward_of_grievance(grievance_id).await?)?;
        }
        Ok(())
    }
}

pub fn forbidden() -> AppError {
    denied("auth.forbidden", "your role does not allow this")
}

/// The gate at the top of every command: a signed-in, not idle-locked user whose role has `p`.
pub fn require(state: &AppState, p: Permission) -> Cmd<Access> {
    let mut inner = state.inner.lock().expect("state lock");
    let Some(session) = inner.session.as_mut() else {
        return Err(denied("auth.required", "sign in first"));
    };
    if session.last_seen.elapsed() > session.idle {
        inner.session = None;
        return Err(denied("auth.idle_locked", "locked after inactivity: sign in again"));
    }
    if !session.user.role.allows(p) {
        return Err(forbidden());
    }
    session.last_seen = Instant::now();
    let user = session.user.clone();
    let store = inner.store.clone().ok_or_else(|| denied("auth.required", "sign in first"))?;
    Ok(Access { store, user })
}

/// Marks a command that runs before anyone signs in (status, set-up, login, logout); it gets
/// the state and nothing else. The access test accepts it in place of [`require`].
pub fn unauthenticated(state: &AppState) -> &AppState {
    state
}

/// Closes a store once the commands still running (holding clones) are done, waiting briefly.
async fn close_store(mut store: Arc<Store>) {
    for _ in 0..100 {
        match Arc::try_unwrap(store) {
            Ok(s) => return s.close().await,
            Err(back) => {
                store = back;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// Before sign-in: does the app need its first administrator, who is signed in?
#[derive(Debug, serde::Serialize)]
pub struct AuthStatus {
    pub needs_setup: bool,
    pub user: Option<UserView>,
    pub idle_minutes: i64,
}

impl AppState {
    pub fn new(db_path: PathBuf) -> AppState {
        Self::with_backup_dir(db_path, ansinh_store::default_backup_dir())
    }

    pub fn with_backup_dir(db_path: PathBuf, backup_dir: PathBuf) -> AppState {
        AppState { db_path, backup_dir, inner: Mutex::new(Inner::default()) }
    }

    /// Closes the database (at exit): SQLCipher's connections must be closed before the process
    /// ends, or OpenSSL's exit handlers can race their worker threads.
    pub async fn close(&self) {
        let store = {
            let mut inner = self.inner.lock().expect("state lock");
            inner.session = None;
            inner.store.take()
        };
        if let Some(store) = store {
            close_store(store).await;
        }
    }

    fn key(&self) -> Option<DbKey> {
        self.inner.lock().expect("state lock").key.clone()
    }

    /// A verified backup now (administrators, or automatically once a day).
    pub async fn backup_now(&self, access: &Access) -> Cmd<ansinh_store::BackupInfo> {
        Ok(access.store.backup_to(&self.backup_dir, self.key().as_ref()).await?)
    }

    /// The automatic daily backup, taken after a sign-in when the newest is a day old or more.
    pub async fn backup_if_due(&self) -> Cmd<Option<ansinh_store::BackupInfo>> {
        let Some(store) = self.store() else { return Ok(None) };
        let newest = ansinh_store::list_backups(&self.backup_dir)?.into_iter().next();
        let due = newest.is_none_or(|b| {
            chrono::DateTime::parse_from_rfc3339(&b.taken_at)
                .map(|t| chrono::Utc::now().signed_duration_since(t) >= chrono::Duration::hours(24))
                .unwrap_or(true)
        });
        if !due {
            return Ok(None);
        }
        Ok(Some(store.backup_to(&self.backup_dir, self.key().as_ref()).await?))
    }

    /// Replaces the database with a backup: closes the store, restores (verified first), and
    /// signs everyone out; the next sign-in opens the restored file with its keyring.
    pub async fn restore_backup(&self, file: &std::path::Path) -> Cmd<()> {
        let (store, key) = {
            let mut inner = self.inner.lock().expect("state lock");
            inner.session = None;
            (inner.store.take(), inner.key.take())
        };
        if let Some(store) = store {
            close_store(store).await;
        }
        ansinh_store::backup::restore(file, &self.db_path, key.as_ref()).await?;
        Ok(())
    }

    fn store(&self) -> Option<Arc<Store>> {
        self.inner.lock().expect("state lock").store.clone()
    }

    fn keyring(&self) -> Cmd<Option<Keyring>> {
        Ok(Keyring::load(&self.db_path)?)
    }

    pub async fn status(&self) -> Cmd<AuthStatus> {
        let (user, idle) = {
            let inner = self.inner.lock().expect("state lock");
            let s = inner.session.as_ref().filter(|s| s.last_seen.elapsed() <= s.idle);
            (s.map(|s| s.user.clone()), s.map(|s| s.idle.as_secs() as i64 / 60))
        };
        let needs_setup = match (self.keyring()?, self.store()) {
            (None, None) => !self.db_path.exists() || self.plain_store().await?.user_count().await? == 0,
            (_, Some(store)) => store.user_count().await? == 0,
            (Some(_), None) => false,
        };
        Ok(AuthStatus { needs_setup, user, idle_minutes: idle.unwrap_or(auth::DEFAULT_IDLE_MINUTES) })
    }

    /// An existing unencrypted database (made by the CLI before set-up): opened as it is.
    async fn plain_store(&self) -> Cmd<Arc<Store>> {
        if let Some(s) = self.store() {
            return Ok(s);
        }
        let store = Arc::new(Store::open(&self.db_path).await?);
        self.inner.lock().expect("state lock").store = Some(store.clone());
        Ok(store)
    }

    /// First run: creates the encrypted database, its keyring and the administrator, and signs
    /// them in. Refused once any user exists.
    pub async fn setup_admin(&self, username: &str, display_name: &str, password: &str) -> Cmd<UserView> {
        auth::validate_new_user(username, password, "admin", None)?;
        if !self.status().await?.needs_setup {
            return Err(denied("auth.already_set_up", "an administrator already exists"));
        }
        let store = match self.keyring()? {
            Some(_) => self.store().ok_or_else(|| denied("auth.already_set_up", "an administrator already exists"))?,
            None if self.db_path.exists() => self.plain_store().await?,
            None => {
                let (_ring, key) = Keyring::create(&self.db_path, username, password)?;
                let store = Arc::new(Store::open_encrypted(&self.db_path, &key).await?);
                self.inner.lock().expect("state lock").key = Some(key);
                store
            }
        };
        store.set_officer(username);
        let display = if display_name.trim().is_empty() { username } else { display_name.trim() };
        store
            .create_user(&NewUser { username, display_name: display, role: Role::Admin, ward_code: None, password })
            .await?;
        self.inner.lock().expect("state lock").store = Some(store);
        self.login(username, password).await
    }

    /// Signs in. Before the database is open, the password unwraps the database key (failures
    /// counted here with the same back-off); then the database checks and counts the login.
    pub async fn login(&self, username: &str, password: &str) -> Cmd<UserView> {
        if self.store().is_none() {
            match self.keyring()? {
                Some(ring) => {
                    self.check_cold_lock(username)?;
                    let key: DbKey = match ring.unwrap_key(username, password) {
                        Ok(k) => k,
                        Err(e) => {
                            self.count_cold_failure(username);
                            return Err(e.into());
                        }
                    };
                    let store = Arc::new(Store::open_encrypted(&self.db_path, &key).await?);
                    let mut inner = self.inner.lock().expect("state lock");
                    inner.store = Some(store);
                    inner.key = Some(key);
                }
                None => {
                    self.plain_store().await?;
                }
            }
        }
        let store = self.store().expect("store opened above");
        if store.user_count().await? == 0 && self.keyring()?.is_some_and(|r| r.has_user(username)) {
            // Set-up stopped between writing the keyring and the account: finish it.
            store.set_officer(username);
            store
                .create_user(&NewUser {
                    username,
                    display_name: username,
                    role: Role::Admin,
                    ward_code: None,
                    password,
                })
                .await?;
        }
        let user = store.authenticate(username, password).await?;
        let idle = store
            .setting(IDLE_KEY)
            .await?
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(auth::DEFAULT_IDLE_MINUTES)
            .clamp(1, 240);
        let mut inner = self.inner.lock().expect("state lock");
        inner.cold_failures.remove(username);
        inner.session = Some(Session {
            user: user.clone(),
            last_seen: Instant::now(),
            idle: Duration::from_secs(idle as u64 * 60),
        });
        Ok(user)
    }

    fn check_cold_lock(&self, username: &str) -> Cmd<()> {
        let inner = self.inner.lock().expect("state lock");
        if let Some((_, Some(until))) = inner.cold_failures.get(username)
            && *until > Instant::now()
        {
            return Err(denied("auth.locked", "too many failed attempts: wait and try again"));
        }
        Ok(())
    }

    fn count_cold_failure(&self, username: &str) {
        let mut inner = self.inner.lock().expect("state lock");
        let e = inner.cold_failures.entry(username.to_string()).or_insert((0, None));
        e.0 += 1;
        e.1 = auth::lockout_minutes(e.0).map(|m| Instant::now() + Duration::from_secs(m as u64 * 60));
    }

    /// Ends the session (the database stays open for the next sign-in while the app runs).
    pub async fn logout(&self) -> Cmd<()> {
        let (store, user) = {
            let mut inner = self.inner.lock().expect("state lock");
            (inner.store.clone(), inner.session.take().map(|s| s.user))
        };
        if let (Some(store), Some(user)) = (store, user) {
            store.audit("logout", Some("users"), Some(&user.id), serde_json::json!({})).await?;
        }
        Ok(())
    }

    /// A new user: the account in the database and their copy of the database key.
    pub async fn add_user(&self, access: &Access, u: &NewUser<'_>) -> Cmd<UserView> {
        let created = access.store.create_user(u).await?;
        if let Some(mut ring) = self.keyring()? {
            let key = self.session_key()?;
            ring.put(u.username, u.password, &key)?;
        }
        Ok(created)
    }

    fn session_key(&self) -> Cmd<DbKey> {
        self.inner.lock().expect("state lock").key.clone().ok_or_else(|| denied("auth.required", "sign in again"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const ADMIN_PW: &str = "quản trị viên 2026";

    /// The permission each command must check (a new command fails the test until listed
    /// here): `None` = runs before sign-in (`unauthenticated`).
    const EXPECTED: &[(&str, Option<&str>)] = &[
        ("app_info", Some("Signed")),
        ("set_language", Some("Signed")),
        ("dismiss_demo_offer", Some("Administer")),
        ("load_demo", Some("Administer")),
        ("list_units", Some("Signed")),
        ("list_groups", Some("Signed")),
        ("list_providers", Some("Signed")),
        ("search_beneficiaries", Some("ReadPeople")),
        ("get_beneficiary", Some("ReadPeople")),
        ("add_beneficiary", Some("WritePeople")),
        ("open_account", Some("WritePeople")),
        ("record_payment", Some("WritePeople")),
        ("record_withdrawal", Some("WritePeople")),
        ("metrics", Some("Reports")),
        ("time_to_cash_chart", Some("Reports")),
        ("dashboard", Some("Reports")),
        ("indicator_panels", Some("Reports")),
        ("monthly_report", Some("Reports")),
        ("export_table_csv", Some("Reports")),
        ("record_print", Some("Reports")),
        ("list_exports", Some("Reports")),
        ("exchange_overview", Some("Administer")),
        ("exchange_save_public", Some("Administer")),
        ("exchange_read_device", Some("Administer")),
        ("exchange_register_device", Some("Administer")),
        ("exchange_revoke_device", Some("Administer")),
        ("reference_import", Some("Administer")),
        ("exchange_export", Some("Administer")),
        ("exchange_import", Some("Administer")),
        ("exchange_receipt", Some("Administer")),
        ("exchange_import_receipt", Some("Administer")),
        ("review_list", Some("Reports")),
        ("review_settle", Some("Administer")),
        ("review_dismiss", Some("Administer")),
        ("update_beneficiary", Some("WritePeople")),
        ("similar_beneficiaries", Some("ReadPeople")),
        ("save_draft", Some("Signed")),
        ("get_draft", Some("Signed")),
        ("list_drafts", Some("Signed")),
        ("discard_draft", Some("Signed")),
        ("import_mapping", Some("Administer")),
        ("import_preview", Some("Administer")),
        ("import_apply", Some("Administer")),
        ("read_local_file", Some("Administer")),
        ("save_error_report", Some("Administer")),
        ("list_cycles", Some("Signed")),
        ("reconcile_payments", Some("Administer")),
        ("close_cycle", Some("Administer")),
        ("followup_list", Some("ReadPeople")),
        ("export_followup", Some("ReadPeople")),
        ("record_contact", Some("WritePeople")),
        ("list_contacts", Some("ReadPeople")),
        ("create_verification_sample", Some("Administer")),
        ("get_verification_sample", Some("Reports")),
        ("record_verification", Some("Administer")),
        ("open_grievance", Some("WritePeople")),
        ("update_grievance", Some("WritePeople")),
        ("list_grievances", Some("ReadPeople")),
        ("auth_status", None),
        ("setup_admin", None),
        ("login", None),
        ("logout", None),
        ("list_users", Some("Administer")),
        ("create_user", Some("Administer")),
        ("update_user", Some("Administer")),
        ("audit_log", Some("Administer")),
        ("set_idle_minutes", Some("Administer")),
        ("reveal_account_number", Some("ReadPeople")),
        ("get_legal_basis", Some("ReadPeople")),
        ("set_legal_basis", Some("WritePeople")),
        ("export_person", Some("ReadPeople")),
        ("backup_now", Some("Administer")),
        ("list_backups", Some("Administer")),
        ("restore_backup", Some("Administer")),
    ];

    /// Every command in build.rs's APP_COMMANDS is a `#[tauri::command]` in src-tauri/src whose
    /// body begins with `require(&state, Permission::…)` (or `unauthenticated(&state)`), with the
    /// permission listed in EXPECTED. Mechanical, so a new command cannot forget its check.
    #[test]
    fn every_command_checks_access() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri");
        let build = std::fs::read_to_string(root.join("build.rs")).unwrap();
        let list = &build[build.find("APP_COMMANDS").unwrap()..];
        let list = &list[list.find('[').unwrap()..list.find("];").unwrap()];
        let commands: Vec<String> = list.split('"').skip(1).step_by(2).map(str::to_string).collect();
        assert!(commands.len() > 40, "{commands:?}");

        let mut found: BTreeMap<String, Option<String>> = BTreeMap::new();
        for entry in std::fs::read_dir(root.join("src")).unwrap() {
            let src = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in src.split("#[tauri::command]\npub ").skip(1) {
                let name = part.split("fn ").nth(1).unwrap().split(['(', '<']).next().unwrap().trim().to_string();
                // The body up to its first statement.
                let body = &part[part.find(") -> ").expect("commands return Cmd<T>")..];
                let first = body[body.find("{\n").unwrap() + 2..].trim_start();
                let perm = if first.split(';').next().unwrap().contains("unauthenticated(&state)") {
                    None
                } else {
                    let check = first.split(';').next().unwrap();
                    assert!(
                        check.contains("require(&state, Permission::"),
                        "command `{name}` must start with `require(&state, Permission::…)?`, starts with: {check}"
                    );
                    Some(check.split("Permission::").nth(1).unwrap().split(')').next().unwrap().to_string())
                };
                found.insert(name, perm);
            }
        }
        for c in &commands {
            let perm = found
                .get(c)
                .unwrap_or_else(|| panic!("APP_COMMANDS lists `{c}` but no #[tauri::command] fn has that name"));
            let expected = EXPECTED.iter().find(|(n, _)| n == c).unwrap_or_else(|| panic!("add `{c}` to EXPECTED"));
            assert_eq!(perm.as_deref(), expected.1, "permission of `{c}`");
        }
        assert_eq!(found.len(), commands.len(), "every #[tauri::command] is in APP_COMMANDS");
    }

    async fn state_with_officer(dir: &std::path::Path) -> (AppState, String, String) {
        let state = AppState::new(dir.join("t.db"));
        assert!(state.status().await.unwrap().needs_setup);
        state.setup_admin("admin", "Quản trị", ADMIN_PW).await.unwrap();
        let admin = require(&state, Permission::Administer).unwrap();
        let input = |ward: &str, id: &str| ansinh_core::inputs::BeneficiaryInput {
            full_name: "Nguyễn Văn An".into(),
            birth_date: "01/02/1940".into(),
            sex: "male".into(),
            id_number: id.into(),
            ward_code: ward.into(),
            group_code: "cao_tuoi_80_khong_luong".into(),
            ..Default::default()
        };
        let refs = admin.store.refs().await.unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let mut ids = vec![];
        for (ward, id) in [("00001", "001040000011"), ("00004", "001040000012")] {
            let b = ansinh_core::validate::beneficiary(&input(ward, id), &refs, today).unwrap();
            admin.store.add_beneficiary(&b).await.unwrap();
            ids.push(b.id.to_string());
        }
        let officer = NewUser {
            username: "lan",
            display_name: "Lan",
            role: Role::Officer,
            ward_code: Some("00001"),
            password: "cán bộ phường 1",
        };
        state.add_user(&admin, &officer).await.unwrap();
        state.logout().await.unwrap();
        (state, ids[0].clone(), ids[1].clone())
    }

    #[tokio::test]
    async fn officer_is_confined_to_their_ward_and_cannot_export_city_data() {
        let dir = tempfile::tempdir().unwrap();
        let (state, own, other) = state_with_officer(dir.path()).await;
        assert_eq!(require(&state, Permission::Signed).err().unwrap().code(), "auth.required");

        state.login("lan", "cán bộ phường 1").await.unwrap();
        let a = require(&state, Permission::ReadPeople).unwrap();
        a.check_person(&own).await.unwrap();
        assert_eq!(a.check_person(&other).await.unwrap_err().code(), "auth.forbidden");
        // Lists are forced to the officer's ward; asking for another ward is refused.
        assert_eq!(a.scoped_ward(None).unwrap(), Some("00001"));
        assert_eq!(a.scoped_ward(Some("00004")).unwrap_err().code(), "auth.forbidden");
        let page = a.store.search("", a.scoped_ward(None).unwrap(), 50, 0).await.unwrap();
        assert_eq!(page.total, 1);
        // No city-wide reports, no administration.
        assert_eq!(require(&state, Permission::Reports).err().unwrap().code(), "auth.forbidden");
        assert_eq!(require(&state, Permission::Administer).err().unwrap().code(), "auth.forbidden");
        drop(a);

        // The administrator sees both wards.
        state.logout().await.unwrap();
        state.login("admin", ADMIN_PW).await.unwrap();
        let a = require(&state, Permission::ReadPeople).unwrap();
        a.check_person(&other).await.unwrap();
        assert_eq!(a.scoped_ward(None).unwrap(), None);
        drop(a);
        state.close().await;
    }

    #[tokio::test]
    async fn a_restarted_app_opens_the_encrypted_database_with_any_users_password() {
        let dir = tempfile::tempdir().unwrap();
        let (state, _, _) = state_with_officer(dir.path()).await;
        state.close().await;
        let state = AppState::new(dir.path().join("t.db"));
        let status = state.status().await.unwrap();
        assert!(!status.needs_setup && status.user.is_none());
        assert_eq!(state.login("lan", "wrong password!").await.unwrap_err().code(), "auth.bad_credentials");
        assert_eq!(state.setup_admin("evil", "", "another long pw").await.unwrap_err().code(), "auth.already_set_up");
        let u = state.login("lan", "cán bộ phường 1").await.unwrap();
        assert_eq!((u.role, u.ward_code.as_deref()), (Role::Officer, Some("00001")));
        state.close().await;
    }

    #[tokio::test]
    async fn a_backup_taken_in_the_app_restores_and_everyone_signs_in_again() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::with_backup_dir(dir.path().join("t.db"), dir.path().join("backups"));
        state.setup_admin("admin", "", ADMIN_PW).await.unwrap();
        let b = state.backup_if_due().await.unwrap().expect("the first backup is due");
        assert!(state.backup_if_due().await.unwrap().is_none(), "one automatic backup a day");
        let a = require(&state, Permission::Administer).unwrap();
        a.store.set_setting("marker", "after the backup").await.unwrap();
        drop(a);
        state.restore_backup(std::path::Path::new(&b.path)).await.unwrap();
        assert_eq!(require(&state, Permission::Signed).err().unwrap().code(), "auth.required");
        state.login("admin", ADMIN_PW).await.unwrap();
        let a = require(&state, Permission::Administer).unwrap();
        assert_eq!(a.store.setting("marker").await.unwrap(), None);
        assert_eq!(a.store.verify_audit().await.unwrap(), None);
        drop(a);
        state.close().await;
    }

    /// Tauri hardening: a strict CSP with no remote origin, no plugin, and capabilities that
    /// grant only the core read-only defaults and the app's own commands.
    #[test]
    fn webview_is_locked_down() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let conf: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap()).unwrap();
        let csp = conf["app"]["security"]["csp"].as_str().expect("a CSP is set");
        assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-eval") && !csp.contains("https:") && !csp.contains('*'), "{csp}");
        assert!(conf.get("plugins").is_none_or(|p| p.as_object().is_none_or(|o| o.is_empty())));
        let cap: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("src-tauri/capabilities/default.json")).unwrap())
                .unwrap();
        for p in cap["permissions"].as_array().unwrap() {
            let p = p.as_str().expect("plain permission names");
            let ok = p.starts_with("allow-")
                || ["core:app:default", "core:event:default", "core:window:default", "core:webview:default"]
                    .contains(&p);
            assert!(ok, "capability grants `{p}`: only the app's own commands and core defaults are allowed");
        }
        let cargo = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        assert!(!cargo.contains("tauri-plugin-"), "no Tauri plugin (shell, fs, sql…) in the app");
    }
}
