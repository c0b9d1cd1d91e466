//! Backups: the daily rule, a backup now, and a restore, whose own audit entry is written into
//! the restored database once it is in place (an entry written before the swap would be lost
//! with the file it was written to).

use crate::Cmd;
use crate::access::Access;
use crate::state::AppState;
use ansinh_core::ErrorCode;
use ansinh_core::auth::denied;
use ansinh_store::{BackupInfo, DbKey, Keyring, Store, backup};
use std::path::Path;

impl AppState {
    /// A verified backup now (administrators, or automatically once a day).
    pub async fn backup_now(&self, access: &Access) -> Cmd<BackupInfo> {
        Ok(access.store.backup_to(&self.backup_dir, self.key().as_ref()).await?)
    }

    /// The automatic daily backup, taken after a sign-in when the newest is a day old or more.
    pub async fn backup_if_due(&self) -> Cmd<Option<BackupInfo>> {
        let Some(store) = self.store() else { return Ok(None) };
        let newest = ansinh_store::list_backups(&self.backup_dir)?.into_iter().next();
        let due = newest.is_none_or(|b| {
            chrono::DateTime::parse_from_rfc3339(&b.taken_at)
                .map(|t| chrono::Utc::now().signed_duration_since(t) >= chrono::Duration::hours(24))
                .unwrap_or(true)
        });
        if !due {
            return Ok(None);
        }
        Ok(Some(store.backup_to(&self.backup_dir, self.key().as_ref()).await?))
    }

    /// The key that opens `file`: the session's, or (a backup from before a re-key) the one its
    /// own keyring holds for the signed-in person, opened with their identity.
    /// A set of changes is opened by the key of the full copy its chain starts from.
    async fn backup_key(&self, access: &Access, file: &Path) -> Cmd<Option<DbKey>> {
        let image = backup::image_of(file)?;
        let (key, identity) = {
            let inner = self.lock_inner();
            (inner.key.clone(), inner.identity.clone())
        };
        let Some(key) = key else {
            // A scratch database (no keyring): only a plain backup fits it.
            return match ansinh_store::is_plaintext(&image)? {
                true => Ok(None),
                false => Err(denied(ErrorCode::BackupNoKey, "this backup is encrypted; this database is not")),
            };
        };
        if ansinh_store::is_plaintext(&image)? {
            return Err(denied(
                ErrorCode::BackupPlaintext,
                "an unencrypted backup never replaces an encrypted database",
            ));
        }
        if backup::verify_key(&image, &key).await.is_ok() {
            return Ok(Some(key));
        }
        let no_key =
            || denied(ErrorCode::BackupNoKey, "your key does not open this backup (it was made for other users)");
        let ring = Keyring::load(file)?.ok_or_else(no_key)?;
        let identity = identity.ok_or_else(no_key)?;
        let older = ring.unseal(&access.user.username, &identity).map_err(|_| no_key())?;
        backup::verify_key(&image, &older).await.map_err(|_| no_key())?;
        Ok(Some(older))
    }

    /// Replaces the database with a backup (administrators): verified first, swapped in with
    /// its keyring, the restore audited in the restored database under the person who did it,
    /// then everyone is signed out (the next sign-in opens the restored file with its keyring).
    /// Takes the access by value: the store it holds must be let go before the swap.
    pub async fn restore_backup(&self, access: Access, file: &Path) -> Cmd<()> {
        let key = self.backup_key(&access, file).await?;
        let local = self.is_local();
        let actor = access.user.username.clone();
        drop(access);
        let current = self.take_for_swap().await?;
        if let Err(e) = backup::restore(file, &self.db_path, key.as_ref()).await {
            self.put_back(current).await?;
            return Err(e.into());
        }
        let store = match &key {
            Some(k) => Store::open_encrypted(&self.db_path, k).await,
            None => Store::open(&self.db_path).await,
        };
        let result = async {
            let store = store?;
            store.set_officer(&actor);
            let details = serde_json::json!({"file": file.display().to_string()});
            let audited = store.audit("restore", None, None, details).await;
            store.close().await;
            audited
        }
        .await;
        {
            let mut inner = self.lock_inner();
            inner.busy = false;
        }
        // Everyone signs in again (a scratch database's local session reopens it).
        self.close().await;
        if local {
            self.open_local().await?;
        }
        Ok(result?)
    }
}
