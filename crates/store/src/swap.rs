//! Replacing a database file and its keyring together (a restore, a re-key, a conversion of a
//! plaintext database), so that a crash at any point leaves a database its keyring opens.
//!
//! The new file is written and verified at [`staging_path`] (`<db>.swap-new`) by the caller,
//! the new keyring at `<db>.keys.next`; then a marker `<db>.swap-commit` is written. Once the
//! marker exists the swap is finished forward (by [`replace`], or by [`recover`] at the next
//! start after a crash): the old file is moved aside, the new one takes its name, the new
//! keyring takes the keyring's name, the old file is removed. Without the marker the staged
//! files are abandoned and the old database stays as it was.

use crate::error::{Result, StoreError};
use crate::keyring::keyring_path;
use crate::private;
use std::path::{Path, PathBuf};

/// `path` with `suffix` added to its name (`a.db` → `a.db-wal`).
pub(crate) fn with_suffix(db: &Path, suffix: &str) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Where the replacement database is written and verified before it takes the database's name.
pub fn staging_path(db: &Path) -> PathBuf {
    with_suffix(db, ".swap-new")
}

fn old_path(db: &Path) -> PathBuf {
    with_suffix(db, ".swap-old")
}

fn next_keys(db: &Path) -> PathBuf {
    with_suffix(db, ".keys.next")
}

fn marker(db: &Path) -> PathBuf {
    with_suffix(db, ".swap-commit")
}

use StoreError as E;

/// Removes `path`; one already gone is fine.
pub(crate) fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(E::at(path)(e)),
        _ => Ok(()),
    }
}

/// The `-wal` and `-shm` files of `db` (none once every connection closed cleanly).
pub(crate) fn side_files(db: &Path) -> [PathBuf; 2] {
    [with_suffix(db, "-wal"), with_suffix(db, "-shm")]
}

/// Puts the staged database (at [`staging_path`]) in place of `db`, with `keyring` (the new
/// keyring's bytes; `None`: the new database is plain, any keyring is removed). Every
/// connection to `db` must be closed.
pub fn replace(db: &Path, keyring: Option<&[u8]>) -> Result<()> {
    let staged = staging_path(db);
    if !staged.exists() {
        return Err(StoreError::Folder {
            path: staged.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "nothing staged"),
        });
    }
    let next = next_keys(db);
    match keyring {
        Some(bytes) => private::write(&next, bytes).map_err(E::at(&next))?,
        None => remove_if_there(&next)?,
    }
    // From here on the swap happens, now or at the next start.
    let mark = marker(db);
    private::write(&mark, if keyring.is_some() { b"keys" } else { b"plain" }).map_err(E::at(&mark))?;
    private::sync_dir(&mark);
    finish(db)
}

/// Finishes a swap a crash interrupted after its marker, or abandons one interrupted before it.
/// Called before a database is opened; does nothing when no swap was under way.
pub fn recover(db: &Path) -> Result<()> {
    if marker(db).exists() {
        return finish(db);
    }
    remove_if_there(&staging_path(db))?;
    for side in side_files(&staging_path(db)) {
        remove_if_there(&side)?;
    }
    remove_if_there(&next_keys(db))
}

/// Each step can be repeated: a crash between two leaves a state the next call completes.
fn finish(db: &Path) -> Result<()> {
    let mark = marker(db);
    let plain = std::fs::read(&mark).map_err(E::at(&mark))? == b"plain";
    let (staged, old) = (staging_path(db), old_path(db));
    if staged.exists() {
        if db.exists() {
            std::fs::rename(db, &old).map_err(E::at(db))?;
        }
        // A log of the old file must never be replayed onto the new one.
        for side in side_files(db) {
            remove_if_there(&side)?;
        }
        std::fs::rename(&staged, db).map_err(E::at(db))?;
        private::sync_dir(db);
    }
    let next = next_keys(db);
    if next.exists() {
        std::fs::rename(&next, keyring_path(db)).map_err(E::at(&next))?;
        private::sync_dir(db);
    } else if plain {
        remove_if_there(&keyring_path(db))?;
    }
    remove_if_there(&old)?;
    for side in side_files(&old) {
        remove_if_there(&side)?;
    }
    remove_if_there(&mark)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(dir: &Path) -> PathBuf {
        let db = dir.join("a.db");
        std::fs::write(&db, "old").unwrap();
        std::fs::write(keyring_path(&db), "old keys").unwrap();
        std::fs::write(staging_path(&db), "new").unwrap();
        db
    }

    #[test]
    fn a_swap_replaces_file_and_keyring_together() {
        let dir = tempfile::tempdir().unwrap();
        let db = setup(dir.path());
        std::fs::write(with_suffix(&db, "-wal"), "old log").unwrap();
        replace(&db, Some(b"new keys")).unwrap();
        assert_eq!(std::fs::read_to_string(&db).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(keyring_path(&db)).unwrap(), "new keys");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left.len(), 2, "only the database and its keyring remain: {left:?}");
    }

    #[test]
    fn a_crash_before_the_marker_keeps_the_old_database() {
        let dir = tempfile::tempdir().unwrap();
        let db = setup(dir.path());
        std::fs::write(next_keys(&db), "new keys").unwrap();
        recover(&db).unwrap();
        assert_eq!(std::fs::read_to_string(&db).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(keyring_path(&db)).unwrap(), "old keys");
        assert!(!staging_path(&db).exists() && !next_keys(&db).exists());
    }

    #[test]
    fn a_crash_after_the_marker_is_finished_at_the_next_start() {
        // Every point after the marker: before any rename, after the database moved aside,
        // after the new database is in place.
        for step in 0..3 {
            let dir = tempfile::tempdir().unwrap();
            let db = setup(dir.path());
            std::fs::write(next_keys(&db), "new keys").unwrap();
            std::fs::write(marker(&db), "keys").unwrap();
            if step >= 1 {
                std::fs::rename(&db, old_path(&db)).unwrap();
            }
            if step >= 2 {
                std::fs::rename(staging_path(&db), &db).unwrap();
            }
            recover(&db).unwrap();
            assert_eq!(std::fs::read_to_string(&db).unwrap(), "new", "step {step}");
            assert_eq!(std::fs::read_to_string(keyring_path(&db)).unwrap(), "new keys", "step {step}");
            assert!(!old_path(&db).exists() && !marker(&db).exists());
        }
    }

    #[test]
    fn a_plain_database_put_in_place_drops_the_keyring() {
        let dir = tempfile::tempdir().unwrap();
        let db = setup(dir.path());
        replace(&db, None).unwrap();
        assert_eq!(std::fs::read_to_string(&db).unwrap(), "new");
        assert!(!keyring_path(&db).exists());
    }
}
