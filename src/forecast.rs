//! Forecasting a KPI's next periods with Holt's linear (double exponential) smoothing.
//!
//! Why Holt: scorecard series are short (12 to 60 points), mostly driven by a
//! trend rather than by a season we could estimate from so few years, and the
//! forecast must come with an honest uncertainty band that a key account manager
//! can have explained in two sentences. Heavier models (ARIMA, seasonal Holt-Winters)
//! would overfit such series and could not be explained on the help page.
//!
//! # Method
//!
//! With observations `y₀ … y_{n−1}`, a level `ℓ` and a trend `b`:
//!
//! - start: `ℓ₀ = y₀`, `b₀ = y₁ − y₀`;
//! - one-step-ahead forecast `ŷ_t = ℓ_{t−1} + b_{t−1}`, error `e_t = y_t − ŷ_t`;
//! - update `ℓ_t = α·y_t + (1 − α)·(ℓ_{t−1} + b_{t−1})`,
//!   `b_t = β·(ℓ_t − ℓ_{t−1}) + (1 − β)·b_{t−1}`;
//! - `α` and `β` are each chosen in 0.05, 0.10 … 0.95 (a grid search) to minimise
//!   the sum of squared one-step-ahead errors;
//! - forecast `h` periods ahead: `ŷ_{n−1+h} = ℓ_{n−1} + h·b_{n−1}`;
//! - 80 % prediction interval: `ŷ ± z·σ·√(1 + Σ_{j=1}^{h−1} α²·(1 + j·β)²)` with
//!   `z = 1.2816` and `σ` the root mean square of the one-step-ahead errors. The
//!   band widens with the horizon because level and trend errors accumulate.
//!
//! The start makes the forecast of `y₁` exact by construction, so the errors
//! (for the choice of `α`, `β` and for `σ`) are measured from `y₂` on.

/// z-score of an 80 % two-sided normal interval.
const Z80: f64 = 1.2816;

/// A forecast value with its 80 % interval; `step` 1 is the period after the last observation.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastPoint {
    pub step: usize,
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// Level smoothing chosen by the grid search.
    pub alpha: f64,
    /// Trend smoothing chosen by the grid search.
    pub beta: f64,
    /// Root mean square of the one-step-ahead errors (σ of the interval).
    pub rmse: f64,
    pub points: Vec<ForecastPoint>,
}

/// Runs the smoothing; returns the final (level, trend) and the sum of squared
/// one-step-ahead errors from `y₂` on.
fn smooth(y: &[f64], alpha: f64, beta: f64) -> (f64, f64, f64) {
    let mut level = y[0];
    let mut trend = y[1] - y[0];
    let mut sse = 0.0;
    for (t, &yt) in y.iter().enumerate().skip(1) {
        let predicted = level + trend;
        if t >= 2 {
            let e = yt - predicted;
            sse += e * e;
        }
        let new_level = alpha * yt + (1.0 - alpha) * predicted;
        trend = beta * (new_level - level) + (1.0 - beta) * trend;
        level = new_level;
    }
    (level, trend, sse)
}

