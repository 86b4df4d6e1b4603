//! The GE-McKinsey 3×3 matrix as server-side SVG: strength of our position on
//! the horizontal axis (high on the left, as the classic grid), attractiveness on
//! the vertical axis (high on top). Cells are coloured by class by their reading;
//! points carry the account's name in a <title>. The page pairs it with a table.

use super::{coord, escape};

pub struct MatrixPoint<'a> {
    pub label: &'a str,
    /// 1–5 scores.
    pub attractiveness: f64,
    pub strength: f64,
}

const W: f64 = 600.0;
const H: f64 = 600.0;
const PAD: f64 = 60.0;

/// x for a strength score (5 on the left), y for an attractiveness score (5 on top).
fn xy(attractiveness: f64, strength: f64) -> (f64, f64) {
    let side = W - 2.0 * PAD;
    let x = PAD + (5.0 - strength.clamp(1.0, 5.0)) / 4.0 * side;
    let y = PAD + (5.0 - attractiveness.clamp(1.0, 5.0)) / 4.0 * (H - 2.0 * PAD);
    (x, y)
}

/// Approximate advance of a character of the 11px label font, and a line's height.
const LABEL_CHAR: f64 = 6.6;
const LABEL_LINE: f64 = 13.0;

/// A label's box: left, top, right, bottom.
type LabelBox = (f64, f64, f64, f64);

fn overlaps(a: LabelBox, b: LabelBox) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Where to write each point's label so that no two labels overlap: the first of
/// a list of spots around the point (right above, right below, left above, left
/// below, then further up and down) that is free and inside the chart. Returns
/// `(x, y, anchor_end)` per point, in order; the baseline is `y`.
pub fn place_labels(
    points: &[(f64, f64, usize)],
    width: f64,
    height: f64,
) -> Vec<(f64, f64, bool)> {
    let mut placed: Vec<LabelBox> = Vec::new();
    points
        .iter()
        .map(|&(px, py, chars)| {
            let w = chars as f64 * LABEL_CHAR;
            let mut candidates: Vec<(f64, f64, bool)> = Vec::new();
            for step in 0..12 {
                let dy = 8.0 + step as f64 * LABEL_LINE;
                candidates.push((px + 8.0, py - dy, false));
                candidates.push((px + 8.0, py + dy + LABEL_LINE - 4.0, false));
                candidates.push((px - 8.0, py - dy, true));
                candidates.push((px - 8.0, py + dy + LABEL_LINE - 4.0, true));
            }
            let bounds = |&(x, y, end): &(f64, f64, bool)| -> LabelBox {
                let left = if end { x - w } else { x };
                (left, y - LABEL_LINE + 3.0, left + w, y + 3.0)
            };
            let inside = |b: LabelBox| b.0 >= 0.0 && b.2 <= width && b.1 >= 0.0 && b.3 <= height;
            let chosen = candidates
                .iter()
                .copied()
                .find(|c| {
                    let b = bounds(c);
                    inside(b) && placed.iter().all(|p| !overlaps(*p, b))
                })
                .unwrap_or(candidates[0]);
            placed.push(bounds(&chosen));
            chosen
        })
        .collect()
}

/// `cells[row][col]` reading codes (invest | selective | harvest), row 0 on top.
pub fn matrix_chart(
    title_id: &str,
    cells: [[&str; 3]; 3],
    label_of: &dyn Fn(&str) -> String,
    axis_x: &str,
    axis_y: &str,
    points: &[MatrixPoint],
) -> String {
    let side = (W - 2.0 * PAD) / 3.0;
    let mut s = format!(
        "<svg class=\"chart chart-matrix\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"{}\">",
        escape(title_id)
    );
    for (r, row) in cells.iter().enumerate() {
        for (c, reading) in row.iter().enumerate() {
            s.push_str(&format!(
                "<rect class=\"chart-cell chart-cell--{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                escape(reading),
                coord(PAD + c as f64 * side),
                coord(PAD + r as f64 * side),
                coord(side),
                coord(side)
            ));
            // The reading in words too: colour never carries meaning alone.
            s.push_str(&format!(
                "<text class=\"chart-label\" x=\"{}\" y=\"{}\">{}</text>",
                coord(PAD + c as f64 * side + 6.0),
                coord(PAD + (r + 1) as f64 * side - 6.0),
                escape(&label_of(reading))
            ));
        }
    }
    s.push_str(&format!(
        "<text class=\"chart-axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        coord(W / 2.0),
        coord(H - 20.0),
        escape(axis_x)
    ));
    s.push_str(&format!(
        "<text class=\"chart-axis\" x=\"20\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 20 {})\">{}</text>",
        coord(H / 2.0),
        coord(H / 2.0),
        escape(axis_y)
    ));
    let spots: Vec<(f64, f64, usize)> = points
        .iter()
        .map(|p| {
            let (x, y) = xy(p.attractiveness, p.strength);
            (x, y, p.label.chars().count())
        })
        .collect();
    let labels = place_labels(&spots, W, H);
    for (p, ((x, y, _), (lx, ly, end))) in points.iter().zip(spots.iter().zip(labels)) {
        s.push_str(&format!(
            "<g class=\"chart-point-group\"><circle class=\"chart-point\" cx=\"{}\" cy=\"{}\" r=\"6\"><title>{}</title></circle>\
             <text class=\"chart-label\" x=\"{}\" y=\"{}\"{}>{}</text></g>",
            coord(*x),
            coord(*y),
            escape(p.label),
            coord(lx),
            coord(ly),
            if end { " text-anchor=\"end\"" } else { "" },
            escape(p.label)
        ));
    }
    s.push_str("</svg>");
    s
}

