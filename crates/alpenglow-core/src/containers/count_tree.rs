//! How many items have a count above a given one, under increments and decrements of single
//! items: a Fenwick tree over the counts, O(log max count) per change and per question.

#[derive(Debug, Clone, Default)]
pub struct CountTree {
    /// 1-based Fenwick tree: `tree[i]` sums the items of counts `(i - lowbit(i), i]`.
    tree: Vec<u32>,
    /// Items with a count of at least 1.
    counted: u32,
}

impl CountTree {
    /// The tree of a histogram (`hist[c]` = number of items with count c; index 0 ignored).
    pub fn from_histogram(hist: &[u32]) -> Self {
        let size = hist.len().max(2).next_power_of_two();
        let mut tree = vec![0u32; size + 1];
        let mut counted = 0;
        for c in 1..=size {
            let n = hist.get(c).copied().unwrap_or(0);
            tree[c] += n;
            counted += n;
            let parent = c + (c & c.wrapping_neg());
            if parent <= size {
                let v = tree[c];
                tree[parent] += v;
            }
        }
        CountTree { tree, counted }
    }

    /// An item moves from count `from` to count `to` (0 = not counted).
    pub fn moved(&mut self, from: u32, to: u32) {
        if to as usize >= self.tree.len() {
            self.grow(to as usize);
        }
        if from > 0 {
            self.add(from as usize, u32::wrapping_neg(1));
            self.counted -= 1;
        }
        if to > 0 {
            self.add(to as usize, 1);
            self.counted += 1;
        }
    }

    /// Number of items whose count is above `count`.
    pub fn above(&self, count: u32) -> u32 {
        let mut i = (count as usize).min(self.tree.len() - 1);
        let mut at_most = 0u32;
        while i > 0 {
            at_most = at_most.wrapping_add(self.tree[i]);
            i &= i - 1;
        }
        self.counted - at_most
    }

    fn add(&mut self, mut i: usize, delta: u32) {
        while i < self.tree.len() {
            self.tree[i] = self.tree[i].wrapping_add(delta);
            i += i & i.wrapping_neg();
        }
    }

    fn grow(&mut self, count: usize) {
        let mut hist = vec![0u32; self.tree.len().max(1)];
        for (c, slot) in hist.iter_mut().enumerate().skip(1) {
            *slot = self.above(c as u32 - 1) - self.above(c as u32);
        }
        hist.resize(count + 1, 0);
        *self = CountTree::from_histogram(&hist);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::Random;

    #[test]
    fn answers_like_counting_by_hand() {
        let mut rng = Random::new(7);
        let mut counts = vec![0u32; 40];
        let mut tree = CountTree::default();
        for step in 0..5000 {
            let item = rng.get_int(counts.len());
            let from = counts[item];
            let to = if from > 0 && rng.get_int(3) == 0 { from - 1 } else { from + 1 };
            counts[item] = to;
            tree.moved(from, to);
            if step % 50 == 0 {
                for c in 0..=counts.iter().copied().max().unwrap() + 2 {
                    let expected = counts.iter().filter(|&&x| x > c).count() as u32;
                    assert_eq!(tree.above(c), expected, "step {step}, count {c}");
                }
            }
        }
        let mut hist = vec![0u32; 1 + *counts.iter().max().unwrap() as usize];
        for &c in &counts {
            hist[c as usize] += 1;
        }
        let rebuilt = CountTree::from_histogram(&hist);
        for c in 0..hist.len() as u32 + 2 {
            assert_eq!(rebuilt.above(c), tree.above(c));
        }
    }
}