/// Forecasts `horizon` periods after `history` (oldest first) with Holt's method.
///
/// `None` with fewer than 4 points (two to start the level and the trend, and at
/// least two genuine one-step-ahead errors to choose `α`, `β` and estimate σ: with
/// fewer, the band would be a guess), with a non-finite value in the history,
/// or if the numbers are so large that the arithmetic overflows.
pub fn holt(history: &[f64], horizon: usize) -> Option<Forecast> {
    if history.len() < 4 || history.iter().any(|v| !v.is_finite()) {
        return None;
    }
    // Grid values as i·0.05 rather than by repeated addition, so they are exactly
    // what the help page says; ties keep the smallest α, then the smallest β.
    let grid = || (1..=19).map(|i| f64::from(i) * 0.05);
    let mut best: Option<(f64, f64, f64, f64, f64)> = None;
    for alpha in grid() {
        for beta in grid() {
            let (level, trend, sse) = smooth(history, alpha, beta);
            if best.is_none_or(|(_, _, _, _, best_sse)| sse < best_sse) {
                best = Some((alpha, beta, level, trend, sse));
            }
        }
    }
    let (alpha, beta, level, trend, sse) = best?;
    let errors = (history.len() - 2) as f64;
    let rmse = (sse / errors).sqrt();

    let mut points = Vec::with_capacity(horizon);
    // Σ_{j=1}^{h−1} α²(1 + jβ)², grown one term per step.
    let mut spread = 1.0;
    for h in 1..=horizon {
        if h > 1 {
            let j = (h - 1) as f64;
            spread += alpha * alpha * (1.0 + j * beta).powi(2);
        }
        let value = level + h as f64 * trend;
        let half = Z80 * rmse * spread.sqrt();
        points.push(ForecastPoint {
            step: h,
            value,
            low: value - half,
            high: value + half,
        });
    }
    let finite = rmse.is_finite()
        && points
            .iter()
            .all(|p| p.value.is_finite() && p.low.is_finite() && p.high.is_finite());
    finite.then_some(Forecast {
        alpha,
        beta,
        rmse,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_perfect_line_forecasts_the_line_with_no_band() {
        let line: Vec<f64> = (0..12).map(|i| 10.0 + 2.5 * f64::from(i)).collect();
        let f = holt(&line, 3).unwrap();
        assert!(f.rmse < 1e-9);
        assert_eq!(f.points.len(), 3);
        for p in &f.points {
            let expected = 10.0 + 2.5 * (11 + p.step) as f64;
            assert!((p.value - expected).abs() < 1e-9, "{p:?}");
            assert!(p.high - p.low < 1e-8);
        }
        assert_eq!(f.points[0].step, 1);
    }

    #[test]
    fn a_constant_series_forecasts_the_constant() {
        let f = holt(&[42.0; 8], 4).unwrap();
        assert!(f.rmse < 1e-9);
        for p in &f.points {
            assert!((p.value - 42.0).abs() < 1e-9, "{p:?}");
            assert!(p.high - p.low < 1e-8);
        }
    }

    #[test]
    fn noisy_data_gives_widening_bands() {
        let noise = [
            0.8, -1.1, 0.3, 1.4, -0.6, -1.3, 0.9, 0.2, -0.4, 1.0, -0.9, 0.5, -0.2, 0.7, -1.2,
        ];
        let y: Vec<f64> = noise
            .iter()
            .enumerate()
            .map(|(i, e)| 50.0 + 2.0 * i as f64 + e)
            .collect();
        let f = holt(&y, 6).unwrap();
        assert!(f.rmse > 0.3, "{f:?}");
        assert!((0.05..=0.95).contains(&f.alpha) && (0.05..=0.95).contains(&f.beta));
        let widths: Vec<f64> = f.points.iter().map(|p| p.high - p.low).collect();
        for pair in widths.windows(2) {
            assert!(pair[1] > pair[0], "{widths:?}");
        }
        for p in &f.points {
            assert!(p.low < p.value && p.value < p.high);
        }
        // The first step's band is exactly ±z·σ.
        assert!((widths[0] - 2.0 * Z80 * f.rmse).abs() < 1e-9);
        // An upward trend keeps going up.
        assert!(f.points[5].value > f.points[0].value, "{f:?}");
        assert!(f.points[0].value > 75.0, "{f:?}");
    }

    #[test]
    fn alpha_and_beta_are_on_the_grid() {
        let f = holt(&[3.0, 7.0, 4.0, 9.0, 5.0, 11.0, 6.0], 1).unwrap();
        for x in [f.alpha, f.beta] {
            let steps = x / 0.05;
            assert!((steps - steps.round()).abs() < 1e-9 && (1.0..=19.0).contains(&steps.round()));
        }
    }

    #[test]
    fn too_short_or_broken_histories_give_nothing() {
        assert_eq!(holt(&[], 3), None);
        assert_eq!(holt(&[1.0, 2.0, 3.0], 3), None);
        assert_eq!(holt(&[1.0, 2.0, f64::NAN, 4.0], 3), None);
        assert_eq!(holt(&[1e308, -1e308, 1e308, -1e308], 2), None);
        let f = holt(&[1.0, 2.0, 3.0, 5.0], 0).unwrap();
        assert!(f.points.is_empty());
    }
}
