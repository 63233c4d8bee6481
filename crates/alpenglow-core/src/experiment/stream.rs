//! The records of a run in serving order, for components that look back at the past (data
//! generators, period computers). Shares the data's columns and the iterator's order: no copy.

use std::sync::Arc;

use crate::data::RecommenderData;
use crate::data::columns::Column;
use crate::record::RecDat;

/// The served records of a run: position `k` is the `k`-th record the loop serves.
#[derive(Clone)]
pub struct Stream {
    time: Column<f64>,
    user: Column<i64>,
    item: Column<i64>,
    score: Column<f64>,
    eval: Column<i64>,
    id: Column<i64>,
    category: Column<i64>,
    order: Option<Arc<[u32]>>,
    len: usize,
    /// The k-th served record has the time of the k-th stored record (see `DataIterator::retimed`).
    retimed: bool,
}

impl Stream {
    /// The records of `data` in `order` (file order if `None`), cut before the first served
    /// record whose time reaches `termination_time` (when it is > 0), as the loop cuts them.
    pub fn new(data: &RecommenderData, order: Option<Arc<[u32]>>, termination_time: f64) -> Stream {
        Self::with_times(data, order, false, termination_time)
    }

    /// As [`Stream::new`]; with `retimed`, the k-th served record has the k-th stored time.
    pub fn with_times(data: &RecommenderData, order: Option<Arc<[u32]>>, retimed: bool, termination_time: f64) -> Stream {
        let mut stream = Stream {
            time: data.time.clone(),
            user: data.user.clone(),
            item: data.item.clone(),
            score: data.score.clone(),
            eval: data.eval.clone(),
            id: data.id.clone(),
            category: data.category.clone(),
            order,
            len: data.len(),
            retimed,
        };
        if termination_time > 0.0 {
            let time = stream.time.view();
            stream.len =
                (0..stream.len).position(|k| time.get(stream.time_index(k)) >= termination_time).unwrap_or(stream.len);
        }
        stream
    }

    /// A stream of records given in serving order (tests and pure-Rust use).
    pub fn from_records(records: &[RecDat]) -> Stream {
        let col_f = |f: fn(&RecDat) -> f64| Column::from_vec(records.iter().map(f).collect());
        let col_i = |f: fn(&RecDat) -> i64| Column::from_vec(records.iter().map(f).collect());
        Stream {
            time: col_f(|r| r.time),
            user: col_i(|r| r.user as i64),
            item: col_i(|r| r.item as i64),
            score: col_f(|r| r.score),
            eval: col_i(|r| r.eval as i64),
            id: col_i(|r| r.id),
            category: col_i(|r| r.category),
            order: None,
            len: records.len(),
            retimed: false,
        }
    }

    /// Number of records the run serves.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn index(&self, k: usize) -> usize {
        self.order.as_ref().map_or(k, |o| o[k] as usize)
    }

    #[inline]
    fn time_index(&self, k: usize) -> usize {
        if self.retimed { k } else { self.index(k) }
    }

    /// Time of the `k`-th served record.
    pub fn time(&self, k: usize) -> f64 {
        self.time.view().get(self.time_index(k))
    }

    /// Copies the served records `range` into `out` (cleared first), in serving order.
    pub fn records_into(&self, range: std::ops::Range<usize>, out: &mut Vec<RecDat>) -> crate::Result<()> {
        out.clear();
        crate::alloc::reserve(out, range.len(), "past records")?;
        out.extend(range.map(|k| self.record(k)));
        Ok(())
    }

    /// The `k`-th served record.
    #[inline]
    pub fn record(&self, k: usize) -> RecDat {
        let i = self.index(k);
        RecDat {
            id: self.id.view().get(i),
            time: self.time.view().get(self.time_index(k)),
            user: self.user.view().get(i) as u32,
            item: self.item.view().get(i) as u32,
            score: self.score.view().get(i),
            eval: self.eval.view().get(i) != 0,
            category: self.category.view().get(i),
            index: i,
        }
    }
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream").field("len", &self.len).finish()
    }
}

/// Replays records through an environment that has them as its stream (for tests of
/// components that look back): `step(k, rec, env)` is called after `env` took record `k`.
#[cfg(test)]
pub(crate) fn replay(records: &[RecDat], mut step: impl FnMut(usize, &RecDat, &super::Environment)) {
    let mut env = crate::sampling::testing::env();
    env.set_stream(Stream::from_records(records));
    for (k, rec) in records.iter().enumerate() {
        env.set_position(k);
        env.update(rec);
        step(k, rec, &env);
    }
}

/// Records at the given times (user 0, item k, id k).
#[cfg(test)]
pub(crate) fn at_times(times: &[f64]) -> Vec<RecDat> {
    times
        .iter()
        .enumerate()
        .map(|(k, &time)| RecDat {
            time,
            item: k as u32,
            id: k as i64,
            score: 1.0,
            eval: true,
            index: k,
            ..RecDat::default()
        })
        .collect()
}
