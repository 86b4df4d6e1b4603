//! Public API behaviour from the app's point of view.

use boussole::voc::text::{
    Analysis, Label, Language, Taxonomy, Theme, analyze, detect_language, sentiment,
};

#[test]
fn contrast_example_from_the_spec() {
    let tax = Taxonomy::default();
    let a = analyze(
        "le produit est bon mais les livraisons sont toujours en retard",
        &tax,
    );
    assert_eq!(a.language, Language::French);
    assert_eq!(a.label, Label::Negative);
    assert!(a.themes.contains(&"delivery".to_string()));
    assert!(a.themes.contains(&"quality".to_string()));
}

#[test]
fn english_equivalents() {
    let tax = Taxonomy::default();
    let a = analyze("The product is good but deliveries are always late.", &tax);
    assert_eq!(a.language, Language::English);
    assert_eq!(a.label, Label::Negative);
    assert!(a.themes.contains(&"delivery".to_string()));
    let b = analyze("Not happy at all with your customer service.", &tax);
    assert_eq!(b.label, Label::Negative);
    assert_eq!(b.themes, ["support"]);
}

#[test]
fn themes_via_stems_and_accents() {
    let tax = Taxonomy::default();
    assert!(tax.themes_of("Les livraisons").contains(&"delivery".into()));
    assert!(
        tax.themes_of("Pièces livrées hier")
            .contains(&"delivery".into())
    );
    assert!(
        tax.themes_of("Two invoices were wrong")
            .contains(&"invoicing".into())
    );
    assert_eq!(
        tax.themes_of("Quelle reactivite"),
        tax.themes_of("Quelle réactivité")
    );
    assert!(
        tax.themes_of("RÉACTIVITÉ")
            .contains(&"responsiveness".into())
    );
    assert!(
        tax.themes_of("Le service client est injoignable")
            .contains(&"support".into())
    );
    assert!(tax.themes_of("Always on time").contains(&"delivery".into()));
    assert!(tax.themes_of("Livré à temps").contains(&"delivery".into()));
}

#[test]
fn serialises_as_the_app_expects() {
    let tax = Taxonomy::default();
    let a = analyze("Les livraisons sont systématiquement en retard !", &tax);
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["language"], "fr");
    assert_eq!(json["label"], "negative");
    assert_eq!(json["themes"], serde_json::json!(["delivery"]));
    let score = json["score"].as_f64().unwrap();
    assert!(score < 0.0);
    assert_eq!((score * 1000.0).round() / 1000.0, score, "3 decimals");
    assert_eq!(Language::English.code(), "en");
    assert_eq!(Label::Neutral.code(), "neutral");
    assert_eq!(
        serde_json::to_string(&Label::Positive).unwrap(),
        "\"positive\""
    );
    assert_eq!(serde_json::to_string(&Language::French).unwrap(), "\"fr\"");
}

#[test]
fn empty_text_is_neutral_english() {
    let tax = Taxonomy::default();
    for text in ["", "   ", "\n\t"] {
        assert_eq!(
            analyze(text, &tax),
            Analysis {
                language: Language::English,
                score: 0.0,
                label: Label::Neutral,
                themes: vec![],
            }
        );
    }
    let json = serde_json::to_string(&analyze("", &tax)).unwrap();
    assert_eq!(
        json,
        r#"{"language":"en","score":0.0,"label":"neutral","themes":[]}"#
    );
}

#[test]
fn admin_edited_taxonomy() {
    let mut themes = Taxonomy::default().into_themes();
    themes.retain(|t| t.code != "price");
    themes.push(Theme::new(
        "safety",
        "Sécurité",
        "Safety",
        "sécurité, EPI, accident*, consignes de sécurité",
        "safety, PPE, accident*",
    ));
    let tax = Taxonomy::new(themes);
    assert!(tax.theme("price").is_none());
    assert_eq!(
        tax.themes_of("Les consignes de sécurité ont été respectées"),
        ["safety"]
    );
    assert!(tax.themes_of("Prices are too high").is_empty());
}

#[test]
fn mixed_and_odd_inputs() {
    let tax = Taxonomy::default();
    let html = "<p>Le <b>support</b> est <i>très</i> réactif&nbsp;!</p>";
    let a = analyze(html, &tax);
    assert_eq!(a.language, Language::French);
    assert_eq!(a.label, Label::Positive);
    let emoji = analyze("👍👍 great support 🎉", &tax);
    assert_eq!(emoji.label, Label::Positive);
    let mixed = analyze("Le support est top, really responsive!", &tax);
    assert_eq!(mixed.label, Label::Positive);
    assert_eq!(
        detect_language("Merci beaucoup pour la livraison"),
        Language::French
    );
    assert!(sentiment("😡😡😡", Language::English).abs() <= 1.0);
}
