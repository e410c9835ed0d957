//! Many recordings at once: a work queue over scoped threads, results handed back in the
//! order the files were given.
//!
//! Each file is one job of a few hundred milliseconds to minutes, with nothing shared but
//! the list, so a shared counter is the whole queue (`std::thread::scope`, one worker per
//! core): no rayon for one loop. Results come back over a channel and wait in a small map
//! until every earlier file's result has been written, so the output is in the order of
//! the command line whatever finishes first. A file whose analysis panics is an error
//! line like any other, never the end of the batch. When writing fails (a reader that
//! closed the pipe), no new file is started and the error is returned.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use anyhow::{Result, anyhow};

/// Runs `work` on every item with `jobs` threads; `done` sees each item's index and result
/// in the items' order, `finished` is called as each one finishes (for a progress bar).
/// Returns the first error of `done`.
pub fn run_in_order<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> Result<R> + Sync,
    mut finished: impl FnMut(),
    mut done: impl FnMut(usize, Result<R>) -> Result<()>,
) -> Result<()> {
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, Result<R>)>();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            let tx = tx.clone();
            let (next, stop, work) = (&next, &stop, &work);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let result =
                        catch_unwind(AssertUnwindSafe(|| work(item))).unwrap_or_else(|panic| {
                            Err(anyhow!("internal error: {}", message(&panic)))
                        });
                    if tx.send((i, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut next_out = 0;
        for (i, result) in rx {
            finished();
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&next_out) {
                if let Err(e) = done(next_out, result) {
                    stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
                next_out += 1;
            }
        }
        Ok(())
    })
}

/// What a panic said, if it said it in text.
fn message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn results_come_in_the_order_given_whatever_finishes_first() {
        // Early items take longest, so they finish last.
        let items: Vec<u64> = (0..12).collect();
        let mut seen = Vec::new();
        let mut ticks = 0;
        run_in_order(
            &items,
            4,
            |&n| {
                std::thread::sleep(Duration::from_millis(2 * (12 - n)));
                Ok(n * 10)
            },
            || ticks += 1,
            |i, r| {
                seen.push((i, r.unwrap()));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, (0..12).map(|n| (n as usize, n * 10)).collect::<Vec<_>>());
        assert_eq!(ticks, 12);
    }

    #[test]
    fn a_failing_or_panicking_item_is_its_own_result_and_the_rest_go_on() {
        let items = [1, 0, 2];
        let mut lines = Vec::new();
        run_in_order(
            &items,
            2,
            |&n| match n {
                0 => panic!("broken file"),
                2 => Err(anyhow!("bad file")),
                n => Ok(n),
            },
            || {},
            |_, r| {
                lines.push(r.map_err(|e| e.to_string()));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(
            lines,
            [Ok(1), Err("internal error: broken file".into()), Err("bad file".into())]
        );
    }

    #[test]
    fn a_failing_write_starts_no_new_item() {
        let started = AtomicUsize::new(0);
        let items: Vec<u32> = (0..1000).collect();
        let err = run_in_order(
            &items,
            2,
            |_| {
                started.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(10));
                Ok(())
            },
            || {},
            |i, _| if i == 3 { Err(anyhow!("closed")) } else { Ok(()) },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "closed");
        // The two workers may each have one more in hand, and more may have been taken
        // while the writing thread waited for a core on a busy machine (10 ms an item on
        // two workers: 500 would be 2.5 s of that); without the stop, all 1000 start.
        assert!(started.load(Ordering::Relaxed) < 500, "{}", started.load(Ordering::Relaxed));
    }
}
