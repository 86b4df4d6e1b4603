use super::*;
use Band::{High as H, Low as L, Medium as M};
use proptest::prelude::*;

fn crit(id: i64, axis: Axis, name: &str, weight: u32, source: Source) -> Criterion {
    Criterion {
        id,
        axis,
        name: name.into(),
        weight,
        source,
    }
}

fn valid_set() -> Vec<Criterion> {
    vec![
        crit(1, Axis::Attractiveness, "Margin", 60, Source::Rating),
        crit(
            2,
            Axis::Attractiveness,
            "Growth",
            40,
            Source::Kpi {
                low: 0.0,
                high: 100.0,
            },
        ),
        crit(3, Axis::Strength, "Share of wallet", 100, Source::Rating),
    ]
}

fn inputs(pairs: &[(i64, f64)]) -> HashMap<i64, f64> {
    pairs.iter().copied().collect()
}

fn cell(attractiveness: Band, strength: Band) -> Cell {
    Cell {
        attractiveness,
        strength,
    }
}

#[test]
fn a_valid_set_passes() {
    assert_eq!(validate(&valid_set()), Ok(()));
}

#[test]
fn weights_must_add_up_per_axis() {
    let mut set = valid_set();
    set[1].weight = 30;
    assert_eq!(
        validate(&set),
        Err(vec![CriteriaError::WeightsDoNotAddUp {
            axis: Axis::Attractiveness,
            total: 90
        }])
    );
}

