//! The dashboard / report panels: valid SVG with Vietnamese text, PNG that decodes with the
//! bundled font's text drawn.

use ansinh_charts::Lang;
use ansinh_charts::panels::{Panel, panel_svg};
use ansinh_charts::png::{panel_png, time_to_cash_png};
use ansinh_core::indicators::{Metrics, Quantiles, WithdrawnByDay};
use ansinh_core::measures::Indicators;
use ansinh_core::segments::{MetricsReport, Segment};
use ansinh_core::stats::{Share, Stat};

fn seg(keys: &[&str], label: &str, median: Option<i64>, day3: f64) -> Segment {
    let m = Metrics {
        credited: 100,
        withdrawn: 80,
        unwithdrawn: 20,
        time_to_cash_days: Quantiles { median, p75: median.map(|m| m + 3), p90: median.map(|m| m + 8) },
        withdrawn_by_day: WithdrawnByDay {
            day1: Some(day3 / 2.0),
            day3: Some(day3),
            day7: Some(0.8),
            day30: Some(0.9),
        },
        curve: (0..=30)
            .map(|day| ansinh_core::indicators::CurvePoint { day, withdrawn: (day as f64 / 40.0).min(0.9) })
            .collect(),
        coverage: ansinh_core::indicators::Coverage { of: 100, known: 90, share: Some(0.9) },
        enough_followup: true,
    };
    Segment {
        key: keys.join("/"),
        keys: keys.iter().map(|k| k.to_string()).collect(),
        label: label.into(),
        size: 100,
        too_few: false,
        indicators: Some(Indicators {
            time_to_cash: m,
            travel_minutes: Stat { n: 50, mean: Some(20.0), median: Some(15.0) },
            waiting_minutes: Stat { n: 50, mean: Some(12.0), median: Some(10.0) },
            assisted_withdrawals: Share { n: 80, count: 20, share: Some(0.25) },
            ..Indicators::default()
        }),
    }
}

fn small(keys: &[&str], label: &str) -> Segment {
    Segment {
        key: keys.join("/"),
        keys: keys.iter().map(|k| k.to_string()).collect(),
        label: label.into(),
        size: 3,
        too_few: true,
        indicators: None,
    }
}

fn wards() -> Vec<Segment> {
    vec![
        seg(&["00004"], "Phường Trúc Bạch", Some(2), 0.7),
        seg(&["00006"], "Phường Hoàn Kiếm", Some(9), 0.3),
        seg(&["00008"], "Phường Ngọc Hà", None, 0.1),
        small(&["00010"], "Phường Cửa Nam"),
    ]
}

fn well_formed(svg: &str) {
    assert!(svg.trim_start().starts_with("<svg") || svg.trim_start().starts_with("<?xml"), "{}", &svg[..60]);
    assert!(svg.trim_end().ends_with("</svg>"));
    // Every opened text element is closed.
    assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
}

#[test]
fn ward_bars_are_sorted_slowest_first_with_vietnamese_labels() {
    let svg = panel_svg(Panel::WardBars, &wards(), Lang::Vi);
    well_formed(&svg);
    assert!(svg.contains("Thời gian đến khi nhận tiền theo xã/phường"));
    let pos = |s: &str| svg.find(s).unwrap_or_else(|| panic!("{s} missing"));
    // No median yet, then 9 days, then 2 days; too few at the end.
    assert!(pos("Phường Ngọc Hà") < pos("Phường Hoàn Kiếm"));
    assert!(pos("Phường Hoàn Kiếm") < pos("Phường Trúc Bạch"));
    assert!(svg.contains("chưa đến một nửa đã rút"));
    assert!(svg.contains("quá ít để đánh giá"));
    assert!(svg.contains("9 ngày"));
    let en = panel_svg(Panel::WardBars, &wards(), Lang::En);
    assert!(en.contains("too few to judge") && en.contains("Phường Hoàn Kiếm"));
}

