//! What the asymmetric and SVD++ models share: the per-user history of (item, time) events,
//! the weighted walk over it (norm types) and its binary format.

use std::io::{Read, Write};

use crate::data::columns::MAX_ID;
use crate::error::{Error, Result};
use crate::models::factor::Factors;

/// One week in seconds: the half-life scale of the "recency" weight.
const RECENCY_SCALE: f64 = 604_800.0;
/// The "recency" walk stops at the first event weighted below this.
const RECENCY_CUTOFF: f64 = 0.01;

/// How the history events are weighted and the sum normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NormType {
    /// Every event weight 1, no normalisation.
    Disabled,
    /// Every event weight 1, sum times |H|^-1/2.
    Constant,
    /// Weight 604800/(604800 + age), walk stops below 0.01; sum times |H|^-1/2.
    Recency,
    /// Weight gamma^k for the k-th newest event; sum times (sum_k gamma^k)^-1/2.
    Exponential,
    /// Only the newest event (weight 1, the others 0); no normalisation.
    Youngest,
}

impl NormType {
    /// The accepted names, in the order of the variants (the `norm_type` constraint).
    pub const NAMES: &'static [&'static str] = &["disabled", "constant", "recency", "exponential", "youngest"];

    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "disabled" => NormType::Disabled,
            "constant" => NormType::Constant,
            "recency" => NormType::Recency,
            "exponential" => NormType::Exponential,
            "youngest" => NormType::Youngest,
            _ => return None,
        })
    }

    /// The normaliser of a history of `len` events (0 for an empty history).
    pub fn norm(self, len: usize, gamma: f64) -> f64 {
        if len == 0 {
            return 0.0;
        }
        let n = len as f64;
        match self {
            NormType::Disabled | NormType::Youngest => 1.0,
            NormType::Constant | NormType::Recency => n.powf(-0.5),
            // Fix: the original's closed form is 0/0 for gamma = 1; the sum is then |H|.
            NormType::Exponential if gamma == 1.0 => n.powf(-0.5),
            NormType::Exponential => ((gamma.powf(n) - 1.0) / (gamma - 1.0)).powf(-0.5),
        }
    }
}

/// Every user's events in arrival order (oldest first), as copies of (item, time), and the
/// same events ordered by item (kept sorted as events arrive, for the per-item weight sums of
/// `HistoryFactorCore::square_weight_sum`, which would otherwise sort the history per record).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserHistory {
    users: Vec<Vec<(u32, f64)>>,
    /// Per user, (item, position in `users[u]`) ascending.
    by_item: Vec<Vec<(u32, u32)>>,
}

impl UserHistory {
    pub fn push(&mut self, user: u32, item: u32, time: f64) {
        let u = user as usize;
        if u >= self.users.len() {
            self.users.resize_with(u + 1, Vec::new);
            self.by_item.resize_with(u + 1, Vec::new);
        }
        if let (Some(events), Some(sorted)) = (self.users.get_mut(u), self.by_item.get_mut(u)) {
            let entry = (item, events.len() as u32);
            events.push((item, time));
            // After every entry of the same item: positions stay ascending within an item.
            let at = sorted.partition_point(|&(i, _)| i <= item);
            sorted.insert(at, entry);
        }
    }

    /// The user's events as (item, position among `get(user)`), ordered by item, then position.
    pub fn by_item(&self, user: u32) -> &[(u32, u32)] {
        self.by_item.get(user as usize).map_or(&[], |v| v.as_slice())
    }

    /// The user's events, oldest first (empty for an unknown user).
    pub fn get(&self, user: u32) -> &[(u32, f64)] {
        self.users.get(user as usize).map_or(&[], |v| v.as_slice())
    }

    pub fn clear(&mut self) {
        self.users.clear();
        self.by_item.clear();
    }

