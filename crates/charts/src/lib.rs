//! SVG charts of the ansinh indicators, drawn with plotters' SVG backend.
//!
//! The SVG backend writes plain `<text>` elements with a `font-family` attribute, so the
//! webview lays the text out with the app's bundled font: no font file is read here, and the
//! `ttf` / font-kit features (system font lookup) stay off. Text is real UTF-8, so Vietnamese
//! diacritics survive as typed.
//!
//! Plotters only guesses text widths from the byte length (its "naive" font), which is wrong for
//! Vietnamese; everything here is therefore placed with SVG anchors (start / middle) and never
//! relies on a measured width.
#![forbid(unsafe_code)]

use ansinh_core::indicators::{CURVE_LAST_DAY, CurvePoint, Metrics};
use ansinh_core::segments::{MetricsReport, Segment};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::fmt;
use std::str::FromStr;

pub mod panels;
pub mod png;

/// Size of the time-to-cash chart, in SVG user units (the webview scales it with `viewBox`).
pub const WIDTH: u32 = 900;
pub const HEIGHT: u32 = 420;
/// At most this many segment curves: more would be unreadable; the rest are counted in the legend.
pub const MAX_SEGMENTS: usize = 8;

/// The app bundles Be Vietnam Pro; the fallbacks also carry Vietnamese glyphs.
pub(crate) const FONT: &str = "Be Vietnam Pro, Noto Sans, sans-serif";
/// Days with a dashed marker: the indicator's "withdrawn by day 1, 3, 7" (30 is the right edge).
const MARKER_DAYS: [i32; 3] = [1, 3, 7];
/// Ticks on the day axis: the marked days, then weekly.
const DAY_TICKS: [i32; 7] = [0, 1, 3, 7, 14, 21, 30];
/// Legend column on the right, so long segment names never cover a curve.
const LEGEND_WIDTH: u32 = 262;
const LEGEND_LABEL_CHARS: usize = 28;
const HEADER_HEIGHT: u32 = 62;

const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);
/// The overall curve when it is the only one.
const SOLO: RGBColor = RGBColor(0x1F, 0x77, 0xB4);
/// Segment colours (Tableau 10 without its grey and olive, which read as "the total").
const PALETTE: [RGBColor; MAX_SEGMENTS] = [
    RGBColor(0x1F, 0x77, 0xB4),
    RGBColor(0xFF, 0x7F, 0x0E),
    RGBColor(0x2C, 0xA0, 0x2C),
    RGBColor(0xD6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xBD),
    RGBColor(0x8C, 0x56, 0x4B),
    RGBColor(0xE3, 0x77, 0xC2),
    RGBColor(0x17, 0xBE, 0xCF),
];

/// Language of the chart's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Vi,
    En,
}

/// A language code other than "vi" / "en".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLang(pub String);

impl fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown language {:?} (expected \"vi\" or \"en\")", self.0)
    }
}

impl std::error::Error for UnknownLang {}

impl FromStr for Lang {
    type Err = UnknownLang;

    /// "vi" or "en", any case; a region suffix ("vi-VN", "en_US") is ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s.trim().split(['-', '_']).next().unwrap_or("");
        match primary.to_ascii_lowercase().as_str() {
            "vi" => Ok(Lang::Vi),
            "en" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn pick<T>(self, vi: T, en: T) -> T {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    /// Vietnamese groups thousands with ".", English with ",".
    fn count(self, n: u64) -> String {
        let sep = self.pick(".", ",");
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(c);
        }
        out
    }

    fn payments(self, n: u64) -> String {
        match (self, n) {
            (Lang::Vi, _) => format!("{} khoản chi trả", self.count(n)),
            (Lang::En, 1) => "1 payment".to_string(),
            (Lang::En, _) => format!("{} payments", self.count(n)),
        }
    }

    fn median(self, days: Option<i64>) -> String {
        match (self, days) {
            (Lang::Vi, None) => "chưa đạt trung vị".to_string(),
            (Lang::Vi, Some(0)) => "trung vị: trong ngày".to_string(),
            (Lang::Vi, Some(d)) => format!("trung vị {d} ngày"),
            (Lang::En, None) => "median not reached yet".to_string(),
            (Lang::En, Some(0)) => "median: same day".to_string(),
            (Lang::En, Some(1)) => "median 1 day".to_string(),
            (Lang::En, Some(d)) => format!("median {d} days"),
        }
    }

    /// `as_of` is ISO; Vietnamese readers expect dd/mm/yyyy.
    fn as_of(self, iso: &str) -> String {
        match (self, iso.split('-').collect::<Vec<_>>().as_slice()) {
            (Lang::Vi, [y, m, d]) => format!("Số liệu đến ngày {d}/{m}/{y}"),
            (Lang::Vi, _) => format!("Số liệu đến ngày {iso}"),
            (Lang::En, _) => format!("As of {iso}"),
        }
    }

    fn hidden(self, n: usize) -> String {
        match self {
            Lang::Vi => format!("+ {n} nhóm khác không hiển thị"),
            Lang::En if n == 1 => "+ 1 more segment not shown".to_string(),
            Lang::En => format!("+ {n} more segments not shown"),
        }
    }
}

/// One curve to draw and its legend entry.
struct Series<'a> {
    label: String,
    color: RGBColor,
    width: u32,
    metrics: &'a Metrics,
}

