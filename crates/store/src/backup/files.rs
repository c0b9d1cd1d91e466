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
        w.put(CHANGES_MAGIC)?;
        w.put(&FORMAT.to_le_bytes())?;
        w.put(&(page_size as u32).to_le_bytes())?;
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
    fn take(&mut self, buf: &mut [u8]) -> Option<()> {
        self.inner.read_exact(buf).ok()?;
        self.hash.update(&*buf);
        self.at += buf.len() as u64;
        Some(())
    }

    fn u32(&mut self) -> Option<u32> {
        let mut b = [0u8; 4];
        self.take(&mut b)?;
        Some(u32::from_le_bytes(b))
    }
}

fn take<'a>(bytes: &'a [u8], at: &mut usize, n: usize) -> Option<&'a [u8]> {
    let s = bytes.get(*at..*at + n)?;
    *at += n;
    Some(s)
}

fn u32_at(bytes: &[u8], at: &mut usize) -> Option<u32> {
    take(bytes, at, 4).map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
}

impl Changes {
    /// Reads only as far as the header: the point before's stamp, to walk a chain.
    pub fn previous_of(path: &Path) -> Result<String> {
        let mut head = [0u8; 18];
        let mut f = std::fs::File::open(path).map_err(StoreError::at(path))?;
        f.read_exact(&mut head).map_err(|_| damaged(path, "too short"))?;
        if &head[..8] != CHANGES_MAGIC {
            return Err(damaged(path, "not a set of changes"));
        }
        let len = u16::from_le_bytes([head[16], head[17]]) as usize;
        let mut name = vec![0u8; len];
        f.read_exact(&mut name).map_err(|_| damaged(path, "too short"))?;
        String::from_utf8(name).map_err(|_| damaged(path, "the point before is not named in UTF-8"))
    }

    pub fn read(path: &Path) -> Result<Changes> {
        let f = std::fs::File::open(path).map_err(StoreError::at(path))?;
        let len = f.metadata().map_err(StoreError::at(path))?.len();
        let reader = io::BufReader::with_capacity(1 << 20, f);
        Self::parse(Hashed { inner: reader, hash: Sha256::new(), at: 0 }, len, path)
            .ok_or_else(|| damaged(path, "wrong format, page or checksum"))
    }

    fn parse<R: Read>(mut r: Hashed<R>, len: u64, path: &Path) -> Option<Changes> {
        let body = len.checked_sub(32)?;
        let mut magic = [0u8; 8];
        r.take(&mut magic)?;
        (&magic == CHANGES_MAGIC && r.u32()? == FORMAT).then_some(())?;
        let page_size = r.u32()?;
        valid_page_size(page_size).then_some(())?;
        let mut n = [0u8; 2];
        r.take(&mut n)?;
        let mut name = vec![0u8; u16::from_le_bytes(n) as usize];
        r.take(&mut name)?;
        let previous = String::from_utf8(name).ok()?;
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
        let mut sum = [0u8; 32];
        r.inner.read_exact(&mut sum).ok()?;
        (r.hash.finalize()[..] == sum).then_some(())?;
        (page_count > 0 && records.iter().all(|(no, _)| (1..=page_count).contains(no))).then_some(())?;
        Some(Changes { path: path.to_path_buf(), page_size: page_size as usize, previous, page_count, records })
    }

    /// How many pages it holds.
    pub fn pages(&self) -> usize {
        self.records.len()
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
        bytes.extend_from_slice(DIGESTS_MAGIC);
        bytes.extend_from_slice(&FORMAT.to_le_bytes());
        bytes.extend_from_slice(&(self.page_size as u32).to_le_bytes());
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
        let body = bytes.len().checked_sub(32)?;
        if Sha256::digest(&bytes[..body])[..] != bytes[body..] {
            return None;
        }
        let mut at = 0;
        (take(&bytes, &mut at, 8)? == DIGESTS_MAGIC).then_some(())?;
        (u32_at(&bytes, &mut at)? == FORMAT).then_some(())?;
        let page_size = u32_at(&bytes, &mut at)?;
        valid_page_size(page_size).then_some(())?;
        let head = take(&bytes, &mut at, 16)?.try_into().ok()?;
        let rest = &bytes[at..body];
        (rest.len() % 16 == 0).then_some(())?;
        let digests = rest.chunks_exact(16).map(|c| c.try_into().expect("16 bytes")).collect();
        Some(Digests { page_size: page_size as usize, head, digests })
    }
}
