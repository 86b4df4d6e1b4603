//! Closed-class words that modify sentiment rather than carry it: negators, intensifiers,
//! dampeners, contrast and concession markers, per language. Written for this crate (MIT).
//!
//! Magnitudes follow VADER's conventions (booster ±0.293, negation ×-0.74) so that the
//! French and English pipelines behave alike; weak negators ("peu", "less") flip with a
//! smaller factor because "peu fiable" is milder than "pas fiable".

use super::Language;
use super::lexicon::Entry;

const NEG: Entry = Entry::Negator(-0.74);
const WEAK_NEG: Entry = Entry::Negator(-0.5);
const INC: Entry = Entry::Booster {
    scalar: 0.293,
    own: 0.0,
    own_needs_next: false,
};
const STRONG_INC: Entry = Entry::Booster {
    scalar: 0.45,
    own: 0.0,
    own_needs_next: false,
};
const DEC: Entry = Entry::Booster {
    scalar: -0.293,
    own: 0.0,
    own_needs_next: false,
};
/// "trop"/"too": intensifies a polar word, otherwise signals an excess ("trop de relances",
/// "too many steps"), which customers mention as a complaint.
const EXCESS: Entry = Entry::Booster {
    scalar: 0.293,
    own: -1.5,
    own_needs_next: true,
};
const NEUTRAL: Entry = Entry::Polar(0.0);
const MODAL: Entry = Entry::Modal;

const FR: &[(&str, Entry)] = &[
    // Negators. "ne" is resolved against its partner in sentiment.rs ("ne ... que" is not a
    // negation); "plus" only negates after "ne" and is otherwise a comparative intensifier.
    ("ne", NEG),
    ("n'", NEG),
    ("pas", NEG),
    ("jamais", NEG),
    ("rien", NEG),
    ("aucun", NEG),
    ("aucune", NEG),
    ("aucuns", NEG),
    ("aucunes", NEG),
    ("nullement", NEG),
    ("guere", NEG),
    ("personne", NEG),
    ("sans", NEG),
    ("ni", NEG),
    ("non", NEG),
    ("zero", NEG),
    ("pas du tout", Entry::Negator(-0.9)),
    ("plus du tout", Entry::Negator(-0.9)),
    ("peu", WEAK_NEG),
    ("moins", WEAK_NEG),
    ("rarement", WEAK_NEG),
    ("non plus", NEUTRAL),
    ("non seulement", NEUTRAL),
    ("pas seulement", NEUTRAL),
    ("pas encore", NEG),
    // Intensifiers.
    ("tres", INC),
    ("vraiment", INC),
    ("tellement", INC),
    ("si", INC),
    ("fort", INC),
    ("fortement", INC),
    ("hyper", STRONG_INC),
    ("extremement", STRONG_INC),
    ("particulierement", INC),
    ("totalement", INC),
    ("completement", INC),
    ("absolument", INC),
    ("parfaitement", INC),
    ("nettement", INC),
    ("largement", INC),
    ("franchement", INC),
    ("vachement", INC),
    ("carrement", INC),
    ("beaucoup", INC),
    ("encore", INC),
    ("toujours", NEUTRAL),
    ("plus", INC),
    ("de plus en plus", INC),
    ("du tout", INC),
    ("bien trop", STRONG_INC),
    ("beaucoup trop", STRONG_INC),
    ("vraiment trop", STRONG_INC),
    ("trop", EXCESS),
    (
        "super",
        Entry::Booster {
            scalar: 0.45,
            own: 2.0,
            own_needs_next: false,
        },
    ),
    (
        "bien",
        Entry::Booster {
            scalar: 0.293,
            own: 1.2,
            own_needs_next: false,
        },
    ),
    // Dampeners.
    ("un peu", DEC),
    ("un petit peu", DEC),
    ("assez", DEC),
    ("plutot", DEC),
    ("relativement", DEC),
    ("legerement", DEC),
    ("moyennement", DEC),
    ("quasiment", DEC),
    ("presque", DEC),
    // Contrast: what follows is what the customer insists on.
    ("mais", Entry::Contrast),
    ("cependant", Entry::Contrast),
    ("pourtant", Entry::Contrast),
    ("toutefois", Entry::Contrast),
    ("neanmoins", Entry::Contrast),
    ("par contre", Entry::Contrast),
    ("en revanche", Entry::Contrast),
    ("mais aussi", NEUTRAL),
    // Concession: the clause they open is granted, not the point.
    ("bien que", Entry::Concessive),
    ("meme si", Entry::Concessive),
    ("quoique", Entry::Concessive),
    ("malgre", Entry::Concessive),
    ("en depit de", Entry::Concessive),
    ("devrait", MODAL),
    ("devraient", MODAL),
    ("aurait du", MODAL),
    ("auraient du", MODAL),
    ("pourrait etre", MODAL),
    ("pourraient etre", MODAL),
    ("faudrait", MODAL),
    ("meriterait", MODAL),
    ("meriteraient", MODAL),
];

