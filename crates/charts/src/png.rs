//! PNG rendering for exports (the monthly report's images). Text is drawn with Noto Sans
//! (bundled in `crates/charts/fonts`, SIL Open Font License; full Vietnamese coverage) loaded
//! from bytes compiled into the binary, so nothing depends on the fonts of the machine.

use crate::panels::{self, PANEL_WIDTH, Panel};
use crate::{FONT, HEIGHT, Lang, WIDTH};
use ansinh_core::segments::{MetricsReport, Segment};
use plotters::prelude::*;
use std::sync::Once;

static REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");

/// Registers the bundled font under every family name the charts use.
fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for family in [FONT, "sans-serif"] {
            // The bytes are a valid font (checked by the tests); a failure would only lose text.
            let _ = plotters::style::register_font(family, FontStyle::Normal, REGULAR);
            let _ = plotters::style::register_font(family, FontStyle::Bold, BOLD);
        }
    });
}

/// A drawing or encoding failure.
#[derive(Debug, thiserror::Error)]
#[error("could not render the chart: {0}")]
pub struct RenderError(String);

fn encode(width: u32, height: u32, rgb: &[u8]) -> Result<Vec<u8>, RenderError> {
    let mut out = Vec::new();
    let mut enc = ::png::Encoder::new(&mut out, width, height);
    enc.set_color(::png::ColorType::Rgb);
    enc.set_depth(::png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(|e| RenderError(e.to_string()))?;
    writer.write_image_data(rgb).map_err(|e| RenderError(e.to_string()))?;
    writer.finish().map_err(|e| RenderError(e.to_string()))?;
    Ok(out)
}

fn render(
    width: u32,
    height: u32,
    paint: impl FnOnce(&DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>) -> Result<(), String>,
) -> Result<Vec<u8>, RenderError> {
    register_fonts();
    let mut rgb = vec![0u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        paint(&root).map_err(RenderError)?;
        root.present().map_err(|e| RenderError(e.to_string()))?;
    }
    encode(width, height, &rgb)
}

/// A panel ([`panels::Panel`]) as PNG bytes.
pub fn panel_png(panel: Panel, segments: &[Segment], lang: Lang) -> Result<Vec<u8>, RenderError> {
    let height = panel.height(segments);
    render(PANEL_WIDTH, height, |root| panels::draw(root, panel, segments, lang).map_err(|e| e.to_string()))
}

/// The time-to-cash curve chart as PNG bytes.
pub fn time_to_cash_png(report: &MetricsReport, lang: Lang) -> Result<Vec<u8>, RenderError> {
    render(WIDTH, HEIGHT, |root| crate::draw(root, report, lang, &|_| String::new()).map_err(|e| e.to_string()))
}