    /// Format (little-endian): u32 number of users with events; per user (ascending id) u32
    /// user, u64 event count, then per event (oldest first) u32 item and f64 time.
    pub fn write(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let count = self.users.iter().filter(|e| !e.is_empty()).count() as u32;
        out.write_all(&count.to_le_bytes())?;
        for (user, events) in self.users.iter().enumerate().filter(|(_, e)| !e.is_empty()) {
            out.write_all(&(user as u32).to_le_bytes())?;
            out.write_all(&(events.len() as u64).to_le_bytes())?;
            for &(item, time) in events {
                out.write_all(&item.to_le_bytes())?;
                out.write_all(&time.to_le_bytes())?;
            }
        }
        Ok(())
    }

    /// Reads a history written by [`UserHistory::write`].
    pub fn read(input: &mut dyn Read, what: &str) -> Result<Self> {
        let bad = |e: std::io::Error| Error::data(format!("{what}: truncated or unreadable user history ({e})"));
        let mut b4 = [0u8; 4];
        let mut b8 = [0u8; 8];
        input.read_exact(&mut b4).map_err(bad)?;
        let count = u32::from_le_bytes(b4);
        let mut history = UserHistory::default();
        for _ in 0..count {
            input.read_exact(&mut b4).map_err(bad)?;
            let user = u32::from_le_bytes(b4);
            input.read_exact(&mut b8).map_err(bad)?;
            let len = u64::from_le_bytes(b8);
            if user as i64 > MAX_ID {
                return Err(Error::data(format!("{what}: user id {user} out of range (corrupt file?)")));
            }
            for _ in 0..len {
                input.read_exact(&mut b4).map_err(bad)?;
                let item = u32::from_le_bytes(b4);
                input.read_exact(&mut b8).map_err(bad)?;
                let time = f64::from_le_bytes(b8);
                if item as i64 > MAX_ID {
                    return Err(Error::data(format!("{what}: item id {item} out of range (corrupt file?)")));
                }
                history.push(user, item, time);
            }
        }
        Ok(history)
    }
}

