use super::*;
use proptest::prelude::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// One pair per account: accounts 1..=n.
fn singles(xs: &[f64], ys: &[f64]) -> Vec<Observation> {
    xs.iter()
        .zip(ys)
        .enumerate()
        .map(|(i, (&x, &y))| Observation {
            account: i as i64 + 1,
            x,
            y,
        })
        .collect()
}

#[test]
fn ranks_without_ties() {
    assert_eq!(ranks(&[10.0, 30.0, 20.0]), vec![1.0, 3.0, 2.0]);
    assert!(ranks(&[]).is_empty());
}

#[test]
fn ranks_average_ties() {
    // The two 7s span ranks 3 and 4: both get 3.5.
    assert_eq!(
        ranks(&[5.0, 6.0, 7.0, 8.0, 7.0]),
        vec![1.0, 2.0, 3.5, 5.0, 3.5]
    );
    assert_eq!(ranks(&[2.0, 2.0, 2.0]), vec![2.0, 2.0, 2.0]);
    assert_eq!(ranks(&[1.0, 1.0, 0.0, 3.0]), vec![2.5, 2.5, 1.0, 4.0]);
}

#[test]
fn spearman_matches_scipy() {
    // scipy.stats.spearmanr([1,2,3,4,5], [5,6,7,8,7]).statistic
    let rho = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[5.0, 6.0, 7.0, 8.0, 7.0]).unwrap();
    assert!(close(rho, 0.820_782_681_668_123_3, 1e-12), "{rho}");
}

#[test]
fn spearman_hand_formula_without_ties() {
    // Adjacent swaps: Σd² = 10, ρ = 1 − 6·10 / (10·99) = 0.93939…
    let x: Vec<f64> = (1..=10).map(f64::from).collect();
    let y = [2.0, 1.0, 4.0, 3.0, 6.0, 5.0, 8.0, 7.0, 10.0, 9.0];
    assert!(close(spearman(&x, &y).unwrap(), 1.0 - 60.0 / 990.0, 1e-12));
}

#[test]
fn spearman_perfect_and_degenerate() {
    let x = [1.0, 2.0, 3.0, 4.0];
    assert_eq!(spearman(&x, &[1.0, 4.0, 9.0, 16.0]), Some(1.0));
    assert_eq!(spearman(&x, &[9.0, 5.0, 0.0, -3.0]), Some(-1.0));
    assert_eq!(spearman(&x, &[3.0, 3.0, 3.0, 3.0]), None, "constant y");
    assert_eq!(spearman(&[2.0; 4], &x), None, "constant x");
    assert_eq!(spearman(&[1.0, 2.0], &[1.0, 2.0]), None, "n < 3");
    assert_eq!(spearman(&x, &[1.0, 2.0, 3.0]), None, "length mismatch");
}

#[test]
fn normal_quantile_known_values() {
    for (p, z) in [
        (0.975, 1.959_963_984_540_054),
        (0.5, 0.0),
        (0.995, 2.575_829_303_548_9),
        (0.9, 1.281_551_565_544_600_8),
        (0.001, -3.090_232_306_167_813),
        (0.999_999, 4.753_424_308_817_089),
    ] {
        assert!(
            close(normal_quantile(p), z, 1e-8 * z.abs().max(1.0)),
            "p={p}"
        );
    }
    assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
    assert_eq!(normal_quantile(1.0), f64::INFINITY);
    assert!(normal_quantile(1.5).is_nan() && normal_quantile(f64::NAN).is_nan());
}

#[test]
fn drive_single_pair_per_account_uses_all_pairs() {
    let x: Vec<f64> = (1..=10).map(f64::from).collect();
    let y = [2.0, 1.0, 4.0, 3.0, 6.0, 5.0, 8.0, 7.0, 10.0, 9.0];
    let d = drive(&singles(&x, &y), 0.95).unwrap();
    assert_eq!((d.n_pairs, d.n_accounts), (10, 10));
    assert!(close(d.n_effective, 10.0, 1e-12));
    // tanh(atanh ρ ± 1.959964·√((1 + ρ²/2)/7)) computed by hand (Python stdlib).
    assert!(close(d.ci_low, 0.687_675_376_417_027, 1e-7), "{}", d.ci_low);
    assert!(
        close(d.ci_high, 0.989_501_506_000_619, 1e-7),
        "{}",
        d.ci_high
    );
    assert_eq!(d.evidence, Evidence::Strong);
}

