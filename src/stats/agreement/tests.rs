use super::*;

/// 10 labelled items written out: (human, judge).
/// tp = 5, fn = 1, fp = 1, tn = 3.
const SET: [(bool, bool); 10] = [
    (true, true),
    (true, true),
    (true, true),
    (true, true),
    (true, true),
    (true, false),
    (false, true),
    (false, false),
    (false, false),
    (false, false),
];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn calibration_numbers_match_a_hand_computation() {
    let c = Confusion::from_pairs(SET);
    assert_eq!(
        c,
        Confusion {
            tp: 5,
            fn_: 1,
            fp: 1,
            tn: 3
        }
    );
    assert!(close(c.accuracy(), 0.8));
    assert!(close(c.tpr(), 5.0 / 6.0));
    assert!(close(c.tnr(), 0.75));
    // p_o = 0.8; p_e = 0.6·0.6 + 0.4·0.4 = 0.52; κ = 0.28 / 0.48.
    assert!(close(c.kappa(), 0.28 / 0.48), "{}", c.kappa());
    // Rogan–Gladen with p_obs = 0.6: (0.6 + 0.75 − 1) / (5/6 + 0.75 − 1) = 0.35 / (7/12) = 0.6.
    assert!(close(rogan_gladen(0.6, c.tpr(), c.tnr()).unwrap(), 0.6));
}

#[test]
fn degenerate_sets_give_defined_values() {
    // Single class, all agree: chance agreement is 1, κ is 0 by convention.
    let single = Confusion::from_pairs([(true, true); 4]);
    assert_eq!(
        (single.kappa(), single.tpr(), single.tnr()),
        (0.0, 1.0, 0.0)
    );
    assert_eq!(single.accuracy(), 1.0);
    // Both classes, all agree.
    let agree = Confusion::from_pairs([(true, true), (false, false), (true, true)]);
    assert!(close(agree.kappa(), 1.0));
    // All disagree: p_o = 0, p_e = 0.5 → κ = −1.
    let disagree = Confusion::from_pairs([(true, false), (false, true)]);
    assert!(close(disagree.kappa(), -1.0));
    assert_eq!(
        (disagree.tpr(), disagree.tnr(), disagree.accuracy()),
        (0.0, 0.0, 0.0)
    );
    // Nothing at all.
    let empty = Confusion::default();
    for v in [empty.kappa(), empty.accuracy(), empty.tpr(), empty.tnr()] {
        assert_eq!(v, 0.0);
    }
    assert_eq!(
        kappa_bootstrap_ci(&[], 100, 1),
        Interval {
            low: 0.0,
            high: 0.0
        }
    );
    assert_eq!(best_threshold(&[]), None);
    assert_eq!(self_agreement(&[]), 1.0);
    let lb = length_bias(&[]);
    assert_eq!((lb.gap, lb.longer_n, lb.shorter_n), (0.0, 0, 0));
}

#[test]
fn an_always_pass_judge_has_kappa_zero_and_no_correction() {
    let pairs: Vec<(bool, bool)> = SET.iter().map(|(h, _)| (*h, true)).collect();
    let c = Confusion::from_pairs(pairs);
    assert_eq!(c.kappa(), 0.0);
    assert_eq!((c.tpr(), c.tnr()), (1.0, 0.0));
    assert_eq!(
        rogan_gladen(1.0, c.tpr(), c.tnr()),
        None,
        "TPR + TNR − 1 = 0"
    );
}

#[test]
fn rogan_gladen_clips_to_the_unit_interval() {
    assert_eq!(rogan_gladen(0.0, 0.9, 0.9), Some(0.0)); // (−0.1)/0.8 → 0
    assert_eq!(rogan_gladen(1.0, 0.9, 0.9), Some(1.0)); // 0.9/0.8 → 1
    assert_eq!(rogan_gladen(0.5, 0.4, 0.5), None);
}

#[test]
fn bootstrap_interval_is_seeded_and_brackets_the_estimate() {
    let a = kappa_bootstrap_ci(&SET, 2000, 7);
    assert_eq!(
        a,
        kappa_bootstrap_ci(&SET, 2000, 7),
        "same seed, same interval"
    );
    let k = Confusion::from_pairs(SET).kappa();
    assert!(a.low <= k && k <= a.high, "{a:?} vs {k}");
    assert!(a.low >= -1.0 && a.high <= 1.0 && a.low < a.high);
}

#[test]
fn best_threshold_maximizes_kappa() {
    // Humans pass the items scored 0.7 and up; 0.6 is a human fail.
    let items = [
        (false, 0.1),
        (false, 0.3),
        (false, 0.6),
        (true, 0.7),
        (true, 0.9),
    ];
    let (t, k) = best_threshold(&items).unwrap();
    assert_eq!(t, 0.7);
    assert!(close(k, 1.0));
    // At 0.6: tp 2, fp 1, tn 2 → p_o 0.8, p_e 0.4·0.6 + 0.6·0.4 = 0.48, κ = 0.32/0.52 < 1.
}

#[test]
fn length_bias_pools_median_splits_within_each_label() {
    // Human pass: lengths 10, 20, 30, 40 (median 25); judge passes only the long ones.
    // Human fail: lengths 5, 50 (median 27.5); judge passes the long one.
    let items = [
        (true, 10, false),
        (true, 20, false),
        (true, 30, true),
        (true, 40, true),
        (false, 5, false),
        (false, 50, true),
    ];
    let lb = length_bias(&items);
    assert_eq!((lb.longer_n, lb.shorter_n), (3, 3));
    assert_eq!(
        (lb.longer_pass_rate, lb.shorter_pass_rate, lb.gap),
        (1.0, 0.0, 1.0)
    );
}

#[test]
fn self_agreement_counts_unanimous_items() {
    let s = vec![
        vec![true, true, true],
        vec![true, false, true],
        vec![false],
        vec![false, false],
    ];
    assert!(close(self_agreement(&s), 2.0 / 3.0));
}
