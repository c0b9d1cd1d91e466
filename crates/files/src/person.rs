//! Everything held about one person, as one readable workbook (a data-subject access request
//! must be answered within 2 working days): the record and its legal basis, accounts with full
//! numbers, payments, withdrawals, contacts, grievances and the audit entries about them.

use crate::xlsx::{Cell, Sheet, export_dir, write_xlsx};
use ansinh_core::AppError;
use ansinh_core::privacy::LegalBasisRecord;
use ansinh_store::{AuditEntry, BeneficiaryDetail, ContactView, GrievanceView};
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What one person's export holds.
pub struct PersonData {
    pub detail: BeneficiaryDetail,
    pub legal_basis: Option<LegalBasisRecord>,
    pub contacts: Vec<ContactView>,
    pub grievances: Vec<GrievanceView>,
    pub audit: Vec<AuditEntry>,
}

fn cell(v: &Value) -> Cell {
    match v {
        Value::Null => Cell::Empty,
        Value::String(s) => Cell::Text(s.clone()),
        Value::Number(n) => n.as_f64().map_or(Cell::Empty, Cell::Number),
        Value::Bool(b) => Cell::Text(if *b { "có / yes" } else { "không / no" }.into()),
        other => Cell::Text(other.to_string()),
    }
}

/// One sheet from a list of records: a column per field, nested values as JSON text.
fn table<T: Serialize>(name: &str, rows: &[T], skip: &[&str]) -> Sheet {
    let values: Vec<Value> = rows.iter().map(|r| serde_json::to_value(r).expect("serialisable")).collect();
    let headers: Vec<String> = values
        .first()
        .and_then(Value::as_object)
        .map(|o| o.keys().filter(|k| !skip.contains(&k.as_str())).cloned().collect())
        .unwrap_or_default();
    let rows = values.iter().map(|v| headers.iter().map(|h| cell(&v[h])).collect()).collect();
    Sheet { name: name.into(), headers, rows }
}

/// One sheet of field / value pairs for a single record.
fn pairs<T: Serialize>(name: &str, record: &T) -> Sheet {
    let v = serde_json::to_value(record).expect("serialisable");
    let rows = v
        .as_object()
        .map(|o| o.iter().map(|(k, v)| vec![Cell::Text(k.clone()), cell(v)]).collect())
        .unwrap_or_default();
    Sheet { name: name.into(), headers: vec!["Trường / Field".into(), "Giá trị / Value".into()], rows }
}

pub fn write_person_xlsx(path: &Path, data: &PersonData) -> Result<(), AppError> {
    let withdrawals: Vec<_> = data.detail.payments.iter().flat_map(|p| p.withdrawals.iter()).collect();
    let sheets = vec![
        pairs("Nguoi huong - Person", &data.detail.beneficiary),
        pairs("Co so phap ly - Legal basis", &data.legal_basis),
        table("Tai khoan - Accounts", &data.detail.accounts, &[]),
        table("Chi tra - Payments", &data.detail.payments, &["withdrawals"]),
        table("Rut tien - Withdrawals", &withdrawals, &[]),
        table("Lien he - Contacts", &data.contacts, &[]),
        table("Phan anh - Grievances", &data.grievances, &["history"]),
        table("Nhat ky - Audit", &data.audit, &["hash"]),
    ];
    write_xlsx(path, &sheets)
}

/// Writes the workbook into the export folder as `du-lieu-ca-nhan-<id>.xlsx`; returns the path.
pub fn export_person(data: &PersonData) -> Result<PathBuf, AppError> {
    let id = crate::sanitise::file_name_part(&data.detail.beneficiary.id, 40);
    let path = export_dir()?.join(format!("du-lieu-ca-nhan-{id}.xlsx"));
    write_person_xlsx(&path, data)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_core::privacy::{LegalBasis, LegalBasisRecord};

    #[tokio::test]
    async fn the_workbook_holds_the_person_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = ansinh_store::Store::open(&dir.path().join("p.db")).await.unwrap();
        let refs = store.refs().await.unwrap();
        let input = ansinh_core::inputs::BeneficiaryInput {
            full_name: "Đặng Thị Hoa".into(),
            birth_date: "05/03/1941".into(),
            sex: "Nữ".into(),
            id_number: "001141012345".into(),
            ward_code: "00004".into(),
            group_code: "cao_tuoi_ngheo_80".into(),
            ..Default::default()
        };
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let b = ansinh_core::validate::beneficiary(&input, &refs, today).unwrap();
        store.add_beneficiary(&b).await.unwrap();
        let id = b.id.to_string();
        let data = PersonData {
            detail: store.beneficiary_detail(&id).await.unwrap(),
            legal_basis: Some(LegalBasisRecord {
                basis: LegalBasis::Consent,
                note: "Phiếu 12".into(),
                recorded_on: "2026-11-26".into(),
                recorded_by: "lan".into(),
            }),
            contacts: vec![],
            grievances: vec![],
            audit: store.audit_entries(100, 0).await.unwrap(),
        };
        let path = dir.path().join("person.xlsx");
        write_person_xlsx(&path, &data).unwrap();
        let t = crate::table::read(&path).unwrap();
        let cells: Vec<&str> = t.rows.iter().flatten().map(String::as_str).collect();
        assert!(cells.contains(&"Đặng Thị Hoa") && cells.contains(&"001141012345"), "{cells:?}");
        use calamine::Reader;
        let wb: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
        assert_eq!(wb.sheet_names().len(), 8);
        assert!(wb.sheet_names().iter().any(|n| n.starts_with("Co so phap ly")));
        store.close().await;
    }
}