#[test]
fn copies_of_a_pair_add_no_information() {
    // Each account repeats its pair 4 times: ICCs are 1, deff = 4, n_eff = 10.
    let x: Vec<f64> = (1..=10).map(f64::from).collect();
    let y = [2.0, 1.0, 4.0, 3.0, 6.0, 5.0, 8.0, 7.0, 10.0, 9.0];
    let once = drive(&singles(&x, &y), 0.95).unwrap();
    let mut obs = singles(&x, &y);
    obs.extend(obs.clone().into_iter().cycle().take(30));
    let d = drive(&obs, 0.95).unwrap();
    assert_eq!((d.n_pairs, d.n_accounts), (40, 10));
    assert!(close(d.rho, once.rho, 1e-12));
    assert!(close(d.n_effective, 10.0, 1e-9), "{}", d.n_effective);
    assert!(close(d.ci_low, once.ci_low, 1e-9) && close(d.ci_high, once.ci_high, 1e-9));
}

#[test]
fn within_account_variation_counts_as_evidence() {
    // x sweeps most of its range inside every account, so accounts differ little
    // on average (ICCx ≈ 0): the periods are real evidence, n_eff ≈ n_pairs.
    let mut obs = Vec::new();
    for a in 0..6 {
        for t in 0..4 {
            let x = f64::from((t * 7 + a * 3) % 24);
            obs.push(Observation {
                account: a.into(),
                x,
                y: x + f64::from(a % 2) * 0.5,
            });
        }
    }
    let d = drive(&obs, 0.95).unwrap();
    assert!(
        d.n_effective > 20.0 && d.n_effective <= 24.0,
        "{}",
        d.n_effective
    );
}

#[test]
fn icc_extremes() {
    let group = [0, 0, 1, 1, 2, 2];
    let sizes = [2, 2, 2];
    // Identical within each account: everything is between accounts.
    assert_eq!(icc(&[1.0, 1.0, 5.0, 5.0, 9.0, 9.0], &group, &sizes), 1.0);
    // Identical account means: no clustering (a negative estimate is clamped).
    assert_eq!(icc(&[1.0, 9.0, 9.0, 1.0, 5.0, 5.0], &group, &sizes), 0.0);
    // All singletons: clustering cannot matter.
    assert_eq!(icc(&[1.0, 2.0, 3.0], &[0, 1, 2], &[1, 1, 1]), 0.0);
}

#[test]
fn stable_kpi_with_moving_outcome_is_in_between() {
    // KPI fixed per account (ICCx = 1), outcome partly moving each period.
    let mut obs = Vec::new();
    for a in 0..10 {
        for t in 0..4 {
            let y = f64::from(a) + [0.0, 3.0, -2.0, 1.5][t as usize] * f64::from(1 + a % 3);
            obs.push(Observation {
                account: a.into(),
                x: f64::from(a),
                y,
            });
        }
    }
    let d = drive(&obs, 0.95).unwrap();
    assert!(
        d.n_effective > 15.0 && d.n_effective < 35.0,
        "{}",
        d.n_effective
    );
}

#[test]
fn refusals_say_why() {
    let few_accounts: Vec<Observation> = (0..12)
        .map(|i| Observation {
            account: i % 4,
            x: f64::from(i as i32),
            y: 1.0,
        })
        .collect();
    let e = drive(&few_accounts, 0.95).unwrap_err();
    assert_eq!(
        e,
        NotEnoughData {
            reason: Shortfall::TooFewAccounts,
            n_pairs: 12,
            n_accounts: 4,
            min_pairs: 8,
            min_accounts: 5
        }
    );
    assert_eq!(e.evidence().code(), "insufficient");
    let few_pairs = singles(
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    );
    assert_eq!(
        drive(&few_pairs, 0.95).unwrap_err().reason,
        Shortfall::TooFewPairs
    );
    let flat_x = singles(&[3.0; 8], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
    assert_eq!(
        drive(&flat_x, 0.95).unwrap_err().reason,
        Shortfall::KpiConstant
    );
    let flat_y = singles(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], &[3.0; 8]);
    assert_eq!(
        drive(&flat_y, 0.95).unwrap_err().reason,
        Shortfall::OutcomeConstant
    );
}

#[test]
fn non_finite_pairs_are_dropped() {
    let mut obs = singles(
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
        &[1.0, 3.0, 2.0, 5.0, 4.0, 7.0, 6.0, 8.0],
    );
    obs.push(Observation {
        account: 99,
        x: f64::NAN,
        y: 1.0,
    });
    let d = drive(&obs, 0.95).unwrap();
    assert_eq!((d.n_pairs, d.n_accounts), (8, 8));
}

