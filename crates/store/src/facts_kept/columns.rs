//! The snapshot's payments and withdrawals laid out by column ([`super::snapshot`], formats 3 and 4).
//!
//! - **Why**: a city's 7.2 million payments took 100 MB as rows even compressed, and every
//!   byte is decrypted and checked on its way out of SQLCipher. By column, each field's values
//!   follow one another (a run of the same cycle, status, channel; small differences between
//!   neighbours' days and people) and LZ4 finds the repeats: 43 MB.
//! - **Layout**: a header (the generation, the number of items, each column's length), then
//!   the columns, each a run of postcard values, one per item, read in step.
//! - **Ranges as counts**: a payment's withdrawals and checks are stored as how many, so the
//!   lists must follow one another in payment order without gaps (the kept facts are compacted
//!   before a snapshot is written: [`super::Kept::compacted`]); otherwise nothing is encoded.
//! - **Differences**: a person, a scheduled day and a withdrawal's day and amount are stored
//!   as the difference from the item before; a credit day from the payment's scheduled day.
//!
//! Everything read is checked: a count no column could hold, a value out of range, a column
//! not used up or too short gives None (the snapshot is then not used), never a panic or an
//! allocation the bytes cannot back.

use crate::error::Result;
use ansinh_core::facts::{PaymentFact, WithdrawalFact, day_numbered, list_with_room};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The payments' columns: person, period, channel, status, amount, scheduled day, credit day,
/// failure reason, withdrawals, checks, one-off.
const PAYMENT_COLUMNS: usize = 11;

/// The withdrawals' columns: day, amount, travel minutes, travel cost, waiting minutes,
/// assisted.
const WITHDRAWAL_COLUMNS: usize = 6;

/// Columns being written.
struct Out(Vec<Vec<u8>>);

impl Out {
    fn new(n: usize) -> Out {
        Out(vec![Vec::new(); n])
    }

    fn put(&mut self, column: usize, value: &impl Serialize) -> Result<()> {
        let col = std::mem::take(&mut self.0[column]);
        self.0[column] = postcard::to_extend(value, col).map_err(super::encode_error)?;
        Ok(())
    }

    /// The header and the columns, one after another.
    fn finish(self, generation: u128, items: usize) -> Result<Vec<u8>> {
        let lengths: Vec<u64> = self.0.iter().map(|c| c.len() as u64).collect();
        let mut out = super::encoded(&(generation, items as u64, lengths))?;
        for c in self.0 {
            out.extend_from_slice(&c);
        }
        Ok(out)
    }
}

/// Columns being read, each a cursor.
struct In<'a>(Vec<&'a [u8]>);

impl<'a> In<'a> {
    /// The generation, the number of items and the columns of `raw`, if its header holds `n`
    /// columns that fill the rest exactly, each long enough for one byte per item at least.
    fn open(raw: &'a [u8], n: usize) -> Option<(u128, usize, In<'a>)> {
        let ((generation, items, lengths), mut rest) = postcard::take_from_bytes::<(u128, u64, Vec<u64>)>(raw).ok()?;
        let total = lengths.iter().try_fold(0u64, |sum, len| sum.checked_add(*len));
        if lengths.len() != n || total != Some(rest.len() as u64) {
            return None;
        }
        let mut cols = Vec::with_capacity(n);
        for len in lengths {
            if len < items {
                return None;
            }
            let (col, after) = rest.split_at(len as usize);
            cols.push(col);
            rest = after;
        }
        Some((generation, items as usize, In(cols)))
    }

    fn take<T: Deserialize<'a>>(&mut self, column: usize) -> Option<T> {
        let (value, rest) = postcard::take_from_bytes(self.0[column]).ok()?;
        self.0[column] = rest;
        Some(value)
    }

    /// Was every column read to its end?
    fn used_up(&self) -> bool {
        self.0.iter().all(|c| c.is_empty())
    }
}