/// The time-to-cash chart: cumulative % of credited payments withdrawn by day 0..30
/// (Kaplan-Meier, so still-unwithdrawn payments count until they are censored), overall and,
/// when the report has segments, one curve per segment (the [`MAX_SEGMENTS`] with the most
/// credited payments, in the report's order).
///
/// `labels(key)` names a segment in the UI language; an empty answer, or the key echoed back,
/// falls back to the segment's own label.
pub fn time_to_cash_svg(report: &MetricsReport, lang: Lang, labels: &dyn Fn(&str) -> String) -> String {
    let mut svg = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, report, lang, labels).and_then(|()| root.present())
    };
    match drawn {
        Ok(()) => svg,
        // Drawing into a String has no I/O to fail; should plotters still refuse, show the
        // title rather than nothing or a panic in the app.
        Err(_) => fallback_svg(lang.pick(TITLE.0, TITLE.1)),
    }
}

const TITLE: (&str, &str) = ("Thời gian đến khi nhận tiền", "Time to cash");

type DrawResult<E> = Result<(), DrawingAreaErrorKind<E>>;

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &MetricsReport,
    lang: Lang,
    labels: &dyn Fn(&str) -> String,
) -> DrawResult<DB::ErrorType> {
    root.fill(&WHITE)?;
    let overall = &report.overall.time_to_cash;
    let empty = overall.credited == 0 || overall.curve.is_empty();

    // Header: title, then what the figures cover.
    let mut subtitle = lang.as_of(&report.as_of);
    if !empty {
        subtitle = format!(
            "{subtitle} · {} · {}",
            lang.payments(overall.credited),
            lang.median(overall.time_to_cash_days.median)
        );
    }
    root.draw(&Text::new(lang.pick(TITLE.0, TITLE.1), (20, 14), styled(20, INK, FontStyle::Bold)))?;
    root.draw(&Text::new(subtitle, (20, 40), text(13, MUTED)))?;
    let (_, body) = root.split_vertically(HEADER_HEIGHT);

    if empty {
        // A flat line at 0 % would claim "nobody withdrew"; say there is nothing yet instead.
        let (w, h) = body.dim_in_pixel();
        let centre = Pos::new(HPos::Center, VPos::Center);
        // Credited payments but no curve: too little follow-up to draw one (core censoring.rs).
        let message = if overall.credited > 0 && !overall.enough_followup {
            lang.pick("Chưa đủ thông tin theo dõi để đánh giá", "Not enough follow-up to judge")
        } else {
            lang.pick("Chưa có khoản chi trả nào", "No credited payments yet")
        };
        body.draw(&Text::new(message, (w as i32 / 2, h as i32 / 2), text(16, MUTED).pos(centre)))?;
        return Ok(());
    }

    let (series, hidden) = series(report, lang, labels);
    if series.len() == 1 {
        // One curve: the subtitle already gives its count and median, so no legend.
        return draw_curves(&body, &series, lang);
    }
    let (plot, legend) = body.split_horizontally(WIDTH - LEGEND_WIDTH);
    draw_curves(&plot, &series, lang)?;
    draw_legend(&legend, &series, hidden, lang)
}

