//! Stopping a long offline fit: the learners call [`check`] between passes (and ALS between
//! sweeps); a front end installs the check for the duration of a fit with [`with_check`]
//! (Python: Ctrl-C). Without an installed check (e.g. inside an experiment run, whose loop has
//! its own hooks) `check` does nothing.

use std::cell::RefCell;

use crate::error::Result;

type Check = Box<dyn FnMut() -> Result<()>>;

thread_local! {
    static CHECK: RefCell<Option<Check>> = const { RefCell::new(None) };
}

/// Runs the installed check of this thread, if any: an error (e.g. `Error::Interrupted`)
/// stops the fit.
pub fn check() -> Result<()> {
    CHECK.with(|c| match c.try_borrow_mut() {
        Ok(mut installed) => installed.as_mut().map_or(Ok(()), |f| f()),
        Err(_) => Ok(()),
    })
}

/// Runs `job` with `check_fn` installed on this thread (removed afterwards, also on panic).
pub fn with_check<T>(check_fn: impl FnMut() -> Result<()> + 'static, job: impl FnOnce() -> T) -> T {
    struct Reset(Option<Check>);
    impl Drop for Reset {
        fn drop(&mut self) {
            let previous = self.0.take();
            CHECK.with(|c| *c.borrow_mut() = previous);
        }
    }
    let previous = CHECK.with(|c| c.borrow_mut().replace(Box::new(check_fn)));
    let _reset = Reset(previous);
    job()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn the_check_applies_inside_with_check_only() {
        assert!(check().is_ok());
        let mut calls = 0;
        let r = with_check(
            move || {
                calls += 1;
                if calls >= 2 { Err(Error::Interrupted) } else { Ok(()) }
            },
            || (check().is_ok(), check().is_err()),
        );
        assert_eq!(r, (true, true));
        assert!(check().is_ok());
    }
}
