//! Errors raised where a signature cannot return one: a model's `prediction`, a ranking-score
//! iterator's `has_next`, a top list. Components written in another language (Python models)
//! can fail there; they report the error here and return a neutral value (NaN, no more items,
//! an empty list). The run loop takes the error after the loggers and after the updaters of
//! every record and stops with it, so the rows logged before the failing record stay readable
//! and nothing trains on a record whose evaluation failed.
//!
//! The slot is per thread: code that calls models on other threads must take the fault there
//! and carry it back. Only the first error is kept until it is taken.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::Error;

thread_local! {
    static FAULT: RefCell<Option<Error>> = const { RefCell::new(None) };
}

/// Pending faults over all threads: the checks on every record read this one word and look
/// at their thread's slot only when some thread has a fault.
static ANY: AtomicUsize = AtomicUsize::new(0);

/// Records `error` unless an earlier one is still pending.
pub fn report(error: Error) {
    FAULT.with(|f| {
        let mut slot = f.borrow_mut();
        if slot.is_none() {
            *slot = Some(error);
            ANY.fetch_add(1, Ordering::Relaxed);
        }
    });
}

/// True if an error was reported and not yet taken (a failing component then answers
/// without calling out again).
#[inline]
pub fn pending() -> bool {
    ANY.load(Ordering::Relaxed) != 0 && FAULT.with(|f| f.borrow().is_some())
}

/// The pending error, if any, which is thereby cleared.
#[inline]
pub fn take() -> Option<Error> {
    if ANY.load(Ordering::Relaxed) == 0 {
        return None;
    }
    let taken = FAULT.with(|f| f.borrow_mut().take());
    if taken.is_some() {
        ANY.fetch_sub(1, Ordering::Relaxed);
    }
    taken
}

/// `Err` with the pending error, if any.
#[inline]
pub fn check() -> crate::Result<()> {
    take().map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_error_until_taken() {
        assert!(take().is_none());
        report(Error::data("first"));
        report(Error::data("second"));
        assert!(pending());
        assert_eq!(take().map(|e| e.to_string()), Some(Error::data("first").to_string()));
        assert!(!pending());
        assert!(check().is_ok());
    }

    #[test]
    fn is_per_thread() {
        report(Error::data("here"));
        let other = std::thread::spawn(pending).join().unwrap();
        assert!(!other);
        assert!(take().is_some());
    }
}
