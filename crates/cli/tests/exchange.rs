//! The exchange CLI as an office uses it, and an import killed (SIGKILL) at random points:
//! the database is always intact and either as before or fully applied.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

fn ansinh(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ansinh")).arg("--db").arg(db).args(args).output().expect("run ansinh")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = ansinh(db, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// (integrity_check, change records of `device`, beneficiaries) read with the sqlite3 library
/// through a fresh `ansinh` process would hide a broken file: use rusqlite-free raw SQL via sqlx.
async fn state(db: &Path, device: &str) -> (String, i64, i64) {
    use sqlx::{Connection, SqliteConnection};
    let mut c = SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut c).await.unwrap();
    let records: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM change_log WHERE device_id = ?")
        .bind(device)
        .fetch_one(&mut c)
        .await
        .unwrap();
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM beneficiaries").fetch_one(&mut c).await.unwrap();
    (integrity, records, people)
}

#[tokio::test]
async fn bundle_round_trip_and_kill_9_during_import_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (ward, city) = (dir.path().join("ward.db"), dir.path().join("city.db"));
    let city_pub = dir.path().join("city.pub");
    let bundle = dir.path().join("ward.bundle");
    ok(&ward, &["demo", "--wards", "1", "--beneficiaries", "400", "--months", "4"]);
    ok(&city, &["keys", "export-public", "--out", city_pub.to_str().unwrap()]);
    // Each office registers the other from its public-key file (fingerprints read by phone).
    let ward_pub = dir.path().join("ward.pub");
    ok(&ward, &["keys", "export-public", "--out", ward_pub.to_str().unwrap()]);
    ok(&city, &["keys", "add-device", ward_pub.to_str().unwrap(), "--name", "Phường 1"]);
    let said = ok(&ward, &["keys", "add-office", "Thành phố", city_pub.to_str().unwrap()]);
    assert!(said.contains("fingerprint"), "{said}");
    let manifest: serde_json::Value = serde_json::from_str(&ok(
        &ward,
        &[
            "bundle",
            "export",
            "--since",
            "0",
            "--to-key",
            city_pub.to_str().unwrap(),
            "--out",
            bundle.to_str().unwrap(),
        ],
    ))
    .unwrap();
    let device = manifest["device_id"].as_str().unwrap().to_string();
    let total = manifest["records"].as_i64().unwrap();
    assert!(total > 1000, "{total}");
    // Close the city file cleanly (WAL checkpointed) so copies of it are consistent.
    ok(&city, &["verify"]);
    let pristine = dir.path().join("pristine.db");
    std::fs::copy(&city, &pristine).unwrap();

    // How long a whole import takes here, so the kills spread over all of it (and a bit past).
    let timed = dir.path().join("timed.db");
    std::fs::copy(&pristine, &timed).unwrap();
    let started = std::time::Instant::now();
    ok(&timed, &["bundle", "import", bundle.to_str().unwrap()]);
    let span = started.elapsed().as_micros() as u64 * 12 / 10;
    // Kill the importing process at spread-out moments; a simple generator keeps it reproducible.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let (mut before, mut after) = (0, 0);
    for i in 0..12 {
        let db = dir.path().join(format!("kill{i}.db"));
        std::fs::copy(&pristine, &db).unwrap();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let wait = Duration::from_micros(x % span.max(1));
        let mut child = Command::new(env!("CARGO_BIN_EXE_ansinh"))
            .arg("--db")
            .arg(&db)
            .args(["bundle", "import", bundle.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(wait);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let (integrity, records, people) = state(&db, &device).await;
        assert_eq!(integrity, "ok", "kill {i} after {wait:?}");
        if records == 0 {
            assert_eq!(people, 0, "kill {i}: no records, no rows");
            before += 1;
        } else {
            assert_eq!(records, total, "kill {i}: all records or none");
            assert_eq!(people, 400, "kill {i}: all rows with the records");
            after += 1;
        }
        // Whatever state it was left in, importing again completes it (or says nothing is new).
        let again = ansinh(&db, &["bundle", "import", bundle.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&again.stderr);
        assert!(again.status.success() || stderr.contains("exchange.replayed"), "{stderr}");
        assert_eq!(state(&db, &device).await, ("ok".to_string(), total, 400));
    }
    eprintln!("killed before commit {before} times, after {after} times");

    // Several files at once (a folder): one transaction. A damaged file refuses them all, by
    // name; the same file twice applies once and says the second brought nothing new.
    let folder = dir.path().join("folder.db");
    std::fs::copy(&pristine, &folder).unwrap();
    let damaged = dir.path().join("damaged.bundle");
    let mut bytes = std::fs::read(&bundle).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&damaged, bytes).unwrap();
    let refused = ansinh(&folder, &["bundle", "import", bundle.to_str().unwrap(), damaged.to_str().unwrap()]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("damaged.bundle: refused"), "{stderr}");
    assert_eq!(state(&folder, &device).await, ("ok".to_string(), 0, 0), "nothing of the good file either");
    let outcomes: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&folder, &["bundle", "import", bundle.to_str().unwrap(), bundle.to_str().unwrap()]))
            .unwrap();
    let applied: Vec<(i64, i64)> = outcomes
        .iter()
        .map(|o| (o["report"]["applied"].as_i64().unwrap(), o["report"]["already_had"].as_i64().unwrap()))
        .collect();
    assert_eq!(applied, [(total, 0), (0, total)]);
    assert_eq!(state(&folder, &device).await, ("ok".to_string(), total, 400));

    // The rebuilt city equals the live one.
    ok(&city, &["bundle", "import", bundle.to_str().unwrap()]);
    ok(&city, &["rebuild"]);
    let receipt = dir.path().join("receipt.json");
    ok(&city, &["bundle", "receipt", "--out", receipt.to_str().unwrap()]);
    let said = ok(&ward, &["bundle", "import-receipt", receipt.to_str().unwrap()]);
    assert!(said.contains(&format!("up to seq {total}")), "{said}");
    // With the receipt in, the next export has nothing to send.
    let out =
        ansinh(&ward, &["bundle", "export", "--to-key", city_pub.to_str().unwrap(), "--out", bundle.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("exchange.nothing_to_send"));
    // Both doors audit what crosses them: the bundle and receipt written and read on each side.
    let actions = |db: &Path| -> Vec<(String, String)> {
        let log: Vec<serde_json::Value> = serde_json::from_str(&ok(db, &["audit", "list", "--limit", "1000"])).unwrap();
        log.iter()
            .map(|e| {
                (e["action"].as_str().unwrap().to_string(), e["details"]["what"].as_str().unwrap_or("").to_string())
            })
            .collect()
    };
    let (ward_log, city_log) = (actions(&ward), actions(&city));
    assert!(ward_log.iter().any(|(a, _)| a == "export"), "{ward_log:?}");
    assert!(ward_log.contains(&("import".into(), "receipt".into())), "{ward_log:?}");
    assert!(city_log.iter().any(|(a, _)| a == "import"), "{city_log:?}");
    assert!(city_log.contains(&("export".into(), "receipt".into())), "{city_log:?}");
}

