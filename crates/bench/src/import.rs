//! Bulk import: a beneficiary list (CSV, the size's people) through the real import path
//! (`ansinh import beneficiaries`: read, validate, check duplicates, write with change records,
//! all in one transaction) beside the practical limit, a plain prepared-statement insert loop of
//! the same people into the same schema in one transaction (no reading, no checks, no change
//! records). Each run starts from an empty database.

use crate::dataset::{fresh, options};
use crate::{Result, Size};
use ansinh_core::records::Beneficiary;
use ansinh_core::text;
use ansinh_store::Store;
use std::path::Path;
use std::time::{Duration, Instant};

/// The size's people, generated, and the units they live in.
pub struct People {
    pub people: Vec<Beneficiary>,
    pub units: Vec<ansinh_store::UnitView>,
}

pub async fn people(size: Size, scratch: &Store) -> Result<People> {
    let refs = scratch.refs().await?;
    let demo = ansinh_demo::generate(&options(size), &refs);
    Ok(People { people: demo.batch.beneficiaries, units: demo.new_units })
}

fn flag(b: bool) -> &'static str {
    if b { "x" } else { "" }
}

/// The list as an officer's CSV (Vietnamese headers, dd/mm/yyyy dates).
pub fn write_csv(people: &[Beneficiary], path: &Path) -> Result<()> {
    let mut out = String::with_capacity(people.len() * 160);
    out.push_str("Họ và tên,Ngày sinh,Giới tính,Số định danh,Mã xã/phường,Nhóm đối tượng,Khuyết tật,Sống một mình,Hạn chế đi lại,Khiếm thị/khiếm thính,Không có điện thoại thông minh,Nằm liệt giường\n");
    for b in people {
        let birth = b.birth_date.map_or_else(|| b.birth_year.to_string(), |d| d.format("%d/%m/%Y").to_string());
        let n = &b.needs;
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            b.full_name,
            birth,
            if b.sex == ansinh_core::model::Sex::Male { "Nam" } else { "Nữ" },
            b.id_number.as_deref().or(b.legacy_id_number.as_deref()).unwrap_or_default(),
            b.ward_code,
            b.group_code,
            b.disability.as_str(),
            flag(n.lives_alone),
            flag(n.limited_mobility),
            flag(n.vision_hearing),
            flag(n.no_smartphone),
            flag(n.bedridden),
        ));
    }
    std::fs::write(path, out)?;
    Ok(())
}

/// One run of the real path into a new database; returns (time, rows added).
pub async fn real_import(db: &Path, csv: &Path, units: &[ansinh_store::UnitView]) -> Result<(Duration, usize)> {
    let (store, _key) = fresh(db).await?;
    if !units.is_empty() {
        store.upsert_units(units).await?;
    }
    let today = crate::dataset::as_of();
    let t = Instant::now();
    // Generated people can share a folded name, birth date and ward: keep them, as an officer
    // who checked would.
    let keep = ansinh_files::import::DuplicateDecision { keep: true, reason: "checked: different people".into() };
    let report = ansinh_files::import::import_beneficiaries_file(&store, csv, Some(&keep), today).await?;
    let took = t.elapsed();
    store.close().await;
    Ok((took, report.added))
}

const PLAIN_SQL: &str = "INSERT INTO beneficiaries (id, full_name, name_key, name_lower, sort_key, birth_date,
    birth_year, sex, id_number, ward_code, group_code, disability, lives_alone, limited_mobility,
    vision_hearing, no_smartphone, bedridden, created_at, created_by, created_device, updated_at,
    updated_by, updated_device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// One run of the plain loop into a new database: one prepared statement executed per row,
/// one transaction.
pub async fn plain_loop(db: &Path, people: &[Beneficiary], units: &[ansinh_store::UnitView]) -> Result<Duration> {
    let (store, _key) = fresh(db).await?;
    if !units.is_empty() {
        store.upsert_units(units).await?;
    }
    let now = "2026-11-26T00:00:00Z";
    let t = Instant::now();
    let mut tx = store.bench_writer().begin().await.map_err(ansinh_store::StoreError::from)?;
    for b in people {
        sqlx::query(PLAIN_SQL)
            .bind(b.id.to_string())
            .bind(&b.full_name)
            .bind(text::fold(&b.full_name))
            .bind(text::lower_exact(&b.full_name))
            .bind(text::sort_key(&b.full_name))
            .bind(b.birth_date.map(|d| d.format("%Y-%m-%d").to_string()))
            .bind(i64::from(b.birth_year))
            .bind(b.sex.as_str())
            .bind(b.id_number.as_deref())
            .bind(&b.ward_code)
            .bind(&b.group_code)
            .bind(b.disability.as_str())
            .bind(b.needs.lives_alone)
            .bind(b.needs.limited_mobility)
            .bind(b.needs.vision_hearing)
            .bind(b.needs.no_smartphone)
            .bind(b.needs.bedridden)
            .bind(now)
            .bind("bench")
            .bind("bench")
            .bind(now)
            .bind("bench")
            .bind("bench")
            .execute(&mut *tx)
            .await
            .map_err(ansinh_store::StoreError::from)?;
    }
    tx.commit().await.map_err(ansinh_store::StoreError::from)?;
    let took = t.elapsed();
    store.close().await;
    Ok(took)
}

/// Medians of `repeat` runs of each: (real path, plain loop, rows).
pub async fn run(size: Size, dir: &Path, repeat: usize) -> Result<ImportFigures> {
    let scratch_path = dir.join("import-scratch.db");
    let (scratch, _) = fresh(&scratch_path).await?;
    let p = people(size, &scratch).await?;
    scratch.close().await;
    let csv = dir.join(format!("import-{}.csv", size.name()));
    write_csv(&p.people, &csv)?;
    let db = dir.join("import-run.db");
    let (mut real, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..repeat.max(1) {
        let (t, added) = real_import(&db, &csv, &p.units).await?;
        if added != p.people.len() {
            return Err(crate::BenchError::Other(format!("import added {added} of {} people", p.people.len())));
        }
        real.push(t);
        plain.push(plain_loop(&db, &p.people, &p.units).await?);
    }
    for f in [&scratch_path, &db] {
        crate::dataset::remove_db(f);
    }
    let _ = std::fs::remove_file(&csv);
    Ok(ImportFigures { rows: p.people.len(), real: crate::median(real), plain: crate::median(plain) })
}

#[derive(Debug, Clone, Copy)]
pub struct ImportFigures {
    pub rows: usize,
    pub real: Duration,
    pub plain: Duration,
}

impl ImportFigures {
    pub fn real_rate(&self) -> f64 {
        self.rows as f64 / self.real.as_secs_f64()
    }
    pub fn plain_rate(&self) -> f64 {
        self.rows as f64 / self.plain.as_secs_f64()
    }
}
