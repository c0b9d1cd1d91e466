//! `ansinh followup`, `verify-sample` and `grievances` end to end on temporary databases.

use ansinh_core::grievances::{self, GrievanceInput};
use serde_json::Value;
use std::path::Path;

mod common;
use common::{ansinh, ok};

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON output")
}

fn demo(db: &Path) {
    ok(db, &["demo", "--wards", "2", "--beneficiaries", "120", "--months", "3", "--seed", "5", "--until", "03/2026"]);
}

#[test]
fn followup_json_lists_waiting_payments_ranked_and_exports_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    demo(&db);
    let list = json(&db, &["followup", "--json", "--as-of", "2026-03-31"]);
    assert_eq!((list["as_of"].as_str(), list["days"].as_u64()), (Some("2026-03-31"), Some(7)));
    let rows = list["rows"].as_array().unwrap();
    assert!(!rows.is_empty(), "the demo city has money waiting");
    for r in rows {
        assert!(r["days_waiting"].as_i64().unwrap() >= 7, "{r}");
        assert!(r["remaining_vnd"].as_i64().unwrap() > 0);
        assert_eq!(
            r["remaining_vnd"].as_i64().unwrap(),
            r["amount_vnd"].as_i64().unwrap() - r["withdrawn_vnd"].as_i64().unwrap()
        );
    }
    // Ranked: priority never increases, and within a priority days waiting never increase.
    for pair in rows.windows(2) {
        let key = |r: &Value| (r["priority"].as_i64().unwrap(), r["days_waiting"].as_i64().unwrap());
        let (a, b) = (key(&pair[0]), key(&pair[1]));
        assert!(a.0 > b.0 || (a.0 == b.0 && a.1 >= b.1), "{a:?} before {b:?}");
    }
    // A longer wait lists fewer payments; a ward filter keeps only that ward.
    let longer = json(&db, &["followup", "--json", "--as-of", "2026-03-31", "--days", "30"]);
    assert!(longer["rows"].as_array().unwrap().len() < rows.len());
    let ward = rows[0]["ward_code"].as_str().unwrap();
    let one = json(&db, &["followup", "--json", "--as-of", "2026-03-31", "--ward", ward]);
    assert!(one["rows"].as_array().unwrap().iter().all(|r| r["ward_code"] == ward));

    let out = dir.path().join("visits.xlsx");
    ok(&db, &["followup", "--as-of", "2026-03-31", "--out", out.to_str().unwrap()]);
    let table = ansinh_files::table::read(&out).unwrap();
    assert_eq!(table.headers.first().map(String::as_str), Some("STT"));
    assert_eq!(table.headers.last().map(String::as_str), Some("Chữ ký / ghi chú"));
    assert_eq!(table.rows.len(), rows.len());
}

