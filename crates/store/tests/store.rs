//! Integration tests of the storage crate on real database files: migrations and reference
//! data, connection settings, constraints enforced by SQLite itself, the validated write path,
//! the change-record chain, search, indicators and all-or-nothing batches.

use ansinh_core::ErrorCode;
use ansinh_core::inputs::{AccountInput, BeneficiaryInput, PaymentInput, WithdrawalInput};
use ansinh_core::model::{AccountStatus, Channel, PaymentStatus, Scheme, SegmentBy, Sex, WithdrawalPlace};
use ansinh_core::records::{self, Account, Beneficiary, Cycle, Payment, Withdrawal};
use ansinh_core::segments::Filter;
use ansinh_core::validate::{self, RefData};
use ansinh_store::{Batch, Store, StoreError};
use chrono::NaiveDate;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, Row, SqliteConnection};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The validation rules' "today": fixed so the tests do not depend on the clock.
fn today() -> NaiveDate {
    d("2026-11-26")
}

/// The versions of the migrations the crate ships (files numbered 0001_…, 0002_…), in order.
fn migration_versions() -> Vec<i64> {
    let mut versions: Vec<i64> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sql"))
        .map(|name| name.split('_').next().unwrap().parse().unwrap())
        .collect();
    versions.sort();
    assert!(versions.len() >= 4, "{versions:?}");
    versions
}

/// A store on a fresh file in its own temporary folder (removed when dropped).
struct Fx {
    store: Store,
    path: PathBuf,
    _dir: TempDir,
}

async fn fresh() -> Fx {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ansinh.db");
    let store = Store::open(&path).await.unwrap();
    Fx { store, path, _dir: dir }
}

/// A plain sqlx connection to the same file, outside the store (sqlx defaults, no WAL pragma).
async fn raw(path: &Path) -> SqliteConnection {
    SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path)).await.unwrap()
}

/// Every change record held, as written (rows and all), by device and seq.
async fn records(conn: &mut SqliteConnection) -> Vec<ansinh_store::ChangeRecord> {
    let devices: Vec<String> = sqlx::query_scalar("SELECT DISTINCT device_id FROM change_log ORDER BY device_id")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    let mut out = Vec::new();
    for d in devices {
        out.extend(ansinh_store::changes_since(conn, &d, 0, i64::MAX).await.unwrap());
    }
    out
}

/// A block of the change log as `changes::log` writes it: each row's length (4 bytes,
/// little-endian) and text, compressed with DEFLATE.
fn block_of(rows: &[String]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    for r in rows {
        z.write_all(&(r.len() as u32).to_le_bytes()).unwrap();
        z.write_all(r.as_bytes()).unwrap();
    }
    z.finish().unwrap()
}

