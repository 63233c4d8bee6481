//! The original framework's MINSTD (Lehmer / Park–Miller) generator, ported bit-exactly so that
//! deterministic experiments reproduce the original's per-record ranks.

/// Multiplier of the Lehmer generator.
const MULTIPLIER: u64 = 48271;
/// Modulus 2^31 − 1.
const MODULUS: u64 = 2_147_483_647;
/// Divisor of `get()`: modulus + 1, so results lie in [0, 1).
const DIVISOR: f64 = 2_147_483_648.0;
/// State when no seed is given.
pub const DEFAULT_STATE: u64 = 67_439_852;

/// A seeded MINSTD generator. Every component owns its own instance; there is no global RNG.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Random {
    state: u64,
}

impl Default for Random {
    fn default() -> Self {
        Random { state: DEFAULT_STATE }
    }
}

impl Random {
    /// Seeds like the original: a signed 32-bit seed converted to u64 (negative seeds
    /// sign-extend). Seed parameters are checked with [`valid_seed`] (the `seed()` constraint).
    pub fn new(seed: i64) -> Self {
        let seed32 = seed as i32;
        Random { state: seed32 as i64 as u64 }
    }

    pub fn state(&self) -> u64 {
        self.state
    }

    /// The generator in a saved `state`, if some seed leads to it. Reachable states are
    /// sign-extended 32-bit seeds or values below 2^31 - 1, both of which `new` reproduces from
    /// the state read as a signed integer.
    pub fn from_state(state: u64) -> Option<Random> {
        let r = Random::new(state as i64);
        (r.state() == state).then_some(r)
    }

    /// A seed of 0 (or a multiple of the modulus) makes every output 0.
    pub fn is_degenerate(&self) -> bool {
        self.state % MODULUS == 0
    }

    #[inline]
    fn step(&mut self) -> u64 {
        let s = self.state;
        self.state = if s < MODULUS {
            // x mod (2^31 - 1) of x = s * 48271 < 2^47 as (x & M) + (x >> 31), less one M if
            // needed: the same value as `%`, without a division on the draw's dependency chain.
            let x = s * MULTIPLIER;
            let r = (x & MODULUS) + (x >> 31);
            if r >= MODULUS { r - MODULUS } else { r }
        } else {
            s.wrapping_mul(MULTIPLIER) % MODULUS // only a seed's first step
        };
        self.state
    }

    /// Uniform in [0, 1).
    #[inline]
    pub fn get(&mut self) -> f64 {
        self.step() as f64 / DIVISOR
    }

    /// Uniform integer in [0, max): divide first, multiply in double, truncate.
    #[inline]
    pub fn get_int(&mut self, max: usize) -> usize {
        // Through i64: the product is below max, so the same value as a direct cast for every
        // max below 2^63, with a cheaper conversion (no unsigned 64-bit one on x86-64).
        (self.get() * max as f64) as i64 as usize
    }

    pub fn get_boolean(&mut self, p: f64) -> bool {
        self.get() < p
    }

    pub fn get_linear(&mut self, max: usize) -> usize {
        (self.get().sqrt() * max as f64) as usize
    }

    pub fn get_geometric(&mut self, p: f64, max: usize) -> usize {
        let u = self.get();
        (((p.powf(max as f64) - 1.0) * u + 1.0).ln() / p.ln()) as usize
    }

    pub fn get_arctg(&mut self, y: f64, max: usize) -> usize {
        let u = self.get();
        (max as f64 * ((u * y.atan()).tan() / y)) as usize
    }

    /// Index drawn from a discrete distribution; the last bucket absorbs rounding error.
    pub fn get_discrete(&mut self, distribution: &[f64]) -> usize {
        let u = self.get();
        let mut sum = 0.0;
        for (i, p) in distribution.iter().enumerate().take(distribution.len().saturating_sub(1)) {
            sum += p;
            if sum > u {
                return i;
            }
        }
        distribution.len().saturating_sub(1)
    }

