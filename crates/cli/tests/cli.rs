//! The `ansinh` binary end to end on temporary databases: imports are all-or-nothing and
//! idempotent, demo data is deterministic, and `metrics --json` agrees with an independent
//! recomputation from the exported CSVs.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{ansinh, ok};

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON output")
}

const HEADER: &str = "Họ và tên,Ngày sinh,Giới tính,Số định danh,Mã xã/phường,Nhóm đối tượng,Sống một mình\n";

fn count(db: &Path) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.csv");
    ok(db, &["export", "beneficiaries", "--out", out.to_str().unwrap()]);
    csv::Reader::from_path(&out).unwrap().records().count()
}

#[test]
fn import_with_one_bad_row_writes_nothing_and_names_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let file = dir.path().join("list.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}Nguyễn Văn An,05/03/1941,Nam,001041012345,00004,cao_tuoi_ngheo_80,x\n\
             Trần Thị Bình,1950,Nữ,00115001234,00004,cao_tuoi_ngheo_60_80,\n\
             Lê Văn Cường,12/12/1945,Nam,001045099999,00004,\"Người từ 80 tuổi không có lương hưu, trợ cấp\",\n"
        ),
    )
    .unwrap();
    let out = ansinh(&db, &["import", "beneficiaries", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 3") && err.contains("id_number"), "names the row and column: {err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(count(&db), 0, "the good rows were not written either");
}

#[test]
fn reimporting_the_same_file_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let file = dir.path().join("list.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}Nguyễn Văn An,05/03/1941,Nam,001041012345,00004,cao_tuoi_ngheo_80,x\n\
             Trần Thị Bình,1950,Nữ,001150001234,00004,\"Người cao tuổi hộ nghèo không có người phụng dưỡng, 60-80 tuổi\",\n\
             Phạm Văn Dũng,1948,Nam,012345678,00008,cao_tuoi_ngheo_60_80,\n"
        ),
    )
    .unwrap();
    let first = json(&db, &["import", "beneficiaries", file.to_str().unwrap()]);
    assert_eq!(first["added"], 3);
    assert_eq!(first["legacy_rows"], serde_json::json!([4]), "the 9-digit CMND row is recognised, not rejected");
    let second = json(&db, &["import", "beneficiaries", file.to_str().unwrap()]);
    assert_eq!((second["added"].as_i64(), second["unchanged"].as_i64()), (Some(0), Some(3)));
    assert_eq!(count(&db), 3);
}

fn export_all(db: &Path, dir: &Path) -> Vec<String> {
    ["beneficiaries", "payments", "withdrawals"]
        .iter()
        .map(|w| {
            let p = dir.join(format!("{w}.csv"));
            ok(db, &["export", w, "--out", p.to_str().unwrap()]);
            std::fs::read_to_string(p).unwrap()
        })
        .collect()
}

const DEMO: &[&str] =
    &["demo", "--wards", "3", "--beneficiaries", "400", "--months", "6", "--seed", "42", "--until", "2026-10"];

#[test]
fn demo_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    ok(&a, DEMO);
    ok(&b, DEMO);
    let (ea, eb) = (dir.path().join("ea"), dir.path().join("eb"));
    std::fs::create_dir_all(&ea).unwrap();
    std::fs::create_dir_all(&eb).unwrap();
    let (x, y) = (export_all(&a, &ea), export_all(&b, &eb));
    assert!(x[1].lines().count() > 1000, "a realistic amount of payments");
    assert_eq!(x, y, "same seed, same data");
    let c = dir.path().join("c.db");
    let mut other = DEMO.to_vec();
    other[8] = "43";
    ok(&c, &other);
    let ec = dir.path().join("ec");
    std::fs::create_dir_all(&ec).unwrap();
    assert_ne!(export_all(&c, &ec)[0], x[0]);
}

/// An independent Kaplan-Meier over whole days, written plainly from the definition.
struct Km {
    /// (day, survival after that day)
    steps: Vec<(i64, f64)>,
}

impl Km {
    fn new(obs: &[(i64, bool)]) -> Km {
        let mut days: Vec<i64> = obs.iter().filter(|o| o.1).map(|o| o.0).collect();
        days.sort();
        days.dedup();
        let mut s = 1.0;
        let mut steps = Vec::new();
        for d in days {
            let at_risk = obs.iter().filter(|o| o.0 >= d).count() as f64;
            let events = obs.iter().filter(|o| o.1 && o.0 == d).count() as f64;
            s *= 1.0 - events / at_risk;
            steps.push((d, s));
        }
        Km { steps }
    }
    fn withdrawn_by(&self, day: i64) -> f64 {
        1.0 - self.steps.iter().take_while(|(d, _)| *d <= day).last().map_or(1.0, |(_, s)| *s)
    }
    fn quantile(&self, q: f64) -> Option<i64> {
        self.steps.iter().find(|(_, s)| 1.0 - s >= q - 1e-9).map(|(d, _)| *d)
    }
}