async fn count(conn: &mut SqliteConnection, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

/// Registers a person through the validation rules and the store.
async fn person(store: &Store, name: &str, birth: &str, sex: &str, id_number: &str, ward: &str) -> Beneficiary {
    let refs = store.refs().await.unwrap();
    let input = BeneficiaryInput {
        full_name: name.into(),
        birth_date: birth.into(),
        sex: sex.into(),
        id_number: id_number.into(),
        ward_code: ward.into(),
        group_code: "cao_tuoi_ngheo_80".into(),
        ..BeneficiaryInput::default()
    };
    let b = validate::beneficiary(&input, &refs, today()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    store.add_beneficiary(&b).await.unwrap();
    b
}

/// Nguyễn Thị Ánh, a woman born 1941 (ID 001 1 41 012345), ward 00004.
async fn register_anh(store: &Store) -> Beneficiary {
    person(store, "Nguyễn Thị Ánh", "05/03/1941", "Nữ", "001141012345", "00004").await
}

fn account_input(b: &Beneficiary, requested_on: &str, opened_on: &str) -> AccountInput {
    AccountInput {
        beneficiary_id: b.id.to_string(),
        channel: "bank".into(),
        provider_code: "970436".into(),
        account_number: "0011004455667".into(),
        requested_on: requested_on.into(),
        opened_on: opened_on.into(),
        assisted: true,
        vneid_linked: false,
    }
}

/// A Vietcombank account, opened (or only requested when `opened_on` is empty).
async fn account(store: &Store, b: &Beneficiary, requested_on: &str, opened_on: &str) -> Account {
    let refs = store.refs().await.unwrap();
    let a = validate::account(&account_input(b, requested_on, opened_on), &refs, today()).unwrap();
    store.add_account(&a).await.unwrap();
    a
}

fn payment_input(b: &Beneficiary, a: Option<&Account>, period: &str, amount: &str, credited_on: &str) -> PaymentInput {
    PaymentInput {
        beneficiary_id: b.id.to_string(),
        account_id: a.map(|a| a.id.to_string()),
        period: period.into(),
        amount: amount.into(),
        status: "credited".into(),
        credited_on: credited_on.into(),
        failure_reason: String::new(),
        one_off: false,
        label: String::new(),
    }
}

/// A credited payment of the person's entitlement (amount left empty).
async fn pay(store: &Store, b: &Beneficiary, a: Option<&Account>, period: &str, credited_on: &str) -> Payment {
    let draft = validate::payment(&payment_input(b, a, period, "", credited_on), today()).unwrap();
    store.add_payment(&draft).await.unwrap()
}

fn withdrawal(p: &Payment, on: &str, amount: &str) -> Withdrawal {
    let input = WithdrawalInput {
        payment_id: p.id.to_string(),
        withdrawn_on: on.into(),
        amount: amount.into(),
        place: "atm".into(),
        travel_minutes: "20".into(),
        travel_cost: "".into(),
        waiting_minutes: "5".into(),
        assisted: false,
        problems: vec![],
    };
    validate::withdrawal(&input, today()).unwrap()
}

/// The codes of a validation failure; panics on any other outcome.
fn invalid_codes<T: std::fmt::Debug>(r: Result<T, StoreError>) -> Vec<ErrorCode> {
    match r {
        Err(StoreError::Invalid(errs)) => errs.into_iter().map(|e| e.code).collect(),
        other => panic!("expected StoreError::Invalid, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Migrations and reference data
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn open_creates_the_file_and_seeds_reference_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("data").join("ansinh.db");
    assert!(!path.exists());
    let store = Store::open(&path).await.unwrap();
    assert!(path.is_file(), "open creates the database file (and its folders)");
    assert_eq!(store.path(), path.as_path());

    let refs = store.refs().await.unwrap();

    // Allowance groups with their coefficients (thousandths, exact): three programmes.
    assert_eq!(refs.groups.len(), 13);
    let g = refs.group("cao_tuoi_ngheo_80").expect("seeded group");
    assert_eq!((g.scheme, g.coefficient_permille, g.coefficient), (Scheme::SocialAssistance, 2000, 2.0));
    assert_eq!(refs.group("khuyet_tat_nang").unwrap().coefficient_permille, 1500);
    assert_eq!(refs.group("cao_tuoi_cham_soc_tai_nha").unwrap().coefficient_permille, 3000);
    assert_eq!(refs.group("than_nhan_liet_si").unwrap().scheme, Scheme::Meritorious);
    assert_eq!(refs.group("huu_tri_xa_hoi_75").unwrap().scheme, Scheme::SocialPension);
    assert_eq!(refs.group("huu_tri_xa_hoi_70_ngheo").unwrap().scheme, Scheme::SocialPension);
    let old80 = refs.group("cao_tuoi_80_khong_luong").unwrap();
    assert_eq!(
        (old80.valid_to.as_deref(), old80.successor_code.as_deref()),
        (Some("2025-06-30"), Some("huu_tri_xa_hoi_75")),
        "the 80+ without a pension moved to social pension with their history kept"
    );

    // Dated standard levels: national 360,000 from 2021-07-01, 500,000 from 2024-07-01; Hanoi's
    // own 650,000 from 2026-01-01.
    let mut sa: Vec<(&str, NaiveDate, i64)> = refs
        .rules
        .levels
        .iter()
        .filter(|l| l.scheme == Scheme::SocialAssistance)
        .map(|l| (l.area.as_str(), l.effective_from, l.amount_vnd))
        .collect();
    sa.sort();
    assert_eq!(
        sa,
        vec![("", d("2021-07-01"), 360_000), ("", d("2024-07-01"), 500_000), ("01", d("2026-01-01"), 650_000)]
    );
    // The amount of each programme's cycles of 06/2024, 07/2024, 12/2025 and 01/2026 in a ward
    // of Hà Nội (the province is read from the ward's parent).
    assert_eq!(refs.province_of("00004"), Some("01"));
    let ward = "00004";
    let cases = [
        ("cao_tuoi_ngheo_80", [Some(720_000), Some(1_000_000), Some(1_000_000), Some(1_300_000)]),
        ("khuyet_tat_nang", [Some(540_000), Some(750_000), Some(750_000), Some(975_000)]),
        ("cao_tuoi_80_khong_luong", [Some(360_000), Some(500_000), Some(500_000), Some(650_000)]),
        ("huu_tri_xa_hoi_75", [None, None, Some(500_000), Some(650_000)]),
        ("than_nhan_liet_si", [None, Some(2_789_000), Some(2_789_000), Some(2_789_000)]),
    ];
    let cycles = [d("2024-06-01"), d("2024-07-01"), d("2025-12-01"), d("2026-01-01")];
    for (group, amounts) in cases {
        let got: Vec<Option<i64>> = cycles.iter().map(|c| refs.entitlement(group, ward, *c)).collect();
        assert_eq!(got, amounts, "{group}");
    }
    assert_eq!(refs.entitlement("cao_tuoi_ngheo_80", ward, d("2021-06-30")), None);
    let jan = refs.entitlement_detail("cao_tuoi_80_khong_luong", ward, d("2026-01-01")).unwrap();
    assert_eq!((jan.scheme, jan.top_up_vnd), (Scheme::SocialPension, 150_000));

    // Providers: banks by NAPAS BIN, wallets, Mobile Money, VNeID, cash.
    let vcb =
        refs.providers.iter().find(|p| p.channel == Channel::Bank && p.code == "970436").expect("Vietcombank BIN");
    assert_eq!(vcb.name, "Vietcombank");
    assert!(refs.has_provider(Channel::Bank, "970436"));
    assert!(!refs.has_provider(Channel::Ewallet, "970436"), "a provider belongs to one channel");
    assert!(refs.has_provider(Channel::Ewallet, "momo"));
    assert_eq!(refs.provider_name(Channel::Bank, "970436"), "Vietcombank");

    // Administrative units: Hà Nội's 126 units since 1 July 2025 (51 wards, 75 communes), with
    // the official codes, not samples.
    let current: Vec<&ansinh_store::UnitView> = refs.local_units().collect();
    assert_eq!(current.len(), 126);
    assert_eq!(current.iter().filter(|u| u.level == "ward").count(), 51);
    assert_eq!(current.iter().filter(|u| u.level == "commune").count(), 75);
    assert!(current.iter().all(|u| !u.is_sample && u.valid_from.as_deref() == Some("2025-07-01")));
    let official =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/hanoi-units-2025-07.csv"))
            .expect("the official list beside the repository");
    for line in official.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.trim_end_matches('\r').split(',').collect();
        let u = refs.unit(f[0]).unwrap_or_else(|| panic!("{} is missing", f[0]));
        assert_eq!((u.name.as_str(), u.level.as_str(), u.parent_code.as_deref()), (f[1], f[2], Some("01")), "{line}");
    }
    let ba_dinh = refs.unit("00004").unwrap();
    assert_eq!((ba_dinh.name.as_str(), ba_dinh.level.as_str()), ("Phường Ba Đình", "ward"));
    assert!(!refs.unit("01").unwrap().is_sample);
    assert!(refs.has_ward("00004") && refs.has_ward("00001"));
    assert!(!refs.has_ward("01") && !refs.has_ward("001"), "a province or district is not a ward");
    // A code a new unit reuses still reads the old unit for a day before the merger.
    assert_eq!(refs.unit_on("00004", d("2025-06-30")).unwrap().name, "Phường Trúc Bạch");
    assert_eq!(refs.unit_on("00004", d("2025-07-01")).unwrap().name, "Phường Ba Đình");
    assert_eq!(refs.unit_on("00070", d("2024-01-15")).unwrap().name, "Phường Hàng Trống");
    assert_eq!(refs.unit_on("00001", d("2024-01-15")).unwrap().name, "Phường Phúc Xá");
    // The five placeholder wards are retired (records made on one keep it) and map to the real unit.
    let placeholder = refs.unit("90001").expect("kept for records made on it");
    assert_eq!((placeholder.is_sample, placeholder.valid_to.as_deref()), (true, Some("2025-06-30")));
    assert!(!current.iter().any(|u| u.code.starts_with('9')));

    // A device identity, made once: a UUIDv7 kept in settings.
    let device = store.device_id().to_string();
    assert_eq!(uuid::Uuid::parse_str(&device).unwrap().get_version_num(), 7);
    assert_eq!(store.setting("device_id").await.unwrap().as_deref(), Some(device.as_str()));
    assert_eq!(store.count_beneficiaries().await.unwrap(), 0);
    assert_eq!(store.verify_changes().await.unwrap(), None);

    let mut conn = raw(&path).await;
    let applied: Vec<(i64, bool)> = sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(applied, migration_versions().into_iter().map(|v| (v, true)).collect::<Vec<_>>());
    assert_eq!(count(&mut conn, "admin_unit_mappings").await, 37, "32 sample old→new, 5 placeholder→real");
    let mapped: String = sqlx::query_scalar("SELECT new_code FROM admin_unit_mappings WHERE old_code = '90004'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mapped, "00070", "the placeholder Hoàn Kiếm maps to the real one");
    assert_eq!(count(&mut conn, "change_log").await, 0, "reference data is not shipped as change records");
    store.close().await;
}

#[tokio::test]
async fn a_ward_written_by_name_finds_the_current_unit_of_that_name() {
    let fx = fresh().await;
    let refs = fx.store.refs().await.unwrap();
    let codes = |written: &str| refs.wards_named(written).iter().map(|u| u.code.clone()).collect::<Vec<_>>();
    // Every current unit by its full name, its name without "Phường"/"Xã", folded: itself only.
    for u in refs.local_units() {
        let bare = u.name.split_once(' ').unwrap().1;
        for written in [u.name.clone(), bare.to_string(), ansinh_core::text::fold(bare).to_uppercase()] {
            assert_eq!(codes(&written), vec![u.code.clone()], "{written:?}");
        }
    }
    for written in ["Phường Ba Đình", "Ba Đình", "ba dinh", "  PHƯỜNG  ba đình ", "P. Ba Đình", "p.ba dinh"]
    {
        assert_eq!(codes(written), ["00004"], "{written:?}");
    }
    // Names that begin with a level word's letters: read whole, or after their own level word.
    assert_eq!(codes("Phương Liệt"), ["00352"]);
    assert_eq!(codes("phuong phuong liet"), ["00352"]);
    assert_eq!(codes("Phượng Dực"), ["10279"]);
    // The level written must be the unit's; units that ended (Trúc Bạch, the placeholder
    // "Phường Ba Đình" 90001) and places that are no ward are not found.
    assert!(codes("Xã Ba Đình").is_empty());
    assert!(codes("Trúc Bạch").is_empty());
    assert!(codes("Thành phố Hà Nội").is_empty() && codes("Hà Nội").is_empty() && codes("").is_empty());
}

#[tokio::test]
async fn reopening_an_existing_file_keeps_device_and_data() {
    let Fx { store, path, _dir } = fresh().await;
    let device = store.device_id().to_string();
    let b = register_anh(&store).await;
    store.set_setting("language", "vi").await.unwrap();
    store.close().await;

    let store = Store::open(&path).await.unwrap();
    assert_eq!(store.device_id(), device, "the device keeps its identity across restarts");
    assert_eq!(store.count_beneficiaries().await.unwrap(), 1);
    assert_eq!(store.beneficiary_detail(&b.id.to_string()).await.unwrap().beneficiary.full_name, "Nguyễn Thị Ánh");
    assert_eq!(store.setting("language").await.unwrap().as_deref(), Some("vi"));

    // The same device's change series continues where it stopped.
    person(&store, "Trần Văn Bình", "1938", "Nam", "001038000004", "00008").await;
    let mut conn = raw(&path).await;
    let seqs: Vec<(String, i64)> =
        sqlx::query_as("SELECT device_id, seq FROM change_log ORDER BY seq").fetch_all(&mut conn).await.unwrap();
    assert_eq!(seqs, vec![(device.clone(), 1), (device.clone(), 2)]);
    assert_eq!(store.verify_changes().await.unwrap(), None);

    // Migrations ran once; reference data was not loaded twice.
    assert_eq!(count(&mut conn, "_sqlx_migrations").await, migration_versions().len() as i64);
    assert_eq!(count(&mut conn, "providers").await, 22);
    let devices: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM settings WHERE key = 'device_id'").fetch_one(&mut conn).await.unwrap();
    assert_eq!(devices, 1);
    store.close().await;
}

// ---------------------------------------------------------------------------------------------
// Connection settings
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn pragmas_wal_foreign_keys_and_strict_tables() {
    let Fx { store, path, _dir } = fresh().await;
    let mut conn = raw(&path).await;

    // WAL is a property of the file: a connection that does not ask for it still sees it.
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut conn).await.unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&mut conn).await.unwrap();
    assert_eq!(fk, 1);
    // foreign_keys is per connection, so also prove the store's own writer enforces it: a
    // payment for a person who does not exist is refused by SQLite, not by a Rust check.
    let orphan = Payment {
        id: records::new_id(),
        period: "2026-10".into(),
        beneficiary_id: records::new_id(),
        account_id: None,
        channel: Channel::Cash,
        amount_vnd: 1_000_000,
        status: PaymentStatus::Credited,
        scheduled_on: Some(d("2026-10-10")),
        credited_on: Some(d("2026-10-10")),
        failure_reason: String::new(),
        reference: None,
        label: String::new(),
    };
    let cycle = Cycle { period: "2026-10".into(), scheduled_on: d("2026-10-10") };
    let err = store
        .insert_batch(&Batch { cycles: vec![cycle], payments: vec![orphan], ..Batch::default() })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Db(_)) && err.to_string().contains("FOREIGN KEY constraint failed"), "{err}");

    // Every table of the schema is STRICT.
    let strict: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND strict = 1 ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let expected = [
        "accounts",
        "admin_unit_history",
        "admin_unit_mappings",
        "admin_units",
        "allowance_groups",
        "group_coefficients",
        "beneficiaries",
        "change_blocks",
        "change_names",
        "change_records",
        "import_mappings",
        "contacts",
        "grievance_events",
        "grievances",
        "payment_cycles",
        "payments",
        "providers",
        "settings",
        "standard_levels",
        "verification_items",
        "verification_samples",
        "withdrawals",
    ];
    // Tables added later are covered by the "no loose table" check below.
    assert!(expected.iter().all(|t| strict.iter().any(|s| s == t)), "{strict:?}");
    let loose: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND strict = 0 AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(loose, vec!["_sqlx_migrations"], "only sqlx's own bookkeeping table is not STRICT");

    // ...so text in an INTEGER column is an error rather than silently stored.
    let err = sqlx::query("INSERT INTO standard_levels (scheme, effective_from, amount_vnd) VALUES ('social_assistance', '2030-01-01', 'lots')")
        .execute(&mut conn)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cannot store TEXT value in INTEGER column"), "{err}");
    // Control: the same row with an integer is accepted.
    sqlx::query("INSERT INTO standard_levels (scheme, effective_from, amount_vnd) VALUES ('social_assistance', '2030-01-01', 600000)")
        .execute(&mut conn)
        .await
        .unwrap();
    store.close().await;
}

// ---------------------------------------------------------------------------------------------
// Constraints held by the database itself (raw SQL, bypassing the store's checks)
// ---------------------------------------------------------------------------------------------

