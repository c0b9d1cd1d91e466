//! Encryption at rest (issues 6 and 13). The database is a SQLCipher file keyed with a random
//! 256-bit key, never stored in clear. The keyring beside it (`<db>.keys`, JSON, owner-only)
//! holds one entry per person who may open it:
//!
//! - an age X25519 **identity** of their own, its secret wrapped (ChaCha20-Poly1305) under
//!   `Argon2id(password, salt)`, bound to the user name and recipient;
//! - the **database key sealed** (age) to that identity's public recipient.
//!
//! So a password opens only its own identity, which opens the database key; an administrator
//! who holds the key can seal a new key for every remaining person without knowing their
//! passwords (re-key), and removing an entry takes a person's access away. Version 1 entries
//! (the database key wrapped directly by the password) are still read, and replaced by a
//! version 2 entry when that person signs in. Design and threat model: docs/SECURITY.md.

use crate::error::{Result, StoreError};
use crate::private;
use age::secrecy::ExposeSecret;
use ansinh_core::ErrorCode;
use ansinh_core::FieldError;
use ansinh_core::auth;
use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use zeroize::Zeroizing;

/// The keyring format this code writes.
pub const KEYRING_VERSION: u32 = 2;

/// The raw SQLCipher key (zeroed when dropped).
#[derive(Clone)]
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    pub fn random() -> DbKey {
        let mut out = [0u8; 32];
        OsRng.fill_bytes(&mut out);
        DbKey(Zeroizing::new(out))
    }

    fn from_slice(bytes: &[u8]) -> Option<DbKey> {
        let arr: [u8; 32] = bytes.try_into().ok()?;
        Some(DbKey(Zeroizing::new(arr)))
    }

    /// For tests that compare keys.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(*self.0))
    }

    /// The value of SQLCipher's `PRAGMA key` for a raw key (no KDF inside SQLCipher).
    pub(crate) fn pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", hex::encode(*self.0)))
    }

    /// The `KEY` of `ATTACH DATABASE … KEY ?` for a raw key.
    pub(crate) fn attach_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(*self.0)))
    }
}

impl PartialEq for DbKey {
    fn eq(&self, other: &Self) -> bool {
        *self.0 == *other.0
    }
}

/// A person's age identity, unwrapped by their password (zeroed when dropped). Kept for the
/// session so a restore can open a backup sealed under an older database key.
#[derive(Clone)]
pub struct UserIdentity(age::x25519::Identity);

/// What a password opens.
pub struct Unlocked {
    pub key: DbKey,
    /// None for a version 1 entry (no identity yet: see [`Keyring::is_legacy`]).
    pub identity: Option<UserIdentity>,
}

pub(crate) fn access(code: ErrorCode, message: &str) -> StoreError {
    StoreError::Access(FieldError { code, message: message.into(), field: None, row: None, params: Default::default() })
}

fn wrong() -> StoreError {
    access(ErrorCode::AuthBadCredentials, "wrong user name or password")
}

/// Version 2: the identity wrapped by the password, the database key sealed to the identity.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EntryV2 {
    username: String,
    /// The identity's public half, "age1…".
    recipient: String,
    salt: String,
    nonce: String,
    /// The identity's secret ("AGE-SECRET-KEY-1…"), encrypted under Argon2id(password, salt).
    identity: String,
    /// The database key, age-encrypted to `recipient`, hex.
    sealed_key: String,
}

/// Version 1 (issue 6): the database key wrapped directly by the password.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EntryV1 {
    username: String,
    salt: String,
    nonce: String,
    wrapped: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum Entry {
    V2(EntryV2),
    V1(EntryV1),
}