/// Walks `events` newest first at time `now`: writes `sum = Σ w_k·h[item_k]` (events whose
/// item has no history vector add nothing), records each visited weight in `weights` (newest
/// first) and returns the norm of the whole history.
///
/// Fix: an event later than `now` (impossible in an online run) counts with weight 1 under
/// "recency" instead of aborting the program.
pub fn weighted_history_sum(
    events: &[(u32, f64)],
    now: f64,
    norm_type: NormType,
    gamma: f64,
    history_factors: &Factors,
    sum: &mut [f64],
    weights: &mut Vec<f64>,
) -> f64 {
    sum.iter_mut().for_each(|x| *x = 0.0);
    weights.clear();
    let mut w = 1.0;
    for &(item, time) in events.iter().rev() {
        if norm_type == NormType::Recency {
            let age = (now - time).max(0.0);
            w = RECENCY_SCALE / (RECENCY_SCALE + age);
            if w < RECENCY_CUTOFF {
                break;
            }
        }
        weights.push(w);
        if let Some(h) = history_factors.get(item) {
            for (s, x) in sum.iter_mut().zip(h) {
                *s += w * x;
            }
        }
        match norm_type {
            NormType::Exponential => w *= gamma,
            NormType::Youngest => w = 0.0,
            _ => {}
        }
    }
    norm_type.norm(events.len(), gamma)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factors() -> Factors {
        let mut h = Factors::new(2, 0.0, 0.0, 1);
        h.set(1, &[1.0, 2.0]).unwrap();
        h.set(2, &[3.0, -1.0]).unwrap();
        h
    }

    /// History of one user: item 1 at t=0, item 2 at t=604800, item 1 at t=2*604800.
    fn events() -> Vec<(u32, f64)> {
        vec![(1, 0.0), (2, 604_800.0), (1, 1_209_600.0)]
    }

    fn walk(norm_type: NormType, gamma: f64, now: f64) -> (Vec<f64>, Vec<f64>, f64) {
        let (mut sum, mut weights) = (vec![9.0; 2], Vec::new());
        let norm = weighted_history_sum(&events(), now, norm_type, gamma, &factors(), &mut sum, &mut weights);
        (sum, weights, norm)
    }

    #[test]
    fn walks_and_norms_by_hand() {
        let now = 1_209_600.0;
        // Newest first: item 1, item 2, item 1.
        assert_eq!(walk(NormType::Disabled, 0.5, now), (vec![5.0, 3.0], vec![1.0; 3], 1.0));
        assert_eq!(walk(NormType::Constant, 0.5, now), (vec![5.0, 3.0], vec![1.0; 3], 3f64.powf(-0.5)));
        // Weights 1, 0.5, 0.25; norm ((0.125 - 1)/(0.5 - 1))^-1/2 = 1.75^-1/2.
        assert_eq!(walk(NormType::Exponential, 0.5, now), (vec![2.75, 2.0], vec![1.0, 0.5, 0.25], 1.75f64.powf(-0.5)));
        assert_eq!(walk(NormType::Exponential, 1.0, now).2, 3f64.powf(-0.5));
        assert_eq!(walk(NormType::Youngest, 0.5, now), (vec![1.0, 2.0], vec![1.0, 0.0, 0.0], 1.0));
        // Ages 0, 1 week, 2 weeks: weights 1, 1/2, 1/3.
        let (sum, weights, norm) = walk(NormType::Recency, 0.5, now);
        assert_eq!(weights, vec![1.0, 0.5, 1.0 / 3.0]);
        assert_eq!(sum, vec![1.0 + 1.5 + 1.0 / 3.0, 2.0 - 0.5 + 2.0 / 3.0]);
        assert_eq!(norm, 3f64.powf(-0.5));
    }

    #[test]
    fn recency_stops_below_cutoff_but_norm_counts_all() {
        // 100 weeks after the newest event its weight is 1/101 < 0.01: nothing is visited.
        let (sum, weights, norm) = walk(NormType::Recency, 0.5, 1_209_600.0 + 100.0 * 604_800.0);
        assert_eq!((sum, weights, norm), (vec![0.0, 0.0], vec![], 3f64.powf(-0.5)));
        // 98 weeks after the newest: 1/99, then 1/100 = 0.01 (still visited), then 1/101 stops.
        let (_, weights, _) = walk(NormType::Recency, 0.5, 1_209_600.0 + 98.0 * 604_800.0);
        assert_eq!(weights, vec![1.0 / 99.0, 1.0 / 100.0]);
    }

    #[test]
    fn future_events_count_with_weight_one() {
        let (_, weights, _) = walk(NormType::Recency, 0.5, 0.0);
        assert_eq!(weights, vec![1.0, 1.0, 1.0]);
    }

    #[test]
    fn empty_history_gives_zero() {
        let (mut sum, mut weights) = (vec![1.0; 2], vec![3.0]);
        let norm = weighted_history_sum(&[], 5.0, NormType::Constant, 0.8, &factors(), &mut sum, &mut weights);
        assert_eq!((sum, weights, norm), (vec![0.0, 0.0], vec![], 0.0));
    }

    #[test]
    fn parse_knows_exactly_the_names() {
        for name in NormType::NAMES {
            assert!(NormType::parse(name).is_some(), "{name}");
        }
        assert_eq!(NormType::parse("youngest"), Some(NormType::Youngest));
        assert_eq!(NormType::parse("linear"), None);
    }

    #[test]
    fn history_round_trip_and_truncation() {
        let mut h = UserHistory::default();
        h.push(3, 7, 1.5);
        h.push(0, 2, 0.25);
        h.push(3, 1, 2.5);
        let mut buf = Vec::new();
        h.write(&mut buf).unwrap();
        let back = UserHistory::read(&mut buf.as_slice(), "test").unwrap();
        assert_eq!(back.get(3), &[(7, 1.5), (1, 2.5)]);
        assert_eq!(back.get(0), &[(2, 0.25)]);
        assert!(back.get(9).is_empty());
        let e = UserHistory::read(&mut &buf[..buf.len() - 1], "test").unwrap_err().to_string();
        assert!(e.contains("truncated"), "{e}");
    }
}
