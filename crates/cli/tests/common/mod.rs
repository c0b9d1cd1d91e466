//! Running the built `ansinh` binary on a database: shared by the CLI test files.

use std::path::Path;
use std::process::{Command, Output};

pub fn ansinh(db: &Path, args: &[&str]) -> Output {
    // A scratch database: nobody signs in (see tests/security.rs for the encrypted ones).
    Command::new(env!("CARGO_BIN_EXE_ansinh"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("ANSINH_USER")
        .env_remove("ANSINH_PASSWORD")
        .output()
        .expect("run ansinh")
}

/// Its stdout; the test fails with its stderr if it did not succeed.
pub fn ok(db: &Path, args: &[&str]) -> String {
    let out = ansinh(db, args);
    assert!(out.status.success(), "ansinh {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}