impl Entry {
    fn username(&self) -> &str {
        match self {
            Entry::V2(e) => &e.username,
            Entry::V1(e) => &e.username,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeyringFile {
    version: u32,
    kdf: String,
    cipher: String,
    #[serde(default)]
    seal: Option<String>,
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

/// The additional data an identity is wrapped with: an entry cannot be moved to another name.
fn aad(username: &str, recipient: &str) -> Vec<u8> {
    format!("ansinh-keyring-v2\0{username}\0{recipient}").into_bytes()
}

fn kek(password: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
    auth::derive_key(password, salt).map(Zeroizing::new).map_err(|e| access(ErrorCode::KeyDerive, &e.to_string()))
}

impl EntryV2 {
    /// A new entry: the identity wrapped with `password`, `key` sealed to it.
    fn new(username: &str, password: &str, identity: &age::x25519::Identity, key: &DbKey) -> Result<EntryV2> {
        let recipient = identity.to_public().to_string();
        let mut salt = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        let kek = kek(password, &salt)?;
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let secret = identity.to_string();
        let wrapped = ChaCha20Poly1305::new(&Key::from(*kek))
            .encrypt(&nonce, Payload { msg: secret.expose_secret().as_bytes(), aad: &aad(username, &recipient) })
            .map_err(|_| access(ErrorCode::KeyWrap, "could not wrap the identity"))?;
        Ok(EntryV2 {
            username: username.into(),
            sealed_key: seal(&identity.to_public(), key)?,
            recipient,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            identity: hex::encode(wrapped),
        })
    }

    fn identity(&self, password: &str) -> Result<age::x25519::Identity> {
        let salt = hex::decode(&self.salt).map_err(|_| wrong())?;
        let nonce: [u8; 12] = hex::decode(&self.nonce).map_err(|_| wrong())?.try_into().map_err(|_| wrong())?;
        let wrapped = hex::decode(&self.identity).map_err(|_| wrong())?;
        let kek = kek(password, &salt).map_err(|_| wrong())?;
        let plain = Zeroizing::new(
            ChaCha20Poly1305::new(&Key::from(*kek))
                .decrypt(&Nonce::from(nonce), Payload { msg: &wrapped, aad: &aad(&self.username, &self.recipient) })
                .map_err(|_| wrong())?,
        );
        let text = std::str::from_utf8(&plain).map_err(|_| wrong())?;
        age::x25519::Identity::from_str(text).map_err(|_| wrong())
    }

    fn unseal(&self, identity: &age::x25519::Identity) -> Result<DbKey> {
        let sealed = hex::decode(&self.sealed_key).map_err(|_| damaged("a sealed key is not hex"))?;
        let plain = Zeroizing::new(age::decrypt(identity, &sealed).map_err(|_| wrong())?);
        DbKey::from_slice(&plain).ok_or_else(|| damaged("a sealed key has the wrong length"))
    }
}

impl EntryV1 {
    fn unwrap_key(&self, password: &str) -> Result<DbKey> {
        let salt = hex::decode(&self.salt).map_err(|_| wrong())?;
        let nonce: [u8; 12] = hex::decode(&self.nonce).map_err(|_| wrong())?.try_into().map_err(|_| wrong())?;
        let wrapped = hex::decode(&self.wrapped).map_err(|_| wrong())?;
        let kek = kek(password, &salt).map_err(|_| wrong())?;
        let plain = Zeroizing::new(
            ChaCha20Poly1305::new(&Key::from(*kek))
                .decrypt(&Nonce::from(nonce), wrapped.as_slice())
                .map_err(|_| wrong())?,
        );
        DbKey::from_slice(&plain).ok_or_else(wrong)
    }
}

fn seal(recipient: &age::x25519::Recipient, key: &DbKey) -> Result<String> {
    let sealed =
        age::encrypt(recipient, key.0.as_slice()).map_err(|_| access(ErrorCode::KeyWrap, "could not seal the key"))?;
    Ok(hex::encode(sealed))
}

fn empty_file() -> KeyringFile {
    KeyringFile {
        version: KEYRING_VERSION,
        kdf: "argon2id-m19456-t2-p1".into(),
        cipher: "chacha20poly1305".into(),
        seal: Some("age-x25519".into()),
        entries: vec![],
    }
}

fn damaged(what: &str) -> StoreError {
    access(ErrorCode::KeyKeyringDamaged, &format!("the keyring is damaged: {what}"))
}

impl Keyring {
    /// An empty keyring for `db` (not written until an entry is put or it is saved).
    pub fn new(db: &Path) -> Keyring {
        Keyring { path: keyring_path(db), file: empty_file() }
    }

    /// The keyring of `db`, if the database is encrypted.
    pub fn load(db: &Path) -> Result<Option<Keyring>> {
        let path = keyring_path(db);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let file: KeyringFile =
                    serde_json::from_slice(&bytes).map_err(|e| damaged(&format!("{}: {e}", path.display())))?;
                if file.version > KEYRING_VERSION {
                    return Err(damaged(&format!("version {} is newer than this app", file.version)));
                }
                Ok(Some(Keyring { path, file }))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StoreError::Folder { path: path.display().to_string(), source }),
        }
    }

    /// A new keyring for `db` with a fresh random key, made for its first user, and saved.
    pub fn create(db: &Path, username: &str, password: &str) -> Result<(Keyring, DbKey)> {
        let key = DbKey::random();
        let mut k = Keyring::new(db);
        k.put(username, password, &key)?;
        Ok((k, key))
    }

    pub fn has_user(&self, username: &str) -> bool {
        self.file.entries.iter().any(|e| e.username() == username)
    }

    /// The people who have an entry.
    pub fn usernames(&self) -> Vec<String> {
        self.file.entries.iter().map(|e| e.username().to_string()).collect()
    }

    /// Whether `username`'s entry is still version 1 (upgraded at their next sign-in).
    pub fn is_legacy(&self, username: &str) -> bool {
        self.file.entries.iter().any(|e| matches!(e, Entry::V1(v) if v.username == username))
    }

    fn entry(&self, username: &str) -> Result<&Entry> {
        self.file.entries.iter().find(|e| e.username() == username).ok_or_else(wrong)
    }

    /// Opens `username`'s entry with their password: the database key (and their identity).
    pub fn unlock(&self, username: &str, password: &str) -> Result<Unlocked> {
        match self.entry(username)? {
            Entry::V2(e) => {
                let identity = e.identity(password)?;
                Ok(Unlocked { key: e.unseal(&identity)?, identity: Some(UserIdentity(identity)) })
            }
            Entry::V1(e) => Ok(Unlocked { key: e.unwrap_key(password)?, identity: None }),
        }
    }

    /// The database key, if `password` is `username`'s.
    pub fn unwrap_key(&self, username: &str, password: &str) -> Result<DbKey> {
        Ok(self.unlock(username, password)?.key)
    }

    /// The database key this keyring holds for `username`, opened with an identity already
    /// unwrapped (a backup's keyring, opened with the signed-in person's identity).
    pub fn unseal(&self, username: &str, identity: &UserIdentity) -> Result<DbKey> {
        match self.entry(username)? {
            Entry::V2(e) if e.recipient == identity.0.to_public().to_string() => e.unseal(&identity.0),
            _ => Err(wrong()),
        }
    }

    /// A new identity for `username` (a new user, a version 1 entry upgraded, a password set
    /// by an administrator), wrapped with `password` and holding `key`; saved.
    pub fn put(&mut self, username: &str, password: &str, key: &DbKey) -> Result<UserIdentity> {
        let identity = self.insert(username, password, key)?;
        self.save()?;
        Ok(identity)
    }

    /// [`Keyring::put`] without saving (a keyring staged for a swap, see `swap.rs`).
    pub fn insert(&mut self, username: &str, password: &str, key: &DbKey) -> Result<UserIdentity> {
        let identity = age::x25519::Identity::generate();
        let entry = EntryV2::new(username, password, &identity, key)?;
        self.file.entries.retain(|e| e.username() != username);
        self.file.entries.push(Entry::V2(entry));
        self.file.version = KEYRING_VERSION;
        self.file.seal = Some("age-x25519".into());
        Ok(UserIdentity(identity))
    }

    /// A new password for `username`: their identity is re-wrapped (the sealed key and the
    /// recipient stay); a version 1 entry becomes version 2. Saved.
    pub fn change_password(&mut self, username: &str, old: &str, new: &str) -> Result<()> {
        let entry = match self.entry(username)? {
            Entry::V2(e) => {
                let identity = e.identity(old)?;
                let mut next = EntryV2::new(username, new, &identity, &e.unseal(&identity)?)?;
                // The same sealed key: only the identity's wrapping changes.
                next.sealed_key = e.sealed_key.clone();
                next
            }
            Entry::V1(e) => {
                let key = e.unwrap_key(old)?;
                EntryV2::new(username, new, &age::x25519::Identity::generate(), &key)?
            }
        };
        self.file.entries.retain(|e| e.username() != username);
        self.file.entries.push(Entry::V2(entry));
        self.save()
    }

    /// Removes `username`'s entry (a deactivated account); saved.
    pub fn remove(&mut self, username: &str) -> Result<()> {
        self.file.entries.retain(|e| e.username() != username);
        self.save()
    }

    /// The keyring of a re-keyed database: `new_key` sealed to every version 2 entry of the
    /// people in `keep` (their identities and passwords unchanged). Returns it (not saved) and
    /// the people of `keep` left without an entry (version 1 entries cannot be re-sealed without
    /// the password: an administrator sets them a new password).
    pub fn resealed(&self, new_key: &DbKey, keep: &[String]) -> Result<(Keyring, Vec<String>)> {
        let mut out = Keyring { path: self.path.clone(), file: empty_file() };
        let mut left_out = Vec::new();
        for name in keep {
            match self.file.entries.iter().find(|e| e.username() == name) {
                Some(Entry::V2(e)) => {
                    let recipient = age::x25519::Recipient::from_str(&e.recipient)
                        .map_err(|_| damaged("a recipient is not an age key"))?;
                    let mut next = e.clone();
                    next.sealed_key = seal(&recipient, new_key)?;
                    out.file.entries.push(Entry::V2(next));
                }
                _ => left_out.push(name.clone()),
            }
        }
        Ok((out, left_out))
    }

    /// The keyring as written to disk.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(&self.file).expect("keyring serialises")
    }

    /// Writes atomically (temporary file, fsync, rename) and owner-only.
    pub fn save(&self) -> Result<()> {
        private::write_atomic(&self.path, &self.to_bytes())
            .map_err(|source| StoreError::Folder { path: self.path.display().to_string(), source })
    }

    /// A copy of this keyring beside another database file (a backup).
    pub fn copy_for(&self, db: &Path) -> Result<()> {
        let path = keyring_path(db);
        private::write_atomic(&path, &self.to_bytes())
            .map_err(|source| StoreError::Folder { path: path.display().to_string(), source })
    }

    /// This keyring, to be saved beside another database file.
    pub fn for_db(mut self, db: &Path) -> Keyring {
        self.path = keyring_path(db);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PW: &str = "mật khẩu quản trị";

    /// A version 1 keyring written from its documented format (issue 6), not by this code.
    fn v1_keyring(db: &Path, username: &str, password: &str, key: &DbKey) {
        let mut salt = [0u8; 16];
        OsRng.fill_bytes(&mut salt);
        let kek = auth::derive_key(password, &salt).unwrap();
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let wrapped = ChaCha20Poly1305::new(&Key::from(kek)).encrypt(&nonce, key.0.as_slice()).unwrap();
        let json = serde_json::json!({
            "version": 1, "kdf": "argon2id-m19456-t2-p1", "cipher": "chacha20poly1305",
            "entries": [{"username": username, "salt": hex::encode(salt), "nonce": hex::encode(nonce),
                         "wrapped": hex::encode(wrapped)}],
        });
        std::fs::write(keyring_path(db), json.to_string()).unwrap();
    }

    #[test]
    fn a_password_opens_its_identity_which_opens_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let (mut ring, key) = Keyring::create(&db, "admin", PW).unwrap();
        ring.put("lan", "cán bộ phường 1", &key).unwrap();
        let ring = Keyring::load(&db).unwrap().unwrap();
        assert!(ring.unwrap_key("admin", PW).unwrap() == key);
        assert!(ring.unwrap_key("lan", "cán bộ phường 1").unwrap() == key);
        for (u, p) in [("lan", PW), ("admin", "cán bộ phường 1"), ("nobody", PW)] {
            assert!(ring.unwrap_key(u, p).err().unwrap().to_string().contains("auth.bad_credentials"));
        }
        // The file holds no key, identity or password in clear.
        let text = std::fs::read_to_string(keyring_path(&db)).unwrap();
        assert!(!text.contains(key.to_hex().as_str()) && !text.contains("AGE-SECRET-KEY"), "{text}");
        assert!(text.contains("\"version\": 2"));
    }

    #[test]
    fn an_entry_moved_to_another_name_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let (_ring, _) = Keyring::create(&db, "admin", PW).unwrap();
        let text = std::fs::read_to_string(keyring_path(&db)).unwrap().replace("\"admin\"", "\"mallory\"");
        std::fs::write(keyring_path(&db), text).unwrap();
        let ring = Keyring::load(&db).unwrap().unwrap();
        assert!(ring.unwrap_key("mallory", PW).is_err(), "the wrapping is bound to the user name");
    }

