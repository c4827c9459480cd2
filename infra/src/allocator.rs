//! Tuning of mimalloc, the allocator the `ent` binary and the benches declare as
//! `#[global_allocator]`.
//!
//! By default mimalloc gives freed memory back to the OS 10 ms after it is freed. A projection
//! reads the log in pages of thousands of events, folds them and drops them: with the default,
//! every page was handed back and then faulted in again, zero-filled by the kernel — a third of a
//! rebuild's CPU time (docs/benchmarks.md). Keeping freed memory for a second removes that while
//! still returning it when the process goes idle.

/// `mi_option_purge_delay` in mimalloc's option enumeration (the same index in v2 and v3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory is kept before it is returned to the OS, in milliseconds.
const PURGE_DELAY_MS: std::ffi::c_long = 1_000;

/// Applies the tuning. Call it first thing in `main`, before any thread starts (mimalloc's
/// option setter is not thread-safe).
pub fn tune() {
    // SAFETY: sets a plain integer option; called before other threads exist.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
}

/// Tunes the allocator, then runs `main` on a multi-threaded Tokio runtime: the `main` of the
/// `ent` binary and of the benches.
pub fn run<F: std::future::Future>(main: F) -> std::io::Result<F::Output> {
    tune();
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(main))
}
