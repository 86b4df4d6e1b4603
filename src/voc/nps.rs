//! Net Promoter Score and satisfaction means, each with its 95 % margin of
//! error, so a 6-point NPS move on 20 answers is not sold as a trend.

use serde::{Deserialize, Serialize};

/// Two-sided 95 % normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Nps {
    pub n: usize,
    pub promoters: usize,
    pub passives: usize,
    pub detractors: usize,
    /// % promoters − % detractors, in −100..=100.
    pub score: f64,
    /// Half-width of the 95 % interval, in NPS points.
    pub margin_of_error: f64,
}

impl Nps {
    /// Lower end of the 95 % interval, kept inside the NPS range.
    pub fn low(&self) -> f64 {
        (self.score - self.margin_of_error).max(-100.0)
    }

    pub fn high(&self) -> f64 {
        (self.score + self.margin_of_error).min(100.0)
    }
}

/// NPS of 0–10 answers: promoters 9–10, passives 7–8, detractors 0–6.
///
/// Returns None when there is no answer, and when any answer is above 10:
/// that is a caller bug (the form only offers 0–10), and guessing would
/// silently bias the score.
///
/// Margin of error: the NPS is 100 × the mean of a variable worth +1 for a
/// promoter, 0 for a passive and −1 for a detractor. Its variance is
/// `E[X²] − E[X]² = p₊ + p₋ − (p₊ − p₋)²` (multinomial proportions), so the
/// standard error of the mean is √(that / n) and the 95 % margin is
/// 1.96 × √((p₊ + p₋ − (p₊ − p₋)²) / n) × 100. It is 0 when everybody answered
/// alike: a small sample can still mislead, so the UI should also show `n`.
pub fn nps(scores: &[u8]) -> Option<Nps> {
    if scores.is_empty() || scores.iter().any(|&s| s > 10) {
        return None;
    }
    let promoters = scores.iter().filter(|&&s| s >= 9).count();
    let detractors = scores.iter().filter(|&&s| s <= 6).count();
    let n = scores.len();
    let (p, d) = (promoters as f64 / n as f64, detractors as f64 / n as f64);
    // max(0): rounding could make the variance a hair negative when p + d = 1.
    let variance = (p + d - (p - d).powi(2)).max(0.0);
    Some(Nps {
        n,
        promoters,
        passives: n - promoters - detractors,
        detractors,
        score: (p - d) * 100.0,
        margin_of_error: Z95 * (variance / n as f64).sqrt() * 100.0,
    })
}

/// Mean and 95 % half-width (normal approximation, sample standard deviation
/// with n − 1), e.g. for CSAT averages. The normal quantile rather than
/// Student's t is a deliberate simplification (no t table to carry): it
/// understates the width by about 13 % at n = 10 and under 7 % from n = 20,
/// and the UI shows n anyway.
///
/// None for fewer than 2 values (no spread to measure) or any non-finite value.
pub fn mean_ci(values: &[f64]) -> Option<(f64, f64)> {
    if values.len() < 2 || values.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Some((mean, Z95 * (variance / n).sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn counts_and_score() {
        // 10, 9, 9 promoters; 8, 7 passives; 6, 0 detractors: n = 7.
        let r = nps(&[10, 9, 9, 8, 7, 6, 0]).unwrap();
        assert_eq!((r.n, r.promoters, r.passives, r.detractors), (7, 3, 2, 2));
        assert!(close(r.score, 100.0 / 7.0));
        // p₊ = 3/7, p₋ = 2/7: variance = 5/7 − 1/49 = 34/49.
        assert!(close(
            r.margin_of_error,
            Z95 * (34.0_f64 / 49.0 / 7.0).sqrt() * 100.0
        ));
        assert!(
            (r.margin_of_error - 61.707).abs() < 1e-3,
            "{}",
            r.margin_of_error
        );
    }

    #[test]
    fn half_and_half() {
        // 50 promoters, 50 detractors: NPS 0, variance 1, margin 1.96 × 0.1 × 100.
        let mut scores = vec![10u8; 50];
        scores.extend([3u8; 50]);
        let r = nps(&scores).unwrap();
        assert!(close(r.score, 0.0));
        assert!(close(r.margin_of_error, Z95 * 10.0));
        assert!(close(r.low(), -Z95 * 10.0) && close(r.high(), Z95 * 10.0));
    }

    #[test]
    fn unanimous_answers() {
        let all = nps(&[10; 12]).unwrap();
        assert_eq!(
            (all.score, all.margin_of_error, all.high()),
            (100.0, 0.0, 100.0)
        );
        let none = nps(&[0, 6, 5]).unwrap();
        assert_eq!((none.score, none.margin_of_error), (-100.0, 0.0));
        let passive = nps(&[7, 8]).unwrap();
        assert_eq!((passive.score, passive.passives), (0.0, 2));
    }

    #[test]
    fn bounds_are_clamped() {
        let r = nps(&[10, 10, 10, 10, 0]).unwrap(); // 60 ± 70
        assert!(r.score + r.margin_of_error > 100.0);
        assert_eq!(r.high(), 100.0);
    }

    #[test]
    fn caller_errors() {
        assert_eq!(nps(&[]), None);
        assert_eq!(nps(&[9, 11]), None);
    }

    #[test]
    fn mean_ci_hand_computed() {
        // Mean 3, sample variance 2.5, half-width 1.96 × √(2.5/5).
        let (m, h) = mean_ci(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert!(close(m, 3.0));
        assert!(close(h, Z95 * 0.5_f64.sqrt()));
        assert_eq!(mean_ci(&[4.0, 4.0, 4.0]), Some((4.0, 0.0)));
        assert_eq!(mean_ci(&[4.0]), None);
        assert_eq!(mean_ci(&[]), None);
        assert_eq!(mean_ci(&[1.0, f64::NAN]), None);
    }

    proptest! {
        #[test]
        fn nps_is_consistent(scores in prop::collection::vec(0u8..=10, 1..300)) {
            let r = nps(&scores).unwrap();
            prop_assert_eq!(r.promoters + r.passives + r.detractors, r.n);
            prop_assert!((-100.0..=100.0).contains(&r.score));
            // The variance of a ±1/0 variable is at most 1.
            prop_assert!(r.margin_of_error >= 0.0 && r.margin_of_error <= Z95 * 100.0 / (r.n as f64).sqrt() + 1e-9);
            prop_assert!(r.low() <= r.score && r.score <= r.high());
        }

        #[test]
        fn mean_ci_contains_the_mean(values in prop::collection::vec(-1e6f64..1e6, 2..100)) {
            let (m, h) = mean_ci(&values).unwrap();
            let (min, max) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
            prop_assert!(h >= 0.0 && m >= min - 1e-6 && m <= max + 1e-6);
        }
    }
}
