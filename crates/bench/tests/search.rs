//! The fast search (`Store::search`, the in-memory index) answers exactly as the plain SQL
//! (`Store::search_sql`): same total, same rows, same order, for every query as typed, ward
//! filter, limit and offset; and it sees every write, from this store or another one.

use ansinh_bench::search::{first_search, keystrokes, prefixes, typed};
use ansinh_core::inputs::BeneficiaryInput;
use ansinh_core::records::{self, Beneficiary};
use ansinh_core::text;
use ansinh_core::validate;
use ansinh_demo::DemoOptions;
use ansinh_store::{Batch, Store};
use chrono::NaiveDate;
use tempfile::TempDir;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

async fn demo_store(people: usize, wards: usize) -> (Store, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("ansinh.db")).await.unwrap();
    let opts = DemoOptions {
        wards,
        beneficiaries: people,
        months: 1,
        seed: 11,
        until: d(2026, 10, 1),
        today: d(2026, 11, 26),
    };
    ansinh_demo::load(&store, &opts).await.unwrap();
    (store, dir)
}

/// People the validation rules would refuse or reshape, written straight through a batch:
/// tones that differ only by marks, đ/Đ, upper case, decomposed marks, LIKE metacharacters and
/// digits in names, and legacy numbers (one with letters, which LIKE matches case-blind).
fn tricky(template: &Beneficiary, wards: &[String]) -> Vec<Beneficiary> {
    let names = [
        ("Nguyễn Văn Ân", Some("009099000001"), None),
        ("Nguyễn Văn Ấn", Some("009099000002"), None),
        ("Nguyễn Văn An", None, Some("090012345")),
        ("Nguyên Văn Ăn", None, Some("A1234567B")),
        ("Đặng Thị Huệ", Some("009099000005"), None),
        ("Đăng Thi Huê", None, None),
        ("Dang Thi Hue", None, Some("090012399")),
        ("ĐOÀN ĐỨC ĐẠT", None, None),
        ("H'Hen Niê", None, None),
        ("Y-Moan Êban", None, None),
        ("Phạm T. Ngọc", None, None),
        ("Nguye\u{302}\u{303}n Thi\u{323} A\u{301}nh", None, None),
        ("Trần 100% Ba", None, None),
        ("Lê_Văn_Cư", None, None),
        ("Võ \\ Thị Nga", None, None),
        ("Bùi 0090 Tư", None, None),
    ];
    names
        .iter()
        .enumerate()
        .map(|(i, (name, id, legacy))| Beneficiary {
            id: records::new_id(),
            full_name: name.to_string(),
            id_number: id.map(str::to_string),
            legacy_id_number: legacy.map(str::to_string),
            ward_code: wards[i % wards.len()].clone(),
            duplicate_reason: String::new(),
            ..template.clone()
        })
        .collect()
}

async fn assert_same(store: &Store, q: &str, ward: Option<&str>, limit: i64, offset: i64) -> i64 {
    let fast = store.search(q, ward, limit, offset).await.unwrap();
    let sql = store.search_sql(q, ward, limit, offset).await.unwrap();
    assert_eq!(fast.total, sql.total, "total for {q:?} in {ward:?}");
    let ids = |p: &ansinh_store::Page<ansinh_store::BeneficiaryView>| {
        p.items.iter().map(|b| (b.id.clone(), b.full_name.clone())).collect::<Vec<_>>()
    };
    assert_eq!(ids(&fast), ids(&sql), "rows for {q:?} in {ward:?}, limit {limit} offset {offset}");
    assert_eq!(fast, sql, "views for {q:?}");
    fast.total
}

