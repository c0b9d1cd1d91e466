//! App start with a size's database: the release app in a real window, driven through
//! WebDriver (`tauri-driver` + `WebKitWebDriver`, as the end-to-end tests do): launch to the
//! sign-in screen, then sign-in to the first screen with data (the list of people), and the
//! resident memory of the app process and of its web content process once that screen shows.

use crate::dataset::{ADMIN, ADMIN_PASSWORD, Dataset};
use crate::report::Startup;
use crate::{BenchError, Result};
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PORT: u16 = 4544;
const TIMEOUT: Duration = Duration::from_secs(120);

fn err(e: impl std::fmt::Display) -> BenchError {
    BenchError::Other(format!("start-up benchmark: {e}"))
}

/// A WebDriver session on the app (the bare protocol: a handful of JSON requests).
pub(crate) struct Session {
    http: reqwest::Client,
    base: String,
}

impl Session {
    pub(crate) async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Result<Value> {
        let r = self.http.request(method, format!("{}{path}", self.base)).json(&body).send().await.map_err(err)?;
        let v: Value = r.json().await.map_err(err)?;
        Ok(v["value"].clone())
    }

    /// The element with this data-testid, once it exists.
    pub(crate) async fn wait_for(&self, testid: &str) -> Result<String> {
        self.wait_for_css(&format!("[data-testid=\"{testid}\"]"), TIMEOUT).await
    }

