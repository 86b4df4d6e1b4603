use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::domain::Direction::{HigherBetter, LowerBetter};
use crate::domain::Universe::{Financial, Logistics, Marketing, Process, Relationship};

const T: Thresholds = Thresholds {
    green_from: 95.0,
    amber_from: 80.0,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn as_of() -> NaiveDate {
    d(2026, 9, 15)
}

/// A fresh monthly KPI (August value, as of mid-September).
fn kpi(id: i64, universe: Universe, weight: f64, value: f64, target: f64) -> KpiInput {
    KpiInput {
        id,
        universe,
        weight,
        direction: HigherBetter,
        thresholds: T,
        freshness_months: 1,
        latest: Some(Observation {
            period_end: d(2026, 8, 31),
            value,
            target,
        }),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn attainment_formula() {
    assert_eq!(attainment(90.0, 100.0, HigherBetter), Some(0.9));
    assert_eq!(attainment(120.0, 100.0, HigherBetter), Some(1.2));
    assert_eq!(attainment(200.0, 100.0, HigherBetter), Some(1.5));
    assert_eq!(attainment(-5.0, 100.0, HigherBetter), Some(0.0));
    // Lower is better: 3 days against 4 is 125 %, 0 complaints against 4 is capped.
    assert_eq!(attainment(3.0, 4.0, LowerBetter), Some(1.25));
    assert_eq!(attainment(0.0, 4.0, LowerBetter), Some(1.5));
    assert_eq!(attainment(5.0, 4.0, LowerBetter), Some(0.75));
    // NPS with a negative target: −5 against −10 is better than the target.
    assert_eq!(attainment(-5.0, -10.0, HigherBetter), Some(1.5));
    assert_eq!(attainment(-12.0, -10.0, HigherBetter), Some(0.8));
    assert_eq!(attainment(-10.0, -10.0, HigherBetter), Some(1.0));
    // No target, no attainment.
    assert_eq!(attainment(5.0, 0.0, HigherBetter), None);
    assert_eq!(attainment(f64::NAN, 10.0, HigherBetter), None);
    assert_eq!(attainment(5.0, f64::INFINITY, LowerBetter), None);
    assert_eq!(attainment(f64::MAX, -f64::MAX, HigherBetter), Some(1.5));
}

#[test]
fn rag_thresholds_are_inclusive() {
    assert_eq!(rag(0.95, T), Rag::Green);
    assert_eq!(rag(1.4, T), Rag::Green);
    assert_eq!(rag(0.9499, T), Rag::Amber);
    assert_eq!(rag(0.8, T), Rag::Amber);
    assert_eq!(rag(0.7999, T), Rag::Red);
    assert_eq!(rag(0.0, T), Rag::Red);
}

#[test]
fn rag_codes_and_keys() {
    let all = [Rag::Green, Rag::Amber, Rag::Red, Rag::Stale, Rag::None];
    let codes: Vec<_> = all.iter().map(|r| r.code()).collect();
    assert_eq!(codes, ["green", "amber", "red", "stale", "none"]);
    for r in all {
        assert_eq!(r.label_key(), format!("rag-{}", r.code()));
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            format!("\"{}\"", r.code())
        );
    }
}

/// The KPI score of an attainment against `T` (green 95, amber 80).
fn s(a: f64) -> f64 {
    kpi_score(a, T)
}

#[test]
fn kpi_score_interpolates_across_the_kpis_own_thresholds() {
    // Red: 70·p/A.
    assert_eq!(s(0.0), 0.0);
    assert_eq!(s(-0.2), 0.0);
    assert!(close(s(0.4), 35.0));
    assert!(close(s(0.6), 52.5));
    // Amber: 70 at the amber threshold, 70 + 20·(p − A)/(G − A) above.
    assert_eq!(s(0.8), 70.0);
    assert!(close(s(0.9), 70.0 + 20.0 * 10.0 / 15.0));
    // Green: 90 at the green threshold, 100 from 100 % on (capped).
    assert_eq!(s(0.95), 90.0);
    assert!(close(s(0.97), 94.0));
    assert_eq!(s(1.0), 100.0);
    assert_eq!(s(1.5), 100.0);
    assert!(s(f64::NAN).is_nan());
    // A green threshold at or above 100 %: meeting it scores 100.
    let high = Thresholds {
        green_from: 110.0,
        amber_from: 100.0,
    };
    assert_eq!(kpi_score(1.1, high), 100.0);
    assert!(close(kpi_score(1.05, high), 80.0));
    assert!(close(kpi_score(0.5, high), 35.0));
    // A == G: no amber band at all.
    let sharp = Thresholds {
        green_from: 90.0,
        amber_from: 90.0,
    };
    assert_eq!(kpi_score(0.9, sharp), 90.0);
    assert!(kpi_score(0.8999, sharp) < 70.0);
    assert_eq!(rag(0.8999, sharp), Rag::Red);
    // Next to a threshold, the score's band still agrees with the status.
    for a in [
        0.8_f64.next_down(),
        0.8,
        0.95_f64.next_down(),
        0.95,
        0.7999999,
    ] {
        assert_eq!(band(Some(s(a))), rag(a, T), "attainment {a}");
    }
}

#[test]
fn bands_and_shown_scores() {
    assert_eq!(band(None), Rag::None);
    assert_eq!(band(Some(f64::NAN)), Rag::None);
    assert_eq!(band(Some(0.0)), Rag::Red);
    assert_eq!(band(Some(69.99)), Rag::Red);
    assert_eq!(band(Some(70.0)), Rag::Amber);
    assert_eq!(band(Some(89.99)), Rag::Amber);
    assert_eq!(band(Some(90.0)), Rag::Green);
    assert_eq!(band(Some(100.0)), Rag::Green);
    // Printed scores never climb into the next band.
    assert_eq!(shown(89.6), 89.0);
    assert_eq!(band(Some(shown(89.6))), band(Some(89.6)));
    assert_eq!(shown(90.0), 90.0);
}

#[test]
fn staleness_counts_whole_months() {
    let aug_end = d(2026, 8, 31);
    assert!(!is_stale(aug_end, d(2026, 9, 30), 0));
    assert!(is_stale(aug_end, d(2026, 10, 1), 0));
    assert!(!is_stale(aug_end, d(2026, 10, 31), 1));
    assert!(is_stale(aug_end, d(2026, 11, 1), 1));
    // A quarterly value (Q2 ends 30 June) with 3 months' grace.
    assert!(!is_stale(d(2026, 6, 30), d(2026, 10, 31), 3));
    assert!(is_stale(d(2026, 6, 30), d(2026, 11, 1), 3));
}

#[test]
fn two_universes_weighted_two_to_one() {
    let kpis = vec![
        kpi(1, Marketing, 1.0, 80.0, 100.0),  // 70 (amber threshold)
        kpi(2, Marketing, 3.0, 120.0, 100.0), // 100 (capped)
        kpi(3, Financial, 1.0, 60.0, 100.0),  // 52.5 (red)
    ];
    let weights = [
        (Marketing, 2.0),
        (Financial, 1.0),
        (Process, 0.0),
        (Relationship, 0.0),
        (Logistics, 0.0),
    ];
    let sc = score(&kpis, &weights, as_of());
    // Marketing = (1·70 + 3·100)/4 = 92.5; overall = (2·92.5 + 1·52.5)/3 = 237.5/3.
    assert!(close(sc.universe(Marketing).score.unwrap(), 92.5));
    assert!(close(sc.universe(Financial).score.unwrap(), 52.5));
    assert!(close(sc.overall.unwrap(), 237.5 / 3.0));
    assert!(close(sc.universe(Marketing).weight, 2.0 / 3.0));
    assert!(close(sc.universe(Financial).weight, 1.0 / 3.0));
    assert_eq!(sc.universe(Process).weight, 0.0);
    assert_eq!(sc.universe(Process).score, None);
    // ew: 2/3·1/4, 2/3·3/4, 1/3·1.
    assert!(close(sc.kpi(1).unwrap().effective_weight, 1.0 / 6.0));
    assert!(close(sc.kpi(2).unwrap().effective_weight, 0.5));
    assert!(close(sc.kpi(3).unwrap().effective_weight, 1.0 / 3.0));
    assert_eq!(sc.kpi(1).unwrap().rag, Rag::Amber);
    assert_eq!(sc.kpi(2).unwrap().rag, Rag::Green);
    assert_eq!(sc.kpi(3).unwrap().rag, Rag::Red);
    assert_eq!(sc.kpi(2).unwrap().attainment, Some(1.2));
    let order: Vec<_> = sc.universes.iter().map(|u| u.universe).collect();
    assert_eq!(order, Universe::ALL);
    let ids: Vec<_> = sc.kpis.iter().map(|k| k.id).collect();
    assert_eq!(ids, [1, 2, 3]);
}

#[test]
fn unlisted_universes_weigh_one() {
    let kpis = vec![
        kpi(1, Marketing, 1.0, 80.0, 100.0),
        kpi(2, Logistics, 1.0, 40.0, 100.0),
    ];
    let sc = score(&kpis, &[], as_of());
    assert!(close(sc.overall.unwrap(), (s(0.8) + s(0.4)) / 2.0));
    // The last weight given for a universe wins.
    let sc = score(&kpis, &[(Logistics, 5.0), (Logistics, 0.0)], as_of());
    assert!(close(sc.overall.unwrap(), s(0.8)));
    assert_eq!(sc.universe(Logistics).score, Some(s(0.4)));
    assert_eq!(sc.universe(Logistics).weight, 0.0);
    assert_eq!(sc.kpi(2).unwrap().effective_weight, 0.0);
}

#[test]
fn stale_and_missing_kpis_are_left_out_and_counted() {
    let mut stale = kpi(2, Marketing, 1.0, 10.0, 100.0);
    stale.latest.as_mut().unwrap().period_end = d(2026, 6, 30);
    let mut missing = kpi(3, Marketing, 1.0, 0.0, 100.0);
    missing.latest = None;
    let zero_target = kpi(4, Marketing, 1.0, 5.0, 0.0);
    let kpis = vec![
        kpi(1, Marketing, 1.0, 90.0, 100.0),
        stale,
        missing,
        zero_target,
    ];
    let sc = score(&kpis, &[], as_of());
    assert!(close(sc.overall.unwrap(), s(0.9)));
    let m = sc.universe(Marketing);
    assert_eq!((m.fresh, m.stale, m.missing, m.total), (1, 1, 2, 4));
    let s = sc.kpi(2).unwrap();
    assert_eq!(s.rag, Rag::Stale);
    assert_eq!(
        s.last_rag,
        Some(Rag::Red),
        "a stale value keeps its last status"
    );
    assert!(s.stale);
    assert_eq!(s.score, None);
    assert_eq!(
        s.attainment,
        Some(0.1),
        "a stale value still shows its attainment"
    );
    assert_eq!(s.effective_weight, 0.0);
    assert_eq!(sc.kpi(1).unwrap().last_rag, Some(Rag::Amber));
    assert_eq!(sc.kpi(3).unwrap().rag, Rag::None);
    assert_eq!(sc.kpi(3).unwrap().attainment, None);
    assert_eq!(sc.kpi(4).unwrap().rag, Rag::None);
    assert_eq!(sc.kpi(4).unwrap().score, None);
    assert_eq!(sc.universe(Process).total, 0);
}

#[test]
fn lower_better_at_zero_and_negative_nps_targets() {
    let mut complaints = kpi(1, Process, 1.0, 0.0, 4.0);
    complaints.direction = LowerBetter;
    let nps = kpi(2, Relationship, 1.0, -12.0, -10.0);
    let sc = score(&[complaints, nps], &[], as_of());
    assert_eq!(sc.kpi(1).unwrap().attainment, Some(1.5));
    assert_eq!(sc.kpi(1).unwrap().score, Some(100.0));
    assert_eq!(sc.kpi(1).unwrap().rag, Rag::Green);
    assert!(close(sc.kpi(2).unwrap().score.unwrap(), 70.0));
    assert_eq!(sc.kpi(2).unwrap().rag, Rag::Amber);
    assert!(close(sc.overall.unwrap(), 85.0));
}

#[test]
fn nothing_fresh_means_no_score() {
    let mut only = kpi(1, Marketing, 1.0, 90.0, 100.0);
    only.latest = None;
    let sc = score(&[only], &[], as_of());
    assert_eq!(sc.overall, None);
    assert!(
        sc.universes
            .iter()
            .all(|u| u.score.is_none() && u.weight == 0.0)
    );
    let empty = score(&[], &[], as_of());
    assert_eq!(empty.overall, None);
    assert_eq!(empty.universes.len(), 5);
    // Fresh but weightless KPIs do not make a universe score.
    let sc = score(&[kpi(1, Marketing, 0.0, 90.0, 100.0)], &[], as_of());
    assert_eq!(sc.universe(Marketing).fresh, 1);
    assert_eq!(sc.universe(Marketing).score, None);
    assert_eq!(sc.overall, None);
}

#[test]
fn explanation_splits_the_delta() {
    let before = score(
        &[
            kpi(1, Marketing, 1.0, 80.0, 100.0),
            kpi(2, Financial, 1.0, 60.0, 100.0),
        ],
        &[],
        as_of(),
    );
    let mut gone_stale = kpi(2, Financial, 1.0, 60.0, 100.0);
    gone_stale.latest.as_mut().unwrap().period_end = d(2026, 1, 31);
    let after = score(
        &[
            kpi(1, Marketing, 1.0, 90.0, 100.0),
            gone_stale,
            kpi(3, Process, 1.0, 100.0, 100.0),
        ],
        &[],
        as_of(),
    );
    // Before: (s(0.8) + s(0.6))/2. After: (s(0.9) + 100)/2.
    let e = explain(&before, &after);
    assert_eq!(e.before, Some((s(0.8) + s(0.6)) / 2.0));
    assert_eq!(e.after, Some((s(0.9) + 100.0) / 2.0));
    assert!(close(
        e.delta.unwrap(),
        (s(0.9) + 100.0 - s(0.8) - s(0.6)) / 2.0
    ));
    // KPI 3 arrives: +50; KPI 2 goes stale: −s(0.6)/2; KPI 1: (s(0.9) − s(0.8))/2.
    let summary: Vec<(i64, f64)> = e.contributions.iter().map(|c| (c.id, c.points)).collect();
    assert_eq!(summary.len(), 3);
    assert_eq!(summary[0].0, 3);
    assert!(close(summary[0].1, 50.0));
    assert_eq!(summary[1].0, 2);
    assert!(close(summary[1].1, -s(0.6) / 2.0));
    assert_eq!(summary[2].0, 1);
    assert!(close(summary[2].1, (s(0.9) - s(0.8)) / 2.0));
    let c2 = &e.contributions[1];
    assert_eq!((c2.before_rag, c2.after_rag), (Rag::Red, Rag::Stale));
    assert_eq!((c2.before_score, c2.after_score), (Some(s(0.6)), None));
    let c3 = &e.contributions[0];
    assert_eq!((c3.before_rag, c3.before_score), (Rag::None, None));
    // No change, no contributions.
    let same = explain(&after, &after);
    assert_eq!(same.delta, Some(0.0));
    assert!(same.contributions.is_empty());
}

#[test]
fn explanation_without_a_before_score() {
    let empty = score(&[], &[], as_of());
    let after = score(&[kpi(1, Marketing, 1.0, 80.0, 100.0)], &[], as_of());
    let e = explain(&empty, &after);
    assert_eq!((e.before, e.after, e.delta), (None, Some(s(0.8)), None));
    assert_eq!(e.contributions.len(), 1);
    assert!(close(e.contributions[0].points, s(0.8)));
}

#[test]
fn universe_weight_checks() {
    let ok = [
        (Marketing, 20.0),
        (Process, 20.0),
        (Relationship, 20.0),
        (Logistics, 20.0),
        (Financial, 20.0),
    ];
    assert_eq!(check_universe_weights(&ok), Ok(()));
    assert_eq!(
        check_universe_weights(&[(Marketing, 33.333), (Process, 33.333), (Financial, 33.334)]),
        Ok(())
    );
    assert_eq!(
        check_universe_weights(&[(Marketing, 100.0), (Process, 0.0)]),
        Ok(())
    );
    assert_eq!(
        check_universe_weights(&[(Marketing, 50.0), (Process, 49.0)]),
        Err("weights-not-100")
    );
    assert_eq!(check_universe_weights(&[]), Err("weights-not-100"));
    assert_eq!(
        check_universe_weights(&[(Marketing, 120.0), (Process, -20.0)]),
        Err("weight-out-of-range")
    );
    assert_eq!(
        check_universe_weights(&[(Marketing, f64::NAN)]),
        Err("weight-out-of-range")
    );
}

#[test]
fn threshold_checks() {
    let t = |green_from, amber_from| {
        check_thresholds(Thresholds {
            green_from,
            amber_from,
        })
    };
    assert_eq!(t(95.0, 80.0), Ok(()));
    assert_eq!(t(90.0, 90.0), Ok(()));
    assert_eq!(t(80.0, 95.0), Err("thresholds-invalid"));
    assert_eq!(t(90.0, 0.0), Err("thresholds-invalid"));
    assert_eq!(t(-1.0, -5.0), Err("thresholds-invalid"));
    assert_eq!(t(f64::NAN, 50.0), Err("thresholds-invalid"));
}

// ---- properties -----------------------------------------------------------

fn universe() -> impl Strategy<Value = Universe> {
    prop::sample::select(Universe::ALL.to_vec())
}

fn target() -> impl Strategy<Value = f64> {
    prop_oneof![-100.0..-0.5f64, 0.5..1000.0f64]
}

fn input(id: i64) -> impl Strategy<Value = KpiInput> {
    (
        universe(),
        prop_oneof![1 => Just(0.0), 6 => 0.1..10.0f64],
        prop::bool::ANY,
        0u32..3,
        prop::option::weighted(0.85, (0u32..6, -500.0..1500.0f64, target())),
        thresholds(),
    )
        .prop_map(
            move |(universe, weight, higher, freshness_months, latest, thresholds)| KpiInput {
                id,
                universe,
                weight,
                direction: if higher { HigherBetter } else { LowerBetter },
                thresholds,
                freshness_months,
                latest: latest.map(|(months_back, value, target)| Observation {
                    period_end: crate::period::Period::containing(
                        crate::domain::Frequency::Monthly,
                        as_of(),
                    )
                    .offset(-(months_back as i32) - 1)
                    .end(),
                    value,
                    target,
                }),
            },
        )
}

/// Valid thresholds (0 < A ≤ G), sometimes equal, sometimes with G above 100 %.
fn thresholds() -> impl Strategy<Value = Thresholds> {
    prop_oneof![
        3 => Just(T),
        4 => (1.0..140.0f64, 0.05..1.0f64).prop_map(|(g, f)| Thresholds { green_from: g, amber_from: g * f }),
        1 => (1.0..140.0f64).prop_map(|g| Thresholds { green_from: g, amber_from: g }),
    ]
}

/// Red < amber < green, for "between" comparisons.
fn rank(r: Rag) -> u8 {
    match r {
        Rag::Red => 0,
        Rag::Amber => 1,
        Rag::Green => 2,
        Rag::Stale | Rag::None => panic!("not a scored status: {r:?}"),
    }
}

/// A fresh KPI of universe Marketing at attainment `pct`% (value `pct` against 100).
fn at(id: i64, weight: f64, pct: f64, thresholds: Thresholds) -> KpiInput {
    KpiInput {
        thresholds,
        ..kpi(id, Marketing, weight, pct, 100.0)
    }
}

/// Attainment percentages strictly inside a KPI's band (a hair away from the limits).
fn pct_in(band: Rag, t: Thresholds) -> BoxedStrategy<f64> {
    let (lo, hi) = match band {
        Rag::Red => (0.0, t.amber_from - 0.01),
        Rag::Amber => (t.amber_from + 0.01, t.green_from - 0.01),
        _ => (t.green_from + 0.01, 150.0f64.max(t.green_from + 0.02)),
    };
    (lo..hi.max(lo + 1e-6)).boxed()
}

/// One universe of 1–6 fresh KPIs, each with its thresholds, all in `band`.
fn universe_in(band: Rag) -> impl Strategy<Value = Vec<KpiInput>> {
    prop::collection::vec(
        (
            0.1..10.0f64,
            (5.0..100.0f64, 0.3..0.95f64).prop_map(|(g, f)| Thresholds {
                green_from: g,
                amber_from: g * f,
            }),
        ),
        1..7,
    )
    .prop_flat_map(move |ks| {
        ks.into_iter()
            .enumerate()
            .map(|(i, (w, t))| pct_in(band, t).prop_map(move |p| at(i as i64 + 1, w, p, t)))
            .collect::<Vec<_>>()
    })
}

fn inputs() -> impl Strategy<Value = Vec<KpiInput>> {
    (0usize..12).prop_flat_map(|n| (0..n).map(|i| input(i as i64 + 1)).collect::<Vec<_>>())
}

fn weights() -> impl Strategy<Value = Vec<(Universe, f64)>> {
    prop::collection::vec(prop_oneof![1 => Just(0.0), 4 => 0.0..50.0f64], 5)
        .prop_map(|ws| Universe::ALL.iter().copied().zip(ws).collect())
}

proptest! {
    #[test]
    fn attainment_stays_within_bounds(v in prop::num::f64::ANY, t in prop::num::f64::ANY, higher in prop::bool::ANY) {
        let dir = if higher { HigherBetter } else { LowerBetter };
        if let Some(a) = attainment(v, t, dir) {
            prop_assert!((0.0..=1.5).contains(&a));
            prop_assert!((0.0..=100.0).contains(&kpi_score(a, T)));
        }
    }

    #[test]
    fn scores_stay_within_0_and_100(kpis in inputs(), ws in weights()) {
        let sc = score(&kpis, &ws, as_of());
        for k in &sc.kpis {
            if let Some(s) = k.score { prop_assert!((0.0..=100.0).contains(&s)); }
        }
        for u in &sc.universes {
            if let Some(s) = u.score { prop_assert!((0.0..=100.0).contains(&s)); }
            prop_assert_eq!(u.fresh + u.stale + u.missing, u.total);
        }
        if let Some(o) = sc.overall { prop_assert!((0.0..=100.0).contains(&o)); }
    }

    #[test]
    fn overall_lies_between_the_counted_universe_scores(kpis in inputs(), ws in weights()) {
        let sc = score(&kpis, &ws, as_of());
        let counted: Vec<f64> = sc.universes.iter().filter(|u| u.weight > 0.0).filter_map(|u| u.score).collect();
        match sc.overall {
            Some(o) => {
                let lo = counted.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = counted.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                prop_assert!(lo <= o && o <= hi, "{lo} <= {o} <= {hi}");
            }
            None => prop_assert!(counted.is_empty()),
        }
    }

    #[test]
    fn effective_weights_sum_to_one(kpis in inputs(), ws in weights()) {
        let sc = score(&kpis, &ws, as_of());
        let sum: f64 = sc.kpis.iter().map(|k| k.effective_weight).sum();
        if let Some(o) = sc.overall {
            prop_assert!((sum - 1.0).abs() < 1e-9, "Σew = {sum}");
            let recomposed: f64 = sc.kpis.iter().filter_map(|k| k.score.map(|s| s * k.effective_weight)).sum();
            prop_assert!((recomposed - o).abs() < 1e-6);
            let shares: f64 = sc.universes.iter().map(|u| u.weight).sum();
            prop_assert!((shares - 1.0).abs() < 1e-9);
        } else {
            prop_assert_eq!(sum, 0.0);
        }
        for k in &sc.kpis {
            if k.score.is_none() { prop_assert_eq!(k.effective_weight, 0.0); }
        }
    }

    #[test]
    fn contributions_add_up_to_the_delta(a in inputs(), b in inputs(), wa in weights(), wb in weights()) {
        let before = score(&a, &wa, as_of());
        let after = score(&b, &wb, as_of());
        let e = explain(&before, &after);
        let sum: f64 = e.contributions.iter().map(|c| c.points).sum();
        let expected = after.overall.unwrap_or(0.0) - before.overall.unwrap_or(0.0);
        prop_assert!((sum - expected).abs() < 1e-6, "{sum} vs {expected}");
        if let Some(delta) = e.delta { prop_assert!((delta - expected).abs() < 1e-12); }
        for pair in e.contributions.windows(2) {
            prop_assert!(pair[0].points.abs() >= pair[1].points.abs());
        }
    }

    #[test]
    fn a_stale_value_never_changes_the_overall(
        mut kpis in inputs(), ws in weights(), pick in any::<prop::sample::Index>(),
        v1 in -1000.0..1000.0f64, v2 in -1000.0..1000.0f64, t in target(),
    ) {
        prop_assume!(!kpis.is_empty());
        let i = pick.index(kpis.len());
        let set = |kpis: &mut Vec<KpiInput>, value: f64| {
            kpis[i].latest = Some(Observation { period_end: d(2025, 12, 31), value, target: t });
        };
        set(&mut kpis, v1);
        let one = score(&kpis, &ws, as_of());
        set(&mut kpis, v2);
        let two = score(&kpis, &ws, as_of());
        prop_assert_eq!(one.kpis[i].rag, Rag::Stale);
        prop_assert_eq!(one.overall, two.overall);
    }

    #[test]
    fn improving_a_higher_better_kpi_never_lowers_the_overall(
        mut kpis in inputs(), ws in weights(), pick in any::<prop::sample::Index>(),
        v in -1000.0..1000.0f64, gain in 0.0..500.0f64, t in target(),
    ) {
        prop_assume!(!kpis.is_empty());
        let i = pick.index(kpis.len());
        kpis[i].direction = HigherBetter;
        kpis[i].latest = Some(Observation { period_end: d(2026, 8, 31), value: v, target: t });
        let before = score(&kpis, &ws, as_of());
        kpis[i].latest.as_mut().unwrap().value = v + gain;
        let after = score(&kpis, &ws, as_of());
        match (before.overall, after.overall) {
            (Some(b), Some(a)) => prop_assert!(a >= b - 1e-9, "{b} -> {a}"),
            (b, a) => prop_assert_eq!(b.is_some(), a.is_some()),
        }
    }

    #[test]
    fn a_kpi_scores_in_the_band_of_its_status(a in 0.0..1.5f64, b in 0.0..1.5f64, t in thresholds()) {
        let (sa, sb) = (kpi_score(a, t), kpi_score(b, t));
        prop_assert_eq!(band(Some(sa)), rag(a, t), "score {} at attainment {} with {:?}", sa, a, t);
        prop_assert!((0.0..=100.0).contains(&sa));
        // Higher attainment never scores lower.
        if a <= b { prop_assert!(sa <= sb + 1e-9, "{a}→{sa}, {b}→{sb}"); }
    }

    #[test]
    fn all_amber_kpis_make_an_amber_universe(kpis in universe_in(Rag::Amber)) {
        let sc = score(&kpis, &[], as_of());
        prop_assert!(sc.kpis.iter().all(|k| k.rag == Rag::Amber));
        prop_assert_eq!(band(sc.universe(Marketing).score), Rag::Amber);
        prop_assert_eq!(band(sc.overall), Rag::Amber);
    }

    #[test]
    fn all_green_kpis_make_a_green_universe(kpis in universe_in(Rag::Green)) {
        let sc = score(&kpis, &[], as_of());
        prop_assert!(sc.kpis.iter().all(|k| k.rag == Rag::Green));
        prop_assert_eq!(band(sc.universe(Marketing).score), Rag::Green);
        prop_assert_eq!(band(sc.overall), Rag::Green);
    }

    #[test]
    fn all_red_kpis_make_a_red_universe(kpis in universe_in(Rag::Red)) {
        let sc = score(&kpis, &[], as_of());
        prop_assert!(sc.kpis.iter().all(|k| k.rag == Rag::Red));
        prop_assert_eq!(band(sc.universe(Marketing).score), Rag::Red);
    }

    #[test]
    fn a_universe_status_lies_between_its_worst_and_best_kpi(kpis in inputs(), ws in weights()) {
        let sc = score(&kpis, &ws, as_of());
        for u in &sc.universes {
            let Some(us) = u.score else { continue };
            let counted: Vec<u8> = kpis.iter().zip(&sc.kpis)
                .filter(|(k, r)| k.universe == u.universe && r.score.is_some() && usable(k.weight) > 0.0)
                .map(|(_, r)| rank(r.rag))
                .collect();
            let worst = *counted.iter().min().unwrap();
            let best = *counted.iter().max().unwrap();
            let status = rank(band(Some(us)));
            prop_assert!(worst <= status && status <= best, "{:?}: {} not in {}..={}", u.universe, status, worst, best);
        }
    }

    #[test]
    fn raising_a_kpis_weight_moves_the_universe_towards_it(
        kpis in universe_in(Rag::Amber), greens in universe_in(Rag::Green), pick in any::<prop::sample::Index>(), factor in 1.0..20.0f64,
    ) {
        // A mixed universe: amber KPIs and green ones (ids kept distinct).
        let mut all = kpis;
        let n = all.len() as i64;
        all.extend(greens.into_iter().map(|mut k| { k.id += n; k }));
        let i = pick.index(all.len());
        let before = score(&all, &[], as_of());
        let target = before.kpis[i].score.unwrap();
        let u_before = before.universe(Marketing).score.unwrap();
        all[i].weight *= factor;
        let u_after = score(&all, &[], as_of()).universe(Marketing).score.unwrap();
        prop_assert!((u_after - target).abs() <= (u_before - target).abs() + 1e-9,
            "KPI at {target}: universe {u_before} -> {u_after}");
    }

    #[test]
    fn a_heavily_weighted_red_kpi_pulls_a_universe_out_of_green(
        greens in universe_in(Rag::Green), p in 0.0..79.0f64, share in 0.34..0.95f64,
    ) {
        // The red KPI carries `share` of the universe's weight (at least a third).
        let others: f64 = greens.iter().map(|k| k.weight).sum();
        let w = others * share / (1.0 - share);
        let mut all = greens;
        all.push(at(100, w, p, T));
        let sc = score(&all, &[], as_of());
        prop_assert_eq!(sc.kpi(100).unwrap().rag, Rag::Red);
        prop_assert_ne!(band(sc.universe(Marketing).score), Rag::Green);
    }
}
