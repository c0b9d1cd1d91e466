//! The short, human-readable form of `ansinh metrics` (without `--json`).

use ansinh_core::indicators::Metrics;
use ansinh_core::segments::MetricsReport;
use std::fmt::Write;

fn days(d: Option<i64>) -> String {
    d.map_or_else(|| "-".to_string(), |d| d.to_string())
}

fn pct(f: Option<f64>) -> String {
    f.map_or_else(|| "-".to_string(), |f| format!("{:.1}%", f * 100.0))
}

fn line(out: &mut String, name: &str, m: &Metrics, min_coverage: u8) {
    let t = &m.time_to_cash_days;
    let w = &m.withdrawn_by_day;
    if !m.enough_followup && m.credited > 0 {
        let _ = writeln!(
            out,
            "{name:<32} {:>9} {:>9} {:>11} {:>8} not enough follow-up to judge (under {min_coverage} %)",
            m.credited,
            m.withdrawn,
            m.unwithdrawn,
            pct(m.coverage.share),
        );
        return;
    }
    let _ = writeln!(
        out,
        "{name:<32} {:>9} {:>9} {:>11} {:>8} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7} {:>7}",
        m.credited,
        m.withdrawn,
        m.unwithdrawn,
        pct(m.coverage.share),
        days(t.median),
        days(t.p75),
        days(t.p90),
        pct(w.day1),
        pct(w.day3),
        pct(w.day7),
        pct(w.day30)
    );
}

pub fn metrics(r: &MetricsReport) -> String {
    let mut out = format!(
        "Time to cash as of {} (days from credit to first withdrawal; an unwithdrawn payment censored at \
         the last day its status is known; coverage: share of statuses known a week after credit)\n",
        r.as_of
    );
    let _ = writeln!(
        out,
        "{:<32} {:>9} {:>9} {:>11} {:>8} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7} {:>7}",
        "segment",
        "credited",
        "withdrawn",
        "unwithdrawn",
        "coverage",
        "median",
        "p75",
        "p90",
        "≤1d",
        "≤3d",
        "≤7d",
        "≤30d"
    );
    line(&mut out, "all", &r.overall.time_to_cash, r.min_coverage);
    for s in r.segments.iter().flatten() {
        let name: String = s.label.chars().take(32).collect();
        match &s.indicators {
            Some(i) => line(&mut out, &name, &i.time_to_cash, r.min_coverage),
            None => {
                let _ = writeln!(out, "{name:<32} too few to judge ({} payments)", s.size);
            }
        }
    }
    let o = &r.overall;
    let _ = writeln!(
        out,
        "\npayments issued {} · failed {} · on-time credit {} · full at first visit {} · unwithdrawn at cycle end {}",
        o.payments,
        pct(o.failed_transfers.share.share),
        pct(o.on_time_credit.share),
        pct(o.full_first_visit.share),
        pct(o.unwithdrawn_at_cycle_end.share)
    );
    let _ = writeln!(
        out,
        "dormant accounts {} of {} · grievances {} · verified receipt {}",
        o.dormant_accounts.dormant,
        o.dormant_accounts.opened,
        o.grievances.count,
        pct(o.verified_receipt.share)
    );
    for w in &r.worst_wards {
        let _ = writeln!(out, "slowest ward: {} (median {} days)", w.label, days(w.median_days));
    }
    out
}
