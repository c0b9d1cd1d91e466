//! The monthly indicator report for a ward or the city as an XLSX workbook: one sheet per
//! indicator table, plain values (no formulas), Vietnamese headers. Shares are percentages
//! (0–100, one decimal); segments too small to judge say so instead of giving numbers. The
//! charts (ward bars, age × channel heat table, convenience, trend) are PNG images under their
//! tables.

use crate::sanitise::csv_text;
use crate::xlsx::{Cell, Sheet, SheetImage, export_dir, write_xlsx_with_images};
use ansinh_charts::Lang;
use ansinh_charts::panels::Panel;
use ansinh_core::AppError;
use ansinh_core::dates::AgeBand;
use ansinh_core::measures::Indicators;
use ansinh_core::model::{Channel, SegmentBy};
use ansinh_core::segments::{Filter, Segment, month_number};
use ansinh_core::stats::{Share, Stat};
use ansinh_store::{ExportRecord, Store};
use chrono::NaiveDate;
use std::path::PathBuf;

fn pct(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, |v| Cell::Number((v * 1000.0).round() / 10.0))
}

fn num(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, |v| Cell::Number((v * 10.0).round() / 10.0))
}

fn days(v: Option<i64>) -> Cell {
    v.map_or(Cell::Empty, Cell::from)
}

fn share_row(name: &str, s: &Share) -> Vec<Cell> {
    vec![name.into(), pct(s.share), (s.count as i64).into(), (s.n as i64).into(), Cell::Empty]
}

fn stat_row(name: &str, s: &Stat) -> Vec<Cell> {
    vec![name.into(), num(s.mean), num(s.median), (s.n as i64).into(), Cell::Empty]
}

/// The overall figures, one indicator per row.
pub fn overview_sheet(i: &Indicators) -> Sheet {
    let t = &i.time_to_cash;
    let q = &t.time_to_cash_days;
    let w = &t.withdrawn_by_day;
    let c = |v: u64| Cell::from(v as i64);
    let rows = vec![
        vec!["Khoản chi đã phát hành".into(), c(i.payments), Cell::Empty, Cell::Empty, Cell::Empty],
        vec!["Khoản chi đã về tài khoản".into(), c(t.credited), Cell::Empty, Cell::Empty, Cell::Empty],
        vec!["Khoản chi chưa rút".into(), c(t.unwithdrawn), Cell::Empty, Cell::Empty, Cell::Empty],
        vec![
            "Thời gian đến khi nhận tiền: trung vị / P75 / P90 (ngày)".into(),
            days(q.median),
            days(q.p75),
            days(q.p90),
            Cell::Empty,
        ],
        vec!["Đã rút trong 1 / 3 / 7 / 30 ngày (%)".into(), pct(w.day1), pct(w.day3), pct(w.day7), pct(w.day30)],
        vec![
            // Coverage (core censoring.rs): under the threshold the rows above stay empty.
            "Đã biết tình trạng: số khoản / trong số / %".into(),
            c(t.coverage.known),
            c(t.coverage.of),
            pct(t.coverage.share),
            if t.enough_followup { Cell::Empty } else { "Chưa đủ thông tin theo dõi để đánh giá".into() },
        ],
        share_row("Rút hết ngay lần đầu (%)", &i.full_first_visit),
        share_row("Chưa rút khi kỳ sau về (%)", &i.unwithdrawn_at_cycle_end),
        share_row("Chuyển tiền đúng hạn (%)", &i.on_time_credit),
        share_row("Chuyển tiền lỗi / bị trả lại (%)", &i.failed_transfers.share),
        share_row("Nhận thiếu (%)", &i.partial_delivery),
        stat_row("Thời gian đi lại (phút): TB / trung vị", &i.travel_minutes),
        stat_row("Chi phí đi lại (₫): TB / trung vị", &i.travel_cost_vnd),
        stat_row("Thời gian chờ (phút): TB / trung vị", &i.waiting_minutes),
        share_row("Rút có hỗ trợ (%)", &i.assisted_withdrawals),
        stat_row("Từ mở tài khoản đến lần nhận đầu (ngày): TB / trung vị", &i.account_to_first_payment_days.days),
        vec![
            "Tài khoản “ngủ” / đã mở".into(),
            c(i.dormant_accounts.dormant),
            c(i.dormant_accounts.opened),
            pct(i.dormant_accounts.share),
            Cell::Empty,
        ],
        vec![
            "Phản ánh trên 1.000 khoản chi".into(),
            num(i.grievances.per_1000_payments),
            c(i.grievances.count),
            Cell::Empty,
            Cell::Empty,
        ],
        stat_row("Thời gian giải quyết phản ánh (ngày): TB / trung vị", &i.grievances.resolution_days),
        share_row("Giải quyết phản ánh trong hạn (%)", &i.grievances.within_deadline),
        share_row("Xác minh nhận đủ tiền (%)", &i.verified_receipt),
    ];
    let headers = ["Chỉ số", "Giá trị", "Giá trị 2", "Giá trị 3 / trên tổng số", "Giá trị 4"];
    Sheet { name: "Chỉ số".into(), headers: headers.map(String::from).to_vec(), rows }
}

