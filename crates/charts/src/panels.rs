//! The dashboard's and the monthly report's other charts, drawn once for any plotters backend:
//! SVG for the app, PNG (with the bundled font, [`crate::png`]) for exports.
//!
//! - time to cash by ward: sorted bars of the median with a P75–P90 whisker;
//! - trend per cycle: % withdrawn within 3 days per cycle, the median written on each point;
//! - age band × channel heat table of % withdrawn within 3 days;
//! - convenience panel: travel and waiting minutes (median) and % assisted per segment.
//!
//! Only primitives (rectangles, lines, anchored text) are used, so layout never depends on a
//! backend's text measuring. Segments too small to judge are drawn as "too few to judge".

use crate::{Lang, text};
use ansinh_core::measures::Indicators;
use ansinh_core::segments::Segment;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub const PANEL_WIDTH: u32 = 900;
const TOP: i32 = 56;
const ROW: i32 = 30;
const LABEL_W: i32 = 260;
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
const BAR: RGBColor = RGBColor(0x1F, 0x77, 0xB4);
const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

/// Which chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    WardBars,
    Trend,
    Heat,
    Convenience,
}

impl Panel {
    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            Panel::WardBars => lang.pick(
                "Thời gian đến khi nhận tiền theo xã/phường (trung vị, P75–P90)",
                "Time to cash by ward (median, P75–P90)",
            ),
            Panel::Trend => {
                lang.pick("Xu hướng theo kỳ: % đã rút trong 3 ngày", "Trend per cycle: % withdrawn within 3 days")
            }
            Panel::Heat => {
                lang.pick("% đã rút trong 3 ngày: nhóm tuổi × kênh", "% withdrawn within 3 days: age band × channel")
            }
            Panel::Convenience => lang.pick(
                "Thuận tiện: thời gian đi lại, chờ đợi, rút có hỗ trợ",
                "Convenience: travel, waiting, assisted withdrawals",
            ),
        }
    }

    /// Height for `n` segments.
    pub fn height(self, segments: &[Segment]) -> u32 {
        let rows = match self {
            Panel::Trend => 10,
            Panel::Heat => distinct(segments, 0).len() + 1,
            _ => segments.len().max(1),
        };
        (TOP + 24 + ROW * rows as i32 + 20) as u32
    }
}

pub type DrawResult<E> = Result<(), DrawingAreaErrorKind<E>>;

fn anchored(size: u32, color: RGBColor, h: HPos) -> TextStyle<'static> {
    text(size, color).pos(Pos::new(h, VPos::Center))
}

fn figures(s: &Segment) -> Option<&Indicators> {
    s.indicators.as_ref()
}

/// Values of dimension `i` in first-seen order.
fn distinct(segments: &[Segment], i: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in segments {
        if let Some(k) = s.keys.get(i)
            && !out.contains(k)
        {
            out.push(k.clone());
        }
    }
    out
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{:.0} %", v * 100.0))
}

fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        label.chars().take(max - 1).collect::<String>() + "…"
    }
}

/// Age band and channel codes named in the chart's language.
pub fn code_name(code: &str, lang: Lang) -> String {
    let (vi, en) = match code {
        "under_16" => ("Dưới 16", "Under 16"),
        "16_59" => ("16–59", "16–59"),
        "60_74" => ("60–74", "60–74"),
        "75_79" => ("75–79", "75–79"),
        "80_plus" => ("Từ 80", "80+"),
        "bank" => ("Ngân hàng", "Bank"),
        "ewallet" => ("Ví điện tử", "E-wallet"),
        "mobile_money" => ("Mobile Money", "Mobile Money"),
        "vneid" => ("VNeID", "VNeID"),
        "cash" => ("Tiền mặt", "Cash"),
        _ => return code.to_string(),
    };
    lang.pick(vi, en).to_string()
}

/// Draws `panel` of `segments` on `root` (sized by [`Panel::height`]).
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panel: Panel,
    segments: &[Segment],
    lang: Lang,
) -> DrawResult<DB::ErrorType> {
    root.fill(&WHITE)?;
    root.draw(&Text::new(panel.title(lang), (20, 14), text(19, INK)))?;
    if segments.is_empty() {
        let msg = lang.pick("Chưa có số liệu", "No data yet");
        root.draw(&Text::new(msg, (20, TOP), text(15, MUTED)))?;
        return Ok(());
    }
    match panel {
        Panel::WardBars => ward_bars(root, segments, lang),
        Panel::Trend => trend(root, segments, lang),
        Panel::Heat => heat(root, segments, lang),
        Panel::Convenience => convenience(root, segments, lang),
    }
}

fn too_few<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, x: i32, y: i32, lang: Lang) -> DrawResult<DB::ErrorType> {
    root.draw(&Text::new(lang.pick("quá ít để đánh giá", "too few to judge"), (x, y), anchored(13, MUTED, HPos::Left)))
}

