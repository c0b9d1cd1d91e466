#![no_main]
// A receipt file's text: size cap, JSON, signature (read_receipt touches no database).
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = ansinh_exchange::read_receipt(&String::from_utf8_lossy(data));
});