fn number(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// `base` moved by `by` days, if that is a day.
fn moved(base: i32, by: i32) -> Option<(i32, NaiveDate)> {
    let n = base.checked_add(by)?;
    Some((n, day_numbered(n)?))
}

/// The payments by column; None when their withdrawals or checks do not follow one another in
/// payment order from the first, without gaps.
pub(super) fn encode_payments(generation: u128, payments: &[PaymentFact]) -> Result<Option<Vec<u8>>> {
    let mut out = Out::new(PAYMENT_COLUMNS);
    let (mut person, mut scheduled, mut withdrawals, mut checks) = (0i64, 0i32, 0u32, 0u32);
    for p in payments {
        if p.withdrawals.start != withdrawals || p.checks.start != checks {
            return Ok(None);
        }
        (withdrawals, checks) = (p.withdrawals.end, p.checks.end);
        out.put(0, &(i64::from(p.person) - person))?;
        person = i64::from(p.person);
        out.put(1, &p.period)?;
        out.put(2, &p.channel)?;
        out.put(3, &p.status)?;
        out.put(4, &p.amount_vnd)?;
        let day = p.scheduled_on.map(number);
        out.put(5, &day.map(|d| d - scheduled))?;
        scheduled = day.unwrap_or(scheduled);
        out.put(6, &p.credited_on.map(|d| number(d) - scheduled))?;
        out.put(7, &p.failure_reason)?;
        out.put(8, &(p.withdrawals.end - p.withdrawals.start))?;
        out.put(9, &(p.checks.end - p.checks.start))?;
        out.put(10, &p.one_off)?;
    }
    Ok(Some(out.finish(generation, payments.len())?))
}

/// The payments [`encode_payments`] wrote, with their generation.
pub(super) fn decode_payments(raw: &[u8]) -> Option<(u128, Vec<PaymentFact>)> {
    let (generation, items, mut cols) = In::open(raw, PAYMENT_COLUMNS)?;
    // `items` is bounded by the columns' bytes ([`In::open`]).
    let mut out = list_with_room(items);
    let (mut person, mut scheduled, mut withdrawals, mut checks) = (0i64, 0i32, 0u32, 0u32);
    for _ in 0..items {
        person = person.checked_add(cols.take::<i64>(0)?)?;
        let period = cols.take(1)?;
        let channel = cols.take(2)?;
        let status = cols.take(3)?;
        let amount_vnd = cols.take(4)?;
        let scheduled_on = match cols.take::<Option<i32>>(5)? {
            Some(by) => {
                let (n, day) = moved(scheduled, by)?;
                scheduled = n;
                Some(day)
            }
            None => None,
        };
        let credited_on = match cols.take::<Option<i32>>(6)? {
            Some(by) => Some(moved(scheduled, by)?.1),
            None => None,
        };
        let failure_reason = cols.take(7)?;
        let (w, c) = (cols.take::<u32>(8)?, cols.take::<u32>(9)?);
        let one_off = cols.take(10)?;
        let (w_end, c_end) = (withdrawals.checked_add(w)?, checks.checked_add(c)?);
        out.push(PaymentFact {
            person: u32::try_from(person).ok()?,
            period,
            channel,
            status,
            amount_vnd,
            scheduled_on,
            credited_on,
            failure_reason,
            withdrawals: withdrawals..w_end,
            checks: checks..c_end,
            one_off,
        });
        (withdrawals, checks) = (w_end, c_end);
    }
    cols.used_up().then_some((generation, out))
}

/// The withdrawals by column.
pub(super) fn encode_withdrawals(generation: u128, withdrawals: &[WithdrawalFact]) -> Result<Vec<u8>> {
    let mut out = Out::new(WITHDRAWAL_COLUMNS);
    let (mut day, mut amount) = (0i32, 0i64);
    for w in withdrawals {
        out.put(0, &(number(w.on) - day))?;
        day = number(w.on);
        out.put(1, &w.amount_vnd.wrapping_sub(amount))?;
        amount = w.amount_vnd;
        out.put(2, &w.travel_minutes)?;
        out.put(3, &w.travel_cost_vnd)?;
        out.put(4, &w.waiting_minutes)?;
        out.put(5, &w.assisted)?;
    }
    out.finish(generation, withdrawals.len())
}

/// The withdrawals [`encode_withdrawals`] wrote, with their generation.
pub(super) fn decode_withdrawals(raw: &[u8]) -> Option<(u128, Vec<WithdrawalFact>)> {
    let (generation, items, mut cols) = In::open(raw, WITHDRAWAL_COLUMNS)?;
    // `items` is bounded by the columns' bytes ([`In::open`]).
    let mut out = list_with_room(items);
    let (mut day, mut amount) = (0i32, 0i64);
    for _ in 0..items {
        let on;
        (day, on) = moved(day, cols.take(0)?)?;
        amount = amount.wrapping_add(cols.take(1)?);
        out.push(WithdrawalFact {
            on,
            amount_vnd: amount,
            travel_minutes: cols.take(2)?,
            travel_cost_vnd: cols.take(3)?,
            waiting_minutes: cols.take(4)?,
            assisted: cols.take(5)?,
        });
    }
    cols.used_up().then_some((generation, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_core::model::{Channel, PaymentStatus};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Payments with and without days, reasons, withdrawals and checks, people back and forth.
    fn payments() -> Vec<PaymentFact> {
        let p = |person, withdrawals: std::ops::Range<u32>, checks: std::ops::Range<u32>| PaymentFact {
            person,
            period: 1,
            channel: Channel::Bank,
            status: PaymentStatus::Credited,
            amount_vnd: 1_250_000,
            scheduled_on: Some(d("2026-10-05")),
            credited_on: Some(d("2026-10-06")),
            failure_reason: None,
            withdrawals,
            checks,
            one_off: false,
        };
        vec![
            p(5, 0..2, 0..0),
            PaymentFact { scheduled_on: None, credited_on: None, failure_reason: Some(3), ..p(2, 2..2, 0..1) },
            PaymentFact { credited_on: Some(d("2026-09-30")), one_off: true, amount_vnd: -7, ..p(9, 2..3, 1..1) },
            PaymentFact { scheduled_on: Some(d("2025-01-01")), channel: Channel::Cash, ..p(0, 3..3, 1..3) },
        ]
    }

    fn withdrawals() -> Vec<WithdrawalFact> {
        let w = |on, amount_vnd| WithdrawalFact {
            on: d(on),
            amount_vnd,
            travel_minutes: Some(20),
            travel_cost_vnd: None,
            waiting_minutes: Some(i64::MAX),
            assisted: true,
        };
        vec![w("2026-10-07", 1_250_000), w("2026-09-01", i64::MIN), w("2027-02-28", i64::MAX)]
    }

    #[test]
    fn payments_and_withdrawals_come_back_as_they_went() {
        let raw = encode_payments(7, &payments()).unwrap().unwrap();
        assert_eq!(decode_payments(&raw), Some((7, payments())));
        let raw = encode_withdrawals(8, &withdrawals()).unwrap();
        assert_eq!(decode_withdrawals(&raw), Some((8, withdrawals())));
        assert_eq!(decode_withdrawals(&encode_withdrawals(9, &[]).unwrap()), Some((9, vec![])));
    }

    #[test]
    fn payments_whose_lists_have_gaps_are_not_encoded() {
        for gap in [|p: &mut PaymentFact| p.withdrawals.start += 1, |p: &mut PaymentFact| p.checks = 1..1] {
            let mut ps = payments();
            gap(&mut ps[0]);
            assert!(encode_payments(7, &ps).unwrap().is_none());
        }
    }

    #[test]
    fn damaged_columns_are_refused() {
        let raw = encode_payments(7, &payments()).unwrap().unwrap();
        // Cut short, a byte more, and every single byte changed in turn: refused or decoded,
        // never a panic.
        assert!(decode_payments(&raw[..raw.len() - 1]).is_none());
        assert!(decode_payments(&[raw.as_slice(), &[0]].concat()).is_none());
        for i in 0..raw.len() {
            for b in [0u8, 0x7f, 0xff] {
                let mut bad = raw.clone();
                bad[i] = b;
                let _ = decode_payments(&bad);
            }
        }
        // A withdrawal's day moved out of chrono's range.
        let mut cols = Out::new(WITHDRAWAL_COLUMNS);
        cols.put(0, &i32::MAX).unwrap();
        cols.put(1, &0i64).unwrap();
        for c in 2..5 {
            cols.put(c, &None::<i64>).unwrap();
        }
        cols.put(5, &true).unwrap();
        assert!(decode_withdrawals(&cols.finish(1, 1).unwrap()).is_none());
    }

    #[test]
    fn a_count_the_columns_cannot_hold_makes_no_room() {
        // A header claiming 2^40 withdrawals over columns of a byte each: room for them would
        // abort the process; each item takes a byte of each column at least, so it is refused.
        let raw =
            [super::super::encoded(&(7u128, 1u64 << 40, vec![1u64; WITHDRAWAL_COLUMNS])).unwrap(), vec![0; 6]].concat();
        assert!(decode_withdrawals(&raw).is_none());
        // The columns' lengths not adding up to the bytes there are.
        let raw = [super::super::encoded(&(7u128, 1u64, vec![u64::MAX, 2, 0, 0, 0, 0])).unwrap(), vec![0; 6]].concat();
        assert!(decode_withdrawals(&raw).is_none());
    }
}