#[test]
fn uncollected_json_lists_people_without_cash_for_months_sorted_by_money_left() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    demo(&db);
    // One month: the demo city has people whose last cash was in February with March waiting.
    let list = json(&db, &["uncollected", "--json", "--as-of", "2026-03-31", "--months", "1"]);
    assert_eq!((list["months"].as_u64(), list["cutoff"].as_str()), (Some(1), Some("2026-02-28")));
    let rows = list["rows"].as_array().unwrap();
    assert!(!rows.is_empty(), "the demo city has money left uncollected for a month");
    for r in rows {
        assert!(r["left_vnd"].as_i64().unwrap() > 0 && r["payments_since"].as_i64().unwrap() > 0, "{r}");
        assert!(r["last_withdrawal_on"].as_str().is_none_or(|d| d < "2026-02-28"), "{r}");
        assert!(r["waiting_since"].as_str().unwrap() <= "2026-02-28", "{r}");
    }
    for pair in rows.windows(2) {
        assert!(pair[0]["left_vnd"].as_i64() >= pair[1]["left_vnd"].as_i64(), "most money left first");
    }
    let total: i64 = rows.iter().map(|r| r["left_vnd"].as_i64().unwrap()).sum();
    assert_eq!(list["total_left_vnd"].as_i64(), Some(total));
    // The default two months: a longer span lists no one the shorter one does not.
    let two = json(&db, &["uncollected", "--json", "--as-of", "2026-03-31"]);
    assert_eq!(two["months"].as_u64(), Some(2));
    let ids = |l: &Value| l["rows"].as_array().unwrap().iter().map(|r| r["beneficiary_id"].clone()).collect::<Vec<_>>();
    assert!(ids(&two).iter().all(|id| ids(&list).contains(id)));
    // A ward filter keeps only that ward; 0 months is refused by name.
    let ward = rows[0]["ward_code"].as_str().unwrap();
    let one = json(&db, &["uncollected", "--json", "--as-of", "2026-03-31", "--months", "1", "--ward", ward]);
    assert!(one["rows"].as_array().unwrap().iter().all(|r| r["ward_code"] == ward));
    let out = ansinh(&db, &["uncollected", "--months", "0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("months.invalid"));
}

#[test]
fn verify_sample_is_reproducible_and_verify_still_checks_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    demo(&a);
    demo(&b);
    let sa = json(&a, &["verify-sample", "create", "--cycle", "03/2026", "--size", "10%", "--seed", "9"]);
    let sb = json(&b, &["verify-sample", "create", "--cycle", "03/2026", "--size", "10%", "--seed", "9"]);
    let drawn = |s: &Value| s["items"].as_array().unwrap().iter().map(|i| i["payment_id"].clone()).collect::<Vec<_>>();
    assert_eq!(drawn(&sa), drawn(&sb), "same demo data and seed, same sample");
    let n = sa["size"].as_i64().unwrap();
    assert_eq!(n, (sa["population"].as_i64().unwrap() + 9) / 10, "10% rounded up");
    assert_eq!(sa["verified"], 0);
    let shown = json(&a, &["verify-sample", "show", "--cycle", "03/2026"]);
    assert_eq!(drawn(&shown), drawn(&sa));
    assert_eq!(shown["seed"], "9");
    // A second sample for the cycle is refused.
    let again = ansinh(&a, &["verify-sample", "create", "--cycle", "03/2026", "--size", "5", "--seed", "1"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has"));
    assert!(ok(&a, &["verify"]).contains("change records intact"), "`verify` is still the chain check");
}

#[test]
fn grievances_lists_tickets_and_filters_overdue() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    demo(&db);
    assert!(ok(&db, &["grievances"]).contains("0 grievance(s)"));
    // Open two tickets through the store (the CLI has no command to open one).
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let today = chrono::Local::now().date_naive();
    rt.block_on(async {
        let store = ansinh_store::Store::open(&db).await.unwrap();
        let people = store.search("", None, 2, 0).await.unwrap().items;
        for (p, opened) in people.iter().zip(["01/01/2026", "10/03/2026"]) {
            let input = GrievanceInput {
                beneficiary_id: p.id.clone(),
                category: "wrong_amount".into(),
                channel: "in_person".into(),
                description: "Số tiền nhận thiếu".into(),
                opened_on: opened.into(),
                deadline_on: String::new(),
            };
            store.open_grievance(&grievances::grievance(&input, today).unwrap()).await.unwrap();
        }
        store.close().await;
    });
    let all = json(&db, &["grievances", "--json", "--as-of", "2026-03-20"]);
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(all[0]["overdue"], true, "overdue first");
    assert_eq!(all[0]["deadline_on"], "2026-01-16");
    let overdue = json(&db, &["grievances", "--overdue", "--json", "--as-of", "2026-03-20"]);
    assert_eq!(overdue.as_array().unwrap().len(), 1);
    let text = ok(&db, &["grievances", "--as-of", "2026-03-20"]);
    assert!(text.contains("OVERDUE") && text.contains("2 grievance(s)"), "{text}");
}
