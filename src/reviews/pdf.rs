//! The review pack as a PDF, laid out on the server by typst used as a library
//! (`typst-as-lib` supplies the "world": sources, fonts and inputs in memory;
//! `typst-pdf` writes the PDF). No headless browser, no file system, no network:
//! the template (`templates/reviews/pack.typ`) and the fonts (typst-assets'
//! Libertinus Serif, New Computer Modern, DejaVu Sans Mono) are embedded in the
//! binary. The pack's strings reach the template as JSON in `sys.inputs`, so
//! nothing typed by a user is ever read as typst markup.

#[cfg(feature = "pdf")]
use std::sync::OnceLock;

#[cfg(feature = "pdf")]
use typst::foundations::{Dict, IntoValue};
#[cfg(feature = "pdf")]
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};

use super::pack::Pack;
use crate::charts;
use crate::i18n::Locale;

#[cfg(feature = "pdf")]
static TEMPLATE: &str = include_str!("../../templates/reviews/pack.typ");

/// The engine, with its fonts parsed once for the life of the process.
#[cfg(feature = "pdf")]
fn engine() -> &'static TypstEngine<TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .main_file(TEMPLATE)
            .fonts(typst_assets::fonts())
            .build()
    })
}

/// The section titles and column names, in the pack's language.
fn labels(locale: Locale) -> serde_json::Value {
    let keys = [
        "date",
        "period",
        "attendees",
        "agenda",
        "summary",
        "score",
        "trend",
        "validation",
        "moved",
        "wins",
        "misses",
        "kpis",
        "col-kpi",
        "col-period",
        "col-value",
        "col-target",
        "col-status",
        "col-vs-quarter",
        "col-vs-year",
        "col-forecast",
        "col-validation",
        "voc",
        "nps",
        "respondents",
        "margin",
        "themes",
        "verbatims",
        "commitments",
        "col-commitment",
        "col-owner",
        "col-due",
        "plan",
        "objectives",
        "actions",
        "col-title",
        "col-side",
        "decisions",
        "appendix",
        "col-definition",
        "col-source",
        "col-freshness",
        "none",
        "internal-badge",
        "client-badge",
        "page",
    ];
    let mut map = serde_json::Map::new();
    for k in keys {
        map.insert(k.replace('-', "_"), locale.t(&format!("pack-{k}")).into());
    }
    serde_json::Value::Object(map)
}

/// The score chart as a self-contained SVG: the page's chart (`charts::line_chart`)
/// coloured by an embedded stylesheet, since a PDF has no page stylesheet.
pub fn chart_svg(pack: &Pack) -> String {
    let svg = chart(pack, "pack-chart-title");
    let style = "<style>.chart-grid{stroke:#d9dde3;stroke-width:1}\
        .chart-axis line{stroke:#6b7280;stroke-width:1}\
        .chart-axis text,.chart-xlabel{font-family:'Libertinus Serif';font-size:13px;fill:#374151}\
        .chart-line{fill:none;stroke:#1f3a5f;stroke-width:3}\
        .chart-point{fill:#1f3a5f}\
        .chart-target{fill:none;stroke:#9ca3af;stroke-width:1.5;stroke-dasharray:6 4}\
        .chart-band{fill:#dbe4f0}</style>";
    match svg.find('>') {
        Some(i) => format!("{}{}{}", &svg[..=i], style, &svg[i + 1..]),
        None => svg,
    }
}

/// The score chart, as the pages draw it (classes, no colours).
pub fn chart(pack: &Pack, labelled_by: &str) -> String {
    let locale = Locale::parse(&pack.locale).unwrap_or(Locale::Fr);
    let format = |v: f64| crate::i18n::format::number(locale, v, 0);
    charts::line_chart(&charts::LineChart {
        labelled_by,
        x_labels: &pack.chart.labels,
        values: &pack.chart.scores,
        targets: &[],
        forecast: &[],
        format: &format,
        bounds: Some((0.0, 100.0)),
        weak: &[],
        weak_note: "",
    })
}

/// Why a PDF could not be made (a template error: a bug, logged, never shown).
#[derive(Debug, thiserror::Error)]
#[error("review pack PDF: {0}")]
pub struct PdfError(String);

/// Whether this build can make PDFs (the `pdf` feature).
pub const AVAILABLE: bool = cfg!(feature = "pdf");

/// Built without the `pdf` feature: there is no PDF to make.
#[cfg(not(feature = "pdf"))]
pub fn render(_pack: &Pack) -> Result<Vec<u8>, PdfError> {
    let _ = labels;
    Err(PdfError("built without the pdf feature".into()))
}

/// Lays the pack out and writes the PDF.
#[cfg(feature = "pdf")]
pub fn render(pack: &Pack) -> Result<Vec<u8>, PdfError> {
    let locale = Locale::parse(&pack.locale).unwrap_or(Locale::Fr);
    let json = serde_json::to_string(pack).map_err(|e| PdfError(e.to_string()))?;
    let mut inputs = Dict::new();
    inputs.insert("pack".into(), json.into_value());
    inputs.insert("labels".into(), labels(locale).to_string().into_value());
    inputs.insert("chart".into(), chart_svg(pack).into_value());
    let doc: typst::layout::PagedDocument = engine()
        .compile_with_input(inputs)
        .output
        .map_err(|e| PdfError(format!("{e:?}")))?;
    let options = typst_pdf::PdfOptions::default();
    typst_pdf::pdf(&doc, &options).map_err(|e| PdfError(format!("{e:?}")))
}
