#![no_main]
// A bundle's plaintext (what the age encryption holds): magic, manifest, signature, then the
// deflated records, every step bounded by ansinh_exchange::limits. Errors are fine; a panic,
// an abort or running out of memory is a bug.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = ansinh_exchange::parse_plaintext(data);
});