#[test]
fn trend_heat_and_convenience_panels() {
    let cycles = vec![
        seg(&["2026-08"], "2026-08", Some(3), 0.5),
        seg(&["2026-09"], "2026-09", Some(2), 0.62),
        small(&["2026-10"], "2026-10"),
    ];
    let svg = panel_svg(Panel::Trend, &cycles, Lang::Vi);
    well_formed(&svg);
    assert!(svg.contains("09/2026") && svg.contains("62 %") && svg.contains("quá ít"));

    let heat = vec![
        seg(&["60_74", "bank"], "", Some(2), 0.7),
        seg(&["60_74", "cash"], "", Some(4), 0.4),
        seg(&["80_plus", "bank"], "", Some(6), 0.2),
        small(&["80_plus", "cash"], ""),
    ];
    let svg = panel_svg(Panel::Heat, &heat, Lang::Vi);
    well_formed(&svg);
    for s in ["Từ 80", "Tiền mặt", "Ngân hàng", "70 %", "quá ít"] {
        assert!(svg.contains(s), "{s}");
    }
    assert_eq!(svg.matches("<rect").count(), 1 + 4, "background and one cell per combination");

    let svg = panel_svg(Panel::Convenience, &wards(), Lang::Vi);
    well_formed(&svg);
    assert!(svg.contains("Đi lại (phút, TV)") && svg.contains("25 %") && svg.contains("15"));
    assert!(panel_svg(Panel::Convenience, &[], Lang::Vi).contains("Chưa có số liệu"));
}

/// Decodes a PNG and returns (width, height, share of non-white pixels in the given box).
fn decode(bytes: &[u8], region: (u32, u32, u32, u32)) -> (u32, u32, f64) {
    let dec = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let (x0, y0, x1, y1) = region;
    let mut ink = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            let i = ((y * info.width + x) * 3) as usize;
            if buf[i..i + 3] != [255, 255, 255] {
                ink += 1;
            }
        }
    }
    (info.width, info.height, f64::from(ink) / f64::from((x1 - x0) * (y1 - y0)))
}

#[test]
fn png_decodes_and_the_bundled_font_draws_text() {
    let bytes = panel_png(Panel::WardBars, &wards(), Lang::Vi).unwrap();
    assert!(bytes.len() > 2000, "{} bytes", bytes.len());
    // The title and the ward names are text: the label column must carry ink.
    let (w, h, title_ink) = decode(&bytes, (20, 10, 500, 40));
    assert_eq!((w, h), (900, Panel::WardBars.height(&wards())));
    assert!(title_ink > 0.02, "title drawn ({title_ink})");
    let (_, _, label_ink) = decode(&bytes, (20, 70, 250, 90));
    assert!(label_ink > 0.02, "first ward name drawn ({label_ink})");

    let report = MetricsReport {
        as_of: "2026-10-20".into(),
        min_segment_payments: 10,
        min_coverage: 60,
        overall: wards()[0].indicators.clone().unwrap(),
        by: vec![],
        segments: None,
        worst_wards: vec![],
        worst_groups: vec![],
    };
    let bytes = time_to_cash_png(&report, Lang::Vi).unwrap();
    let (w, h, ink) = decode(&bytes, (0, 0, 900, 420));
    assert_eq!((w, h), (900, 420));
    assert!(ink > 0.01 && ink < 0.9, "{ink}");
}

/// Every centred label of the trend panel stays inside the panel: the last cycle's value label
/// ("62 % · TV 2 ngày") was cut at the right edge. A glyph of the bundled font is at most about
/// 0.6 of the font size wide for these labels.
#[test]
fn no_trend_label_is_cut_at_the_edges() {
    let cycles: Vec<Segment> = (1..=12)
        .map(|m| {
            let key = format!("2026-{m:02}");
            seg(&[key.as_str()], &key, Some(12), 0.68)
        })
        .collect();
    let svg = panel_svg(Panel::Trend, &cycles, Lang::Vi);
    let width = ansinh_charts::panels::PANEL_WIDTH as f64;
    let mut checked = 0;
    for text in svg.split("<text").skip(1) {
        let attr = |name: &str| -> Option<f64> {
            let at = text.find(&format!(" {name}=\""))? + name.len() + 3;
            text[at..].split('"').next()?.parse().ok()
        };
        let (Some(x), Some(size)) = (attr("x"), attr("font-size")) else { continue };
        let body = text.split_once('>').map_or("", |(_, b)| b.split('<').next().unwrap_or("").trim());
        let half = 0.6 * size * body.chars().count() as f64 / 2.0;
        if text.contains("text-anchor=\"middle\"") {
            assert!(x - half >= 0.0 && x + half <= width, "{body:?} at x={x} reaches past the panel");
            checked += 1;
        }
    }
    assert!(checked >= 24, "month and value labels found: {checked}");
}
