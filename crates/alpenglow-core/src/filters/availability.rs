//! Items available in time intervals (e.g. a TV schedule).

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use parking_lot::Mutex;

use super::{AvailabilityTable, WhitelistFilter};
use crate::component::{Component, NoWiring};
use crate::data::RecDat;
use crate::error::{Error, Result};
use crate::experiment::Environment;

crate::parameters! {
    /// A whitelist filter of items available in time intervals, fed with
    /// `add_availability(time, item, duration)`: the item is available from `time` (inclusive)
    /// to `time + duration` (exclusive); an item with several intervals is available while any
    /// of them lasts. The whitelist is the same for every user: the available items in
    /// ascending id order. Wrap a model with it through `WhitelistFilter2ModelAdapter`.
    /// `alpenglow.utils.AvailabilityFilter(df)` builds one from a (time, item, duration) frame.
    ///
    /// The available set is brought up to date lazily, when a query comes with a new time.
    /// "Now" is the time of the record being evaluated; a query with an earlier time than the
    /// previous one (a new run) replays the intervals from the start.
    ///
    /// Fixes: the original admitted an interval that had already ended before the query time
    /// (it stayed available until the next time change); here an item is available exactly
    /// when start <= now < start + duration. The original took "now" from the experiment
    /// environment, which during evaluation still holds the previous record's time; here it is
    /// the evaluated record's own time.
    pub struct AvailabilityFilterParameters {}
}

/// An end time with a total order (ends are never NaN: durations are checked).
#[derive(Debug, Clone, Copy, PartialEq)]
struct End(f64, u32);

impl Eq for End {}

impl Ord for End {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

impl PartialOrd for End {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Default)]
struct State {
    /// (start, item, end), sorted by (start, item, end) once `sorted`.
    intervals: Vec<(f64, u32, f64)>,
    sorted: bool,
    /// Intervals before this index have been admitted (or skipped as already over).
    cursor: usize,
    ends: BinaryHeap<Reverse<End>>,
    /// Number of current intervals per item.
    counts: Vec<u32>,
    available: BTreeSet<u32>,
    now: Option<f64>,
}

impl State {
    fn reset(&mut self) {
        self.cursor = 0;
        self.ends.clear();
        self.counts.iter_mut().for_each(|c| *c = 0);
        self.available.clear();
        self.now = None;
    }

    fn refresh(&mut self, now: f64) {
        if self.now == Some(now) {
            return;
        }
        if !self.sorted || self.now.is_some_and(|t| now < t) {
            if !self.sorted {
                self.intervals.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.total_cmp(&b.2)));
                self.sorted = true;
            }
            self.reset();
        }
        while let Some(&Reverse(End(end, item))) = self.ends.peek() {
            if end > now {
                break;
            }
            self.ends.pop();
            let c = &mut self.counts[item as usize];
            *c -= 1;
            if *c == 0 {
                self.available.remove(&item);
            }
        }
        while let Some(&(start, item, end)) = self.intervals.get(self.cursor) {
            if start > now {
                break;
            }
            self.cursor += 1;
            if end <= now {
                continue;
            }
            if self.counts.len() <= item as usize {
                self.counts.resize(item as usize + 1, 0);
            }
            self.counts[item as usize] += 1;
            if self.counts[item as usize] == 1 {
                self.available.insert(item);
            }
            self.ends.push(Reverse(End(end, item)));
        }
        self.now = Some(now);
    }
}

pub struct AvailabilityFilter {
    params: AvailabilityFilterParameters,
    wiring: NoWiring,
    state: Mutex<State>,
}

impl AvailabilityFilter {
    /// The available items at `time`, ascending.
    pub fn available_at(&self, time: f64) -> Vec<u32> {
        let mut out = Vec::new();
        self.whitelist_into(0, time, &mut out);
        out
    }
}

impl AvailabilityTable for AvailabilityFilter {
    fn add_availability(&mut self, time: f64, item: i64, duration: f64) -> Result<()> {
        if !time.is_finite() {
            return Err(Error::parameter(format!(
                "AvailabilityFilter.add_availability: time must be finite, got {time}"
            )));
        }
        if !(0..=crate::data::columns::MAX_ID).contains(&item) {
            return Err(Error::parameter(format!(
                "AvailabilityFilter.add_availability: item must be an id in 0..={}, got {item}",
                crate::data::columns::MAX_ID
            )));
        }
        if duration.is_nan() || duration < 0.0 {
            return Err(Error::parameter(format!(
                "AvailabilityFilter.add_availability: duration must be a number >= 0, got {duration}"
            )));
        }
        let state = self.state.get_mut();
        crate::alloc::reserve(&mut state.intervals, 1, "availability intervals")?;
        state.intervals.push((time, item as u32, time + duration));
        state.sorted = false;
        Ok(())
    }
}

impl WhitelistFilter for AvailabilityFilter {
    fn active(&self, rec: &RecDat) -> bool {
        let mut state = self.state.lock();
        state.refresh(rec.time);
        state.counts.get(rec.item as usize).is_some_and(|&c| c > 0)
    }

    fn whitelist_into(&self, _user: u32, time: f64, out: &mut Vec<u32>) {
        let mut state = self.state.lock();
        state.refresh(time);
        out.clear();
        out.extend(state.available.iter().copied());
    }
}

impl Component for AvailabilityFilter {
    const NAME: &'static str = "AvailabilityFilter";
    type Params = AvailabilityFilterParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(AvailabilityFilter { params, wiring: NoWiring, state: Mutex::new(State::default()) })
    }
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.state.get_mut().reset();
        Ok(())
    }
    crate::component_accessors!();
}
