//! Per-language dictionaries: third-party polarity lexicons, our B2B supplement, and the
//! rule words (negators, intensifiers, contrast markers) merged into one lookup structure.
//!
//! Merge order (later wins): third-party lexicon → B2B supplement → rule words. The B2B
//! files may therefore correct a general-purpose score for the business domain (e.g.
//! VADER's "support" = +1.7 is a department name here, so it is overridden to 0).

use std::collections::HashMap;
use std::sync::LazyLock;

use super::Language;
use super::rules;
use super::tokenize::{Token, TokenKind, has_accents, lower, words};

/// What a word or phrase does in a sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Entry {
    /// Valence on VADER's [-4, 4] scale. 0 marks a neutral idiom ("bon de commande") whose
    /// only role is to consume its tokens so they are not scored individually.
    Polar(f64),
    /// Multiplies the valence of polar words in its scope (VADER uses -0.74).
    Negator(f64),
    /// Adds `scalar` to the magnitude of a following polar word (negative = dampener).
    /// When no polar word follows, the word scores `own` by itself ("bien", "super"),
    /// only if another word follows when `own_needs_next` ("too" in "far too long" but not
    /// in "me too").
    Booster {
        scalar: f64,
        own: f64,
        own_needs_next: bool,
    },
    /// "mais", "but": the clause before weighs less, the one after more.
    Contrast,
    /// "bien que", "although": the clause it opens is a concession and weighs less.
    Concessive,
    /// Counterfactual modal ("devrait être", "should be"): a positive word in its scope is
    /// an unmet expectation ("the quality should be better"), so it flips; negative words
    /// and texts without polar words are left alone (requests are neutral).
    Modal,
}

/// A single-word or stem entry with the accented spelling it was written with.
#[derive(Debug, Clone)]
struct Keyed {
    lower: String,
    accented: bool,
    entry: Entry,
}

impl Keyed {
    /// Folding merges "sûr" and "sur"; when both the text and the entry carry accents,
    /// they must agree. Unaccented text (or an unaccented entry) matches by folded form.
    fn accepts(&self, token: &Token, prefix: bool) -> bool {
        let token_accented = has_accents(&token.lower);
        !token_accented
            || !self.accented
            || if prefix {
                token.lower.starts_with(self.lower.as_str())
            } else {
                token.lower == self.lower
            }
    }
}

pub(crate) struct Dictionary {
    /// Folded word → entries sharing that folded form, later (overriding) ones last.
    words: HashMap<String, Vec<Keyed>>,
    /// Multi-token entries keyed by first token, longest first.
    phrases: HashMap<String, Vec<(Vec<String>, Entry)>>,
    /// Prefix entries ("retard*") by folded stem, longest first so the most specific wins.
    stems: Vec<(String, Keyed)>,
}

impl Dictionary {
    fn new() -> Self {
        Dictionary {
            words: HashMap::new(),
            phrases: HashMap::new(),
            stems: Vec::new(),
        }
    }

    /// Inserts a rule word, replacing every entry that folds to the same key: closed-class
    /// words ("malgré") must not lose to a lexicon spelling variant.
    fn insert_rule(&mut self, key: &str, entry: Entry) {
        if let [w] = words(key).as_slice() {
            self.words.remove(w);
        }
        self.insert(key, entry);
    }

    /// Inserts a folded key. A trailing '*' makes a stem; several words make a phrase.
    pub(crate) fn insert(&mut self, key: &str, entry: Entry) {
        let (key, is_stem) = match key.trim().strip_suffix('*') {
            Some(k) => (k, true),
            None => (key.trim(), false),
        };
        let toks = words(key);
        let keyed = || {
            let lower = lower(key);
            Keyed {
                accented: has_accents(&lower),
                lower,
                entry,
            }
        };
        match (toks.len(), is_stem) {
            (0, _) => {}
            (1, true) => {
                let k = keyed();
                let stem = toks.into_iter().next().unwrap_or_default();
                self.stems
                    .retain(|(s, old)| *s != stem || old.lower != k.lower);
                self.stems.push((stem, k));
            }
            (1, false) => {
                let k = keyed();
                let list = self.words.entry(toks[0].clone()).or_default();
                // A later entry with the same spelling overrides; one that differs only in
                // accents coexists ("sûr" and "sur").
                list.retain(|old| old.lower != k.lower);
                list.push(k);
            }
            _ => {
                let list = self.phrases.entry(toks[0].clone()).or_default();
                list.retain(|(p, _)| *p != toks);
                list.push((toks, entry));
            }
        }
    }