fn read_csv(path: &PathBuf) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect())
        .collect()
}

fn check_against(metrics: &Value, obs: &[(i64, bool)], what: &str) {
    let km = Km::new(obs);
    let withdrawn = obs.iter().filter(|o| o.1).count();
    assert_eq!(metrics["credited"].as_u64(), Some(obs.len() as u64), "{what} credited");
    assert_eq!(metrics["withdrawn"].as_u64(), Some(withdrawn as u64), "{what} withdrawn");
    assert_eq!(metrics["unwithdrawn"].as_u64(), Some((obs.len() - withdrawn) as u64), "{what} unwithdrawn");
    for (key, q) in [("median", 0.5), ("p75", 0.75), ("p90", 0.9)] {
        assert_eq!(metrics["time_to_cash_days"][key].as_i64(), km.quantile(q), "{what} {key}");
    }
    for day in [1, 3, 7, 30] {
        let got = metrics["withdrawn_by_day"][day.to_string()].as_f64().unwrap();
        assert!(
            (got - km.withdrawn_by(day)).abs() < 1e-9,
            "{what} withdrawn by day {day}: {got} vs {}",
            km.withdrawn_by(day)
        );
    }
}

#[test]
fn metrics_agree_with_an_independent_recomputation_from_the_csv_exports() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    ok(&db, DEMO);
    export_all(&db, dir.path());
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 10, 20).unwrap();
    let date = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();

    let mut first: HashMap<String, chrono::NaiveDate> = HashMap::new();
    for w in read_csv(&dir.path().join("withdrawals.csv")) {
        let d = date(&w["withdrawn_on"]);
        first.entry(w["payment_id"].clone()).and_modify(|f| *f = (*f).min(d)).or_insert(d);
    }
    let mut by_ward: BTreeMap<String, Vec<(i64, bool)>> = BTreeMap::new();
    let mut all = Vec::new();
    let mut coverage = (0u64, 0u64);
    for p in read_csv(&dir.path().join("payments.csv")) {
        if p["status"] != "credited" || date(&p["credited_on"]) > as_of {
            continue;
        }
        let credited = date(&p["credited_on"]);
        // Censored at the last day the status is known (the demo records no checks, closes no
        // cycle and has no payer's report): a withdrawal after as_of says the money was still
        // there on as_of; with nothing recorded, only the credit day is known.
        let o = match first.get(&p["payment_id"]) {
            Some(w) if *w <= as_of => ((*w - credited).num_days().max(0), true),
            Some(_) => ((as_of - credited).num_days(), false),
            None => (0, false),
        };
        // Coverage: withdrawn, or a week old and known a week after credit.
        if o.1 || (as_of - credited).num_days() >= 7 {
            coverage.0 += 1;
            coverage.1 += u64::from(o.1 || o.0 >= 7);
        }
        all.push(o);
        by_ward.entry(p["ward_code"].clone()).or_default().push(o);
    }
    assert!(all.iter().any(|o| !o.1), "the fixture has censored payments");

    let m = json(&db, &["metrics", "--json", "--as-of", "2026-10-20"]);
    check_against(&m, &all, "overall");
    assert_eq!((m["coverage"]["of"].as_u64(), m["coverage"]["known"].as_u64()), (Some(coverage.0), Some(coverage.1)));
    assert!(coverage.1 < coverage.0, "some old payment has nothing recorded");
    assert_eq!(m["enough_followup"], true, "{}", m["coverage"]);
    // Asked for every status known, the same data cannot be judged: no quantiles, counts stay.
    let strict = json(&db, &["metrics", "--json", "--as-of", "2026-10-20", "--min-coverage", "100"]);
    assert_eq!((strict["enough_followup"].as_bool(), strict["min_coverage"].as_u64()), (Some(false), Some(100)));
    assert!(strict["time_to_cash_days"]["median"].is_null() && strict["curve"] == serde_json::json!([]));
    assert_eq!(strict["credited"], m["credited"]);
    let text = ok(&db, &["metrics", "--as-of", "2026-10-20", "--min-coverage", "100"]);
    assert!(text.contains("not enough follow-up to judge (under 100 %)"), "{text}");
    assert!(!ansinh(&db, &["metrics", "--min-coverage", "101"]).status.success());
    check_other_indicators(&m, dir.path(), as_of);
    let m = json(&db, &["metrics", "--json", "--as-of", "20/10/2026", "--by", "ward"]);
    let segments = m["segments"].as_array().unwrap();
    assert_eq!(segments.len(), by_ward.len());
    for s in segments {
        let key = s["key"].as_str().unwrap();
        assert_eq!(s["too_few"], false, "{key}: the demo's wards are large enough");
        check_against(s, &by_ward[key], key);
        assert!(!s["label"].as_str().unwrap().is_empty());
    }
}

