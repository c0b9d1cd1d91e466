//! The CLI's doors hold files to the same caps as the app (docs/SECURITY.md, "Limits"): an
//! oversized list, bundle or receipt is refused before it is read, named with its limit, and
//! the database is left as it was.

mod common;
use common::*;

/// A sparse file of `len` bytes: as large as the cap says, without writing it.
fn huge(dir: &std::path::Path, name: &str, len: u64) -> String {
    let path = dir.join(name);
    std::fs::File::create(&path).unwrap().set_len(len).unwrap();
    path.display().to_string()
}

#[test]
fn oversized_lists_bundles_and_receipts_are_refused_unread_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    ok(&db, &["demo", "--beneficiaries", "20", "--months", "2", "--until", "2026-10"]);
    let export = |name: &str| {
        let out = dir.path().join(name);
        ok(&db, &["export", "beneficiaries", "--out", out.to_str().unwrap()]);
        std::fs::read(out).unwrap()
    };
    let before = export("before.csv");
    let cases = [
        (
            vec!["import", "beneficiaries"],
            huge(dir.path(), "list.csv", ansinh_files::limits::IMPORT_FILE_BYTES + 1),
            "128 MB",
        ),
        (
            vec!["import", "units"],
            huge(dir.path(), "units.xlsx", ansinh_files::limits::IMPORT_FILE_BYTES + 1),
            "128 MB",
        ),
        (
            vec!["bundle", "import"],
            huge(dir.path(), "ward.ansinh", ansinh_exchange::limits::BUNDLE_FILE_BYTES + 1),
            "128 MB",
        ),
        (
            vec!["bundle", "import-receipt"],
            huge(dir.path(), "r.json", ansinh_exchange::limits::RECEIPT_BYTES + 1),
            "4 MB",
        ),
    ];
    for (args, file, limit) in cases {
        let mut all = args.clone();
        all.push(&file);
        let out = ansinh(&db, &all);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{all:?} must fail");
        assert!(err.contains(&file) && err.contains(limit), "{all:?}: names the file and the limit: {err}");
        assert!(err.contains("too_large"), "{all:?}: {err}");
    }
    assert_eq!(export("after.csv"), before, "nothing changed");
}
