#![no_main]
// The records part of a bundle (raw DEFLATE of JSON lines), which parse_plaintext reaches only
// behind a valid signature: the inflation caps, the line cap and the record parser.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = ansinh_exchange::read_records(data, ansinh_exchange::limits::RECORDS);
});
