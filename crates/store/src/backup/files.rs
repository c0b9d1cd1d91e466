//! The two files an incremental backup adds beside the full copies (docs/SECURITY.md):
//!
//! - `ansinh-<stamp>.changes`: the pages that changed since the point before, still encrypted
//!   as SQLCipher wrote them. `ANSINHPG`, format, page size, the point before's stamp; then
//!   `P` + page number + page per page; then `E` + the point's page count + a SHA-256 of every
//!   byte before it. Read back whole and checked before anything is applied.
//! - `<point>.digests`: each page's digest at the newest point, so that the next backup knows
//!   what changed without reading the backups. `ANSINHDG`, page size, the file's first 16 bytes,
//!   the digests, a SHA-256.
//!
//! Both are read as hostile: a wrong magic, size, page number or checksum is `backup.damaged`.

use super::pages::{Digest, Sink};
use crate::error::{Result, StoreError};
use ansinh_core::ErrorCode;
use sha2::{Digest as _, Sha256};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

const CHANGES_MAGIC: &[u8; 8] = b"ANSINHPG";
const DIGESTS_MAGIC: &[u8; 8] = b"ANSINHDG";
const FORMAT: u32 = 1;

pub fn damaged(file: &Path, why: &str) -> StoreError {
    StoreError::field("file", ErrorCode::BackupDamaged, &format!("{}: {why}", file.display()))
}

fn valid_page_size(n: u32) -> bool {
    n.is_power_of_two() && (512..=65536).contains(&n)
}

/// How both files start: their magic, the format, the page size.
fn header(magic: &[u8; 8], page_size: usize) -> [u8; 16] {
    let mut h = [0u8; 16];
    h[..8].copy_from_slice(magic);
    h[8..12].copy_from_slice(&FORMAT.to_le_bytes());
    h[12..].copy_from_slice(&(page_size as u32).to_le_bytes());
    h
}

/// Writes a `.changes` file as pages arrive, hashing as it goes.
pub struct ChangesWriter {
    out: BufWriter<std::fs::File>,
    hash: Sha256,
    pub pages: u64,
}

impl ChangesWriter {
    pub fn create(path: &Path, page_size: usize, previous: &str) -> io::Result<ChangesWriter> {
        let mut w = ChangesWriter {
            out: BufWriter::with_capacity(1 << 20, crate::private::create(path)?),
            hash: Sha256::new(),
            pages: 0,
        };
        w.put(&header(CHANGES_MAGIC, page_size))?;
        w.put(&(previous.len() as u16).to_le_bytes())?;
        w.put(previous.as_bytes())?;
        Ok(w)
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hash.update(bytes);
        self.out.write_all(bytes)
    }

    /// Ends the file with the point's page count and the checksum, and syncs it.
    pub fn finish(mut self, page_count: u32) -> io::Result<()> {
        self.put(b"E")?;
        self.put(&page_count.to_le_bytes())?;
        let sum = self.hash.finalize();
        self.out.write_all(&sum)?;
        self.out.into_inner().map_err(|e| e.into_error())?.sync_all()
    }
}

impl Sink for ChangesWriter {
    fn page(&mut self, no: u32, bytes: &[u8]) -> io::Result<()> {
        self.put(b"P")?;
        self.put(&no.to_le_bytes())?;
        self.put(bytes)?;
        self.pages += 1;
        Ok(())
    }
}

/// A full copy: each page written at its place in a new database file.
pub struct FullCopy {
    pub file: std::fs::File,
    pub page_size: usize,
}

impl Sink for FullCopy {
    fn page(&mut self, no: u32, bytes: &[u8]) -> io::Result<()> {
        self.file.seek(SeekFrom::Start((no as u64 - 1) * self.page_size as u64))?;
        self.file.write_all(bytes)
    }
}

/// A `.changes` file read back and checked (one pass over it, keeping only where each page is:
/// a city's changes can be gigabytes).
pub struct Changes {
    pub path: std::path::PathBuf,
    pub page_size: usize,
    pub previous: String,
    pub page_count: u32,
    /// Each record's page number and where its page starts in the file.
    records: Vec<(u32, u64)>,
}

/// Reads through a file while hashing what it reads.
struct Hashed<R> {
    inner: R,
    hash: Sha256,
    at: u64,
}

impl<R: Read> Hashed<R> {
    fn new(inner: R) -> Self {
        Hashed { inner, hash: Sha256::new(), at: 0 }
    }

    /// The [`header`] with `magic`: the page size, if it is one.
    fn header(&mut self, magic: &[u8; 8]) -> Option<u32> {
        let mut h = [0u8; 16];
        self.take(&mut h)?;
        let page_size = u32::from_le_bytes(h[12..].try_into().expect("4 bytes"));
        (h[..12] == header(magic, 0)[..12] && valid_page_size(page_size)).then_some(page_size)
    }

    /// The end: a SHA-256 of everything read so far, and nothing after it.
    fn sum_matches(mut self) -> Option<()> {
        let mut sum = [0u8; 32];
        self.inner.read_exact(&mut sum).ok()?;
        let mut more = [0u8; 1];
        (self.hash.finalize()[..] == sum && self.inner.read(&mut more).ok()? == 0).then_some(())
    }