    /// The original's Fisher–Yates: for i = n−1 down to 1, swap a[i] with a[get(i+1)].
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.get_int(i + 1);
            items.swap(i, j);
        }
    }
}

/// Whether `seed` is a signed 32-bit integer that does not make the generator degenerate
/// (a state that is a multiple of 2^31 - 1, whose outputs are all 0). Seed parameters declare
/// this rule with the `seed()` constraint (see `params::check`).
pub fn valid_seed(seed: i64) -> bool {
    i32::try_from(seed).is_ok() && !Random::new(seed).is_degenerate()
}

/// The 32-bit seeds [`valid_seed`] rejects, for messages: 0 and 2^31 - 1 are multiples of the
/// modulus, and -4 sign-extends to 2^64 - 4, also a multiple.
pub const DEGENERATE_SEEDS_TEXT: &str = "0, -4 or 2147483647";

#[cfg(test)]
mod tests {
    #[test]
    fn fast_step_equals_the_plain_modulo() {
        let plain = |s: u64| s.wrapping_mul(MULTIPLIER) % MODULUS;
        let mut states: Vec<u64> = vec![0, 1, 2, MODULUS - 1, MODULUS, MODULUS + 1, (1 << 31), u64::MAX, 67_439_852];
        states.extend((0..100_000u64).map(|k| k.wrapping_mul(0x9E37_79B9_7F4A_7C15) % MODULUS));
        states.extend((0..1000u64).map(|k| MODULUS - 1 - k));
        states.extend((-1000i64..1000).map(|seed| Random::new(seed).state()));
        for s in states {
            let mut r = Random { state: s };
            assert_eq!(r.step(), plain(s), "state {s}");
        }
        // A long run from the documented default.
        let (mut a, mut b) = (Random::default().state, Random::default());
        for _ in 0..1_000_000 {
            a = plain(a);
            assert_eq!(b.step(), a);
        }
    }

    use super::*;

    /// The conversion through i64 gives the plain `as usize` value for every state.
    #[test]
    fn get_int_equals_the_direct_conversion() {
        for max in [1usize, 7, 1682, 1 << 31, (1 << 53) + 3, 1 << 62] {
            let (mut a, mut b) = (Random::new(42), Random::new(42));
            for _ in 0..10_000 {
                let expected = (b.get() * max as f64) as usize;
                assert_eq!(a.get_int(max), expected, "max {max}");
            }
        }
    }

    #[test]
    fn seeds_out_of_range_or_degenerate_are_rejected() {
        assert!(valid_seed(5));
        assert!(valid_seed(-1));
        assert!(valid_seed(i32::MIN as i64));
        assert!(valid_seed(2_147_483_646));
        assert!(!valid_seed((1 << 32) + 5));
        assert!(!valid_seed(i32::MIN as i64 - 1));
        assert!(!valid_seed(2_147_483_648));
        // Exactly the seeds named by DEGENERATE_SEEDS_TEXT are degenerate in the 32-bit range;
        // -4 too, because it sign-extends to 2^64 - 4 = 4 (mod 2^31 - 1) - 4.
        for seed in [0, -4, 2_147_483_647] {
            assert!(!valid_seed(seed), "{seed}");
            assert!(DEGENERATE_SEEDS_TEXT.contains(&seed.to_string()));
        }
        for seed in (-100..100).chain(2_147_483_547..2_147_483_647).chain(-2_147_483_648..-2_147_483_548) {
            assert_eq!(valid_seed(seed), ![0, -4].contains(&seed), "{seed}");
        }
    }

    fn ints(seed: i64, max: usize, n: usize) -> Vec<usize> {
        let mut r = Random::new(seed);
        (0..n).map(|_| r.get_int(max)).collect()
    }

