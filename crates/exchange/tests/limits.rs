//! The caps of `ansinh_exchange::limits`: hostile bundles, receipts and signed batches built
//! here from the documented format (docs/EXCHANGE.md), never with the exporter's help, are
//! refused with their code, in-process (an abort or an out-of-memory would fail the test run),
//! and change nothing. Also writes and checks the fuzzers' seed corpora (`fuzz/seeds/`).

mod common;
use ansinh_core::ErrorCode;
use ansinh_exchange::limits::{self, MIB, Oversize};
use ansinh_exchange::{ExchangeError, parse_plaintext, read_batch, read_receipt, verify_batch};
use common::*;
use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::PathBuf;

const DEVICE: &str = "01a24549-176c-75dc-a516-ec40fe7ed1d6";

fn forger() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

/// A bundle's plaintext as docs/EXCHANGE.md describes it: magic, manifest length (u32 BE),
/// manifest JSON, Ed25519 signature of the context and the manifest, then `payload` (the
/// records, deflated) whose SHA-256 the manifest carries. `records` is what the manifest
/// announces.
fn plaintext(key: &SigningKey, records: usize, payload: &[u8]) -> Vec<u8> {
    let manifest = serde_json::json!({
        "format": 1,
        "schema_version": ansinh_store::SCHEMA_VERSION,
        "device_id": DEVICE,
        "ward": "00004",
        "signing_key": hex::encode(key.verifying_key().to_bytes()),
        "first_seq": 1,
        "last_seq": records,
        "records": records,
        "counts": {"beneficiary": records},
        "payload_hash": hex::encode(Sha256::digest(payload)),
        "created_at": "unix:0",
    });
    let m = serde_json::to_vec(&manifest).unwrap();
    let sig = key.sign(&[b"ansinh-bundle-v1\0".as_slice(), &m].concat());
    let mut plain = b"ANSINH-BUNDLE\n".to_vec();
    plain.extend_from_slice(&(m.len() as u32).to_be_bytes());
    plain.extend_from_slice(&m);
    plain.extend_from_slice(&sig.to_bytes());
    plain.extend_from_slice(payload);
    plain
}

/// Raw DEFLATE of `chunk` written `times` times (streamed: the inflated size is never held).
fn deflate_repeated(chunk: &[u8], times: usize) -> Vec<u8> {
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    for _ in 0..times {
        z.write_all(chunk).unwrap();
    }
    z.finish().unwrap()
}

fn refused<T: std::fmt::Debug>(r: Result<T, ExchangeError>) -> ExchangeError {
    r.expect_err("must be refused")
}

#[tokio::test]
async fn a_bundle_whose_records_inflate_past_the_cap_is_refused_and_changes_nothing() {
    let city = Desk::new().await;
    let before = city.dump().await;
    // A DEFLATE bomb: about 1 MB that inflates to 1 MiB past the cap (zeros, no newline).
    let chunk = vec![0u8; MIB as usize];
    let payload = deflate_repeated(&chunk, (limits::RECORDS_BYTES / MIB) as usize + 1);
    assert!((payload.len() as u64) < limits::BUNDLE_FILE_BYTES / 10, "a small file: {}", payload.len());
    let sealed = age::encrypt(&city.recipient(), &plaintext(&forger(), 1, &payload)).unwrap();

    let e = refused(city.import(&sealed).await);
    assert_eq!(e.full_code(), ErrorCode::ExchangeInflatesTooLarge);
    assert!(e.to_string().contains("1024 MB"), "{e}");
    // The app's door adds the file's name; the translated text gets the limit.
    let wire = serde_json::to_value(ansinh_core::AppError::from(e.about_file("ward.ansinh"))).unwrap();
    assert_eq!(wire["code"], "exchange.inflates_too_large");
    assert_eq!(wire["params"]["limit"], "1024 MB");
    assert_eq!(wire["params"]["file"], "ward.ansinh");
    // The dry run (the app's preview) is refused the same way.
    let e = refused(ansinh_exchange::import_bundle(&city.store, &city.keys, &sealed, true).await);
    assert_eq!(e.full_code(), ErrorCode::ExchangeInflatesTooLarge);
    assert_eq!(city.dump().await, before, "nothing written");
}

#[tokio::test]
async fn a_bundle_with_newlines_only_inflating_past_the_cap_is_refused_for_its_size() {
    // Lines of spaces: each alone is small, the whole is too large. Refused for the size
    // before any line is parsed (the first pass inflates into nothing).
    let mut chunk = vec![b' '; MIB as usize];
    for i in (1000..chunk.len()).step_by(1000) {
        chunk[i] = b'\n';
    }
    let payload = deflate_repeated(&chunk, (limits::RECORDS_BYTES / MIB) as usize + 1);
    let e = refused(parse_plaintext(&plaintext(&forger(), 1, &payload)));
    assert_eq!(e.full_code(), ErrorCode::ExchangeInflatesTooLarge);
}

