//! A cache hint: start loading the cache line of an address that the code will read soon
//! (hot loops that know their next random accesses ahead, e.g. the items of a record's
//! negative samples in a catalogue larger than the cache). No effect on any result.

/// Asks the processor to bring the cache line holding `p` into the cache.
#[inline(always)]
pub fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it never faults, whatever the address, and neither
    // reads nor writes memory as far as the program can observe.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
