//! Shared by the fuzz targets: the beneficiary import pipeline without the database writes
//! (read the table, map the headers, turn every row into an input, validate it).

use ansinh_files::import;
use ansinh_files::table;
use ansinh_store::{Refs, Store};
use std::sync::{Arc, OnceLock};

/// Reference data from a real (temporary) database, loaded once per fuzzing process.
fn refs() -> &'static Arc<Refs> {
    static REFS: OnceLock<Arc<Refs>> = OnceLock::new();
    REFS.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(&dir.path().join("fuzz.db")).await.unwrap();
            let refs = store.refs().await.unwrap();
            store.close().await;
            refs
        })
    })
}

/// Any bytes, named `name`: errors are fine, a panic is a bug.
pub fn import_bytes(name: &str, data: &[u8]) {
    let Ok(t) = table::read_bytes(name, data) else { return };
    let refs = refs();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let mapping = import::auto_mapping(&t.headers);
    if let Ok(map) = import::mapping_fields(&mapping) {
        for row in &t.rows {
            let input = import::row_input(&map, row, refs);
            let _ = ansinh_core::validate::beneficiary(&input, refs.as_ref(), today);
        }
    }
    let _ = import::map_headers(&t.headers);
    let _ = ansinh_files::reconcile::results_from_table(&t);
}
