//! Accuracy floors on the labelled set (data/labelled.tsv). The test half was never
//! used for tuning; floors sit a little under the measured figures so that a regression
//! fails while small, deliberate rule changes do not.

use boussole::voc::text::Taxonomy;
use boussole::voc::text::eval::{evaluate, parse_labelled};

#[test]
fn held_out_half_meets_floors() {
    let rows = parse_labelled(include_str!("../../src/voc/text/data/labelled.tsv")).unwrap();
    assert!(rows.len() >= 240);
    let tax = Taxonomy::default();
    let test = evaluate(rows.iter().filter(|r| r.is_test), &tax);
    assert!(
        test.sentiment_accuracy() >= 0.75,
        "test sentiment accuracy {}",
        test.sentiment_accuracy()
    );
    assert!(test.language_accuracy() >= 0.95);
    assert!(test.theme_precision() >= 0.8 && test.theme_recall() >= 0.8);
    let dev = evaluate(rows.iter().filter(|r| !r.is_test), &tax);
    assert!(dev.sentiment_accuracy() >= 0.85);
}

#[test]
fn labelled_set_is_balanced() {
    let rows = parse_labelled(include_str!("../../src/voc/text/data/labelled.tsv")).unwrap();
    for lang in [
        boussole::voc::text::Language::French,
        boussole::voc::text::Language::English,
    ] {
        for label in [
            boussole::voc::text::Label::Negative,
            boussole::voc::text::Label::Neutral,
            boussole::voc::text::Label::Positive,
        ] {
            for half in [false, true] {
                let n = rows
                    .iter()
                    .filter(|r| r.lang == lang && r.label == label && r.is_test == half)
                    .count();
                assert!(n >= 20, "{lang:?} {label:?} half {half}: {n}");
            }
        }
    }
}
