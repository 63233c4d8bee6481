//! Time-decayed item co-occurrence sums, kept up to date event by event, and the top-N
//! neighbour lists taken from them at period boundaries.
//!
//! `sum[i][j]` is the spec's similarity sum before normalisation: for every occurrence of `i`
//! at position `q` of a user's history and every later position `p` of that history holding
//! `j`, the weight `γ^(p−q−1)` (with `direction="both"`, also every earlier position `p`, with
//! `γ^(q−p−1)`). The original recomputed every sum from the full histories at each period
//! boundary (quadratic in the history lengths, every period); here each event adds its terms
//! once, when it arrives, so a boundary only re-selects the neighbours of the items whose sums
//! or counts changed. The sums are the same; only their floating-point summation order differs
//! (exact whenever the weights are exact, e.g. γ = 1).

use super::row::Row;
use crate::error::Result;

/// How similarity sums are normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Norm {
    /// No normalisation.
    Off,
    /// Divided by the number of occurrences of the "from" item.
    Num,
}

/// Weights `[1, γ, γ², …]`, extended on demand by repeated multiplication.
#[derive(Debug, Clone)]
pub struct Weights {
    gamma: f64,
    values: Vec<f64>,
    /// Number of leading non-zero weights once the powers underflow to 0 (`usize::MAX` until then).
    nonzero: usize,
}

impl Weights {
    pub fn new(gamma: f64) -> Self {
        Weights { gamma, values: vec![1.0], nonzero: usize::MAX }
    }

    /// Makes `get(k)` valid for every `k < len`.
    pub fn extend_to(&mut self, len: usize) {
        while self.values.len() < len {
            let next = self.values[self.values.len() - 1] * self.gamma;
            if next == 0.0 && self.nonzero == usize::MAX {
                self.nonzero = self.values.len();
            }
            self.values.push(next);
        }
    }

    #[inline]
    pub fn get(&self, k: usize) -> f64 {
        self.values[k]
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// `[1, γ, γ², …]` up to the length extended to.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Offsets `k >= nonzero()` have weight 0 and add nothing.
    pub fn nonzero(&self) -> usize {
        self.nonzero
    }
}

/// The co-occurrence sums and occurrence counts of every item.
///
/// Sums only grow, so a row's new top `n` (by sum, ties by lower id) lies within its previous
/// top `n` and the entries that changed since: a refresh costs the changes, not the row.
#[derive(Debug, Clone, Default)]
pub struct CoOccurrence {
    pub(super) sums: Vec<Row>,
    pub(super) counts: Vec<u32>,
    /// Per item, the entries of its row that changed since the last refresh (an entry is
    /// listed once per term, up to the occasional deduplication in `apply_row`).
    pub(super) changed: Vec<Vec<u32>>,
    /// Items to refresh (may repeat).
    pub(super) dirty_items: Vec<u32>,
    /// Terms not yet added to `sums`, in arrival order (see `group_pending`).
    pub(super) pending: Vec<Term>,
    /// Scratch of `group_pending`: the pending terms grouped by row, and the rows' offsets.
    grouped: Vec<Term>,
    starts: Vec<usize>,
}

/// One term `w` of the sum of `from → to`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Term {
    pub from: u32,
    pub to: u32,
    pub w: f64,
}

/// Pending terms are added to the sums in batches of at most this many.
const FLUSH_AT: usize = 1 << 20;

impl CoOccurrence {
    /// Makes room for `item`; per-item tables are dense in the id, so their growth is reserved
    /// fallibly (a huge id is an error, not an abort).
    fn grow(&mut self, item: u32) -> Result<()> {
        let needed = item as usize + 1;
        if self.sums.len() < needed {
            let more = needed - self.sums.len();
            let what = "NearestNeighborModel: per-item similarity tables";
            crate::alloc::reserve(&mut self.sums, more, what)?;
            crate::alloc::reserve(&mut self.counts, more, what)?;
            crate::alloc::reserve(&mut self.changed, more, what)?;
            self.sums.resize_with(needed, Default::default);
            self.counts.resize(needed, 0);
            self.changed.resize_with(needed, Vec::new);
        }
        Ok(())
    }

