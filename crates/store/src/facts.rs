//! Loads the facts the indicators are computed from: one row per credited payment, with its
//! first withdrawal and the person's segment attributes.

use crate::error::Result;
use crate::{Store, StoreError};
use ansinh_core::dates::BirthDate;
use ansinh_core::indicators::PaymentObs;
use ansinh_core::model::{Channel, Needs, SegmentBy};
use ansinh_core::segments::{self, MetricsReport, PaymentFacts};
use chrono::NaiveDate;
use sqlx::Row;

fn date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| StoreError::Db(sqlx::Error::Protocol(format!("bad date '{s}'"))))
}

impl Store {
    pub async fn payment_facts(&self) -> Result<Vec<PaymentFacts>> {
        let rows = sqlx::query(
            "SELECT p.credited_on, fw.first_on, b.ward_code, b.birth_date, b.birth_year, b.group_code, p.channel,
                    b.lives_alone, b.limited_mobility, b.vision_hearing, b.no_smartphone, b.bedridden
             FROM payments p
             JOIN beneficiaries b ON b.id = p.beneficiary_id
             LEFT JOIN (SELECT payment_id, MIN(withdrawn_on) AS first_on FROM withdrawals GROUP BY payment_id) fw
                    ON fw.payment_id = p.id
             WHERE p.status = 'credited'",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                let birth = match r.get::<Option<&str>, _>(3) {
                    Some(s) => BirthDate::Full(date(s)?),
                    None => BirthDate::Year(r.get::<i64, _>(4) as i32),
                };
                let channel: &str = r.get(6);
                Ok(PaymentFacts {
                    obs: PaymentObs {
                        credited_on: date(r.get(0))?,
                        first_withdrawal_on: r.get::<Option<&str>, _>(1).map(date).transpose()?,
                    },
                    ward_code: r.get(2),
                    birth,
                    group_code: r.get(5),
                    channel: Channel::parse(channel)
                        .ok_or_else(|| StoreError::Db(sqlx::Error::Protocol(format!("bad channel '{channel}'"))))?,
                    needs: Needs {
                        lives_alone: r.get::<i64, _>(7) != 0,
                        limited_mobility: r.get::<i64, _>(8) != 0,
                        vision_hearing: r.get::<i64, _>(9) != 0,
                        no_smartphone: r.get::<i64, _>(10) != 0,
                        bedridden: r.get::<i64, _>(11) != 0,
                    },
                })
            })
            .collect()
    }

    /// Time-to-cash indicators at `as_of`, overall and per segment. Ward and group segments
    /// are labelled with their names; other keys are codes the UI translates.
    pub async fn metrics(&self, as_of: NaiveDate, by: Option<SegmentBy>) -> Result<MetricsReport> {
        let facts = self.payment_facts().await?;
        let refs = self.refs().await?;
        Ok(segments::report(&facts, as_of, by, |by, key| match by {
            SegmentBy::Ward => refs.unit_name(key),
            SegmentBy::Group => refs.group(key).map_or_else(|| key.to_string(), |g| g.name_vi.clone()),
            _ => key.to_string(),
        }))
    }
}
