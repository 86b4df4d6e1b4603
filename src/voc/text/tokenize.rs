//! Tokenisation and accent/case folding shared by sentiment, language and theme matching.
//!
//! Everything is matched on a *folded* form (NFD, combining marks removed, lowercase,
//! ligatures expanded, typographic apostrophes unified) so that "Réactivité", "reactivite"
//! and "RÉACTIVITÉ" are the same key. Words are maximal runs of alphanumeric characters
//! (a simplification of UAX #29 word boundaries that is exact for Latin-script text);
//! hyphens split words ("casse-tête" → "casse", "tete") so that lexicon phrases written with
//! spaces also match hyphenated spellings.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// French elided clitics: "l'usine" is split into "l'" + "usine" so that the noun is matched
/// by lexicons and taxonomies, and "n'" is recognised as a negator.
const ELISIONS: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
];

/// One token of the input. `text` is folded; punctuation tokens hold the single character.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub text: String,
    /// Lowercase NFC form with accents kept. Lexicon lookups use it to tell apart words
    /// that folding merges ("sûr"/"sur", "équipé"/"équipe") when the writer typed accents.
    pub lower: String,
    pub kind: TokenKind,
    /// Original spelling was ALL CAPS (at least two letters), used for the VADER caps boost.
    pub caps: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    /// Punctuation that ends a clause (, ; : . ! ? brackets, dashes, newlines): negation and
    /// intensifier scopes never cross it.
    Boundary,
    /// Sentence-final punctuation (. ! ? newline): contrast weighting is per sentence.
    SentenceEnd,
}

/// Unifies the many apostrophe look-alikes found in pasted text.
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{00B4}' | '`'
    )
}

/// Lowercase NFC with apostrophes unified: the accent-preserving key.
pub fn lower(s: &str) -> String {
    s.nfc()
        .map(|c| if is_apostrophe(c) { '\'' } else { c })
        .collect::<String>()
        .to_lowercase()
}

/// Whether a lowercase form carries information that folding removes (accents, œ).
pub fn has_accents(lower: &str) -> bool {
    !lower.is_ascii()
}

/// Folds a string: NFD, strip combining marks, lowercase, expand œ/æ, apostrophes → '.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            c if is_apostrophe(c) => out.push('\''),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

fn boundary_kind(c: char) -> Option<TokenKind> {
    match c {
        '.' | '!' | '?' | '\n' | '…' | '¡' | '¿' => Some(TokenKind::SentenceEnd),
        ',' | ';' | ':' | '(' | ')' | '[' | ']' | '"' | '«' | '»' | '–' | '—' | '/' | '•' => {
            Some(TokenKind::Boundary)
        }
        _ => None,
    }
}

/// Splits text into folded word tokens and clause/sentence boundaries.
///
/// Never panics and is linear in the input size.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() {
            let start = i;
            // A word may contain apostrophes when letters follow ("don't", "l'usine").
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || is_combining_mark(chars[i])
                    || (is_apostrophe(chars[i])
                        && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())))
            {
                i += 1;
            }
            push_word(&mut tokens, &chars[start..i]);
        } else {
            if let Some(kind) = boundary_kind(c) {
                // Collapse runs ("!!!", "...") but keep '!' count visible via text.
                match tokens.last_mut() {
                    Some(last) if last.kind == kind && kind == TokenKind::SentenceEnd => {
                        last.text.push(c);
                    }
                    _ => tokens.push(Token {
                        text: c.to_string(),
                        lower: c.to_string(),
                        kind,
                        caps: false,
                    }),
                }
            }
            i += 1;
        }
    }
    tokens
}

/// Pushes a raw word, splitting off French elisions ("qu'il" → "qu'", "il").
fn push_word(tokens: &mut Vec<Token>, raw: &[char]) {
    let mut rest: &[char] = raw;
    loop {
        let apos = rest.iter().position(|&c| is_apostrophe(c));
        if let Some(p) = apos {
            let head = fold(&rest[..p].iter().collect::<String>());
            if ELISIONS.contains(&head.as_str()) {
                tokens.push(Token {
                    text: format!("{head}'"),
                    lower: format!("{head}'"),
                    kind: TokenKind::Word,
                    caps: false,
                });
                rest = &rest[p + 1..];
                continue;
            }
        }
        break;
    }
    if rest.is_empty() {
        return;
    }
    let letters = rest.iter().filter(|c| c.is_alphabetic()).count();
    let caps = letters >= 2 && rest.iter().all(|c| !c.is_lowercase());
    let raw: String = rest.iter().collect();
    let text = fold(&raw);
    if !text.is_empty() {
        tokens.push(Token {
            text,
            lower: lower(&raw),
            kind: TokenKind::Word,
            caps,
        });
    }
}

/// Folded word tokens only, for keyword phrases (lexicon entries, taxonomy keywords).
pub fn words(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_ligatures() {
        assert_eq!(fold("Réactivité"), "reactivite");
        assert_eq!(fold("RÉACTIVITÉ"), fold("reactivite"));
        assert_eq!(fold("cœur"), "coeur");
        assert_eq!(fold("l’usine"), "l'usine");
    }

    #[test]
    fn splits_elisions_but_keeps_english_contractions() {
        assert_eq!(
            words("L’usine n'a qu'un défaut"),
            ["l'", "usine", "n'", "a", "qu'", "un", "defaut"]
        );
        assert_eq!(words("We don't know"), ["we", "don't", "know"]);
        assert_eq!(words("casse-tête"), ["casse", "tete"]);
    }

    #[test]
    fn boundaries_and_caps() {
        let t = tokenize("Bad, VERY bad!!!");
        let kinds: Vec<_> = t.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [
                TokenKind::Word,
                TokenKind::Boundary,
                TokenKind::Word,
                TokenKind::Word,
                TokenKind::SentenceEnd
            ]
        );
        assert!(t[2].caps && !t[0].caps);
        assert_eq!(t[4].text, "!!!");
    }
}