#[test]
fn one_record_line_past_its_cap_is_refused() {
    let line = vec![b'{'; limits::RECORD_BYTES + 2];
    let payload = deflate_repeated(&line, 1);
    let e = refused(parse_plaintext(&plaintext(&forger(), 1, &payload)));
    assert_eq!(e.full_code(), ErrorCode::ExchangeRecordTooLarge);
}

#[test]
fn a_manifest_announcing_more_records_than_the_cap_is_refused_before_inflating() {
    let payload = deflate_repeated(b"", 1);
    let e = refused(parse_plaintext(&plaintext(&forger(), limits::RECORDS + 1, &payload)));
    assert_eq!(e.full_code(), ErrorCode::ExchangeTooManyRecords);
    let wire = serde_json::to_value(ansinh_core::AppError::from(e)).unwrap();
    assert_eq!(wire["params"]["limit"], limits::RECORDS.to_string());
}

#[test]
fn more_record_lines_than_the_manifest_announced_are_damage() {
    let mut lines = Vec::new();
    for seq in 1..=3 {
        serde_json::to_writer(&mut lines, &record_json(seq)).unwrap();
        lines.push(b'\n');
    }
    let payload = deflate_repeated(&lines, 1);
    // One announced, three lines: refused at the second line (never more held than announced).
    assert_eq!(refused(parse_plaintext(&plaintext(&forger(), 1, &payload))).full_code(), ErrorCode::ExchangeDamaged);
}

#[test]
fn a_manifest_longer_than_its_cap_is_damage() {
    let mut plain = b"ANSINH-BUNDLE\n".to_vec();
    plain.extend_from_slice(&(limits::MANIFEST_BYTES as u32 + 1).to_be_bytes());
    plain.extend(std::iter::repeat_n(b' ', limits::MANIFEST_BYTES + 100));
    assert_eq!(refused(parse_plaintext(&plain)).full_code(), ErrorCode::ExchangeDamaged);
}

#[tokio::test]
async fn an_oversized_bundle_file_is_refused_before_it_is_read_or_decrypted() {
    let city = Desk::new().await;
    let before = city.dump().await;
    // As picked in the app: the bytes, one past the cap.
    let big = vec![0u8; limits::BUNDLE_FILE_BYTES as usize + 1];
    let e = refused(city.import(&big).await);
    assert_eq!(e.full_code(), ErrorCode::ExchangeTooLarge);
    drop(big);
    // As the CLI reads it: from disk, refused on its size alone (a sparse file: nothing read).
    let path = city.dir.path().join("huge.ansinh");
    std::fs::File::create(&path).unwrap().set_len(limits::BUNDLE_FILE_BYTES + 1).unwrap();
    let e = refused(limits::read_file(&path, Oversize::BundleFile));
    assert_eq!(e.full_code(), ErrorCode::ExchangeTooLarge);
    let text = e.to_string();
    assert!(text.contains("huge.ansinh") && text.contains("128 MB"), "names the file and the limit: {text}");
    // A file at the cap is read.
    std::fs::File::create(&path).unwrap().set_len(1000).unwrap();
    assert_eq!(limits::read_file(&path, Oversize::BundleFile).unwrap().len(), 1000);
    assert_eq!(city.dump().await, before);
}

#[tokio::test]
async fn an_oversized_receipt_is_refused_and_moves_nothing() {
    let ward = Desk::new().await;
    let padding = " ".repeat(limits::RECEIPT_BYTES as usize);
    let text = format!("{{\"body\":\"{{}}\",\"signature\":\"00\"}}{padding}");
    let e = refused(read_receipt(&text));
    assert_eq!(e.full_code(), ErrorCode::ExchangeTooLarge);
    let e = refused(ansinh_exchange::import_receipt(&ward.store, &text).await);
    assert_eq!(e.full_code(), ErrorCode::ExchangeTooLarge);
    assert_eq!(ward.store.acknowledged_seq().await.unwrap(), 0);
}

/// A record line as docs/EXCHANGE.md lists its fields (content irrelevant here).
fn record_json(seq: usize) -> serde_json::Value {
    serde_json::json!({
        "device_id": DEVICE, "seq": seq, "record_id": format!("r{seq}"), "entity": "beneficiary",
        "entity_id": "e", "kind": "insert", "schema_version": 3, "officer": "x", "recorded_at": "",
        "payload": "{}", "prev_hash": "", "hash": "", "base": ""
    })
}

