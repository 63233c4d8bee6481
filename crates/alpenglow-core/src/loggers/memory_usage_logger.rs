//! `MemoryUsageLogger`: the peak memory of the process on stderr, about every 1% of the stream.

use std::io::Write;

use crate::component::{Component, NoWiring};
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Logger};

crate::parameters! {
    /// With freq = records/100 + 1, prints `mem usage: <peak resident set size in KB>` and a
    /// newline to stderr before records 0, freq, 2·freq, … and before the last record. On
    /// systems without /proc (not Linux) it prints `mem usage: not supported`.
    pub struct MemoryUsageLoggerParameters {}
}

pub struct MemoryUsageLogger {
    params: MemoryUsageLoggerParameters,
    wiring: NoWiring,
    counter: usize,
}

/// Whether the logger prints before the record at `counter` (0-based) of a stream of `size`.
pub fn prints_at(counter: usize, size: usize) -> bool {
    let freq = size / 100 + 1;
    counter % freq == 0 || counter + 1 == size
}

/// Peak resident set size of this process in KB (`VmHWM`, what `ru_maxrss` reports on Linux).
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The line the logger prints.
pub fn usage_line() -> String {
    match peak_rss_kb() {
        Some(kb) => format!("mem usage: {kb}"),
        None => "mem usage: not supported".to_string(),
    }
}

impl Logger for MemoryUsageLogger {
    fn run(&mut self, _rec: &RecDat, env: &Environment) -> Result<()> {
        if prints_at(self.counter, env.stream_len) {
            let _ = writeln!(std::io::stderr().lock(), "{}", usage_line());
        }
        self.counter += 1;
        Ok(())
    }
}

impl Component for MemoryUsageLogger {
    const NAME: &'static str = "MemoryUsageLogger";
    type Params = MemoryUsageLoggerParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        Ok(MemoryUsageLogger { params, wiring: NoWiring, counter: 0 })
    }
    crate::component_accessors!();
    fn initialize(&mut self, _env: &Environment) -> Result<()> {
        self.counter = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_every_percent_and_at_the_last_record() {
        let at: Vec<usize> = (0..250).filter(|&c| prints_at(c, 250)).collect();
        // freq = 3: 0, 3, ..., 249 (249 is both a multiple of 3 and the last record).
        assert_eq!(at, (0..250).step_by(3).collect::<Vec<_>>());
        let at: Vec<usize> = (0..5).filter(|&c| prints_at(c, 5)).collect();
        assert_eq!(at, vec![0, 1, 2, 3, 4]);
        let at: Vec<usize> = (0..1000).filter(|&c| prints_at(c, 1000)).collect();
        assert_eq!(at.len(), 92);
        assert_eq!(at[..3], [0, 11, 22]);
        assert_eq!(at[at.len() - 2..], [990, 999]);
    }

    #[test]
    fn reads_the_peak_rss_on_linux() {
        if cfg!(target_os = "linux") {
            let kb = peak_rss_kb().expect("VmHWM in /proc/self/status");
            assert!(kb > 100, "{kb}");
            assert!(usage_line().starts_with("mem usage: "));
            assert!(usage_line()[11..].parse::<u64>().is_ok());
        }
    }
}
