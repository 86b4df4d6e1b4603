//! Sentiment rules: negation, idioms, intensifiers, contrast, concession, modals.

use Language::{English as EN, French as FR};
use boussole::voc::text::{Language, explain, sentiment};

fn s(text: &str, lang: Language) -> f64 {
    sentiment(text, lang)
}

#[test]
fn french_negation_flips() {
    assert!(s("Nous sommes satisfaits.", FR) > 0.1);
    assert!(s("Nous ne sommes pas satisfaits.", FR) < -0.1);
    assert!(s("pas satisfait", FR) < -0.1);
    assert!(s("Ce n'est jamais fiable", FR) < -0.1);
    assert!(s("Nous ne sommes plus satisfaits du service.", FR) < -0.1);
    assert!(s("Aucun problème avec la livraison", FR) > 0.0);
    assert!(s("Sans problème", FR) > 0.0);
    // Typographic apostrophe behaves like the ASCII one.
    assert_eq!(s("n’est pas fiable", FR), s("n'est pas fiable", FR));
}

#[test]
fn pas_mal_idiom() {
    let v = s("pas mal", FR);
    assert!(v > 0.1 && v < 0.5, "mildly positive, got {v}");
    assert!(s("C'est pas mal du tout", FR) > 0.1);
    // "pas mal de" is a quantity ("quite a few"), not praise.
    assert!(s("Il y a pas mal de retards", FR) < -0.1);
    // "pas terrible" is a French understatement for "rather bad".
    assert!(s("La qualité est pas terrible", FR) < -0.1);
}

#[test]
fn ne_que_is_not_negation_and_plus_is_comparative() {
    assert!(s("Ils ne livrent que des produits fiables", FR) > 0.1);
    assert!(s("Le support est plus rapide qu'avant", FR) > 0.1);
}

#[test]
fn english_negation_flips() {
    assert!(s("I'm happy with the support", EN) > 0.1);
    assert!(s("I'm not happy with the support", EN) < -0.1);
    assert!(s("The portal isn't reliable", EN) < -0.1);
    assert!(s("We don't trust the forecast anymore", EN) < -0.1);
    assert!(s("Never late, no problems at all", EN) > 0.1);
    assert!(s("The team is hardly responsive", EN) < -0.1);
    assert!(s("Not bad at all", EN) > 0.1);
}

#[test]
fn negation_stops_at_punctuation() {
    assert!(s("No delay, great support", EN) > 0.1);
    assert!(s("Pas de retard, excellent service", FR) > 0.1);
}

#[test]
fn unresolved_negation_reads_as_missing() {
    assert!(s("Still no answer from your team", EN) < -0.1);
    assert!(s("Nous n'avons pas reçu la facture", FR) < -0.1);
    assert!(s("Toujours sans réponse", FR) < -0.1);
}

#[test]
fn intensifiers_raise_and_dampeners_lower_magnitude() {
    assert!(s("très satisfait", FR) > s("satisfait", FR));
    assert!(s("extrêmement déçu", FR) < s("déçu", FR));
    assert!(s("very happy", EN) > s("happy", EN));
    assert!(s("extremely slow", EN) < s("slow", EN));
    assert!(s("un peu lent", FR) > s("lent", FR));
    assert!(s("slightly slow", EN) > s("slow", EN));
    assert!(s("un peu lent", FR) < 0.0);
    // "trop" with nothing polar after it still signals an excess.
    assert!(s("Il y a trop de relances", FR) < -0.1);
    assert!(s("Too many steps in the portal", EN) < -0.1);
}

#[test]
fn contrast_weights_the_second_clause() {
    let fr = "Le produit est bon mais les livraisons sont toujours en retard.";
    assert!(s(fr, FR) < -0.1);
    assert!(
        s(
            "Les livraisons sont en retard, mais le produit est excellent.",
            FR
        ) > 0.1
    );
    assert!(s("The product is good but deliveries are always late.", EN) < -0.1);
    assert!(
        s(
            "Deliveries were late. However, the product is excellent.",
            EN
        ) > 0.1
    );
}

#[test]
fn concession_weights_the_main_clause() {
    assert!(
        s(
            "Even though deliveries were late, the support was excellent.",
            EN
        ) > 0.1
    );
    assert!(
        s(
            "Même si le démarrage a été laborieux, le résultat est excellent.",
            FR
        ) > 0.1
    );
    assert!(s("Le service est excellent malgré quelques retards.", FR) > 0.1);
}

#[test]
fn modal_expectations_are_complaints() {
    assert!(s("La qualité devrait être meilleure.", FR) < -0.1);
    assert!(s("The quality should be better.", EN) < -0.1);
    // A request without polar words stays neutral.
    assert!(s("Invoices should include our PO number.", EN).abs() < 0.1);
}

#[test]
fn accents_and_case_are_folded() {
    assert_eq!(s("tres reactif", FR), s("très réactif", FR));
    assert_eq!(
        s("Réactivité exemplaire", FR),
        s("reactivite exemplaire", FR)
    );
    assert!(s("TRÈS RÉACTIF", FR) > 0.1);
}

#[test]
fn emphasis_boosts() {
    assert!(s("Great support!!!", EN) > s("Great support.", EN));
    assert!(s("The support is GREAT", EN) > s("The support is great", EN));
}

#[test]
fn degenerate_inputs() {
    assert_eq!(s("", FR), 0.0);
    assert_eq!(s("  \n\t ", EN), 0.0);
    assert_eq!(s("!!! ??? ...", EN), 0.0);
    assert_eq!(s("12345 2024-01-02", FR), 0.0);
    let long = "Le support est excellent mais les délais sont longs. ".repeat(2000);
    let v = s(&long, FR);
    assert!((-1.0..=1.0).contains(&v));
}

#[test]
fn explain_lists_contributions() {
    let (score, parts) = explain("Livraison rapide mais facture erronée", FR);
    assert!(score < 0.0);
    assert!(parts.iter().any(|(w, v)| w == "rapide" && *v > 0.0));
    assert!(parts.iter().any(|(w, v)| w == "erronee" && *v < 0.0));
}
