//! Event counts per item, as a growable dense vector.

#[derive(Debug, Clone, Default)]
pub struct PopContainer {
    counts: Vec<u32>,
}

impl PopContainer {
    #[inline]
    pub fn get(&self, item: u32) -> u32 {
        self.counts.get(item as usize).copied().unwrap_or(0)
    }

    /// Adds one and returns the new count.
    #[inline]
    pub fn increase(&mut self, item: u32) -> u32 {
        let i = item as usize;
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += 1;
        self.counts[i]
    }

    /// Subtracts one (never below zero) and returns the new count.
    #[inline]
    pub fn reduce(&mut self, item: u32) -> u32 {
        match self.counts.get_mut(item as usize) {
            Some(c) if *c > 0 => {
                *c -= 1;
                *c
            }
            _ => 0,
        }
    }

    pub fn clear(&mut self) {
        self.counts.clear();
    }

    /// The count of every item id below `len()`.
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }

    pub fn from_counts(counts: Vec<u32>) -> Self {
        PopContainer { counts }
    }
}
