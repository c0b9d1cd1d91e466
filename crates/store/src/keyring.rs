//! Encryption at rest (issue 6). The database is a SQLCipher file keyed with a random 256-bit
//! key. That key is never stored in clear: the keyring file beside the database
//! (`<db>.keys`, JSON) holds one copy per user, wrapped (ChaCha20-Poly1305) with a key derived
//! from that user's password (Argon2id, per-entry random salt). Any user can open the database
//! with their own password; without a password the file and its keyring reveal nothing.
//! Design and threat model: docs/SECURITY.md.

use crate::error::{Result, StoreError};
use ansinh_core::FieldError;
use ansinh_core::auth;
use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The raw SQLCipher key (zeroed when dropped).
#[derive(Clone)]
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    pub fn random() -> DbKey {
        let k = ChaCha20Poly1305::generate_key(&mut OsRng);
        let mut out = [0u8; 32];
        out.copy_from_slice(&k);
        DbKey(Zeroizing::new(out))
    }

    /// From 64 hex digits (`ANSINH_DB_KEY`, `--db-key-file`).
    pub fn from_hex(s: &str) -> Result<DbKey> {
        let bytes = hex::decode(s.trim()).ok().filter(|b| b.len() == 32).ok_or_else(|| {
            StoreError::Access(access("key.invalid", "the database key must be 64 hexadecimal digits"))
        })?;
        let mut out = [0u8; 32];
        out.copy_from_slice(&bytes);
        Ok(DbKey(Zeroizing::new(out)))
    }

    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(*self.0))
    }

    /// The value of SQLCipher's `PRAGMA key` for a raw key (no KDF inside SQLCipher).
    pub(crate) fn pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", hex::encode(*self.0)))
    }
}

fn access(code: &str, message: &str) -> FieldError {
    FieldError { code: code.into(), message: message.into(), field: None, row: None, params: Default::default() }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    username: String,
    salt: String,
    nonce: String,
    wrapped: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeyringFile {
    version: u32,
    kdf: String,
    cipher: String,
    entries: Vec<Entry>,
}

/// The keyring beside one database file.
pub struct Keyring {
    path: PathBuf,
    file: KeyringFile,
}

/// `<db>.keys`: the keyring of the database at `db` (backups carry theirs as `<backup>.keys`).
pub fn keyring_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".keys");
    PathBuf::from(p)
}

impl Keyring {
    /// The keyring of `db`, if the database is encrypted.
    pub fn load(db: &Path) -> Result<Option<Keyring>> {
        let path = keyring_path(db);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let file: KeyringFile = serde_json::from_slice(&bytes).map_err(|e| {
                    StoreError::Access(access("key.keyring_damaged", &format!("{}: {e}", path.display())))
                })?;
                Ok(Some(Keyring { path, file }))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StoreError::Folder { path: path.display().to_string(), source }),
        }
    }

    /// A new keyring for `db` with a fresh random key, wrapped for its first user.
    pub fn create(db: &Path, username: &str, password: &str) -> Result<(Keyring, DbKey)> {
        let key = DbKey::random();
        let mut k = Keyring {
            path: keyring_path(db),
            file: KeyringFile {
                version: 1,
                kdf: "argon2id-m19456-t2-p1".into(),
                cipher: "chacha20poly1305".into(),
                entries: vec![],
            },
        };
        k.put(username, password, &key)?;
        Ok((k, key))
    }

    pub fn has_user(&self, username: &str) -> bool {
        self.file.entries.iter().any(|e| e.username == username)
    }

    /// The database key, if `password` is `username`'s.
    pub fn unwrap_key(&self, username: &str, password: &str) -> Result<DbKey> {
        let wrong = || StoreError::Access(access("auth.bad_credentials", "wrong user name or password"));
        let e = self.file.entries.iter().find(|e| e.username == username).ok_or_else(wrong)?;
        let salt = hex::decode(&e.salt).map_err(|_| wrong())?;
        let nonce = hex::decode(&e.nonce).map_err(|_| wrong())?;
        let wrapped = hex::decode(&e.wrapped).map_err(|_| wrong())?;
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| wrong())?;
        let kek = Zeroizing::new(auth::derive_key(password, &salt).map_err(|_| wrong())?);
        let plain = Zeroizing::new(
            ChaCha20Poly1305::new(&Key::from(*kek))
                .decrypt(&Nonce::from(nonce), wrapped.as_slice())
                .map_err(|_| wrong())?,
        );
        if plain.len() != 32 {
            return Err(wrong());
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(&plain);
        Ok(DbKey(Zeroizing::new(out)))
    }

    /// Wraps `key` for `username` (a new user, or a new password) and saves the keyring.
    pub fn put(&mut self, username: &str, password: &str, key: &DbKey) -> Result<()> {
        let mut salt = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        let kek = Zeroizing::new(
            auth::derive_key(password, &salt).map_err(|e| StoreError::Access(access("key.derive", &e.to_string())))?,
        );
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let wrapped = ChaCha20Poly1305::new(&Key::from(*kek))
            .encrypt(&nonce, key.0.as_slice())
            .map_err(|_| StoreError::Access(access("key.wrap", "could not wrap the key")))?;
        self.file.entries.retain(|e| e.username != username);
        self.file.entries.push(Entry {
            username: username.into(),
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            wrapped: hex::encode(wrapped),
        });
        self.save()
    }

    pub fn remove(&mut self, username: &str) -> Result<()> {
        self.file.entries.retain(|e| e.username != username);
        self.save()
    }

    /// Writes atomically (temporary file, fsync, rename): a crash leaves the old or the new keyring.
    fn save(&self) -> Result<()> {
        write_atomic(&self.path, &serde_json::to_vec_pretty(&self.file).expect("keyring serialises"))
    }

    /// A copy of this keyring beside another database file (a backup).
    pub fn copy_for(&self, db: &Path) -> Result<()> {
        write_atomic(&keyring_path(db), &serde_json::to_vec_pretty(&self.file).expect("keyring serialises"))
    }
}

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let io = |source| StoreError::Folder { path: path.display().to_string(), source };
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)?;
    Ok(())
}
