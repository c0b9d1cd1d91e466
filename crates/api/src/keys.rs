//! The database key itself: re-keying after someone leaves, and converting a plaintext
//! database found where the encrypted one is expected. Both write the database into a new file
//! under a new key (`sqlcipher_export`, every table's rows counted, integrity-checked), then
//! swap file and keyring together (`ansinh_store::swap`). Why not `PRAGMA rekey`: see
//! `ansinh_store::encrypt`.

use crate::Cmd;
use crate::access::Access;
use crate::state::{AppState, busy, close_store};
use ansinh_core::ErrorCode;
use ansinh_core::auth::{self, denied};
use ansinh_store::{DbKey, Keyring, Store, encrypt, swap};
use std::sync::Arc;

/// What a re-key did.
#[derive(ts_rs::TS, Debug, Clone, serde::Serialize, PartialEq)]
pub struct RekeyReport {
    /// Active users the new key was sealed for (their passwords unchanged).
    pub sealed_for: Vec<String>,
    /// Active users left without a key (their entry predates this version): an administrator
    /// sets them a new password.
    pub without_key: Vec<String>,
}

impl AppState {
    /// Takes the store out for a swap: commands get `auth.busy` until it is back. Fails (and
    /// puts it back) when running commands do not finish in time.
    pub(crate) async fn take_for_swap(&self) -> Cmd<Option<DbKey>> {
        let (store, key) = {
            let mut inner = self.lock_inner();
            if inner.busy {
                return Err(busy());
            }
            inner.busy = true;
            (inner.store.take(), inner.key.clone())
        };
        if let Some(store) = store
            && let Err(back) = close_store(store).await
        {
            let mut inner = self.lock_inner();
            inner.store = Some(back);
            inner.busy = false;
            return Err(busy());
        }
        Ok(key)
    }

    /// After a swap (or a failed one): the store opened with `key` is the session's again.
    pub(crate) async fn put_back(&self, key: Option<DbKey>) -> Cmd<Arc<Store>> {
        let opened = match &key {
            Some(k) => Store::open_encrypted(&self.db_path, k).await,
            None => Store::open(&self.db_path).await,
        };
        let officer = self.session_username();
        let mut inner = self.lock_inner();
        inner.busy = false;
        let store = Arc::new(opened?);
        // Audit entries and change records keep naming the signed-in person.
        if let Some(name) = officer {
            store.set_officer(&name);
        }
        inner.store = Some(store.clone());
        inner.key = key;
        Ok(store)
    }

    /// A new random database key (administrators): the database re-encrypted into a new file,
    /// the new key sealed for every active user, file and keyring swapped. A copy of the old
    /// keyring (with an old password) no longer opens the file. Audited. Takes the access by
    /// value: the store it holds must be let go before the file is replaced.
    pub async fn rekey(&self, access: Access) -> Cmd<RekeyReport> {
        let active: Vec<String> =
            access.store.list_users().await?.into_iter().filter(|u| u.active).map(|u| u.username).collect();
        drop(access);
        let ring = Keyring::load(&self.db_path)?
            .ok_or_else(|| denied(ErrorCode::KeyPlaintext, "this database is not encrypted: convert it first"))?;
        let Some(old) = self.take_for_swap().await? else {
            self.put_back(None).await?;
            return Err(denied(ErrorCode::KeyPlaintext, "this database is not encrypted: convert it first"));
        };
        let new = DbKey::random();
        let staged = swap::staging_path(&self.db_path);
        let _ = std::fs::remove_file(&staged);
        let swapped = async {
            encrypt::export_encrypted(&self.db_path, Some(&old), &staged, &new).await?;
            let (next, without_key) = ring.resealed(&new, &active)?;
            swap::replace(&self.db_path, Some(&next.to_bytes()))?;
            Ok::<_, ansinh_store::StoreError>(without_key)
        }
        .await;
        let without_key = match swapped {
            Ok(w) => w,
            Err(e) => {
                let _ = std::fs::remove_file(&staged);
                self.put_back(Some(old)).await?;
                return Err(e.into());
            }
        };
        let store = self.put_back(Some(new)).await?;
        let sealed_for: Vec<String> = active.into_iter().filter(|u| !without_key.contains(u)).collect();
        let report = RekeyReport { sealed_for, without_key };
        let details = serde_json::to_value(&report).expect("serialisable");
        store.audit("database.rekey", None, None, details).await?;
        Ok(report)
    }

    /// Converts the plaintext database at the database's place (with the consent of the person
    /// at the first screen): written encrypted into a new file under a random key, checked,
    /// swapped in; the plaintext file is removed (see docs/SECURITY.md for why it is not kept).
    /// A database without users gets `username` as its administrator (like a set-up); one with
    /// users needs an active administrator's name and password from it. Signs that person in.
    pub async fn convert_plaintext(
        &self,
        username: &str,
        display_name: &str,
        password: &str,
    ) -> Cmd<ansinh_store::UserView> {
        if self.store().is_some() {
            return Err(denied(ErrorCode::AuthAlreadySetUp, "sign out first"));
        }
        swap::recover(&self.db_path)?;
        if !encrypt::is_plaintext(&self.db_path)? {
            return Err(denied(ErrorCode::KeyNotPlaintext, "there is no unencrypted database to convert"));
        }
        let info = encrypt::peek_plaintext(&self.db_path).await?;
        if info.users == 0 {
            auth::validate_new_user(username, password, "admin", None)?;
        } else {
            self.check_cold_lock(username)?;
            if let Err(e) = encrypt::check_plaintext_admin(&self.db_path, username, password).await {
                self.count_cold_failure(username);
                return Err(e.into());
            }
        }
        let key = DbKey::random();
        let staged = swap::staging_path(&self.db_path);
        let _ = std::fs::remove_file(&staged);
        encrypt::export_encrypted(&self.db_path, None, &staged, &key).await?;
        let mut ring = Keyring::new(&self.db_path);
        ring.insert(username, password, &key)?;
        swap::replace(&self.db_path, Some(&ring.to_bytes()))?;
        drop(key);
        let user = self.sign_in(username, password, Some(display_name)).await?;
        if let Some(store) = self.store() {
            let without_key: Vec<String> =
                store.list_users().await?.into_iter().map(|u| u.username).filter(|u| u != username).collect();
            let details = serde_json::json!({
                "from": "plaintext", "people": info.people, "users_without_key": without_key,
            });
            store.audit("database.encrypted", None, None, details).await?;
        }
        Ok(user)
    }
}
