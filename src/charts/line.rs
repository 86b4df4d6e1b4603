//! The line chart of a KPI's page: values, targets, and a forecast with its band.

use super::{coord, escape, extent, nice_ticks, plottable, scale};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 280.0;
/// Plot area: room on the left for y tick labels, below for x labels.
const LEFT: f64 = 64.0;
const RIGHT: f64 = WIDTH - 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = HEIGHT - 40.0;
/// At most this many x labels; fewer when they are long.
const MAX_X_LABELS: usize = 8;
/// Approximate width of a character of the 12px axis font, in viewBox units.
const CHAR_WIDTH: f64 = 7.0;

/// What to draw. x positions are, in order: one per actual value, then one per
/// forecast point; `x_labels` names them.
pub struct LineChart<'a> {
    /// Id of the figcaption naming the chart (`aria-labelledby`).
    pub labelled_by: &'a str,
    /// One per actual point, then one per forecast point.
    pub x_labels: &'a [String],
    /// Actual values, oldest first (`None` is a gap); `len ≤ x_labels.len()`.
    pub values: &'a [Option<f64>],
    /// The target of each x position (may be shorter than `values`).
    pub targets: &'a [Option<f64>],
    /// `(low, value, high)` for the x positions after `values`.
    pub forecast: &'a [(f64, f64, f64)],
    /// Formats y tick labels (and point tooltips) in the user's locale.
    pub format: &'a dyn Fn(f64) -> String,
    /// The range the measure can take (a share: 0–100 %); the forecast and its
    /// band are clipped to it. `None`: unbounded.
    pub bounds: Option<(f64, f64)>,
    /// Points resting on too little evidence (an NPS from fewer than 5 answers),
    /// one flag per value (may be shorter than `values`): drawn as hollow
    /// squares (`chart-point--weak`), said in their tooltip with `weak_note`.
    pub weak: &'a [bool],
    pub weak_note: &'a str,
}

/// The forecast `(low, value, high)` kept inside `bounds`, the band never
/// narrower than its value.
pub fn clip_forecast(
    forecast: &[(f64, f64, f64)],
    bounds: Option<(f64, f64)>,
) -> Vec<(f64, f64, f64)> {
    let Some((lo, hi)) = bounds.filter(|(lo, hi)| lo <= hi) else {
        return forecast.to_vec();
    };
    forecast
        .iter()
        .map(|&(l, v, h)| {
            let v = v.clamp(lo, hi);
            (l.clamp(lo, hi).min(v), v, h.clamp(lo, hi).max(v))
        })
        .collect()
}

/// The first x position worth drawing: the first actual value (or, with none, the
/// first forecast point). Periods before it hold no data, only targets, and would
/// leave most of the chart empty.
pub fn first_shown(values: &[Option<f64>], has_forecast: bool) -> usize {
    match values.iter().position(|v| v.is_some_and(plottable)) {
        Some(i) => i,
        None if has_forecast => values.len(),
        None => 0,
    }
}