/// `ansinh sync` against a server on loopback: the ward pushes, the city pulls and holds the
/// same people; a second sync has nothing to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_through_the_server_brings_the_wards_records_to_the_city() {
    let dir = tempfile::tempdir().unwrap();
    let (ward, city) = (dir.path().join("ward.db"), dir.path().join("city.db"));
    let central = ansinh_store::Store::open(&dir.path().join("central.db")).await.unwrap();
    let central = std::sync::Arc::new(ansinh_server::SqliteRecords::open(central).await.unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(ansinh_server::http::serve(listener, central.clone()));
    let run = |db: std::path::PathBuf, args: Vec<String>| {
        tokio::task::spawn_blocking(move || ok(&db, &args.iter().map(String::as_str).collect::<Vec<_>>()))
    };
    run(ward.clone(), ["demo", "--wards", "1", "--beneficiaries", "60", "--months", "2"].map(String::from).to_vec())
        .await
        .unwrap();
    let sync = |db: &std::path::Path| run(db.to_path_buf(), vec!["sync".into(), "--server".into(), url.clone()]);

    // Not enrolled on the server yet: refused, translated.
    let (w, u) = (ward.clone(), url.clone());
    let out = tokio::task::spawn_blocking(move || ansinh(&w, &["sync", "--server", &u])).await.unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("[sync.forbidden]"), "{out:?}");
    // The server's administrator enrols both desktops from their public-key files.
    for (db, city) in [(&ward, false), (&city, true)] {
        let file = db.with_extension("pub.json");
        let args = vec!["keys".into(), "export-public".into(), "--out".into(), file.display().to_string()];
        run(db.clone(), args).await.unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        use ansinh_server::DeviceRegistry;
        central.enrol(&ansinh_server::Enrolment::from_public_keys(&text, city).unwrap()).await.unwrap();
    }
    let out = sync(&ward).await.unwrap();
    assert!(out.starts_with("pushed ") && !out.starts_with("pushed 0 "), "{out}");
    let out = sync(&city).await.unwrap();
    assert!(out.contains("pulled ") && !out.contains("pulled 0 new"), "{out}");
    assert_eq!(sync(&city).await.unwrap().lines().next().unwrap(), "pushed 0 record(s); pulled 0 new, 0 already here");
    let (_, _, ward_people) = state(&ward, "").await;
    let (integrity, _, city_people) = state(&city, "").await;
    assert_eq!((integrity.as_str(), city_people), ("ok", ward_people));
    assert!(ward_people >= 60, "{ward_people}");
    let log = run(ward.clone(), ["audit", "list"].map(String::from).to_vec()).await.unwrap();
    let log: Vec<serde_json::Value> = serde_json::from_str(&log).unwrap();
    assert!(log.iter().any(|e| e["action"] == "sync"), "the sync is audited");
}

/// `ansinh sync` sends nothing in clear across a network: plain http:// to anything but this
/// computer is refused before any connection, with its own code.
#[test]
fn sync_refuses_plain_http_beyond_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ward.db");
    for url in ["http://ansinh.example:8080", "http://127.0.0.1.example", "http://0.0.0.0:8080"] {
        let out = ansinh(&db, &["sync", "--server", url]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("[sync.insecure_url]"), "{url}: {out:?}");
    }
    let out = ansinh(&db, &["sync", "--server", "ftp://ansinh.example"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("[sync.bad_url]"), "{out:?}");
}
