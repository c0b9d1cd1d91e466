//! Renders a sample time-to-cash chart: `cargo run -p ansinh-charts --example render_ttc -- vi /tmp/ttc.svg`.

use ansinh_charts::{Lang, time_to_cash_svg};
use ansinh_core::indicators::{CurvePoint, Metrics, Quantiles, WithdrawnByDay};
use ansinh_core::measures::Indicators;
use ansinh_core::segments::{MetricsReport, Segment};

/// A plausible curve: a share `rate` of those still waiting withdraws each day, a few never do.
fn metrics(credited: u64, rate: f64, days: i64) -> Metrics {
    let curve: Vec<CurvePoint> =
        (0..=days).map(|day| CurvePoint { day, withdrawn: 0.92 * (1.0 - (1.0 - rate).powi(day as i32 + 1)) }).collect();
    let at = |q: f64| curve.iter().find(|p| p.withdrawn >= q).map(|p| p.day);
    Metrics {
        credited,
        withdrawn: (credited as f64 * curve.last().map_or(0.0, |p| p.withdrawn)) as u64,
        unwithdrawn: 0,
        time_to_cash_days: Quantiles { median: at(0.5), p75: at(0.75), p90: at(0.9) },
        withdrawn_by_day: WithdrawnByDay::default(),
        curve,
        coverage: Default::default(),
        enough_followup: true,
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let lang: Lang = args.next().as_deref().unwrap_or("vi").parse().expect("vi or en");
    let out = args.next().unwrap_or_else(|| "/tmp/ttc.svg".into());
    let wards = [
        ("00004", "Phường Ba Đình", 420, 0.35),
        ("00008", "Phường Ngọc Hà", 380, 0.25),
        ("00070", "Phường Hoàn Kiếm", 350, 0.30),
        ("00082", "Phường Cửa Nam", 300, 0.18),
        ("00256", "Phường Đống Đa", 520, 0.22),
        ("00229", "Phường Văn Miếu - Quốc Tử Giám", 260, 0.12),
        ("00298", "Phường Hai Bà Trưng", 240, 0.08),
        ("00331", "Phường Hoàng Mai", 200, 0.15),
        ("00340", "Phường Tương Mai", 40, 0.05),
    ];
    let segments: Vec<Segment> = wards
        .iter()
        .map(|&(key, label, n, rate)| Segment {
            key: key.into(),
            label: label.into(),
            keys: vec![key.into()],
            size: n,
            too_few: false,
            indicators: Some(Indicators {
                time_to_cash: metrics(n, rate, if n < 250 { 18 } else { 30 }),
                ..Indicators::default()
            }),
        })
        .collect();
    let mut report = MetricsReport {
        as_of: "2026-01-31".into(),
        min_segment_payments: 10,
        min_coverage: 60,
        overall: Indicators {
            time_to_cash: metrics(segments.iter().map(|s| s.size).sum(), 0.2, 30),
            ..Indicators::default()
        },
        by: vec![],
        segments: if std::env::var_os("NO_SEGMENTS").is_some() { None } else { Some(segments) },
        worst_wards: vec![],
        worst_groups: vec![],
    };
    if std::env::var_os("EMPTY").is_some() {
        report.overall = Indicators::default();
        report.segments = None;
    }
    std::fs::write(&out, time_to_cash_svg(&report, lang, &|_| String::new())).expect("write the SVG");
    println!("{out}");
}
