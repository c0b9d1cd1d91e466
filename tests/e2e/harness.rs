//! Real-window end-to-end harness: the built app in a real WebKitGTK window, driven over WebDriver.
//!
//! [`App::start`] starts `tauri-driver` (which starts `WebKitWebDriver`, which starts the app
//! binary cargo built for this test target) with `ANSINH_DB` pointing at a fresh temporary
//! database, and opens a WebDriver session on it. Elements are addressed by their
//! `data-testid` attribute.
//!
//! Rules this harness enforces:
//! - no display, no `tauri-driver` or no `WebKitWebDriver` is a test *failure*, never a skip, so CI
//!   cannot pass without running the scenarios (run under `xvfb-run -a`);
//! - one app at a time per test binary (a process-wide lock), so tests never fight over the
//!   display or the driver even without `--test-threads=1`;
//! - `tauri-driver` is stopped with SIGTERM (never SIGKILL: only on TERM/INT/QUIT does it stop
//!   `WebKitWebDriver`, and orphans would keep the run alive), also when the test panics.
//!
//! Logs of `tauri-driver`, `WebKitWebDriver` and the app (stdout/stderr) go to
//! `<target>/tmp/e2e/<test name>/driver.log`; the last lines are printed when a test fails.

#![allow(dead_code)] // Not every scenario uses every helper.

use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::sync::{Mutex, MutexGuard};

/// The app binary cargo built for this integration test.
pub const APP_BINARY: &str = env!("CARGO_BIN_EXE_ansinh-app");

/// The app binary a test runs: [`APP_BINARY`], or the one `ANSINH_E2E_APP` names (the packaged
/// app unpacked from the .deb, `packaged.rs`).
pub fn app_binary() -> String {
    std::env::var("ANSINH_E2E_APP").unwrap_or_else(|_| APP_BINARY.to_string())
}

/// Label and title of the main window (tauri.conf.json).
pub const WINDOW_LABEL: &str = "ansinh";

/// The administrator every test app is set up with and signed in as (through
/// `ANSINH_TEST_ADMIN`, honoured by debug builds only): the database is encrypted with a key
/// wrapped for this password, as in real use.
pub const TEST_ADMIN: &str = "e2e-admin";
pub const TEST_ADMIN_PASSWORD: &str = "e2e-admin-password";

/// Default time to wait for the UI.
pub const TIMEOUT: Duration = Duration::from_secs(15);

const POLL: Duration = Duration::from_millis(100);

/// One app at a time in this process: one display, one driver. (An async mutex: each test has its
/// own runtime, and the guard lives in [`App`] across awaits. A test must not start a second app
/// while holding one: it would wait for itself.)
static ONE_APP_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// A running app under test. Call [`App::close`] at the end of a scenario; if the test panics
/// first, `Drop` still stops the driver (and with it the app).
pub struct App {
    client: Option<Client>,
    driver: Driver,
    db_path: PathBuf,
    artifacts: PathBuf,
    /// The environment the app was started with (`ANSINH_DB` first), kept for a restart.
    env: Vec<(String, String)>,
    /// Options so that [`App::kill_and_restart`] can hand them to the next app.
    data: Option<tempfile::TempDir>,
    lock: Option<MutexGuard<'static, ()>>,
}

impl App {
    /// Starts the app on a fresh, empty database and waits until `main[data-ready=true]`.
    pub async fn start(test_name: &str) -> App {
        let app = Self::start_with_env(test_name, &[]).await;
        app.wait_ready().await;
        app
    }

    /// Starts the app on a fresh database with nobody set up or signed in (the first-run
    /// screen), and waits until the UI is ready.
    pub async fn start_unconfigured(test_name: &str) -> App {
        let app = Self::start_with_env(test_name, &[("ANSINH_TEST_ADMIN", "")]).await;
        app.wait_ready().await;
        app
    }

    /// Starts the app on a copy of the database file `prepared` (made by the test, e.g. a
    /// plaintext one; with its keyring when it has one), nobody set up or signed in, and waits
    /// until the UI is ready. `env`: more environment variables for the app.
    pub async fn start_on_database(test_name: &str, prepared: &Path, env: &[(&str, &str)]) -> App {
        let env: Vec<(&str, &str)> = [("ANSINH_TEST_ADMIN", "")].into_iter().chain(env.iter().copied()).collect();
        let app = Self::start_prepared(test_name, &env, Some(prepared)).await;
        app.wait_ready().await;
        app
    }

