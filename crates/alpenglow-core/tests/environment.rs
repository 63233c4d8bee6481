//! ExperimentEnvironment (core-components.md §3.2, decisions.md "known item" and pre-fill).

mod common;

use alpenglow_core::experiment::environment::EnvironmentParameters;
use alpenglow_core::experiment::Environment;
use common::{env, env_all, env_params, rec};

/// Items and users are listed in order of first occurrence, each once; existence starts with
/// the update (so the logger, which runs before it, sees a brand-new item as non-existent).
#[test]
fn first_occurrence_order_and_existence() {
    let mut e = env(10, true);
    assert_eq!(e.time(), -1.0, "time before the first update");
    assert!(!e.is_item_existent(5));
    assert!(!e.is_user_existent(2));
    let stream = [(2, 5), (0, 3), (2, 3), (1, 5), (0, 0), (3, 3)];
    for (n, &(u, i)) in stream.iter().enumerate() {
        let existed = e.is_item_existent(i);
        e.update(&rec(n as f64 * 10.0, u, i, 1.0));
        assert!(e.is_item_existent(i));
        assert!(e.is_user_existent(u));
        assert_eq!(e.is_first_occurrence_of_item(), !existed, "record {n}");
        assert_eq!(e.is_new_item(), !existed, "record {n}");
        assert_eq!(e.time(), n as f64 * 10.0);
    }
    assert_eq!(e.items(), &[5, 3, 0]);
    assert_eq!(e.users(), &[2, 0, 1, 3]);
    assert!(!e.is_item_existent(1), "ids between seen ids do not exist");
    assert!(!e.is_item_existent(4));
    assert!(!e.is_user_existent(4));
}

/// First-occurrence flags of users, and "new for user" of pairs.
#[test]
fn user_flags_and_new_for_user() {
    let mut e = env(10, true);
    e.update(&rec(0.0, 1, 1, 1.0));
    assert!(e.is_first_occurrence_of_user() && e.is_new_user() && e.is_item_new_for_user());
    e.update(&rec(1.0, 1, 2, 1.0));
    assert!(!e.is_first_occurrence_of_user() && !e.is_new_user());
    assert!(e.is_item_new_for_user());
    e.update(&rec(2.0, 1, 1, 1.0));
    assert!(!e.is_item_new_for_user());
    e.update(&rec(3.0, 0, 1, 1.0));
    assert!(e.is_item_new_for_user(), "the pair is per user");
    assert!(!e.is_first_occurrence_of_item());
}

/// decisions.md: "known" = the pair occurred earlier, whatever its score. The original kept a
/// 0-score pair looking new forever (quirk 4) and excluded only stored values >= 1 (quirk 3).
#[test]
fn known_pair_regardless_of_score() {
    let mut e = env(10, true);
    e.update(&rec(0.0, 0, 1, 0.0));
    assert!(e.is_item_new_for_user());
    assert!(e.train_matrix().has(0, 1), "a 0-score pair is known");
    e.update(&rec(1.0, 0, 1, 0.0));
    assert!(!e.is_item_new_for_user(), "second 0-score occurrence is not new");
    e.update(&rec(2.0, 0, 2, 0.25));
    e.update(&rec(3.0, 0, 3, -1.0));
    assert!(e.train_matrix().has(0, 2) && e.train_matrix().has(0, 3));
    assert!(!e.train_matrix().has(1, 1) && !e.train_matrix().has(0, 4));
    assert_eq!(e.train_matrix().row_size(0), 3);
    assert_eq!(e.train_matrix().row_size(7), 0);
}