fn ward_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    segments: &[Segment],
    lang: Lang,
) -> DrawResult<DB::ErrorType> {
    // Slowest first: no median yet (fewer than half withdrawn) before the highest median.
    let mut rows: Vec<&Segment> = segments.iter().collect();
    let rank = |s: &Segment| match figures(s) {
        None => -2,
        Some(i) if !i.time_to_cash.enough_followup => -1,
        Some(i) => i.time_to_cash.time_to_cash_days.median.unwrap_or(i64::MAX),
    };
    rows.sort_by_key(|s| std::cmp::Reverse(rank(s)));
    let max_day = rows
        .iter()
        .filter_map(|s| figures(s))
        .filter_map(|i| i.time_to_cash.time_to_cash_days.p90.or(i.time_to_cash.time_to_cash_days.median))
        .max()
        .unwrap_or(1)
        .clamp(1, 60) as f64;
    let (x0, x1) = (LABEL_W + 10, PANEL_WIDTH as i32 - 90);
    let x = |d: f64| x0 + ((d.min(max_day) / max_day) * f64::from(x1 - x0)) as i32;
    root.draw(&Text::new(lang.pick("ngày", "days"), (x1 + 10, TOP), anchored(12, MUTED, HPos::Left)))?;
    for (i, s) in rows.iter().enumerate() {
        let y = TOP + 24 + ROW * i as i32;
        root.draw(&Text::new(short(&s.label, 30), (20, y), anchored(13, INK, HPos::Left)))?;
        let Some(f) = figures(s) else {
            too_few(root, x0, y, lang)?;
            continue;
        };
        if !f.time_to_cash.enough_followup {
            let msg = lang.pick("chưa đủ theo dõi để đánh giá", "not enough follow-up to judge");
            root.draw(&Text::new(msg, (x0, y), anchored(13, MUTED, HPos::Left)))?;
            continue;
        }
        let q = f.time_to_cash.time_to_cash_days;
        match q.median {
            Some(m) => {
                root.draw(&Rectangle::new([(x0, y - 9), (x(m as f64).max(x0 + 2), y + 9)], BAR.filled()))?;
                if let (Some(p75), Some(p90)) = (q.p75, q.p90) {
                    let (a, b) = (x(p75 as f64), x(p90 as f64));
                    root.draw(&PathElement::new(vec![(a, y), (b, y)], INK.stroke_width(2)))?;
                    root.draw(&PathElement::new(vec![(b, y - 6), (b, y + 6)], INK.stroke_width(2)))?;
                }
                let label = lang.pick(format!("{m} ngày"), format!("{m} d"));
                root.draw(&Text::new(label, (x1 + 10, y), anchored(13, INK, HPos::Left)))?;
            }
            None => {
                let msg = lang.pick("chưa đến một nửa đã rút", "fewer than half withdrawn");
                root.draw(&Text::new(msg, (x0, y), anchored(13, RGBColor(0xD6, 0x27, 0x28), HPos::Left)))?;
            }
        }
    }
    Ok(())
}

fn trend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    segments: &[Segment],
    lang: Lang,
) -> DrawResult<DB::ErrorType> {
    let (w, h) = root.dim_in_pixel();
    // Room on the right for the last cycle's centred value label ("68 % · TV 12 ngày").
    let (x0, x1, y0, y1) = (60, w as i32 - 60, TOP + 10, h as i32 - 50);
    for pctl in [0, 25, 50, 75, 100] {
        let y = y1 - (y1 - y0) * pctl / 100;
        root.draw(&PathElement::new(vec![(x0, y), (x1, y)], GRID.stroke_width(1)))?;
        root.draw(&Text::new(format!("{pctl} %"), (x0 - 8, y), anchored(12, MUTED, HPos::Right)))?;
    }
    let n = segments.len() as i32;
    let step = if n > 1 { (x1 - x0) / (n - 1) } else { 0 };
    let mut points = Vec::new();
    for (i, s) in segments.iter().enumerate() {
        let x = if n > 1 { x0 + step * i as i32 } else { (x0 + x1) / 2 };
        let period = s.key.split_once('-').map_or_else(|| s.key.clone(), |(y, m)| format!("{m}/{y}"));
        root.draw(&Text::new(period, (x, y1 + 18), anchored(12, INK, HPos::Center)))?;
        match figures(s) {
            Some(f) => {
                if let Some(v) = f.time_to_cash.withdrawn_by_day.day3 {
                    let y = y1 - ((y1 - y0) as f64 * v) as i32;
                    points.push((x, y));
                    root.draw(&Circle::new((x, y), 4, BAR.filled()))?;
                    let median = f.time_to_cash.time_to_cash_days.median.map_or("–".into(), |m| m.to_string());
                    let label = format!(
                        "{} · {}",
                        pct(Some(v)),
                        lang.pick(format!("TV {median} ngày"), format!("med {median} d"))
                    );
                    root.draw(&Text::new(label, (x, y - 14), anchored(11, INK, HPos::Center)))?;
                }
            }
            None => {
                root.draw(&Text::new(lang.pick("quá ít", "too few"), (x, y1 - 10), anchored(11, MUTED, HPos::Center)))?;
            }
        }
    }
    if points.len() > 1 {
        root.draw(&PathElement::new(points, BAR.stroke_width(2)))?;
    }
    Ok(())
}

