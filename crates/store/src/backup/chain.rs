//! The points of a backups folder and how they hang together. A full copy (`.db`) is a
//! database file; each set of changes (`.changes`) names the point it follows, back to a full
//! copy: that is its chain. Restoring a set of changes copies its full copy and applies the
//! chain's changes in order. When the oldest point to keep is a set of changes, its full copy
//! is rolled forward (the changes written into it) so that older points can go.

use super::files::{Changes, damaged};
use crate::error::{Result, StoreError};
use crate::keyring::keyring_path;
use crate::private;
use crate::swap::{remove_if_there, with_suffix};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A roll forward under way: written before the full copy is touched, removed once done, so
/// a crash in between is finished at the next backup or restore (applying changes twice
/// gives the same file).
const ROLLING: &str = "ansinh-rolling.json";

/// A chain longer than this is not one the app wrote (each backup keeps at most ten points).
const MAX_CHAIN: usize = 1000;

/// One point of the folder.
#[derive(Debug, Clone)]
pub struct Point {
    pub path: PathBuf,
    /// `yyyymmdd-hhmmss`, then `-n` for a second point within the same second.
    pub stamp: String,
    pub full: bool,
    pub time: chrono::NaiveDateTime,
    pub n: u32,
}

/// Each page's digest at a point (kept for the newest point only).
pub fn digests_path(point: &Path) -> PathBuf {
    with_suffix(point, ".digests")
}

/// Removes a point with its keyring and digests.
pub fn remove_point(path: &Path) -> Result<()> {
    remove_if_there(&keyring_path(path))?;
    remove_if_there(&digests_path(path))?;
    remove_if_there(path)
}

/// A stamp as the app writes them: anything else (a path, dots) is refused.
fn parse_stamp(stamp: &str) -> Option<(chrono::NaiveDateTime, u32)> {
    let (time, n) = (stamp.get(..15)?, stamp.get(15..)?);
    let t = chrono::NaiveDateTime::parse_from_str(time, "%Y%m%d-%H%M%S").ok()?;
    let n = match n.strip_prefix('-') {
        Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => n.parse().ok()?,
        None if n.is_empty() => 0,
        _ => return None,
    };
    Some((t, n))
}

/// The point a file name names, if it names one.
pub fn point_of(path: &Path) -> Option<Point> {
    let name = path.file_name()?.to_str()?;
    let rest = name.strip_prefix("ansinh-")?;
    let (stamp, full) = match (rest.strip_suffix(".db"), rest.strip_suffix(".changes")) {
        (Some(s), _) => (s, true),
        (_, Some(s)) => (s, false),
        _ => return None,
    };
    let (time, n) = parse_stamp(stamp)?;
    Some(Point { path: path.to_path_buf(), stamp: stamp.to_string(), full, time, n })
}

/// The folder's points, newest first. A set of changes whose full copy of the same stamp
/// exists (a roll forward not yet tidied) is not listed twice.
pub fn points(dir: &Path) -> Result<Vec<Point>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::at(dir)(e)),
    };
    let mut out: Vec<Point> = entries.flatten().filter_map(|e| point_of(&e.path())).collect();
    out.sort_by(|a, b| b.time.cmp(&a.time).then(b.n.cmp(&a.n)).then(b.full.cmp(&a.full)));
    out.dedup_by(|later, kept| later.stamp == kept.stamp);
    Ok(out)
}

/// The full copy a point starts from and the changes to apply to it, oldest first.
pub fn chain(point: &Path) -> Result<(PathBuf, Vec<PathBuf>)> {
    let dir = point.parent().unwrap_or(Path::new("."));
    let mut changes = Vec::new();
    let mut at = point.to_path_buf();
    for _ in 0..MAX_CHAIN {
        let p = point_of(&at).ok_or_else(|| damaged(point, "not a backup's name"))?;
        if p.full {
            changes.reverse();
            return Ok((at, changes));
        }
        let before = Changes::previous_of(&at)?;
        if parse_stamp(&before).is_none() {
            return Err(damaged(&at, "the point before it is not named as a backup"));
        }
        changes.push(at);
        let full = dir.join(format!("ansinh-{before}.db"));
        at = if full.exists() { full } else { dir.join(format!("ansinh-{before}.changes")) };
        if !at.exists() {
            return Err(damaged(point, &format!("the point it follows ({before}) is missing")));
        }
    }
    Err(damaged(point, "its chain of changes never reaches a full copy"))
}

