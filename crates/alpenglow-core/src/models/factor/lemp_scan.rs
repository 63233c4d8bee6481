//! Scoring a run of item vectors against a user vector and keeping those that reach a score:
//! the inner loop of the LEMP rank count.
//!
//! Four items are scored side by side (AVX where the processor has it; two such quads per
//! step, so that their sums interleave): lane `l` computes `u[0]·v_l[0] + u[1]·v_l[1] + …`
//! with the same multiplications and additions in the same order as `factors::dot` (no fused
//! multiply-add), so every score is bit-identical to it. The comparison with the score is
//! branch-free: the positions of the items that reach it are appended to a small buffer, so
//! the caller's per-item checks run only for them.

use super::factors::dot;

/// Items scored per call (the candidate buffer's size).
pub const CHUNK: usize = 64;

/// For the items of `vecs` (`d` values each, at most [`CHUNK`] items), writes to `out`, in
/// order, `p << 1 | (score > s)` for every position `p` whose score `dot(u, v_p)` is `>= s`
/// (NaN never is), and returns how many it wrote.
pub fn candidates(u: &[f64], vecs: &[f64], s: f64, out: &mut [u16; CHUNK]) -> usize {
    let d = u.len();
    if d == 0 {
        return 0;
    }
    let vecs = &vecs[..(vecs.len() / d).min(CHUNK) * d];
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx") {
        // SAFETY: the processor supports AVX (checked just above).
        return unsafe { avx::candidates(u, vecs, s, out) };
    }
    portable(u, vecs, s, out, 0, 0)
}

/// The scalar loop from item `first` on, appending after `n` entries already in `out`.
#[inline(always)]
fn portable(u: &[f64], vecs: &[f64], s: f64, out: &mut [u16; CHUNK], first: usize, mut n: usize) -> usize {
    let d = u.len();
    for (p, v) in vecs.chunks_exact(d).enumerate().skip(first) {
        let score = dot(u, v);
        out[n] = ((p as u16) << 1) | u16::from(score > s);
        n += usize::from(score >= s);
    }
    n
}

#[cfg(target_arch = "x86_64")]
mod avx {
    use super::{CHUNK, portable};
    use std::arch::x86_64::*;

    /// Dimensions with a loop unrolled for them (others take the general loop).
    #[target_feature(enable = "avx")]
    pub(super) unsafe fn candidates(u: &[f64], vecs: &[f64], s: f64, out: &mut [u16; CHUNK]) -> usize {
        // SAFETY: `vecs` holds at most CHUNK whole items (trimmed by the caller); AVX is on.
        unsafe {
            match u.len() {
                8 => quads::<8>(u, vecs, s, out),
                10 => quads::<10>(u, vecs, s, out),
                16 => quads::<16>(u, vecs, s, out),
                20 => quads::<20>(u, vecs, s, out),
                32 => quads::<32>(u, vecs, s, out),
                _ => quads::<0>(u, vecs, s, out),
            }
        }
    }