    /// Moves the pending terms into `grouped`, grouped by row (rows ascending) so that each
    /// row's table is touched while it is in cache. The grouping is stable, so every sum
    /// receives its terms in arrival order: the sums are exactly those of adding each term as
    /// it arrived.
    fn group_pending(&mut self) {
        let rows = self.sums.len();
        self.grouped.clear();
        if self.pending.len() < rows / 2 {
            // Few terms: a comparison sort costs less than a pass over every row's count.
            self.pending.sort_by_key(|t| t.from);
            std::mem::swap(&mut self.pending, &mut self.grouped);
        } else {
            // A counting sort (stable, linear).
            let starts = &mut self.starts;
            starts.clear();
            starts.resize(rows + 1, 0);
            for t in &self.pending {
                starts[t.from as usize + 1] += 1;
            }
            for k in 1..=rows {
                starts[k] += starts[k - 1];
            }
            self.grouped.resize(self.pending.len(), Term { from: 0, to: 0, w: 0.0 });
            for t in &self.pending {
                let slot = &mut starts[t.from as usize];
                self.grouped[*slot] = *t;
                *slot += 1;
            }
            self.pending.clear();
        }
    }

    /// Adds the terms of row `i` (`terms`, all from `i`) and lists the entries they changed.
    fn apply_row(&mut self, i: usize, terms: &[Term]) {
        let universe = self.sums.len();
        let row = &mut self.sums[i];
        let changed = &mut self.changed[i];
        if changed.is_empty() && !terms.is_empty() {
            self.dirty_items.push(i as u32);
        }
        for t in terms {
            row.add(t.to, t.w, universe);
            changed.push(t.to);
        }
        // Without a refresh for long (period_mode "off"), repeats would pile up.
        if changed.len() > 2 * row.len() + 64 {
            changed.sort_unstable();
            changed.dedup();
        }
    }

    /// Adds the pending terms to the sums.
    pub fn flush(&mut self) {
        self.group_pending();
        let grouped = std::mem::take(&mut self.grouped);
        for terms in grouped.chunk_by(|a, b| a.from == b.from) {
            self.apply_row(terms[0].from as usize, terms);
        }
        self.grouped = grouped;
    }

    /// Adds the terms of a new event: `item` appended to a user's `history` (the history
    /// without it). `weights` must cover `history.len()` offsets.
    pub fn add_event(&mut self, history: &[u32], item: u32, both: bool, weights: &Weights) -> Result<()> {
        self.grow(item)?;
        let p = history.len();
        let first = p.saturating_sub(weights.nonzero());
        // history[q] (q >= first) gets the weight of offset p − q − 1.
        let terms = history[first..].iter().zip(weights.values()[..p - first].iter().rev());
        if both {
            self.pending.reserve(2 * (p - first));
            for (&earlier, &w) in terms {
                self.pending.push(Term { from: earlier, to: item, w });
                self.pending.push(Term { from: item, to: earlier, w });
            }
        } else {
            self.pending.extend(terms.map(|(&earlier, &w)| Term { from: earlier, to: item, w }));
        }
        // The batch size is a soft bound: flushing within an event or after it adds the same
        // terms in the same order.
        if self.pending.len() >= FLUSH_AT {
            self.flush();
        }
        self.counts[item as usize] += 1;
        // Its norm changed: the row is rescaled even if none of its sums changed (duplicates
        // in `dirty_items` are removed at the refresh).
        self.dirty_items.push(item);
        Ok(())
    }

    /// A row's sums, by item id (without the pending terms).
    pub fn row(&self, item: u32) -> Vec<(u32, f64)> {
        let mut row: Vec<(u32, f64)> = Vec::new();
        if let Some(r) = self.sums.get(item as usize) {
            r.for_each(|j, s| row.push((j, s)));
        }
        row.sort_unstable_by_key(|e| e.0);
        row
    }

    /// Rebuilds the state from its parts (see `row`, `counts`, `changed`, `dirty_items`,
    /// `pending`).
    pub fn restore(
        rows: Vec<Vec<(u32, f64)>>,
        counts: Vec<u32>,
        changed: Vec<Vec<u32>>,
        dirty_items: Vec<u32>,
        pending: Vec<Term>,
    ) -> Self {
        let sums = rows
            .into_iter()
            .map(|row| {
                let mut sums = Row::default();
                for (j, value) in row {
                    if value > 0.0 {
                        sums.add(j, value, 0);
                    }
                }
                sums
            })
            .collect();
        CoOccurrence { sums, counts, changed, dirty_items, pending, ..Default::default() }
    }

