#![no_main]
// A signed batch as the server receives it: size cap, JSON, then the verifier (record cap,
// signature, payload hash, the records against the manifest).
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(batch) = ansinh_exchange::read_batch(data) {
        let _ = ansinh_exchange::verify_batch(&batch);
    }
});
