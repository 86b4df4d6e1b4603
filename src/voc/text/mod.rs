//! Boussole VoC text analysis: language, sentiment and themes of short B2B customer
//! feedback in French and English.
//!
//! Pure functions only (no I/O, no async): lexicons are compiled in and parsed once.
//!
//! ```
//! use boussole::voc::text::{analyze, Label, Language, Taxonomy};
//! let tax = Taxonomy::default();
//! let a = analyze("Le produit est bon mais les livraisons sont toujours en retard.", &tax);
//! assert_eq!(a.language, Language::French);
//! assert_eq!(a.label, Label::Negative);
//! assert!(a.themes.contains(&"delivery".to_string()));
//! ```

mod default_taxonomy;
pub mod eval;
mod language;
mod lexicon;
mod rules;
mod sentiment;
mod themes;
mod tokenize;

use serde::{Deserialize, Serialize};

pub use language::detect_language;
pub use lexicon::word_valence;
pub use sentiment::{explain, sentiment};
pub use themes::{Taxonomy, Theme, parse_keywords};
pub use tokenize::fold;

/// Scores at or beyond ±this are labelled positive/negative. VADER uses 0.05; on the dev
/// half of `data/labelled.tsv` accuracy is flat from 0.075 to 0.2 and 0.1 sits in that
/// plateau (`cargo run --release --example accuracy` prints the sweep).
pub const LABEL_THRESHOLD: f64 = 0.1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    #[serde(rename = "fr")]
    French,
    #[serde(rename = "en")]
    English,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::French => "fr",
            Language::English => "en",
        }
    }

    /// Parses "fr"/"en" (case-insensitive, also "french"/"english").
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" | "fra" | "french" | "francais" | "français" => Some(Language::French),
            "en" | "eng" | "english" | "anglais" => Some(Language::English),
            _ => None,
        }
    }
}

crate::domain::vocab!(
    /// The sentiment of a text; its label key names it on the VoC pages.
    Sentiment, [], {
        Negative => "negative",
        Neutral => "neutral",
        Positive => "positive",
    }
);

/// The analysis calls a sentiment a label.
pub type Label = Sentiment;

impl Sentiment {
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "negative" | "neg" => Some(Label::Negative),
            "neutral" | "neu" => Some(Label::Neutral),
            "positive" | "pos" => Some(Label::Positive),
            _ => None,
        }
    }

    /// Label of a score in [-1, 1] using [`LABEL_THRESHOLD`].
    pub fn from_score(score: f64) -> Self {
        if score >= LABEL_THRESHOLD {
            Label::Positive
        } else if score <= -LABEL_THRESHOLD {
            Label::Negative
        } else {
            Label::Neutral
        }
    }
}

/// Result of [`analyze`]. Serialises as
/// `{"language":"fr","score":-0.62,"label":"negative","themes":["delivery"]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub language: Language,
    /// Sentiment in [-1, 1], rounded to 3 decimals.
    pub score: f64,
    pub label: Label,
    /// Codes of the matched themes, in taxonomy order.
    pub themes: Vec<String>,
}

/// Analyses one feedback text. Whitespace-only text is English, neutral, without themes.
pub fn analyze(text: &str, taxonomy: &Taxonomy) -> Analysis {
    if text.trim().is_empty() {
        return analyze_in(text, Language::English, taxonomy);
    }
    analyze_in(text, detect_language(text), taxonomy)
}

/// Like [`analyze`] when the language is already known (e.g. the survey's language),
/// skipping detection.
pub fn analyze_in(text: &str, language: Language, taxonomy: &Taxonomy) -> Analysis {
    if text.trim().is_empty() {
        return Analysis {
            language,
            score: 0.0,
            label: Label::Neutral,
            themes: Vec::new(),
        };
    }
    // `+ 0.0` turns a rounded -0.0 into 0.0 so JSON never shows "-0.0".
    let score = (sentiment(text, language) * 1000.0).round() / 1000.0 + 0.0;
    Analysis {
        language,
        score,
        label: Label::from_score(score),
        themes: taxonomy.themes_of(text),
    }
}
