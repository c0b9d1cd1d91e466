//! A consistent image of the live database file, read page by page while officers keep writing
//! (issue 17, incremental backups). Only the pages whose digest differs from the previous
//! point's are handed on, so a day's backup of a city reads the file once and writes what the
//! day changed.
//!
//! How it stays consistent without holding writes back for the whole read:
//! 1. On the writer: checkpoints are switched off, and one small write gives the WAL a header
//!    whose salt names this generation of it. From then on every page written goes into the WAL
//!    under that salt and stays there (without a checkpoint the WAL never restarts).
//! 2. With no lock held, the database file is read whole. A page being written meanwhile is
//!    read torn or stale, but it is also in the WAL.
//! 3. On the writer again (writes wait for a moment): the pages named by the WAL's frames of
//!    that salt are listed, a FULL checkpoint copies them all into the file, and they are read
//!    again. If the WAL was restarted in between (another process checkpointed), the whole file
//!    is read again here instead. If another process committed during that read, the step is
//!    done again.

use super::blocking;
use crate::Store;
use crate::error::{Result, StoreError};
use ansinh_core::ErrorCode;
use sha2::{Digest as _, Sha256};
use std::collections::BTreeSet;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// What identifies a page's content without keeping the page.
pub type Digest = [u8; 16];

/// SQLCipher encrypts a page again with a fresh random IV every time it is written and MACs it
/// (HMAC-SHA512, the page's last bytes), so those last bytes change whenever the page does. A
/// plain database's pages are hashed instead.
pub fn digest(page: &[u8], encrypted: bool) -> Digest {
    let mut d = [0u8; 16];
    if encrypted {
        d.copy_from_slice(&page[page.len() - 16..]);
    } else {
        d.copy_from_slice(&Sha256::digest(page)[..16]);
    }
    d
}

/// Where captured pages go: a full copy writes each at its place, a set of changes appends it.
pub trait Sink: Send {
    /// `no` counts from 1, as SQLite's pages do.
    fn page(&mut self, no: u32, bytes: &[u8]) -> io::Result<()>;
}

/// The live file's shape, and the digests of the point being followed (empty for a full copy).
pub struct Capture {
    pub page_size: usize,
    pub encrypted: bool,
    pub digests: Vec<Digest>,
}

/// What a capture read: the page count of the image, and its first 16 bytes (SQLCipher's salt:
/// a re-key writes a new file with a new one, so changes never cross a re-key).
pub struct Captured {
    pub page_count: u32,
    pub head: [u8; 16],
}

fn wal_path(db: &Path) -> PathBuf {
    let [wal, _] = crate::swap::side_files(db);
    wal
}

const WAL_HEADER: usize = 32;
const FRAME_HEADER: usize = 24;