/// Payment and withdrawal indicators recomputed straight from the CSV rows.
fn check_other_indicators(m: &Value, dir: &std::path::Path, as_of: chrono::NaiveDate) {
    let date = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let mut withdrawals: HashMap<String, Vec<(chrono::NaiveDate, i64)>> = HashMap::new();
    let (mut travel, mut assisted, mut visits) = (Vec::new(), 0u64, 0u64);
    let credited_ok: HashMap<String, bool> = read_csv(&dir.join("payments.csv"))
        .into_iter()
        .map(|p| (p["payment_id"].clone(), p["status"] == "credited" && date(&p["credited_on"]) <= as_of))
        .collect();
    for w in read_csv(&dir.join("withdrawals.csv")) {
        let on = date(&w["withdrawn_on"]);
        if on > as_of || !credited_ok[&w["payment_id"]] {
            continue;
        }
        withdrawals.entry(w["payment_id"].clone()).or_default().push((on, w["amount_vnd"].parse().unwrap()));
        if !w["travel_minutes"].is_empty() {
            travel.push(w["travel_minutes"].parse::<f64>().unwrap());
        }
        visits += 1;
        if w["assisted"] == "1" || w["place"] == "proxy" || w["place"] == "home_delivery" {
            assisted += 1;
        }
    }
    let (mut issued, mut failed, mut on_time, mut credited, mut partial, mut full_first, mut withdrawn) =
        (0, 0, 0, 0, 0, 0, 0);
    for p in read_csv(&dir.join("payments.csv")) {
        match p["status"].as_str() {
            "failed" | "reversed" => {
                issued += 1;
                failed += 1;
            }
            "credited" if date(&p["credited_on"]) <= as_of => {
                issued += 1;
                credited += 1;
                if date(&p["credited_on"]) <= date(&p["scheduled_on"]) {
                    on_time += 1;
                }
                let amount: i64 = p["amount_vnd"].parse().unwrap();
                let ws = withdrawals.get(&p["payment_id"]).cloned().unwrap_or_default();
                let delivered: i64 = ws.iter().map(|w| w.1).sum();
                if delivered > 0 && delivered < amount {
                    partial += 1;
                }
                if let Some(first) = ws.iter().map(|w| w.0).min() {
                    withdrawn += 1;
                    if ws.iter().filter(|w| w.0 == first).map(|w| w.1).sum::<i64>() >= amount {
                        full_first += 1;
                    }
                }
            }
            _ => {}
        }
    }
    let share = |v: &Value, n: u64, count: u64, what: &str| {
        assert_eq!((v["n"].as_u64(), v["count"].as_u64()), (Some(n), Some(count)), "{what}");
    };
    assert_eq!(m["payments"].as_u64(), Some(issued));
    share(&m["failed_transfers"], issued, failed, "failed transfers");
    share(&m["on_time_credit"], credited, on_time, "on-time credit");
    share(&m["partial_delivery"], credited, partial, "partial delivery");
    share(&m["full_first_visit"], withdrawn, full_first, "full at first visit");
    share(&m["assisted_withdrawals"], visits, assisted, "assisted withdrawals");
    assert!(visits > 0 && !travel.is_empty(), "the demo records withdrawals with travel times");
    let mean = travel.iter().sum::<f64>() / travel.len() as f64;
    assert_eq!(m["travel_minutes"]["n"].as_u64(), Some(travel.len() as u64));
    assert!((m["travel_minutes"]["mean"].as_f64().unwrap() - mean).abs() < 1e-9, "travel mean");
    travel.sort_by(f64::total_cmp);
    let k = travel.len();
    let median = if k % 2 == 1 { travel[k / 2] } else { (travel[k / 2 - 1] + travel[k / 2]) / 2.0 };
    assert_eq!(m["travel_minutes"]["median"].as_f64(), Some(median), "travel median");
}

#[test]
fn chart_writes_an_svg() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    ok(&db, DEMO);
    let out = dir.path().join("ttc.svg");
    ok(&db, &["chart", "time-to-cash", "--out", out.to_str().unwrap(), "--as-of", "2026-10-31"]);
    let svg = std::fs::read_to_string(out).unwrap();
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "{}", &svg[..40]);
}

