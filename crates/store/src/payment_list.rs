//! The monthly payment list of a ward as the ward prints it for the payer and for signatures
//! (issue 16): one row per payment of the cycle that is to be or has been paid (scheduled or
//! credited), in list order (residential group, then given name), with what the printed list
//! shows of each person. Written by `ansinh_files::payment_list`.

use crate::Store;
use crate::decode;
use crate::error::Result;
use ansinh_core::model::Sex;
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// One payment of the list and its person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PaymentListRow {
    pub payment_id: String,
    pub beneficiary_id: String,
    pub full_name: String,
    /// yyyy-mm-dd; None when only the year is known.
    pub birth_date: Option<String>,
    pub birth_year: i32,
    pub sex: Sex,
    pub id_number: Option<String>,
    pub legacy_id_number: Option<String>,
    pub residential_group: String,
    pub group_code: String,
    pub amount_vnd: i64,
}

impl Store {
    /// The scheduled and credited monthly payments of cycle `period` (`yyyy-mm`) to people of
    /// `ward` (one-off payments have lists of their own making).
    pub async fn payment_list(&self, period: &str, ward: &str) -> Result<Vec<PaymentListRow>> {
        let rows = sqlx::query(
            "SELECT p.id AS payment_id, p.beneficiary_id, b.full_name, b.birth_date, b.birth_year, b.sex,
                    b.id_number, b.legacy_id_number, b.residential_group, b.group_code, p.amount_vnd
             FROM payments p JOIN beneficiaries b ON b.id = p.beneficiary_id
             WHERE p.period = ?1 AND b.ward_code = ?2 AND p.status IN ('scheduled', 'credited') AND p.label = ''
             ORDER BY b.residential_group, b.sort_key, p.id",
        )
        .bind(period)
        .bind(ward)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                let sex: String = r.get("sex");
                Ok(PaymentListRow {
                    payment_id: r.get("payment_id"),
                    beneficiary_id: r.get("beneficiary_id"),
                    full_name: r.get("full_name"),
                    birth_date: r.get("birth_date"),
                    birth_year: r.get::<i64, _>("birth_year") as i32,
                    sex: decode::parsed("sex", &sex, Sex::parse)?,
                    id_number: r.get("id_number"),
                    legacy_id_number: r.get("legacy_id_number"),
                    residential_group: r.get("residential_group"),
                    group_code: r.get("group_code"),
                    amount_vnd: r.get("amount_vnd"),
                })
            })
            .collect()
    }
}
