//! French/English detection: whatlang's trigram model restricted to the two languages,
//! combined with function-word evidence that stays reliable on 2–5 word answers where
//! trigram statistics are too thin ("Top !", "pas mal", "slow support").

use std::collections::HashSet;
use std::sync::LazyLock;

use whatlang::{Detector, Lang};

use super::Language;
use super::lexicon::dictionary;
use super::tokenize::{TokenKind, tokenize};

/// Detection only needs a sample; bounding it keeps 100 kB inputs cheap.
const SAMPLE_BYTES: usize = 4096;

/// Frequent, unambiguous function words. Words shared by both languages or meaningful in
/// the other one ("a", "on", "son", "plus", "pour") are left out.
const FR_WORDS: &[&str] = &[
    "le", "la", "les", "un", "une", "des", "du", "de", "au", "aux", "et", "est", "sont", "nous",
    "vous", "votre", "vos", "notre", "nos", "ce", "cette", "ces", "qui", "que", "pour", "avec",
    "dans", "sur", "par", "pas", "ne", "tres", "mais", "il", "elle", "ils", "je", "l'", "d'", "j'",
    "n'", "qu'", "c'", "s'", "ete", "etre", "avons", "avez", "ont", "fait", "leur", "leurs", "mon",
    "ma", "sa", "ses", "aussi", "toujours", "jamais", "rien", "tout", "tous", "toute", "depuis",
    "chez", "entre", "sans", "donc", "car", "comme", "peu", "trop", "bien", "merci", "bonjour",
    "ou", "ca", "deja", "encore", "chaque", "avoir", "faire", "y", "en", "moins", "quand", "apres",
    "avant", "ni", "aucun", "aucune",
];
const EN_WORDS: &[&str] = &[
    "the", "an", "and", "is", "are", "was", "were", "be", "been", "we", "you", "your", "our",
    "they", "it", "its", "this", "that", "these", "those", "with", "for", "from", "in", "of", "to",
    "not", "no", "very", "but", "have", "has", "had", "will", "would", "could", "should", "can",
    "do", "does", "did", "don't", "i", "i'm", "it's", "we're", "we've", "there", "their", "what",
    "which", "who", "when", "how", "all", "any", "some", "than", "so", "too", "just", "always",
    "never", "nothing", "thanks", "thank", "please", "hello", "at", "by", "about", "after",
    "before", "still", "again", "every", "each", "my", "us", "them", "he", "she", "his", "her",
    "into", "out", "up", "get", "got", "being",
];

static FR_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| FR_WORDS.iter().copied().collect());
static EN_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| EN_WORDS.iter().copied().collect());
static DETECTOR: LazyLock<Detector> =
    LazyLock::new(|| Detector::with_allowlist(vec![Lang::Fra, Lang::Eng]));

/// Largest prefix of `text` of at most `max` bytes ending on a char boundary.
fn sample(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Counts (French, English) evidence: function words (1 each), words known to only one
/// language's sentiment dictionary (0.5 each: "mal", "injoignable" vs "slow", "number"),
/// and French diacritics, which English feedback almost never contains.
fn word_evidence(text: &str) -> (f64, f64, usize) {
    let (mut fr, mut en, mut n) = (0.0, 0.0, 0);
    let tokens = tokenize(text);
    let (fr_dict, en_dict) = (dictionary(Language::French), dictionary(Language::English));
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != TokenKind::Word {
            continue;
        }
        n += 1;
        let w = t.text.as_str();
        if FR_SET.contains(w) {
            fr += 1.0;
        } else if EN_SET.contains(w) {
            en += 1.0;
        } else {
            match (fr_dict.lookup(&tokens, i), en_dict.lookup(&tokens, i)) {
                (Some(_), None) => fr += 0.5,
                (None, Some(_)) => en += 0.5,
                _ => {}
            }
        }
    }
    let accents = text
        .chars()
        .filter(|c| "éèêëàâçùûôîïœÉÈÊÀÇ".contains(*c))
        .count();
    fr += (accents as f64 * 0.5).min(3.0);
    (fr, en, n)
}

/// Detects French or English. Empty or undecidable text defaults to English.
pub fn detect_language(text: &str) -> Language {
    let text = sample(text, SAMPLE_BYTES);
    let (mut fr, mut en, n) = word_evidence(text);
    if n == 0 {
        return Language::English;
    }
    // whatlang's vote weighs up to three function words, scaled by its confidence, which
    // is low on short text, where the word evidence then decides.
    if let Some(info) = DETECTOR.detect(text) {
        let vote = 3.0 * info.confidence();
        match info.lang() {
            Lang::Fra => fr += vote,
            _ => en += vote,
        }
    }
    if fr > en {
        Language::French
    } else {
        Language::English
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_sentences() {
        assert_eq!(
            detect_language("Les livraisons sont toujours en retard."),
            Language::French
        );
        assert_eq!(
            detect_language("Deliveries are always late."),
            Language::English
        );
    }

    #[test]
    fn short_and_empty_text() {
        assert_eq!(detect_language(""), Language::English);
        assert_eq!(detect_language("   \n"), Language::English);
        assert_eq!(detect_language("pas mal"), Language::French);
        assert_eq!(detect_language("Très réactif"), Language::French);
        assert_eq!(detect_language("too slow"), Language::English);
        assert_eq!(detect_language("🙂 👍"), Language::English);
        assert_eq!(
            detect_language("Invoices should include our PO number."),
            Language::English
        );
        assert_eq!(detect_language("support injoignable"), Language::French);
        assert_eq!(detect_language("slow support"), Language::English);
    }

    #[test]
    fn long_input_is_sampled() {
        let long = "Le service est très bien. ".repeat(10_000);
        assert_eq!(detect_language(&long), Language::French);
        let multibyte = "é".repeat(5000);
        let _ = detect_language(&multibyte);
    }
}