#[test]
fn metrics_without_json_prints_a_table_per_segment() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    ok(&db, DEMO);
    let out = ok(&db, &["metrics", "--as-of", "2026-10-20", "--by", "ward"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains("2026-10-20"));
    assert!(lines[2].starts_with("all "), "{out}");
    assert_eq!(lines.iter().filter(|l| l.starts_with("Phường")).count(), 3, "one line per ward: {out}");
    assert!(out.contains("Phường Ba Đình"), "{out}");
}

#[test]
fn demo_refuses_zero_wards() {
    let dir = tempfile::tempdir().unwrap();
    let out = ansinh(&dir.path().join("a.db"), &["demo", "--wards", "0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--wards"));
}

#[test]
fn an_administrator_loads_units_that_imports_then_accept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let people = dir.path().join("people.csv");
    std::fs::write(&people, format!("{HEADER}Nguyễn Văn An,05/03/1941,Nam,001041012345,77777,cao_tuoi_ngheo_80,\n"))
        .unwrap();
    let out = ansinh(&db, &["import", "beneficiaries", people.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("ward.unknown"), "77777 is not a known unit yet");

    let units = dir.path().join("units.csv");
    std::fs::write(&units, "Mã,Tên,Cấp,Mã cấp trên\n77777,Xã Thử Nghiệm,xã,01\n").unwrap();
    assert!(ok(&db, &["import", "units", units.to_str().unwrap()]).contains("1 units loaded"));
    assert_eq!(json(&db, &["import", "beneficiaries", people.to_str().unwrap()])["added"], 1);
    let exported = dir.path().join("b.csv");
    ok(&db, &["export", "beneficiaries", "--out", exported.to_str().unwrap()]);
    assert!(std::fs::read_to_string(exported).unwrap().contains("Xã Thử Nghiệm"));
}

/// The old→new unit mappings (old, new, from), and how many unit-history rows and change records
/// there are, read from the file itself: no command lists them.
fn unit_tables(db: &Path) -> (Vec<(String, String, String)>, i64, i64) {
    use sqlx::{Connection, SqliteConnection};
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut c = SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap();
        let mappings: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT old_code, new_code, effective_from FROM admin_unit_mappings ORDER BY old_code, new_code",
        )
        .fetch_all(&mut c)
        .await
        .unwrap();
        let history: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM admin_unit_history").fetch_one(&mut c).await.unwrap();
        let changes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM change_log").fetch_one(&mut c).await.unwrap();
        (mappings, history, changes)
    })
}

/// The old→new mapping an administrator loads (e.g. Resolution 1656 for Hà Nội): all or nothing,
/// an unknown code refused with its row; the real units and what is in force read as JSON.
#[test]
fn an_administrator_loads_the_unit_mapping_and_reads_what_is_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    ok(&db, &["reference", "units"]);
    let before = unit_tables(&db);
    let mapping = |old: &str, from: &str| (old.to_string(), "00004".to_string(), from.to_string());
    assert!(before.0.contains(&mapping("00001", "2025-07-01")), "shipped: {before:?}");
    // Row 2 would move the shipped mapping's date; row 3 names no unit: neither is written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "Mã cũ,Mã mới,Hiệu lực từ\n00001,00004,01/08/2025\n00013,99999,01/07/2025\n").unwrap();
    let out = ansinh(&db, &["import", "unit-mappings", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ward.unknown") && err.contains("99999") && err.contains("3"), "{err}");
    assert_eq!(unit_tables(&db), before, "mappings, unit history and change records as they were");
    // Row 2 alone is loaded, and the comparison above would have seen it.
    let row2 = dir.path().join("row2.csv");
    std::fs::write(&row2, "Mã cũ,Mã mới,Hiệu lực từ\n00001,00004,01/08/2025\n").unwrap();
    assert!(ok(&db, &["import", "unit-mappings", row2.to_str().unwrap()]).contains("1 mappings loaded"));
    let moved = unit_tables(&db);
    assert_eq!(moved.0.len(), before.0.len());
    assert!(moved.0.contains(&mapping("00001", "2025-08-01")) && !moved.0.contains(&mapping("00001", "2025-07-01")));
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "old_code,new_code,effective_from\n00001,00004,01/07/2025\n00013,00004,2025-07-01\n")
        .unwrap();
    assert!(ok(&db, &["import", "unit-mappings", good.to_str().unwrap()]).contains("2 mappings loaded"));
    assert_eq!(unit_tables(&db), before, "back to the shipped date");
    assert!(
        ok(&db, &["import", "unit-mappings", good.to_str().unwrap()]).contains("2 mappings loaded"),
        "again: same rows"
    );

    // In force today: the 126 units since 1 July 2025 and the city; a day in 2024: the old ones.
    let now = json(&db, &["reference", "units"]);
    let codes: Vec<&str> = now.as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), 127, "{codes:?}");
    assert!(codes.contains(&"00004") && !codes.contains(&"00001") && !codes.contains(&"90001"));
    let then = json(&db, &["reference", "units", "--on", "15/01/2024"]);
    let name =
        |v: &Value, code: &str| v.as_array().unwrap().iter().find(|u| u["code"] == code).map(|u| u["name"].clone());
    assert_eq!(name(&then, "00004"), Some("Phường Trúc Bạch".into()), "the code's earlier unit");
    assert_eq!(name(&then, "00001"), Some("Phường Phúc Xá".into()));
    let groups = json(&db, &["reference", "groups", "--on", "01/01/2026"]);
    let amount =
        |code: &str| groups.as_array().unwrap().iter().find(|g| g["code"] == code).map(|g| g["amount_vnd"].clone());
    assert_eq!(amount("cao_tuoi_ngheo_80"), Some(1_300_000.into()));
    assert_eq!(amount("huu_tri_xa_hoi_75"), Some(650_000.into()));
    assert_eq!(amount("cao_tuoi_80_khong_luong"), None, "ended on 30/06/2025");
    let levels = json(&db, &["reference", "levels", "--on", "01/01/2026"]);
    assert!(
        levels
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["scheme"] == "social_pension" && l["kind"] == "top_up" && l["amount_vnd"] == 150_000)
    );
}

