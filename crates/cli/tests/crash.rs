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

const ADMIN: &str = "admin";
const PASSWORD: &str = "mật khẩu quản trị 2026";

fn import(db: &Path, file: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ansinh"))
        .arg("--db")
        .arg(db)
        .args(["--user", ADMIN, "import", "beneficiaries"])
        .arg(file)
        .env("ANSINH_PASSWORD", PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ansinh")
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
    // An encrypted database with its administrator: a scratch one, converted by `ansinh encrypt`.
    Store::open(&db).await.unwrap().close().await;
    let encrypt = Command::new(env!("CARGO_BIN_EXE_ansinh"))
        .arg("--db")
        .arg(&db)
        .args(["encrypt", "--user", ADMIN])
        .env("ANSINH_PASSWORD", PASSWORD)
        .status()
        .unwrap();
    assert!(encrypt.success());
    let key = Keyring::load(&db).unwrap().unwrap().unwrap_key(ADMIN, PASSWORD).unwrap();
    let mut rng = Rng(20261126);
    let mut next_person = 0u32;
    let mut acknowledged: Vec<String> = Vec::new();
    let mut lists: Vec<Vec<String>> = Vec::new();

    let mut write_file = |n_rows: u32, i: usize| {
        let file = dir.path().join(format!("list-{i}.csv"));
        let mut text = String::from(HEADER);
        let mut ids = Vec::new();
        for _ in 0..n_rows {
            let (id, line) = row(next_person);
            next_person += 1;
            ids.push(id);
            text.push_str(&line);
        }
        std::fs::write(&file, text).unwrap();
        (file, ids)
    };

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