    #[test]
    fn states_and_doubles_match_the_spec() {
        let mut r = Random::new(745578);
        let states: Vec<u64> = (0..3).map(|_| r.step()).collect();
        assert_eq!(states, vec![1630057286, 694426426, 585763423]);
        let mut r = Random::new(745578);
        let got: Vec<f64> = (0..5).map(|_| r.get()).collect();
        assert_eq!(
            got,
            vec![0.7590545741841197, 0.32336750347167253, 0.2727673496119678, 0.75273925019428134, 0.47636304795742035]
        );
        assert_eq!(ints(745578, 10, 10), vec![7, 3, 2, 7, 4, 5, 6, 2, 0, 5]);
    }

    #[test]
    fn default_and_named_seeds() {
        let mut r = Random::default();
        let got: Vec<usize> = (0..5).map(|_| r.get_int(100)).collect();
        assert_eq!(got, vec![90, 78, 70, 56, 28]);
        assert_eq!(ints(67439852, 1000, 5), vec![908, 785, 702, 567, 283]);
        let mut r = Random::new(254938879);
        let states: Vec<u64> = (0..3).map(|_| r.step()).collect();
        assert_eq!(states, vec![1073330899, 565358107, 178996921]);
        let mut v: Vec<u32> = (0..10).collect();
        Random::new(254938879).shuffle(&mut v);
        assert_eq!(v, vec![9, 8, 7, 1, 5, 6, 3, 0, 2, 4]);
    }

    #[test]
    fn negative_seeds_sign_extend() {
        assert_eq!(ints(-1234, 100, 5), vec![97, 7, 27, 15, 10]);
        assert_eq!(ints(-1, 1000, 5), vec![999, 915, 738, 513, 598]);
    }

    #[test]
    fn derived_distributions() {
        let mut r = Random::new(12345);
        let got: Vec<f64> = (0..3).map(|_| r.get()).collect();
        assert_eq!(got, vec![0.27749011991545558, 0.72558467602357268, 0.6979126431979239]);
        let mut r = Random::new(12345);
        assert_eq!((0..5).map(|_| r.get_linear(100)).collect::<Vec<_>>(), vec![52, 85, 83, 97, 64]);
        let mut r = Random::new(12345);
        assert_eq!((0..5).map(|_| r.get_geometric(0.5, 100)).collect::<Vec<_>>(), vec![0, 1, 1, 4, 0]);
        let mut r = Random::new(12345);
        assert_eq!((0..5).map(|_| r.get_arctg(10.0, 100)).collect::<Vec<_>>(), vec![4, 18, 16, 53, 6]);
        let mut r = Random::new(12345);
        let d = [0.2, 0.3, 0.5];
        assert_eq!((0..8).map(|_| r.get_discrete(&d)).collect::<Vec<_>>(), vec![1, 2, 2, 2, 1, 2, 1, 1]);
        let mut r = Random::new(12345);
        let b: Vec<u8> = (0..8).map(|_| r.get_boolean(0.5) as u8).collect();
        assert_eq!(b, vec![1, 0, 0, 0, 1, 0, 1, 1]);
    }

    #[test]
    fn ranking_logger_seed() {
        assert_eq!(ints(43211234, 2, 8), vec![0, 0, 0, 1, 0, 0, 1, 1]);
    }

    #[test]
    fn zero_seed_is_degenerate() {
        assert!(Random::new(0).is_degenerate());
        assert!(!Random::new(1).is_degenerate());
    }

    #[test]
    fn from_state_restores_reachable_states_only() {
        for seed in [1, 745578, -1, -1234, i32::MIN as i64] {
            let mut r = Random::new(seed);
            r.get();
            let mut copy = Random::from_state(r.state()).unwrap();
            assert_eq!(copy.get(), r.get());
            assert_eq!(Random::from_state(Random::new(seed).state()).unwrap().state(), Random::new(seed).state());
        }
        assert!(Random::from_state(1 << 40).is_none());
    }
}
