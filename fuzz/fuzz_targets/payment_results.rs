#![no_main]
// The bank's result file of a payment cycle (reconciliation), as CSV.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(t) = ansinh_files::table::read_bytes("ket-qua.csv", data) {
        let _ = ansinh_files::reconcile::results_from_table(&t);
    }
});
