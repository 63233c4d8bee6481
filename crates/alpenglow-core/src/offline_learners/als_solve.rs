//! One half-sweep of (implicit) alternating least squares: every row of `X` solved against the
//! fixed factors `Y` (core-components.md §2.12).
//!
//! For a row with observed entries (j, r_j) and Λ = `ridge`·I (`ridge` = λ·nnz(A)):
//! * implicit (c_j = 1 + α·r_j): `(YᵀY + Σ_j (c_j − 1)·y_j y_jᵀ + Λ)·x = Σ_j c_j·y_j`, where YᵀY
//!   runs over every row of Y (computed once per half-sweep);
//! * explicit: `(Σ_j y_j y_jᵀ + Λ)·x = Σ_j r_j·y_j`;
//! * a row without entries gets x = 0.
//!
//! The system is solved exactly: an in-place Cholesky factorisation, or Gaussian elimination
//! with partial pivoting when the matrix is not numerically positive definite (λ = 0); a
//! singular system gives x = 0. Rows are solved in parallel (rayon); each row's arithmetic is
//! fixed, so the result is bit-identical for any number of threads.

use rayon::prelude::*;

use super::sparse::Csr;

/// What a half-sweep solves.
#[derive(Debug, Clone, Copy)]
pub struct Solve {
    pub implicit: bool,
    pub alpha: f64,
    /// The diagonal ridge λ·nnz(A).
    pub ridge: f64,
}

/// `YᵀY` (d × d, row-major, symmetric) over every row of `y`, in row order.
pub fn gram(y: &[f64], d: usize) -> Vec<f64> {
    let mut g = vec![0.0; d * d];
    for row in y.chunks_exact(d) {
        for a in 0..d {
            let ya = row[a];
            let ga = &mut g[a * d..a * d + a + 1];
            for (gab, &yb) in ga.iter_mut().zip(&row[..=a]) {
                *gab += ya * yb;
            }
        }
    }
    mirror_lower(&mut g, d);
    g
}

fn mirror_lower(m: &mut [f64], d: usize) {
    for a in 0..d {
        for b in a + 1..d {
            m[a * d + b] = m[b * d + a];
        }
    }
}

/// Per-thread buffers of a row solve.
struct Scratch {
    m: Vec<f64>,
    l: Vec<f64>,
    b: Vec<f64>,
    /// The lower triangle of `Σ_j w_j y_j y_jᵀ`, packed.
    packed: Vec<f64>,
}

impl Scratch {
    fn new(d: usize) -> Self {
        Scratch { m: vec![0.0; d * d], l: vec![0.0; d * d], b: vec![0.0; d], packed: vec![0.0; d * (d + 1) / 2] }
    }
}

/// Largest table of precomputed outer products (bytes).
const OUTER_LIMIT: usize = 256 << 20;

/// The lower triangles of `y_j y_jᵀ` for every row j of `y`, packed (`(a, b)`, b ≤ a, at
/// `a(a+1)/2 + b`), when they fit in `OUTER_LIMIT` and there are more entries than rows (each
/// is then reused); `None` otherwise.
fn outer_products(y: &[f64], d: usize, nnz: usize) -> Option<Vec<f64>> {
    let t = d * (d + 1) / 2;
    let rows = y.len() / d;
    let len = rows.checked_mul(t)?;
    if len.checked_mul(8)? > OUTER_LIMIT || nnz < rows {
        return None;
    }
    let mut out = Vec::new();
    out.try_reserve_exact(len).ok()?;
    for row in y.chunks_exact(d) {
        for a in 0..d {
            out.extend(row[..=a].iter().map(|&yb| row[a] * yb));
        }
    }
    Some(out)
}

/// Solves every row of `x` (`x.len() / d` rows; row r uses `a.row(r)`) against `y`.
pub fn solve_rows(x: &mut [f64], y: &[f64], a: &Csr, d: usize, s: Solve) {
    let g = if s.implicit { Some(gram(y, d)) } else { None };
    let outer = outer_products(y, d, a.nnz());
    let fixed = Fixed { y, d, s, g: g.as_deref(), outer: outer.as_deref() };
    x.par_chunks_mut(d).enumerate().for_each_init(|| Scratch::new(d), |scratch, (r, out)| fixed.solve_row(out, a.row(r), scratch));
}

/// What every row solve of a half-sweep shares.
struct Fixed<'a> {
    y: &'a [f64],
    d: usize,
    s: Solve,
    g: Option<&'a [f64]>,
    outer: Option<&'a [f64]>,
}