    /// Re-selects the neighbours of every changed item into `neighbors` (indexed by item):
    /// the top `n` by similarity sum (ties by lower item id), normalised, best first.
    pub fn refresh(&mut self, neighbors: &mut Vec<Vec<(u32, f64)>>, norm: Norm, n: usize) -> Result<()> {
        self.group_pending();
        if neighbors.len() < self.sums.len() {
            let more = self.sums.len() - neighbors.len();
            crate::alloc::reserve(neighbors, more, "NearestNeighborModel: neighbour lists")?;
            neighbors.resize_with(self.sums.len(), Vec::new);
        }
        let grouped = std::mem::take(&mut self.grouped);
        let mut items = std::mem::take(&mut self.dirty_items);
        items.extend(grouped.chunk_by(|a, b| a.from == b.from).map(|terms| terms[0].from));
        items.sort_unstable();
        items.dedup();
        // Each row's terms are added while its neighbours are selected, so the row is read
        // while it is in cache (`items` holds every row that has terms, in the same order as
        // `grouped`).
        let mut groups = grouped.chunk_by(|a, b| a.from == b.from).peekable();
        let mut selection = Selection { top: TopN::new(n), candidates: Vec::new() };
        for &i in &items {
            let terms = groups.next_if(|terms| terms[0].from == i).unwrap_or(&[]);
            self.select(i as usize, terms, &mut neighbors[i as usize], &mut selection, norm);
        }
        self.grouped = grouped;
        items.clear();
        self.dirty_items = items;
        Ok(())
    }

    /// Adds the pending `terms` of item `i` and re-selects its neighbours into `row` (its
    /// previous neighbours).
    fn select(&mut self, i: usize, terms: &[Term], row: &mut Vec<(u32, f64)>, selection: &mut Selection, norm: Norm) {
        let universe = self.sums.len();
        let sums = &mut self.sums[i];
        let changed = &mut self.changed[i];
        if (changed.len() + terms.len()) * 4 >= sums.scan_len() {
            // Most of the row changed: one sequential pass beats a lookup per change.
            for t in terms {
                sums.add(t.to, t.w, universe);
            }
            sums.for_each(|j, s| selection.offer((j, s)));
        } else {
            // The entries looked up below; in a sparse row a touch costs a full lookup, so its
            // terms (whose lookups are their updates) are left out.
            if let Row::Dense { .. } = sums {
                sums.touch(row.iter().map(|e| e.0).chain(terms.iter().map(|t| t.to)));
            } else {
                sums.touch(row.iter().map(|e| e.0).chain(changed.iter().copied()));
            }
            // The previous top entries and the entries changed by earlier flushes, then each
            // sum as a term raises it (the selection keeps the last sum offered for an entry).
            for &(j, _) in row.iter() {
                selection.offer((j, sums.get(j).unwrap_or(0.0)));
            }
            for &j in changed.iter() {
                selection.offer((j, sums.get(j).unwrap_or(0.0)));
            }
            for t in terms {
                selection.offer((t.to, sums.add(t.to, t.w, universe)));
            }
        }
        changed.clear();
        let best = selection.finish();
        let factor = match norm {
            Norm::Off => 1.0,
            Norm::Num => 1.0 / self.counts[i] as f64,
        };
        row.clear();
        row.extend(best.drain(..).map(|(j, sum)| (j, sum * factor)));
    }
}

/// The best `n` of the entries offered. An entry can be offered again, with a sum at least as
/// large as before (sums only grow): the last offer counts.
struct Selection {
    top: TopN,
    /// Every candidate, when `n` is too large for `top`.
    candidates: Vec<(u32, f64)>,
}

impl Selection {
    #[inline]
    fn offer(&mut self, e: (u32, f64)) {
        if self.top.streaming() { self.top.offer(e) } else { self.candidates.push(e) }
    }

    /// The best entries, best first (drain it before the next offer).
    fn finish(&mut self) -> &mut Vec<(u32, f64)> {
        if !self.top.streaming() {
            // The largest (the last) sum of each entry.
            self.candidates.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
            self.candidates.dedup_by_key(|e| e.0);
            select_top(&mut self.candidates, self.top.n);
            std::mem::swap(&mut self.top.best, &mut self.candidates);
            self.candidates.clear();
        }
        self.top.bar = None;
        &mut self.top.best
    }
}

