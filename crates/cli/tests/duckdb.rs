//! The whole dashboard recomputed by DuckDB from the CSV exports (bench/duckdb_dashboard.py,
//! and bench/duckdb_expert.py on its own database file built from them) agrees with
//! `ansinh metrics --json`: every indicator, every segment of every segmentation,
//! at the end of the data and mid-way (where censoring matters), with grievances and
//! verification visits in the data. Skipped with a note when python3 cannot import duckdb,
//! unless ANSINH_REQUIRE_DUCKDB=1 (scripts/test.sh sets it; scripts/setup.sh installs duckdb).

use ansinh_core::followup::{ContactKind, ContactOutcome};
use ansinh_core::grievances::{self, GrievanceInput, GrievanceUpdateInput};
use ansinh_core::verification::{self, VerificationInput};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::ok;

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench").join(name)
}

fn python(args: &[&std::ffi::OsStr]) -> Output {
    Command::new("python3").args(args).output().expect("run python3")
}

/// Whether the check can run; panics when it must but cannot.
fn duckdb_available() -> bool {
    let found = Command::new("python3").args(["-c", "import duckdb"]).output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("ANSINH_REQUIRE_DUCKDB").as_deref() != Ok("1"),
            "ANSINH_REQUIRE_DUCKDB=1 but `python3 -c \"import duckdb\"` fails: run scripts/setup.sh"
        );
        eprintln!("note: skipped, python3 cannot import duckdb (pip install duckdb==2.0.1, or run scripts/setup.sh)");
    }
    found
}

