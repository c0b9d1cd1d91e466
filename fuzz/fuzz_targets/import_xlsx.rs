#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| ansinh_fuzz::import_bytes("list.xlsx", data));