/// A 720×280 chart (`viewBox="0 0 720 280"`, `role="img"`, `aria-labelledby`):
/// a y axis of about five round ticks ("nice numbers") covering values, targets
/// and the forecast band; x labels thinned so they do not overlap (at most 8,
/// always including the latest); the value line with a `chart-point` circle per
/// value whose `<title>` gives its label and formatted value; the target as a
/// dashed step line (`chart-target`); the forecast as a line continuing from the
/// last value (`chart-line chart-line--forecast`) over a `chart-band` polygon.
pub fn line_chart(c: &LineChart) -> String {
    // The x axis starts at the first value: leading periods without data are cut.
    let skip = first_shown(c.values, !c.forecast.is_empty());
    let x_labels = c.x_labels.get(skip..).unwrap_or(&[]);
    let weak = c.weak.get(skip..).unwrap_or(&[]);
    let values: Vec<Option<f64>> = c.values[skip.min(c.values.len())..]
        .iter()
        .map(|v| v.filter(|v| plottable(*v)))
        .collect();
    let targets: Vec<Option<f64>> = c
        .targets
        .iter()
        .skip(skip)
        .map(|t| t.filter(|t| plottable(*t)))
        .collect();
    // Forecast points keep their x position; unplottable ones are skipped.
    let clipped = clip_forecast(c.forecast, c.bounds);
    let forecast: Vec<(usize, f64, f64, f64)> = clipped
        .iter()
        .enumerate()
        .filter(|(_, (l, v, h))| plottable(*l) && plottable(*v) && plottable(*h))
        .map(|(j, &(l, v, h))| (values.len() + j, l.min(v), v, h.max(v)))
        .collect();

    let n = x_labels
        .len()
        .max(values.len() + c.forecast.len())
        .max(targets.len())
        .max(1);
    let slot = (RIGHT - LEFT) / n as f64;
    let x = |i: usize| LEFT + (i as f64 + 0.5) * slot;

    let data = values
        .iter()
        .chain(&targets)
        .flatten()
        .copied()
        .chain(forecast.iter().flat_map(|&(_, l, v, h)| [l, v, h]));
    let ticks = match extent(data) {
        Some((lo, hi)) => nice_ticks(lo, hi),
        None => nice_ticks(0.0, 1.0),
    };
    let (lo, hi) = extent(ticks.iter().copied()).unwrap_or((0.0, 1.0));
    let y = |v: f64| scale(v, lo, hi, BOTTOM, TOP);

    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720 280" role="img" aria-labelledby="{}">"#,
        escape(c.labelled_by)
    );

    // Grid and axes.
    for &t in &ticks {
        let ty = coord(y(t));
        svg.push_str(&format!(
            r#"<line class="chart-grid" x1="{LEFT}" y1="{ty}" x2="{RIGHT}" y2="{ty}"/>"#
        ));
    }
    svg.push_str(r#"<g class="chart-axis">"#);
    svg.push_str(&format!(
        r#"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{BOTTOM}"/><line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}"/>"#
    ));
    for &t in &ticks {
        svg.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            coord(LEFT - 8.0),
            coord(y(t) + 4.0),
            escape(&(c.format)(t))
        ));
    }
    // Every other shown label, counted back from the latest, is `chart-xlabel--alt`:
    // phones hide those and draw the rest larger.
    let shown = shown_labels(x_labels);
    for (k, &i) in shown.iter().enumerate() {
        let alt = (shown.len() - 1 - k) % 2 == 1;
        svg.push_str(&format!(
            r#"<text class="chart-xlabel{}" x="{}" y="{}" text-anchor="middle">{}</text>"#,
            if alt { " chart-xlabel--alt" } else { "" },
            coord(x(i)),
            coord(BOTTOM + 20.0),
            escape(&x_labels[i])
        ));
    }
    svg.push_str("</g>");

    // Forecast band, from the last actual value outwards.
    let last = values
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, v)| v.map(|v| (i, v)));
    if !forecast.is_empty() {
        let mut upper: Vec<(f64, f64)> = last.iter().map(|&(i, v)| (x(i), y(v))).collect();
        let mut lower = upper.clone();
        upper.extend(forecast.iter().map(|&(i, _, _, h)| (x(i), y(h))));
        lower.extend(forecast.iter().map(|&(i, l, _, _)| (x(i), y(l))));
        let outline: Vec<String> = upper
            .iter()
            .chain(lower.iter().rev())
            .map(|&(px, py)| format!("{},{}", coord(px), coord(py)))
            .collect();
        svg.push_str(&format!(
            r#"<polygon class="chart-band" points="{}"/>"#,
            outline.join(" ")
        ));
    }

    // Target: a step line, each target spanning its whole slot.
    let mut d = String::new();
    for (i, t) in targets.iter().enumerate() {
        let Some(t) = t else { continue };
        let (left, right, ty) = (
            coord(x(i) - slot / 2.0),
            coord(x(i) + slot / 2.0),
            coord(y(*t)),
        );
        if i > 0 && targets[i - 1] == Some(*t) {
            d.push_str(&format!(" H{right}"));
        } else if i > 0 && targets[i - 1].is_some() {
            d.push_str(&format!(" V{ty} H{right}"));
        } else {
            d.push_str(&format!(" M{left} {ty} H{right}"));
        }
    }
    if !d.is_empty() {
        svg.push_str(&format!(
            r#"<path class="chart-target" d="{}"/>"#,
            d.trim_start()
        ));
    }

    // Forecast line.
    let mut d = String::new();
    for (px, py) in last
        .map(|(i, v)| (x(i), y(v)))
        .into_iter()
        .chain(forecast.iter().map(|&(i, _, v, _)| (x(i), y(v))))
    {
        d.push_str(&format!(
            "{}{} {}",
            if d.is_empty() { "M" } else { " L" },
            coord(px),
            coord(py)
        ));
    }
    if d.contains('L') {
        svg.push_str(&format!(
            r#"<path class="chart-line chart-line--forecast" d="{d}"/>"#
        ));
    }

    // Values: the line (broken at gaps), then a point per value on top.
    let mut d = String::new();
    for (i, v) in values.iter().enumerate() {
        let Some(v) = v else { continue };
        let joined = i > 0 && values[i - 1].is_some();
        d.push_str(&format!(
            "{}{} {}",
            if joined { " L" } else { " M" },
            coord(x(i)),
            coord(y(*v))
        ));
    }
    if d.contains('L') {
        svg.push_str(&format!(
            r#"<path class="chart-line" d="{}"/>"#,
            d.trim_start()
        ));
    }
    for (i, v) in values.iter().enumerate() {
        let Some(v) = v else { continue };
        let label = x_labels.get(i).map_or("", String::as_str);
        let mut title = if label.is_empty() {
            (c.format)(*v)
        } else {
            format!("{label} – {}", (c.format)(*v))
        };
        if weak.get(i).copied().unwrap_or(false) {
            // A hollow square: told apart from the other points by its shape, not colour.
            if !c.weak_note.is_empty() {
                title = format!("{title} ({})", c.weak_note);
            }
            svg.push_str(&format!(
                r#"<rect class="chart-point chart-point--weak" x="{}" y="{}" width="9" height="9"><title>{}</title></rect>"#,
                coord(x(i) - 4.5),
                coord(y(*v) - 4.5),
                escape(&title)
            ));
        } else {
            svg.push_str(&format!(
                r#"<circle class="chart-point" cx="{}" cy="{}" r="3.5"><title>{}</title></circle>"#,
                coord(x(i)),
                coord(y(*v)),
                escape(&title)
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Indices of the x labels to show: every k-th counted back from the latest, with
/// k chosen so that the shown labels fit side by side (and there are at most 8).
fn shown_labels(labels: &[String]) -> Vec<usize> {
    let n = labels.len();
    if n == 0 {
        return Vec::new();
    }
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    let fit = ((RIGHT - LEFT) / (longest * CHAR_WIDTH + 12.0)).floor() as usize;
    let room = fit.clamp(1, MAX_X_LABELS);
    let every = n.div_ceil(room);
    (0..n)
        .filter(|i| (n - 1 - i).is_multiple_of(every))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_support::assert_well_formed;

    fn fmt(v: f64) -> String {
        format!("{v} €")
    }

    fn labels(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("M{i}")).collect()
    }

    fn chart<'a>(
        x_labels: &'a [String],
        values: &'a [Option<f64>],
        targets: &'a [Option<f64>],
        forecast: &'a [(f64, f64, f64)],
    ) -> String {
        line_chart(&LineChart {
            labelled_by: "kpi-chart-caption",
            x_labels,
            values,
            targets,
            forecast,
            format: &fmt,
            bounds: None,
            weak: &[],
            weak_note: "",
        })
    }

    #[test]
    fn draws_values_targets_and_forecast() {
        let xl = labels(8);
        let values = [
            Some(10.0),
            Some(12.0),
            None,
            Some(15.0),
            Some(14.0),
            Some(16.0),
        ];
        let targets = [
            Some(12.0),
            Some(12.0),
            Some(14.0),
            Some(14.0),
            Some(14.0),
            Some(15.0),
        ];
        let forecast = [(15.0, 17.0, 19.0), (14.0, 18.0, 22.0)];
        let svg = chart(&xl, &values, &targets, &forecast);
        assert_well_formed(&svg);
        assert!(svg.contains(r#"viewBox="0 0 720 280""#));
        assert!(svg.contains(r#"aria-labelledby="kpi-chart-caption""#));
        assert_eq!(svg.matches(r#"<circle class="chart-point""#).count(), 5);
        assert!(svg.contains("<title>M4 – 15 €</title>"));
        let td = svg
            .split(r#"<path class="chart-target" d=""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(td.matches('M').count(), 1, "{td}");
        assert_eq!(
            td.matches('V').count(),
            2,
            "one step per target change: {td}"
        );
        assert!(td.starts_with(&format!("M{LEFT} ")), "{td}");
        assert!(svg.contains(r#"class="chart-band""#));
        assert!(svg.contains("chart-line--forecast"));
        // The y axis covers the band's top (22) and the lowest value (10).
        assert!(svg.contains(">10 €<") || svg.contains(">8 €<"), "{svg}");
        assert!(svg.contains(">22 €<") || svg.contains(">24 €<") || svg.contains(">25 €<"));
        // The value line is broken at the gap.
        let line = svg.split(r#"<path class="chart-line" d=""#).nth(1).unwrap();
        let d = line.split('"').next().unwrap();
        assert_eq!(d.matches('M').count(), 2, "{d}");
        // The forecast starts at the last value's point.
        let fd = svg
            .split(r#"chart-line--forecast" d=""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let last_point = d.rsplit(" L").next().unwrap();
        assert!(fd.starts_with(&format!("M{last_point}")), "{fd} / {d}");
        // Every x label is shown when there are few.
        for l in &xl {
            assert!(svg.contains(&format!(">{l}<")));
        }
    }

    #[test]
    fn text_is_escaped() {
        let xl = vec!["<script>alert(1)</script>".to_owned(), "a & b".to_owned()];
        let values = [Some(1.0), Some(2.0)];
        let f = |v: f64| format!("<b>{v}</b>");
        let svg = line_chart(&LineChart {
            labelled_by: r#"x" onload="evil"#,
            x_labels: &xl,
            values: &values,
            targets: &[],
            forecast: &[],
            format: &f,
            bounds: None,
            weak: &[],
            weak_note: "",
        });
        assert_well_formed(&svg);
        assert!(!svg.contains("<script>") && !svg.contains("<b>"));
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(svg.contains("a &amp; b"));
        assert!(svg.contains(r#"aria-labelledby="x&quot; onload=&quot;evil""#));
    }

    #[test]
    fn x_labels_are_thinned_and_keep_the_latest() {
        let xl: Vec<String> = (1..=60).map(|i| format!("sept. {}", 1990 + i)).collect();
        let values: Vec<Option<f64>> = (0..60).map(|i| Some(f64::from(i))).collect();
        let svg = chart(&xl, &values, &[], &[]);
        assert_well_formed(&svg);
        let shown = xl
            .iter()
            .filter(|l| svg.contains(&format!(">{l}<")))
            .count();
        assert!((2..=MAX_X_LABELS).contains(&shown), "{shown}");
        assert!(svg.contains(">sept. 2050<"));
        assert_eq!(shown_labels(&labels(3)), [0, 1, 2]);
        assert_eq!(
            shown_labels(&labels(16)),
            (0..16).filter(|i| i % 2 == 1).collect::<Vec<_>>()
        );
        assert!(shown_labels(&[]).is_empty());
        let long = vec!["x".repeat(200); 5];
        assert_eq!(shown_labels(&long), [4]);
    }

    #[test]
    fn degenerate_series_do_not_break() {
        let xl = labels(1);
        for svg in [
            chart(&xl, &[Some(5.0)], &[], &[]),
            chart(&xl, &[None], &[None], &[]),
            chart(&[], &[], &[], &[]),
            chart(&labels(6), &[Some(3.0); 6], &[Some(3.0); 6], &[]),
            chart(&labels(3), &[None, None], &[], &[(1.0, 2.0, 3.0)]),
            chart(
                &labels(3),
                &[Some(1.0), Some(f64::NAN)],
                &[Some(f64::INFINITY)],
                &[(f64::NAN, 1.0, 2.0)],
            ),
            chart(
                &labels(2),
                &[Some(-1e300), Some(1e300)],
                &[Some(f64::MAX)],
                &[],
            ),
            chart(&labels(2), &[Some(0.0)], &[Some(0.0)], &[(0.0, 0.0, 0.0)]),
        ] {
            assert_well_formed(&svg);
            assert!(svg.contains(r#"viewBox="0 0 720 280""#));
        }
        let one = chart(&xl, &[Some(5.0)], &[], &[]);
        assert_eq!(one.matches("<circle").count(), 1);
        assert!(
            !one.contains(r#"<path class="chart-line""#),
            "a single point has no line"
        );
    }

    #[test]
    fn the_axis_starts_at_the_first_value() {
        let xl = labels(10);
        let mut values = vec![None; 6];
        values.extend([Some(3.0), Some(4.0), Some(5.0), Some(6.0)]);
        let targets = vec![Some(5.0); 10];
        let svg = chart(&xl, &values, &targets, &[]);
        assert_well_formed(&svg);
        // Only the four periods with data get a slot: M7 sits in the first one.
        for l in ["M1", "M2", "M6"] {
            assert!(!svg.contains(&format!(">{l}<")), "{l} drawn in {svg}");
        }
        assert!(svg.contains(">M7<") && svg.contains(">M10<"));
        let first_x = LEFT + 0.5 * (RIGHT - LEFT) / 4.0;
        assert!(
            svg.contains(&format!(r#"cx="{}""#, coord(first_x))),
            "{svg}"
        );
        assert_eq!(first_shown(&values, false), 6);
        assert_eq!(first_shown(&[None, None], true), 2);
        assert_eq!(first_shown(&[None, None], false), 0);
        assert_eq!(first_shown(&[Some(1.0)], false), 0);
    }

    #[test]
    fn forecast_bands_stay_inside_the_units_range() {
        let band = [(90.0, 98.0, 106.0), (-5.0, 2.0, 9.0), (101.0, 103.0, 110.0)];
        let clipped = clip_forecast(&band, Some((0.0, 100.0)));
        assert_eq!(
            clipped,
            [(90.0, 98.0, 100.0), (0.0, 2.0, 9.0), (100.0, 100.0, 100.0)]
        );
        assert_eq!(clip_forecast(&band, None), band);
        // Drawn: no tick above 100 % is needed any more.
        let xl = labels(6);
        let values = [Some(95.0), Some(97.0), Some(99.0), Some(100.0)];
        let svg = line_chart(&LineChart {
            labelled_by: "c",
            x_labels: &xl,
            values: &values,
            targets: &[],
            forecast: &[(96.0, 101.0, 108.0), (93.0, 102.0, 111.0)],
            format: &fmt,
            bounds: Some((0.0, 100.0)),
            weak: &[],
            weak_note: "",
        });
        assert_well_formed(&svg);
        assert!(
            !svg.contains(">105 €<") && !svg.contains(">110 €<"),
            "{svg}"
        );
    }

    #[test]
    fn weak_points_have_their_own_marker() {
        let xl = labels(3);
        let values = [Some(10.0), Some(100.0), Some(20.0)];
        let svg = line_chart(&LineChart {
            labelled_by: "c",
            x_labels: &xl,
            values: &values,
            targets: &[],
            forecast: &[],
            format: &fmt,
            bounds: None,
            weak: &[false, true, false],
            weak_note: "1 answer",
        });
        assert_well_formed(&svg);
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches("chart-point--weak").count(), 1);
        assert!(
            svg.contains("<title>M2 – 100 € (1 answer)</title>"),
            "{svg}"
        );
    }
}