/// The salt of the WAL's current generation (bytes 16..24 of its header), if it has one.
fn wal_salt(db: &Path) -> io::Result<Option<[u8; 8]>> {
    let mut head = [0u8; WAL_HEADER];
    match std::fs::File::open(wal_path(db)) {
        Ok(mut f) => match f.read_exact(&mut head) {
            Ok(()) => Ok(Some(head[16..24].try_into().expect("8 bytes"))),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
            Err(e) => Err(e),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The pages named by the WAL's frames of generation `salt`, and the number of its last
/// committed frame (a frame with a database size in its header ends a transaction: SQLite's
/// `mxFrame`, what a checkpoint reports as `log`; frames after it belong to a transaction rolled
/// back or under way, and their pages are listed too); `None` when the WAL no longer has that
/// generation.
fn wal_pages(db: &Path, salt: [u8; 8], page_size: usize) -> io::Result<Option<(BTreeSet<u32>, i64)>> {
    if wal_salt(db)? != Some(salt) {
        return Ok(None);
    }
    let mut f = io::BufReader::with_capacity(1 << 20, std::fs::File::open(wal_path(db))?);
    f.seek(SeekFrom::Start(WAL_HEADER as u64))?;
    let mut pages = BTreeSet::new();
    let (mut frames, mut committed) = (0, 0);
    let mut header = [0u8; FRAME_HEADER];
    loop {
        match f.read_exact(&mut header) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        // A frame of an older generation (or half written) ends the current one.
        if header[8..16] != salt {
            break;
        }
        pages.insert(u32::from_be_bytes(header[..4].try_into().expect("4 bytes")));
        frames += 1;
        if header[4..8] != [0; 4] {
            committed = frames;
        }
        f.seek_relative(page_size as i64)?;
    }
    Ok(Some((pages, committed)))
}

/// Reads the file's pages (all, or `only` those) and hands on each whose digest differs from
/// the one known, updating it. Returns the file's page count.
fn scan(db: &Path, cap: &mut Capture, sink: &mut dyn Sink, only: Option<&BTreeSet<u32>>) -> io::Result<u32> {
    let mut file = std::fs::File::open(db)?;
    let count = (file.metadata()?.len() / cap.page_size as u64) as u32;
    let mut page = vec![0u8; cap.page_size];
    let mut visit = |no: u32, page: &[u8], cap: &mut Capture| -> io::Result<()> {
        let d = digest(page, cap.encrypted);
        let i = no as usize - 1;
        if cap.digests.len() <= i {
            cap.digests.resize(i + 1, [0; 16]);
        } else if cap.digests[i] == d {
            return Ok(());
        }
        cap.digests[i] = d;
        sink.page(no, page)
    };
    match only {
        None => {
            let mut reader = io::BufReader::with_capacity(1 << 20, file);
            for no in 1..=count {
                reader.read_exact(&mut page)?;
                visit(no, &page, cap)?;
            }
        }
        Some(set) => {
            // And every page the first read did not reach (the file grew since): the WAL names
            // them too, but a page never read must never be taken as unchanged.
            let seen = cap.digests.len() as u32;
            let unseen: BTreeSet<u32> = (seen + 1..=count).filter(|n| !set.contains(n)).collect();
            for &no in set.range(1..=count).chain(unseen.iter()) {
                file.seek(SeekFrom::Start((no as u64 - 1) * cap.page_size as u64))?;
                file.read_exact(&mut page)?;
                visit(no, &page, cap)?;
            }
        }
    }
    Ok(count)
}

/// [`scan`] of the whole file with nothing to compare with and nowhere to write.
pub fn read_pass(db: &Path, encrypted: bool, page_size: usize) -> io::Result<u32> {
    struct Nowhere;
    impl Sink for Nowhere {
        fn page(&mut self, _: u32, _: &[u8]) -> io::Result<()> {
            Ok(())
        }
    }
    let mut cap = Capture { page_size, encrypted, digests: Vec::new() };
    scan(db, &mut cap, &mut Nowhere, None)
}

/// The file's first 16 bytes (SQLCipher's salt; a plain database's header).
pub fn head(db: &Path) -> io::Result<[u8; 16]> {
    let mut h = [0u8; 16];
    std::fs::File::open(db)?.read_exact(&mut h)?;
    Ok(h)
}

/// How many times the last step is tried when another process keeps writing.
const TRIES: usize = 3;

impl Store {
    /// Captures a consistent image of the database into `sink` (see the module's comment).
    pub(crate) async fn capture<S: Sink + 'static>(&self, cap: Capture, sink: S) -> Result<(Capture, S, Captured)> {
        self.capture_hooked(cap, sink, std::future::ready(())).await
    }

    /// [`capture`](Self::capture), running `between` after the file was read and before the
    /// last step (the tests' way in: what another process does meanwhile).
    async fn capture_hooked<S: Sink + 'static>(
        &self,
        cap: Capture,
        sink: S,
        between: impl std::future::Future<Output = ()>,
    ) -> Result<(Capture, S, Captured)> {
        let db = self.path.clone();
        let marked = async {
            let mut w = self.writer.acquire().await?;
            // Whatever readers allow, without waiting for them: a short WAL makes the last
            // step short.
            sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&mut *w).await?;
            sqlx::query("PRAGMA wal_autocheckpoint = 0").execute(&mut *w).await?;
            let stamp = chrono::Utc::now().to_rfc3339();
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ('backup_started_at', ?) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(stamp)
            .execute(&mut *w)
            .await?;
            wal_salt(&db).map_err(StoreError::at(&db))
        }
        .await;
        let result = match marked {
            Ok(salt) => self.capture_with(salt, cap, sink, between).await,
            Err(e) => Err(e),
        };
        // Back to SQLite's default, whatever happened.
        sqlx::query("PRAGMA wal_autocheckpoint = 1000").execute(&self.writer).await?;
        result
    }

    async fn capture_with<S: Sink + 'static>(
        &self,
        salt: Option<[u8; 8]>,
        cap: Capture,
        sink: S,
        between: impl std::future::Future<Output = ()>,
    ) -> Result<(Capture, S, Captured)> {
        let db = self.path.clone();
        let (mut cap, mut sink) = {
            let file = db.clone();
            blocking(move || {
                let (mut cap, mut sink) = (cap, sink);
                scan(&file, &mut cap, &mut sink, None)?;
                Ok((cap, sink))
            })
            .await
            .map_err(StoreError::at(&self.path))?
        };
        between.await;
        for _ in 0..TRIES {
            let mut w = self.writer.acquire().await?;
            // The WAL's generation now: the one marked at the start, unless another process
            // restarted it meanwhile (then what it held before is gone, and every page is read
            // again).
            let current = wal_salt(&db).map_err(StoreError::at(&db))?;
            let listed = match (salt, current) {
                (Some(s), Some(c)) if s == c => wal_pages(&db, s, cap.page_size).map_err(StoreError::at(&db))?,
                _ => None,
            };
            // FULL: every committed frame copied into the file (waiting for readers of older
            // snapshots, up to the busy timeout).
            let (busy, log, copied): (i64, i64, i64) =
                sqlx::query_as("PRAGMA wal_checkpoint(FULL)").fetch_one(&mut *w).await?;
            if busy != 0 || copied != log {
                drop(w);
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                continue;
            }
            let only = listed.filter(|(_, committed)| *committed == log).map(|(pages, _)| pages);
            let (c, s, page_count, head) = {
                let file = db.clone();
                blocking(move || {
                    let (mut cap, mut sink) = (cap, sink);
                    let count = scan(&file, &mut cap, &mut sink, only.as_ref())?;
                    Ok((cap, sink, count, head(&file)?))
                })
                .await
                .map_err(StoreError::at(&db))?
            };
            (cap, sink) = (c, s);
            // Nothing committed since the checkpoint (by another process: this one's writer is
            // held), so nothing was copied into the file under the read; else again.
            let settled = match current {
                Some(c) => {
                    wal_pages(&db, c, cap.page_size).map_err(StoreError::at(&db))?.is_some_and(|(_, n)| n == log)
                }
                None => wal_salt(&db).map_err(StoreError::at(&db))?.is_none(),
            };
            if !settled {
                continue;
            }
            drop(w);
            cap.digests.truncate(page_count as usize);
            return Ok((cap, sink, Captured { page_count, head }));
        }
        Err(StoreError::field(
            "backup",
            ErrorCode::BackupBusy,
            "the database stayed busy during the backup's last step: nothing was kept, try again",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::{Connection, SqliteConnection};

    /// Another process writes and checkpoints (restarting the WAL) while the file is read: what
    /// the WAL held is gone, so the last step reads every page again, and the image is the
    /// database as it is then.
    #[tokio::test]
    async fn a_wal_restarted_during_the_read_is_caught_and_every_page_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let store = Store::open(&db).await.unwrap();
        store.set_setting("small", "trước").await.unwrap();
        let other = || async {
            let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&db);
            SqliteConnection::connect_with(&opts).await.unwrap()
        };
        let big = "trang ".repeat(50_000);
        let between = async {
            let mut c = other().await;
            let set = "INSERT INTO settings (key, value) VALUES (?, ?) \
                       ON CONFLICT (key) DO UPDATE SET value = excluded.value";
            sqlx::query(set).bind("big").bind(&big).execute(&mut c).await.unwrap();
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut c).await.unwrap();
            sqlx::query(set).bind("small").bind("sau").execute(&mut c).await.unwrap();
            c.close().await.unwrap();
        };
        let image = dir.path().join("image.db");
        let sink = super::super::files::FullCopy { file: std::fs::File::create(&image).unwrap(), page_size: 4096 };
        let cap = Capture { page_size: 4096, encrypted: false, digests: Vec::new() };
        let (_, sink, got) = store.capture_hooked(cap, sink, between).await.unwrap();
        sink.file.set_len(got.page_count as u64 * 4096).unwrap();
        drop(sink);
        store.close().await;

        let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&image).read_only(true);
        let mut c = SqliteConnection::connect_with(&opts).await.unwrap();
        let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut c).await.unwrap();
        assert_eq!(check, "ok");
        let value =
            |k: &'static str| sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = ?").bind(k);
        assert_eq!(value("big").fetch_one(&mut c).await.unwrap(), big);
        assert_eq!(value("small").fetch_one(&mut c).await.unwrap(), "sau");
        c.close().await.unwrap();
    }

    /// A reader that keeps an older snapshot open holds the last step's FULL checkpoint off:
    /// after three tries the backup fails with `backup.busy`, and once the reader is gone the
    /// next one succeeds.
    #[tokio::test]
    async fn a_reader_holding_the_checkpoint_off_fails_the_backup_as_busy() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let store = Store::open(&db).await.unwrap();
        store.set_setting("note", "trước").await.unwrap();
        // The checkpoint waits for readers up to the busy timeout: short here, 10 s in the app.
        sqlx::query("PRAGMA busy_timeout = 20").execute(&store.writer).await.unwrap();
        let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&db);
        let mut reader = SqliteConnection::connect_with(&opts).await.unwrap();
        let between = async {
            sqlx::query("BEGIN").execute(&mut reader).await.unwrap();
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM settings").fetch_one(&mut reader).await.unwrap();
            assert!(n > 0);
            // Committed after the reader's snapshot: the checkpoint cannot copy it while it reads.
            store.set_setting("note", "sau").await.unwrap();
        };
        let image = dir.path().join("image.db");
        let sink = || super::super::files::FullCopy { file: std::fs::File::create(&image).unwrap(), page_size: 4096 };
        let cap = || Capture { page_size: 4096, encrypted: false, digests: Vec::new() };
        let e = store.capture_hooked(cap(), sink(), between).await.err().expect("busy");
        let StoreError::Invalid(errors) = &e else { panic!("{e:?}") };
        assert_eq!(errors[0].code, ErrorCode::BackupBusy);
        sqlx::query("ROLLBACK").execute(&mut reader).await.unwrap();
        reader.close().await.unwrap();
        let (_, _, got) = store.capture(cap(), sink()).await.unwrap();
        assert!(got.page_count > 0);
        store.close().await;
    }
}
