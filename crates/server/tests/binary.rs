//! The `ansinh-server` binary on PostgreSQL and on SQLite: `device add/list/revoke` keep the
//! registry; the server starts, migrates, and answers on loopback only to enrolled devices.

mod support;
use ansinh_core::ErrorCode;
use ansinh_server::{Device, Role, ServerHead};
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use support::desks::Desk;
use support::{get, refused};

fn server(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ansinh-server")).args(["--database-url", url]).args(args).output().unwrap()
}

async fn enrol_serve_revoke(url: &str) {
    let desk = Desk::new().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("desk.pub.json");
    let path = file.to_str().unwrap();

    // A key file that names no ward is refused unless it is the city's.
    std::fs::write(&file, support::key_file(&desk, "")).unwrap();
    let out = server(url, &["device", "add", path]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("no ward"), "{out:?}");
    std::fs::write(&file, support::key_file(&desk, "00004")).unwrap();
    let out = server(url, &["device", "add", path]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    let fingerprint = ansinh_exchange::fingerprint(&desk.keys.public("").signing_key).unwrap();
    assert!(said.contains(&format!("enrolled {} as ward 00004", desk.keys.device_id)), "{said}");
    assert!(said.contains(&fingerprint), "{said}");
    let out = server(url, &["device", "list"]);
    let listed: Vec<Device> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].role, listed[0].fingerprint.as_str()), (Role::Ward, fingerprint.as_str()));

    let mut child = Command::new(env!("CARGO_BIN_EXE_ansinh-server"))
        .args(["--database-url", url, "--listen", "127.0.0.1:0", "--timeout-secs", "5"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    let base = format!("http://{}", line.trim().rsplit("http://").next().unwrap());
    let unsigned = reqwest::get(format!("{base}/v1/heads")).await;
    let heads = get(&desk.keys, &base, "/v1/heads").await;
    let bad = get(&desk.keys, &base, "/v1/records?since=nonsense").await;
    let revoked = server(url, &["device", "revoke", &desk.keys.device_id]);
    let after = get(&desk.keys, &base, "/v1/heads").await;
    child.kill().unwrap();
    child.wait().unwrap();

    assert_eq!(refused(unsigned.unwrap(), 401).await, ErrorCode::ServerNoCredentials);
    assert_eq!(heads.status(), 200, "{line}");
    assert!(heads.json::<Vec<ServerHead>>().await.unwrap().is_empty());
    assert_eq!(refused(bad, 400).await, ErrorCode::ServerBadSince);
    assert!(revoked.status.success(), "{revoked:?}");
    assert_eq!(refused(after, 403).await, ErrorCode::ServerRevokedDevice);
    let out = server(url, &["device", "list"]);
    let listed: Vec<Device> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(listed[0].revoked_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_binary_enrols_serves_and_revokes_on_postgres() {
    let Some(options) = support::pg_options().await else { return };
    let schema = options.get_options().unwrap_or_default().to_string();
    // The schema of this test, named in the URL's options like any libpq client would.
    let base = std::env::var("ANSINH_TEST_PG_URL").unwrap();
    let url = format!("{base}?options={}", urlencode(&schema));
    enrol_serve_revoke(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_binary_enrols_serves_and_revokes_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    enrol_serve_revoke(&format!("sqlite:{}", dir.path().join("central.db").display())).await;
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
