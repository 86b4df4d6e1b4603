//! Editable theme taxonomy and keyword matching.
//!
//! A [`Taxonomy`] is plain data (one row per theme in the app's database) plus matchers
//! compiled from it. Keywords are folded like the text, so accents and case never matter;
//! a trailing `*` makes a stem ("livr*" matches "livraison", "livrées"), and keywords of
//! several words match consecutive words within one clause ("service client").

use serde::{Deserialize, Serialize};

use super::tokenize::{Token, TokenKind, tokenize, words};

/// One theme as stored and edited by admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// Stable identifier reported in [`super::Analysis::themes`], e.g. "delivery".
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub keywords_fr: Vec<String>,
    pub keywords_en: Vec<String>,
}

impl Theme {
    /// Builds a theme from comma-separated keyword lists, as typed in an admin form.
    pub fn new(
        code: &str,
        name_fr: &str,
        name_en: &str,
        keywords_fr: &str,
        keywords_en: &str,
    ) -> Self {
        Theme {
            code: code.trim().to_string(),
            name_fr: name_fr.trim().to_string(),
            name_en: name_en.trim().to_string(),
            keywords_fr: parse_keywords(keywords_fr),
            keywords_en: parse_keywords(keywords_en),
        }
    }
}

/// Parses a keyword list typed as "livr*, délai de livraison; transporteur".
///
/// Separators are commas, semicolons and newlines; entries are trimmed, inner whitespace
/// collapsed, empties and duplicates (after folding) dropped, order kept.
pub fn parse_keywords(list: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    list.split([',', ';', '\n'])
        .map(|k| k.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|k| !k.is_empty() && k != "*")
        .filter(|k| seen.insert(super::tokenize::fold(k)))
        .collect()
}

/// One compiled keyword: folded words, each exact or a prefix.
#[derive(Debug, Clone, PartialEq)]
struct Pattern(Vec<(String, bool)>);

impl Pattern {
    /// Compiles a keyword; `None` if it has no usable word. Stems shorter than 3
    /// characters are kept exact, because "li*" would match half the vocabulary.
    fn compile(keyword: &str) -> Option<Self> {
        let parts: Vec<(String, bool)> = keyword
            .split_whitespace()
            .flat_map(|w| {
                let stem = w.ends_with('*');
                let toks = words(w.trim_end_matches('*'));
                let n = toks.len();
                toks.into_iter().enumerate().map(move |(i, t)| {
                    let prefix = stem && i + 1 == n && t.chars().count() >= 3;
                    (t, prefix)
                })
            })
            .collect();
        (!parts.is_empty()).then_some(Pattern(parts))
    }

    fn matches_at(&self, tokens: &[Token], i: usize) -> bool {
        let end = i + self.0.len();
        end <= tokens.len()
            && tokens[i..end].iter().zip(&self.0).all(|(t, (w, prefix))| {
                t.kind == TokenKind::Word
                    && if *prefix {
                        t.text.starts_with(w.as_str())
                    } else {
                        t.text == *w
                    }
            })
    }
}

/// Themes plus their compiled matchers. Build it with [`Taxonomy::new`] (or
/// `Taxonomy::default()`), match with [`Taxonomy::themes_of`].
#[derive(Debug, Clone, PartialEq)]
pub struct Taxonomy {
    themes: Vec<Theme>,
    compiled: Vec<Vec<Pattern>>,
    /// (theme, pattern) by the first three characters of the pattern's first word:
    /// a token only tries the few patterns that could start with it.
    index: std::collections::HashMap<String, Vec<(usize, usize)>>,
}

/// The index key of a word: its first three characters (or all of a shorter one).
fn key(word: &str) -> String {
    word.chars().take(3).collect()
}