    /// Starts the app with extra environment variables (inherited by the app), without waiting
    /// for the UI to be ready.
    pub async fn start_with_env(test_name: &str, env: &[(&str, &str)]) -> App {
        Self::start_prepared(test_name, env, None).await
    }

    async fn start_prepared(test_name: &str, env: &[(&str, &str)], prepared: Option<&Path>) -> App {
        let lock = ONE_APP_AT_A_TIME.lock().await;
        let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e").join(test_name);
        fs::create_dir_all(&artifacts).expect("create the e2e artifacts directory");
        let data = tempfile::Builder::new().prefix("ansinh-e2e-").tempdir().expect("create a temporary data directory");
        let db_path = data.path().join("test.db");
        if let Some(file) = prepared {
            fs::copy(file, &db_path).expect("copy the prepared database");
            // An encrypted one comes with its keyring.
            let ring = ansinh_store::keyring_path(file);
            if ring.exists() {
                fs::copy(ring, ansinh_store::keyring_path(&db_path)).expect("copy the prepared keyring");
            }
        }
        let mut vars: Vec<(String, String)> = vec![("ANSINH_DB".into(), db_path.to_str().expect("utf-8 path").into())];
        vars.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        // Automatic backups and exports go into the test's temporary folder, never the user's
        // Documents (a test that checks exports names its own folder).
        vars.push(("ANSINH_BACKUP_DIR".into(), data.path().join("backups").to_str().expect("utf-8 path").into()));
        if !env.iter().any(|(k, _)| *k == "ANSINH_EXPORT_DIR") {
            vars.push(("ANSINH_EXPORT_DIR".into(), data.path().join("exports").to_str().expect("utf-8 path").into()));
        }
        // Signed in as a test administrator unless the test asks for the first-run screens
        // (`ANSINH_TEST_ADMIN=""`, see [`App::start_unconfigured`]). Debug builds only.
        if !env.iter().any(|(k, _)| *k == "ANSINH_TEST_ADMIN") {
            vars.push(("ANSINH_TEST_ADMIN".into(), format!("{TEST_ADMIN}:{TEST_ADMIN_PASSWORD}")));
        }
        Self::launch(artifacts, data, vars, lock, "driver.log").await
    }

    /// Kills the app process with SIGKILL (a crash or a power cut: nothing is flushed or closed
    /// by the app), then starts it again on the same database and waits until it is ready.
    pub async fn kill_and_restart(mut self) -> App {
        let killed = kill_app_processes(&self.db_path);
        assert!(killed > 0, "e2e: no app process found to kill");
        self.client.take();
        self.driver.stop();
        let (data, lock) = (self.data.take().expect("data dir"), self.lock.take().expect("lock"));
        let (artifacts, env) = (self.artifacts.clone(), std::mem::take(&mut self.env));
        drop(self);
        let app = Self::launch(artifacts, data, env, lock, "driver-restarted.log").await;
        app.wait_ready().await;
        app
    }