    fn take(&mut self, buf: &mut [u8]) -> Option<()> {
        self.inner.read_exact(buf).ok()?;
        self.hash.update(&*buf);
        self.at += buf.len() as u64;
        Some(())
    }

    /// A set of changes' second field: the stamp of the point before (length, UTF-8).
    fn previous(&mut self) -> Option<String> {
        let mut n = [0u8; 2];
        self.take(&mut n)?;
        let mut name = vec![0u8; u16::from_le_bytes(n) as usize];
        self.take(&mut name)?;
        String::from_utf8(name).ok()
    }

    fn u32(&mut self) -> Option<u32> {
        let mut b = [0u8; 4];
        self.take(&mut b)?;
        Some(u32::from_le_bytes(b))
    }
}

impl Changes {
    /// Reads only as far as the header: the point before's stamp, to walk a chain.
    pub fn previous_of(path: &Path) -> Result<String> {
        let mut r = Hashed::new(std::fs::File::open(path).map_err(StoreError::at(path))?);
        r.header(CHANGES_MAGIC).ok_or_else(|| damaged(path, "not a set of changes"))?;
        r.previous().ok_or_else(|| damaged(path, "the point before is not named"))
    }

    pub fn read(path: &Path) -> Result<Changes> {
        let f = std::fs::File::open(path).map_err(StoreError::at(path))?;
        let len = f.metadata().map_err(StoreError::at(path))?.len();
        let reader = io::BufReader::with_capacity(1 << 20, f);
        Self::parse(Hashed::new(reader), len, path).ok_or_else(|| damaged(path, "wrong format, page or checksum"))
    }

    fn parse<R: Read>(mut r: Hashed<R>, len: u64, path: &Path) -> Option<Changes> {
        let body = len.checked_sub(32)?;
        let page_size = r.header(CHANGES_MAGIC)?;
        let previous = r.previous()?;
        let mut records = Vec::new();
        let mut page = vec![0u8; page_size as usize];
        let mut tag = [0u8; 1];
        loop {
            r.take(&mut tag)?;
            match &tag {
                b"P" => {
                    let no = r.u32()?;
                    records.push((no, r.at));
                    r.take(&mut page)?;
                }
                b"E" => break,
                _ => return None,
            }
            (r.at <= body).then_some(())?;
        }
        let page_count = r.u32()?;
        (r.at == body).then_some(())?;
        r.sum_matches()?;
        (page_count > 0 && records.iter().all(|(no, _)| (1..=page_count).contains(no))).then_some(())?;
        Some(Changes { path: path.to_path_buf(), page_size: page_size as usize, previous, page_count, records })
    }

    /// Writes the pages into `file` (an image of the point before) and cuts it to this point's
    /// length: afterwards it is this point's image. Doing it twice gives the same file.
    pub fn apply_to(&self, file: &Path) -> Result<()> {
        let mut from = std::fs::File::open(&self.path).map_err(StoreError::at(&self.path))?;
        let mut to = std::fs::OpenOptions::new().write(true).open(file).map_err(StoreError::at(file))?;
        let mut page = vec![0u8; self.page_size];
        for &(no, at) in &self.records {
            from.seek(SeekFrom::Start(at)).map_err(StoreError::at(&self.path))?;
            from.read_exact(&mut page).map_err(StoreError::at(&self.path))?;
            to.seek(SeekFrom::Start((no as u64 - 1) * self.page_size as u64)).map_err(StoreError::at(file))?;
            to.write_all(&page).map_err(StoreError::at(file))?;
        }
        to.set_len(self.page_count as u64 * self.page_size as u64).map_err(StoreError::at(file))?;
        to.sync_all().map_err(StoreError::at(file))
    }
}

/// The digests of the newest point.
pub struct Digests {
    pub page_size: usize,
    pub head: [u8; 16],
    pub digests: Vec<Digest>,
}

impl Digests {
    pub fn write(&self, path: &Path) -> io::Result<()> {
        let mut bytes = Vec::with_capacity(64 + self.digests.len() * 16);
        bytes.extend_from_slice(&header(DIGESTS_MAGIC, self.page_size));
        bytes.extend_from_slice(&self.head);
        for d in &self.digests {
            bytes.extend_from_slice(d);
        }
        let sum = Sha256::digest(&bytes);
        bytes.extend_from_slice(&sum);
        crate::private::write_atomic(path, &bytes)
    }

    /// `None` when missing or not trusted: the next backup is then a full copy.
    pub fn read(path: &Path) -> Option<Digests> {
        let bytes = std::fs::read(path).ok()?;
        // Header, head, digests, checksum.
        let digests_len = bytes.len().checked_sub(16 + 16 + 32)?;
        (digests_len % 16 == 0).then_some(())?;
        let mut r = Hashed::new(&bytes[..]);
        let page_size = r.header(DIGESTS_MAGIC)?;
        let mut head = [0u8; 16];
        r.take(&mut head)?;
        let mut digests = vec![[0u8; 16]; digests_len / 16];
        for d in &mut digests {
            r.take(d)?;
        }
        r.sum_matches()?;
        Some(Digests { page_size: page_size as usize, head, digests })
    }
}