impl Taxonomy {
    /// Compiles a taxonomy from plain data (e.g. rows loaded from the database).
    pub fn new(themes: Vec<Theme>) -> Self {
        let compiled: Vec<Vec<Pattern>> = themes
            .iter()
            .map(|t| {
                t.keywords_fr
                    .iter()
                    .chain(&t.keywords_en)
                    .filter_map(|k| Pattern::compile(k))
                    .collect()
            })
            .collect();
        let mut index: std::collections::HashMap<String, Vec<(usize, usize)>> =
            std::collections::HashMap::new();
        for (t, patterns) in compiled.iter().enumerate() {
            for (p, pattern) in patterns.iter().enumerate() {
                index.entry(key(&pattern.0[0].0)).or_default().push((t, p));
            }
        }
        Taxonomy {
            themes,
            compiled,
            index,
        }
    }

    pub fn themes(&self) -> &[Theme] {
        &self.themes
    }

    pub fn into_themes(self) -> Vec<Theme> {
        self.themes
    }

    pub fn theme(&self, code: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.code == code)
    }

    /// Codes of the themes mentioned in `text`, in taxonomy order, each once.
    ///
    /// Keywords of both languages are tried whatever the text's language, because B2B
    /// feedback often mixes them ("le support", "le pricing").
    pub fn themes_of(&self, text: &str) -> Vec<String> {
        let tokens = tokenize(text);
        let mut found = vec![false; self.themes.len()];
        for (i, token) in tokens.iter().enumerate() {
            if token.kind != TokenKind::Word {
                continue;
            }
            for &(t, p) in self.index.get(&key(&token.text)).into_iter().flatten() {
                if !found[t] && self.compiled[t][p].matches_at(&tokens, i) {
                    found[t] = true;
                }
            }
        }
        self.themes
            .iter()
            .zip(found)
            .filter(|(_, f)| *f)
            .map(|(t, _)| t.code.clone())
            .collect()
    }
}

impl Default for Taxonomy {
    /// The built-in B2B taxonomy (see `default_taxonomy.rs`).
    fn default() -> Self {
        Taxonomy::new(super::default_taxonomy::default_themes())
    }
}

impl Serialize for Taxonomy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.themes.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Taxonomy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<Theme>::deserialize(d).map(Taxonomy::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keyword_lists() {
        assert_eq!(
            parse_keywords(" livr* ,délai  de livraison;; Livr*\n,transporteur, *"),
            ["livr*", "délai de livraison", "transporteur"]
        );
        assert!(parse_keywords("").is_empty());
    }

    #[test]
    fn stems_phrases_and_accents() {
        let tax = Taxonomy::default();
        assert_eq!(tax.themes_of("Les livraisons sont en retard"), ["delivery"]);
        assert_eq!(tax.themes_of("Marchandises livrées hier"), ["delivery"]);
        assert_eq!(tax.themes_of("Three invoices were wrong"), ["invoicing"]);
        assert!(
            tax.themes_of("Le SERVICE CLIENT ne répond pas")
                .contains(&"support".into())
        );
        assert!(
            tax.themes_of("reactivite")
                .contains(&"responsiveness".into())
        );
        assert!(
            tax.themes_of("Quelle réactivité !")
                .contains(&"responsiveness".into())
        );
        assert!(tax.themes_of("Bonjour").is_empty());
    }

    #[test]
    fn custom_taxonomy_from_plain_data() {
        let tax = Taxonomy::new(vec![Theme::new(
            "safety",
            "Sécurité",
            "Safety",
            "sécurité, EPI, accident*",
            "safety, PPE, accident*",
        )]);
        assert_eq!(tax.themes_of("Aucun accident signalé"), ["safety"]);
        assert_eq!(tax.themes_of("PPE was missing"), ["safety"]);
        assert!(tax.themes_of("Les livraisons").is_empty());
        let json = serde_json::to_string(&tax).unwrap();
        let back: Taxonomy = serde_json::from_str(&json).unwrap();
        assert_eq!(back, tax);
    }

    #[test]
    fn multiword_keywords_do_not_cross_punctuation() {
        let tax = Taxonomy::new(vec![Theme::new("s", "S", "S", "service client", "")]);
        assert_eq!(tax.themes_of("le service client"), ["s"]);
        assert!(tax.themes_of("le service, client").is_empty());
    }
}