/// Grievances (open, in progress, resolved in and after the deadline, rejected, some opened
/// after the mid-way day) and verification results (full, partial, nothing), through the
/// store as the app writes them: the demo city has none.
fn add_fieldwork(db: &Path) {
    let sample: Value = serde_json::from_str(&ok(
        db,
        &["verify-sample", "create", "--cycle", "02/2026", "--size", "40", "--seed", "3"],
    ))
    .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let today = chrono::Local::now().date_naive();
    rt.block_on(async {
        let store = ansinh_store::Store::open(db).await.unwrap();
        let people = store.search("", None, 30, 0).await.unwrap().items;
        for (i, p) in people.iter().enumerate() {
            let opened = format!("{:02}/{:02}/2026", 1 + i % 27, 1 + i % 3);
            let input = GrievanceInput {
                beneficiary_id: p.id.clone(),
                category: "not_received".into(),
                channel: "phone".into(),
                description: "Chưa nhận được tiền".into(),
                opened_on: opened.clone(),
                deadline_on: String::new(),
            };
            let g = grievances::grievance(&input, today).unwrap();
            store.open_grievance(&g).await.unwrap();
            let (status, days) = match i % 5 {
                0 => ("in_progress", 2),
                1 => ("resolved", 5),
                2 => ("resolved", 25), // after the 15-day deadline
                3 => ("rejected", 1),
                _ => continue, // stays open
            };
            let changed = g.opened_on + chrono::Days::new(days);
            let update = GrievanceUpdateInput {
                grievance_id: g.id.to_string(),
                status: status.into(),
                changed_on: changed.format("%d/%m/%Y").to_string(),
                note: "Đã xử lý".into(),
                deadline_on: String::new(),
            };
            store.update_grievance(&grievances::grievance_update(&update, today).unwrap()).await.unwrap();
        }
        for (i, item) in sample["items"].as_array().unwrap().iter().enumerate() {
            let result = ["full", "full", "partial", "nothing", "full"][i % 5];
            // 3 to 41 days after the credit: some visits come after the mid-way day.
            let credited =
                chrono::NaiveDate::parse_from_str(item["credited_on"].as_str().unwrap(), "%Y-%m-%d").unwrap();
            let visited = credited + chrono::Days::new(3 + (i as u64 * 7) % 39);
            let input = VerificationInput {
                item_id: item["id"].as_str().unwrap().to_string(),
                result: result.into(),
                amount_received: if result == "partial" { "100000".into() } else { String::new() },
                verified_on: visited.format("%d/%m/%Y").to_string(),
                note: String::new(),
            };
            store.record_verification(&verification::verification(&input, today).unwrap()).await.unwrap();
        }
        // Follow-up contacts about payments still waiting: reached and not withdrawn yet (the
        // checks honest censoring stops at), or not reached (no check), some after the mid-way day.
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        let waiting = store.followup_list(as_of, 0, None).await.unwrap().rows;
        assert!(waiting.len() > 10, "payments still waiting: {}", waiting.len());
        for (i, row) in waiting.iter().enumerate().filter(|(i, _)| i % 3 != 2) {
            let credited = chrono::NaiveDate::parse_from_str(&row.credited_on, "%Y-%m-%d").unwrap();
            let outcome = [
                ContactOutcome::WillWithdraw,
                ContactOutcome::NotReached,
                ContactOutcome::RefusedOther,
                ContactOutcome::HomeDeliveryArranged,
            ][i % 4];
            let contact = ansinh_core::followup::Contact {
                id: uuid::Uuid::now_v7(),
                beneficiary_id: row.beneficiary_id.parse().unwrap(),
                payment_id: Some(row.payment_id.parse().unwrap()),
                kind: ContactKind::Call,
                contacted_on: (credited + chrono::Days::new(2 + (i as u64 * 5) % 30)).min(as_of),
                outcome,
                note: String::new(),
            };
            store.add_contact(&ansinh_core::followup::ContactEntry { contact, withdrawn: None }).await.unwrap();
        }
        store.close().await;
    });
    // A payer's report of February complete to 15/03 (every ward, every channel): one payout of
    // a payment nobody had recorded, and every other February payment still unwithdrawn then is
    // known unwithdrawn through 15/03.
    let feb = rt.block_on(async {
        let store = ansinh_store::Store::open(db).await.unwrap();
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        let rows = store.followup_list(as_of, 0, None).await.unwrap().rows;
        store.close().await;
        rows.into_iter().filter(|r| r.period == "2026-02" && r.withdrawn_vnd == 0).collect::<Vec<_>>()
    });
    assert!(feb.len() > 2, "February payments still waiting: {}", feb.len());
    // The first of them with a 12-digit ID (a payer's report names people by it; a few demo
    // people have only an old CMND).
    let (row, person) = rt.block_on(async {
        let store = ansinh_store::Store::open(db).await.unwrap();
        let mut found = None;
        for row in &feb {
            let b = store.beneficiary_detail(&row.beneficiary_id).await.unwrap().beneficiary;
            if let Some(id) = b.id_number {
                found = Some((row, id));
                break;
            }
        }
        store.close().await;
        found.expect("a February payment still waiting to someone with an ID number")
    });
    let credited = chrono::NaiveDate::parse_from_str(&row.credited_on, "%Y-%m-%d").unwrap();
    let report = db.with_file_name("payer.csv");
    let day = (credited + chrono::Days::new(4)).format("%d/%m/%Y");
    std::fs::write(&report, format!("Số CCCD,Ngày nhận,Nơi nhận\n{person},{day},Bưu điện\n")).unwrap();
    ok(db, &["import", "withdrawals", report.to_str().unwrap(), "--cycle", "02/2026", "--complete-to", "15/03/2026"]);
}

/// Runs the DuckDB check at `as_of` against OURS.json and returns its report.
fn check(db: &Path, csv: &Path, as_of: &str, ours: &Path) -> Value {
    let out = python(&[
        script("ours_from_cli.py").as_os_str(),
        "--ansinh".as_ref(),
        env!("CARGO_BIN_EXE_ansinh").as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
        "--as-of".as_ref(),
        as_of.as_ref(),
        "--out".as_ref(),
        ours.as_os_str(),
    ]);
    assert!(out.status.success(), "ours_from_cli.py: {}", String::from_utf8_lossy(&out.stderr));
    run_duckdb(csv, as_of, ours)
}

