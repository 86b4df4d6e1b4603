//! Lexicon + rules sentiment scoring, modelled on VADER (Hutto & Gilbert, 2014) and
//! extended for French negation ("ne ... pas"), concession and B2B idioms.
//!
//! Pipeline: tokens → units (longest dictionary match, so idioms win over their words) →
//! contrast weights per unit → valence of each polar unit (boosters, caps, negation) →
//! sum → normalised to [-1, 1] with x / sqrt(x² + α).

use super::Language;
use super::lexicon::{Entry, dictionary};
use super::rules::FR_NE_PARTNERS;
use super::tokenize::{Token, TokenKind, tokenize};

/// VADER's normalisation constant: a single strong word (≈2) maps to ≈0.46.
const ALPHA: f64 = 15.0;
/// How far back (in units) negators and boosters reach, like VADER.
const SCOPE: usize = 3;
/// Negation of a negative word is weaker than negation of a positive one: "pas de
/// problème" is reassuring, not enthusiastic.
const NEGATIVE_FLIP_DAMPING: f64 = 0.7;
/// A negation that finds nothing polar in its scope ("nous n'avons pas reçu la facture",
/// "still no answer") reports something missing, which in feedback is a complaint.
const UNRESOLVED_NEGATION: f64 = -0.8;
/// "should be better" is a milder complaint than "is not good".
const MODAL_FLIP: f64 = -0.5;
const CONTRAST_BEFORE: f64 = 0.5;
const CONTRAST_AFTER: f64 = 1.5;
/// VADER's caps emphasis and per-'!' boost.
const CAPS_BOOST: f64 = 0.733;
const EXCLAMATION_BOOST: f64 = 0.292;

#[derive(Debug, Clone)]
struct Unit {
    /// Folded text of the first token (used by context rules).
    text: String,
    /// Folded text of all its tokens ("pas mal"), for [`explain`].
    label: String,
    entry: Option<Entry>,
    caps: bool,
    /// Index of the clause and sentence the unit belongs to.
    clause: usize,
    sentence: usize,
    weight: f64,
}

/// Sentiment of `text` read as `lang`, in [-1, 1]. Never panics; empty text scores 0.
pub fn sentiment(text: &str, lang: Language) -> f64 {
    let (score, _) = scored(text, lang);
    score
}

/// Like [`sentiment`] but also returns each contribution (word or idiom as folded, and
/// its weighted valence before normalisation), to show users why a text scored as it did.
/// The unresolved-negation rule appears as "(negation)".
pub fn explain(text: &str, lang: Language) -> (f64, Vec<(String, f64)>) {
    scored(text, lang)
}

fn scored(text: &str, lang: Language) -> (f64, Vec<(String, f64)>) {
    let tokens = tokenize(text);
    let mut units = to_units(&tokens, lang);
    if units.is_empty() {
        return (0.0, Vec::new());
    }
    resolve_context(&mut units, lang);
    apply_contrast(&mut units);
    let parts = score_units(&units, text);
    let mut sum: f64 = parts.iter().map(|(_, v)| v).sum();
    let bangs = tokens
        .iter()
        .filter(|t| t.kind == TokenKind::SentenceEnd)
        .map(|t| t.text.matches('!').count())
        .sum::<usize>()
        .min(4) as f64;
    if sum != 0.0 {
        sum += sum.signum() * bangs * EXCLAMATION_BOOST;
    }
    let compound = sum / (sum * sum + ALPHA).sqrt();
    // `+ 0.0` normalises -0.0 (an empty f64 sum is -0.0) to 0.0.
    let score = if compound.is_finite() {
        compound.clamp(-1.0, 1.0) + 0.0
    } else {
        0.0
    };
    (score, parts)
}

