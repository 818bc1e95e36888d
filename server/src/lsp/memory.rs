//! Giving memory back to the system once a burst of work is over (issue 16's soak: 50 pages
//! edited 5,000 times, then closed, kept 1.5–1.7× the RSS of the index alone).
//!
//! mimalloc keeps the pages a thread allocated in that thread's heap; blocks freed by other
//! threads (a keystroke's text is made on a runtime worker and dropped by a diagnostics thread,
//! and the other way round) only go back when the owning thread collects, and an idle thread
//! never does. So when the work is over (the last document closed, a re-index done), every
//! thread that allocates collects once: this one and the rayon pools at once, each runtime
//! worker when it next goes idle (`on_park`, hooked into the runtime). Blocking-pool threads
//! end after 10 s idle and hand their heaps back then. With no document open the graph is
//! also copied afresh first ([`logseq_core::model::graph::Graph::compacted`]).

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::log::spawn_logged;
use super::state::State;
use super::symbols::symbol_pool;

/// Bumped by each [`release`]; a worker that has not collected for the latest one does so.
static WANTED: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static DONE: Cell<u64> = const { Cell::new(0) };
}

/// This thread's heap: freed blocks back to their pages, empty pages back to the system.
fn collect_here() {
    DONE.with(|d| d.set(WANTED.load(Ordering::Acquire)));
    // SAFETY: mi_collect takes no pointers; it only walks this thread's own heap.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// For the runtime's `on_thread_park`: collects if a release came since this worker last did.
/// A load and a compare otherwise (parks are frequent).
pub fn on_park() {
    if DONE.with(|d| d.get()) != WANTED.load(Ordering::Acquire) {
        collect_here();
    }
}

/// Every allocating thread collects once (see the module comment). Runs on a blocking thread:
/// a collect of a big heap takes milliseconds.
fn release(st: &State, compact: bool) {
    // Collecting frees only the allocator pages that hold nothing live; after a burst of
    // edits the graph's blocks are spread thinly over the heaps of many threads, each keeping
    // its page resident (soak: 1.25-1.29x the RSS after indexing). A copy made here packs
    // them into few pages, and the old graph's pages empty. Only when no document is open:
    // the copy holds the write lock (25-45 ms on 5,000 pages), which a keystroke would wait for.
    if st.docs.is_empty() {
        // The searches' prepared pages serve completions, which only open documents ask for:
        // they go too (the next search prepares them again), and with them the old texts
        // they share.
        st.forget_prepared_pages();
        // Copied in the first pass only: a second copy, after the idle threads ended, left
        // 1-1.4 MB more resident than it freed (soak, 3 Dec).
        if compact {
            let old = st.index_mut().compact();
            drop(old); // outside the lock
        }
    }
    WANTED.fetch_add(1, Ordering::AcqRel);
    rayon::broadcast(|_| collect_here());
    symbol_pool().broadcast(|_| collect_here());
    collect_here();
}

/// [`release`] once nothing has asked for it for a second: after the last document closes, or
/// a re-index. Then once more after the blocking pool's idle threads have ended (tokio keeps
/// them 10 s): a thread that ends abandons the allocator pages still holding a live block, and
/// only a collect on another thread after that gives back the ones that empty meanwhile.
pub fn release_soon(st: &Arc<State>) {
    let n = st.release_generation.fetch_add(1, Ordering::AcqRel) + 1;
    let st = st.clone();
    spawn_logged(st.client.clone(), "releasing memory", async move {
        for (wait, compact) in [(1, true), (11, false)] {
            tokio::time::sleep(Duration::from_secs(wait)).await;
            if st.release_generation.load(Ordering::Acquire) != n {
                return; // a later release supersedes this one
            }
            let s = st.clone();
            let _ = tokio::task::spawn_blocking(move || release(&s, compact)).await;
        }
    });
}
