//! - sqlx::migrate! embeds crates/store/migrations at compile time; without a rerun on them,
//!   adding a migration file does not rebuild the crate and a binary runs the old set (sqlx's
//!   documented advice).
//! - `ANSINH_FACTS_CODE`: a fingerprint of the code that derives the kept facts and the
//!   dashboard's tallies from the rows (this crate's and ansinh-core's sources, the
//!   migrations). What a build saved in the database (the snapshot, the saved tallies) is read
//!   back only by a build of the same code: a version that counts or derives differently loads
//!   the facts afresh instead of showing figures of the old rules. The package version never
//!   changed, so it could not tell builds apart.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

fn main() {
    let here = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let dirs = [here.join("src"), here.join("migrations"), here.join("../core/src")];
    let mut files = Vec::new();
    for dir in &dirs {
        println!("cargo:rerun-if-changed={}", dir.display());
        walk(dir, &mut files);
    }
    files.sort();
    let mut hash = Sha256::new();
    for file in &files {
        let name = file.strip_prefix(&here).unwrap_or(file);
        hash.update(name.to_string_lossy().replace('\\', "/").as_bytes());
        hash.update([0]);
        // Line endings as git checks them out differ by platform; the code does not.
        let text = std::fs::read(file).expect("a source file reads");
        hash.update(text.iter().filter(|b| **b != b'\r').copied().collect::<Vec<u8>>());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    println!("cargo:rustc-env=ANSINH_FACTS_CODE={hex}");
}

/// Every file under `dir`, recursively (none when it is missing).
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}