pub struct ScatterPoint<'a> {
    pub label: &'a str,
    pub x: f64,
    pub y: f64,
}

/// A scatter plot of a KPI (x) against an outcome (y), with round ticks.
pub fn scatter_chart(
    title_id: &str,
    x_label: &str,
    y_label: &str,
    points: &[ScatterPoint],
) -> String {
    let (w, h, pad) = (720.0, 420.0, 56.0);
    let xs = super::extent(points.iter().map(|p| p.x).filter(|v| super::plottable(*v)));
    let ys = super::extent(points.iter().map(|p| p.y).filter(|v| super::plottable(*v)));
    let mut s = format!(
        "<svg class=\"chart chart-scatter\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{}\">",
        escape(title_id)
    );
    if let (Some((x0, x1)), Some((y0, y1))) = (xs, ys) {
        let xt = super::nice_ticks(x0, x1);
        let yt = super::nice_ticks(y0, y1);
        let (xl, xh) = (xt[0], *xt.last().unwrap_or(&x1));
        let (yl, yh) = (yt[0], *yt.last().unwrap_or(&y1));
        for t in &yt {
            let y = super::scale(*t, yl, yh, h - pad, pad / 2.0);
            s.push_str(&format!(
                "<line class=\"chart-grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text class=\"chart-axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                coord(pad), coord(y), coord(w - pad / 2.0), coord(y), coord(pad - 6.0), coord(y + 4.0), t
            ));
        }
        for t in &xt {
            let x = super::scale(*t, xl, xh, pad, w - pad / 2.0);
            s.push_str(&format!(
                "<text class=\"chart-axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                coord(x),
                coord(h - pad + 18.0),
                t
            ));
        }
        for p in points
            .iter()
            .filter(|p| super::plottable(p.x) && super::plottable(p.y))
        {
            s.push_str(&format!(
                "<circle class=\"chart-point\" cx=\"{}\" cy=\"{}\" r=\"4\"><title>{}</title></circle>",
                coord(super::scale(p.x, xl, xh, pad, w - pad / 2.0)),
                coord(super::scale(p.y, yl, yh, h - pad, pad / 2.0)),
                escape(p.label)
            ));
        }
    }
    s.push_str(&format!(
        "<text class=\"chart-axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        coord(w / 2.0),
        coord(h - 8.0),
        escape(x_label)
    ));
    s.push_str(&format!(
        "<text class=\"chart-axis\" x=\"14\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">{}</text>",
        coord(h / 2.0), coord(h / 2.0), escape(y_label)
    ));
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::test_support::assert_well_formed;

    #[test]
    fn matrix_is_well_formed_escaped_and_places_points_by_score() {
        let svg = matrix_chart(
            "m",
            [["invest"; 3]; 3],
            &|c| c.to_owned(),
            "x",
            "y",
            &[MatrixPoint {
                label: "<A&B>",
                attractiveness: 5.0,
                strength: 5.0,
            }],
        );
        assert_well_formed(&svg);
        assert!(svg.contains("&lt;A&amp;B&gt;"));
        assert!(!svg.contains("style="));
        // Strong and attractive: top-left corner.
        assert!(svg.contains("cx=\"60\" cy=\"60\""), "{svg}");
    }

    #[test]
    fn matrix_labels_never_overlap() {
        // Six accounts on nearly the same spot, as in a crowded cell.
        let spots: Vec<(f64, f64, usize)> = (0..6)
            .map(|i| (300.0 + i as f64, 300.0 - i as f64, 18))
            .collect();
        let placed = place_labels(&spots, W, H);
        let boxes: Vec<LabelBox> = placed
            .iter()
            .zip(&spots)
            .map(|(&(x, y, end), &(_, _, n))| {
                let w = n as f64 * LABEL_CHAR;
                let left = if end { x - w } else { x };
                (left, y - LABEL_LINE + 3.0, left + w, y + 3.0)
            })
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.0 >= 0.0 && a.2 <= W, "{a:?}");
            for b in &boxes[i + 1..] {
                assert!(!overlaps(*a, *b), "{a:?} overlaps {b:?}");
            }
        }
        // A lone point keeps the usual spot: right, above.
        assert_eq!(
            place_labels(&[(100.0, 100.0, 5)], W, H),
            [(108.0, 92.0, false)]
        );
    }

    #[test]
    fn scatter_survives_no_points_and_non_finite_values() {
        assert_well_formed(&scatter_chart("s", "x", "y", &[]));
        let svg = scatter_chart(
            "s",
            "x",
            "y",
            &[
                ScatterPoint {
                    label: "a",
                    x: 1.0,
                    y: 2.0,
                },
                ScatterPoint {
                    label: "b",
                    x: f64::NAN,
                    y: 3.0,
                },
                ScatterPoint {
                    label: "c",
                    x: 3.0,
                    y: 1.0,
                },
            ],
        );
        assert_well_formed(&svg);
        assert_eq!(svg.matches("<circle").count(), 2);
    }
}