impl Fixed<'_> {
    /// One row, with AVX2 where the processor has it: the same multiplications and additions
    /// in the same order on 4 lanes (no fused multiply-add), so the result is bit-identical.
    fn solve_row(&self, out: &mut [f64], row: (&[u32], &[f64]), sc: &mut Scratch) {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor supports AVX2 (checked just above).
            return unsafe { self.solve_row_avx2(out, row, sc) };
        }
        self.solve_row_portable(out, row, sc)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn solve_row_avx2(&self, out: &mut [f64], row: (&[u32], &[f64]), sc: &mut Scratch) {
        self.solve_row_portable(out, row, sc)
    }

    #[inline(always)]
    fn solve_row_portable(&self, out: &mut [f64], (cols, vals): (&[u32], &[f64]), sc: &mut Scratch) {
        let (d, s) = (self.d, self.s);
        if cols.is_empty() {
            out.fill(0.0);
            return;
        }
        let Scratch { m, l, b, packed } = sc;
        packed.fill(0.0);
        b.fill(0.0);
        let t = packed.len();
        for (&j, &r) in cols.iter().zip(vals) {
            let j = j as usize;
            let yj = &self.y[j * d..(j + 1) * d];
            let (w, c) = if s.implicit { let c = 1.0 + s.alpha * r; (c - 1.0, c) } else { (1.0, r) };
            match self.outer {
                Some(outer) => {
                    for (p, &o) in packed.iter_mut().zip(&outer[j * t..(j + 1) * t]) {
                        *p += w * o;
                    }
                }
                None => {
                    let mut k = 0;
                    for a in 0..d {
                        for &yb in &yj[..=a] {
                            packed[k] += w * (yj[a] * yb);
                            k += 1;
                        }
                    }
                }
            }
            for (ba, &ya) in b.iter_mut().zip(yj) {
                *ba += c * ya;
            }
        }
        let mut k = 0;
        for a in 0..d {
            for bb in 0..=a {
                m[a * d + bb] = self.g.map_or(0.0, |g| g[a * d + bb]) + packed[k];
                k += 1;
            }
        }
        solve_system(m, l, b, out, d, s.ridge);
    }
}

fn solve_system(m: &mut [f64], l: &mut [f64], b: &[f64], out: &mut [f64], d: usize, ridge: f64) {
    for a in 0..d {
        m[a * d + a] += ridge;
    }
    mirror_lower(m, d);
    if !cholesky_solve(m, l, b, out, d) && !lu_solve(m, b, out, d) {
        out.fill(0.0);
    }
}

/// Solves `m·x = b` by Cholesky (lower factor in `l`); false if `m` is not numerically
/// positive definite.
pub fn cholesky_solve(m: &[f64], l: &mut [f64], b: &[f64], x: &mut [f64], d: usize) -> bool {
    for j in 0..d {
        let mut s = m[j * d + j];
        for k in 0..j {
            s -= l[j * d + k] * l[j * d + k];
        }
        if !(s > 0.0) || !s.is_finite() {
            return false;
        }
        let ljj = s.sqrt();
        l[j * d + j] = ljj;
        for i in j + 1..d {
            let mut s = m[i * d + j];
            for k in 0..j {
                s -= l[i * d + k] * l[j * d + k];
            }
            l[i * d + j] = s / ljj;
        }
    }
    for i in 0..d {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * d + k] * x[k];
        }
        x[i] = s / l[i * d + i];
    }
    for i in (0..d).rev() {
        let mut s = x[i];
        for k in i + 1..d {
            s -= l[k * d + i] * x[k];
        }
        x[i] = s / l[i * d + i];
    }
    x.iter().all(|v| v.is_finite())
}

/// Solves `m·x = b` by Gaussian elimination with partial pivoting (first largest pivot);
/// false if `m` is singular.
pub fn lu_solve(m: &[f64], b: &[f64], x: &mut [f64], d: usize) -> bool {
    let mut a = m.to_vec();
    let mut rhs = b.to_vec();
    for col in 0..d {
        let mut p = col;
        for r in col + 1..d {
            if a[r * d + col].abs() > a[p * d + col].abs() {
                p = r;
            }
        }
        let pivot = a[p * d + col];
        if pivot == 0.0 || !pivot.is_finite() {
            return false;
        }
        if p != col {
            for k in 0..d {
                a.swap(p * d + k, col * d + k);
            }
            rhs.swap(p, col);
        }
        for r in col + 1..d {
            let f = a[r * d + col] / pivot;
            if f != 0.0 {
                for k in col..d {
                    a[r * d + k] -= f * a[col * d + k];
                }
                rhs[r] -= f * rhs[col];
            }
        }
    }
    for i in (0..d).rev() {
        let mut s = rhs[i];
        for k in i + 1..d {
            s -= a[i * d + k] * x[k];
        }
        x[i] = s / a[i * d + i];
    }
    x.iter().all(|v| v.is_finite())
}
