//! What a door keeps for its lifetime: the database path, and while someone is signed in, the
//! open store, the database key and the person's identity. Signing out, the idle lock and a
//! failed sign-in close the store and drop the key (it is zeroed), so a locked app holds no
//! key; the next sign-in unwraps it again from the keyring.

use crate::Cmd;
use crate::access::{Access, forbidden};
use ansinh_core::ErrorCode;
use ansinh_core::auth::{self, Permission, Role, denied};
use ansinh_store::{
    DbKey, Keyring, NewUser, PlaintextInfo, Store, Upgrade, UpgradeReport, UpgradeWatch, UserIdentity, UserView,
    encrypt, swap,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Setting: minutes without activity before the session locks.
pub const IDLE_KEY: &str = "idle_lock_minutes";

/// The name audit entries carry for work on a scratch database that has no user account
/// (plaintext, no keyring: demo data, scripts, tests), which only the CLI opens.
pub const LOCAL_USER: &str = "local";

/// Everything the commands share. Cloning gives another handle on the same session (the
/// background backup after sign-in holds one).
#[derive(Clone)]
pub struct AppState {
    pub db_path: PathBuf,
    /// Rolling backups (outside the app's data folder, see docs/SECURITY.md).
    pub backup_dir: PathBuf,
    /// Lock the session by itself after the idle minutes (the app); off for the CLI, a process
    /// that runs one command.
    watch_idle: bool,
    pub(crate) inner: Arc<Mutex<Inner>>,
    /// The step of the upgrade a sign-in is running (an older database), for the sign-in
    /// screen to show; outside `inner`, read while the sign-in holds nothing.
    pub(crate) upgrading: UpgradeWatch,
    /// How long each upgrade step is held (the real-window tests only, see `pause_upgrade_steps`).
    upgrade_pause: Duration,
}

#[derive(Default)]
pub(crate) struct Inner {
    pub(crate) store: Option<Arc<Store>>,
    /// The database key while someone is signed in (to wrap it for new users); zeroed when dropped.
    pub(crate) key: Option<DbKey>,
    /// The signed-in person's identity (opens backups sealed under an older key).
    pub(crate) identity: Option<UserIdentity>,
    session: Option<Session>,
    /// Failed unlocks before the database is open (then the database counts them).
    cold_failures: HashMap<String, (i64, Option<Instant>)>,
    /// Those failures (name, time), written to the audit log as soon as the database is open
    /// again: a wrong password fails at the keyring, while the log is locked.
    unaudited_failures: Vec<(String, String)>,
    /// Bumped at every sign-in, so the idle watch of an earlier session stops.
    generation: u64,
    /// The database file is being replaced (re-key, restore): commands are refused meanwhile.
    pub(crate) busy: bool,
    /// Wakes the current session's idle watch (the session ended, or its deadline moved).
    wake: Arc<tokio::sync::Notify>,
    /// What this session's sign-in upgraded (an older database), told once in `app_info`.
    pub(crate) upgraded: Option<UpgradeReport>,
}

struct Session {
    user: UserView,
    last_seen: Instant,
    idle: Duration,
}

impl Inner {
    /// Ends the session and drops the key and identity; returns the store for closing.
    fn lock(&mut self) -> Option<Arc<Store>> {
        self.wake.notify_one();
        self.session = None;
        self.key = None;
        self.identity = None;
        self.upgraded = None;
        self.store.take()
    }
}

/// Before sign-in: does the app need its first administrator, who is signed in, and is there a
/// plaintext database where the encrypted one is expected?
#[derive(ts_rs::TS, Debug, serde::Serialize)]
pub struct AuthStatus {
    pub needs_setup: bool,
    pub user: Option<UserView>,
    pub idle_minutes: i64,
    /// An unencrypted database found at the database's place: never opened as it is; the first
    /// screen offers to convert it or to leave it untouched.
    pub plaintext: Option<PlaintextInfo>,
}

/// Closes a store once the commands still running (holding clones) are done, waiting briefly;
/// gives it back if they are not.
pub(crate) async fn close_store(mut store: Arc<Store>) -> Result<(), Arc<Store>> {
    for _ in 0..200 {
        match Arc::try_unwrap(store) {
            Ok(s) => {
                s.close().await;
                return Ok(());
            }
            Err(back) => {
                store = back;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    Err(store)
}

/// Closes a store in the background (from code that cannot wait); the last holder closes it.
fn close_later(store: Arc<Store>) {
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        rt.spawn(async move {
            let _ = close_store(store).await;
        });
    }
}

pub(crate) fn busy() -> ansinh_core::AppError {
    denied(ErrorCode::AuthBusy, "the database is being replaced: try again in a moment")
}

fn plaintext_refused() -> ansinh_core::AppError {
    denied(
        ErrorCode::KeyPlaintext,
        "an unencrypted database is here: it is never opened as it is; convert it first (app: first screen; CLI: ansinh encrypt)",
    )
}

fn keyring_missing(state: &AppState) -> ansinh_core::AppError {
    denied(
        ErrorCode::KeyKeyringMissing,
        &format!(
            "{} is encrypted but its keyring {} is missing: restore both from a backup",
            state.db_path.display(),
            ansinh_store::keyring_path(&state.db_path).display()
        ),
    )
}

fn local_user() -> UserView {
    UserView {
        id: LOCAL_USER.into(),
        username: LOCAL_USER.into(),
        display_name: LOCAL_USER.into(),
        role: Role::Admin,
        ward_code: None,
        active: true,
        locked_until: None,
    }
}

impl AppState {
    /// The app's state: backups in the default folder, the idle lock watched.
    pub fn new(db_path: PathBuf) -> AppState {
        Self::with_backup_dir(db_path, ansinh_store::default_backup_dir())
    }

    pub fn with_backup_dir(db_path: PathBuf, backup_dir: PathBuf) -> AppState {
        AppState {
            db_path,
            backup_dir,
            watch_idle: true,
            inner: Default::default(),
            upgrading: Default::default(),
            upgrade_pause: Duration::ZERO,
        }
    }

    /// The CLI's state: one command per process, so no idle watch.
    pub fn for_cli(db_path: PathBuf, backup_dir: PathBuf) -> AppState {
        AppState { watch_idle: false, ..Self::with_backup_dir(db_path, backup_dir) }
    }

    /// Holds each step of a sign-in's upgrade for `pause` once reported: the debug app's
    /// real-window tests, whose small databases upgrade too fast for a screen to show a step.
    pub fn pause_upgrade_steps(&mut self, pause: Duration) {
        self.upgrade_pause = pause;
    }

    pub(crate) fn lock_inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().expect("state lock")
    }

    /// See [`crate::require`].
    pub(crate) fn access(&self, p: Permission) -> Cmd<Access> {
        let mut inner = self.lock_inner();
        let Some(session) = inner.session.as_mut() else {
            return Err(denied(ErrorCode::AuthRequired, "sign in first"));
        };
        if session.last_seen.elapsed() > session.idle {
            if let Some(store) = inner.lock() {
                close_later(store);
            }
            return Err(denied(ErrorCode::AuthIdleLocked, "locked after inactivity: sign in again"));
        }
        if !session.user.role.allows(p) {
            return Err(forbidden());
        }
        session.last_seen = Instant::now();
        let user = session.user.clone();
        match inner.store.clone() {
            Some(store) => Ok(Access { store, user, state: self.clone() }),
            None if inner.busy => Err(busy()),
            None => Err(denied(ErrorCode::AuthRequired, "sign in first")),
        }
    }

    /// Whether the database is open and its key in memory (false once signed out or locked).
    pub fn is_unlocked(&self) -> bool {
        let inner = self.lock_inner();
        inner.store.is_some() || inner.key.is_some() || inner.identity.is_some()
    }

    /// Signs out and closes the database (at exit): SQLCipher's connections must be closed
    /// before the process ends, or OpenSSL's exit handlers can race their worker threads.
    pub async fn close(&self) {
        let store = self.lock_inner().lock();
        if let Some(store) = store {
            let _ = close_store(store).await;
        }
    }

    pub(crate) fn key(&self) -> Option<DbKey> {
        self.lock_inner().key.clone()
    }

    pub(crate) fn session_key(&self) -> Cmd<DbKey> {
        self.key().ok_or_else(|| denied(ErrorCode::AuthRequired, "sign in again"))
    }

    pub(crate) fn store(&self) -> Option<Arc<Store>> {
        self.lock_inner().store.clone()
    }

    /// Finishes or abandons a database swap a crash interrupted (never while this process has
    /// the database open or is swapping it).
    fn recover(&self) -> Cmd<()> {
        let idle = {
            let inner = self.lock_inner();
            inner.store.is_none() && !inner.busy
        };
        if idle {
            swap::recover(&self.db_path)?;
        }
        Ok(())
    }

    pub async fn status(&self) -> Cmd<AuthStatus> {
        self.recover()?;
        let (user, idle, open) = {
            let inner = self.lock_inner();
            let s = inner.session.as_ref().filter(|s| s.last_seen.elapsed() <= s.idle);
            (s.map(|s| s.user.clone()), s.map(|s| s.idle.as_secs() as i64 / 60), inner.store.is_some())
        };
        let plaintext = if !open && encrypt::is_plaintext(&self.db_path)? {
            Some(encrypt::peek_plaintext(&self.db_path).await?)
        } else {
            None
        };
        let needs_setup = !open
            && plaintext.is_none()
            && !encrypt::has_content(&self.db_path)
            && Keyring::load(&self.db_path)?.is_none();
        Ok(AuthStatus { needs_setup, user, idle_minutes: idle.unwrap_or(auth::DEFAULT_IDLE_MINUTES), plaintext })
    }

    /// First run: the encrypted database, its keyring and the administrator; signs them in.
    /// Refused once a database or keyring exists, and never adopts a plaintext database.
    pub async fn setup_admin(&self, username: &str, display_name: &str, password: &str) -> Cmd<UserView> {
        auth::validate_new_user(username, password, "admin", None)?;
        self.recover()?;
        if encrypt::is_plaintext(&self.db_path)? {
            return Err(plaintext_refused());
        }
        let status = self.status().await?;
        if !status.needs_setup {
            return Err(denied(ErrorCode::AuthAlreadySetUp, "an administrator already exists"));
        }
        Keyring::create(&self.db_path, username, password)?;
        self.sign_in(username, password, Some(display_name)).await
    }

    /// Signs in: the password unwraps the person's identity from the keyring (failures counted
    /// here with the same back-off before the database is open), which opens the database key;
    /// then the database checks and counts the login. Any earlier session ends first.
    pub async fn login(&self, username: &str, password: &str) -> Cmd<UserView> {
        self.sign_in(username, password, None).await
    }

    /// `first_admin`: the display name of the administrator a set-up (or a conversion) creates
    /// when the database has no account yet.
    pub(crate) async fn sign_in(&self, username: &str, password: &str, first_admin: Option<&str>) -> Cmd<UserView> {
        if self.lock_inner().busy {
            return Err(busy());
        }
        if self.lock_inner().session.is_some() || self.store().is_some() {
            self.logout().await?;
        }
        self.recover()?;
        if encrypt::is_plaintext(&self.db_path)? {
            return Err(plaintext_refused());
        }
        let Some(mut ring) = Keyring::load(&self.db_path)? else {
            return Err(if encrypt::has_content(&self.db_path) {
                keyring_missing(self)
            } else {
                denied(ErrorCode::AuthBadCredentials, "wrong user name or password")
            });
        };
        self.check_cold_lock(username)?;
        let unlocked = match ring.unlock(username, password) {
            Ok(u) => u,
            Err(e) => {
                self.count_cold_failure(username);
                return Err(e.into());
            }
        };
        // An older database is backed up, then upgraded, here: the same for the app and the CLI.
        let upgrade =
            Upgrade { backup_dir: self.backup_dir.clone(), watch: self.upgrading.clone(), pause: self.upgrade_pause };
        let (store, upgraded) = Store::open_upgrading(&self.db_path, Some(&unlocked.key), Some(&upgrade)).await?;
        let store = Arc::new(store);
        let opened = self.open_session(&store, &mut ring, username, password, &unlocked.key, first_admin).await;
        // The upgrade happened whether or not the database then lets this person in: audited
        // under the name the keyring opened for (the session's officer once signed in).
        let opened = match (&upgraded, opened) {
            (Some(u), Ok(session)) => audit_upgrade(&store, &session.0.username, u).await.map(|()| session),
            (Some(u), Err(e)) => {
                let _ = audit_upgrade(&store, username, u).await;
                Err(e)
            }
            (None, opened) => opened,
        };
        match opened {
            Ok((user, identity)) => {
                let identity = identity.or(unlocked.identity);
                self.start_session(store, unlocked.key, identity, user.clone()).await?;
                self.lock_inner().upgraded = upgraded;
                Ok(user)
            }
            Err(e) => {
                // The key leaves memory with the store.
                let _ = close_store(store).await;
                Err(e)
            }
        }
    }

    /// The database's side of a sign-in, on the store just opened. Returns the person and, when
    /// their version 1 entry was upgraded, their new identity.
    async fn open_session(
        &self,
        store: &Store,
        ring: &mut Keyring,
        username: &str,
        password: &str,
        key: &DbKey,
        first_admin: Option<&str>,
    ) -> Cmd<(UserView, Option<UserIdentity>)> {
        let failures = std::mem::take(&mut self.lock_inner().unaudited_failures);
        for (name, at) in failures {
            let details =
                serde_json::json!({"username": name, "reason": "wrong_password", "before_unlock": true, "at": at});
            store.audit_as("-", "login.failed", Some("users"), None, details).await?;
        }
        if store.user_count().await? == 0 && ring.has_user(username) {
            // Set-up (or a conversion) stopped between writing the keyring and the account,
            // or is under way: finish it.
            store.set_officer(username);
            let display = first_admin.map(str::trim).filter(|d| !d.is_empty()).unwrap_or(username);
            store
                .create_user(&NewUser { username, display_name: display, role: Role::Admin, ward_code: None, password })
                .await?;
        }
        let user = store.authenticate(username, password).await?;
        // A version 1 entry (the key wrapped by the password) becomes version 2.
        let identity = if ring.is_legacy(username) {
            let id = ring.put(username, password, key)?;
            store
                .audit("keyring.upgrade", Some("users"), Some(&user.id), serde_json::json!({"username": username}))
                .await?;
            Some(id)
        } else {
            None
        };
        // Entries of accounts that are no longer active leave the keyring (deactivated before
        // this version, or a deactivation interrupted between the database and the keyring).
        let active: Vec<String> =
            store.list_users().await?.into_iter().filter(|u| u.active).map(|u| u.username).collect();
        let stale: Vec<String> = ring.usernames().into_iter().filter(|n| !active.contains(n)).collect();
        if !stale.is_empty() {
            for name in &stale {
                ring.remove(name)?;
            }
            store.audit("keyring.remove", Some("users"), None, serde_json::json!({"usernames": stale})).await?;
        }
        Ok((user, identity))
    }

    async fn start_session(
        &self,
        store: Arc<Store>,
        key: DbKey,
        identity: Option<UserIdentity>,
        user: UserView,
    ) -> Cmd<()> {
        let idle = store
            .setting(IDLE_KEY)
            .await?
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(auth::DEFAULT_IDLE_MINUTES)
            .clamp(1, 240);
        let (generation, wake) = {
            let mut inner = self.lock_inner();
            // A watch of its own: an earlier session's watch is never woken for this one.
            inner.wake = Arc::new(tokio::sync::Notify::new());
            inner.cold_failures.remove(&user.username);
            inner.store = Some(store);
            inner.key = Some(key);
            inner.identity = identity;
            inner.session =
                Some(Session { user, last_seen: Instant::now(), idle: Duration::from_secs(idle as u64 * 60) });
            inner.generation += 1;
            (inner.generation, inner.wake.clone())
        };
        if self.watch_idle {
            self.watch(generation, wake);
        }
        Ok(())
    }

    /// Locks the session once it has been idle for its minutes, even when no command comes:
    /// the store is closed and the key dropped.
    fn watch(&self, generation: u64, wake: Arc<tokio::sync::Notify>) {
        let Ok(rt) = tokio::runtime::Handle::try_current() else { return };
        let inner = self.inner.clone();
        rt.spawn(async move {
            loop {
                // Either the time left, or the store of a session that has just gone idle.
                let next: Result<Duration, Option<Arc<Store>>> = {
                    let mut g = inner.lock().expect("state lock");
                    match g.session.as_ref() {
                        _ if g.generation != generation => return,
                        None => return,
                        Some(s) => {
                            let wait = (s.last_seen + s.idle).saturating_duration_since(Instant::now());
                            if wait.is_zero() { Err(g.lock()) } else { Ok(wait) }
                        }
                    }
                };
                match next {
                    Ok(wait) => {
                        tokio::select! {
                            _ = tokio::time::sleep(wait + Duration::from_millis(500)) => {}
                            _ = wake.notified() => {}
                        }
                    }
                    Err(store) => {
                        if let Some(store) = store {
                            let _ = close_store(store).await;
                        }
                        return;
                    }
                }
            }
        });
    }

    pub(crate) fn check_cold_lock(&self, username: &str) -> Cmd<()> {
        let inner = self.lock_inner();
        if let Some((_, Some(until))) = inner.cold_failures.get(username)
            && *until > Instant::now()
        {
            // With its end in local time, as the database's lock says it (docs/IPC.md: {until}).
            let left = chrono::Duration::from_std(*until - Instant::now()).unwrap_or_default();
            let local = (chrono::Local::now() + left).format("%H:%M %d/%m/%Y").to_string();
            return Err(ansinh_core::AppError::Access(ansinh_core::FieldError {
                code: ErrorCode::AuthLocked,
                message: format!("account locked until {local}"),
                field: None,
                row: None,
                params: [("until".to_string(), local)].into(),
            }));
        }
        Ok(())
    }

    pub(crate) fn count_cold_failure(&self, username: &str) {
        let mut inner = self.lock_inner();
        // Bounded: a flood of guesses keeps the first thousand.
        if inner.unaudited_failures.len() < 1000 {
            let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            inner.unaudited_failures.push((username.to_string(), at));
        }
        let e = inner.cold_failures.entry(username.to_string()).or_insert((0, None));
        e.0 += 1;
        e.1 = auth::lockout_minutes(e.0).map(|m| Instant::now() + Duration::from_secs(m as u64 * 60));
    }

    /// Ends the session: audited, then the database is closed and the key dropped.
    pub async fn logout(&self) -> Cmd<()> {
        let (store, user) = {
            let inner = self.lock_inner();
            (inner.store.clone(), inner.session.as_ref().map(|s| s.user.clone()))
        };
        if let (Some(store), Some(user)) = (store, user)
            && user.username != LOCAL_USER
        {
            store.audit("logout", Some("users"), Some(&user.id), serde_json::json!({})).await?;
        }
        self.close().await;
        Ok(())
    }

    /// The CLI on a scratch database: plaintext and without any user account (demo data,
    /// scripts, tests), used without signing in and audited as [`LOCAL_USER`]. Refused for an
    /// encrypted database (sign in) and for a plaintext one that has users (convert it).
    pub async fn open_local(&self) -> Cmd<()> {
        self.recover()?;
        if Keyring::load(&self.db_path)?.is_some() {
            return Err(denied(ErrorCode::AuthRequired, "this database has user accounts: sign in (--user NAME)"));
        }
        let plain = encrypt::is_plaintext(&self.db_path)?;
        if !plain && encrypt::has_content(&self.db_path) {
            return Err(keyring_missing(self));
        }
        if plain && encrypt::peek_plaintext(&self.db_path).await?.users > 0 {
            return Err(plaintext_refused());
        }
        let store = Store::open(&self.db_path).await?;
        store.set_officer(LOCAL_USER);
        let mut inner = self.lock_inner();
        inner.store = Some(Arc::new(store));
        inner.session = Some(Session {
            user: local_user(),
            last_seen: Instant::now(),
            idle: Duration::from_secs(100 * 365 * 24 * 3600),
        });
        Ok(())
    }

    pub(crate) fn session_username(&self) -> Option<String> {
        self.lock_inner().session.as_ref().map(|s| s.user.username.clone())
    }

    /// Whether the session is on a scratch database (no keyring, no users).
    pub fn is_local(&self) -> bool {
        self.lock_inner().session.as_ref().is_some_and(|s| s.user.id == LOCAL_USER)
    }

    /// For tests of the idle lock: the session's last activity moved back by `by`.
    #[doc(hidden)]
    pub fn age_session_for_test(&self, by: Duration) {
        let mut inner = self.lock_inner();
        if let Some(s) = inner.session.as_mut() {
            s.last_seen = s.last_seen.checked_sub(by).unwrap_or(s.last_seen);
        }
        inner.wake.notify_one();
    }
}

/// The backup taken before an upgrade and the upgrade itself, under `actor` (the backup is
/// audited as every other is, once the audit log has this version's form).
async fn audit_upgrade(store: &Store, actor: &str, u: &UpgradeReport) -> Cmd<()> {
    let backup = serde_json::json!({"file": u.backup.path, "full": u.backup.full, "before_upgrade": true});
    store.audit_as(actor, "backup", None, None, backup).await?;
    let details =
        serde_json::json!({"from_version": u.from_version, "to_version": u.to_version, "backup": u.backup.path});
    store.audit_as(actor, "database.upgrade", None, None, details).await?;
    Ok(())
}