/// initialize_all pre-fills users 0..=max_user and items 0..=max_item (ids exist from the
/// start, in id order, with 0 counts) and later updates do not append them again.
#[test]
fn initialize_all_prefill() {
    let mut e = env_all(2, 3);
    assert_eq!(e.users(), &[0, 1, 2]);
    assert_eq!(e.items(), &[0, 1, 2, 3]);
    assert!((0..=3).all(|i| e.is_item_existent(i)));
    assert!(!e.is_item_existent(4));
    assert!(e.is_user_existent(2) && !e.is_user_existent(3));
    assert_eq!(e.popularity_sorted().items(), &[0, 1, 2, 3]);
    assert_eq!(e.popularity_sorted().counts(), &[0, 0, 0, 0]);
    e.update(&rec(0.0, 1, 2, 1.0));
    assert!(e.is_first_occurrence_of_item());
    assert!(!e.is_new_item(), "with initialize_all no item is new");
    assert!(!e.is_new_user());
    assert_eq!(e.items(), &[0, 1, 2, 3], "pre-filled ids are not appended again");
    assert_eq!(e.users(), &[0, 1, 2]);
    assert_eq!(e.popularity_sorted().item_at(0), 2);
    assert_eq!(e.popularity_sorted().count_at(0), 1);
    assert_eq!(e.popularity_sorted().len(), 4);
}

/// Fix of quirk 17: max id 0 pre-fills id 0 (the original's `> 0` test pre-filled nothing).
#[test]
fn initialize_all_with_max_id_zero() {
    let mut e = env_all(0, 0);
    assert_eq!(e.items(), &[0]);
    assert_eq!(e.users(), &[0]);
    assert!(e.is_item_existent(0) && e.is_user_existent(0));
    e.update(&rec(0.0, 0, 0, 1.0));
    assert_eq!(e.items(), &[0]);
    assert_eq!(e.users(), &[0]);
}

/// Without initialize_all the max ids are ignored.
#[test]
fn max_ids_ignored_without_initialize_all() {
    let p = EnvironmentParameters { max_user: 5, max_item: 5, ..env_params(10, false) };
    let e = Environment::new(p, 0);
    assert!(e.items().is_empty() && e.users().is_empty());
    assert!(!e.is_item_existent(0));
}

/// Both popularity containers count every event; the sorted one follows §4.2 (test vector:
/// increments 5, 1, 1, 3, 2, 5 give [1, 5, 3, 2]).
#[test]
fn popularity_containers() {
    let mut e = env(10, false);
    for (n, i) in [5, 1, 1, 3, 2, 5].into_iter().enumerate() {
        e.update(&rec(n as f64, 0, i, 1.0));
    }
    assert_eq!(e.popularity_sorted().items(), &[1, 5, 3, 2]);
    assert_eq!(e.popularity_sorted().counts(), &[2, 2, 1, 1]);
    assert_eq!(e.popularity().get(5), 2);
    assert_eq!(e.popularity().get(3), 1);
    assert_eq!(e.popularity().get(4), 0);
    assert_eq!(e.popularity().get(1000), 0);
}

/// With initialize_all and a max_item below the data's, an item beyond max_item is appended
/// behind the 0-count pre-filled items (core-components.md §4.2 says the order then breaks,
/// which is tolerated). Here: pre-filled [0, 1]; 0 -> [0(1), 1(0)]; 5 is appended ->
/// [0(1), 1(0), 5(1)]; 0 again -> count 2, and the run of count 1 loses its boundary although
/// item 5 still has count 1; incrementing 5 then read boundary[1] == u32::MAX and panicked.
/// (Fixed: such an item now enters as a 0-count item first, so the list stays sorted.) A panic in the environment would abort a whole run (and surface as a PanicException in
/// Python), so the environment must stay usable.
#[test]
fn items_beyond_max_item_after_prefill_do_not_panic() {
    let p = EnvironmentParameters { initialize_all: true, max_user: 0, max_item: 1, ..env_params(10, false) };
    let mut e = Environment::new(p, 4);
    for (n, i) in [0, 5, 0, 5].into_iter().enumerate() {
        e.update(&rec(n as f64, 0, i, 1.0));
    }
    assert_eq!(e.popularity().get(5), 2);
    let sorted = e.popularity_sorted();
    let mut pairs: Vec<(u32, u32)> = sorted.items().iter().copied().zip(sorted.counts().iter().copied()).collect();
    pairs.sort();
    assert_eq!(pairs, vec![(0, 2), (1, 0), (5, 2)], "every item once, with its count");
    assert!(sorted.counts().windows(2).all(|w| w[0] >= w[1]), "sorted: {:?}", sorted.counts());
    assert!(e.is_item_existent(5));
    assert_eq!(e.items(), &[0, 1, 5]);
}