#[test]
fn signed_batches_over_their_caps_are_refused_unread() {
    // Bytes past the cap: refused before parsing.
    let big = vec![b' '; limits::BATCH_BYTES as usize + 1];
    assert_eq!(refused(read_batch(&big)).full_code(), ErrorCode::ExchangeTooLarge);
    // More records than a batch may hold: refused before any hashing or signature check.
    let n = limits::BATCH_RECORDS + 1;
    let batch = serde_json::json!({
        "manifest": {"format": 1, "schema_version": 3, "device_id": DEVICE, "ward": "00004",
            "signing_key": "00", "first_seq": 1, "last_seq": n, "records": n, "counts": {},
            "payload_hash": "", "created_at": ""},
        "manifest_json": "{}",
        "signature": "00",
        "records": (1..=n).map(record_json).collect::<Vec<_>>(),
    });
    let batch = read_batch(&serde_json::to_vec(&batch).unwrap()).unwrap();
    assert_eq!(refused(verify_batch(&batch)).full_code(), ErrorCode::ExchangeTooManyRecords);
}

// ---- Seed corpora of the fuzz targets (fuzz/seeds/<target>/) ----

fn seeds_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds").join(target)
}

/// Writes the seeds when `ANSINH_WRITE_SEEDS=1` (then commit them); always checks that every
/// committed seed is still read as valid by the current readers, so a format change that
/// leaves the fuzzers starting from refused inputs fails here.
#[tokio::test]
async fn fuzz_seeds_are_valid_inputs_of_their_readers() {
    if std::env::var("ANSINH_WRITE_SEEDS").as_deref() == Ok("1") {
        write_seeds().await;
    }
    let read = |target: &str| -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<_> = std::fs::read_dir(seeds_dir(target))
            .unwrap_or_else(|e| panic!("{target}: {e} (run with ANSINH_WRITE_SEEDS=1)"))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{target}: no seeds");
        files.into_iter().map(|p| (p.display().to_string(), std::fs::read(&p).unwrap())).collect()
    };
    for (name, bytes) in read("bundle_plaintext") {
        let (m, records) = parse_plaintext(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(m.records, records.len());
    }
    for (name, bytes) in read("bundle_records") {
        ansinh_exchange::read_records(&bytes, usize::MAX).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    for (name, bytes) in read("receipt") {
        read_receipt(std::str::from_utf8(&bytes).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    for (name, bytes) in read("signed_batch") {
        let batch = read_batch(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        verify_batch(&batch).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

async fn write_seeds() {
    let ward = Desk::new().await;
    let city = Desk::new().await;
    let anh = ward.person("Nguyễn Thị Ánh", 1941, 12345, "00004").await;
    ward.set_phone(&anh, "0912345678").await;
    ward.pay(&anh, "2026-10").await;
    let records = ward.store.changes_since(&ward.store.device_id(), 0).await.unwrap();

    // The plaintext of a real series, laid out by hand as documented.
    let write = |target: &str, name: &str, bytes: &[u8]| {
        let dir = seeds_dir(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    };
    let key = forger();
    let mut lines = Vec::new();
    for r in &records {
        let mut v = serde_json::to_value(r).unwrap();
        v["device_id"] = DEVICE.into();
        serde_json::to_writer(&mut lines, &v).unwrap();
        lines.push(b'\n');
    }
    // `plaintext` announces first_seq 1 and last_seq n: the ward's series is 1..n.
    let n = records.len();
    assert_eq!(records.last().unwrap().seq as usize, n);
    write("bundle_plaintext", "ward-series.bin", &plaintext(&key, n, &deflate_repeated(&lines, 1)));
    let first = &lines[..lines.iter().position(|&b| b == b'\n').unwrap() + 1];
    write("bundle_plaintext", "one-record.bin", &plaintext(&key, 1, &deflate_repeated(first, 1)));
    // The records part alone (the fuzzer cannot forge the signature in front of it).
    write("bundle_records", "ward-series.deflate", &deflate_repeated(&lines, 1));

    // A real receipt and a real signed batch.
    city.import(&ward.bundle_for(&city, 0).await).await.unwrap();
    let receipt = ansinh_exchange::make_receipt(&city.store, &city.keys).await.unwrap();
    write("receipt", "city.json", serde_json::to_string(&receipt).unwrap().as_bytes());
    let batch = ansinh_exchange::sign_batch(&ward.store, &ward.keys, records).await.unwrap();
    write("signed_batch", "ward.json", &serde_json::to_vec(&batch).unwrap());
}