async fn raw_beneficiary(conn: &mut SqliteConnection, id: &str, id_number: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO beneficiaries (id, full_name, name_key, name_lower, sort_key, birth_year, sex, id_number, ward_code,
             group_code, created_at, created_by, created_device, updated_at, updated_by, updated_device)
         VALUES (?, 'Lê Thị Hoa', 'le thi hoa', 'lê thị hoa', 'hoa le thi hoa', 1941, 'female', ?, '00004',
             'cao_tuoi_ngheo_80', '2026-11-26T00:00:00Z', 'o', 'd', '2026-11-26T00:00:00Z', 'o', 'd')",
    )
    .bind(id)
    .bind(id_number)
    .execute(conn)
    .await
    .map(|_| ())
}

async fn raw_payment(
    conn: &mut SqliteConnection,
    id: &str,
    beneficiary_id: &str,
    period: &str,
    amount: i64,
    credited_on: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO payments (id, period, beneficiary_id, channel, amount_vnd, status, credited_on,
             created_at, created_by, created_device, updated_at, updated_by, updated_device)
         VALUES (?, ?, ?, 'cash', ?, 'credited', ?, 't', 'o', 'd', 't', 'o', 'd')",
    )
    .bind(id)
    .bind(period)
    .bind(beneficiary_id)
    .bind(amount)
    .bind(credited_on)
    .execute(conn)
    .await
    .map(|_| ())
}

fn assert_fails(r: Result<(), sqlx::Error>, needle: &str) {
    match r {
        Err(e) => assert!(e.to_string().contains(needle), "expected '{needle}', got: {e}"),
        Ok(()) => panic!("expected a failure containing '{needle}', but the statement succeeded"),
    }
}

#[tokio::test]
async fn constraints_hold_at_the_database_level() {
    let Fx { store, path, _dir } = fresh().await;
    let mut c = raw(&path).await;

    // ID numbers: exactly 12 digits, unique.
    const ID_CHECK: &str = "CHECK constraint failed: id_number IS NULL OR (length(id_number) = 12";
    raw_beneficiary(&mut c, "b1", Some("001141012345")).await.unwrap();
    raw_beneficiary(&mut c, "b-none", None).await.unwrap(); // no number yet is allowed
    raw_beneficiary(&mut c, "b-none-2", None).await.unwrap(); // ...for several people
    assert_fails(raw_beneficiary(&mut c, "b2", Some("00114101234")).await, ID_CHECK);
    assert_fails(raw_beneficiary(&mut c, "b2", Some("0011410123456")).await, ID_CHECK);
    assert_fails(raw_beneficiary(&mut c, "b2", Some("00114101234X")).await, ID_CHECK);
    assert_fails(
        raw_beneficiary(&mut c, "b2", Some("001141012345")).await,
        "UNIQUE constraint failed: beneficiaries.id_number",
    );
    raw_beneficiary(&mut c, "b2", Some("001141012346")).await.unwrap();
    assert_eq!(count(&mut c, "beneficiaries").await, 4);

    // Payments: known person, positive amount, a credited payment has its credit date.
    sqlx::query(
        "INSERT INTO payment_cycles (period, scheduled_on) VALUES ('2026-10', '2026-10-10'), ('2026-11', '2026-11-10')",
    )
    .execute(&mut c)
    .await
    .unwrap();
    raw_payment(&mut c, "p1", "b1", "2026-10", 1_000_000, Some("2026-10-10")).await.unwrap();
    assert_fails(
        raw_payment(&mut c, "p2", "nobody", "2026-11", 1_000_000, Some("2026-11-10")).await,
        "FOREIGN KEY constraint failed",
    );
    assert_fails(
        raw_payment(&mut c, "p2", "b1", "2026-12", 1_000_000, Some("2026-12-10")).await,
        "FOREIGN KEY constraint failed",
    );
    assert_fails(
        raw_payment(&mut c, "p2", "b1", "2026-11", -1_000_000, Some("2026-11-10")).await,
        "CHECK constraint failed: amount_vnd > 0",
    );
    assert_fails(
        raw_payment(&mut c, "p2", "b1", "2026-11", 0, Some("2026-11-10")).await,
        "CHECK constraint failed: amount_vnd > 0",
    );
    assert_fails(
        raw_payment(&mut c, "p2", "b1", "2026-11", 1_000_000, None).await,
        "CHECK constraint failed: status <> 'credited' OR credited_on IS NOT NULL",
    );
    assert_fails(
        raw_payment(&mut c, "p2", "b1", "2026-10", 1_000_000, Some("2026-10-10")).await,
        "UNIQUE constraint failed: payments.beneficiary_id, payments.period",
    );
    raw_payment(&mut c, "p2", "b1", "2026-11", 1_000_000, Some("2026-11-10")).await.unwrap();
    assert_eq!(count(&mut c, "payments").await, 2);

    // Change records are append-only.
    for sql in [
        "INSERT INTO change_names (n, name) VALUES (1, 'dev'), (2, 'o')",
        "INSERT INTO change_blocks (n, rows) VALUES (1, x'00')",
        "INSERT INTO change_records (device, seq, record_id, entity, entity_id, kind, schema_version, officer,
             recorded_at, block, part, prev_hash, hash, base)
         VALUES (1, 1, 'r1', 'beneficiary', 'b1', 'insert', 1, 2, 't', 1, 0, '', 'h1', '')",
    ] {
        sqlx::query(sql).execute(&mut c).await.unwrap();
    }
    for edit in [
        "UPDATE change_records SET kind = 'update' WHERE seq = 1",
        "DELETE FROM change_records",
        "UPDATE change_blocks SET rows = x'01'",
        "DELETE FROM change_blocks",
    ] {
        assert_fails(sqlx::query(edit).execute(&mut c).await.map(|_| ()), "change_log is append-only");
    }
    let kind: String = sqlx::query_scalar("SELECT kind FROM change_log WHERE seq = 1").fetch_one(&mut c).await.unwrap();
    assert_eq!(kind, "insert");
    assert_eq!(count(&mut c, "change_log").await, 1);
    store.close().await;
}

