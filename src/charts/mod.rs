//! Server-rendered SVG charts: a sparkline for scorecard rows and a line chart
//! for a KPI's page.
//!
//! Rendered on the server so that pages work without JavaScript and print as
//! they look. The Content-Security-Policy forbids inline styles, so the SVG carries
//! no `style=` and no colour attributes (`fill`, `stroke`): the stylesheet colours
//! every element by class (`chart-line`, `chart-target`, `chart-band`, `chart-grid`,
//! `chart-axis`, `chart-point`). Every piece of text is escaped.

mod bounds;
mod line;
mod matrix;
mod sparkline;

pub use bounds::unit_bounds;
pub use line::{LineChart, clip_forecast, line_chart};
pub use matrix::{MatrixPoint, ScatterPoint, matrix_chart, scatter_chart};
pub use sparkline::sparkline;

/// Values beyond this are treated as gaps: they would overflow the scale
/// arithmetic, and no scorecard measures anything that large.
const LIMIT: f64 = 1e300;

/// A number we can plot.
fn plottable(v: f64) -> bool {
    v.is_finite() && v.abs() <= LIMIT
}

/// Escapes text for SVG/XML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with one decimal (enough at these sizes); never "NaN" or "inf".
fn coord(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let s = format!("{:.1}", x + 0.0);
    match s.strip_suffix(".0") {
        Some("-0") => "0".into(),
        Some(whole) => whole.to_owned(),
        None => s,
    }
}

/// Maps `v` from `[lo, hi]` to `[from, to]` (pixels; `to < from` for a y axis).
/// Halving first keeps `hi − lo` finite for extreme domains; a flat domain maps
/// to the middle.
fn scale(v: f64, lo: f64, hi: f64, from: f64, to: f64) -> f64 {
    let span = hi / 2.0 - lo / 2.0;
    let t = if span > 0.0 {
        ((v / 2.0 - lo / 2.0) / span).clamp(0.0, 1.0)
    } else {
        0.5
    };
    from + t * (to - from)
}

/// The smallest and largest of some numbers, if any.
fn extent(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// A "nice" number close to `x` (Heckbert, *Graphics Gems*, 1990): 1, 2 or 5 times
/// a power of ten. `round` picks the nearest; otherwise the next one up.
fn nice_number(x: f64, round: bool) -> f64 {
    let exponent = x.log10().floor();
    let power = 10f64.powf(exponent);
    let fraction = x / power;
    let nice = if round {
        match fraction {
            f if f < 1.5 => 1.0,
            f if f < 3.0 => 2.0,
            f if f < 7.0 => 5.0,
            _ => 10.0,
        }
    } else {
        match fraction {
            f if f <= 1.0 => 1.0,
            f if f <= 2.0 => 2.0,
            f if f <= 5.0 => 5.0,
            _ => 10.0,
        }
    };
    nice * power
}

/// About five evenly spaced round tick values covering `[lo, hi]` ("nice numbers"):
/// the step is a nice number near `nice(hi − lo)/4`, and the first and last ticks
/// are the multiples of the step just outside the data. A flat domain is widened
/// by 10 % of its value (or by 1 around 0) so that the line sits mid-height.
fn nice_ticks(lo: f64, hi: f64) -> Vec<f64> {
    const TICKS: f64 = 5.0;
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if !(plottable(lo) && plottable(hi)) {
        return vec![0.0, 1.0];
    }
    if hi - lo <= f64::EPSILON * lo.abs().max(hi.abs()) {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo -= pad;
        hi += pad;
    }
    let range = nice_number(hi - lo, false);
    let step = nice_number(range / (TICKS - 1.0), true);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    if !(step > 0.0 && first.is_finite() && last.is_finite()) || last - first > 20.0 {
        // Precision ran out (enormous values with a tiny spread): plain ends.
        return vec![lo, hi];
    }
    // Ticks as k·step, rounded to the step's decimals so that 0.1·3 shows as 0.3.
    let decimals = (-step.log10().floor()).clamp(0.0, 15.0) as usize;
    (first as i64..=last as i64)
        .map(|k| {
            let v = k as f64 * step;
            format!("{v:.decimals$}").parse().unwrap_or(v)
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod test_support {
    /// Checks that tags open and close in order, that attributes are quoted
    /// simply, and that nothing unsafe or broken slipped in.
    pub fn assert_well_formed(svg: &str) {
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("viewBox="));
        assert!(
            !svg.contains("style="),
            "inline styles are forbidden by the CSP"
        );
        assert!(
            !svg.contains(" fill=") && !svg.contains(" stroke="),
            "colours come from CSS"
        );
        for bad in ["NaN", "inf"] {
            assert!(!svg.contains(bad), "{bad} in {svg}");
        }
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            let close = rest[open..].find('>').expect("unclosed tag") + open;
            let tag = &rest[open + 1..close];
            assert!(!tag.contains('<'), "{tag}");
            assert_eq!(tag.matches('"').count() % 2, 0, "{tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name.trim()), "in {svg}");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap().to_owned();
                stack.push(name);
            }
            let text = &rest[..open];
            assert!(!text.contains('>'), "stray > in text: {text}");
            rest = &rest[close + 1..];
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
        assert!(!rest.contains('>'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<script>"a" & 'b'</script>"#),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
        assert_eq!(escape("sept. 2026 – 12,5 %"), "sept. 2026 – 12,5 %");
    }

    #[test]
    fn coordinates_are_short_and_finite() {
        assert_eq!(coord(12.0), "12");
        assert_eq!(coord(12.34), "12.3");
        assert_eq!(coord(-0.01), "0");
        assert_eq!(coord(f64::NAN), "0");
        assert_eq!(coord(f64::INFINITY), "0");
    }

    #[test]
    fn scale_maps_and_clamps() {
        assert_eq!(scale(5.0, 0.0, 10.0, 100.0, 0.0), 50.0);
        assert_eq!(scale(20.0, 0.0, 10.0, 100.0, 0.0), 0.0);
        assert_eq!(scale(3.0, 3.0, 3.0, 100.0, 0.0), 50.0);
        assert_eq!(scale(LIMIT, -LIMIT, LIMIT, 0.0, 10.0), 10.0);
    }

    #[test]
    fn nice_ticks_are_round() {
        assert_eq!(nice_ticks(0.0, 100.0), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(3.0, 97.0), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(0.12, 0.93), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(-12.0, 7.0), [-15.0, -10.0, -5.0, 0.0, 5.0, 10.0]);
        // Flat data is widened.
        assert_eq!(
            nice_ticks(50.0, 50.0),
            [44.0, 46.0, 48.0, 50.0, 52.0, 54.0, 56.0]
        );
        assert_eq!(nice_ticks(0.0, 0.0), [-1.0, -0.5, 0.0, 0.5, 1.0]);
        for (lo, hi) in [
            (1e-9, 2e-9),
            (1e15, 1e15 + 1.0),
            (-LIMIT, LIMIT),
            (7.0, 3.0),
        ] {
            let ticks = nice_ticks(lo, hi);
            assert!((2..=12).contains(&ticks.len()), "{lo}..{hi}: {ticks:?}");
            assert!(ticks.iter().all(|t| t.is_finite()));
            assert!(ticks[0] <= lo.min(hi) && *ticks.last().unwrap() >= lo.max(hi));
        }
    }

    #[test]
    fn extent_of_nothing_is_none() {
        assert_eq!(extent([].into_iter()), None);
        assert_eq!(extent([3.0, -1.0, 2.0].into_iter()), Some((-1.0, 3.0)));
    }
}
