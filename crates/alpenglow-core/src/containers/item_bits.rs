//! A set of item ids as bits, filled from a row of the train matrix (its item list) and
//! emptied again: a membership test is one bit test instead of a hash probe.

/// Ids from this one on are not held in bits (the set would take more than 2 MiB).
const LIMIT: u32 = 1 << 24;

/// A bit per item id, all clear between uses.
#[derive(Debug, Clone, Default)]
pub struct ItemBits {
    words: Vec<u64>,
}

impl ItemBits {
    /// Sets the bits of every item of `row`; false (and nothing set) if an id is too large
    /// for bits, in which case the caller probes the row instead.
    pub fn fill(&mut self, row: &[u32]) -> bool {
        let largest = row.iter().copied().max().unwrap_or(0);
        if largest >= LIMIT {
            return false;
        }
        let words = (largest >> 6) as usize + 1;
        if words > self.words.len() {
            // Grows to the largest id seen, once: not per record.
            self.words.resize(words, 0);
        }
        let bits = &mut self.words[..words];
        for &item in row {
            bits[(item >> 6) as usize] |= 1 << (item & 63);
        }
        true
    }

    #[inline]
    pub fn contains(&self, item: u32) -> bool {
        self.words.get((item >> 6) as usize).is_some_and(|w| (w >> (item & 63)) & 1 == 1)
    }

    /// Clears every bit `fill(row)` set (whole words: all their set bits came from `row`).
    pub fn clear(&mut self, row: &[u32]) {
        for &item in row {
            if let Some(w) = self.words.get_mut((item >> 6) as usize) {
                *w = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_exactly_the_rows_items_and_is_empty_again_after_clear() {
        let row = [0u32, 1, 63, 64, 1000, 4095];
        let mut bits = ItemBits::default();
        assert!(bits.fill(&row));
        for item in 0..5000 {
            assert_eq!(bits.contains(item), row.contains(&item), "item {item}");
        }
        assert!(!bits.contains(u32::MAX));
        bits.clear(&row);
        assert!(bits.words.iter().all(|&w| w == 0));
        let other = [5u32, 70];
        assert!(bits.fill(&other));
        assert!(bits.contains(70) && !bits.contains(64) && !bits.contains(1000));
    }

    #[test]
    fn large_ids_are_refused_and_leave_nothing_set() {
        let row = [3u32, 200, LIMIT, 7];
        let mut bits = ItemBits::default();
        assert!(!bits.fill(&row));
        assert!(bits.words.iter().all(|&w| w == 0));
    }
}
