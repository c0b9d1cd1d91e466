//! Crash safety (issue 6): the `ansinh` binary is killed with SIGKILL at random points while it
//! registers people one at a time ("entry") and imports lists of 300, on an encrypted database.
//! Afterwards the file passes `PRAGMA integrity_check`, every acknowledged write (exit status 0)
//! is there, and every list is either wholly imported or not at all. At least 50 real kills.
//! Each run signs an administrator in, as any use of an encrypted database does.

use ansinh_store::{Keyring, Store};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const HEADER: &str = "Họ và tên,Ngày sinh,Giới tính,Số định danh,Mã xã/phường,Nhóm đối tượng,Sống một mình\n";
const GIVEN: [&str; 12] =
    ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khánh", "Long", "Minh", "Nam", "Phúc", "Quang"];

/// A deterministic generator (splitmix64): the same kill points on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Person number `n`: a unique ID number and a unique (name, birth date) pair.
fn row(n: u32) -> (String, String) {
    let id = format!("001041{n:06}");
    let day = n % 28 + 1;
    let month = (n / 28) % 12 + 1;
    let name =
        format!("Nguyễn Văn {} {}", GIVEN[(n / 336) as usize % GIVEN.len()], GIVEN[(n / 4032) as usize % GIVEN.len()]);
    (id.clone(), format!("{name},{day:02}/{month:02}/1941,Nam,{id},00004,cao_tuoi_ngheo_80,\n"))
}

/// A list of `n_rows` people from `*next` on, written as `list-<i>.csv` in `dir`: its file and
/// the people's ID numbers.
fn write_list(dir: &Path, next: &mut u32, n_rows: u32, i: usize) -> (std::path::PathBuf, Vec<String>) {
    let file = dir.join(format!("list-{i}.csv"));
    let mut text = String::from(HEADER);
    let mut ids = Vec::new();
    for _ in 0..n_rows {
        let (id, line) = row(*next);
        *next += 1;
        ids.push(id);
        text.push_str(&line);
    }
    std::fs::write(&file, text).unwrap();
    (file, ids)
}

/// An encrypted database with its administrator at `db`: a scratch one, converted by
/// `ansinh encrypt`. Returns its key.
async fn encrypted(db: &Path) -> ansinh_store::DbKey {
    Store::open(db).await.unwrap().close().await;
    let encrypt = Command::new(env!("CARGO_BIN_EXE_ansinh"))
        .arg("--db")
        .arg(db)
        .args(["encrypt", "--user", ADMIN])
        .env("ANSINH_PASSWORD", PASSWORD)
        .status()
        .unwrap();
    assert!(encrypt.success());
    Keyring::load(db).unwrap().unwrap().unwrap_key(ADMIN, PASSWORD).unwrap()
}

const ADMIN: &str = "admin";
const PASSWORD: &str = "mật khẩu quản trị 2026";

/// `ansinh --db <db> --user admin <args>` started, quiet, the password from the environment.
fn ansinh(db: &Path, args: &[&std::ffi::OsStr]) -> Child {
    ansinh_with(db, args, Stdio::null())
}

fn ansinh_with(db: &Path, args: &[&std::ffi::OsStr], stderr: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ansinh"))
        .arg("--db")
        .arg(db)
        .args(["--user", ADMIN])
        .args(args)
        .env("ANSINH_PASSWORD", PASSWORD)
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("start ansinh")
}

fn import(db: &Path, file: &Path) -> Child {
    ansinh(db, &["import".as_ref(), "beneficiaries".as_ref(), file.as_os_str()])
}

/// Runs one import to the end (to learn how long one takes) and returns its duration.
fn timed(db: &Path, file: &Path) -> Duration {
    let start = Instant::now();
    assert!(import(db, file).wait().unwrap().success());
    start.elapsed()
}

#[tokio::test(flavor = "current_thread")]
async fn sigkill_during_entry_and_import_loses_nothing_acknowledged_and_leaves_no_partial_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let key = encrypted(&db).await;
    let mut rng = Rng(20261126);
    let mut next_person = 0u32;
    let mut acknowledged: Vec<String> = Vec::new();
    let mut lists: Vec<Vec<String>> = Vec::new();

    let mut write_file = |n_rows: u32, i: usize| write_list(dir.path(), &mut next_person, n_rows, i);

    // Warm-up: how long one entry and one list take here (the kill points spread over that).
    let (f, ids) = write_file(1, 0);
    let entry_time = timed(&db, &f);
    acknowledged.extend(ids);
    let (f, ids) = write_file(300, 1);
    let list_time = timed(&db, &f);
    acknowledged.extend(ids.clone());
    lists.push(ids);

    let mut kills = 0;
    let mut i = 2;
    while kills < 60 {
        assert!(i < 600, "could not kill 60 runs in 600 attempts ({kills} kills)");
        let list = i % 2 == 0;
        let (file, ids) = write_file(if list { 300 } else { 1 }, i);
        let span = if list { list_time } else { entry_time };
        let wait = span.mul_f64((rng.next() % 1000) as f64 / 900.0);
        let mut child = import(&db, &file);
        std::thread::sleep(wait);
        match child.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success(), "an import that was not killed must succeed");
                acknowledged.extend(ids.iter().cloned());
            }
            None => {
                child.kill().unwrap(); // SIGKILL
                let status = child.wait().unwrap();
                if status.success() {
                    acknowledged.extend(ids.iter().cloned()); // finished just before the signal
                } else {
                    kills += 1;
                }
            }
        }
        if list {
            lists.push(ids);
        }
        i += 1;
    }

    // The file is sound, every acknowledged person is there, no list is half imported.
    ansinh_store::backup::verify_file(&db, Some(&key)).await.expect("PRAGMA integrity_check = ok");
    let store = Store::open_encrypted(&db, &key).await.unwrap();
    for id in &acknowledged {
        assert!(store.find_by_id_number(id).await.unwrap().is_some(), "acknowledged person {id} lost");
    }
    for ids in &lists {
        let mut present = 0;
        for id in ids {
            present += usize::from(store.find_by_id_number(id).await.unwrap().is_some());
        }
        assert!(present == 0 || present == ids.len(), "a list is partly imported: {present} of {}", ids.len());
    }
    assert_eq!(store.verify_changes().await.unwrap(), None, "the change-record chain survived the kills");
    store.close().await;
    eprintln!("{kills} kills, {} acknowledged people, {} lists", acknowledged.len(), lists.len());
}