#[test]
fn perfect_correlation_and_bad_level() {
    let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
    let d = drive(&singles(&x, &x.map(|v| -v * v)), 7.0).unwrap();
    assert_eq!((d.rho, d.ci_low, d.ci_high), (-1.0, -1.0, -1.0));
    assert_eq!(d.evidence, Evidence::Strong);
}

#[test]
fn evidence_rules() {
    assert_eq!(evidence(0.6, 0.2, 0.8, 10), Evidence::Strong);
    assert_eq!(evidence(-0.6, -0.8, -0.2, 10), Evidence::Strong);
    assert_eq!(evidence(0.4, 0.1, 0.6, 10), Evidence::Moderate);
    assert_eq!(evidence(0.6, -0.05, 0.8, 10), Evidence::Weak, "crosses 0");
    assert_eq!(evidence(0.6, 0.0, 0.8, 10), Evidence::Weak, "touches 0");
    assert_eq!(evidence(0.6, 0.05, 0.9, 10), Evidence::Weak, "too wide");
    assert_eq!(
        evidence(0.6, 0.2, 0.8, 7),
        Evidence::Weak,
        "too few accounts"
    );
    assert_eq!(
        [Evidence::Strong, Evidence::Moderate, Evidence::Weak].map(Evidence::code),
        ["strong", "moderate", "weak"]
    );
}

#[test]
fn rank_drivers_orders_and_splits() {
    let x: Vec<f64> = (1..=12).map(f64::from).collect();
    let strong: Vec<f64> = x.iter().map(|v| v * 2.0).collect();
    // Negative and weaker than `strong`, still clear of zero.
    let negative = [
        12.0, 10.0, 11.0, 8.0, 9.0, 6.0, 7.0, 4.0, 5.0, 2.0, 3.0, 1.0,
    ];
    // Nearly unrelated: weak, but a high |ρ| must not lift it above the others.
    let noise = [
        5.0, 1.0, 9.0, 12.0, 2.0, 7.0, 3.0, 11.0, 4.0, 10.0, 6.0, 8.0,
    ];
    let items = vec![
        ("noise", singles(&x, &noise)),
        ("short", singles(&x[..4], &strong[..4])),
        ("negative", singles(&x, &negative)),
        ("strong", singles(&x, &strong)),
    ];
    let (found, refused) = rank_drivers(items);
    let keys: Vec<&str> = found.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["strong", "negative", "noise"]);
    assert_eq!(found[2].1.evidence, Evidence::Weak);
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].0, "short");
}

#[test]
fn driver_serialises_with_codes() {
    let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
    let json = serde_json::to_string(&drive(&singles(&x, &x), 0.95).unwrap()).unwrap();
    assert!(json.contains("\"evidence\":\"strong\""), "{json}");
}

proptest! {
    #[test]
    fn spearman_is_bounded_symmetric_and_rank_invariant(
        pairs in prop::collection::vec((-1e3f64..1e3, -1e3f64..1e3), 3..40)
    ) {
        let (x, y): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
        if let Some(r) = spearman(&x, &y) {
            prop_assert!((-1.0..=1.0).contains(&r));
            prop_assert!(close(r, spearman(&y, &x).unwrap(), 1e-12));
            // A strictly increasing transform leaves ranks, hence ρ, unchanged.
            let x3: Vec<f64> = x.iter().map(|v| v.powi(3) + 5.0 * v).collect();
            prop_assert!(close(r, spearman(&x3, &y).unwrap(), 1e-9));
        }
    }

    #[test]
    fn ranks_sum_to_triangular_number(x in prop::collection::vec(-50i32..50, 0..60)) {
        let xs: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let n = xs.len() as f64;
        prop_assert!(close(ranks(&xs).iter().sum::<f64>(), n * (n + 1.0) / 2.0, 1e-9));
    }

    #[test]
    fn interval_is_ordered_contains_rho_and_never_beats_n_pairs(
        obs in prop::collection::vec((0i64..12, -20i32..20, -20i32..20), 8..80)
    ) {
        let obs: Vec<Observation> = obs
            .into_iter()
            .map(|(account, x, y)| Observation { account, x: x.into(), y: y.into() })
            .collect();
        if let Ok(d) = drive(&obs, 0.9) {
            prop_assert!(-1.0 <= d.ci_low && d.ci_low <= d.rho + 1e-12);
            prop_assert!(d.rho <= d.ci_high + 1e-12 && d.ci_high <= 1.0);
            prop_assert!(d.n_effective <= d.n_pairs as f64 + 1e-9);
            prop_assert!(d.n_effective > 0.0);
            prop_assert!(d.evidence != Evidence::Insufficient);
        }
    }
}