/// The overall curve first, then the largest segments.
fn series<'a>(report: &'a MetricsReport, lang: Lang, labels: &dyn Fn(&str) -> String) -> (Vec<Series<'a>>, usize) {
    let segments: Vec<(&Segment, &Metrics)> = report
        .segments
        .iter()
        .flatten()
        .filter_map(|s| Some((s, &s.indicators.as_ref()?.time_to_cash)))
        .filter(|(_, m)| !m.curve.is_empty())
        .collect();
    // Keep the 8 biggest but show them in the report's own order (age bands stay in order).
    let mut by_size: Vec<usize> = (0..segments.len()).collect();
    by_size.sort_by_key(|&i| std::cmp::Reverse(segments[i].1.credited));
    let mut shown: Vec<usize> = by_size.into_iter().take(MAX_SEGMENTS).collect();
    shown.sort_unstable();

    let mut out = vec![Series {
        label: lang.pick("Toàn bộ", "Overall").to_string(),
        color: if shown.is_empty() { SOLO } else { INK },
        width: 3,
        metrics: &report.overall.time_to_cash,
    }];
    for (colour, i) in PALETTE.iter().zip(&shown) {
        let (s, m) = segments[*i];
        let named = labels(&s.key);
        let label = if named.trim().is_empty() || named == s.key { s.label.clone() } else { named };
        out.push(Series { label, color: *colour, width: 2, metrics: m });
    }
    (out, segments.len() - shown.len())
}

fn draw_curves<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[Series],
    lang: Lang,
) -> DrawResult<DB::ErrorType> {
    // Integer days: plotters only takes custom ticks on an axis it can format itself.
    let days = (0..CURVE_LAST_DAY as i32).with_key_points(DAY_TICKS.to_vec());
    let mut chart = ChartBuilder::on(area)
        .margin_top(8)
        .margin_left(8)
        .margin_right(16)
        .margin_bottom(4)
        .x_label_area_size(46)
        .y_label_area_size(58)
        .build_cartesian_2d(days, 0.0..100.0)?;

    let pct_label = |p: &f64| format!("{p:.0}%");
    chart
        .configure_mesh()
        // Vertical lines come from the day markers below; horizontal ones every 20 %.
        .disable_x_mesh()
        .y_labels(6)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .label_style(text(12, MUTED))
        .axis_desc_style(text(13, INK))
        .x_desc(lang.pick("Số ngày kể từ khi nhận tiền vào tài khoản", "Days since credit"))
        .y_desc(lang.pick("% đã rút", "% withdrawn"))
        .y_label_formatter(&pct_label)
        .draw()?;

    for day in MARKER_DAYS {
        chart.draw_series(DashedLineSeries::new([(day, 0.0), (day, 100.0)], 4, 4, MUTED.mix(0.6).stroke_width(1)))?;
    }
    // Segments first, the overall curve last so it stays visible where they cross.
    for s in series.iter().skip(1).chain(series.first()) {
        let style = s.color.stroke_width(s.width);
        chart.draw_series(LineSeries::new(steps(&s.metrics.curve), style))?;
        // A dot where the curve ends: it stops before day 30 when follow-up is still short.
        if let Some(p) = s.metrics.curve.last() {
            chart.draw_series([Circle::new((p.day as i32, share(p)), 3, s.color.filled())])?;
        }
    }
    Ok(())
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    series: &[Series],
    hidden: usize,
    lang: Lang,
) -> DrawResult<DB::ErrorType> {
    let (x, mut y) = (8, 14);
    for s in series {
        area.draw(&PathElement::new([(x, y), (x + 24, y)], s.color.stroke_width(s.width + 1)))?;
        area.draw(&Text::new(shorten(&s.label), (x + 32, y), text(13, INK).pos(Pos::new(HPos::Left, VPos::Center))))?;
        let detail =
            format!("{} · {}", lang.payments(s.metrics.credited), lang.median(s.metrics.time_to_cash_days.median));
        area.draw(&Text::new(detail, (x + 32, y + 15), text(11, MUTED).pos(Pos::new(HPos::Left, VPos::Center))))?;
        y += 36;
    }
    if hidden > 0 {
        area.draw(&Text::new(lang.hidden(hidden), (x, y), text(11, MUTED).pos(Pos::new(HPos::Left, VPos::Center))))?;
    }
    Ok(())
}

/// The Kaplan-Meier curve as steps: the share withdrawn by day d holds until day d + 1, so
/// joining the daily points with slopes would invent withdrawals between days.
fn steps(curve: &[CurvePoint]) -> Vec<(i32, f64)> {
    let mut points = Vec::with_capacity(curve.len() * 2);
    let mut previous = 0.0;
    for p in curve {
        let (day, y) = (p.day as i32, share(p));
        points.push((day, previous));
        points.push((day, y));
        previous = y;
    }
    points
}

fn share(p: &CurvePoint) -> f64 {
    (p.withdrawn * 100.0).clamp(0.0, 100.0)
}

pub(crate) fn text(size: u32, color: RGBColor) -> TextStyle<'static> {
    styled(size, color, FontStyle::Normal)
}

/// `size` in pixels: the SVG backend writes `font-size` as the given size / 1.24, so scale up.
fn styled(size: u32, color: RGBColor, style: FontStyle) -> TextStyle<'static> {
    (FontFamily::Name(FONT), size as f64 * 1.24, style).into_font().color(&color)
}

