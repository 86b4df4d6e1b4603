//! The whitespace map as CSV, pure: one line a cell (unit, offering, who serves
//! it, which competitor, estimated value). The export writes what the import
//! reads, so a map exported and imported into an emptied map is the same map.
//! An import names every bad line and its reason, and nothing is written unless
//! every line is good.

use rust_decimal::Decimal;

/// Who serves a cell today.
pub const SERVED_BY: &[&str] = &["us", "competitor", "in_house", "nobody"];

/// A cell read from a CSV line, by the names of its unit and offering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub unit: String,
    pub offering: String,
    pub served_by: String,
    pub competitor: Option<String>,
    pub value: Option<Decimal>,
}

/// A refused line: its number in the file (1 is the header) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub line: usize,
    /// Message key: whitespace-csv-unknown-unit, -unknown-offering, -served-by,
    /// -competitor, -value, -columns, -twice.
    pub key: &'static str,
    /// The value at fault (shown in the message).
    pub value: String,
}

/// A cell exported may have been defused for spreadsheets (`'=…`): undo it.
fn undefuse(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Reads the lines of a CSV (header first, any header words) against the
/// account's unit and offering names. Either every line, or every refusal.
pub fn parse(
    text: &str,
    units: &[String],
    offerings: &[String],
) -> Result<Vec<Line>, Vec<Refusal>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut lines = Vec::new();
    let mut refusals = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, record) in reader.records().enumerate() {
        let n = i + 2;
        let refuse = |refusals: &mut Vec<Refusal>, key, value: &str| {
            refusals.push(Refusal {
                line: n,
                key,
                value: value.to_owned(),
            })
        };
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                refuse(&mut refusals, "whitespace-csv-columns", "");
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != 5 {
            refuse(
                &mut refusals,
                "whitespace-csv-columns",
                &record.len().to_string(),
            );
            continue;
        }
        let cell = |k: usize| undefuse(record.get(k).unwrap_or("").trim()).to_owned();
        let (unit, offering, served_by, competitor, value) =
            (cell(0), cell(1), cell(2), cell(3), cell(4));
        let before = refusals.len();
        if !units.contains(&unit) {
            refuse(&mut refusals, "whitespace-csv-unknown-unit", &unit);
        }
        if !offerings.contains(&offering) {
            refuse(&mut refusals, "whitespace-csv-unknown-offering", &offering);
        }
        if !SERVED_BY.contains(&served_by.as_str()) {
            refuse(&mut refusals, "whitespace-csv-served-by", &served_by);
        }
        let competitor = (!competitor.is_empty()).then_some(competitor);
        if (served_by == "competitor") != competitor.is_some()
            || competitor.as_ref().is_some_and(|c| c.chars().count() > 120)
        {
            refuse(
                &mut refusals,
                "whitespace-csv-competitor",
                competitor.as_deref().unwrap_or(""),
            );
        }
        let value = if value.is_empty() {
            None
        } else {
            match value.parse::<Decimal>() {
                Ok(v) if v >= Decimal::ZERO && v < Decimal::from(1_000_000_000_000i64) => {
                    Some(v.round_dp(2))
                }
                _ => {
                    refuse(&mut refusals, "whitespace-csv-value", &value);
                    None
                }
            }
        };
        if refusals.len() == before && !seen.insert((unit.clone(), offering.clone())) {
            refuse(
                &mut refusals,
                "whitespace-csv-twice",
                &format!("{unit} × {offering}"),
            );
        }
        if refusals.len() == before {
            lines.push(Line {
                unit,
                offering,
                served_by,
                competitor,
                value,
            });
        }
    }
    if refusals.is_empty() {
        Ok(lines)
    } else {
        Err(refusals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn good_lines_are_read_and_bad_ones_named() {
        let units = names(&["Lyon", "Lille"]);
        let offerings = names(&["Transport", "Stockage"]);
        let ok = "\u{feff}unit,offering,served by,competitor,value\n\
                  Lyon,Transport,us,,1200.5\nLille,Stockage,competitor,Geodis,300\n";
        let lines = parse(ok, &units, &offerings).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].competitor.as_deref(), Some("Geodis"));
        assert_eq!(lines[0].value, Some(Decimal::new(12005, 1)));
        let bad = "h1,h2,h3,h4,h5\nLyon,Transport,us,,1\nParis,Conseil,nobody,,\nLille,Transport,competitor,,-3\n";
        let e = parse(bad, &units, &offerings).unwrap_err();
        assert_eq!(
            e.iter().map(|r| (r.line, r.key)).collect::<Vec<_>>(),
            vec![
                (3, "whitespace-csv-unknown-unit"),
                (3, "whitespace-csv-unknown-offering"),
                (4, "whitespace-csv-competitor"),
                (4, "whitespace-csv-value"),
            ]
        );
    }
}