    #[test]
    fn changing_a_password_rewraps_only_the_identity() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let (mut ring, key) = Keyring::create(&db, "admin", PW).unwrap();
        let before = ring.unlock("admin", PW).unwrap().identity.unwrap();
        assert!(ring.change_password("admin", "sai mật khẩu", "mật khẩu mới 2026").is_err());
        ring.change_password("admin", PW, "mật khẩu mới 2026").unwrap();
        let ring = Keyring::load(&db).unwrap().unwrap();
        assert!(ring.unwrap_key("admin", PW).is_err());
        let after = ring.unlock("admin", "mật khẩu mới 2026").unwrap();
        assert!(after.key == key);
        let same = |a: &UserIdentity, b: &UserIdentity| a.0.to_public().to_string() == b.0.to_public().to_string();
        assert!(same(&before, after.identity.as_ref().unwrap()), "the identity is kept");
    }

    #[test]
    fn resealing_needs_no_password_and_leaves_version_1_entries_out() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let old = DbKey::random();
        v1_keyring(&db, "cu", "mật khẩu cũ 2025", &old);
        let mut ring = Keyring::load(&db).unwrap().unwrap();
        assert!(ring.is_legacy("cu"));
        ring.put("admin", PW, &old).unwrap();
        ring.put("lan", "cán bộ phường 1", &old).unwrap();
        let new = DbKey::random();
        let keep = ["admin".to_string(), "cu".to_string()];
        let (next, left_out) = ring.resealed(&new, &keep).unwrap();
        assert_eq!(left_out, ["cu"]);
        assert!(next.unwrap_key("admin", PW).unwrap() == new);
        assert!(!next.has_user("lan") && !next.has_user("cu"), "only the people kept");
    }

    #[test]
    fn a_version_1_keyring_is_read_and_its_entries_upgraded() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let key = DbKey::random();
        v1_keyring(&db, "admin", PW, &key);
        let mut ring = Keyring::load(&db).unwrap().unwrap();
        let u = ring.unlock("admin", PW).unwrap();
        assert!(u.key == key && u.identity.is_none() && ring.is_legacy("admin"));
        assert!(ring.unwrap_key("admin", "sai mật khẩu").is_err());
        ring.put("admin", PW, &u.key).unwrap();
        let ring = Keyring::load(&db).unwrap().unwrap();
        assert!(!ring.is_legacy("admin"));
        let u = ring.unlock("admin", PW).unwrap();
        assert!(u.key == key && u.identity.is_some());
    }
}