    async fn launch(
        artifacts: PathBuf,
        data: tempfile::TempDir,
        env: Vec<(String, String)>,
        lock: MutexGuard<'static, ()>,
        log_name: &str,
    ) -> App {
        let prerequisites = Prerequisites::find();
        let db_path = PathBuf::from(&env[0].1);
        let vars: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("wry"));
        capabilities.insert("tauri:options".into(), json!({ "application": app_binary() }));
        // tauri-driver sometimes drops the very first session request while it is still starting
        // WebKitWebDriver (seen as "SendRequest" errors right after a previous app closed): retry
        // with a fresh driver a few times before calling it a failure.
        const ATTEMPTS: u32 = 3;
        let mut attempt = 1;
        let (driver, client) = loop {
            let driver = Driver::start(&prerequisites, &artifacts.join(log_name), &vars);
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&driver.url())
                .await
            {
                Ok(client) => break (driver, client),
                Err(error) if attempt < ATTEMPTS => {
                    eprintln!("e2e: session attempt {attempt} failed ({error}); retrying with a fresh driver");
                    drop(driver);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    attempt += 1;
                }
                Err(error) => {
                    driver.print_log_tail();
                    panic!("could not open a WebDriver session on the app after {ATTEMPTS} attempts: {error}");
                }
            }
        };

        App { client: Some(client), driver, db_path, artifacts, env, data: Some(data), lock: Some(lock) }
    }

    /// Clicks once the element is there and nothing covers it (e.g. a dialog still closing),
    /// retrying until `timeout`.
    pub async fn click_when_ready(&self, testid: &str, timeout: Duration) {
        let start = std::time::Instant::now();
        loop {
            if let Ok(el) = self.client().find(fantoccini::Locator::Css(&testid_css(testid))).await
                && el.click().await.is_ok()
            {
                return;
            }
            assert!(start.elapsed() < timeout, "could not click `{testid}` within {timeout:?}");
            tokio::time::sleep(POLL).await;
        }
    }

    /// Answers the first-start demo offer with "start empty" and waits until the dialog is gone
    /// (while it is open it covers the page and intercepts clicks).
    pub async fn skip_demo_offer(&self) {
        self.wait_for_css(&testid_css("demo-dialog"), TIMEOUT).await;
        self.click("demo-skip").await;
        let start = std::time::Instant::now();
        while self.exists("demo-dialog").await {
            assert!(start.elapsed() < TIMEOUT, "the demo dialog did not close");
            tokio::time::sleep(POLL).await;
        }
    }

    /// The WebDriver client, for anything the helpers do not cover.
    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("the session is open")
    }

    /// The database file the app was pointed at (`ANSINH_DB`).
    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// Where this test's logs and screenshots go.
    pub fn artifacts_dir(&self) -> &Path {
        &self.artifacts
    }

    /// Waits until the UI says it is ready: `<main data-ready="true">`.
    pub async fn wait_ready(&self) {
        self.wait_for_css("main[data-ready=\"true\"]", TIMEOUT).await;
    }

    /// Waits until an element matching `css` exists.
    pub async fn wait_for_css(&self, css: &str, timeout: Duration) -> Element {
        match self.client().wait().at_most(timeout).every(POLL).for_element(Locator::Css(css)).await {
            Ok(element) => element,
            Err(error) => self.fail(&format!("`{css}` did not appear within {timeout:?}: {error}")).await,
        }
    }

    /// Waits (up to [`TIMEOUT`]) for the element with this `data-testid` and returns it.
    pub async fn find(&self, testid: &str) -> Element {
        self.wait_for_css(&testid_css(testid), TIMEOUT).await
    }

    /// Whether an element with this `data-testid` exists right now (no waiting).
    pub async fn exists(&self, testid: &str) -> bool {
        !self.client().find_all(Locator::Css(&testid_css(testid))).await.unwrap_or_default().is_empty()
    }

    /// Clicks the element with this `data-testid`.
    pub async fn click(&self, testid: &str) {
        let element = self.find(testid).await;
        if let Err(error) = element.click().await {
            self.fail::<()>(&format!("click on `{testid}` failed: {error}")).await;
        }
    }

    /// Replaces the content of the input/textarea with this `data-testid` by `text`, typing it
    /// key by key (so `input` events fire as for a user).
    pub async fn type_into(&self, testid: &str, text: &str) {
        let element = self.find(testid).await;
        if let Err(error) = element.clear().await {
            self.fail::<()>(&format!("clearing `{testid}` failed: {error}")).await;
        }
        if let Err(error) = element.send_keys(text).await {
            self.fail::<()>(&format!("typing into `{testid}` failed: {error}")).await;
        }
    }

    /// Types `keys` into whatever has the focus, as a keyboard would (special keys as
    /// `fantoccini::key::Key` characters: Tab, Enter, arrows; Control stays down until the end).
    pub async fn press(&self, keys: &str) {
        let result = match self.client().active_element().await {
            Ok(element) => element.send_keys(keys).await,
            Err(error) => Err(error),
        };
        if let Err(error) = result {
            self.fail::<()>(&format!("pressing keys {keys:?} failed: {error}")).await;
        }
    }

    /// The `data-testid` of the focused element ("" when it has none).
    pub async fn focused(&self) -> String {
        let script = "const e = document.activeElement; return e ? (e.getAttribute('data-testid') || '') : '';";
        match self.client().execute(script, vec![]).await {
            Ok(value) => value.as_str().unwrap_or_default().to_string(),
            Err(error) => self.fail(&format!("reading the focused element failed: {error}")).await,
        }
    }

    /// Chooses the `<option value="...">` of the `<select>` with this `data-testid`.
    ///
    /// Sets the value and dispatches `input` and `change` as the browser does for a user choice
    /// (clicking `<option>`s through WebKitWebDriver is unreliable for native pop-ups).
    pub async fn select(&self, testid: &str, value: &str) {
        let element = self.find(testid).await;
        let script = r#"
            const [select, value] = arguments;
            if (!(select instanceof HTMLSelectElement)) return 'not a <select>';
            if (![...select.options].some(o => o.value === value)) {
                return 'no option with value ' + JSON.stringify(value) + ' (have: '
                    + [...select.options].map(o => JSON.stringify(o.value)).join(', ') + ')';
            }
            select.value = value;
            select.dispatchEvent(new Event('input', { bubbles: true }));
            select.dispatchEvent(new Event('change', { bubbles: true }));
            return null;
        "#;
        let element_arg = serde_json::to_value(&element).expect("element reference as JSON");
        match self.client().execute(script, vec![element_arg, json!(value)]).await {
            Ok(Value::Null) => {}
            Ok(problem) => self.fail::<()>(&format!("select `{testid}` = {value:?}: {problem}")).await,
            Err(error) => self.fail::<()>(&format!("select `{testid}` = {value:?} failed: {error}")).await,
        }
    }

    /// Checks or unchecks the checkbox with this `data-testid` (clicks only when needed).
    pub async fn set_checked(&self, testid: &str, checked: bool) {
        let element = self.find(testid).await;
        let is = element.is_selected().await.unwrap_or(!checked);
        if is != checked {
            self.click(testid).await;
        }
    }

    /// The rendered text of the element with this `data-testid`.
    pub async fn text(&self, testid: &str) -> String {
        let element = self.find(testid).await;
        match element.text().await {
            Ok(text) => text,
            Err(error) => self.fail(&format!("reading `{testid}` failed: {error}")).await,
        }
    }

    /// The current `value` of the input/select/textarea with this `data-testid`.
    pub async fn value(&self, testid: &str) -> String {
        let element = self.find(testid).await;
        match element.prop("value").await {
            Ok(value) => value.unwrap_or_default(),
            Err(error) => self.fail(&format!("reading `{testid}`.value failed: {error}")).await,
        }
    }

    /// Waits until the text of the element with this `data-testid` satisfies `predicate` and
    /// returns that text; fails with the last text seen after `timeout`.
    pub async fn wait_text(&self, testid: &str, predicate: impl Fn(&str) -> bool, timeout: Duration) -> String {
        let css = testid_css(testid);
        let deadline = Instant::now() + timeout;
        let mut last = None;
        loop {
            if let Ok(element) = self.client().find(Locator::Css(&css)).await
                && let Ok(text) = element.text().await
            {
                if predicate(&text) {
                    return text;
                }
                last = Some(text);
            }
            if Instant::now() >= deadline {
                let seen = match last {
                    Some(text) => format!("last text {text:?}"),
                    None => "the element never appeared".to_string(),
                };
                return self.fail(&format!("`{testid}`: text condition not met within {timeout:?}; {seen}")).await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Calls an ansinh command straight over IPC (through the app's one Tauri command, `call`, as
    /// the UI's backend does) and returns its result, or its rejection as `Err`.
    pub async fn invoke(&self, command: &str, args: Value) -> Result<Value, Value> {
        self.invoke_tauri("call", json!({ "command": command, "args": args })).await
    }

    /// Calls a Tauri command itself (the app's `call`, or a core plugin's such as the window's).
    pub async fn invoke_tauri(&self, command: &str, args: Value) -> Result<Value, Value> {
        let script = r#"
            const [command, args, done] = arguments;
            window.__TAURI_INTERNALS__.invoke(command, args)
                .then(ok => done({ ok: ok === undefined ? null : ok }),
                      err => done({ err: err === undefined ? null : err }));
        "#;
        let answer = match self.client().execute_async(script, vec![json!(command), args]).await {
            Ok(answer) => answer,
            Err(error) => self.fail(&format!("invoke {command} failed: {error}")).await,
        };
        match answer {
            Value::Object(mut map) if map.contains_key("ok") => Ok(map.remove("ok").unwrap()),
            Value::Object(mut map) if map.contains_key("err") => Err(map.remove("err").unwrap()),
            other => self.fail(&format!("invoke {command}: unexpected answer {other}")).await,
        }
    }

    /// Registers a person through the app's own command (`add_beneficiary`) and returns their
    /// id: `fields` over a woman born in 1940 of Phường Ba Đình (00004), group
    /// `cao_tuoi_ngheo_80`, no needs (`needs` merges field by field).
    pub async fn add_person(&self, fields: Value) -> String {
        let mut input = json!({
            "full_name": "", "birth_date": "1940", "sex": "Nữ", "id_number": "", "id_override_reason": "",
            "ward_code": "00004", "residential_group": "", "phone": "", "group_code": "cao_tuoi_ngheo_80",
            "disability": "", "authorised_name": "", "authorised_id_number": "", "authorised_relation": "",
            "needs": { "lives_alone": false, "limited_mobility": false, "vision_hearing": false,
                       "no_smartphone": false, "bedridden": false },
        });
        for (k, v) in fields.as_object().expect("person fields as an object") {
            match (k.as_str(), v.as_object()) {
                ("needs", Some(needs)) => needs.iter().for_each(|(n, on)| input["needs"][n] = on.clone()),
                _ => input[k] = v.clone(),
            }
        }
        let b = self.invoke("add_beneficiary", json!({ "input": input })).await.expect("add_beneficiary");
        b["id"].as_str().expect("the new person's id").to_string()
    }

    /// Resizes the window (screenshots at an office laptop's 1366x768).
    pub async fn resize(&self, width: u32, height: u32) {
        if let Err(error) = self.client().set_window_size(width, height).await {
            self.fail::<()>(&format!("resizing the window to {width}x{height} failed: {error}")).await;
        }
        // Wait until the page has laid itself out at the new width (two animation frames after
        // `innerWidth` says so), or a screenshot catches the old layout.
        let script = r#"
            const [w, done] = arguments;
            const check = () => window.innerWidth === w
                ? requestAnimationFrame(() => requestAnimationFrame(() => done(true)))
                : setTimeout(check, 50);
            check();
        "#;
        if let Err(error) = self.client().execute_async(script, vec![json!(width)]).await {
            self.fail::<()>(&format!("the page did not take the width {width}: {error}")).await;
        }
    }

    /// The native window's title, as Rust sees it (not `document.title`).
    pub async fn window_title(&self) -> String {
        match self.invoke_tauri("plugin:window|title", json!({ "label": WINDOW_LABEL })).await {
            Ok(Value::String(title)) => title,
            other => self.fail(&format!("reading the window title: {other:?}")).await,
        }
    }

    /// Saves a PNG of the webview to `path` (relative paths go to [`App::artifacts_dir`]) and
    /// returns where it went.
    /// A screenshot with the window at 1366x768, the commonest office laptop's screen, as an
    /// officer sees the page (the window keeps that size afterwards).
    pub async fn screenshot_office(&self, path: impl AsRef<Path>) -> PathBuf {
        if let Err(error) = self.client().set_window_size(1366, 768).await {
            self.fail::<()>(&format!("resize to 1366x768 failed: {error}")).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        self.screenshot(path).await
    }

    pub async fn screenshot(&self, path: impl AsRef<Path>) -> PathBuf {
        let path = self.artifacts.join(path.as_ref());
        let png = match self.client().screenshot().await {
            Ok(png) => png,
            Err(error) => self.fail(&format!("screenshot failed: {error}")).await,
        };
        fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// Ends the session (WebKitWebDriver closes the app) and stops the driver.
    pub async fn close(mut self) {
        if let Some(client) = self.client.take()
            && let Err(error) = client.close().await
        {
            eprintln!("e2e: closing the WebDriver session failed: {error}");
        }
        self.driver.stop();
    }

    /// Fails the test with `message`, after saving a screenshot and the page source.
    async fn fail<T>(&self, message: &str) -> T {
        let shot = self.artifacts.join("failure.png");
        let saved = match self.client().screenshot().await {
            Ok(png) => fs::write(&shot, png).is_ok(),
            Err(_) => false,
        };
        if saved {
            eprintln!("e2e: screenshot at failure: {}", shot.display());
        } else {
            eprintln!("e2e: no screenshot could be taken");
        }
        if let Ok(source) = self.client().source().await {
            let page = self.artifacts.join("failure.html");
            if fs::write(&page, source).is_ok() {
                eprintln!("e2e: page source at failure: {}", page.display());
            }
        }
        // The driver log is printed by `Drop` while the panic unwinds.
        panic!("{message}");
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.driver.print_log_tail();
        }
        // Dropping the client without closing the session is fine: stopping tauri-driver stops
        // WebKitWebDriver, which ends the app.
        self.client.take();
        self.driver.stop();
    }
}

/// SIGKILLs every process running the app binary on `db_path` (its `ANSINH_DB`); returns how
/// many. Found through /proc, since the app is WebKitWebDriver's child, not ours.
fn kill_app_processes(db_path: &Path) -> usize {
    let binary = fs::canonicalize(app_binary()).expect("app binary path");
    let wanted = format!("ANSINH_DB={}", db_path.display());
    let mut killed = 0;
    for entry in fs::read_dir("/proc").expect("read /proc").flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        let proc_dir = entry.path();
        let same_binary = fs::read_link(proc_dir.join("exe")).is_ok_and(|exe| exe == binary);
        let same_db = fs::read(proc_dir.join("environ"))
            .is_ok_and(|env| env.split(|b| *b == 0).any(|var| var == wanted.as_bytes()));
        if same_binary && same_db {
            // SAFETY: plain kill(2) on a pid read from /proc; the worst case is ESRCH.
            if unsafe { libc::kill(pid, libc::SIGKILL) } == 0 {
                killed += 1;
            }
        }
    }
    killed
}

/// CSS selector of the element with this `data-testid`.
pub fn testid_css(testid: &str) -> String {
    format!("[data-testid=\"{}\"]", testid.replace('\\', "\\\\").replace('"', "\\\""))
}

/// What must be there to run a real window; panics (fails the test) when something is missing.
struct Prerequisites {
    tauri_driver: PathBuf,
    native_driver: PathBuf,
}

impl Prerequisites {
    fn find() -> Self {
        let has_display =
            ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty()));
        assert!(
            has_display,
            "e2e: no display (DISPLAY/WAYLAND_DISPLAY unset). Run the e2e tests under \
             `xvfb-run -a` (scripts/test.sh does); they fail rather than skip so CI cannot pass \
             without them."
        );
        let home_cargo_bin = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
            .map(|cargo_home| cargo_home.join("bin"));
        let tauri_driver =
            find_program("TAURI_DRIVER", "tauri-driver", home_cargo_bin.as_deref()).unwrap_or_else(|| {
                panic!(
                    "e2e: tauri-driver not found (set TAURI_DRIVER, or install it: \
                     `cargo install tauri-driver --version 2.1.0 --locked`; scripts/setup.sh does)"
                )
            });
        let native_driver = find_program("WEBKIT_WEBDRIVER", "WebKitWebDriver", None).unwrap_or_else(|| {
            panic!(
                "e2e: WebKitWebDriver not found (set WEBKIT_WEBDRIVER, or install the \
                     `webkit2gtk-driver` package; scripts/setup.sh does)"
            )
        });
        assert!(Path::new(&app_binary()).is_file(), "e2e: the app binary {} is missing", app_binary());
        Prerequisites { tauri_driver, native_driver }
    }
}

/// `$env_var` if set, else `name` on PATH, else in `extra_dir`.
fn find_program(env_var: &str, name: &str, extra_dir: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env_var).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "e2e: {env_var}={} is not a file", path.display());
        return Some(path);
    }
    let path_dirs =
        std::env::var_os("PATH").map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>()).unwrap_or_default();
    path_dirs
        .iter()
        .map(PathBuf::as_path)
        .chain(extra_dir)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// A free TCP port on 127.0.0.1 (free when asked: tauri-driver binds it right after).
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("find a free TCP port")
}