/// Groups tokens into units: each dictionary match (possibly a multi-word idiom) or
/// unknown word is one unit; boundaries only advance clause/sentence counters.
fn to_units(tokens: &[Token], lang: Language) -> Vec<Unit> {
    let dict = dictionary(lang);
    let mut units = Vec::new();
    let (mut clause, mut sentence) = (0, 0);
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        match t.kind {
            TokenKind::Boundary => {
                clause += 1;
                i += 1;
                continue;
            }
            TokenKind::SentenceEnd => {
                clause += 1;
                sentence += 1;
                i += 1;
                continue;
            }
            TokenKind::Word => {}
        }
        let (entry, len) = match dict.lookup(tokens, i) {
            Some((e, n)) => (Some(e), n),
            None => (None, 1),
        };
        let end = (i + len.max(1)).min(tokens.len());
        let label = tokens[i..end]
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        units.push(Unit {
            text: t.text.clone(),
            label,
            entry,
            caps: t.caps,
            clause,
            sentence,
            weight: 1.0,
        });
        i += len.max(1);
    }
    units
}

fn same_clause(units: &[Unit], a: usize, b: usize) -> bool {
    units[a].clause == units[b].clause
}

/// Context-dependent readings that a dictionary lookup cannot decide.
fn resolve_context(units: &mut [Unit], lang: Language) {
    for i in 0..units.len() {
        let next_text = units
            .get(i + 1)
            .filter(|_| i + 1 < units.len() && same_clause(units, i, i + 1))
            .map(|u| u.text.as_str());
        match (lang, units[i].text.as_str()) {
            (Language::French, "ne" | "n'") => {
                // "ne ... pas/plus/jamais": the partner negates, "ne" must not count twice;
                // "ne ... que" means "only" and is no negation at all.
                let partner = (i + 1..units.len().min(i + 6))
                    .take_while(|&j| same_clause(units, i, j))
                    .find(|&j| {
                        let t = units[j].text.as_str();
                        FR_NE_PARTNERS.contains(&t) || t == "que" || t == "qu'"
                    });
                if let Some(j) = partner {
                    units[i].entry = None;
                    match units[j].text.as_str() {
                        "plus" => units[j].entry = Some(Entry::Negator(-0.74)),
                        "que" | "qu'" => units[j].entry = None,
                        _ => {}
                    }
                }
            }
            // "personne ne répond" negates; "une personne" does not.
            (Language::French, "personne") if !matches!(next_text, Some("ne" | "n'")) => {
                units[i].entry = None;
            }
            // "yet" contrasts only at a clause start or after "and" ("and yet"); "not yet"
            // is an idiom handled by the dictionary.
            (Language::English, "yet") => {
                let starts = i == 0 || !same_clause(units, i - 1, i) || units[i - 1].text == "and";
                if !starts {
                    units[i].entry = None;
                }
            }
            // A clause-final "though" ("expensive though") is an afterthought marker.
            (Language::English, "though") if next_text.is_none() => units[i].entry = None,
            _ => {}
        }
    }
}