/// One segment table (time to cash and the main shares per segment).
pub fn segment_sheet(name: &str, segments: &[Segment]) -> Sheet {
    let headers = [
        "Mã",
        "Nhóm",
        "Số khoản chi",
        "Trung vị (ngày)",
        "P75 (ngày)",
        "P90 (ngày)",
        "Rút trong 1 ngày (%)",
        "Rút trong 3 ngày (%)",
        "Rút trong 7 ngày (%)",
        "Rút trong 30 ngày (%)",
        "Chưa rút",
        "Đúng hạn (%)",
        "Rút có hỗ trợ (%)",
        "Đã chuyển (đồng)",
        "Đã rút (đồng)",
        "Ghi chú",
    ];
    let rows = segments
        .iter()
        .map(|s| {
            let mut row: Vec<Cell> = vec![s.key.clone().into(), s.label.clone().into(), (s.size as i64).into()];
            match &s.indicators {
                Some(i) => {
                    let t = &i.time_to_cash;
                    let w = &t.withdrawn_by_day;
                    row.extend([
                        days(t.time_to_cash_days.median),
                        days(t.time_to_cash_days.p75),
                        days(t.time_to_cash_days.p90),
                        pct(w.day1),
                        pct(w.day3),
                        pct(w.day7),
                        pct(w.day30),
                        (t.unwithdrawn as i64).into(),
                        pct(i.on_time_credit.share),
                        pct(i.assisted_withdrawals.share),
                        i.credited_vnd.into(),
                        i.withdrawn_vnd.into(),
                        // Quantiles left empty for low coverage: say why (core censoring.rs).
                        if t.enough_followup {
                            Cell::Empty
                        } else {
                            format!(
                                "Chưa đủ thông tin theo dõi để đánh giá (biết tình trạng {})",
                                t.coverage
                                    .share
                                    .map_or("–".into(), |s| format!("{:.1} %", s * 100.0).replace('.', ","))
                            )
                            .into()
                        },
                    ]);
                }
                None => {
                    row.extend(std::iter::repeat_n(Cell::Empty, 12));
                    row.push("Quá ít để đánh giá".into());
                }
            }
            row
        })
        .collect();
    Sheet { name: name.into(), headers: headers.map(String::from).to_vec(), rows }
}

fn reasons_sheet(i: &Indicators) -> Sheet {
    let rows =
        i.failed_transfers.reasons.iter().map(|r| vec![r.reason.clone().into(), (r.count as i64).into()]).collect();
    Sheet { name: "Lý do chuyển lỗi".into(), headers: vec!["Lý do".into(), "Số khoản".into()], rows }
}

/// Segment values named in Vietnamese (wards and groups come named from the store).
fn vi_label(by: SegmentBy, key: &str, label: &str) -> String {
    match by {
        SegmentBy::Age => match AgeBand::parse(key) {
            Some(AgeBand::Under16) => "Dưới 16 tuổi".into(),
            Some(AgeBand::Age16To59) => "16–59 tuổi".into(),
            Some(AgeBand::Age60To74) => "60–74 tuổi".into(),
            Some(AgeBand::Age75To79) => "75–79 tuổi".into(),
            Some(AgeBand::Age80Plus) => "Từ 80 tuổi".into(),
            None => label.into(),
        },
        SegmentBy::Channel => match Channel::parse(key) {
            Some(Channel::Bank) => "Tài khoản ngân hàng".into(),
            Some(Channel::Ewallet) => "Ví điện tử".into(),
            Some(Channel::MobileMoney) => "Mobile Money".into(),
            Some(Channel::Vneid) => "VNeID".into(),
            Some(Channel::Cash) => "Tiền mặt".into(),
            None => label.into(),
        },
        SegmentBy::Cycle => key.split_once('-').map_or_else(|| key.to_string(), |(y, m)| format!("Kỳ {m}/{y}")),
        _ => label.into(),
    }
}

fn named(by: SegmentBy, mut segments: Vec<Segment>) -> Vec<Segment> {
    for s in &mut segments {
        s.label = vi_label(by, &s.key, &s.label);
    }
    segments
}

fn image(sheet: usize, panel: Panel, segments: &[Segment]) -> Result<SheetImage, AppError> {
    let png = ansinh_charts::png::panel_png(panel, segments, Lang::Vi).map_err(|e| AppError::File(e.to_string()))?;
    Ok(SheetImage { sheet, png, height: panel.height(segments) })
}