/// The `tauri-driver` process.
struct Driver {
    child: Option<Child>,
    port: u16,
    log: PathBuf,
}

impl Driver {
    fn start(prerequisites: &Prerequisites, log: &Path, env: &[(&str, &str)]) -> Driver {
        let port = free_port();
        let native_port = loop {
            let candidate = free_port();
            if candidate != port {
                break candidate;
            }
        };
        let log_file = File::create(log).expect("create the driver log");
        // Output goes to a file, never to the test's own stdout/stderr: a stray child holding
        // cargo's pipes open would hang the run.
        let mut command = Command::new(&prerequisites.tauri_driver);
        command
            .arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .arg("--native-driver")
            .arg(&prerequisites.native_driver)
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("clone the log handle"))
            .stderr(log_file);
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("e2e: could not start {}: {e}", prerequisites.tauri_driver.display()));
        let mut driver = Driver { child: Some(child), port, log: log.to_path_buf() };
        driver.wait_listening(Duration::from_secs(20));
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_listening(&mut self, timeout: Duration) {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = Instant::now() + timeout;
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return;
            }
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                self.child = None;
                self.print_log_tail();
                panic!("e2e: tauri-driver exited before listening ({status})");
            }
            if Instant::now() >= deadline {
                self.print_log_tail();
                panic!("e2e: tauri-driver did not listen on {address} within {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGTERM, then wait for the exit (tauri-driver then stops WebKitWebDriver). Never SIGKILL.
    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        let pid = libc::pid_t::try_from(child.id()).expect("pid fits in pid_t");
        // SAFETY: plain kill(2) on our own child, which has not been reaped yet (so the pid
        // cannot have been reused).
        if unsafe { libc::kill(pid, libc::SIGTERM) } != 0 {
            eprintln!("e2e: SIGTERM to tauri-driver failed: {}", std::io::Error::last_os_error());
        }
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            match child.try_wait() {
                Ok(Some(_)) => return,
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                Ok(None) => {
                    eprintln!("e2e: tauri-driver (pid {pid}) still running 15 s after SIGTERM");
                    return;
                }
                Err(error) => {
                    eprintln!("e2e: waiting for tauri-driver failed: {error}");
                    return;
                }
            }
        }
    }

    fn print_log_tail(&self) {
        const LINES: usize = 60;
        match fs::read_to_string(&self.log) {
            Ok(log) if log.trim().is_empty() => {
                eprintln!("e2e: the driver log {} is empty", self.log.display())
            }
            Ok(log) => {
                let lines: Vec<&str> = log.lines().collect();
                let tail = &lines[lines.len().saturating_sub(LINES)..];
                eprintln!(
                    "e2e: last {} lines of {} (tauri-driver, WebKitWebDriver, app):",
                    tail.len(),
                    self.log.display()
                );
                for line in tail {
                    eprintln!("  | {line}");
                }
            }
            Err(error) => eprintln!("e2e: no driver log at {}: {error}", self.log.display()),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Registers a woman of Phường Ba Đình (00004), group `cao_tuoi_ngheo_80`, on a desktop outside
/// the app (another ward's, the city's, a second desktop), through the store as the form would;
/// [`App::add_person`] is the same inside the app.
pub async fn register_outside(
    store: &ansinh_store::Store,
    name: &str,
    birth_date: &str,
    id_number: &str,
) -> ansinh_core::records::Beneficiary {
    let input = ansinh_core::inputs::BeneficiaryInput {
        full_name: name.into(),
        birth_date: birth_date.into(),
        sex: "Nữ".into(),
        id_number: id_number.into(),
        ward_code: "00004".into(),
        group_code: "cao_tuoi_ngheo_80".into(),
        ..Default::default()
    };
    let refs = store.refs().await.unwrap();
    let person = ansinh_core::validate::beneficiary(&input, &refs, chrono::Local::now().date_naive()).unwrap();
    store.add_beneficiary(&person).await.unwrap();
    person
}

/// Opens the app's (encrypted) database beside the app, as the CLI would: the key is unwrapped
/// with the test administrator's password from the keyring next to the file.
pub async fn open_store(db: &Path) -> ansinh_store::Store {
    match ansinh_store::Keyring::load(db).expect("read the keyring") {
        Some(ring) => {
            let key = ring.unwrap_key(TEST_ADMIN, TEST_ADMIN_PASSWORD).expect("the test administrator unwraps the key");
            ansinh_store::Store::open_encrypted(db, &key).await.expect("open the encrypted database")
        }
        None => ansinh_store::Store::open(db).await.expect("open the database"),
    }
}
