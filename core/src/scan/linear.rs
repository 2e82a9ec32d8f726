//! Small dense linear systems (a few dozen unknowns: kernel taps, light
//! models), solved directly.

/// Solves the `n`×`n` system `a x = b` (row-major) by Gaussian elimination
/// with partial pivoting; None when it is singular.
pub fn solve(mut a: Vec<f64>, mut b: Vec<f64>, n: usize) -> Option<Vec<f64>> {
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| {
            let ai = a.get(i * n + col).copied().unwrap_or(0.0).abs();
            let aj = a.get(j * n + col).copied().unwrap_or(0.0).abs();
            ai.total_cmp(&aj)
        })?;
        if a.get(pivot * n + col)?.abs() < 1e-9 {
            return None;
        }
        for k in 0..n {
            a.swap(col * n + k, pivot * n + k);
        }
        b.swap(col, pivot);
        let p = *a.get(col * n + col)?;
        for row in col + 1..n {
            let f = a.get(row * n + col)? / p;
            for k in col..n {
                let v = a.get(col * n + k)? * f;
                *a.get_mut(row * n + k)? -= v;
            }
            let v = b.get(col)? * f;
            *b.get_mut(row)? -= v;
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let mut s = *b.get(row)?;
        for k in row + 1..n {
            s -= a.get(row * n + k)? * x.get(k)?;
        }
        *x.get_mut(row)? = s / a.get(row * n + row)?;
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_refuses_singular_systems() {
        // 2x + y = 5, x + 3y = 10.
        let x = solve(vec![2.0, 1.0, 1.0, 3.0], vec![5.0, 10.0], 2).unwrap();
        assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] - 3.0).abs() < 1e-12);
        assert!(solve(vec![1.0, 2.0, 2.0, 4.0], vec![1.0, 2.0], 2).is_none());
    }
}