/// Legend labels are cut by characters (not bytes) so a diacritic is never split.
fn shorten(label: &str) -> String {
    if label.chars().count() <= LEGEND_LABEL_CHARS {
        return label.to_string();
    }
    let mut cut: String = label.chars().take(LEGEND_LABEL_CHARS - 1).collect();
    cut.push('…');
    cut
}

pub(crate) fn fallback_svg(title: &str) -> String {
    let title = title.replace('&', "&amp;").replace('<', "&lt;");
    format!(
        r#"<svg width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg"><text x="20" y="34" font-family="{FONT}" font-size="16">{title}</text></svg>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ansinh_core::indicators::{Quantiles, WithdrawnByDay};
    use ansinh_core::measures::Indicators;

    /// A curve where a share `rate` of the still-unwithdrawn payments withdraws each day,
    /// followed for `days` days.
    fn metrics(credited: u64, rate: f64, days: i64) -> Metrics {
        let curve: Vec<CurvePoint> =
            (0..=days).map(|day| CurvePoint { day, withdrawn: 1.0 - (1.0 - rate).powi(day as i32 + 1) }).collect();
        let median = curve.iter().find(|p| p.withdrawn >= 0.5).map(|p| p.day);
        Metrics {
            credited,
            withdrawn: credited / 2,
            unwithdrawn: credited - credited / 2,
            time_to_cash_days: Quantiles { median, p75: None, p90: None },
            withdrawn_by_day: WithdrawnByDay::default(),
            curve,
            coverage: Default::default(),
            enough_followup: true,
        }
    }

    fn report(segments: Option<Vec<Segment>>) -> MetricsReport {
        report_of(metrics(1234, 0.2, 30), segments)
    }

    fn report_of(overall: Metrics, segments: Option<Vec<Segment>>) -> MetricsReport {
        MetricsReport {
            as_of: "2026-01-31".into(),
            min_segment_payments: 10,
            min_coverage: 60,
            overall: Indicators { time_to_cash: overall, ..Indicators::default() },
            by: vec![],
            segments,
            worst_wards: vec![],
            worst_groups: vec![],
        }
    }

    fn segment(key: &str, label: &str, credited: u64) -> Segment {
        Segment {
            key: key.into(),
            label: label.into(),
            keys: vec![key.into()],
            size: credited,
            too_few: false,
            indicators: Some(Indicators {
                time_to_cash: metrics(credited, 0.05 + credited as f64 / 1000.0, 30),
                ..Indicators::default()
            }),
        }
    }

    fn no_labels(_: &str) -> String {
        String::new()
    }

    /// Curves are the polylines with more than two points (axes, ticks, dashes and legend
    /// swatches are single segments).
    fn curves(svg: &str) -> usize {
        svg.split("<polyline")
            .skip(1)
            .filter(|p| {
                p.split("points=\"")
                    .nth(1)
                    .and_then(|pts| pts.split('"').next())
                    .is_some_and(|pts| pts.split_whitespace().count() > 2)
            })
            .count()
    }

    fn assert_well_formed(svg: &str) {
        assert!(svg.starts_with("<svg"), "{}", &svg[..60.min(svg.len())]);
        assert_eq!(svg.matches("<svg").count(), 1);
        assert_eq!(svg.matches("</svg>").count(), 1);
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
        assert!(svg.contains(r#"font-family="Be Vietnam Pro, Noto Sans, sans-serif""#));
    }

    #[test]
    fn vietnamese_overall_chart() {
        let svg = time_to_cash_svg(&report(None), Lang::Vi, &no_labels);
        assert_well_formed(&svg);
        for s in [
            "Thời gian đến khi nhận tiền",
            "Số ngày kể từ khi nhận tiền vào tài khoản",
            "% đã rút",
            "Số liệu đến ngày 31/01/2026",
            "1.234 khoản chi trả",
            "trung vị 3 ngày",
            "100%",
        ] {
            assert!(svg.contains(s), "missing {s:?}");
        }
        assert_eq!(curves(&svg), 1);
    }

    #[test]
    fn english_chart_with_segments() {
        let segs = vec![segment("ba_dinh", "Phường Ba Đình", 300), segment("hoan_kiem", "Phường Hoàn Kiếm", 200)];
        let labels = |k: &str| {
            if k == "ba_dinh" { "Ba Dinh ward".to_string() } else { k.to_string() }
        };
        let svg = time_to_cash_svg(&report(Some(segs)), Lang::En, &labels);
        assert_well_formed(&svg);
        for s in ["Time to cash", "Days since credit", "% withdrawn", "As of 2026-01-31", "1,234 payments", "Overall"] {
            assert!(svg.contains(s), "missing {s:?}");
        }
        assert!(svg.contains("Ba Dinh ward"));
        // The key echoed back by `labels` falls back to the segment's own label.
        assert!(svg.contains("Phường Hoàn Kiếm"));
        assert!(!svg.contains("Thời gian"));
        assert_eq!(curves(&svg), 3);
    }

    #[test]
    fn segment_labels_keep_their_diacritics_and_are_escaped() {
        let segs = vec![segment("00004", "Phường Ba Đình", 10), segment("x", "Nhóm <A & B>", 5)];
        let svg = time_to_cash_svg(&report(Some(segs)), Lang::Vi, &no_labels);
        assert_well_formed(&svg);
        // The whole text element's content, as the webview will shape it.
        assert!(svg.contains(">\nPhường Ba Đình\n</text>"));
        assert!(svg.contains(">\nToàn bộ\n</text>"));
        assert!(svg.contains("Nhóm &lt;A &amp; B&gt;") && !svg.contains("<A &"));
        assert_eq!(curves(&svg), 3);
    }

    #[test]
    fn fallback_is_a_valid_svg() {
        let svg = fallback_svg("Thời gian đến khi nhận tiền");
        assert_well_formed(&svg);
        assert!(svg.contains("Thời gian đến khi nhận tiền"));
    }

    #[test]
    fn empty_report_says_so() {
        for (lang, message) in [(Lang::Vi, "Chưa có khoản chi trả nào"), (Lang::En, "No credited payments yet")]
        {
            let empty = report_of(Metrics::default(), None);
            let svg = time_to_cash_svg(&empty, lang, &no_labels);
            assert_well_formed(&svg);
            assert!(svg.contains(message));
            assert!(!svg.contains("<polyline"));
        }
    }

    #[test]
    fn low_coverage_says_so_instead_of_a_curve() {
        let hidden = Metrics { credited: 40, withdrawn: 10, unwithdrawn: 30, ..Metrics::default() };
        let svg = time_to_cash_svg(&report_of(hidden, None), Lang::Vi, &no_labels);
        assert_well_formed(&svg);
        assert!(svg.contains("Chưa đủ thông tin theo dõi để đánh giá"), "{svg}");
        assert!(!svg.contains("<polyline"));
    }

    #[test]
    fn at_most_eight_segments_the_largest() {
        // Credited 10, 20, ... 100: the two smallest (A, B) are left out.
        let segs: Vec<Segment> = (0..10)
            .map(|i| segment(&format!("k{i}"), &format!("Nhóm {}", (b'A' + i) as char), 10 * (i as u64 + 1)))
            .collect();
        let svg = time_to_cash_svg(&report(Some(segs)), Lang::Vi, &no_labels);
        assert_well_formed(&svg);
        assert_eq!(curves(&svg), 1 + MAX_SEGMENTS);
        assert!(!svg.contains("Nhóm A") && !svg.contains("Nhóm B"));
        assert!(svg.contains("Nhóm C") && svg.contains("Nhóm J"));
        assert!(svg.contains("+ 2 nhóm khác không hiển thị"));
        // Every shown segment has its own colour.
        for c in PALETTE {
            assert!(svg.contains(&format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)));
        }
    }

    #[test]
    fn curve_is_a_step_function_and_stops_with_follow_up() {
        let curve = [CurvePoint { day: 0, withdrawn: 0.25 }, CurvePoint { day: 1, withdrawn: 0.5 }];
        assert_eq!(steps(&curve), vec![(0, 0.0), (0, 25.0), (1, 25.0), (1, 50.0)]);
    }

    #[test]
    fn lang_parses_codes() {
        assert_eq!("vi".parse(), Ok(Lang::Vi));
        assert_eq!("EN".parse(), Ok(Lang::En));
        assert_eq!("vi-VN".parse(), Ok(Lang::Vi));
        assert!("fr".parse::<Lang>().is_err());
        assert_eq!(Lang::Vi.code(), "vi");
    }

    #[test]
    fn helpers() {
        assert_eq!(Lang::Vi.count(1234567), "1.234.567");
        assert_eq!(Lang::En.count(999), "999");
        assert_eq!(shorten("Phường Ba Đình"), "Phường Ba Đình");
        let long = "Người cao tuổi sống một mình không có điện thoại";
        assert_eq!(shorten(long).chars().count(), LEGEND_LABEL_CHARS);
        assert!(shorten(long).ends_with('…'));
    }
}