#[tokio::test(flavor = "multi_thread")]
async fn fast_search_answers_exactly_as_sql() {
    let (store, _dir) = demo_store(3000, 4).await;
    let people = store.all_beneficiaries().await.unwrap();
    let mut wards: Vec<String> = people.iter().map(|p| p.ward_code.clone()).collect();
    wards.dedup();
    assert_eq!(wards.len(), 4);
    let template = store.beneficiary_detail(&people[0].id).await.unwrap().beneficiary;
    let template = Beneficiary {
        id: records::new_id(),
        full_name: template.full_name,
        birth_date: None,
        birth_year: template.birth_year,
        sex: template.sex,
        id_number: None,
        legacy_id_number: None,
        id_override_reason: String::new(),
        ward_code: template.ward_code,
        residential_group: String::new(),
        phone: String::new(),
        group_code: template.group_code,
        disability: template.disability,
        needs: template.needs,
        authorised_name: String::new(),
        authorised_id_number: String::new(),
        authorised_relation: String::new(),
        duplicate_reason: String::new(),
    };
    let tricky = tricky(&template, &wards);
    store.insert_batch(&Batch { beneficiaries: tricky.clone(), ..Batch::default() }).await.unwrap();

    // Every keystroke of tricky and ordinary names, typed with tones and without.
    let mut names: Vec<String> = tricky.iter().map(|b| b.full_name.clone()).collect();
    names.extend(people.iter().step_by(300).map(|p| p.full_name.clone()));
    let mut typed_queries = Vec::new();
    for name in &names {
        for i in 0..2 {
            typed_queries.extend(prefixes(&typed(name, i)).map(str::to_string));
        }
        typed_queries.push(name.to_uppercase());
    }
    // The odd ones: blanks, LIKE metacharacters, ID and legacy prefixes, marks alone, no match,
    // a NUL and an overlong query (both answered by SQL), upper case đ.
    let with_id = people.iter().find_map(|p| p.id_number.clone()).unwrap();
    let with_legacy = people.iter().find_map(|p| p.legacy_id_number.clone());
    let mut odd: Vec<String> = [
        "",
        " ",
        " \t\n ",
        "%",
        "_",
        "\\",
        "\\%",
        "a%",
        "%a",
        "n_u",
        "ngu%en",
        "100%",
        "100\\%",
        "_v",
        "0",
        "00",
        "009",
        "0090",
        "a12",
        "A12",
        "a1234567b",
        "0900123",
        "\u{301}",
        "\u{301}an",
        "Đ",
        "đ",
        "d",
        "D",
        "NGUYEN",
        "nguyen  van",
        " an ",
        "\tAn\n",
        "ng\0uy",
        "zzzq",
        "'",
        "-",
        ".",
        "t.",
        "ân",
        "Ân",
        "ăn",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    odd.extend((1..=12).map(|n| with_id[..n].to_string()));
    odd.extend(with_legacy.iter().flat_map(|l| (1..=9).map(|n| l[..n].to_string())));
    odd.push("nguyen ".repeat(200));

    let ward_choices: Vec<Option<&str>> =
        [None, Some(""), Some("nope")].into_iter().chain(wards.iter().map(|w| Some(w.as_str()))).collect();
    let mut matched_some = 0;
    for q in typed_queries.iter().chain(&odd) {
        for &ward in &[None, Some(wards[1].as_str())] {
            if assert_same(&store, q, ward, 50, 0).await > 0 {
                matched_some += 1;
            }
        }
    }
    assert!(matched_some > typed_queries.len(), "most typed prefixes find someone");
    for q in &odd {
        for &ward in &ward_choices {
            assert_same(&store, q, ward, 20, 0).await;
        }
    }
    // Paging: small pages, pages deep in the list and past its end, clamped limits and offsets.
    for q in ["", "n", "nguyen", "Nguyễn Văn", "an", "thi", "0", "%"] {
        for (limit, offset) in
            [(1, 0), (7, 3), (500, 0), (50, 40), (10, 2995), (10, 3020), (10, 1_000_000), (0, -5), (999, 2)]
        {
            for &ward in &[None, Some(wards[2].as_str())] {
                assert_same(&store, q, ward, limit, offset).await;
            }
        }
    }
    let all = assert_same(&store, "", None, 50, 0).await;
    assert_eq!(all as usize, people.len() + tricky.len());
}

/// Registers a woman born 1941 through the validation rules and the store.
async fn register(store: &Store, name: &str, id_number: &str, ward: &str) -> Beneficiary {
    let refs = store.refs().await.unwrap();
    let input = BeneficiaryInput {
        full_name: name.into(),
        birth_date: "05/03/1941".into(),
        sex: "Nữ".into(),
        id_number: id_number.into(),
        ward_code: ward.into(),
        group_code: "cao_tuoi_ngheo_80".into(),
        ..BeneficiaryInput::default()
    };
    let b = validate::beneficiary(&input, &refs, d(2026, 11, 26)).unwrap();
    store.add_beneficiary(&b).await.unwrap();
    b
}

#[tokio::test(flavor = "multi_thread")]
async fn fast_search_sees_every_write() {
    let (store, dir) = demo_store(300, 2).await;
    let ward = store.search("", None, 1, 0).await.unwrap().items[0].ward_code.clone();
    assert_eq!(assert_same(&store, "quach thi zin", None, 50, 0).await, 0);

    // A logged write that is not a person's (an export; payments alike) keeps the index.
    let built = store.search_index_built_at().await.expect("built by the searches above");
    store
        .record_export(&ansinh_store::ExportRecord {
            id: records::new_id().to_string(),
            kind: "table_csv".into(),
            what: "payments".into(),
            scope: "city".into(),
            period: None,
            file_path: "payments.csv".into(),
        })
        .await
        .unwrap();
    assert_same(&store, "thi", None, 50, 0).await;
    assert_eq!(store.search_index_built_at().await, Some(built));

    let mut b = register(&store, "Quách Thị Zin", "001141099001", &ward).await;
    let page = store.search("quach thi zin", None, 50, 0).await.unwrap();
    assert_eq!(page.items.iter().map(|p| p.id.clone()).collect::<Vec<_>>(), [b.id.to_string()]);
    assert!(store.search_index_built_at().await > Some(built), "a new person rebuilds the index");
    assert_same(&store, "zin", Some(&ward), 50, 0).await;

    b.full_name = "Quách Thị Zên".into();
    store.update_beneficiary(&b).await.unwrap();
    assert_eq!(store.search("zin", None, 50, 0).await.unwrap().total, 0);
    let page = store.search("Zên", None, 50, 0).await.unwrap();
    assert_eq!(page.items[0].full_name, "Quách Thị Zên");
    assert_same(&store, "zen", None, 50, 0).await;

    // Another process writing to the same file: the change log moves, the index follows.
    let other = Store::open(&dir.path().join("ansinh.db")).await.unwrap();
    register(&other, "Khúc Thị Xoan", "001141099002", &ward).await;
    other.close().await;
    assert_eq!(store.search("khuc thi xoan", None, 50, 0).await.unwrap().total, 1);
    assert_same(&store, "x", None, 50, 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn keystrokes_times_each_keystroke() {
    let (store, _dir) = demo_store(60, 2).await;
    let names: Vec<String> =
        store.search("", None, 4, 0).await.unwrap().items.into_iter().map(|p| p.full_name).collect();
    first_search(&store).await.unwrap();
    let times = keystrokes(&store, &names, None).await.unwrap();
    let expected: usize = names.iter().enumerate().map(|(i, n)| typed(n, i).chars().count()).sum();
    assert_eq!(times.len(), expected);
    assert_eq!(typed(&names[1], 1), text::fold(&names[1]));
}