#[test]
fn empty_and_too_many() {
    let only_strength = vec![crit(3, Axis::Strength, "S", 100, Source::Rating)];
    assert_eq!(
        validate(&only_strength),
        Err(vec![CriteriaError::Empty {
            axis: Axis::Attractiveness
        }])
    );
    let mut set: Vec<Criterion> = (0..6)
        .map(|i| {
            crit(
                i,
                Axis::Attractiveness,
                &format!("A{i}"),
                if i == 0 { 50 } else { 10 },
                Source::Rating,
            )
        })
        .collect();
    set.push(crit(10, Axis::Strength, "S", 100, Source::Rating));
    assert_eq!(
        validate(&set),
        Err(vec![CriteriaError::TooMany {
            axis: Axis::Attractiveness,
            count: 6,
            max: 5
        }])
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let set = vec![
        crit(1, Axis::Attractiveness, "Margin", 0, Source::Rating),
        crit(
            1,
            Axis::Attractiveness,
            " margin ",
            100,
            Source::Kpi {
                low: 3.0,
                high: 3.0,
            },
        ),
        crit(
            3,
            Axis::Strength,
            "  ",
            101,
            Source::Kpi {
                low: f64::NAN,
                high: 1.0,
            },
        ),
    ];
    let errors = validate(&set).unwrap_err();
    for expected in [
        CriteriaError::WeightOutOfRange { id: 1, weight: 0 },
        CriteriaError::DuplicateId { id: 1 },
        CriteriaError::KpiRangeEmpty { id: 1 },
        CriteriaError::EmptyName { id: 3 },
        CriteriaError::WeightOutOfRange { id: 3, weight: 101 },
        CriteriaError::KpiRangeEmpty { id: 3 },
        CriteriaError::DuplicateName {
            axis: Axis::Attractiveness,
            name: "margin".into(),
        },
        CriteriaError::WeightsDoNotAddUp {
            axis: Axis::Strength,
            total: 101,
        },
    ] {
        assert!(errors.contains(&expected), "{expected:?} not in {errors:?}");
    }
    assert_eq!(errors.len(), 8, "{errors:?}");
}

#[test]
fn huge_weights_do_not_overflow() {
    let set = vec![
        crit(1, Axis::Attractiveness, "A", u32::MAX, Source::Rating),
        crit(2, Axis::Attractiveness, "B", u32::MAX, Source::Rating),
        crit(3, Axis::Strength, "S", 100, Source::Rating),
    ];
    assert!(
        validate(&set)
            .unwrap_err()
            .contains(&CriteriaError::WeightsDoNotAddUp {
                axis: Axis::Attractiveness,
                total: u32::MAX
            })
    );
}

#[test]
fn ratings() {
    assert!((1..=5).all(rating_valid));
    assert!(!rating_valid(0) && !rating_valid(6) && !rating_valid(-1));
}

#[test]
fn weighted_ratings_60_40() {
    let set = vec![
        crit(1, Axis::Attractiveness, "A", 60, Source::Rating),
        crit(2, Axis::Attractiveness, "B", 40, Source::Rating),
    ];
    let s = axis_score(&set, &inputs(&[(1, 5.0), (2, 2.0)]), Axis::Attractiveness).unwrap();
    // 0.6·5 + 0.4·2 = 3.8 ≥ 11/3
    assert!((s.score - 3.8).abs() < 1e-12);
    assert!(s.missing.is_empty());
    assert_eq!(Band::from_score(s.score), H);
}

#[test]
fn kpi_mapping_both_directions() {
    assert_eq!(kpi_to_scale(50.0, 0.0, 100.0), 3.0);
    assert_eq!(kpi_to_scale(25.0, 0.0, 100.0), 2.0);
    assert_eq!(kpi_to_scale(-10.0, 0.0, 100.0), 1.0);
    assert_eq!(kpi_to_scale(150.0, 0.0, 100.0), 5.0);
    // Days sales outstanding: 30 days is great (5), 90 is poor (1).
    assert_eq!(kpi_to_scale(45.0, 90.0, 30.0), 4.0);
    assert_eq!(kpi_to_scale(20.0, 90.0, 30.0), 5.0);
    assert_eq!(kpi_to_scale(120.0, 90.0, 30.0), 1.0);
}

#[test]
fn missing_criterion_renormalises() {
    let set = valid_set();
    // Only growth (weight 40) present: KPI 75 → 4; the score is 4, not 0.4·4.
    let s = axis_score(&set, &inputs(&[(2, 75.0)]), Axis::Attractiveness).unwrap();
    assert_eq!(
        s,
        AxisScore {
            score: 4.0,
            missing: vec![1]
        }
    );
    // Both present: 0.6·2 + 0.4·4 = 2.8.
    let s = axis_score(&set, &inputs(&[(1, 2.0), (2, 75.0)]), Axis::Attractiveness).unwrap();
    assert!((s.score - 2.8).abs() < 1e-12);
    // Other-axis inputs are ignored; nothing present gives None.
    assert_eq!(
        axis_score(&set, &inputs(&[(3, 4.0)]), Axis::Attractiveness),
        None
    );
}

#[test]
fn unusable_inputs_count_as_missing() {
    let set = valid_set();
    let s = axis_score(
        &set,
        &inputs(&[(1, 7.0), (2, f64::NAN)]),
        Axis::Attractiveness,
    );
    assert_eq!(s, None);
    let s = axis_score(&set, &inputs(&[(1, 0.0), (2, 100.0)]), Axis::Attractiveness).unwrap();
    assert_eq!(
        s,
        AxisScore {
            score: 5.0,
            missing: vec![1]
        }
    );
}

#[test]
fn bands_are_thirds_of_the_scale() {
    assert_eq!(Band::from_score(1.0), L);
    assert_eq!(Band::from_score(2.33), L);
    assert_eq!(Band::from_score(7.0 / 3.0), M);
    assert_eq!(Band::from_score(3.66), M);
    assert_eq!(Band::from_score(11.0 / 3.0), H);
    assert_eq!(Band::from_score(5.0), H);
    assert_eq!(Band::from_score(f64::NAN), L);
}

#[test]
fn nine_cells_readings_and_indices() {
    use Reading::*;
    let table = [
        (H, H, InvestGrow, (0, 0)),
        (H, M, InvestGrow, (0, 1)),
        (M, H, InvestGrow, (1, 0)),
        (H, L, Selective, (0, 2)),
        (M, M, Selective, (1, 1)),
        (L, H, Selective, (2, 0)),
        (M, L, Harvest, (1, 2)),
        (L, M, Harvest, (2, 1)),
        (L, L, Harvest, (2, 2)),
    ];
    for (a, s, reading, index) in table {
        assert_eq!(cell(a, s).reading(), reading, "{a:?}/{s:?}");
        assert_eq!(cell(a, s).index(), index, "{a:?}/{s:?}");
    }
    assert_eq!(
        [InvestGrow, Selective, Harvest].map(Reading::code),
        ["invest", "selective", "harvest"]
    );
}

#[test]
fn movements() {
    let first = movement(None, (4.0, 4.0));
    assert_eq!(
        (first.direction, first.cell_changed, first.d_strength),
        (Direction::Same, false, None)
    );
    // From M/M (selective) to H/M (invest): up, attractiveness +1.5.
    let m = movement(Some((3.0, 3.0)), (4.5, 3.0));
    assert_eq!(m.d_attractiveness, Some(1.5));
    assert_eq!(m.d_strength, Some(0.0));
    assert_eq!((m.from, m.to), (Some(cell(M, M)), cell(H, M)));
    assert!(m.cell_changed);
    assert_eq!(m.direction, Direction::Up);
    // H/L → L/H: a different cell with the same (selective) reading.
    let m = movement(Some((4.0, 1.5)), (1.5, 4.0));
    assert!(m.cell_changed);
    assert_eq!(m.direction, Direction::Same);
    assert_eq!(
        movement(Some((4.0, 4.0)), (2.0, 2.0)).direction,
        Direction::Down
    );
    // Small drift inside one cell.
    let m = movement(Some((4.0, 4.0)), (4.2, 3.9));
    assert!(!m.cell_changed && m.direction == Direction::Same);
}

fn place(id: i64, key: bool, kam: Option<i64>, c: Cell) -> AccountPlacement {
    AccountPlacement {
        id,
        tier_is_key: key,
        kam,
        cell: c,
    }
}

#[test]
fn portfolio_warnings() {
    let mm = cell(M, M);
    let mut accounts = vec![
        place(7, false, Some(2), cell(H, H)), // candidate
        place(3, true, Some(1), cell(L, L)),  // key placed low
        place(4, true, None, mm),             // key without KAM
    ];
    // KAM 1 owns 5 key accounts (incl. #3), KAM 2 none, KAM 3 one: fair share 6/3 = 2.
    accounts.extend((10..14).map(|id| place(id, true, Some(1), mm)));
    accounts.push(place(20, true, Some(3), mm));
    let w = warnings(&accounts, 5, 1.5);
    assert_eq!(
        w,
        vec![
            Warning::TooManyKeyAccounts { count: 7, max: 5 },
            Warning::KamOverloaded {
                kam: 1,
                count: 5,
                fair_share: 2.0
            },
            Warning::KeyAccountWithoutKam { id: 4 },
            Warning::KeyAccountPlacedLow { id: 3 },
            Warning::Candidate { id: 7 },
        ]
    );
    assert_eq!(
        w.iter().map(Warning::code).collect::<Vec<_>>()[1],
        "kam_overloaded"
    );
}

#[test]
fn small_portfolios_do_not_cry_wolf() {
    let mm = cell(M, M);
    // 2 key accounts vs a fair share of 1: above 1.5× but not more than one account above.
    let accounts = [
        place(1, true, Some(1), mm),
        place(2, true, Some(1), mm),
        place(3, false, Some(2), mm),
    ];
    assert!(warnings(&accounts, 10, 1.5).is_empty());
    // One more makes 3 vs 1.5: flagged.
    let mut more = accounts.to_vec();
    more.push(place(4, true, Some(1), mm));
    assert_eq!(
        warnings(&more, 10, 1.5),
        vec![Warning::KamOverloaded {
            kam: 1,
            count: 3,
            fair_share: 1.5
        }]
    );
    // A lone KAM is their own average.
    let solo: Vec<_> = (0..9).map(|id| place(id, true, Some(1), mm)).collect();
    assert!(warnings(&solo, 10, 1.5).is_empty());
    // A share below 1 is raised to 1: the average KAM is never flagged.
    let even = [place(1, true, Some(1), mm), place(2, true, Some(2), mm)];
    assert!(warnings(&even, 10, 0.2).is_empty());
    assert!(warnings(&[], 0, f64::NAN).is_empty());
}

proptest! {
    #[test]
    fn kpi_scale_is_bounded_and_monotone(
        low in -1e6f64..1e6, span in 1e-3f64..1e6, a in -2e6f64..2e6, b in -2e6f64..2e6
    ) {
        let high = low + span;
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let (s_lo, s_hi) = (kpi_to_scale(lo, low, high), kpi_to_scale(hi, low, high));
        prop_assert!((1.0..=5.0).contains(&s_lo) && (1.0..=5.0).contains(&s_hi));
        prop_assert!(s_lo <= s_hi);
        // Swapping the bounds mirrors the scale.
        prop_assert!((kpi_to_scale(lo, high, low) - (6.0 - s_lo)).abs() < 1e-9);
    }

    #[test]
    fn axis_score_stays_within_the_inputs(
        ratings in prop::collection::vec((1u32..=100, prop::option::of(1.0f64..=5.0)), 1..=5)
    ) {
        let set: Vec<Criterion> = ratings.iter().enumerate()
            .map(|(i, &(w, _))| crit(i as i64, Axis::Strength, "c", w, Source::Rating)).collect();
        let given: HashMap<i64, f64> = ratings.iter().enumerate()
            .filter_map(|(i, &(_, r))| r.map(|r| (i as i64, r))).collect();
        match axis_score(&set, &given, Axis::Strength) {
            None => prop_assert!(given.is_empty()),
            Some(s) => {
                let min = given.values().copied().fold(f64::INFINITY, f64::min);
                let max = given.values().copied().fold(f64::NEG_INFINITY, f64::max);
                prop_assert!(s.score >= min - 1e-9 && s.score <= max + 1e-9);
                prop_assert_eq!(s.missing.len() + given.len(), set.len());
            }
        }
    }
}