/// Light (slow) to dark (fast) blue.
fn shade(v: f64) -> RGBColor {
    let t = v.clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t) as u8;
    RGBColor(mix(0xF1, 0x08), mix(0xF7, 0x51), mix(0xFD, 0x9C))
}

fn heat<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    segments: &[Segment],
    lang: Lang,
) -> DrawResult<DB::ErrorType> {
    let rows = distinct(segments, 0);
    let cols = distinct(segments, 1);
    let (x0, y0) = (170, TOP + 10);
    let cw = ((PANEL_WIDTH as i32 - x0 - 20) / cols.len().max(1) as i32).min(150);
    for (j, c) in cols.iter().enumerate() {
        let x = x0 + cw * j as i32 + cw / 2;
        root.draw(&Text::new(code_name(c, lang), (x, y0), anchored(13, INK, HPos::Center)))?;
    }
    for (i, r) in rows.iter().enumerate() {
        let y = y0 + 14 + ROW * i as i32;
        root.draw(&Text::new(code_name(r, lang), (20, y + ROW / 2), anchored(13, INK, HPos::Left)))?;
        for (j, c) in cols.iter().enumerate() {
            let x = x0 + cw * j as i32;
            let cell = segments.iter().find(|s| s.keys.first() == Some(r) && s.keys.get(1) == Some(c));
            let (fill, label, color) = match cell.map(|s| (s, figures(s))) {
                Some((_, Some(f))) => {
                    let v = f.time_to_cash.withdrawn_by_day.day3;
                    let fill = v.map_or(WHITE, shade);
                    (fill, pct(v), if v.unwrap_or(0.0) > 0.55 { WHITE } else { INK })
                }
                Some((_, None)) => (RGBColor(0xF4, 0xF4, 0xF4), lang.pick("quá ít", "too few").to_string(), MUTED),
                None => (WHITE, "–".to_string(), MUTED),
            };
            root.draw(&Rectangle::new([(x + 1, y + 1), (x + cw - 1, y + ROW - 1)], fill.filled()))?;
            root.draw(&Text::new(label, (x + cw / 2, y + ROW / 2), anchored(12, color, HPos::Center)))?;
        }
    }
    Ok(())
}

fn convenience<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    segments: &[Segment],
    lang: Lang,
) -> DrawResult<DB::ErrorType> {
    let heads = [
        lang.pick("Đi lại (phút, TV)", "Travel (min, median)"),
        lang.pick("Chờ (phút, TV)", "Waiting (min, median)"),
        lang.pick("Chi phí (₫, TV)", "Cost (₫, median)"),
        lang.pick("Có hỗ trợ", "Assisted"),
    ];
    let col = |k: i32| LABEL_W + 20 + k * 150;
    for (k, h) in heads.iter().enumerate() {
        root.draw(&Text::new(*h, (col(k as i32), TOP), anchored(12, MUTED, HPos::Left)))?;
    }
    let num = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |v| format!("{v:.0}"));
    for (i, s) in segments.iter().enumerate() {
        let y = TOP + 24 + ROW * i as i32;
        root.draw(&Text::new(short(&code_name(&s.label, lang), 30), (20, y), anchored(13, INK, HPos::Left)))?;
        let Some(f) = figures(s) else {
            too_few(root, col(0), y, lang)?;
            continue;
        };
        let cells = [
            num(f.travel_minutes.median),
            num(f.waiting_minutes.median),
            num(f.travel_cost_vnd.median),
            pct(f.assisted_withdrawals.share),
        ];
        for (k, c) in cells.into_iter().enumerate() {
            root.draw(&Text::new(c, (col(k as i32), y), anchored(13, INK, HPos::Left)))?;
        }
        if let Some(a) = f.assisted_withdrawals.share {
            let x = col(3) + 50;
            root.draw(&Rectangle::new([(x, y - 6), (x + (a * 80.0) as i32, y + 6)], BAR.filled()))?;
        }
    }
    Ok(())
}

/// The panel as SVG markup (text stays text, laid out by the webview with the app's font).
pub fn panel_svg(panel: Panel, segments: &[Segment], lang: Lang) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (PANEL_WIDTH, panel.height(segments))).into_drawing_area();
        if draw(&root, panel, segments, lang).and_then(|()| root.present()).is_err() {
            drop(root);
            return crate::fallback_svg(panel.title(lang));
        }
    }
    svg
}