/// The workbook's sheets for cycle `year-month` (and the trend up to it), for one ward or the
/// city, with the charts as PNG images under their tables.
pub async fn monthly_sheets(
    store: &Store,
    as_of: NaiveDate,
    year: i32,
    month: u32,
    ward: Option<&str>,
) -> Result<(Vec<Sheet>, Vec<SheetImage>), AppError> {
    let m = month_number(year, month);
    let filter = Filter { from: Some(m), to: Some(m), ward: ward.map(str::to_string), ..Filter::default() };
    let dims = [SegmentBy::Ward, SegmentBy::Age, SegmentBy::Group, SegmentBy::Channel, SegmentBy::Programme];
    let mut bys: Vec<Vec<SegmentBy>> = dims.iter().map(|d| vec![*d]).collect();
    bys.push(vec![SegmentBy::Age, SegmentBy::Channel]);
    let c = store.indicators(as_of, &filter, &bys).await?;
    let trend_filter = Filter { from: None, ..filter.clone() };
    let mut trend = store.indicators(as_of, &trend_filter, &[vec![SegmentBy::Cycle]]).await?;
    let mut lists = c.segmentations.into_iter();
    // Social assistance reports to the Department of Health, merit allowances to Home Affairs:
    // each programme's counts, amounts and time to cash on a sheet of its own.
    let names = ["Theo xã phường", "Theo nhóm tuổi", "Theo nhóm đối tượng", "Theo kênh chi trả", "Theo chương trình"];
    let mut sheets = vec![overview_sheet(&c.overall)];
    let mut per_dim = Vec::new();
    for (d, name) in dims.iter().zip(names) {
        let segments = named(*d, lists.next().unwrap_or_default());
        sheets.push(segment_sheet(name, &segments));
        per_dim.push(segments);
    }
    let age_channel = lists.next().unwrap_or_default();
    let trend = named(SegmentBy::Cycle, trend.segmentations.pop().unwrap_or_default());
    sheets.push(segment_sheet("Xu hướng theo kỳ", &trend));
    sheets.push(reasons_sheet(&c.overall));
    let images = vec![
        image(1, Panel::WardBars, &per_dim[0])?,
        image(2, Panel::Heat, &age_channel)?,
        image(2, Panel::Convenience, &per_dim[1])?,
        image(6, Panel::Trend, &trend)?,
    ];
    Ok((sheets, images))
}

/// Writes the monthly report to `<export dir>/bao-cao-<scope>-<yyyy-mm>.xlsx`, records the
/// export (who, what, when) and returns the path.
pub async fn export_monthly_report(
    store: &Store,
    as_of: NaiveDate,
    year: i32,
    month: u32,
    ward: Option<&str>,
) -> Result<PathBuf, AppError> {
    let (sheets, images) = monthly_sheets(store, as_of, year, month, ward).await?;
    let scope = ward.unwrap_or("city");
    let period = format!("{year:04}-{month:02}");
    let safe = crate::sanitise::file_name_part(scope, 40);
    let path = export_dir()?.join(format!("bao-cao-{safe}-{period}.xlsx"));
    write_xlsx_with_images(&path, &sheets, &images)?;
    store
        .record_export(&ExportRecord {
            id: ansinh_core::records::new_id().to_string(),
            kind: "monthly_report_xlsx".into(),
            what: "indicators".into(),
            scope: scope.into(),
            period: Some(period),
            file_path: path.display().to_string(),
        })
        .await?;
    Ok(path)
}

/// Writes `sheet` as CSV (UTF-8 with BOM so spreadsheet programs read the diacritics); text
/// that looks like a formula is written as text (`sanitise::csv_text`), numbers as numbers.
pub fn write_sheet_csv(path: &std::path::Path, sheet: &Sheet) -> Result<(), AppError> {
    let fail = |e: &dyn std::fmt::Display| AppError::File(format!("{}: {e}", path.display()));
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut bytes);
        w.write_record(sheet.headers.iter().map(|h| csv_text(h).into_owned())).map_err(|e| fail(&e))?;
        for row in &sheet.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Cell::Text(s) => csv_text(s).into_owned(),
                    Cell::Number(n) => n.to_string(),
                    Cell::Empty => String::new(),
                })
                .collect();
            w.write_record(&cells).map_err(|e| fail(&e))?;
        }
        w.flush().map_err(|e| fail(&e))?;
    }
    // Owner-only, like every export (ansinh_store::private).
    ansinh_store::private::write(path, &bytes).map_err(|e| fail(&e))
}

/// Writes a segment table (`by` one or two dimensions, `filter` as on the dashboard) as CSV in
/// the export folder, records the export and returns the path.
pub async fn export_segments_csv(
    store: &Store,
    as_of: NaiveDate,
    filter: &Filter,
    by: &[SegmentBy],
) -> Result<PathBuf, AppError> {
    let report = store.metrics(as_of, filter, by).await?;
    let mut segments = report.segments.unwrap_or_default();
    if let [only] = by {
        segments = named(*only, segments);
    }
    let what: Vec<&str> = by.iter().map(|b| b.as_str()).collect();
    let what = if what.is_empty() { "overall".to_string() } else { format!("by_{}", what.join("_")) };
    let sheet = if by.is_empty() { overview_sheet(&report.overall) } else { segment_sheet(&what, &segments) };
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let path = export_dir()?.join(format!("chi-so-{what}-{stamp}.csv"));
    write_sheet_csv(&path, &sheet)?;
    store
        .record_export(&ExportRecord {
            id: ansinh_core::records::new_id().to_string(),
            kind: "table_csv".into(),
            what,
            scope: filter.ward.clone().unwrap_or_else(|| "city".into()),
            period: None,
            file_path: path.display().to_string(),
        })
        .await?;
    Ok(path)
}