const EN: &[(&str, Entry)] = &[
    ("not", NEG),
    ("no", NEG),
    ("never", NEG),
    ("none", NEG),
    ("nobody", NEG),
    ("nothing", NEG),
    ("nowhere", NEG),
    ("neither", NEG),
    ("nor", NEG),
    ("without", NEG),
    ("cannot", NEG),
    ("zero", NEG),
    ("no longer", NEG),
    ("not at all", Entry::Negator(-0.9)),
    ("not yet", NEG),
    ("not only", NEUTRAL),
    ("hardly", WEAK_NEG),
    ("barely", WEAK_NEG),
    ("scarcely", WEAK_NEG),
    ("rarely", WEAK_NEG),
    ("seldom", WEAK_NEG),
    ("less", WEAK_NEG),
    ("fewer", WEAK_NEG),
    ("little", WEAK_NEG),
    ("very", INC),
    ("really", INC),
    ("so", INC),
    ("too", EXCESS),
    ("far too", STRONG_INC),
    ("way too", STRONG_INC),
    ("much too", STRONG_INC),
    ("extremely", STRONG_INC),
    ("incredibly", STRONG_INC),
    ("exceptionally", STRONG_INC),
    ("absolutely", INC),
    ("totally", INC),
    ("completely", INC),
    ("utterly", INC),
    ("highly", INC),
    ("particularly", INC),
    ("especially", INC),
    ("truly", INC),
    ("deeply", INC),
    ("frankly", INC),
    ("seriously", INC),
    ("significantly", INC),
    ("considerably", INC),
    ("noticeably", INC),
    ("much", INC),
    ("more", INC),
    ("most", INC),
    ("even", INC),
    (
        "quite",
        Entry::Booster {
            scalar: 0.15,
            own: 0.0,
            own_needs_next: false,
        },
    ),
    ("slightly", DEC),
    ("somewhat", DEC),
    ("fairly", DEC),
    ("rather", DEC),
    ("relatively", DEC),
    ("a bit", DEC),
    ("a little", DEC),
    ("a little bit", DEC),
    ("kind of", DEC),
    ("sort of", DEC),
    ("almost", DEC),
    ("marginally", DEC),
    ("partly", DEC),
    ("but", Entry::Contrast),
    ("however", Entry::Contrast),
    ("yet", Entry::Contrast),
    ("nevertheless", Entry::Contrast),
    ("nonetheless", Entry::Contrast),
    ("on the other hand", Entry::Contrast),
    ("but also", NEUTRAL),
    ("although", Entry::Concessive),
    ("though", Entry::Concessive),
    ("even though", Entry::Concessive),
    ("even if", Entry::Concessive),
    ("despite", Entry::Concessive),
    ("in spite of", Entry::Concessive),
    ("notwithstanding", Entry::Concessive),
    ("should", MODAL),
    ("ought to", MODAL),
    ("could be", MODAL),
    ("could have been", MODAL),
    ("not just", NEUTRAL),
    ("doesn't just", NEUTRAL),
    ("don't just", NEUTRAL),
    ("didn't just", NEUTRAL),
];

/// English negated auxiliaries are single tokens after tokenisation ("don't"); the
/// apostrophe-less spellings are common in quick survey answers.
const EN_NT: &[&str] = &[
    "don't",
    "doesn't",
    "didn't",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "won't",
    "wouldn't",
    "can't",
    "couldn't",
    "shouldn't",
    "haven't",
    "hasn't",
    "hadn't",
    "mustn't",
    "needn't",
    "ain't",
    "dont",
    "doesnt",
    "didnt",
    "isnt",
    "arent",
    "wasnt",
    "werent",
    "wont",
    "wouldnt",
    "cant",
    "couldnt",
    "shouldnt",
    "havent",
    "hasnt",
    "hadnt",
];

/// Rule words of a language; inserted last so they win over lexicon scores (VADER's
/// lexicon itself rates "no" at -1.2, which would double count with negation).
pub(crate) fn rules(lang: Language) -> Vec<(&'static str, Entry)> {
    match lang {
        Language::French => FR.to_vec(),
        Language::English => {
            let mut v = EN.to_vec();
            v.extend(EN_NT.iter().map(|w| (*w, NEG)));
            v
        }
    }
}

/// French words that, after "ne", carry the negation themselves ("ne ... pas").
pub(crate) const FR_NE_PARTNERS: &[&str] = &[
    "pas",
    "plus",
    "jamais",
    "rien",
    "guere",
    "aucun",
    "aucune",
    "personne",
    "point",
    "ni",
    "nullement",
];
