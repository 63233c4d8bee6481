//! The three paths of `best_items` against a brute-force reference, and the global top list.

use super::best::{Candidates, best_items};
use super::global::global_top;
use crate::containers::train_matrix::Row;
use crate::data::RecDat;
use crate::models::{Model, RankPath};
use crate::random::Random;
use crate::ranking::{RankingScoreIterator, SortedIterator};

/// Scores from a table (user x item), with the rank path chosen by the test.
struct Table {
    scores: Vec<Vec<f64>>,
    path: RankPath,
}

impl Model for Table {
    fn prediction(&self, rec: &RecDat) -> f64 {
        self.scores.get(rec.user as usize).and_then(|r| r.get(rec.item as usize)).copied().unwrap_or(0.0)
    }
    fn rank_path(&self) -> RankPath {
        self.path
    }
    fn ranking_iterator(&self, user: u32) -> Option<Box<dyn RankingScoreIterator + '_>> {
        // Only the non-zero scores, as a nearest-neighbour model serves them.
        let row = &self.scores[user as usize];
        let entries = row.iter().enumerate().filter(|(_, s)| **s != 0.0).map(|(i, &s)| (i as u32, s)).collect();
        Some(Box::new(SortedIterator::new(entries)))
    }
    fn top_list(&self, user: u32, k: usize, exclude: Option<&Row>) -> Vec<(u32, f64)> {
        let mut all: Vec<(u32, f64)> = self.scores[user as usize]
            .iter()
            .enumerate()
            .map(|(i, &s)| (i as u32, s))
            .filter(|(i, _)| !exclude.is_some_and(|r| r.contains(i)))
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(k);
        all
    }
}

/// Scores with many ties and zeros.
fn table(users: usize, items: usize, seed: i64, path: RankPath) -> Table {
    let mut r = Random::new(seed);
    let scores = (0..users).map(|_| (0..items).map(|_| (r.get_int(7) as f64 - 2.0) * 0.5).collect()).collect();
    Table { scores, path }
}

fn reference(m: &Table, user: u32, k: usize, exclude: Option<&Row>, cand: &Candidates) -> Vec<(u32, f64)> {
    let mut all: Vec<(u32, f64)> = m.scores[user as usize]
        .iter()
        .enumerate()
        .map(|(i, &s)| (i as u32, s))
        .filter(|&(i, s)| cand.contains(i) && s != 0.0 && !exclude.is_some_and(|r| r.contains(&i)))
        .collect();
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    all.truncate(k);
    all
}

#[test]
fn every_path_equals_the_brute_force_reference() {
    let items = 40;
    let mut exclude = Row::default();
    for i in [0, 3, 5, 17, 39] {
        exclude.insert(i);
    }
    let all: Vec<u32> = (0..items as u32).collect();
    let some: Vec<u32> = (0..items as u32).filter(|i| i % 3 != 1).rev().collect();
    for path in [RankPath::BruteForce, RankPath::Iterator, RankPath::TopList] {
        let m = table(6, items, 17, path);
        for cand in [Candidates::new(&all), Candidates::new(&some)] {
            for k in [1, 2, 5, 13, 40, 100] {
                for user in 0..6 {
                    for ex in [None, Some(&exclude)] {
                        let rec = RecDat { user, ..Default::default() };
                        let got = best_items(&m, &rec, k, ex, &cand);
                        assert_eq!(got, reference(&m, user, k, ex, &cand), "{path:?} k={k} user={user}");
                        assert!(got.iter().all(|&(_, s)| s != 0.0));
                    }
                }
            }
        }
    }
}

#[test]
fn zero_k_and_no_candidates_give_empty_lists() {
    let m = table(2, 5, 3, RankPath::TopList);
    let rec = RecDat::default();
    assert!(best_items(&m, &rec, 0, None, &Candidates::new(&[0, 1])).is_empty());
    assert!(best_items(&m, &rec, 3, None, &Candidates::new(&[])).is_empty());
}

#[test]
fn candidates_ignore_duplicates_and_keep_order() {
    let c = Candidates::new(&[5, 2, 5, 9, 2]);
    assert_eq!(c.items(), &[5, 2, 9]);
    assert!(c.contains(9) && !c.contains(3) && !c.contains(100));
}

#[test]
fn global_top_equals_the_brute_force_reference() {
    let m = table(7, 9, 5, RankPath::BruteForce);
    let bound = |row: Vec<f64>| row.into_iter().fold(f64::NEG_INFINITY, f64::max);
    let mut users: Vec<(u32, f64)> = (0..7).map(|u| (u, bound(m.scores[u as usize].clone()))).collect();
    let mut items: Vec<(u32, f64)> =
        (0..9).map(|i| (i, bound((0..7).map(|u| m.scores[u][i as usize]).collect()))).collect();
    users.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    items.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let score = |u: u32, i: u32| Some(m.scores[u as usize][i as usize]).filter(|s| *s != 0.0);
    let mut all: Vec<(u32, u32, f64)> =
        (0..7).flat_map(|u| (0..9).filter_map(move |i| score(u, i).map(|s| (u, i, s)))).collect();
    all.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    for k in [1, 4, 10, 30, 100] {
        let mut want = all.clone();
        want.truncate(k);
        assert_eq!(global_top(&users, &items, k, score), want, "k={k}");
    }
}
