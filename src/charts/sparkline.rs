//! The 100×24 sparkline of a scorecard row.

use super::{coord, escape, extent, plottable, scale};

const WIDTH: f64 = 100.0;
const HEIGHT: f64 = 24.0;
/// Room for the stroke and the end dot.
const PAD: f64 = 2.0;

/// A 100×24 sparkline of the values (oldest first; `None` is a gap in the line),
/// with an optional horizontal target line. `label` is the accessible name
/// (`role="img"`, `aria-label`). Empty or all-`None` values give a flat placeholder
/// with the same label. The y scale spans the values and the target; a single
/// value, or isolated ones between gaps, get a dot (as does the latest value).
pub fn sparkline(values: &[Option<f64>], target: Option<f64>, label: &str) -> String {
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" viewBox="0 0 100 24" width="100" height="24" role="img" aria-label="{}">"#,
        escape(label)
    );
    let points: Vec<Option<f64>> = values.iter().map(|v| v.filter(|v| plottable(*v))).collect();
    let target = target.filter(|t| plottable(*t));
    if points.iter().all(Option::is_none) {
        // Nothing to draw (a target alone says nothing about the KPI).
        svg.push_str(r#"<line class="chart-grid" x1="0" y1="12" x2="100" y2="12"/></svg>"#);
        return svg;
    }
    // At least one point exists, so the extent does too.
    let (lo, hi) = extent(points.iter().flatten().copied().chain(target)).unwrap_or((0.0, 0.0));
    let n = points.len();
    let x = |i: usize| {
        if n == 1 {
            WIDTH / 2.0
        } else {
            PAD + i as f64 * (WIDTH - 2.0 * PAD) / (n - 1) as f64
        }
    };
    let y = |v: f64| scale(v, lo, hi, HEIGHT - PAD, PAD);

    if let Some(t) = target {
        let ty = coord(y(t));
        svg.push_str(&format!(
            r#"<line class="chart-target" x1="0" y1="{ty}" x2="100" y2="{ty}"/>"#
        ));
    }

    let mut path = String::new();
    let mut dots = Vec::new();
    let last = points.iter().rposition(Option::is_some);
    for (i, v) in points.iter().enumerate() {
        let Some(v) = v else { continue };
        let joined = i > 0 && points[i - 1].is_some();
        let joins_next = points.get(i + 1).is_some_and(Option::is_some);
        path.push_str(&format!(
            "{}{} {}",
            if joined { " L" } else { " M" },
            coord(x(i)),
            coord(y(*v))
        ));
        if (!joined && !joins_next) || Some(i) == last {
            dots.push((x(i), y(*v)));
        }
    }
    svg.push_str(&format!(
        r#"<path class="chart-line" d="{}"/>"#,
        path.trim_start()
    ));
    for (cx, cy) in dots {
        svg.push_str(&format!(
            r#"<circle class="chart-point" cx="{}" cy="{}" r="1.5"/>"#,
            coord(cx),
            coord(cy)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_support::assert_well_formed;

    #[test]
    fn draws_a_line_with_gaps_and_a_target() {
        let svg = sparkline(
            &[Some(1.0), Some(3.0), None, Some(2.0), Some(4.0)],
            Some(2.5),
            "Sales",
        );
        assert_well_formed(&svg);
        assert!(svg.contains(r#"viewBox="0 0 100 24""#));
        assert!(svg.contains(r#"aria-label="Sales""#));
        assert!(svg.contains(r#"class="chart-target""#));
        // Two runs: two moves.
        let d = svg
            .split(r#"d=""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(d.matches('L').count(), 2, "{d}");
        // Highest value at the top, lowest at the bottom.
        assert!(d.starts_with("M2 22"), "{d}");
        assert!(d.ends_with("98 2"), "{d}");
        // Only the latest value has a dot.
        assert_eq!(svg.matches("<circle").count(), 1);
    }

    #[test]
    fn escapes_the_label() {
        let svg = sparkline(&[Some(1.0)], None, r#"<script>alert("x")</script>"#);
        assert_well_formed(&svg);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    }

    #[test]
    fn empty_and_all_none_give_a_labelled_placeholder() {
        for values in [vec![], vec![None, None], vec![Some(f64::NAN)]] {
            let svg = sparkline(&values, Some(3.0), "Empty");
            assert_well_formed(&svg);
            assert!(svg.contains(r#"aria-label="Empty""#));
            assert!(svg.contains("chart-grid"));
            assert!(!svg.contains("chart-line"));
        }
    }

    #[test]
    fn single_constant_and_isolated_values_do_not_break() {
        let one = sparkline(&[Some(5.0)], None, "One");
        assert_well_formed(&one);
        assert!(one.contains(r#"cx="50" cy="12""#), "{one}");
        let flat = sparkline(&[Some(5.0); 6], Some(5.0), "Flat");
        assert_well_formed(&flat);
        let isolated = sparkline(
            &[Some(1.0), None, Some(2.0), None, Some(f64::INFINITY)],
            None,
            "Iso",
        );
        assert_well_formed(&isolated);
        assert_eq!(isolated.matches("<circle").count(), 2);
        let huge = sparkline(
            &[Some(-1e300), Some(1e300), Some(f64::MAX)],
            Some(-f64::MAX),
            "Huge",
        );
        assert_well_formed(&huge);
    }
}