    fn finish(&mut self) {
        for list in self.phrases.values_mut() {
            list.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        }
        self.stems
            .sort_by_key(|(s, _)| std::cmp::Reverse(s.chars().count()));
    }

    /// Longest entry starting at `tokens[i]`: returns it and how many tokens it spans.
    /// Phrases beat single words, exact words beat stems.
    pub(crate) fn lookup(&self, tokens: &[Token], i: usize) -> Option<(Entry, usize)> {
        let first = &tokens.get(i)?.text;
        if let Some(list) = self.phrases.get(first) {
            for (phrase, entry) in list {
                let end = i + phrase.len();
                if end <= tokens.len()
                    && tokens[i..end]
                        .iter()
                        .zip(phrase)
                        .all(|(t, p)| t.kind == TokenKind::Word && t.text == *p)
                {
                    return Some((*entry, phrase.len()));
                }
            }
        }
        let token = &tokens[i];
        if let Some(list) = self.words.get(first) {
            // Same spelling first ("sûr" → "sûr"), then any compatible spelling.
            let exact = list.iter().rev().find(|k| k.lower == token.lower);
            if let Some(k) = exact.or_else(|| list.iter().rev().find(|k| k.accepts(token, false))) {
                return Some((k.entry, 1));
            }
        }
        self.stems
            .iter()
            .find(|(s, k)| first.starts_with(s.as_str()) && k.accepts(token, true))
            .map(|(_, k)| (k.entry, 1))
    }

    /// Number of entries of all kinds (for tests).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.words.len() + self.stems.len() + self.phrases.values().map(Vec::len).sum::<usize>()
    }
}

/// Parses "word<TAB>score" lines; '#' starts a comment. Malformed lines are skipped because
/// the files are compiled in and covered by tests.
fn load_tsv(dict: &mut Dictionary, text: &str) {
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split('\t');
        let (Some(word), Some(score)) = (parts.next(), parts.next()) else {
            continue;
        };
        if let Ok(v) = score.trim().parse::<f64>() {
            dict.insert(word, Entry::Polar(v.clamp(-4.0, 4.0)));
        }
    }
}

fn build(lang: Language) -> Dictionary {
    let mut dict = Dictionary::new();
    match lang {
        Language::English => {
            load_tsv(&mut dict, include_str!("data/lexicon_en.tsv"));
            load_tsv(&mut dict, include_str!("data/lexicon_b2b_en.tsv"));
        }
        Language::French => {
            load_tsv(&mut dict, include_str!("data/lexicon_fr.tsv"));
            load_tsv(&mut dict, include_str!("data/lexicon_b2b_fr.tsv"));
        }
    }
    for (key, entry) in rules::rules(lang) {
        dict.insert_rule(key, entry);
    }
    dict.finish();
    dict
}

static FRENCH: LazyLock<Dictionary> = LazyLock::new(|| build(Language::French));
static ENGLISH: LazyLock<Dictionary> = LazyLock::new(|| build(Language::English));

pub(crate) fn dictionary(lang: Language) -> &'static Dictionary {
    match lang {
        Language::French => &FRENCH,
        Language::English => &ENGLISH,
    }
}

/// Polarity of a single folded word in `lang`'s lexicon, if it is a polar word.
/// Exposed for diagnostics ("why did this score negative?").
pub fn word_valence(word: &str, lang: Language) -> Option<f64> {
    let toks = super::tokenize::tokenize(word);
    match dictionary(lang).lookup(&toks, 0) {
        Some((Entry::Polar(v), 1)) if v != 0.0 => Some(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_disambiguate_folded_collisions() {
        // Pattern rates "équipé" (equipped); "équipe" (team) must not inherit it.
        assert_eq!(word_valence("équipe", Language::French), None);
        assert!(word_valence("déçu", Language::French).unwrap() < 0.0);
        assert!(word_valence("decu", Language::French).unwrap() < 0.0);
        assert!(word_valence("REACTIF", Language::French).unwrap() > 0.0);
    }

    #[test]
    fn lexicons_load() {
        assert!(dictionary(Language::English).len() > 7000);
        assert!(dictionary(Language::French).len() > 3000);
    }

    #[test]
    fn b2b_overrides_and_stems() {
        // VADER scores "support" positively; in B2B it is a department name.
        assert_eq!(word_valence("support", Language::English), None);
        assert!(word_valence("great", Language::English).unwrap() > 2.0);
        assert!(word_valence("retards", Language::French).unwrap() < 0.0);
        assert!(word_valence("Réactif", Language::French).unwrap() > 0.0);
        assert!(word_valence("injoignable", Language::French).unwrap() < 0.0);
        assert!(word_valence("outage", Language::English).unwrap() < 0.0);
    }
}