#[test]
fn demo_goes_only_into_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    ok(&db, &["demo", "--beneficiaries", "20", "--months", "2", "--until", "2026-10"]);
    let out = ansinh(&db, &["demo", "--beneficiaries", "20", "--months", "2", "--until", "2026-10"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty database"));
    assert_eq!(count(&db), 20, "the first demo is intact");
}

#[test]
fn a_demo_of_the_current_month_has_no_future_events() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    ok(&db, &["demo", "--beneficiaries", "200", "--months", "3"]);
    export_all(&db, dir.path());
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    let payments = read_csv(&dir.path().join("payments.csv"));
    assert!(!payments.is_empty());
    for p in &payments {
        assert!(p["credited_on"].is_empty() || p["credited_on"] <= today, "credited in the future: {p:?}");
    }
    for w in read_csv(&dir.path().join("withdrawals.csv")) {
        assert!(w["withdrawn_on"] <= today, "withdrawn in the future: {w:?}");
    }
}

/// Demo data, then the payments of its last cycle that failed (the demo fails about 2.5 %),
/// from the CSV export: (payment_id, amount_vnd).
fn failed_payments(db: &Path, period: &str) -> Vec<(String, String)> {
    ok(db, &["demo", "--wards", "2", "--beneficiaries", "400", "--months", "2", "--seed", "7", "--until", "10/2026"]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.csv");
    ok(db, &["export", "payments", "--out", out.to_str().unwrap()]);
    let mut r = csv::Reader::from_path(&out).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (id, amount, status, per) = (col("payment_id"), col("amount_vnd"), col("status"), col("period"));
    r.records()
        .map(|x| x.unwrap())
        .filter(|x| &x[status] == "failed" && &x[per] == period)
        .map(|x| (x[id].to_string(), x[amount].to_string()))
        .collect()
}

fn result_file(dir: &Path, rows: &[(String, String)]) -> PathBuf {
    let mut body = String::from("Mã giao dịch,Số tiền,Trạng thái,Ngày ghi có,Lý do\n");
    for (id, amount) in rows {
        body.push_str(&format!("{id},{amount},Thành công,20/10/2026,\n"));
    }
    let path = dir.join("ket-qua.csv");
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn import_payments_credits_once_and_reports_unchanged_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let failed = failed_payments(&db, "2026-10");
    assert!(!failed.is_empty(), "the demo has failed payments to retry");
    let file = result_file(dir.path(), &failed);
    let f = file.to_str().unwrap();
    let dry = json(&db, &["import", "payments", f, "--cycle", "10/2026", "--dry-run"]);
    assert_eq!((dry["credited"].as_u64(), dry["applied"].as_bool()), (Some(failed.len() as u64), Some(false)));
    let first = json(&db, &["import", "payments", f, "--cycle", "10/2026"]);
    assert_eq!(first["credited"].as_u64(), Some(failed.len() as u64));
    assert_eq!(first["applied"], true);
    let again = json(&db, &["import", "payments", f, "--cycle", "10/2026"]);
    assert_eq!((again["credited"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(failed.len() as u64)));
    ok(&db, &["verify"]);
}

#[test]
fn import_payments_rejects_a_file_with_a_duplicate_reference_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let mut rows = failed_payments(&db, "2026-10");
    rows.push(rows[0].clone());
    let file = result_file(dir.path(), &rows);
    let out = ansinh(&db, &["import", "payments", file.to_str().unwrap(), "--cycle", "10/2026"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let row = rows.len() + 1;
    assert!(err.contains(&format!("row {row}: reference")) && err.contains("reconcile.duplicate"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    // Nothing was credited: the first rows alone still credit them all.
    rows.pop();
    let file = result_file(dir.path(), &rows);
    let r = json(&db, &["import", "payments", file.to_str().unwrap(), "--cycle", "10/2026"]);
    assert_eq!(r["credited"].as_u64(), Some(rows.len() as u64));
}

#[test]
fn a_closed_cycle_refuses_a_result_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let rows = failed_payments(&db, "2026-10");
    let closed = json(&db, &["cycle", "close", "10/2026"]);
    assert_eq!(closed["period"], "2026-10");
    assert!(closed["closed_at"].is_string());
    let file = result_file(dir.path(), &rows);
    let out = ansinh(&db, &["import", "payments", file.to_str().unwrap(), "--cycle", "10/2026"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cycle.closed"));
    let out = ansinh(&db, &["import", "payments", file.to_str().unwrap(), "--cycle", "13/2026"]);
    assert_eq!(out.status.code(), Some(1), "a bad cycle is an error");
}

#[test]
fn metrics_by_two_dimensions_and_by_cycle_range() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    ok(&db, DEMO);
    let m = json(&db, &["metrics", "--json", "--as-of", "2026-10-20", "--by", "ward,age"]);
    assert_eq!(m["by"], serde_json::json!(["ward", "age"]));
    let segments = m["segments"].as_array().unwrap();
    assert!(segments.iter().all(|s| s["keys"].as_array().unwrap().len() == 2));
    // Every segment either has figures or says it is too small, never both.
    for s in segments {
        assert_eq!(s["too_few"].as_bool().unwrap(), s.get("credited").is_none(), "{s}");
        assert_eq!(
            s["too_few"].as_bool().unwrap(),
            s["size"].as_u64().unwrap() < m["min_segment_payments"].as_u64().unwrap()
        );
    }
    let sizes: u64 = segments.iter().map(|s| s["size"].as_u64().unwrap()).sum();
    assert_eq!(sizes, m["payments"].as_u64().unwrap(), "ward × age partitions the payments");

    let all = json(&db, &["metrics", "--json", "--as-of", "2026-10-20", "--by", "cycle"]);
    let cycles = all["segments"].as_array().unwrap();
    let sept = cycles.iter().find(|s| s["key"] == "2026-09").unwrap();
    let only = json(&db, &["metrics", "--json", "--as-of", "2026-10-20", "--cycle", "09/2026"]);
    assert_eq!(only["payments"], sept["size"]);
    assert_eq!(only["time_to_cash_days"], sept["time_to_cash_days"]);
    let range = json(&db, &["metrics", "--json", "--as-of", "2026-10-20", "--from", "08/2026", "--to", "09/2026"]);
    let aug = cycles.iter().find(|s| s["key"] == "2026-08").unwrap();
    assert_eq!(range["payments"].as_u64().unwrap(), aug["size"].as_u64().unwrap() + sept["size"].as_u64().unwrap());
    assert!(!all["worst_wards"].as_array().unwrap().is_empty());

    let bad = ansinh(&db, &["metrics", "--by", "ward,age,need"]);
    assert!(!bad.status.success());
}

#[test]
fn the_monthly_report_reads_back_and_its_export_is_recorded() {
    use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    ok(&db, DEMO);
    let exports = dir.path().join("exports");
    let out = Command::new(env!("CARGO_BIN_EXE_ansinh"))
        .arg("--db")
        .arg(&db)
        .args(["report", "--cycle", "09/2026", "--as-of", "2026-10-20"])
        .env("ANSINH_EXPORT_DIR", &exports)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path: Value = serde_json::from_slice(&out.stdout).unwrap();
    let path = std::path::PathBuf::from(path["path"].as_str().unwrap());
    assert!(path.starts_with(&exports) && path.ends_with("bao-cao-city-2026-09.xlsx"), "{}", path.display());

    let m = json(&db, &["metrics", "--json", "--as-of", "2026-10-20", "--cycle", "09/2026", "--by", "ward"]);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Chỉ số",
            "Theo xã phường",
            "Theo nhóm tuổi",
            "Theo nhóm đối tượng",
            "Theo kênh chi trả",
            "Theo chương trình",
            "Xu hướng theo kỳ",
            "Lý do chuyển lỗi"
        ]
    );
    // Each programme's counts, amounts and time to cash (reported to different departments),
    // as `metrics --by programme` gives them.
    let by_programme =
        json(&db, &["metrics", "--json", "--as-of", "2026-10-20", "--cycle", "09/2026", "--by", "programme"]);
    let programmes = book.worksheet_range("Theo chương trình").unwrap();
    let header: Vec<String> = programmes.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name}: {header:?}"));
    let sheet: Vec<(String, String, f64, f64)> = programmes
        .rows()
        .skip(1)
        .map(|r| {
            let f = |c: &Data| c.as_f64().unwrap_or(f64::NAN);
            (r[0].to_string(), r[1].to_string(), f(&r[col("Số khoản chi")]), f(&r[col("Đã chuyển (đồng)")]))
        })
        .collect();
    let expected: Vec<(String, String, f64, f64)> = by_programme["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let label = match s["key"].as_str().unwrap() {
                "social_assistance" => "Trợ giúp xã hội",
                "social_pension" => "Trợ cấp hưu trí xã hội",
                _ => "Ưu đãi người có công",
            };
            (
                s["key"].as_str().unwrap().into(),
                label.into(),
                s["size"].as_f64().unwrap(),
                s["credited_vnd"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(sheet, expected);
    let keys: Vec<&str> = sheet.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(keys, ["social_assistance", "social_pension", "meritorious"], "the 80+ are a social pension in 2026");
    let overview = book.worksheet_range("Chỉ số").unwrap();
    let row = |name: &str| overview.rows().find(|r| r[0] == Data::String(name.into())).unwrap().to_vec();
    assert_eq!(row("Khoản chi đã phát hành")[1], Data::Float(m["payments"].as_f64().unwrap()));
    assert_eq!(row("Khoản chi chưa rút")[1], Data::Float(m["unwithdrawn"].as_f64().unwrap()));
    let median = &row("Thời gian đến khi nhận tiền: trung vị / P75 / P90 (ngày)")[1];
    assert_eq!(*median, Data::Float(m["time_to_cash_days"]["median"].as_f64().unwrap()));
    let within3 = row("Đã rút trong 1 / 3 / 7 / 30 ngày (%)")[2].clone();
    let expected = (m["withdrawn_by_day"]["3"].as_f64().unwrap() * 1000.0).round() / 10.0;
    assert_eq!(within3, Data::Float(expected));
    // No formulas anywhere: values only.
    assert!(book.worksheet_formula("Chỉ số").unwrap().used_cells().next().is_none());

    let wards = book.worksheet_range("Theo xã phường").unwrap();
    let names: Vec<String> = wards.rows().skip(1).map(|r| r[1].to_string()).collect();
    let expected: Vec<String> =
        m["segments"].as_array().unwrap().iter().map(|s| s["label"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, expected);
    assert!(names.iter().all(|n| n.starts_with("Phường")), "{names:?}");
    let trend = book.worksheet_range("Xu hướng theo kỳ").unwrap();
    assert_eq!(trend.rows().nth(1).unwrap()[1], Data::String("Kỳ 05/2026".into()));
    let ages = book.worksheet_range("Theo nhóm tuổi").unwrap();
    assert!(ages.rows().skip(1).any(|r| r[1] == Data::String("Từ 80 tuổi".into())));

    // The charts are PNG images in the workbook (ward bars, heat table, convenience, trend).
    let media = {
        let f = std::fs::File::open(&path).unwrap();
        let mut zip = Vec::new();
        std::io::Read::read_to_end(&mut std::io::BufReader::new(f), &mut zip).unwrap();
        zip
    };
    let names = String::from_utf8_lossy(&media);
    let pngs = (1..=4).filter(|i| names.contains(&format!("xl/media/image{i}.png"))).count();
    assert_eq!(pngs, 4, "four chart images");

    let list = json(&db, &["exports"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["kind"], "monthly_report_xlsx");
    assert_eq!(list[0]["scope"], "city");
    assert_eq!(list[0]["period"], "2026-09");
    assert_eq!(list[0]["file_path"], path.display().to_string());
    assert!(!list[0]["created_by"].as_str().unwrap().is_empty());
    assert!(ok(&db, &["verify"]).contains("intact"), "the export's change record keeps the chain whole");
}

#[test]
fn a_segment_table_exports_as_csv_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    ok(&db, DEMO);
    let exports = dir.path().join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_ansinh"))
        .arg("--db")
        .arg(&db)
        .args(["metrics", "--json", "--as-of", "2026-10-20", "--by", "age", "--csv"])
        .env("ANSINH_EXPORT_DIR", &exports)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let m: Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = std::fs::read_dir(&exports).unwrap().next().unwrap().unwrap().path();
    let rows = read_csv(&file);
    assert_eq!(rows.len(), m["segments"].as_array().unwrap().len());
    let old = rows.iter().find(|r| r["Mã"] == "80_plus").unwrap();
    assert_eq!(old["Nhóm"], "Từ 80 tuổi");
    let seg = m["segments"].as_array().unwrap().iter().find(|s| s["key"] == "80_plus").unwrap();
    assert_eq!(old["Số khoản chi"], seg["size"].to_string());
    assert_eq!(old["Trung vị (ngày)"], seg["time_to_cash_days"]["median"].to_string());
    let list = json(&db, &["exports"]);
    assert_eq!((list[0]["kind"].as_str(), list[0]["what"].as_str()), (Some("table_csv"), Some("by_age")));
}

/// Demo data's credited payments of 10/2026 nobody has withdrawn from yet: (id, amount, credited dd/mm/yyyy).
fn unwithdrawn_payments(db: &Path) -> Vec<(String, String, String)> {
    ok(db, &["demo", "--wards", "2", "--beneficiaries", "400", "--months", "2", "--seed", "7", "--until", "10/2026"]);
    let dir = tempfile::tempdir().unwrap();
    for what in ["payments", "withdrawals"] {
        ok(db, &["export", what, "--out", dir.path().join(format!("{what}.csv")).to_str().unwrap()]);
    }
    let withdrawn: std::collections::HashSet<String> =
        read_csv(&dir.path().join("withdrawals.csv")).into_iter().map(|w| w["payment_id"].clone()).collect();
    read_csv(&dir.path().join("payments.csv"))
        .into_iter()
        .filter(|p| p["period"] == "2026-10" && p["status"] == "credited" && !withdrawn.contains(&p["payment_id"]))
        .map(|p| {
            let c = chrono::NaiveDate::parse_from_str(&p["credited_on"], "%Y-%m-%d").unwrap();
            (p["payment_id"].clone(), p["amount_vnd"].clone(), c.format("%d/%m/%Y").to_string())
        })
        .take(5)
        .collect()
}

#[test]
fn import_withdrawals_writes_a_payers_report_once_and_names_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let paid = unwithdrawn_payments(&db);
    assert!(!paid.is_empty(), "the demo leaves some credited payments not withdrawn");
    let mut body = String::from("Mã giao dịch;Ngày nhận;Số tiền;Nơi nhận\n");
    for (id, amount, day) in &paid {
        body.push_str(&format!("{id};{day};{amount};Bưu điện\n"));
    }
    let file = dir.path().join("chi-tra.csv");
    std::fs::write(&file, &body).unwrap();
    let f = file.to_str().unwrap();
    let n = paid.len() as u64;
    let dry = json(&db, &["import", "withdrawals", f, "--cycle", "10/2026", "--dry-run"]);
    assert_eq!((dry["new_withdrawals"].as_u64(), dry["applied"].as_bool()), (Some(n), Some(false)));
    let first =
        json(&db, &["import", "withdrawals", f, "--cycle", "10/2026", "--payer", "Bưu điện", "--channel", "cash"]);
    assert_eq!((first["new_withdrawals"].as_u64(), first["report_recorded"].as_bool()), (Some(n), Some(true)));
    let again =
        json(&db, &["import", "withdrawals", f, "--cycle", "10/2026", "--payer", "Bưu điện", "--channel", "cash"]);
    assert_eq!((again["new_withdrawals"].as_u64(), again["already_had"].as_u64()), (Some(0), Some(n)));
    assert_eq!(again["report_recorded"], false);

    // A bad row: the whole file refused, the row and column named, nothing written.
    let bad = dir.path().join("sai.csv");
    std::fs::write(&bad, format!("{body}REF-KHONG-CO;{};1.000;ATM\n", paid[0].2)).unwrap();
    let out = ansinh(&db, &["import", "withdrawals", bad.to_str().unwrap(), "--cycle", "10/2026"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let row = paid.len() + 2;
    assert!(err.contains(&format!("row {row}: reference")) && err.contains("reconcile.unknown_reference"), "{err}");
    let after = json(&db, &["import", "withdrawals", f, "--cycle", "10/2026", "--dry-run"]);
    assert_eq!(after["already_had"].as_u64(), Some(n), "the refused file wrote nothing");
}