/// Did a point under way (`*.partial`) get written to since `since`?
fn written_since(dir: &Path, since: std::time::SystemTime) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    entries.flatten().any(|e| {
        e.file_name().to_string_lossy().ends_with(".partial")
            && e.metadata().and_then(|m| m.modified()).is_ok_and(|t| t >= since)
    })
}

/// `ansinh backup now`, its errors kept (a backup that fails unkilled says why).
fn backup(db: &Path, dir: &Path) -> Child {
    ansinh_with(db, &["backup".as_ref(), "now".as_ref(), "--dir".as_ref(), dir.as_os_str()], Stdio::piped())
}

/// What a finished child wrote to its stderr.
fn stderr_of(child: &mut Child) -> String {
    let mut out = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut out);
    }
    out
}

/// Issue 17: `ansinh backup now` killed at random points, full copies, sets of changes and roll
/// forwards alike, while another process imports lists into the same database. Afterwards the
/// database is sound with every acknowledged list, and every point the folder lists restores
/// to a sound database (a point is listed only once complete; a roll forward cut short is
/// finished by the next backup).
#[tokio::test(flavor = "current_thread")]
async fn sigkill_during_backups_leaves_the_database_and_every_listed_point_sound() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let backups = dir.path().join("backups");
    let key = encrypted(&db).await;
    let mut next_person = 0u32;
    let mut list = |i: usize| write_list(dir.path(), &mut next_person, 300, i);
    // A ward's year, so that a backup's copy and reads outlast its sign-in.
    let store = Store::open_encrypted(&db, &key).await.unwrap();
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let opts = ansinh_demo::DemoOptions {
        wards: 1,
        beneficiaries: 1_000,
        months: 12,
        seed: 3,
        until: day("2026-10-01"),
        today: day("2026-10-20"),
    };
    ansinh_demo::load(&store, &opts).await.unwrap();
    store.close().await;
    let (f, mut acknowledged) = list(0);
    timed(&db, &f);
    let first = Instant::now();
    let done = backup(&db, &backups).wait_with_output().unwrap();
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let span = first.elapsed();

    let mut rng = Rng(20261207);
    let mut mid_copy = 0;
    let mut kills = 0;
    let mut i = 1;
    // At least 25 kills, and at least 5 of them while a point was written (how many land there
    // depends on the machine's load: the kill points spread over a backup's whole run, sign-in
    // included).
    while kills < 25 || mid_copy < 5 {
        assert!(i < 400, "could not kill 25 backups, 5 of them while writing, in 400 attempts ({kills}, {mid_copy})");
        // Every other backup runs beside an import.
        let writer = (i % 2 == 0).then(|| list(i)).map(|(file, ids)| (import(&db, &file), ids));
        let started = std::time::SystemTime::now();
        let mut child = backup(&db, &backups);
        std::thread::sleep(span.mul_f64((rng.next() % 1000) as f64 / 800.0));
        match child.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success(), "a backup that was not killed must succeed: {}", stderr_of(&mut child))
            }
            None => {
                child.kill().unwrap(); // SIGKILL
                if !child.wait().unwrap().success() {
                    kills += 1;
                    // Killed while writing its point (not while signing in): it left a `.partial`.
                    mid_copy += usize::from(written_since(&backups, started));
                }
            }
        }
        if let Some((mut import, ids)) = writer {
            assert!(import.wait().unwrap().success(), "an import beside a backup must succeed");
            acknowledged.extend(ids);
        }
        i += 1;
    }
    // One more, not killed: it finishes what a killed one left (a roll forward, partial files).
    let done = backup(&db, &backups).wait_with_output().unwrap();
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));

    ansinh_store::backup::verify_file(&db, Some(&key)).await.expect("PRAGMA integrity_check = ok");
    let store = Store::open_encrypted(&db, &key).await.unwrap();
    for id in &acknowledged {
        assert!(store.find_by_id_number(id).await.unwrap().is_some(), "acknowledged person {id} lost");
    }
    store.close().await;
    let points = ansinh_store::list_backups(&backups).unwrap();
    assert!((2..=ansinh_store::backup::KEEP_BACKUPS).contains(&points.len()));
    let target = dir.path().join("restored.db");
    for (n, p) in points.iter().enumerate() {
        std::fs::copy(&db, &target).unwrap();
        ansinh_store::backup::restore(Path::new(&p.path), &target, Some(&key))
            .await
            .unwrap_or_else(|e| panic!("point {n} ({}) does not restore: {e}", p.path));
        let restored = Store::open_encrypted(&target, &key).await.unwrap();
        assert_eq!(restored.verify_changes().await.unwrap(), None);
        // The newest point was taken after every import ended: it holds every person.
        if n == 0 {
            for id in &acknowledged {
                assert!(restored.find_by_id_number(id).await.unwrap().is_some(), "{id} missing from the newest point");
            }
        }
        restored.close().await;
    }
    eprintln!("{kills} backups killed ({mid_copy} while writing their point), {} people", acknowledged.len());
}