// ---------------------------------------------------------------------------------------------
// The write path
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn write_path_checks_against_what_is_stored() {
    let Fx { store, path, _dir } = fresh().await;
    let b = register_anh(&store).await;
    assert_eq!((b.sex, b.birth_year), (Sex::Female, 1941));
    assert_eq!(store.find_by_id_number("001141012345").await.unwrap(), Some(b.id.to_string()));

    // The same ID number again (a different record otherwise): a conflict pointing at the first.
    let refs = store.refs().await.unwrap();
    let again = BeneficiaryInput {
        full_name: "Nguyen Thi Anh".into(),
        birth_date: "1941".into(),
        sex: "female".into(),
        id_number: "001 141 012345".into(),
        ward_code: "00008".into(),
        group_code: "cao_tuoi_ngheo_80".into(),
        ..BeneficiaryInput::default()
    };
    let dup = validate::beneficiary(&again, &refs, today()).unwrap();
    match store.add_beneficiary(&dup).await {
        Err(StoreError::Conflict(e)) => {
            assert_eq!(e.code, ErrorCode::IdNumberDuplicate);
            assert_eq!(e.field.as_deref(), Some("id_number"));
            assert_eq!(e.params.get("id"), Some(&b.id.to_string()));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(store.count_beneficiaries().await.unwrap(), 1);

    // Accounts: one opened, one only requested.
    let opened = account(&store, &b, "01/09/2026", "03/09/2026").await;
    assert_eq!(opened.status, AccountStatus::Opened);
    let requested = account(&store, &b, "15/10/2026", "").await;
    assert_eq!(requested.status, AccountStatus::Requested);
    let mut stray = opened.clone();
    stray.id = records::new_id();
    stray.beneficiary_id = records::new_id();
    assert!(matches!(store.add_account(&stray).await, Err(StoreError::NotFound { entity: "beneficiary", .. })));

    // A payment with the amount left empty gets the entitlement in force on its cycle in Hà Nội:
    // 650,000 × 2.0 (Resolution 63/2025).
    let oct = pay(&store, &b, Some(&opened), "10/2026", "10/10/2026").await;
    assert_eq!(oct.amount_vnd, 1_300_000);
    assert_eq!(oct.channel, Channel::Bank, "the channel comes from the account");
    assert_eq!((oct.period.as_str(), oct.status), ("2026-10", PaymentStatus::Credited));
    assert_eq!(oct.scheduled_on, Some(d("2026-10-10")));
    let mut conn = raw(&path).await;
    let cycles: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT period, scheduled_on, closed_at FROM payment_cycles")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert_eq!(cycles, vec![("2026-10".to_string(), "2026-10-10".to_string(), None)], "the payment created its cycle");

    // An earlier month, typed amount: the first credit into the account.
    let draft =
        validate::payment(&payment_input(&b, Some(&opened), "09/2026", "1.000.000", "12/09/2026"), today()).unwrap();
    let sep = store.add_payment(&draft).await.unwrap();
    // Cash when no account is given.
    let aug = pay(&store, &b, None, "08/2026", "20/08/2026").await;
    assert_eq!((aug.channel, aug.account_id, aug.amount_vnd), (Channel::Cash, None, 1_300_000));

    // The same month twice.
    let draft = validate::payment(&payment_input(&b, None, "10/2026", "", "11/10/2026"), today()).unwrap();
    match store.add_payment(&draft).await {
        Err(StoreError::Conflict(e)) => {
            assert_eq!(e.code, ErrorCode::PaymentDuplicate);
            assert_eq!(e.params.get("period").map(String::as_str), Some("2026-10"));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    // Into an account that is only requested.
    let draft = validate::payment(&payment_input(&b, Some(&requested), "11/2026", "", "10/11/2026"), today()).unwrap();
    assert_eq!(invalid_codes(store.add_payment(&draft).await), vec![ErrorCode::AccountNotOpened]);
    // Into someone else's account / for someone unknown.
    let other = person(&store, "Trần Văn Bình", "1938", "Nam", "001038000004", "00008").await;
    let draft = validate::payment(&payment_input(&other, Some(&opened), "11/2026", "", "10/11/2026"), today()).unwrap();
    assert_eq!(invalid_codes(store.add_payment(&draft).await), vec![ErrorCode::NotFound]);
    let mut draft = validate::payment(&payment_input(&b, None, "11/2026", "", "10/11/2026"), today()).unwrap();
    draft.beneficiary_id = records::new_id();
    assert!(matches!(store.add_payment(&draft).await, Err(StoreError::NotFound { entity: "beneficiary", .. })));
    // A draft built by hand with a malformed period is refused, never a panic.
    for bad in ["", "2026", "2026-1", "10/2026", "2026-13", "2026-10-01", "năm-10"] {
        let mut draft = validate::payment(&payment_input(&b, None, "11/2026", "", "10/11/2026"), today()).unwrap();
        draft.period = bad.into();
        assert_eq!(invalid_codes(store.add_payment(&draft).await), vec![ErrorCode::PeriodInvalid], "{bad:?}");
    }
    assert_eq!(count(&mut conn, "payments").await, 3);
    assert_eq!(count(&mut conn, "payment_cycles").await, 3, "refused payments create no cycle");

    // Withdrawals: not before the credit, never more than what is left.
    assert_eq!(
        invalid_codes(store.add_withdrawal(&withdrawal(&oct, "2026-10-09", "100.000")).await),
        vec![ErrorCode::DateBeforeCredit]
    );
    let w1 = withdrawal(&oct, "2026-10-12", "900.000");
    store.add_withdrawal(&w1).await.unwrap();
    match store.add_withdrawal(&withdrawal(&oct, "2026-10-13", "500.000")).await {
        Err(StoreError::Invalid(errs)) => {
            assert_eq!(errs.len(), 1);
            assert_eq!(errs[0].code, ErrorCode::AmountExceedsPayment);
            assert_eq!(errs[0].params.get("remaining").map(String::as_str), Some("400.000 ₫"));
        }
        other => panic!("expected amount.exceeds_payment, got {other:?}"),
    }
    let w2 = withdrawal(&oct, "2026-10-15", "400.000");
    store.add_withdrawal(&w2).await.unwrap();
    assert_eq!(
        invalid_codes(store.add_withdrawal(&withdrawal(&oct, "2026-10-16", "1.000")).await),
        vec![ErrorCode::AmountExceedsPayment]
    );
    // Both problems at once are both reported.
    assert_eq!(
        invalid_codes(store.add_withdrawal(&withdrawal(&sep, "2026-09-01", "2.000.000")).await),
        vec![ErrorCode::DateBeforeCredit, ErrorCode::AmountExceedsPayment]
    );
    let mut ghost = withdrawal(&oct, "2026-10-20", "1.000");
    ghost.payment_id = records::new_id();
    assert!(matches!(store.add_withdrawal(&ghost).await, Err(StoreError::NotFound { entity: "payment", .. })));
    // A failed transfer cannot be withdrawn.
    let failed = PaymentInput {
        status: "failed".into(),
        credited_on: String::new(),
        failure_reason: "sai số tài khoản".into(),
        ..payment_input(&b, Some(&opened), "11/2026", "", "")
    };
    let nov = store.add_payment(&validate::payment(&failed, today()).unwrap()).await.unwrap();
    assert_eq!((nov.status, nov.credited_on), (PaymentStatus::Failed, None));
    assert_eq!(
        invalid_codes(store.add_withdrawal(&withdrawal(&nov, "2026-11-20", "1.000")).await),
        vec![ErrorCode::PaymentNotCredited]
    );
    assert_eq!(count(&mut conn, "withdrawals").await, 2);

    // One person's file.
    let detail = store.beneficiary_detail(&b.id.to_string()).await.unwrap();
    assert_eq!(detail.beneficiary.full_name, "Nguyễn Thị Ánh");
    assert_eq!(detail.beneficiary.id_number.as_deref(), Some("001141012345"));
    assert_eq!(detail.beneficiary.birth_date.as_deref(), Some("1941-03-05"));
    assert_eq!(detail.beneficiary.ward_name, "Phường Ba Đình");
    assert_eq!(detail.beneficiary.entitlement_vnd, Some(1_300_000));

    assert_eq!(detail.accounts.len(), 2);
    let a0 = &detail.accounts[0];
    assert_eq!(
        (a0.id.as_str(), a0.status, a0.channel),
        (opened.id.to_string().as_str(), AccountStatus::Opened, Channel::Bank)
    );
    assert_eq!(a0.provider_name, "Vietcombank");
    assert_eq!(a0.account_number, "0011004455667", "leading zeros kept");
    assert_eq!(a0.opened_on.as_deref(), Some("2026-09-03"));
    assert_eq!(a0.first_credit_on.as_deref(), Some("2026-09-12"), "derived from the earliest credited payment");
    let a1 = &detail.accounts[1];
    assert_eq!((a1.id.as_str(), a1.status), (requested.id.to_string().as_str(), AccountStatus::Requested));
    assert_eq!((a1.opened_on.as_deref(), a1.first_credit_on.as_deref()), (None, None));

    let periods: Vec<&str> = detail.payments.iter().map(|p| p.period.as_str()).collect();
    assert_eq!(periods, vec!["2026-11", "2026-10", "2026-09", "2026-08"], "newest first");
    let p_oct = &detail.payments[1];
    assert_eq!(p_oct.id, oct.id.to_string());
    assert_eq!(p_oct.withdrawn_vnd, 1_300_000);
    let ws: Vec<(&str, i64, WithdrawalPlace)> =
        p_oct.withdrawals.iter().map(|w| (w.withdrawn_on.as_str(), w.amount_vnd, w.place)).collect();
    assert_eq!(ws, vec![("2026-10-12", 900_000, WithdrawalPlace::Atm), ("2026-10-15", 400_000, WithdrawalPlace::Atm)]);
    assert_eq!(p_oct.withdrawals[0].id, w1.id.to_string());
    assert_eq!((p_oct.withdrawals[0].travel_minutes, p_oct.withdrawals[0].travel_cost_vnd), (Some(20), None));
    assert_eq!((detail.payments[2].withdrawn_vnd, detail.payments[2].withdrawals.len()), (0, 0));
    assert_eq!(detail.payments[0].failure_reason, "sai số tài khoản");

    // The other person's file holds nothing of hers.
    let theirs = store.beneficiary_detail(&other.id.to_string()).await.unwrap();
    assert!(theirs.accounts.is_empty() && theirs.payments.is_empty());
    assert!(matches!(
        store.beneficiary_detail("no-such-id").await,
        Err(StoreError::NotFound { entity: "beneficiary", .. })
    ));

    // Exports see the same rows.
    assert_eq!(store.all_beneficiaries().await.unwrap().len(), 2);
    assert_eq!(store.all_accounts().await.unwrap().len(), 2);
    assert_eq!(store.all_payments().await.unwrap().len(), 4);
    assert_eq!(store.all_withdrawals().await.unwrap().len(), 2);
    store.close().await;
}

// ---------------------------------------------------------------------------------------------
// Change records
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_write_appends_one_chained_change_record_per_row() {
    let Fx { store, path, _dir } = fresh().await;
    let device = store.device_id().to_string();
    let b = register_anh(&store).await; //                                       1 beneficiary
    let a = account(&store, &b, "01/09/2026", "03/09/2026").await; //  2 account
    let p = pay(&store, &b, Some(&a), "10/2026", "10/10/2026").await; // 3 cycle, 4 payment
    let c = person(&store, "Trần Văn Bình", "1938", "Nam", "001038000004", "00008").await; // 5
    let q = pay(&store, &c, None, "10/2026", "11/10/2026").await; //     6 payment (cycle exists)
    let w = withdrawal(&p, "2026-10-12", "1.300.000");
    store.add_withdrawal(&w).await.unwrap(); //                          7 withdrawal
    // Refused writes append nothing.
    assert!(store.add_beneficiary(&b).await.is_err());
    assert!(store.add_withdrawal(&withdrawal(&p, "2026-10-13", "1.000")).await.is_err());
    // Local preferences are not change records.
    store.set_setting("language", "en").await.unwrap();

    let mut conn = raw(&path).await;
    let rows = records(&mut conn).await;
    let got: Vec<(String, i64, String, String)> =
        rows.iter().map(|r| (r.device_id.clone(), r.seq, r.entity.name().to_string(), r.entity_id.clone())).collect();
    let expected: Vec<(String, i64, String, String)> = [
        ("beneficiary", b.id.to_string()),
        ("account", a.id.to_string()),
        ("cycle", "2026-10".to_string()),
        ("payment", p.id.to_string()),
        ("beneficiary", c.id.to_string()),
        ("payment", q.id.to_string()),
        ("withdrawal", w.id.to_string()),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (entity, id))| (device.clone(), i as i64 + 1, entity.to_string(), id))
    .collect();
    assert_eq!(got, expected, "one record per row, consecutive seq for this device");

    let mut prev = String::new();
    let mut record_ids = std::collections::HashSet::new();
    for r in &rows {
        assert_eq!(r.kind.as_str(), "insert");
        assert_eq!(r.schema_version, ansinh_store::SCHEMA_VERSION);
        assert_eq!(r.officer, "officer");
        assert_eq!(r.prev_hash, prev, "each record points at the previous one");
        assert_eq!(r.hash.len(), 64);
        assert_eq!(r.hash, r.computed_hash());
        assert!(record_ids.insert(r.record_id.clone()));
        prev = r.hash.clone();
    }
    // Payloads are the stored rows (column -> value), so any entity ships and rebuilds alike.
    let payload = |i: usize| serde_json::from_str::<serde_json::Value>(&rows[i].payload).unwrap();
    assert_eq!(payload(0)["id"], b.id.to_string());
    assert_eq!(payload(0)["full_name"], b.full_name);
    assert_eq!(payload(0)["name_key"], ansinh_core::text::fold(&b.full_name));
    assert_eq!(payload(0)["created_device"], store.device_id());
    assert_eq!(payload(1)["id"], a.id.to_string());
    assert_eq!(payload(1)["beneficiary_id"], b.id.to_string());
    assert_eq!(payload(2), serde_json::json!({"period": "2026-10", "scheduled_on": "2026-10-10", "closed_at": null}));
    assert_eq!(payload(3)["id"], p.id.to_string());
    assert_eq!(payload(3)["amount_vnd"], p.amount_vnd);
    assert_eq!(payload(6)["id"], w.id.to_string());
    assert_eq!(payload(6)["amount_vnd"], w.amount_vnd);

    assert_eq!(store.verify_changes().await.unwrap(), None);

    // Tamper with a payload in its compressed block (the trigger must go first) and the chain
    // breaks right there.
    sqlx::query("DROP TRIGGER change_blocks_no_update").execute(&mut conn).await.unwrap();
    let original = rows[3].payload.clone();
    let forged = original.replace("1300000", "9000000");
    assert_ne!(forged, original);
    // Its block holds the rows of its write (the cycle it created, then the payment).
    let block: i64 =
        sqlx::query_scalar("SELECT block FROM change_records WHERE seq = 4").fetch_one(&mut conn).await.unwrap();
    let seqs: Vec<i64> = sqlx::query_scalar("SELECT seq FROM change_records WHERE block = ? ORDER BY part")
        .bind(block)
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(seqs, [3, 4]);
    for payload in [&forged, &original] {
        let block_rows: Vec<String> =
            seqs.iter().map(|&q| if q == 4 { payload.clone() } else { rows[q as usize - 1].payload.clone() }).collect();
        sqlx::query("UPDATE change_blocks SET rows = ? WHERE n = ?")
            .bind(block_of(&block_rows))
            .bind(block)
            .execute(&mut conn)
            .await
            .unwrap();
        // Put back, it is intact again: the check is about content, not about the trigger.
        let broken = if payload == &forged { Some((device.clone(), 4)) } else { None };
        assert_eq!(store.verify_changes().await.unwrap(), broken);
    }
    // A hole in the series is found too.
    sqlx::query("DROP TRIGGER change_records_no_delete").execute(&mut conn).await.unwrap();
    sqlx::query("DELETE FROM change_records WHERE device = (SELECT n FROM change_names WHERE name = ?) AND seq = 2")
        .bind(&device)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(store.verify_changes().await.unwrap(), Some((device, 3)));
    store.close().await;
}

// ---------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------

async fn names(store: &Store, query: &str, ward: Option<&str>) -> (i64, Vec<String>) {
    let page = store.search(query, ward, 50, 0).await.unwrap();
    (page.total, page.items.into_iter().map(|b| b.full_name).collect())
}

#[tokio::test]
async fn search_folds_accents_ranks_exact_tones_and_pages() {
    let Fx { store, path: _, _dir } = fresh().await;
    // An is registered before Ân, so insertion order alone would put An first.
    person(&store, "Nguyễn Văn An", "1940", "Nam", "001040000001", "00004").await;
    person(&store, "Nguyễn Văn Ân", "1942", "Nam", "001042000002", "00008").await;
    person(&store, "Đặng Thị Huệ", "1945", "Nữ", "001145000003", "00004").await;
    person(&store, "Trần Văn Bình", "1938", "Nam", "001038000004", "00008").await;
    register_anh(&store).await; // Nguyễn Thị Ánh, 001141012345, 00004

    // Accent-insensitive, case-insensitive.
    assert_eq!(names(&store, "nguyen van an", None).await, (2, vec!["Nguyễn Văn An".into(), "Nguyễn Văn Ân".into()]));
    assert_eq!(names(&store, "NGUYEN", None).await.0, 3);
    // The exact tones typed rank that name first.
    assert_eq!(names(&store, "Nguyễn Văn Ân", None).await, (2, vec!["Nguyễn Văn Ân".into(), "Nguyễn Văn An".into()]));
    assert_eq!(names(&store, "ân", None).await.1[0], "Nguyễn Văn Ân");
    // "an" is in every folded name (văn, ánh, trần, đặng); the one spelled "an" comes first.
    let (total, found) = names(&store, "an", None).await;
    assert_eq!((total, found[0].as_str()), (5, "Nguyễn Văn An"));
    // Names starting with the text come before names merely containing it ("thị" contains t):
    // by given name alone the order would be Ánh, Bình, Huệ.
    assert_eq!(names(&store, "t", None).await.1, vec!["Trần Văn Bình", "Nguyễn Thị Ánh", "Đặng Thị Huệ"]);
    assert_eq!(names(&store, "tran", None).await.1, vec!["Trần Văn Bình"]);
    // đ folds to d.
    assert_eq!(names(&store, "dang", None).await, (1, vec!["Đặng Thị Huệ".into()]));
    assert_eq!(names(&store, "Đặng thị", None).await, (1, vec!["Đặng Thị Huệ".into()]));
    assert_eq!(names(&store, "hue", None).await.0, 1);

    // ID numbers by prefix.
    assert_eq!(names(&store, "001141", None).await, (1, vec!["Nguyễn Thị Ánh".into()]));
    assert_eq!(names(&store, "001141012345", None).await.0, 1);
    assert_eq!(
        names(&store, "0010", None).await,
        (3, vec!["Nguyễn Văn An".into(), "Nguyễn Văn Ân".into(), "Trần Văn Bình".into()])
    );
    assert_eq!(names(&store, "141012345", None).await.0, 0, "a number matches from its start only");
    // LIKE wildcards typed by the officer are literal.
    assert_eq!(names(&store, "%", None).await.0, 0);
    assert_eq!(names(&store, "_", None).await.0, 0);
    assert_eq!(names(&store, "xyz", None).await, (0, vec![]));

    // Ward filter.
    assert_eq!(
        names(&store, "nguyen", Some("00004")).await,
        (2, vec!["Nguyễn Văn An".into(), "Nguyễn Thị Ánh".into()])
    );
    let page = store.search("", Some("00008"), 50, 0).await.unwrap();
    assert_eq!(page.total, 2);
    assert!(page.items.iter().all(|b| b.ward_code == "00008" && b.ward_name == "Phường Ngọc Hà"));
    assert_eq!(names(&store, "", Some("")).await.0, 5, "an empty ward means every ward");

    // Paging: the total counts every match, pages partition them in Vietnamese name order.
    let all = ["Nguyễn Văn An", "Nguyễn Văn Ân", "Nguyễn Thị Ánh", "Trần Văn Bình", "Đặng Thị Huệ"];
    let mut seen = Vec::new();
    for offset in [0, 2, 4] {
        let page = store.search("", None, 2, offset).await.unwrap();
        assert_eq!(page.total, 5);
        assert_eq!(page.items.len(), if offset == 4 { 1 } else { 2 });
        seen.extend(page.items.into_iter().map(|b| b.full_name));
    }
    assert_eq!(seen, all);
    let beyond = store.search("", None, 2, 10).await.unwrap();
    assert_eq!((beyond.total, beyond.items.len()), (5, 0));
    store.close().await;
}

// ---------------------------------------------------------------------------------------------
// Indicators
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn metrics_from_stored_events() {
    let Fx { store, path: _, _dir } = fresh().await;
    let a = person(&store, "Nguyễn Văn An", "1940", "Nam", "001040000001", "00004").await;
    let b = person(&store, "Trần Văn Bình", "1938", "Nam", "001038000004", "00008").await;
    let c = person(&store, "Đặng Thị Huệ", "1945", "Nữ", "001145000003", "00008").await;

    // Fixture, as of 2026-11-01 unless said otherwise:
    //
    // | who | ward  | period  | status   | credited   | withdrawals             | as of 11-01          |
    // |-----|-------|---------|----------|------------|-------------------------|----------------------|
    // | An  | 00004 | 2026-10 | credited | 2026-10-10 | 10-12 600k, 10-20 400k  | withdrawn, day 2     |
    // | An  | 00004 | 2026-11 | credited | 2026-11-05 | none                    | not yet credited     |
    // | Bình| 00008 | 2026-10 | credited | 2026-10-10 | none; reached 11-01     | censored, day 22     |
    // | Huệ | 00008 | 2026-10 | failed   | -          | -                       | excluded             |
    //
    // Overall on 11-01: credited 2, withdrawn 1, unwithdrawn 1. Kaplan-Meier: day 2, 2 at risk,
    // 1 withdrawal -> S = 1/2. So: withdrawn by day 1 = 0, by day 3 = by day 7 = 0.5; by day
    // 30 unknown (longest follow-up 22 days, S > 0 there); median 2; p75 and p90 never reached;
    // curve days 0..=22. The first withdrawal counts (day 2), not the second (day 10).
    // Ward 00004 (Phường Ba Đình): 1 credited, withdrawn day 2 -> S = 0 from day 2: every
    // share known, median = p75 = p90 = 2, withdrawn by day 30 = 1.
    // Ward 00008 (Phường Ngọc Hà): 1 credited (the failed one is excluded), none withdrawn.
    // Bình was reached by phone on 11-01 and had not withdrawn: known unwithdrawn through day 22.
    // On 11-10 the November payment counts too, but nobody has checked on it: censored at its
    // credit (day 0), it leaves the risk set before day 2, so S = 1/2 after day 2 (median 2),
    // and it is too young (5 days) to count for coverage: 2 of 2 known.
    let acc = account(&store, &a, "01/09/2026", "03/09/2026").await;
    let oct_a = pay(&store, &a, Some(&acc), "10/2026", "10/10/2026").await;
    store.add_withdrawal(&withdrawal(&oct_a, "2026-10-20", "400.000")).await.unwrap();
    store.add_withdrawal(&withdrawal(&oct_a, "2026-10-12", "600.000")).await.unwrap();
    pay(&store, &a, Some(&acc), "11/2026", "05/11/2026").await;
    let oct_b = pay(&store, &b, None, "10/2026", "10/10/2026").await;
    let failed = PaymentInput {
        status: "failed".into(),
        credited_on: String::new(),
        failure_reason: "sai số tài khoản".into(),
        ..payment_input(&c, None, "10/2026", "", "")
    };
    store.add_payment(&validate::payment(&failed, today()).unwrap()).await.unwrap();
    let call = ansinh_core::followup::Contact {
        id: uuid::Uuid::now_v7(),
        beneficiary_id: oct_b.beneficiary_id,
        payment_id: Some(oct_b.id),
        kind: ansinh_core::followup::ContactKind::Call,
        contacted_on: d("2026-11-01"),
        outcome: ansinh_core::followup::ContactOutcome::WillWithdraw,
        note: String::new(),
    };
    store.add_contact(&ansinh_core::followup::ContactEntry { contact: call, withdrawn: None }).await.unwrap();

    let facts = store.indicator_facts().await.unwrap();
    assert_eq!(facts.payments.len(), 4, "every payment is a fact");
    assert_eq!(facts.checks, vec![d("2026-11-01")], "the call is a check of Bình's payment");
    assert_eq!(facts.payments.iter().filter(|p| p.status == PaymentStatus::Credited).count(), 3);
    let first =
        facts.payments.iter().find(|p| p.credited_on == Some(d("2026-10-10")) && !p.withdrawals.is_empty()).unwrap();
    assert_eq!(
        facts.withdrawals_of(first).iter().map(|w| w.on).collect::<Vec<_>>(),
        vec![d("2026-10-12"), d("2026-10-20")]
    );
    assert_eq!(facts.failure_reasons, vec!["sai số tài khoản".to_string()]);
    assert_eq!(facts.accounts.len(), 1);
    assert_eq!(facts.accounts[0].first_credit_on, Some(d("2026-10-10")));
    assert_eq!(facts.accounts[0].first_withdrawal_on, Some(d("2026-10-12")));

    let all = Filter::default();
    let r = store.metrics(d("2026-11-01"), &all, &[]).await.unwrap();
    assert_eq!(r.as_of, "2026-11-01");
    let m = &r.overall.time_to_cash;
    assert_eq!((m.credited, m.withdrawn, m.unwithdrawn), (2, 1, 1));
    assert_eq!((m.time_to_cash_days.median, m.time_to_cash_days.p75, m.time_to_cash_days.p90), (Some(2), None, None));
    let by = m.withdrawn_by_day;
    assert_eq!((by.day1, by.day3, by.day7, by.day30), (Some(0.0), Some(0.5), Some(0.5), None));
    assert_eq!(m.curve.len(), 23);
    assert_eq!((m.curve[1].withdrawn, m.curve[2].withdrawn, m.curve[22].day), (0.0, 0.5, 22));
    assert!(r.segments.is_none());
    // The failed payment is issued but not credited; its reason is counted.
    assert_eq!((r.overall.payments, r.overall.failed_transfers.share.count), (3, 1));
    assert_eq!(r.overall.failed_transfers.reasons[0].reason, "sai số tài khoản");
    // The one withdrawn payment's first visit (12/10, 600.000 ₫) is judged, whatever its amount.
    assert_eq!(r.overall.full_first_visit.n, 1);

    let r = store.metrics(d("2026-11-01"), &all, &[SegmentBy::Ward]).await.unwrap();
    assert_eq!(r.overall.time_to_cash, *m, "segmenting does not change the totals");
    let s = r.segments.unwrap();
    let labels: Vec<(&str, &str, u64, bool)> =
        s.iter().map(|s| (s.key.as_str(), s.label.as_str(), s.size, s.too_few)).collect();
    assert_eq!(
        labels,
        vec![("00004", "Phường Ba Đình", 1, true), ("00008", "Phường Ngọc Hà", 2, true)],
        "a ward of one or two payments is too few to judge"
    );
    // A ward's own figures: filter to it.
    let ward = |code: &str| Filter { ward: Some(code.into()), ..Filter::default() };
    let w1 = store.metrics(d("2026-11-01"), &ward("00004"), &[]).await.unwrap().overall.time_to_cash;
    assert_eq!((w1.time_to_cash_days.median, w1.time_to_cash_days.p90), (Some(2), Some(2)));
    assert_eq!((w1.withdrawn_by_day.day1, w1.withdrawn_by_day.day30), (Some(0.0), Some(1.0)));
    assert_eq!(w1.curve.len(), 31);
    let w2 = store.metrics(d("2026-11-01"), &ward("00008"), &[]).await.unwrap().overall.time_to_cash;
    assert_eq!((w2.unwithdrawn, w2.time_to_cash_days.median, w2.withdrawn_by_day.day7), (1, None, Some(0.0)));

    let r = store.metrics(d("2026-11-01"), &all, &[SegmentBy::Group]).await.unwrap();
    let s = r.segments.unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].key, "cao_tuoi_ngheo_80");
    assert_eq!(s[0].label, "Người cao tuổi hộ nghèo không có người phụng dưỡng, từ 80 tuổi");

    let later = store.metrics(d("2026-11-10"), &all, &[]).await.unwrap().overall.time_to_cash;
    assert_eq!((later.credited, later.withdrawn, later.unwithdrawn), (3, 1, 2));
    assert_eq!(later.time_to_cash_days.median, Some(2));
    assert_eq!((later.withdrawn_by_day.day3, later.withdrawn_by_day.day30), (Some(0.5), None));
    assert_eq!((later.coverage.of, later.coverage.known), (2, 2));
    store.close().await;
}

// ---------------------------------------------------------------------------------------------
// Batches are all or nothing
// ---------------------------------------------------------------------------------------------

async fn counts(conn: &mut SqliteConnection) -> Vec<i64> {
    let mut v = Vec::new();
    for t in ["beneficiaries", "accounts", "payment_cycles", "payments", "withdrawals", "change_log"] {
        v.push(count(conn, t).await);
    }
    v
}

#[tokio::test]
async fn a_batch_that_fails_midway_writes_nothing() {
    let Fx { store, path, _dir } = fresh().await;
    let existing = register_anh(&store).await;
    let acc = account(&store, &existing, "01/09/2026", "03/09/2026").await;
    pay(&store, &existing, Some(&acc), "10/2026", "10/10/2026").await;

    let mut conn = raw(&path).await;
    let before = counts(&mut conn).await;
    assert_eq!(before, vec![1, 1, 1, 1, 0, 4]);
    let log_before: Vec<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM change_log ORDER BY seq").fetch_all(&mut conn).await.unwrap();

    // Every row valid except the last: a withdrawal of a payment that does not exist.
    let refs = store.refs().await.unwrap();
    let input = BeneficiaryInput {
        full_name: "Lê Văn Cường".into(),
        birth_date: "1944".into(),
        sex: "Nam".into(),
        id_number: "001044000009".into(),
        ward_code: "00025".into(),
        group_code: "cao_tuoi_ngheo_80".into(),
        ..BeneficiaryInput::default()
    };
    let b = validate::beneficiary(&input, &refs, today()).unwrap();
    let a = validate::account(&account_input(&b, "01/11/2026", "02/11/2026"), &refs, today()).unwrap();
    let p = Payment {
        id: records::new_id(),
        period: "2026-11".into(),
        beneficiary_id: b.id,
        account_id: Some(a.id),
        channel: Channel::Bank,
        amount_vnd: 1_000_000,
        status: PaymentStatus::Credited,
        scheduled_on: Some(d("2026-11-10")),
        credited_on: Some(d("2026-11-10")),
        failure_reason: String::new(),
        reference: None,
        label: String::new(),
    };
    let mut orphan = withdrawal(&p, "2026-11-12", "1.000.000");
    orphan.payment_id = records::new_id();
    let good = Batch {
        cycles: vec![Cycle { period: "2026-11".into(), scheduled_on: d("2026-11-10") }],
        beneficiaries: vec![b.clone()],
        accounts: vec![a],
        payments: vec![p.clone()],
        withdrawals: vec![withdrawal(&p, "2026-11-12", "1.000.000")],
    };
    let bad = Batch { withdrawals: vec![good.withdrawals[0].clone(), orphan], ..good.clone() };
    assert_eq!(bad.len(), 6);

    let err = store.insert_batch(&bad).await.unwrap_err();
    assert!(matches!(err, StoreError::Db(_)) && err.to_string().contains("FOREIGN KEY constraint failed"), "{err}");

    assert_eq!(counts(&mut conn).await, before, "nothing of the batch was written");
    let log_after: Vec<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM change_log ORDER BY seq").fetch_all(&mut conn).await.unwrap();
    assert_eq!(log_after, log_before, "no change records either");
    assert_eq!(store.find_by_id_number("001044000009").await.unwrap(), None);
    assert_eq!(store.verify_changes().await.unwrap(), None);

    // The writer is usable afterwards and the same batch without the bad row goes through,
    // its change records continuing the series without a gap.
    store.insert_batch(&good).await.unwrap();
    assert_eq!(counts(&mut conn).await, vec![2, 2, 2, 2, 1, 9]);
    let seqs: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM change_log ORDER BY seq").fetch_all(&mut conn).await.unwrap();
    assert_eq!(seqs, (1..=9).collect::<Vec<_>>());
    assert_eq!(store.verify_changes().await.unwrap(), None);
    store.close().await;
}

// ---------------------------------------------------------------------------------------------
// Concurrent writes (the app runs commands concurrently; the CLI may share the file)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn concurrent_writes_keep_the_checks() {
    let Fx { store, path, _dir } = fresh().await;
    let b = register_anh(&store).await;
    let p = pay(&store, &b, None, "10/2026", "10/10/2026").await;

    // Two withdrawals of 700,000 from a 1,300,000 payment: only one may be recorded.
    let (w1, w2) = (withdrawal(&p, "2026-10-12", "700.000"), withdrawal(&p, "2026-10-12", "700.000"));
    let (r1, r2) = tokio::join!(store.add_withdrawal(&w1), store.add_withdrawal(&w2));
    assert_eq!(u8::from(r1.is_ok()) + u8::from(r2.is_ok()), 1, "{r1:?} / {r2:?}");
    let refused = if r1.is_err() { r1 } else { r2 };
    assert_eq!(invalid_codes(refused), vec![ErrorCode::AmountExceedsPayment]);
    let detail = store.beneficiary_detail(&b.id.to_string()).await.unwrap();
    assert_eq!(detail.payments[0].withdrawn_vnd, 700_000);

    // The same ID number registered twice at once: one conflict, not a raw database error.
    let refs = store.refs().await.unwrap();
    let input = BeneficiaryInput {
        full_name: "Trần Văn Bình".into(),
        birth_date: "1938".into(),
        sex: "Nam".into(),
        id_number: "001038000004".into(),
        ward_code: "00008".into(),
        group_code: "cao_tuoi_ngheo_80".into(),
        ..BeneficiaryInput::default()
    };
    let (x, y) = (
        validate::beneficiary(&input, &refs, today()).unwrap(),
        validate::beneficiary(&input, &refs, today()).unwrap(),
    );
    let (r1, r2) = tokio::join!(store.add_beneficiary(&x), store.add_beneficiary(&y));
    assert_eq!(u8::from(r1.is_ok()) + u8::from(r2.is_ok()), 1, "{r1:?} / {r2:?}");
    let refused = if r1.is_err() { r1 } else { r2 };
    assert!(matches!(&refused, Err(StoreError::Conflict(e)) if e.code == ErrorCode::IdNumberDuplicate), "{refused:?}");

    // Two people paid at once for a month with no cycle yet: the cycle is created once.
    let c = person(&store, "Đặng Thị Huệ", "1945", "Nữ", "001145000003", "00004").await;
    let dc = validate::payment(&payment_input(&c, None, "11/2026", "", "10/11/2026"), today()).unwrap();
    let db = validate::payment(&payment_input(&b, None, "11/2026", "", "10/11/2026"), today()).unwrap();
    let (r1, r2) = tokio::join!(store.add_payment(&dc), store.add_payment(&db));
    assert!(r1.is_ok() && r2.is_ok(), "{r1:?} / {r2:?}");
    // The same person and month twice at once: one conflict.
    let dd = validate::payment(&payment_input(&c, None, "12/2026", "", "10/11/2026"), today()).unwrap();
    let (r1, r2) = tokio::join!(store.add_payment(&dd), store.add_payment(&dd));
    assert_eq!(u8::from(r1.is_ok()) + u8::from(r2.is_ok()), 1, "{r1:?} / {r2:?}");
    let refused = if r1.is_err() { r1.map(|_| ()) } else { r2.map(|_| ()) };
    assert!(matches!(&refused, Err(StoreError::Conflict(e)) if e.code == ErrorCode::PaymentDuplicate), "{refused:?}");

    let mut conn = raw(&path).await;
    assert_eq!(counts(&mut conn).await, vec![3, 0, 3, 4, 1, 11]);
    assert_eq!(store.verify_changes().await.unwrap(), None);
    store.close().await;
}

