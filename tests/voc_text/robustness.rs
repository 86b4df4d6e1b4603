//! Nothing may panic, whatever the app passes in, and scores stay in [-1, 1].

use boussole::voc::text::{Language, Taxonomy, analyze, detect_language, sentiment};
use proptest::prelude::*;

fn check(text: &str) {
    let tax = Taxonomy::default();
    let a = analyze(text, &tax);
    assert!(
        (-1.0..=1.0).contains(&a.score),
        "score {} for {text:?}",
        a.score
    );
    for lang in [Language::French, Language::English] {
        let s = sentiment(text, lang);
        assert!((-1.0..=1.0).contains(&s) && s.is_finite());
    }
    let _ = detect_language(text);
    serde_json::to_string(&a).expect("serialisable");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,200}") {
        check(&text);
    }

    #[test]
    fn word_salad_stays_in_range(
        words in prop::collection::vec(prop::sample::select(vec![
            "pas", "ne", "plus", "très", "trop", "mais", "bien", "que", "n'", "l'", "jamais",
            "not", "no", "very", "too", "but", "although", "yet", "though", "should",
            "excellent", "retard", "late", "great", "nul", "bad", "peu", "un", "a", "little",
            ",", ".", "!", "?", "’", "'", "-", "GREAT", "RETARD", "é", "\u{301}", "😀",
        ]), 0..60)
    ) {
        check(&words.join(" "));
        check(&words.concat());
    }
}

#[test]
fn pathological_inputs() {
    let cases = [
        "\u{0}\u{1}\u{7f}",
        "\u{301}\u{301}\u{301}",
        "'''''’’’",
        "l'",
        "n'",
        "qu'",
        "----",
        "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
        "مرحبا بالعالم",
        "这是一个测试",
        "<script>alert('x')</script>",
        "\u{feff}Très bien\u{200b}",
    ];
    for c in cases {
        check(c);
    }
    // 100 kB+ of mixed-language text.
    let big = "Great service, mais les livraisons sont en retard. Never on time! ".repeat(1600);
    assert!(big.len() > 100_000);
    check(&big);
    let one_word = "a".repeat(200_000);
    check(&one_word);
}