    /// `D` is the dimension (0: `u.len()`, not known at compile time).
    ///
    /// SAFETY: only where AVX is enabled; `vecs` holds at most `CHUNK` items of `u.len()` values.
    #[inline(always)]
    unsafe fn quads<const D: usize>(u: &[f64], vecs: &[f64], s: f64, out: &mut [u16; CHUNK]) -> usize {
        let d = if D > 0 { D } else { u.len() };
        debug_assert!(u.len() == d && vecs.len().is_multiple_of(d) && vecs.len() / d <= CHUNK);
        let items = vecs.len() / d;
        let mut n = 0;
        let mut p = 0;
        // SAFETY: items p..p+4 are within `vecs` (p + 4 <= items), d values each; AVX is on.
        unsafe {
            let threshold = _mm256_set1_pd(s);
            // Two quads at a time: their sums are independent chains, interleaved.
            while p + 8 <= items {
                let rows_a = [0, 1, 2, 3].map(|l| vecs.as_ptr().add((p + l) * d));
                let rows_b = [4, 5, 6, 7].map(|l| vecs.as_ptr().add((p + l) * d));
                let (scores_a, scores_b) = (score_quad(u, d, rows_a), score_quad(u, d, rows_b));
                let reach = (_mm256_movemask_pd(_mm256_cmp_pd::<_CMP_GE_OQ>(scores_a, threshold))
                    | (_mm256_movemask_pd(_mm256_cmp_pd::<_CMP_GE_OQ>(scores_b, threshold)) << 4)) as usize;
                let above = (_mm256_movemask_pd(_mm256_cmp_pd::<_CMP_GT_OQ>(scores_a, threshold))
                    | (_mm256_movemask_pd(_mm256_cmp_pd::<_CMP_GT_OQ>(scores_b, threshold)) << 4)) as usize;
                for l in 0..8 {
                    out[n] = (((p + l) as u16) << 1) | ((above >> l) & 1) as u16;
                    n += (reach >> l) & 1;
                }
                p += 8;
            }
            while p + 4 <= items {
                let rows = [0, 1, 2, 3].map(|l| vecs.as_ptr().add((p + l) * d));
                let scores = score_quad(u, d, rows);
                let reach = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_GE_OQ>(scores, threshold)) as usize;
                let above = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_GT_OQ>(scores, threshold)) as usize;
                for l in 0..4 {
                    out[n] = (((p + l) as u16) << 1) | ((above >> l) & 1) as u16;
                    n += (reach >> l) & 1;
                }
                p += 4;
            }
        }
        portable(u, vecs, s, out, p, n)
    }

    /// The four scores `dot(u, rows[l])`, each summed from the first term on.
    ///
    /// SAFETY: each `rows[l]` points to `d` readable values; `u.len() == d`.
    #[inline(always)]
    unsafe fn score_quad(u: &[f64], d: usize, rows: [*const f64; 4]) -> __m256d {
        let mut k = 0;
        unsafe {
            let mut acc = _mm256_setzero_pd();
            // Four dimensions at a time: load four values of each row and transpose.
            while k + 4 <= d {
                let [r0, r1, r2, r3] = rows.map(|r| _mm256_loadu_pd(r.add(k)));
                let (t0, t1) = (_mm256_unpacklo_pd(r0, r1), _mm256_unpackhi_pd(r0, r1));
                let (t2, t3) = (_mm256_unpacklo_pd(r2, r3), _mm256_unpackhi_pd(r2, r3));
                let columns = [
                    _mm256_permute2f128_pd::<0x20>(t0, t2),
                    _mm256_permute2f128_pd::<0x20>(t1, t3),
                    _mm256_permute2f128_pd::<0x31>(t0, t2),
                    _mm256_permute2f128_pd::<0x31>(t1, t3),
                ];
                for (j, c) in columns.into_iter().enumerate() {
                    acc = add_term(acc, k + j, _mm256_mul_pd(_mm256_set1_pd(*u.get_unchecked(k + j)), c));
                }
                k += 4;
            }
            // Two at a time: rows 0 and 2, 1 and 3 share a register.
            while k + 2 <= d {
                let a = _mm256_insertf128_pd::<1>(_mm256_castpd128_pd256(_mm_loadu_pd(rows[0].add(k))), _mm_loadu_pd(rows[2].add(k)));
                let b = _mm256_insertf128_pd::<1>(_mm256_castpd128_pd256(_mm_loadu_pd(rows[1].add(k))), _mm_loadu_pd(rows[3].add(k)));
                let columns = [_mm256_unpacklo_pd(a, b), _mm256_unpackhi_pd(a, b)];
                for (j, c) in columns.into_iter().enumerate() {
                    acc = add_term(acc, k + j, _mm256_mul_pd(_mm256_set1_pd(*u.get_unchecked(k + j)), c));
                }
                k += 2;
            }
            if k < d {
                let c = _mm256_set_pd(*rows[3].add(k), *rows[2].add(k), *rows[1].add(k), *rows[0].add(k));
                acc = add_term(acc, k, _mm256_mul_pd(_mm256_set1_pd(*u.get_unchecked(k)), c));
            }
            acc
        }
    }

    /// The running sum after term `k`: the first term itself, as the scalar sum (which starts
    /// from -0.0, and `-0.0 + t == t` for every `t`), then one addition per term.
    ///
    /// SAFETY: only where AVX is enabled.
    #[inline(always)]
    unsafe fn add_term(acc: __m256d, k: usize, term: __m256d) -> __m256d {
        if k == 0 { term } else { unsafe { _mm256_add_pd(acc, term) } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::Random;

    /// The reference: every position in order, compared with the scalar `dot`.
    fn reference(u: &[f64], vecs: &[f64], s: f64) -> Vec<u16> {
        vecs.chunks_exact(u.len())
            .enumerate()
            .filter_map(|(p, v)| {
                let score = dot(u, v);
                (score >= s).then_some(((p as u16) << 1) | u16::from(score > s))
            })
            .collect()
    }

    #[test]
    fn the_candidates_are_those_of_the_scalar_dot_for_every_dimension_and_length() {
        let mut rng = Random::new(5);
        let mut out = [0u16; CHUNK];
        for d in 1..=34 {
            for items in [0, 1, 3, 4, 5, 17, CHUNK] {
                let u: Vec<f64> = (0..d).map(|_| rng.get() - 0.5).collect();
                let mut vecs: Vec<f64> = (0..d * items).map(|_| rng.get() * 2.0 - 1.0).collect();
                // A few exact ties with the threshold: copies of the first vector.
                if items > 3 {
                    let first = vecs[..d].to_vec();
                    vecs[2 * d..3 * d].copy_from_slice(&first);
                }
                let s = if items > 0 { dot(&u, &vecs[..d]) } else { 0.0 };
                let n = candidates(&u, &vecs, s, &mut out);
                assert_eq!(out[..n], reference(&u, &vecs, s)[..], "d {d}, {items} items");
                let n = portable(&u, &vecs, s, &mut out, 0, 0);
                assert_eq!(out[..n], reference(&u, &vecs, s)[..], "portable, d {d}, {items} items");
            }
        }
    }

    #[test]
    fn sums_that_depend_on_the_order_match_the_scalar_dot_bit_for_bit() {
        // Terms of very different magnitudes: any other order or a fused multiply-add would
        // round differently; each candidate's threshold is its own exact score.
        let mut rng = Random::new(9);
        let mut out = [0u16; CHUNK];
        for d in [2, 5, 8, 10, 13] {
            let u: Vec<f64> = (0..d).map(|k| (rng.get() - 0.5) * 10f64.powi(k as i32 % 7 * 3)).collect();
            let vecs: Vec<f64> = (0..d * 9).map(|k| (rng.get() - 0.5) * 10f64.powi(-(k as i32 % 5) * 4)).collect();
            for (p, v) in vecs.chunks_exact(d).enumerate() {
                let s = dot(&u, v);
                let n = candidates(&u, &vecs, s, &mut out);
                assert!(out[..n].contains(&((p as u16) << 1)), "d {d}: item {p} must tie with its own score");
                assert_eq!(out[..n], reference(&u, &vecs, s)[..]);
            }
        }
    }

    #[test]
    fn nan_scores_are_never_candidates() {
        let u = [1.0, f64::NAN, 2.0];
        let vecs = [1.0; 3 * 6];
        let mut out = [0u16; CHUNK];
        assert_eq!(candidates(&u, &vecs, -1.0, &mut out), 0);
    }
}