// ---------------------------------------------------------------------------------------------
// Field workflows: duplicate registrations, corrections, drafts, withdrawals by proxy
// ---------------------------------------------------------------------------------------------

fn anh_input() -> BeneficiaryInput {
    BeneficiaryInput {
        full_name: "Nguyễn Thị Ánh".into(),
        birth_date: "05/03/1941".into(),
        sex: "Nữ".into(),
        ward_code: "00004".into(),
        group_code: "cao_tuoi_ngheo_80".into(),
        ..BeneficiaryInput::default()
    }
}

#[tokio::test]
async fn a_possible_duplicate_needs_a_reason_and_the_same_id_number_is_refused_outright() {
    let fx = fresh().await;
    let s = &fx.store;
    let refs = s.refs().await.unwrap();
    let first = register_anh(s).await;

    // Same name without tones, same birth date and ward, another ID number: warned, not saved.
    let twin_input =
        BeneficiaryInput { full_name: "NGUYEN THI ANH".into(), id_number: "001141099999".into(), ..anh_input() };
    let twin = validate::beneficiary(&twin_input, &refs, today()).unwrap();
    let err = s.add_beneficiary(&twin).await.unwrap_err();
    match &err {
        StoreError::Conflict(e) => {
            assert_eq!(e.code, ErrorCode::BeneficiaryPossibleDuplicate);
            assert_eq!(e.params["id"], first.id.to_string(), "links to the registered person");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.count_beneficiaries().await.unwrap(), 1, "nothing saved");
    let similar = s.similar_beneficiaries(&ansinh_core::duplicates::DuplicateKey::of(&twin), None).await.unwrap();
    assert_eq!(similar.iter().map(|b| b.id.clone()).collect::<Vec<_>>(), vec![first.id.to_string()]);

    // The officer keeps both, with the reason: saved, and the reason kept on the record.
    let kept = validate::beneficiary(
        &BeneficiaryInput {
            duplicate_reason: "  Hai người khác nhau, khác tổ dân phố ".into(), ..twin_input.clone()
        },
        &refs,
        today(),
    )
    .unwrap();
    s.add_beneficiary(&kept).await.unwrap();
    let detail = s.beneficiary_detail(&kept.id.to_string()).await.unwrap();
    assert_eq!(detail.beneficiary.duplicate_reason, "Hai người khác nhau, khác tổ dân phố");

    // The same 12-digit number is the same person: refused even with a reason.
    let same_id = validate::beneficiary(
        &BeneficiaryInput {
            full_name: "Trần Văn Khác".into(),
            id_number: "001141012345".into(),
            duplicate_reason: "khác tên".into(),
            ..anh_input()
        },
        &refs,
        today(),
    )
    .unwrap();
    match s.add_beneficiary(&same_id).await.unwrap_err() {
        StoreError::Conflict(e) => {
            assert_eq!(e.code, ErrorCode::IdNumberDuplicate);
            assert_eq!(e.params["id"], first.id.to_string());
        }
        other => panic!("{other:?}"),
    }
    // A bare birth year matches a full date in it; another ward does not.
    let year_only = validate::beneficiary(&year_only_input(&twin_input), &refs, today()).unwrap();
    assert_eq!(
        s.similar_beneficiaries(&ansinh_core::duplicates::DuplicateKey::of(&year_only), None).await.unwrap().len(),
        2
    );
    let other_ward = BeneficiaryInput { ward_code: "00008".into(), ..year_only_input(&twin_input) };
    let other_ward = validate::beneficiary(&other_ward, &refs, today()).unwrap();
    s.add_beneficiary(&other_ward).await.unwrap();
    assert_eq!(s.count_beneficiaries().await.unwrap(), 3);
}

fn year_only_input(base: &BeneficiaryInput) -> BeneficiaryInput {
    BeneficiaryInput { birth_date: "1941".into(), id_number: "001141077777".into(), ..base.clone() }
}

#[tokio::test]
async fn a_correction_updates_the_row_in_place_and_logs_the_whole_new_row() {
    let fx = fresh().await;
    let s = &fx.store;
    let refs = s.refs().await.unwrap();
    let anh = register_anh(s).await;

    // She became bedridden; her daughter will withdraw for her.
    let mut input = anh_input();
    input.id_number = "001141012345".into();
    input.needs.bedridden = true;
    input.authorised_name = "Lê Thị Mai".into();
    input.authorised_relation = "con gái".into();
    let mut corrected = validate::beneficiary(&input, &refs, today()).unwrap();
    corrected.id = anh.id;
    s.update_beneficiary(&corrected).await.unwrap();

    let v = s.beneficiary_detail(&anh.id.to_string()).await.unwrap().beneficiary;
    assert!(v.needs.bedridden);
    assert_eq!(v.authorised_name, "Lê Thị Mai");
    assert_eq!(s.count_beneficiaries().await.unwrap(), 1);
    let mut conn = raw(&fx.path).await;
    let hers: Vec<_> = records(&mut conn).await.into_iter().filter(|r| r.entity_id == anh.id.to_string()).collect();
    assert_eq!(hers.iter().map(|r| r.kind.as_str()).collect::<Vec<_>>(), ["insert", "update"]);
    let payload = &hers[1].payload;
    assert!(payload.contains("Lê Thị Mai"), "{payload}");
    assert_eq!(s.verify_changes().await.unwrap(), None, "the chain still verifies");

    // An edit cannot take another person's ID number, and an unknown person is not found.
    let other = person(s, "Trần Văn Bình", "1950", "Nam", "001050012345", "00004").await;
    let mut taken = corrected.clone();
    taken.id_number = other.id_number.clone();
    match s.update_beneficiary(&taken).await.unwrap_err() {
        StoreError::Conflict(e) => assert_eq!(e.code, ErrorCode::IdNumberDuplicate),
        e => panic!("{e:?}"),
    }
    let mut ghost = corrected.clone();
    ghost.id = records::new_id();
    assert!(matches!(s.update_beneficiary(&ghost).await.unwrap_err(), StoreError::NotFound { .. }));
}

/// The drafts table takes every form the app has (a form missing from its CHECK would lose its
/// drafts silently: the webview only shows "not saved").
#[tokio::test]
async fn every_form_can_keep_a_draft() {
    use ansinh_core::model::DraftForm;
    let fx = fresh().await;
    for form in DraftForm::ALL {
        fx.store
            .save_draft(*form, "s", &serde_json::json!({"x": 1}), "", "")
            .await
            .unwrap_or_else(|e| panic!("{form}: {e}"));
    }
    assert_eq!(fx.store.drafts().await.unwrap().len(), DraftForm::ALL.len());
}

#[tokio::test]
async fn drafts_are_kept_replaced_listed_and_discarded() {
    use ansinh_core::model::DraftForm;
    let fx = fresh().await;
    let s = &fx.store;
    let first = serde_json::json!({"full_name": "Nguyễn Thị", "birth_date": ""});
    s.save_draft(DraftForm::Beneficiary, "", &first, "", "Nguyễn Thị").await.unwrap();
    let later = serde_json::json!({"full_name": "Nguyễn Thị Ánh", "birth_date": "05/03"});
    s.save_draft(DraftForm::Beneficiary, "", &later, "", "Nguyễn Thị Ánh").await.unwrap();
    s.save_draft(DraftForm::Payment, "some-person", &serde_json::json!({"period": "11/2026"}), "some-person", "")
        .await
        .unwrap();

    let got = s.draft(DraftForm::Beneficiary, "").await.unwrap().expect("kept");
    assert_eq!(got.payload, later, "the newest input replaces the older one");
    assert_eq!(s.drafts().await.unwrap().len(), 2);

    // A draft survives closing and reopening the database (the crash case).
    let path = fx.path.clone();
    let Fx { store, _dir, .. } = fx;
    store.close().await;
    let reopened = Store::open(&path).await.unwrap();
    assert_eq!(reopened.draft(DraftForm::Beneficiary, "").await.unwrap().unwrap().label, "Nguyễn Thị Ánh");
    reopened.discard_draft(DraftForm::Beneficiary, "").await.unwrap();
    assert!(reopened.draft(DraftForm::Beneficiary, "").await.unwrap().is_none());
    assert_eq!(reopened.drafts().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_withdrawal_by_proxy_needs_an_authorised_person_on_record() {
    let fx = fresh().await;
    let s = &fx.store;
    let anh = register_anh(s).await;
    let acc = account(s, &anh, "01/09/2026", "05/09/2026").await;
    let p = pay(s, &anh, Some(&acc), "10/2026", "10/10/2026").await;
    let mut w = withdrawal(&p, "2026-10-12", "100.000");
    w.place = WithdrawalPlace::Proxy;
    match s.add_withdrawal(&w).await.unwrap_err() {
        StoreError::Invalid(errors) => {
            assert_eq!(
                errors.iter().map(|e| (e.field.as_deref(), e.code)).collect::<Vec<_>>(),
                [(Some("place"), ErrorCode::AuthorisedMissing)]
            );
        }
        e => panic!("{e:?}"),
    }
    let refs = s.refs().await.unwrap();
    let mut input = anh_input();
    input.id_number = "001141012345".into();
    input.authorised_name = "Lê Thị Mai".into();
    let mut with_proxy = validate::beneficiary(&input, &refs, today()).unwrap();
    with_proxy.id = anh.id;
    s.update_beneficiary(&with_proxy).await.unwrap();
    s.add_withdrawal(&w).await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// Programmes (issue 16): a group moves programme with its history kept; reports split by it
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn payments_are_split_by_the_programme_in_force_on_their_cycle() {
    let Fx { store, _dir, .. } = fresh().await;
    let refs = store.refs().await.unwrap();
    let input = |name: &str, id: &str, group: &str| BeneficiaryInput {
        full_name: name.into(),
        birth_date: "1938".into(),
        sex: "Nữ".into(),
        id_number: id.into(),
        ward_code: "00004".into(),
        group_code: group.into(),
        ..BeneficiaryInput::default()
    };
    // Decided in 2024 under "80+ without a pension" (social assistance), and a person of a poor
    // household aged 80+ with no supporter (social assistance throughout).
    let old80 =
        validate::beneficiary(&input("Lê Thị Mai", "001138000011", "cao_tuoi_80_khong_luong"), &refs, today()).unwrap();
    let poor =
        validate::beneficiary(&input("Vũ Thị Lan", "001138000022", "cao_tuoi_ngheo_80"), &refs, today()).unwrap();
    store.add_beneficiary(&old80).await.unwrap();
    store.add_beneficiary(&poor).await.unwrap();
    let mut amounts = Vec::new();
    for (period, credited) in [("06/2025", "10/06/2025"), ("07/2025", "10/07/2025"), ("01/2026", "10/01/2026")] {
        amounts.push(pay(&store, &old80, None, period, credited).await.amount_vnd);
        pay(&store, &poor, None, period, credited).await;
    }
    // The amounts each cycle's rules give: social assistance 500,000 × 1.0; social pension
    // 500,000; with Hanoi's 150,000 top-up from 01/2026.
    assert_eq!(amounts, vec![500_000, 500_000, 650_000]);

    let report = store.metrics(d("2026-02-01"), &Filter::default(), &[SegmentBy::Programme]).await.unwrap();
    let segments = report.segments.expect("segmented");
    let credited: Vec<(&str, &str, u64)> =
        segments.iter().map(|s| (s.key.as_str(), s.label.as_str(), s.size)).collect();
    assert_eq!(
        credited,
        vec![("social_assistance", "Trợ giúp xã hội", 4), ("social_pension", "Trợ cấp hưu trí xã hội", 2)],
        "the 80+ without a pension count as social assistance in 06/2025 and social pension from 07/2025"
    );
    // The person keeps the group they were decided under: their history is one record.
    let detail = store.beneficiary_detail(&old80.id.to_string()).await.unwrap();
    assert_eq!(detail.beneficiary.group_code, "cao_tuoi_80_khong_luong");
    assert_eq!(detail.payments.len(), 3);
}

// ---------------------------------------------------------------------------------------------
// One-off payments (issue 16): a gift beside the month, tracked to cash in hand
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_one_off_payment_sits_beside_the_month_and_is_tracked_to_cash() {
    let fx = fresh().await;
    let store = &fx.store;
    let b = register_anh(store).await;
    let month = pay(store, &b, None, "01/2026", "12/01/2026").await;
    assert_eq!(month.label, "");
    let gift_input = PaymentInput {
        one_off: true,
        label: "Quà  Tết 2026 ".into(),
        amount: "400.000".into(),
        ..payment_input(&b, None, "01/2026", "", "20/01/2026")
    };
    let gift = store.add_payment(&validate::payment(&gift_input, today()).unwrap()).await.unwrap();
    assert_eq!((gift.label.as_str(), gift.amount_vnd), ("Quà Tết 2026", 400_000));

    // The same gift twice is refused on its label; a second month too, on the period.
    let again = store.add_payment(&validate::payment(&gift_input, today()).unwrap()).await.unwrap_err();
    assert!(
        matches!(&again, StoreError::Conflict(e) if e.code == ErrorCode::PaymentOneOffDuplicate && e.field.as_deref() == Some("label")),
        "{again:?}"
    );
    let draft = validate::payment(&payment_input(&b, None, "01/2026", "", "13/01/2026"), today()).unwrap();
    let twice = store.add_payment(&draft).await.unwrap_err();
    assert!(matches!(&twice, StoreError::Conflict(e) if e.code == ErrorCode::PaymentDuplicate), "{twice:?}");

    // Cash in hand of the gift: counted like a month's.
    store.add_withdrawal(&withdrawal(&gift, "23/01/2026", "400.000")).await.unwrap();
    let detail = store.beneficiary_detail(&b.id.to_string()).await.unwrap();
    let labels: Vec<(&str, i64)> = detail.payments.iter().map(|p| (p.label.as_str(), p.withdrawn_vnd)).collect();
    assert!(labels.contains(&("Quà Tết 2026", 400_000)) && labels.contains(&("", 0)), "{labels:?}");
    let m = store.metrics(d("2026-01-31"), &Filter::default(), &[]).await.unwrap();
    assert_eq!((m.overall.time_to_cash.credited, m.overall.time_to_cash.withdrawn), (2, 1));

    // What travels carries the label; the monthly list to print leaves the gift out.
    let mut conn = raw(&fx.path).await;
    let payload = records(&mut conn)
        .await
        .into_iter()
        .find(|r| r.entity_id == gift.id.to_string())
        .map(|r| r.payload)
        .expect("the gift's record");
    assert!(payload.contains("\"label\":\"Quà Tết 2026\""), "{payload}");
    let list = store.payment_list("2026-01", "00004").await.unwrap();
    assert_eq!(list.iter().map(|r| r.payment_id.as_str()).collect::<Vec<_>>(), vec![month.id.to_string().as_str()]);
}

#[tokio::test]
async fn migration_18_rebuilds_payments_keeping_every_row_and_reference() {
    // A database as it was before one-off payments: migrations up to 0017, a person, a payment
    // and its withdrawal written in SQL.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let migrator =
        sqlx::migrate::Migrator::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")).await.unwrap();
    {
        let opts = SqliteConnectOptions::new().filename(&path).create_if_missing(true).foreign_keys(true);
        let mut conn = SqliteConnection::connect_with(&opts).await.unwrap();
        migrator.run_to(17, &mut conn).await.unwrap();
        let audit = "'2026-01-01T00:00:00Z', 'o', 'd', '2026-01-01T00:00:00Z', 'o', 'd'";
        for sql in [
            format!(
                "INSERT INTO beneficiaries (id, full_name, name_key, name_lower, sort_key, birth_year, sex, ward_code,
                     group_code, created_at, created_by, created_device, updated_at, updated_by, updated_device)
                 VALUES ('b1', 'Nguyễn Thị Ánh', 'nguyen thi anh', 'nguyễn thị ánh', 'anh', 1941, 'female', '00004',
                     'cao_tuoi_ngheo_80', {audit})"
            ),
            "INSERT INTO payment_cycles (period, scheduled_on) VALUES ('2026-01', '2026-01-10')".into(),
            format!(
                "INSERT INTO payments (id, period, beneficiary_id, channel, amount_vnd, status, credited_on,
                     created_at, created_by, created_device, updated_at, updated_by, updated_device, reference)
                 VALUES ('p1', '2026-01', 'b1', 'cash', 1300000, 'credited', '2026-01-12', {audit}, 'GD-1')"
            ),
            format!(
                "INSERT INTO withdrawals (id, payment_id, withdrawn_on, amount_vnd, place,
                     created_at, created_by, created_device, updated_at, updated_by, updated_device)
                 VALUES ('w1', 'p1', '2026-01-14', 1300000, 'ward_office', {audit})"
            ),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.unwrap();
        }
        conn.close().await.unwrap();
    }
    // The store applies 0018 (and any later migration) on opening.
    let store = Store::open(&path).await.unwrap();
    store.close().await;
    let mut conn = raw(&path).await;
    let row = sqlx::query("SELECT id, reference, label, amount_vnd FROM payments").fetch_one(&mut conn).await.unwrap();
    assert_eq!(
        (row.get::<String, _>("id"), row.get::<String, _>("reference"), row.get::<String, _>("label")),
        ("p1".to_string(), "GD-1".to_string(), String::new())
    );
    assert_eq!(row.get::<i64, _>("amount_vnd"), 1_300_000);
    let broken: Vec<(String,)> =
        sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check").fetch_all(&mut conn).await.unwrap();
    assert!(broken.is_empty(), "references broken by the rebuild: {broken:?}");
    // The withdrawal still points at its payment, and the rebuilt table keeps its rules.
    let joined: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM withdrawals w JOIN payments p ON p.id = w.payment_id")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(joined, 1);
    sqlx::query("PRAGMA foreign_keys = ON").execute(&mut conn).await.unwrap();
    let orphan = sqlx::query("DELETE FROM payments WHERE id = 'p1'").execute(&mut conn).await;
    assert!(orphan.is_err(), "a payment with withdrawals cannot be deleted");
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'payments' ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(
        indexes.contains(&"payments_period".to_string()) && indexes.contains(&"payments_reference".to_string()),
        "{indexes:?}"
    );
}