/// Assigns contrast weights. "mais"/"but": the rest of the sentence ×1.5, what precedes
/// ×0.5 (the previous sentence too when the marker opens a sentence: "However, ...").
/// "bien que"/"although": its own clause ×0.5, the rest of the sentence ×1.5.
fn apply_contrast(units: &mut [Unit]) {
    for i in 0..units.len() {
        let sentence = units[i].sentence;
        let clause = units[i].clause;
        match units[i].entry {
            Some(Entry::Contrast) => {
                let opens = i == 0 || units[i - 1].sentence != sentence;
                for u in units.iter_mut().take(i) {
                    let in_scope = u.sentence == sentence || (opens && u.sentence + 1 == sentence);
                    if in_scope {
                        u.weight *= CONTRAST_BEFORE;
                    }
                }
                for u in units.iter_mut().skip(i + 1) {
                    if u.sentence == sentence {
                        u.weight *= CONTRAST_AFTER;
                    }
                }
            }
            Some(Entry::Concessive) => {
                // The concession runs to the end of its clause.
                let starts_sentence = i == 0 || units[i - 1].sentence != sentence;
                // Sentence-initial concession needs a main clause after it; a mid-sentence
                // one has its main clause before it.
                let has_main = !starts_sentence
                    || units
                        .iter()
                        .skip(i + 1)
                        .any(|u| u.sentence == sentence && u.clause != clause);
                for (j, u) in units.iter_mut().enumerate() {
                    if u.sentence != sentence || j == i {
                        continue;
                    }
                    if u.clause == clause && j > i {
                        u.weight *= CONTRAST_BEFORE;
                    } else if has_main && (starts_sentence || j < i) {
                        u.weight *= CONTRAST_AFTER;
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether unit `i` acts as a polar word and with which base valence.
fn base_valence(units: &[Unit], i: usize) -> Option<f64> {
    match units[i].entry? {
        Entry::Polar(v) if v != 0.0 => Some(v),
        Entry::Booster {
            own,
            own_needs_next,
            ..
        } if own != 0.0 => {
            // A booster scores by itself only when it modifies no polar word.
            let ahead: Vec<usize> = (i + 1..units.len().min(i + 3))
                .take_while(|&j| same_clause(units, i, j))
                .collect();
            let modifies = ahead
                .iter()
                .any(|&j| matches!(units[j].entry, Some(Entry::Polar(v)) if v != 0.0));
            if modifies || (own_needs_next && ahead.is_empty()) {
                None
            } else {
                Some(own)
            }
        }
        _ => None,
    }
}

fn score_units(units: &[Unit], text: &str) -> Vec<(String, f64)> {
    // VADER applies the caps boost only when the text is not shouting as a whole.
    let mixed_caps = text.chars().any(char::is_lowercase);
    let mut resolved = vec![false; units.len()];
    let mut parts = Vec::new();
    for i in 0..units.len() {
        let Some(mut v) = base_valence(units, i) else {
            continue;
        };
        if units[i].caps && mixed_caps {
            v += v.signum() * CAPS_BOOST;
        }
        let window = (i.saturating_sub(SCOPE)..i)
            .rev()
            .filter(|&j| same_clause(units, i, j));
        let mut negation: Option<f64> = None;
        let mut modal = false;
        for (dist, j) in window.enumerate() {
            // A modifier belongs to the nearest polar word: in "sans jamais résoudre le
            // problème" the negation bears on "résoudre", not on "problème".
            if base_valence(units, j).is_some() {
                break;
            }
            match units[j].entry {
                Some(Entry::Modal) => modal = true,
                Some(Entry::Booster { scalar, .. }) => {
                    let decay = [1.0, 0.95, 0.9][dist.min(2)];
                    // Dampeners shrink magnitude but never flip the sign.
                    let mag = (v.abs() + scalar * decay).max(v.abs() * 0.3);
                    v = v.signum() * mag;
                }
                Some(Entry::Negator(f)) => {
                    negation.get_or_insert(f);
                    resolved[j] = true;
                }
                _ => {}
            }
        }
        if let Some(f) = negation {
            v *= if v < 0.0 {
                f * NEGATIVE_FLIP_DAMPING
            } else {
                f
            };
        } else if modal && v > 0.0 {
            v *= MODAL_FLIP;
        }
        parts.push((units[i].label.clone(), v * units[i].weight));
    }
    // One penalty per clause with a negation that negated nothing (clause ids increase
    // along the text, so remembering the last penalised clause suffices).
    let resolved_clauses: std::collections::HashSet<usize> = units
        .iter()
        .zip(&resolved)
        .filter(|&(_, &r)| r)
        .map(|(u, _)| u.clause)
        .collect();
    let mut penalised_clause = None;
    for (j, u) in units.iter().enumerate() {
        let is_neg = matches!(u.entry, Some(Entry::Negator(_)));
        if is_neg
            && !resolved[j]
            && !resolved_clauses.contains(&u.clause)
            && penalised_clause != Some(u.clause)
        {
            penalised_clause = Some(u.clause);
            parts.push(("(negation)".to_string(), UNRESOLVED_NEGATION * u.weight));
        }
    }
    parts
}
