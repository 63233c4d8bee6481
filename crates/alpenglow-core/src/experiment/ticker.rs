//! When the run loop calls its hooks (progress, Ctrl-C): every `interval` records, and at least
//! every `period` of work whatever a record costs. Reading the clock for every cheap record would
//! slow the loop down, so the clock is read every `stride` records, with the stride adapted so
//! that reads happen about every millisecond (it drops to 1 when records are slow).

use std::time::{Duration, Instant};

/// Time between clock reads that the stride aims at.
const READ_EVERY: Duration = Duration::from_millis(1);
const MAX_STRIDE: usize = 4096;

pub struct Ticker {
    interval: usize,
    period: Duration,
    stride: usize,
    until_read: usize,
    since_call: usize,
    last_read: Instant,
    last_call: Instant,
}

impl Ticker {
    pub fn new(interval: usize, period: Duration, now: Instant) -> Self {
        Ticker {
            interval: interval.max(1),
            period,
            stride: 1,
            until_read: 1,
            since_call: 0,
            last_read: now,
            last_call: now,
        }
    }

    /// Called after each record, with the clock; true when the hooks are due.
    #[inline]
    pub fn tick(&mut self, clock: impl FnOnce() -> Instant) -> bool {
        self.since_call += 1;
        if self.since_call >= self.interval {
            return self.called(clock());
        }
        self.until_read -= 1;
        if self.until_read > 0 {
            return false;
        }
        let now = clock();
        let gap = now.saturating_duration_since(self.last_read);
        self.stride = if gap < READ_EVERY / 2 {
            (self.stride * 2).min(MAX_STRIDE)
        } else if gap > READ_EVERY * 2 {
            (self.stride / 2).max(1)
        } else {
            self.stride
        };
        self.until_read = self.stride;
        self.last_read = now;
        if now.saturating_duration_since(self.last_call) >= self.period {
            return self.called(now);
        }
        false
    }

    fn called(&mut self, now: Instant) -> bool {
        self.last_call = now;
        self.last_read = now;
        self.since_call = 0;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A clock that advances `step` at every read.
    fn fake_clock(step: Duration) -> impl FnMut() -> Instant {
        let start = Instant::now();
        let reads = Cell::new(0u32);
        move || {
            reads.set(reads.get() + 1);
            start + step * reads.get()
        }
    }

    fn calls(ticker: &mut Ticker, mut clock: impl FnMut() -> Instant, records: usize) -> Vec<usize> {
        (1..=records).filter(|_| ticker.tick(&mut clock)).collect()
    }

    #[test]
    fn slow_records_call_the_hooks_by_time() {
        // Each record costs 20 ms: the hooks are due every few records, not every 1,024.
        let mut t = Ticker::new(1024, Duration::from_millis(50), Instant::now());
        let due = calls(&mut t, fake_clock(Duration::from_millis(20)), 100);
        assert!(due.len() >= 20, "{due:?}");
        assert!(due.windows(2).all(|w| w[1] - w[0] <= 3), "{due:?}");
    }

    #[test]
    fn fast_records_call_the_hooks_by_count_and_read_the_clock_rarely() {
        let reads = Cell::new(0usize);
        let start = Instant::now();
        let clock = || {
            reads.set(reads.get() + 1);
            start // time stands still: records are free
        };
        let mut t = Ticker::new(1000, Duration::from_millis(50), start);
        let due = calls(&mut t, clock, 10_000);
        assert_eq!(due, (1..=10).map(|k| k * 1000).collect::<Vec<_>>());
        assert!(reads.get() < 200, "{} clock reads for 10,000 records", reads.get());
    }
}
