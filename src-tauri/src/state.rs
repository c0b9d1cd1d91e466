//! State shared by all commands for the lifetime of the app.

use std::path::{Path, PathBuf};

/// Environment variable that chooses the database file (the tests point it at a temp dir).
pub const DB_ENV_VAR: &str = "ANSINH_DB";

/// Directory under the platform's data dir (`~/.local/share` on Linux): the bundle identifier.
pub const DATA_SUBDIR: &str = "vn.ansinh.desktop";

/// File name of the database inside [`DATA_SUBDIR`].
pub const DB_FILE_NAME: &str = "ansinh.db";

/// Everything the commands share. The lead wires the store in here.
#[derive(Debug)]
pub struct AppState {
    db_path: PathBuf,
}

impl AppState {
    pub fn new(db_path: PathBuf) -> Self {
        Self { db_path }
    }

    /// The database file this app instance uses.
    pub fn db_path(&self) -> &Path {
        &self.db_path
    }
}

/// Error when no database location can be chosen.
#[derive(Debug, thiserror::Error)]
#[error("no data directory found: set {DB_ENV_VAR} to the database file to use")]
pub struct NoDataDir;

/// `$ANSINH_DB` when set and non-empty, else `<data_dir>/vn.ansinh.desktop/ansinh.db`.
///
/// Only chooses the path: creating the parent directory and the file is the store's job.
pub fn resolve_db_path(data_dir: Option<PathBuf>) -> Result<PathBuf, NoDataDir> {
    db_path_from(std::env::var_os(DB_ENV_VAR).map(PathBuf::from), data_dir)
}

fn db_path_from(env: Option<PathBuf>, data_dir: Option<PathBuf>) -> Result<PathBuf, NoDataDir> {
    match env {
        Some(path) if !path.as_os_str().is_empty() => Ok(path),
        _ => data_dir.map(|dir| dir.join(DATA_SUBDIR).join(DB_FILE_NAME)).ok_or(NoDataDir),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_var_wins() {
        let path = db_path_from(Some("/tmp/x.db".into()), Some("/data".into())).unwrap();
        assert_eq!(path, PathBuf::from("/tmp/x.db"));
    }

    #[test]
    fn empty_env_var_falls_back_to_data_dir() {
        let path = db_path_from(Some("".into()), Some("/data".into())).unwrap();
        assert_eq!(path, PathBuf::from("/data/vn.ansinh.desktop/ansinh.db"));
    }

    #[test]
    fn no_env_var_and_no_data_dir_is_an_error() {
        assert!(db_path_from(None, None).is_err());
    }
}
