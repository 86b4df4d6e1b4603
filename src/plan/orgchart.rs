//! The relationship map's org chart, pure: "reports to" loops, a tidy tree
//! layout (leaves side by side, a manager centred over their reports) and the
//! SVG drawn from it on the server. Every box says the person's influence and
//! attitude in words; the page puts the same facts in a table beside it.

use std::collections::HashMap;

/// Whether `contact` reporting to `manager` would close a loop: `manager`
/// already reports to `contact`, directly or not. `links`: (contact, manager).
pub fn would_loop(links: &[(i64, Option<i64>)], contact: i64, manager: i64) -> bool {
    let up: HashMap<i64, Option<i64>> = links.iter().copied().collect();
    let mut at = Some(manager);
    let mut steps = 0;
    while let Some(c) = at {
        if c == contact {
            return true;
        }
        steps += 1;
        if steps > links.len() {
            // A loop already stored elsewhere (never expected): refuse too.
            return true;
        }
        at = up.get(&c).copied().flatten();
    }
    false
}

/// A person on the chart, with the words to print.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub manager: Option<i64>,
    /// "Decision maker · Champion", in the reader's language.
    pub words: String,
}

/// A box placed on the chart (top-left corner) and the line to its manager.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub id: i64,
    pub x: f64,
    pub y: f64,
    pub depth: usize,
}

pub const BOX_W: f64 = 190.0;
pub const BOX_H: f64 = 62.0;
const GAP_X: f64 = 20.0;
const GAP_Y: f64 = 40.0;

/// Places every person: roots are those with no manager among `people` (a
/// manager missing from the list counts as none), their reports below them.
pub fn layout(people: &[Person]) -> Vec<Placed> {
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut roots = Vec::new();
    for p in people {
        match p.manager.filter(|m| ids.contains(m) && *m != p.id) {
            Some(m) => children.entry(m).or_default().push(p.id),
            None => roots.push(p.id),
        }
    }
    let mut out = Vec::new();
    let mut next_leaf = 0usize;
    let mut seen = std::collections::HashSet::new();
    fn place(
        id: i64,
        depth: usize,
        children: &HashMap<i64, Vec<i64>>,
        next_leaf: &mut usize,
        seen: &mut std::collections::HashSet<i64>,
        out: &mut Vec<Placed>,
    ) -> f64 {
        seen.insert(id);
        let kids: Vec<i64> = children
            .get(&id)
            .map(|k| k.iter().copied().filter(|k| !seen.contains(k)).collect())
            .unwrap_or_default();
        let x = if kids.is_empty() {
            let x = *next_leaf as f64 * (BOX_W + GAP_X);
            *next_leaf += 1;
            x
        } else {
            let xs: Vec<f64> = kids
                .iter()
                .map(|k| place(*k, depth + 1, children, next_leaf, seen, out))
                .collect();
            (xs[0] + xs[xs.len() - 1]) / 2.0
        };
        out.push(Placed {
            id,
            x,
            y: depth as f64 * (BOX_H + GAP_Y),
            depth,
        });
        x
    }
    for r in roots {
        place(r, 0, &children, &mut next_leaf, &mut seen, &mut out);
    }
    // Anyone left (a loop stored before the checks existed) goes on the top row.
    for p in people {
        if !seen.contains(&p.id) {
            place(p.id, 0, &children, &mut next_leaf, &mut seen, &mut out);
        }
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

/// The chart as an SVG element; `label` names it for assistive technology
/// (the table beside it carries the same facts).
pub fn svg(people: &[Person], label: &str) -> String {
    let placed = layout(people);
    let by_id: HashMap<i64, &Placed> = placed.iter().map(|p| (p.id, p)).collect();
    let width = placed.iter().map(|p| p.x + BOX_W).fold(BOX_W, f64::max) + 2.0;
    let height = placed.iter().map(|p| p.y + BOX_H).fold(BOX_H, f64::max) + 2.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"orgchart\" role=\"img\" aria-label=\"{}\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">",
        esc(label)
    );
    for p in people {
        if let (Some(me), Some(boss)) = (by_id.get(&p.id), p.manager.and_then(|m| by_id.get(&m))) {
            let (x1, y1) = (boss.x + BOX_W / 2.0, boss.y + BOX_H);
            let (x2, y2) = (me.x + BOX_W / 2.0, me.y);
            let mid = (y1 + y2) / 2.0;
            s.push_str(&format!(
                "<path class=\"orgchart__link\" d=\"M{x1} {y1} V{mid} H{x2} V{y2}\" fill=\"none\" stroke=\"currentColor\"/>"
            ));
        }
    }
    for p in people {
        let Some(at) = by_id.get(&p.id) else { continue };
        s.push_str(&format!(
            "<g class=\"orgchart__person\" data-contact=\"{id}\" transform=\"translate({x} {y})\">\
             <rect width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"6\" fill=\"#fff\" stroke=\"currentColor\"/>\
             <text x=\"8\" y=\"18\" font-weight=\"bold\">{name}</text>\
             <text x=\"8\" y=\"36\" font-size=\"12\">{title}</text>\
             <text x=\"8\" y=\"54\" font-size=\"12\">{words}</text></g>",
            id = p.id,
            x = at.x + 1.0,
            y = at.y + 1.0,
            name = esc(&cut(&p.name, 24)),
            title = esc(&cut(&p.title, 28)),
            words = esc(&cut(&p.words, 30)),
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i64, manager: Option<i64>) -> Person {
        Person {
            id,
            name: format!("P{id}"),
            title: String::new(),
            manager,
            words: String::new(),
        }
    }

    #[test]
    fn loops_are_found_through_any_number_of_managers() {
        // 3 reports to 2, 2 to 1.
        let links = [(1, None), (2, Some(1)), (3, Some(2))];
        assert!(would_loop(&links, 1, 3), "1 under 3 closes 1→3→2→1");
        assert!(would_loop(&links, 2, 2));
        assert!(!would_loop(&links, 3, 1));
    }

    #[test]
    fn a_manager_is_centred_over_their_reports() {
        let people = [person(1, None), person(2, Some(1)), person(3, Some(1))];
        let placed = layout(&people);
        let at = |id| placed.iter().find(|p| p.id == id).unwrap().clone();
        assert_eq!(at(1).depth, 0);
        assert_eq!(at(2).depth, 1);
        assert_eq!(at(1).x, (at(2).x + at(3).x) / 2.0);
        let svg = svg(&people, "Org <chart>");
        assert!(svg.contains("aria-label=\"Org &lt;chart&gt;\""));
        assert_eq!(svg.matches("orgchart__link").count(), 2);
    }
}
