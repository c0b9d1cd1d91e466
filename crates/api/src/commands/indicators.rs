//! Indicator commands: the `metrics` report, the dashboard's figures in one pass, and the
//! time-to-cash chart, reports and exports. Thin adapters over `ansinh_core::segments` and the
//! store. Figures of the wards the user may read (`Permission::Figures`: an officer's own ward,
//! every ward for supervisors and administrators, put in by `Access::figures_filter` /
//! `scoped_ward`); every export is also written to the audit log.

use super::app::Lang;
use crate::Cmd;
use crate::command::commands;
use ansinh_core::measures::Indicators;
use ansinh_core::model::SegmentBy;
use ansinh_core::segments::{FilterInput, MetricsReport, Segment, Worst};
use ansinh_core::{AppError, dates};
use serde::{Deserialize, Serialize};

fn as_of(raw: &Option<String>) -> Cmd<chrono::NaiveDate> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(chrono::Local::now().date_naive()),
        Some(s) => dates::parse_date("as_of", s).map_err(AppError::from),
    }
}

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct MetricsQuery {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub as_of: Option<String>,
    /// None, one or two dimensions.
    #[serde(default)]
    pub by: Vec<SegmentBy>,
    #[serde(default)]
    pub filter: FilterInput,
}

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct DashboardQuery {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub as_of: Option<String>,
    #[serde(default)]
    pub filter: FilterInput,
}

/// Everything the dashboard shows, from one pass over the facts.
#[derive(ts_rs::TS, Debug, Serialize)]
pub struct DashboardView {
    pub as_of: String,
    pub min_segment_payments: u64,
    pub overall: Indicators,
    pub by_ward: Vec<Segment>,
    pub by_cycle: Vec<Segment>,
    pub by_group: Vec<Segment>,
    pub by_age_channel: Vec<Segment>,
    pub worst_wards: Vec<Worst>,
    pub worst_groups: Vec<Worst>,
}

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct ChartQuery {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub as_of: Option<String>,
    #[serde(default)]
    pub by: Vec<SegmentBy>,
    #[serde(default)]
    pub filter: FilterInput,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub lang: Option<Lang>,
}

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct ReportQuery {
    /// The cycle, mm/yyyy.
    pub cycle: String,
    /// A ward code; empty or null = the whole city.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub ward: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub as_of: Option<String>,
}

/// Where a report was written.
#[derive(ts_rs::TS, Debug, Serialize)]
pub struct SavedFile {
    pub path: String,
}

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct PanelsQuery {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub as_of: Option<String>,
    #[serde(default)]
    pub filter: FilterInput,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub lang: Option<Lang>,
}

/// The dashboard's other charts as SVG markup, from one pass over the facts.
#[derive(ts_rs::TS, Debug, Serialize)]
pub struct PanelsView {
    pub ward_bars: String,
    pub trend: String,
    pub heat: String,
    pub convenience: String,
}

#[derive(ts_rs::TS, Debug, Deserialize)]
pub struct PrintQuery {
    /// The cycle shown, mm/yyyy, if one was chosen.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub cycle: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub ward: Option<String>,
}

