//! Hidden discontent: a score that looks happy over words that are clearly not
//! (and the reverse). Pure, so the rule is tested on its own.

/// Below this, words are "clearly negative" (and above its opposite, clearly
/// positive): the neutral band of the analyser is ±0.1, so a margin keeps mild
/// remarks from raising flags.
pub const CLEAR: f64 = 0.3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    HiddenDiscontent,
    HiddenPraise,
}

impl Flag {
    pub fn code(self) -> &'static str {
        match self {
            Flag::HiddenDiscontent => "hidden_discontent",
            Flag::HiddenPraise => "hidden_praise",
        }
    }
}

/// `sentiments`: the (possibly corrected) scores of the response's texts, where a
/// corrected label counts as ±1 or 0.
pub fn flag(nps: i16, satisfaction: i16, sentiments: &[f64]) -> Option<Flag> {
    let happy = nps >= 9 || satisfaction >= 4;
    let unhappy = nps <= 6 || satisfaction <= 2;
    let worst = sentiments.iter().copied().fold(f64::INFINITY, f64::min);
    let best = sentiments.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if happy && worst <= -CLEAR {
        Some(Flag::HiddenDiscontent)
    } else if unhappy && !happy && best >= CLEAR && worst > -CLEAR {
        Some(Flag::HiddenPraise)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_happy_score_over_clearly_negative_words_is_hidden_discontent() {
        assert_eq!(flag(9, 4, &[-0.6]), Some(Flag::HiddenDiscontent));
        assert_eq!(flag(7, 4, &[0.2, -0.45]), Some(Flag::HiddenDiscontent));
        // Mildly negative words are not "clearly" negative.
        assert_eq!(flag(10, 5, &[-0.15]), None);
        assert_eq!(flag(10, 5, &[]), None);
    }

    #[test]
    fn an_unhappy_score_over_clearly_positive_words_is_hidden_praise() {
        assert_eq!(flag(3, 2, &[0.7]), Some(Flag::HiddenPraise));
        assert_eq!(
            flag(3, 2, &[0.7, -0.5]),
            None,
            "mixed words are no contradiction"
        );
        assert_eq!(flag(8, 3, &[0.9]), None);
    }
}
