//! Files only their owner may read (issue 13): the database and its side files, the keyring,
//! backups, exports (CSV, XLSX, bundles, receipts, reports, person exports). Every such file is
//! created through this module, so its mode is 0600 on Unix whatever the umask, also when an
//! older file of that name was readable by others. On Windows the file inherits the ACL of its
//! folder (the user's profile or Documents, private to that user by default).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Opens `path` for writing (created, or truncated), readable and writable by its owner only.
pub fn create(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts.open(path)?;
    restrict(path)?;
    Ok(file)
}

/// An empty file only its owner may read, for SQLite to fill (`VACUUM INTO`, `ATTACH`, a new
/// database): SQLite gives the files it creates the default mode (0644 less the umask), and its
/// `-wal`/`-shm` files copy the mode of the database file.
pub fn create_empty(path: &Path) -> io::Result<()> {
    create(path).map(drop)
}

/// Writes `bytes` to `path` (owner only).
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Writes through a temporary file, fsync and rename: a crash leaves the old or the new content.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    sync_dir(path);
    Ok(())
}

/// Makes an existing file owner-only (a file created by another program, e.g. SQLite).
pub fn restrict(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Flushes a folder's entries (a rename is durable once its folder is synced); best effort.
pub fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &std::path::Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn files_are_owner_only_even_over_a_readable_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("export.csv");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        super::write(&p, b"new").unwrap();
        assert_eq!(mode(&p), 0o600);
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        let q = dir.path().join("keys");
        super::write_atomic(&q, b"{}").unwrap();
        assert_eq!(mode(&q), 0o600);
    }
}