commands! {
    pub async fn metrics(a: Figures, query: MetricsQuery) -> MetricsReport {
        let filter = a.figures_filter(&query.filter)?;
        Ok(a.store.metrics(as_of(&query.as_of)?, &filter, &query.by).await?)
    }

    pub async fn dashboard(a: Figures, query: DashboardQuery) -> DashboardView {
        let filter = a.figures_filter(&query.filter)?;
        let as_of = as_of(&query.as_of)?;
        let bys = [
            vec![SegmentBy::Ward],
            vec![SegmentBy::Cycle],
            vec![SegmentBy::Group],
            vec![SegmentBy::Age, SegmentBy::Channel],
        ];
        let c = a.store.indicators(as_of, &filter, &bys).await?;
        let mut lists = c.segmentations.into_iter();
        let mut next = || lists.next().unwrap_or_default();
        Ok(DashboardView {
            as_of: as_of.format("%Y-%m-%d").to_string(),
            min_segment_payments: ansinh_core::segments::MIN_SEGMENT_PAYMENTS,
            overall: c.overall,
            by_ward: next(),
            by_cycle: next(),
            by_group: next(),
            by_age_channel: next(),
            worst_wards: c.worst_wards,
            worst_groups: c.worst_groups,
        })
    }

    pub async fn time_to_cash_chart(a: Figures, query: ChartQuery) -> String {
        let lang = query.lang.unwrap_or_default().charts();
        let filter = a.figures_filter(&query.filter)?;
        let report = a.store.metrics(as_of(&query.as_of)?, &filter, &query.by).await?;
        Ok(ansinh_charts::time_to_cash_svg(&report, lang, &|k| k.to_string()))
    }

    /// The monthly report as XLSX in the export folder; the export is recorded.
    pub async fn monthly_report(a: Figures, query: ReportQuery) -> SavedFile {
        let (y, m) = dates::parse_period("cycle", &query.cycle)?;
        let ward = a.scoped_ward(query.ward.as_deref().map(str::trim))?;
        let path =
            ansinh_files::indicator_report::export_monthly_report(&a.store, as_of(&query.as_of)?, y, m, ward).await?;
        let details = serde_json::json!({"what": "monthly_report", "ward": ward, "cycle": query.cycle, "file": path.display().to_string()});
        a.store.audit("export", Some("indicators"), None, details).await?;
        Ok(SavedFile { path: path.display().to_string() })
    }

    /// The exports made so far, newest first.
    pub async fn list_exports(a: Reports) -> Vec<ansinh_store::ExportView> {
        Ok(a.store.list_exports(100).await?)
    }

    pub async fn indicator_panels(a: Figures, query: PanelsQuery) -> PanelsView {
        use ansinh_charts::panels::{Panel, panel_svg};
        let lang = query.lang.unwrap_or_default().charts();
        let filter = a.figures_filter(&query.filter)?;
        let bys =
            [vec![SegmentBy::Ward], vec![SegmentBy::Cycle], vec![SegmentBy::Age, SegmentBy::Channel], vec![SegmentBy::Age]];
        let c = a.store.indicators(as_of(&query.as_of)?, &filter, &bys).await?;
        let s = &c.segmentations;
        let age: Vec<Segment> = s[3]
            .iter()
            .cloned()
            .map(|mut x| {
                x.label = ansinh_charts::panels::code_name(&x.key, lang);
                x
            })
            .collect();
        Ok(PanelsView {
            ward_bars: panel_svg(Panel::WardBars, &s[0], lang),
            trend: panel_svg(Panel::Trend, &s[1], lang),
            heat: panel_svg(Panel::Heat, &s[2], lang),
            convenience: panel_svg(Panel::Convenience, &age, lang),
        })
    }

    /// A segment table (or the overall figures when `by` is empty) as CSV in the export folder;
    /// the export is recorded.
    pub async fn export_table_csv(a: Figures, query: MetricsQuery) -> SavedFile {
        let filter = a.figures_filter(&query.filter)?;
        let path =
            ansinh_files::indicator_report::export_segments_csv(&a.store, as_of(&query.as_of)?, &filter, &query.by).await?;
        let details = serde_json::json!({"what": "indicator_table", "by": query.by, "file": path.display().to_string()});
        a.store.audit("export", Some("indicators"), None, details).await?;
        Ok(SavedFile { path: path.display().to_string() })
    }

    /// Records that the printable report was printed (the print dialog itself is the webview's).
    pub async fn record_print(a: Figures, query: PrintQuery) -> () {
        let period = match query.cycle.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => {
                let (y, m) = dates::parse_period("cycle", c)?;
                Some(dates::period_key(y, m))
            }
            None => None,
        };
        let scope = a.scoped_ward(query.ward.as_deref().map(str::trim))?.unwrap_or("city");
        a.store
            .record_export(&ansinh_store::ExportRecord {
                id: ansinh_core::records::new_id().to_string(),
                kind: "monthly_report_print".into(),
                what: "indicators".into(),
                scope: scope.into(),
                period,
                file_path: String::new(),
            })
            .await?;
        a.store
            .audit("export", Some("indicators"), None, serde_json::json!({"what": "monthly_report_print", "ward": scope}))
            .await?;
        Ok(())
    }
}