    /// The first element matching the CSS selector, once one exists (polled every 10 ms).
    pub(crate) async fn wait_for_css(&self, css: &str, timeout: Duration) -> Result<String> {
        let start = Instant::now();
        loop {
            let v =
                self.call(reqwest::Method::POST, "/element", json!({"using": "css selector", "value": css})).await?;
            if let Some(id) = element_id(&v) {
                return Ok(id.to_string());
            }
            if start.elapsed() > timeout {
                return Err(err(format!("'{css}' never showed: {v}")));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub(crate) async fn type_into(&self, testid: &str, text: &str) -> Result<()> {
        let id = self.wait_for(testid).await?;
        self.call(reqwest::Method::POST, &format!("/element/{id}/value"), json!({ "text": text })).await?;
        Ok(())
    }

    pub(crate) async fn click(&self, testid: &str) -> Result<()> {
        let id = self.wait_for(testid).await?;
        self.call(reqwest::Method::POST, &format!("/element/{id}/click"), json!({})).await?;
        Ok(())
    }
}

/// The W3C element reference of a find reply; an error reply (`{"error": "no such element",
/// …}`) is none, so a wait goes on until the element really shows.
pub(crate) fn element_id(v: &Value) -> Option<&str> {
    v.get("element-6066-11e4-a52e-4f735466cecf").and_then(Value::as_str)
}

/// Stops `tauri-driver` with SIGTERM (it stops WebKitWebDriver and the app only on TERM).
pub(crate) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

/// Resident memory (MB) of the process whose program (first argument) has this file name: all
/// of it (VmRSS, shared libraries' pages included) and its own anonymous pages (RssAnon: heap,
/// caches, stacks).
fn rss_of(program: &str) -> Option<(f64, f64)> {
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let dir = entry.path();
        let cmd = std::fs::read(dir.join("cmdline")).unwrap_or_default();
        let argv0 = cmd.split(|b| *b == 0).next().unwrap_or_default();
        let name = Path::new(std::str::from_utf8(argv0).unwrap_or_default()).file_name();
        if name.and_then(|n| n.to_str()) == Some(program) {
            let status = std::fs::read_to_string(dir.join("status")).ok()?;
            let mb = |key: &str| {
                let line = status.lines().find(|l| l.starts_with(key))?;
                line.split_whitespace().nth(1)?.parse::<f64>().ok().map(|kb| kb / 1024.0)
            };
            return Some((mb("VmRSS:")?, mb("RssAnon:")?));
        }
    }
    None
}

/// The scratch folder the app backs up into, holding a placeholder "backup taken now": the
/// figure is the start, not the day's first backup, which would copy the whole database in the
/// background (24 GB for the city, more than this machine's spare disk) while the start is timed.
fn backup_dir_marked_done(db: &Path) -> Result<std::path::PathBuf> {
    let dir = db.with_extension("backups");
    std::fs::create_dir_all(&dir)?;
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    std::fs::write(dir.join(format!("ansinh-{stamp}.db")), b"")?;
    Ok(dir)
}

/// `tauri-driver` and a WebDriver session on `app` started on the database `db`, the daily
/// backup going to a scratch folder; also returns the time from asking for the session to the
/// sign-in screen.
pub(crate) async fn launch(app: &Path, db: &Path) -> Result<(Driver, Session, Duration)> {
    let backups = backup_dir_marked_done(db)?;
    let driver = Driver(
        Command::new("tauri-driver")
            .arg("--port")
            .arg(PORT.to_string())
            .env("ANSINH_DB", db)
            // The daily backup goes to a scratch folder, never the user's Documents.
            .env("ANSINH_BACKUP_DIR", &backups)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| err(format!("tauri-driver: {e}")))?,
    );
    let http = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{PORT}");
    // Wait for the driver to listen.
    let ready = Instant::now();
    while http.get(format!("{url}/status")).send().await.is_err() {
        if ready.elapsed() > Duration::from_secs(20) {
            return Err(err("tauri-driver did not start"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": app}}}});
    let t = Instant::now();
    let v: Value =
        http.post(format!("{url}/session")).json(&caps).send().await.map_err(err)?.json().await.map_err(err)?;
    let id = v["value"]["sessionId"].as_str().ok_or_else(|| err(format!("no session: {v}")))?.to_string();
    let s = Session { http, base: format!("{url}/session/{id}") };
    s.wait_for("login-screen").await?;
    Ok((driver, s, t.elapsed()))
}

/// One start of `app` on `data`'s database.
pub async fn once(app: &Path, data: &Dataset) -> Result<Startup> {
    let (driver, s, to_sign_in) = launch(app, &data.path).await?;
    s.type_into("auth-username", ADMIN).await?;
    s.type_into("auth-password", ADMIN_PASSWORD).await?;
    let t = Instant::now();
    s.click("auth-submit").await?;
    s.wait_for("beneficiary-row").await?;
    let to_first = t.elapsed();
    let app_name = app.file_name().and_then(|n| n.to_str()).unwrap_or("ansinh-app");
    let app = rss_of(app_name).unwrap_or((f64::NAN, f64::NAN));
    let web = rss_of("WebKitWebProcess").unwrap_or((f64::NAN, f64::NAN));
    let result = Startup {
        to_sign_in_seconds: to_sign_in.as_secs_f64(),
        sign_in_to_first_screen_seconds: to_first.as_secs_f64(),
        app_rss_mb: app.0,
        web_rss_mb: web.0,
        app_anon_mb: app.1,
        web_anon_mb: web.1,
    };
    let _ = s.call(reqwest::Method::DELETE, "", json!({})).await;
    drop(driver);
    Ok(result)
}

/// The medians of `repeat` starts.
pub async fn run(app: &Path, data: &Dataset, repeat: usize) -> Result<Startup> {
    let mut runs = Vec::new();
    for _ in 0..repeat.max(1) {
        runs.push(once(app, data).await?);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let mid = |f: fn(&Startup) -> f64| {
        let mut v: Vec<f64> = runs.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[(v.len() - 1) / 2]
    };
    Ok(Startup {
        to_sign_in_seconds: mid(|s| s.to_sign_in_seconds),
        sign_in_to_first_screen_seconds: mid(|s| s.sign_in_to_first_screen_seconds),
        app_rss_mb: mid(|s| s.app_rss_mb),
        web_rss_mb: mid(|s| s.web_rss_mb),
        app_anon_mb: mid(|s| s.app_anon_mb),
        web_anon_mb: mid(|s| s.web_anon_mb),
    })
}

#[cfg(test)]
mod tests {
    use super::element_id;
    use serde_json::json;

    #[test]
    fn an_error_reply_is_no_element() {
        let found = json!({"element-6066-11e4-a52e-4f735466cecf": "node-1"});
        assert_eq!(element_id(&found), Some("node-1"));
        assert_eq!(element_id(&json!({"error": "no such element", "message": "x", "stacktrace": ""})), None);
    }
}