fn better(a: &(u32, f64), b: &(u32, f64)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

/// The best `n` entries offered so far, best first, for small `n`.
struct TopN {
    n: usize,
    best: Vec<(u32, f64)>,
    /// While `best` is full: the `key` and id of its worst entry, which most offers lose to.
    bar: Option<(i64, u32)>,
}

/// `f64::total_cmp`'s order as an integer order.
#[inline]
fn key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

impl TopN {
    /// Up to this many entries are kept by insertion.
    const STREAMING_MAX: usize = 64;

    fn new(n: usize) -> Self {
        TopN { n, best: Vec::with_capacity(n.min(Self::STREAMING_MAX) + 1), bar: None }
    }

    fn streaming(&self) -> bool {
        self.n <= Self::STREAMING_MAX
    }

    #[inline]
    fn offer(&mut self, e: (u32, f64)) {
        if let Some((bar, id)) = self.bar {
            let k = key(e.1);
            if k < bar || (k == bar && e.0 >= id) {
                return;
            }
        }
        self.insert(e);
    }

    #[inline(never)]
    fn insert(&mut self, e: (u32, f64)) {
        let full = self.best.len() >= self.n;
        if full && !self.best.last().is_some_and(|worst| better(&e, worst).is_lt()) {
            return;
        }
        // An entry offered again replaces its earlier offer (whose sum was not larger: if that
        // one was kept, this one qualifies too).
        if let Some(k) = self.best.iter().position(|x| x.0 == e.0) {
            self.best.remove(k);
        } else if full {
            self.best.pop();
        }
        let at = self.best.partition_point(|x| better(x, &e).is_lt());
        self.best.insert(at, e);
        if self.best.len() >= self.n {
            self.bar = self.best.last().map(|worst| (key(worst.1), worst.0));
        }
    }
}

/// Keeps the best `n` entries of `row`, sorted best first.
pub fn select_top(row: &mut Vec<(u32, f64)>, n: usize) {
    if n == 0 {
        row.clear();
        return;
    }
    if row.len() > n {
        row.select_nth_unstable_by(n - 1, better);
        row.truncate(n);
    }
    row.sort_unstable_by(better);
}

#[cfg(test)]
/// The spec's algorithm, for tests: every item's similarities recomputed from the full
/// histories (for each occurrence of `i`, in stream order, walk the user's history forward,
/// and with `both` also backward), cut to the top `n` and normalised.
pub fn reference_neighbors(
    events: &[(u32, u32)],
    gamma: f64,
    both: bool,
    norm: Norm,
    n: usize,
) -> Vec<Vec<(u32, f64)>> {
    let mut histories: Vec<Vec<u32>> = Vec::new();
    let mut occurrences: Vec<Vec<(u32, usize)>> = Vec::new();
    for &(user, item) in events {
        let (u, i) = (user as usize, item as usize);
        if histories.len() <= u {
            histories.resize_with(u + 1, Vec::new);
        }
        if occurrences.len() <= i {
            occurrences.resize_with(i + 1, Vec::new);
        }
        occurrences[i].push((user, histories[u].len()));
        histories[u].push(item);
    }
    let longest = histories.iter().map(Vec::len).max().unwrap_or(0);
    let mut weights = Weights::new(gamma);
    weights.extend_to(longest.max(1));
    let mut out = vec![Vec::new(); occurrences.len()];
    for (i, occ) in occurrences.iter().enumerate() {
        let mut sum: std::collections::BTreeMap<u32, f64> = Default::default();
        for &(user, pos) in occ {
            let h = &histories[user as usize];
            for (k, &j) in h[pos + 1..].iter().enumerate() {
                *sum.entry(j).or_insert(0.0) += weights.get(k);
            }
            if both {
                for (k, &j) in h[..pos].iter().rev().enumerate() {
                    *sum.entry(j).or_insert(0.0) += weights.get(k);
                }
            }
        }
        let factor = match norm {
            Norm::Off => 1.0,
            Norm::Num => 1.0 / occ.len() as f64,
        };
        let mut row: Vec<(u32, f64)> = sum.into_iter().collect();
        select_top(&mut row, n);
        out[i] = row.into_iter().map(|(j, s)| (j, s * factor)).collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Histories and sums fed event by event, as the model does.
    struct Fed {
        histories: Vec<Vec<u32>>,
        weights: Weights,
        co: CoOccurrence,
    }

    impl Fed {
        fn new(gamma: f64) -> Self {
            Fed { histories: Vec::new(), weights: Weights::new(gamma), co: CoOccurrence::default() }
        }

        fn add(&mut self, user: u32, item: u32, both: bool) {
            let u = user as usize;
            if self.histories.len() <= u {
                self.histories.resize_with(u + 1, Vec::new);
            }
            self.weights.extend_to(self.histories[u].len() + 1);
            self.co.add_event(&self.histories[u], item, both, &self.weights).unwrap();
            self.histories[u].push(item);
        }
    }

    fn incremental(events: &[(u32, u32)], gamma: f64, both: bool, norm: Norm, n: usize) -> Vec<Vec<(u32, f64)>> {
        let mut fed = Fed::new(gamma);
        for &(user, item) in events {
            fed.add(user, item, both);
        }
        let mut neighbors = Vec::new();
        fed.co.refresh(&mut neighbors, norm, n).unwrap();
        neighbors
    }

    #[test]
    fn key_orders_as_total_cmp() {
        let xs = [f64::NEG_INFINITY, -2.5, -0.0, 0.0, 5e-324, 1.0, 1.5, f64::INFINITY, f64::NAN];
        for a in xs {
            for b in xs {
                assert_eq!(key(a).cmp(&key(b)), a.total_cmp(&b), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn weights_are_powers_and_find_the_underflow() {
        let mut w = Weights::new(0.5);
        w.extend_to(4);
        assert_eq!((w.get(0), w.get(1), w.get(2), w.get(3)), (1.0, 0.5, 0.25, 0.125));
        assert_eq!(w.nonzero(), usize::MAX);
        w.extend_to(1200);
        assert_eq!(w.nonzero(), 1075, "0.5^1075 is the first power below the smallest subnormal");
    }

    #[test]
    fn hand_computed_forward_and_both() {
        // user 0: a b a c ; user 1: b a
        let (a, b, c) = (0, 1, 2);
        let events = [(0, a), (0, b), (1, b), (0, a), (1, a), (0, c)];
        let g: f64 = 0.5;
        let fwd = incremental(&events, g, false, Norm::Off, 10);
        // from a (positions 0 and 2 of user 0, 1 of user 1): b at +1 (1), a at +2 (g), c at +3 (g²); c at +1 (1)
        assert_eq!(fwd[a as usize], vec![(c, 1.0 + g * g), (b, 1.0), (a, g)]);
        // from b (user 0 pos 1, user 1 pos 0): a at +1 twice, c at +2
        assert_eq!(fwd[b as usize], vec![(a, 2.0), (c, g)]);
        assert!(fwd[c as usize].is_empty());
        let both = incremental(&events, g, true, Norm::Num, 10);
        // from c (one occurrence, user 0 pos 3): backward a (1), b (g), a (g²)
        assert_eq!(both[c as usize], vec![(a, 1.0 + g * g), (b, g)]);
        assert_eq!(both[b as usize], vec![(a, (2.0 + 1.0) / 2.0), (c, g / 2.0)]);
    }

    #[test]
    fn top_n_cut_breaks_ties_by_lower_id() {
        let events = [(0, 5), (0, 9), (1, 5), (1, 3), (2, 5), (2, 7)];
        let n = incremental(&events, 0.8, false, Norm::Off, 2);
        assert_eq!(n[5], vec![(3, 1.0), (7, 1.0)]);
    }

    #[test]
    fn refresh_touches_only_changed_items() {
        let mut weights = Weights::new(1.0);
        weights.extend_to(4);
        let mut co = CoOccurrence::default();
        co.add_event(&[], 1, false, &weights).unwrap();
        co.add_event(&[1], 2, false, &weights).unwrap();
        let mut neighbors = Vec::new();
        co.refresh(&mut neighbors, Norm::Off, 5).unwrap();
        assert_eq!(neighbors[1], vec![(2, 1.0)]);
        co.add_event(&[], 3, false, &weights).unwrap();
        assert_eq!(co.dirty_items, vec![3]);
        co.flush();
        assert!(co.changed[3].is_empty(), "only its norm changed");
        neighbors[1].push((99, 9.0)); // not dirty: left as is
        co.refresh(&mut neighbors, Norm::Off, 5).unwrap();
        assert_eq!(neighbors[1], vec![(2, 1.0), (99, 9.0)]);
    }

    proptest! {
        /// Refreshing after any prefix gives the spec's neighbours of that prefix (γ = 1: the
        /// sums are exact, so the cut must be identical).
        #[test]
        fn repeated_refreshes_match_the_spec_on_every_prefix(
            events in prop::collection::vec((0u32..4, 0u32..10, prop::bool::weighted(0.2)), 1..80),
            both: bool,
            num: bool,
            n in 1usize..5,
        ) {
            let norm = if num { Norm::Num } else { Norm::Off };
            let mut fed = Fed::new(1.0);
            let mut neighbors = Vec::new();
            for (k, &(user, item, refresh)) in events.iter().enumerate() {
                fed.add(user, item, both);
                if refresh || k + 1 == events.len() {
                    fed.co.refresh(&mut neighbors, norm, n).unwrap();
                    let prefix: Vec<(u32, u32)> = events[..=k].iter().map(|&(u, i, _)| (u, i)).collect();
                    let expected = reference_neighbors(&prefix, 1.0, both, norm, n);
                    for (i, row) in expected.iter().enumerate() {
                        prop_assert_eq!(&neighbors[i], row, "item {} after record {}", i, k);
                    }
                }
            }
        }

        /// Terms added to the sums between refreshes (as when the pending buffer fills up)
        /// change nothing, also for lists longer than the streaming selection keeps.
        #[test]
        fn flushes_between_refreshes_match_the_spec(
            events in prop::collection::vec((0u32..4, 0u32..90, 0u8..10), 1..200),
            both: bool,
            long: bool,
        ) {
            let n = if long { TopN::STREAMING_MAX + 1 } else { 3 };
            let mut fed = Fed::new(1.0);
            let mut neighbors = Vec::new();
            for (k, &(user, item, action)) in events.iter().enumerate() {
                fed.add(user, item, both);
                if action < 3 {
                    fed.co.flush();
                }
                if action == 9 || k + 1 == events.len() {
                    fed.co.refresh(&mut neighbors, Norm::Num, n).unwrap();
                    let prefix: Vec<(u32, u32)> = events[..=k].iter().map(|&(u, i, _)| (u, i)).collect();
                    let expected = reference_neighbors(&prefix, 1.0, both, Norm::Num, n);
                    for (i, row) in expected.iter().enumerate() {
                        prop_assert_eq!(&neighbors[i], row, "item {} after record {}", i, k);
                    }
                }
            }
        }

        #[test]
        fn incremental_sums_match_the_spec_recompute(
            events in prop::collection::vec((0u32..5, 0u32..12), 0..120),
            gamma_index in 0usize..4,
            both: bool,
            num: bool,
            n in 1usize..8,
        ) {
            let gamma = [1.0, 0.8, 0.5, 0.3][gamma_index];
            let norm = if num { Norm::Num } else { Norm::Off };
            let fast = incremental(&events, gamma, both, norm, 1000);
            let slow = reference_neighbors(&events, gamma, both, norm, 1000);
            prop_assert_eq!(fast.len(), slow.len());
            for (f, s) in fast.iter().zip(&slow) {
                let mut f = f.clone();
                let mut s = s.clone();
                f.sort_by_key(|e| e.0);
                s.sort_by_key(|e| e.0);
                prop_assert_eq!(f.len(), s.len());
                for (x, y) in f.iter().zip(&s) {
                    prop_assert_eq!(x.0, y.0);
                    if gamma == 1.0 {
                        prop_assert_eq!(x.1, y.1);
                    } else {
                        prop_assert!((x.1 - y.1).abs() <= 1e-12 * y.1.abs().max(1.0), "{} vs {}", x.1, y.1);
                    }
                }
            }
            if gamma == 1.0 {
                // exact sums: the top-n cut is identical too
                let fast = incremental(&events, gamma, both, norm, n);
                let slow = reference_neighbors(&events, gamma, both, norm, n);
                prop_assert_eq!(fast, slow);
            }
        }
    }
}