fn run_duckdb(csv: &Path, as_of: &str, ours: &Path) -> Value {
    compare("duckdb_dashboard.py", "--csv", csv, as_of, ours)
}

/// Runs a DuckDB script reading `source` (its `flag`) at `as_of` against OURS.json and returns
/// its report.
fn compare(name: &str, flag: &str, source: &Path, as_of: &str, ours: &Path) -> Value {
    let out = python(&[
        script(name).as_os_str(),
        flag.as_ref(),
        source.as_os_str(),
        "--as-of".as_ref(),
        as_of.as_ref(),
        "--ours".as_ref(),
        ours.as_os_str(),
        "--repeat".as_ref(),
        "1".as_ref(),
    ]);
    assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

/// Builds the expert script's DuckDB database from the CSV exports.
fn build_expert(csv: &Path, duck: &Path) {
    let out = python(&[
        script("duckdb_expert.py").as_os_str(),
        "--build".as_ref(),
        duck.as_os_str(),
        "--csv".as_ref(),
        csv.as_os_str(),
    ]);
    assert!(out.status.success(), "duckdb_expert.py --build: {}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert!(v["db_bytes"].as_u64().unwrap() > 0, "{v}");
}

/// Runs the expert script (GROUPING SETS, day histograms, its own database file) at `as_of`
/// against OURS.json and returns its report.
fn run_expert(duck: &Path, as_of: &str, ours: &Path) -> Value {
    compare("duckdb_expert.py", "--db", duck, as_of, ours)
}

#[test]
fn duckdb_recomputes_the_whole_dashboard_from_the_csv_exports() {
    if !duckdb_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    // From 04/2025: the 80+ without a pension are paid under social assistance until 06/2025 and
    // under social pension since, so a person's programme depends on the cycle.
    ok(&db, &["demo", "--wards", "3", "--beneficiaries", "80", "--months", "12", "--seed", "11", "--until", "03/2026"]);
    add_fieldwork(&db);
    let csv = dir.path().join("csv");
    std::fs::create_dir_all(&csv).unwrap();
    for t in [
        "beneficiaries",
        "payments",
        "withdrawals",
        "accounts",
        "cycles",
        "grievances",
        "verifications",
        "contacts",
        "payout_reports",
        "groups",
    ] {
        ok(&db, &["export", t, "--out", csv.join(format!("{t}.csv")).to_str().unwrap()]);
    }

    // The censoring inputs are in the exports the recomputation reads: checks and the report.
    let reports = std::fs::read_to_string(csv.join("payout_reports.csv")).unwrap();
    assert!(reports.lines().nth(1).is_some_and(|l| l.contains("2026-02") && l.contains("2026-03-15")), "{reports}");
    assert!(std::fs::read_to_string(csv.join("contacts.csv")).unwrap().contains("will_withdraw"));

    // The expert's own database file, built once from the same exports.
    let duck = dir.path().join("city.duckdb");
    build_expert(&csv, &duck);

    for as_of in ["2026-03-31", "2026-02-20"] {
        let ours = dir.path().join(format!("ours-{as_of}.json"));
        let report = check(&db, &csv, as_of, &ours);
        assert_eq!(report["agree"], true, "as of {as_of}: {report:#}");
        eprintln!("as of {as_of}: {} values compared, DuckDB {}", report["compared"], report["query_seconds"]);
        assert!(report["compared"].as_u64().unwrap() > 1000, "{report}");
        assert_eq!(report["query_seconds"].as_array().map(Vec::len), Some(1));

        // The expert's SQL gives the same answers, every value of them compared.
        let expert = run_expert(&duck, as_of, &ours);
        assert_eq!(expert["agree"], true, "expert, as of {as_of}: {expert:#}");
        assert_eq!(expert["compared"], report["compared"], "expert, as of {as_of}");
        assert_eq!(expert["first_runs"].as_array().map(Vec::len), Some(1));
        eprintln!("as of {as_of}: expert first {}, warm {}", expert["first_seconds"], expert["query_seconds"]);

        // The data exercises what is compared: small segments with no figures beside full
        // ones, grievances closed by then, verification visits made by then.
        let o: Value = serde_json::from_str(&std::fs::read_to_string(&ours).unwrap()).unwrap();
        let segments: Vec<&Value> =
            o["segmentations"].as_object().unwrap().values().flat_map(|l| l.as_array().unwrap()).collect();
        assert!(segments.iter().any(|s| s["too_few"] == true), "as of {as_of}: some segment is too small");
        assert!(segments.iter().any(|s| s["too_few"] == false));
        assert!(o["overall"]["grievances"]["resolution_days"]["n"].as_u64().unwrap() > 0);
        assert!(o["overall"]["verified_receipt"]["n"].as_u64().unwrap() > 0);
        assert!(o["overall"]["unwithdrawn"].as_u64().unwrap() > 0, "censored payments");
        // Coverage is compared in every segment, and some segment is judged.
        assert!(o["overall"]["coverage"]["of"].as_u64().unwrap() > 0, "{}", o["overall"]["coverage"]);
        assert!(segments.iter().any(|s| s["enough_followup"] == true));
        // Every programme is there with figures, and the 80+ group's facts fall in two of them.
        let programmes: Vec<(&str, bool)> = o["segmentations"]["programme"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["key"].as_str().unwrap(), s["too_few"] == false))
            .collect();
        assert_eq!(
            programmes,
            [("social_assistance", true), ("social_pension", true), ("meritorious", true)],
            "as of {as_of}"
        );
    }

    // A wrong programme split (two programmes' figures swapped) is found and named.
    let ours = dir.path().join("ours-2026-03-31.json");
    let good = std::fs::read_to_string(&ours).unwrap();
    let mut o: Value = serde_json::from_str(&good).unwrap();
    let split = o["segmentations"]["programme"].as_array_mut().unwrap();
    let (a, b) = (split[0]["key"].clone(), split[1]["key"].clone());
    split[0]["key"] = b;
    split[1]["key"] = a;
    std::fs::write(&ours, o.to_string()).unwrap();
    for report in [run_duckdb(&csv, "2026-03-31", &ours), run_expert(&duck, "2026-03-31", &ours)] {
        assert_eq!(report["agree"], false);
        let mismatches = report["mismatches"].as_array().unwrap();
        assert!(!mismatches.is_empty() && mismatches.iter().all(|m| m["segmentation"] == "programme"), "{report:#}");
    }
    std::fs::write(&ours, good).unwrap();

    // A single changed figure is found and named.
    let ours = dir.path().join("ours-2026-03-31.json");
    let mut o: Value = serde_json::from_str(&std::fs::read_to_string(&ours).unwrap()).unwrap();
    let ward = o["segmentations"]["ward"][0].as_object_mut().unwrap();
    let key = ward["key"].clone();
    let p75 = ward["time_to_cash_days"]["p75"].as_i64().unwrap();
    ward.get_mut("time_to_cash_days").unwrap()["p75"] = (p75 + 1).into();
    std::fs::write(&ours, o.to_string()).unwrap();
    for report in [run_duckdb(&csv, "2026-03-31", &ours), run_expert(&duck, "2026-03-31", &ours)] {
        assert_eq!(report["agree"], false);
        assert_eq!(report["mismatch_count"], 1, "{report:#}");
        let m = &report["mismatches"][0];
        assert_eq!(
            (&m["segmentation"], &m["key"], &m["field"]),
            (&"ward".into(), &key, &"time_to_cash_days.p75".into())
        );
        assert_eq!((m["ours"].as_i64(), m["duckdb"].as_i64()), (Some(p75 + 1), Some(p75)));
    }
}
