//! Evaluation helpers for the labelled feedback set (`data/labelled.tsv`), shared by
//! `examples/accuracy.rs` and the accuracy tests. Not needed at run time by the app.

use super::{Label, Language, Taxonomy, analyze};

/// One labelled sentence: `lang<TAB>label<TAB>themes<TAB>text`.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub lang: Language,
    pub label: Label,
    pub themes: Vec<String>,
    pub text: String,
    /// Data rows alternate dev (even index) / test (odd index).
    pub is_test: bool,
}

/// Parses the TSV; '#' lines are comments. Malformed rows are reported as errors with
/// their line number.
pub fn parse_labelled(tsv: &str) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [lang, label, themes, text] = cols[..] else {
            return Err(format!("line {}: expected 4 columns", n + 1));
        };
        let lang = Language::from_code(lang).ok_or(format!("line {}: lang", n + 1))?;
        let label = Label::from_code(label).ok_or(format!("line {}: label", n + 1))?;
        let themes = themes
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect();
        let is_test = rows.len() % 2 == 1;
        rows.push(Row {
            lang,
            label,
            themes,
            text: text.to_string(),
            is_test,
        });
    }
    Ok(rows)
}

const LABELS: [Label; 3] = [Label::Negative, Label::Neutral, Label::Positive];

fn idx(l: Label) -> usize {
    LABELS.iter().position(|&x| x == l).unwrap_or(1)
}

/// Metrics over a set of rows.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub n: usize,
    pub language_correct: usize,
    pub sentiment_correct: usize,
    /// Per language (fr, en): (correct, total).
    pub per_language: [(usize, usize); 2],
    /// `confusion[gold][predicted]` in the order negative, neutral, positive.
    pub confusion: [[usize; 3]; 3],
    pub theme_tp: usize,
    pub theme_fp: usize,
    pub theme_fn: usize,
    /// (row, predicted label, score) of sentiment errors.
    pub errors: Vec<(Row, Label, f64)>,
}

impl Report {
    pub fn language_accuracy(&self) -> f64 {
        ratio(self.language_correct, self.n)
    }
    pub fn sentiment_accuracy(&self) -> f64 {
        ratio(self.sentiment_correct, self.n)
    }
    pub fn sentiment_accuracy_for(&self, lang: Language) -> f64 {
        let (c, t) = self.per_language[lang_idx(lang)];
        ratio(c, t)
    }
    pub fn theme_precision(&self) -> f64 {
        ratio(self.theme_tp, self.theme_tp + self.theme_fp)
    }
    pub fn theme_recall(&self) -> f64 {
        ratio(self.theme_tp, self.theme_tp + self.theme_fn)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn lang_idx(l: Language) -> usize {
    match l {
        Language::French => 0,
        Language::English => 1,
    }
}

/// Runs [`analyze`] on every row. Sentiment is scored in the *gold* language so that a
/// language error does not also count as a sentiment error; language is reported apart.
pub fn evaluate<'a>(rows: impl IntoIterator<Item = &'a Row>, taxonomy: &Taxonomy) -> Report {
    let mut r = Report::default();
    for row in rows {
        let a = analyze(&row.text, taxonomy);
        let score = super::sentiment(&row.text, row.lang);
        let label = Label::from_score(score);
        r.n += 1;
        r.language_correct += usize::from(a.language == row.lang);
        let ok = label == row.label;
        r.sentiment_correct += usize::from(ok);
        let pl = &mut r.per_language[lang_idx(row.lang)];
        pl.0 += usize::from(ok);
        pl.1 += 1;
        r.confusion[idx(row.label)][idx(label)] += 1;
        if !ok {
            r.errors.push((row.clone(), label, score));
        }
        for t in &a.themes {
            if row.themes.contains(t) {
                r.theme_tp += 1;
            } else {
                r.theme_fp += 1;
            }
        }
        r.theme_fn += row.themes.iter().filter(|t| !a.themes.contains(t)).count();
    }
    r
}