/// Writes the database as it was at `point` into `target` (owner-only, synced). Every set of
/// changes is read and checked before the copy starts.
pub fn rebuild(point: &Path, target: &Path) -> Result<()> {
    let (full, names) = chain(point)?;
    let changes = checked(&full, &names)?;
    super::copy_private(&full, target)?;
    for c in &changes {
        c.apply_to(target)?;
    }
    Ok(())
}

/// The chain's sets of changes read and checked, and of the full copy's page size (its length
/// a whole number of their pages): nothing is applied from a chain that does not fit.
fn checked(full: &Path, names: &[PathBuf]) -> Result<Vec<Changes>> {
    let changes = names.iter().map(|p| Changes::read(p)).collect::<Result<Vec<_>>>()?;
    let len = std::fs::metadata(full).map_err(StoreError::at(full))?.len();
    for c in &changes {
        if len % c.page_size as u64 != 0 || c.page_size != changes[0].page_size {
            return Err(damaged(&c.path, "its page size is not the full copy's"));
        }
    }
    Ok(changes)
}

#[derive(Serialize, Deserialize)]
struct Roll {
    full: String,
    changes: Vec<String>,
    into: String,
}

/// Rolls the full copy of `point`'s chain forward to `point`, which becomes a full copy.
pub fn roll_forward(dir: &Path, point: &Path) -> Result<()> {
    let (full, names) = chain(point)?;
    if names.is_empty() {
        return Ok(());
    }
    let changes = checked(&full, &names)?;
    let name = |p: &Path| p.file_name().and_then(|n| n.to_str()).map(str::to_string).unwrap_or_default();
    let stamp = point_of(point).map(|p| p.stamp).unwrap_or_default();
    let roll = Roll {
        full: name(&full),
        changes: names.iter().map(|c| name(c)).collect(),
        into: format!("ansinh-{stamp}.db"),
    };
    let marker = dir.join(ROLLING);
    let bytes = serde_json::to_vec(&roll).expect("plain struct");
    private::write_atomic(&marker, &bytes).map_err(StoreError::at(&marker))?;
    complete(dir, &roll, Some(changes))
}

/// Finishes a roll forward a crash interrupted; does nothing when none is under way.
pub fn finish_roll(dir: &Path) -> Result<()> {
    let marker = dir.join(ROLLING);
    let bytes = match std::fs::read(&marker) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(StoreError::at(&marker)(e)),
    };
    // Written atomically by the app: anything else is not acted on.
    let roll: Roll = serde_json::from_slice(&bytes).map_err(|_| damaged(&marker, "not a roll forward"))?;
    let names_a_point = |n: &String| point_of(Path::new(n)).is_some() && !n.contains(['/', '\\']);
    if !names_a_point(&roll.full)
        || !names_a_point(&roll.into)
        || roll.changes.is_empty()
        || !roll.changes.iter().all(names_a_point)
    {
        return Err(damaged(&marker, "it names files that are not backups"));
    }
    // The full copy gone: it was renamed, only the tidying was left.
    let full = dir.join(&roll.full);
    let changes = match full.exists() {
        true => Some(checked(&full, &roll.changes.iter().map(|c| dir.join(c)).collect::<Vec<_>>())?),
        false => None,
    };
    complete(dir, &roll, changes)
}

/// The roll's work once its marker is written: `changes` (read and checked) applied to the full
/// copy, which takes the last point's name, keyring and digests; then the applied points and
/// the marker removed. `None`: the full copy was renamed already.
fn complete(dir: &Path, roll: &Roll, changes: Option<Vec<Changes>>) -> Result<()> {
    let full = dir.join(&roll.full);
    let into = dir.join(&roll.into);
    let paths: Vec<PathBuf> = roll.changes.iter().map(|c| dir.join(c)).collect();
    if let Some(changes) = changes {
        for c in &changes {
            c.apply_to(&full)?;
        }
        // The image is now the last point's: its keyring and digests go with it.
        let last = paths.last().expect("a roll has changes");
        match std::fs::read(keyring_path(last)) {
            Ok(ring) => private::write(&keyring_path(&into), &ring).map_err(StoreError::at(&into))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => remove_if_there(&keyring_path(&into))?,
            Err(e) => return Err(StoreError::at(last)(e)),
        }
        if digests_path(last).exists() {
            std::fs::rename(digests_path(last), digests_path(&into)).map_err(StoreError::at(&into))?;
        }
        remove_if_there(&keyring_path(&full))?;
        remove_if_there(&digests_path(&full))?;
        std::fs::rename(&full, &into).map_err(StoreError::at(&into))?;
        private::sync_dir(&into);
    }
    for c in &paths {
        remove_point(c)?;
    }
    remove_if_there(&dir.join(ROLLING))
}
