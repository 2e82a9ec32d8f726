//! A located code as its pixels see it, for reading codes too blurred to
//! sample one point per module. Each pixel is modelled as
//!
//! ```text
//! luma(p) = light(p) − contrast(p) · Σ_cells a_p(cell) · darkness(cell)
//! ```
//!
//! where `a_p` is how much of each module cell the point-spread function
//! (`blur`) brings into pixel `p`, `darkness` is 1 for a dark module and 0
//! for a light one, and the contrast is a cubic polynomial over the code;
//! the light is one too for ranking placements, and for reading a surface
//! blended bilinearly between knots four modules apart (uneven light, a
//! glare spot; see `Observations::set_flexible_light`). Pixels the sensor
//! clipped are left out. Fitting every pixel at once, with the
//! function patterns and a quiet-zone ring known, recovers modules that a
//! blur of two or three modules has mixed with their neighbours: the
//! darkness of each unknown module is solved for by bounded least squares
//! (projected Gauss-Seidel on the normal equations), alternating with a
//! linear fit of the light and contrast.

use super::blur::Psf;
use super::homography::{dist, ModuleMap};
use super::linear::solve;
use super::plane::Plane;

/// Quiet-zone cells modelled on each side of the code, known light.
pub const RING: usize = 3;
/// The most pixels modelled (the model is for small codes: a version-4 code
/// at 4 pixels per module and its ring, turned 45°, is about 80 000).
const MAX_PIXELS: usize = 90_000;
/// The most module cells one pixel's own area covers (more means modules
/// under a pixel: too small to model).
const MAX_COVER: usize = 6;
/// Sub-module samples per pixel of module pitch along each axis (half a
/// pixel apart: measured, 1.45, under 1/√2 pixel apart, lost a hallmark).
const SAMPLES_PER_PIXEL: f64 = 2.0;
/// Pixel values the sensor may have clipped (a glare spot saturates; the
/// modules under it are not seen): such pixels are left out of the model.
const CLIPPED: [u8; 4] = [0, 1, 254, 255];
/// Spacing of the flexible light's knots, modules, and how strongly
/// neighbouring knots are held together (a share of the pixels per knot):
/// measured on the true-corner reads of `set_flexible_light`, spacings of
/// 3, 4 and 5 modules read 9, 11 and 7; a smoothing of 0.01, 0.03 and 0.1
/// read 10, 11 and 9.
const KNOT_SPACING: f64 = 4.0;
const KNOT_SMOOTHING: f64 = 0.03;
/// Terms of the cubic light and contrast polynomials.
const BASIS: usize = 10;
/// The light and contrast are fitted to every this-many-th observed pixel.
const LIGHT_STEP: usize = 3;
/// Gauss-Seidel sweeps per solve at most, and the change in any module's
/// darkness under which the sweeps stop.
const MAX_SWEEPS: usize = 60;
const SETTLED: f32 = 2e-3;

/// The sharp geometry of a placed code: which cells each pixel of its
/// bounding box covers, shared by every point-spread function tried.
#[derive(Debug, Clone)]
pub struct Region {
    /// The bounding box's top-left pixel in the plane, and its size.
    origin: [usize; 2],
    width: usize,
    height: usize,
    /// Cells per side: the code and its ring.
    side: usize,
    /// Per box pixel: the cells its area covers and their shares, summing
    /// to 1; empty where the pixel is not wholly inside the model.
    cover: Vec<Cover>,
    /// Per box pixel: the light polynomial's terms at its place.
    basis: Vec<[f32; BASIS]>,
    /// Per box pixel: the module coordinates (column, row) at its centre.
    coords: Vec<[f32; 2]>,
    /// Per box pixel: its luma, dark modules low whatever the polarity;
    /// NaN where the sensor clipped (see [`CLIPPED`]).
    luma: Vec<f32>,
}

/// The cells one pixel's area covers, and their shares.
#[derive(Debug, Clone, Copy, Default)]
struct Cover {
    /// Cells in use; [`OVERFLOW`] when more than [`MAX_COVER`] were seen.
    len: u8,
    cells: [u32; MAX_COVER],
    shares: [f32; MAX_COVER],
}

/// [`Cover::len`] of a pixel covering too many cells to model.
const OVERFLOW: u8 = u8::MAX;

impl Cover {
    /// Adds one sample of `cell`.
    fn add(&mut self, cell: u32) {
        if self.len == OVERFLOW {
            return;
        }
        let n = usize::from(self.len);
        let cells = self.cells.get(..n).unwrap_or(&[]);
        match cells.iter().position(|&c| c == cell) {
            Some(k) => {
                if let Some(s) = self.shares.get_mut(k) {
                    *s += 1.0;
                }
            }
            None if n < MAX_COVER => {
                if let (Some(c), Some(s)) = (self.cells.get_mut(n), self.shares.get_mut(n)) {
                    (*c, *s) = (cell, 1.0);
                }
                self.len += 1;
            }
            None => self.len = OVERFLOW,
        }
    }

    /// The cells and shares in use (none on overflow).
    fn entries(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        let n = if self.len == OVERFLOW {
            0
        } else {
            usize::from(self.len)
        };
        self.cells
            .iter()
            .zip(&self.shares)
            .take(n)
            .map(|(&c, &s)| (c, s))
    }
}

/// One point-spread function's view of a region: per observed pixel, the
/// cells it sees and their weights.
#[derive(Debug, Clone)]
pub struct Observations {
    side: usize,
    /// Row `k` holds entries `starts[k]..starts[k + 1]`.
    starts: Vec<usize>,
    cells: Vec<u32>,
    weights: Vec<f32>,
    luma: Vec<f32>,
    basis: Vec<[f32; BASIS]>,
    /// Each observed pixel's place in the plane.
    pixels: Vec<[u32; 2]>,
    /// Each observed pixel's module coordinates (column, row).
    coords: Vec<[f32; 2]>,
    /// The widest spread, in cells, between two cells one pixel sees.
    reach: usize,
    /// Light on a grid of knots (see [`Observations::set_flexible_light`])
    /// rather than a cubic.
    flexible_light: bool,
}

impl Region {
    /// The region of a code of `size` modules placed by `map` in `plane`
    /// (`inverted`: light modules on a dark ground); None when it reaches
    /// outside the plane, is too large to model or its modules are smaller
    /// than half a pixel.
    pub fn new(plane: &Plane, inverted: bool, map: &impl ModuleMap, size: usize) -> Option<Self> {
        let side = size + 2 * RING;
        let ring = RING as f64;
        // The box: the ring's outline, sampled every cell (bows bend it).
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        let edge = side as f64;
        for k in 0..=side {
            let t = k as f64;
            for [u, v] in [[t, 0.0], [t, edge], [0.0, t], [edge, t]] {
                let [x, y] = map.map([u - ring, v - ring]);
                if !x.is_finite() || !y.is_finite() {
                    return None;
                }
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            }
        }
        if x0 < 0.0 || y0 < 0.0 || x1 >= plane.width as f64 || y1 >= plane.height as f64 {
            return None;
        }
        let (bx, by) = (x0.floor() as usize, y0.floor() as usize);
        let (width, height) = (x1.ceil() as usize + 1 - bx, y1.ceil() as usize + 1 - by);
        if width * height > MAX_PIXELS {
            return None;
        }
        // Pixels per module along the code's sides.
        let pitch = dist(map.map([0.0, 0.0]), map.map([size as f64, 0.0]))
            .max(dist(map.map([0.0, 0.0]), map.map([0.0, size as f64])))
            / size as f64;
        if pitch.is_nan() || pitch < 0.5 {
            return None;
        }
        // Splat sub-module samples onto pixels.
        let per_side = ((SAMPLES_PER_PIXEL * pitch).ceil() as usize).clamp(2, 16);
        let step = 1.0 / per_side as f64;
        let mut cover = vec![Cover::default(); width * height];
        let mut places = vec![[0.0f64; 3]; width * height];
        for cell in 0..side * side {
            let (r, c) = ((cell / side) as f64 - ring, (cell % side) as f64 - ring);
            for a in 0..per_side {
                for b in 0..per_side {
                    let (u, v) = (c + (b as f64 + 0.5) * step, r + (a as f64 + 0.5) * step);
                    let [x, y] = map.map([u, v]);
                    let (px, py) = ((x + 0.5).floor() - bx as f64, (y + 0.5).floor() - by as f64);
                    if !(px >= 0.0 && py >= 0.0 && px < width as f64 && py < height as f64) {
                        continue;
                    }
                    let i = py as usize * width + px as usize;
                    if let Some(entry) = cover.get_mut(i) {
                        entry.add(cell as u32);
                    }
                    if let Some(p) = places.get_mut(i) {
                        *p = [p[0] + u, p[1] + v, p[2] + 1.0];
                    }
                }
            }
        }
        // A pixel is wholly inside when it and its eight neighbours got
        // samples; the others are left out.
        let sampled: Vec<bool> = cover.iter().map(|e| e.len > 0).collect();
        let was = |x: isize, y: isize| -> bool {
            x >= 0
                && y >= 0
                && (x as usize) < width
                && (y as usize) < height
                && sampled.get(y as usize * width + x as usize) == Some(&true)
        };
        let half = size as f64 / 2.0;
        let mut basis = vec![[0.0f32; BASIS]; width * height];
        let mut coords = vec![[0.0f32; 2]; width * height];
        let mut luma = vec![0.0f32; width * height];
        for i in 0..width * height {
            let (x, y) = ((i % width) as isize, (i / width) as isize);
            let inside = (-1..=1).all(|dy| (-1..=1).all(|dx| was(x + dx, y + dy)));
            if let Some(entry) = cover.get_mut(i) {
                if inside && entry.len != OVERFLOW {
                    let total: f32 = entry.shares.iter().take(usize::from(entry.len)).sum();
                    entry.shares.iter_mut().for_each(|s| *s /= total);
                } else {
                    *entry = Cover::default();
                }
            }
            if let (Some(p), Some(slot), Some(at)) =
                (places.get(i), basis.get_mut(i), coords.get_mut(i))
            {
                if p[2] > 0.0 {
                    let (u, v) = (p[0] / p[2], p[1] / p[2]);
                    *slot = terms((u - half) / half, (v - half) / half);
                    *at = [u as f32, v as f32];
                }
            }
            let value = plane
                .data
                .get((by + y as usize) * plane.width + bx + x as usize)
                .copied()
                .unwrap_or(0);
            if let Some(slot) = luma.get_mut(i) {
                *slot = if CLIPPED.contains(&value) {
                    f32::NAN
                } else {
                    f32::from(if inverted { 255 - value } else { value })
                };
            }
        }
        Some(Self {
            origin: [bx, by],
            width,
            height,
            side,
            cover,
            basis,
            coords,
            luma,
        })
    }

    /// Cells per side of the code and its ring.
    pub fn side(&self) -> usize {
        self.side
    }

    /// The pixels `psf` lets the model see, every `stride`-th along each
    /// axis; with `only_known`, only pixels that see nothing but cells
    /// `known` (for scoring a point-spread function before solving).
    pub fn observe(&self, psf: &Psf, stride: usize, known: Option<&[Option<f32>]>) -> Observations {
        let stride = stride.max(1);
        let mut out = Observations {
            side: self.side,
            starts: vec![0],
            cells: Vec::new(),
            weights: Vec::new(),
            luma: Vec::new(),
            basis: Vec::new(),
            pixels: Vec::new(),
            coords: Vec::new(),
            reach: 0,
            flexible_light: false,
        };
        let mut scratch = vec![0.0f32; self.side * self.side];
        let mut touched: Vec<u32> = Vec::new();
        let r = psf.radius() as usize;
        // Strides count from the plane's origin, so that two regions of one
        // plane sample the same pixels.
        let first =
            |from: usize, origin: usize| from + (stride - (origin + from) % stride) % stride;
        let (fy, fx) = (first(r, self.origin[1]), first(r, self.origin[0]));
        for y in (fy..self.height.saturating_sub(r)).step_by(stride) {
            'pixel: for x in (fx..self.width.saturating_sub(r)).step_by(stride) {
                for &c in &touched {
                    if let Some(s) = scratch.get_mut(c as usize) {
                        *s = 0.0;
                    }
                }
                touched.clear();
                // The pixel sees what blur brings from (x, y) − offset.
                for &(dx, dy, w) in psf.taps() {
                    let (sx, sy) = (x as isize - dx as isize, y as isize - dy as isize);
                    let Some(list) = self.cover.get(sy as usize * self.width + sx as usize) else {
                        continue 'pixel;
                    };
                    if list.len == 0 || list.len == OVERFLOW {
                        continue 'pixel;
                    }
                    for (c, share) in list.entries() {
                        if let Some(k) = known {
                            if k.get(c as usize).copied().flatten().is_none() {
                                continue 'pixel;
                            }
                        }
                        if let Some(s) = scratch.get_mut(c as usize) {
                            if *s == 0.0 {
                                touched.push(c);
                            }
                            *s += w * share;
                        }
                    }
                }
                let i = y * self.width + x;
                let (Some(&luma), Some(&basis)) = (self.luma.get(i), self.basis.get(i)) else {
                    continue;
                };
                if luma.is_nan() {
                    continue;
                }
                let (mut lo_r, mut hi_r, mut lo_c, mut hi_c) = (usize::MAX, 0, usize::MAX, 0);
                for &c in &touched {
                    let (cr, cc) = (c as usize / self.side, c as usize % self.side);
                    (lo_r, hi_r, lo_c, hi_c) =
                        (lo_r.min(cr), hi_r.max(cr), lo_c.min(cc), hi_c.max(cc));
                    out.cells.push(c);
                    out.weights
                        .push(scratch.get(c as usize).copied().unwrap_or(0.0));
                }
                out.reach = out
                    .reach
                    .max(hi_r.saturating_sub(lo_r))
                    .max(hi_c.saturating_sub(lo_c));
                out.starts.push(out.cells.len());
                out.luma.push(luma);
                out.basis.push(basis);
                out.pixels
                    .push([(self.origin[0] + x) as u32, (self.origin[1] + y) as u32]);
                out.coords
                    .push(self.coords.get(i).copied().unwrap_or([0.0; 2]));
            }
        }
        out
    }
}

/// The cubic polynomial's terms at normalised code coordinates (u, v).
fn terms(u: f64, v: f64) -> [f32; BASIS] {
    let (u, v) = (u as f32, v as f32);
    [
        1.0,
        u,
        v,
        u * u,
        u * v,
        v * v,
        u * u * u,
        u * u * v,
        u * v * v,
        v * v * v,
    ]
}

impl Observations {
    /// Observed pixels.
    pub fn len(&self) -> usize {
        self.luma.len()
    }

    /// The cells and weights pixel `k` sees.
    fn row(&self, k: usize) -> impl Iterator<Item = (usize, f32)> + '_ {
        let (a, b) = (
            self.starts.get(k).copied().unwrap_or(0),
            self.starts.get(k + 1).copied().unwrap_or(0),
        );
        let cells = self.cells.get(a..b).unwrap_or(&[]);
        let weights = self.weights.get(a..b).unwrap_or(&[]);
        cells.iter().zip(weights).map(|(&c, &w)| (c as usize, w))
    }

    /// Each observed pixel's place in the plane.
    pub fn pixels(&self) -> &[[u32; 2]] {
        &self.pixels
    }

    /// Each observed pixel's module coordinates (column, row).
    pub fn coords(&self) -> &[[f32; 2]] {
        &self.coords
    }

    /// Each observed pixel's luma (dark modules low).
    pub fn luma(&self) -> &[f32] {
        &self.luma
    }

    /// Each pixel's blurred darkness under `darkness`.
    pub fn blurred(&self, darkness: &[f32]) -> Vec<f32> {
        (0..self.len())
            .map(|k| {
                self.row(k)
                    .map(|(c, w)| w * darkness.get(c).copied().unwrap_or(0.0))
                    .sum()
            })
            .collect()
    }

    /// Models the light on a grid of knots [`KNOT_SPACING`] modules apart,
    /// blended bilinearly (the contrast stays cubic): a glare spot or a
    /// light falling off across a small code is more than a cubic can
    /// follow, and the modules under it read wrong. Measured on the 18
    /// hallmarks of a fresh set that read nowhere else when placed at
    /// their true corners: 3 read with a cubic light, 11 with knots. Its
    /// freedom also lets wrong placements fit better, so placements are
    /// still ranked under the cubic (see `model_read`).
    pub fn set_flexible_light(&mut self, on: bool) {
        self.flexible_light = on;
    }

    /// Fits light and contrast to `blurred` (luma = light − contrast ·
    /// blurred); per pixel, the light and contrast, or None when singular.
    pub fn fit_light(&self, blurred: &[f32]) -> Option<Vec<(f32, f32)>> {
        if !self.flexible_light {
            return self.fit_light_cubic(blurred);
        }
        let side = self.side as f64;
        let per_axis = ((side / KNOT_SPACING).round() as usize).max(1) + 1;
        let gap = side / (per_axis - 1) as f64;
        let knots = per_axis * per_axis;
        let n = knots + BASIS;
        // The four knots around a pixel and their bilinear weights.
        let hat = |at: [f32; 2]| -> [(usize, f64); 4] {
            let u =
                ((f64::from(at[0]) + RING as f64) / gap).clamp(0.0, (per_axis - 1) as f64 - 1e-9);
            let v =
                ((f64::from(at[1]) + RING as f64) / gap).clamp(0.0, (per_axis - 1) as f64 - 1e-9);
            let (i, j) = (u.floor() as usize, v.floor() as usize);
            let (fu, fv) = (u - i as f64, v - j as f64);
            [
                (j * per_axis + i, (1.0 - fu) * (1.0 - fv)),
                (j * per_axis + i + 1, fu * (1.0 - fv)),
                ((j + 1) * per_axis + i, (1.0 - fu) * fv),
                ((j + 1) * per_axis + i + 1, fu * fv),
            ]
        };
        let mut ata = vec![0.0f64; n * n];
        let mut atb = vec![0.0f64; n];
        let mut row: Vec<(usize, f64)> = Vec::with_capacity(4 + BASIS);
        let mut used = 0usize;
        let pixels = self
            .basis
            .iter()
            .zip(&self.coords)
            .zip(blurred)
            .zip(&self.luma);
        for (((t, &at), &z), &y) in pixels.step_by(LIGHT_STEP) {
            row.clear();
            row.extend(hat(at));
            row.extend(
                t.iter()
                    .enumerate()
                    .map(|(k, &term)| (knots + k, -f64::from(term) * f64::from(z))),
            );
            used += 1;
            for &(a, ra) in &row {
                if let Some(v) = atb.get_mut(a) {
                    *v += ra * f64::from(y);
                }
                for &(b, rb) in &row {
                    if let Some(v) = ata.get_mut(a * n + b) {
                        *v += ra * rb;
                    }
                }
            }
        }
        // Neighbouring knots held together (knots few pixels see follow
        // their neighbours).
        let lambda = KNOT_SMOOTHING * used as f64 / knots as f64;
        for j in 0..per_axis {
            for i in 0..per_axis {
                let a = j * per_axis + i;
                for b in [
                    (i + 1 < per_axis).then_some(a + 1),
                    (j + 1 < per_axis).then_some(a + per_axis),
                ]
                .into_iter()
                .flatten()
                {
                    for (x, y, w) in [
                        (a, a, lambda),
                        (b, b, lambda),
                        (a, b, -lambda),
                        (b, a, -lambda),
                    ] {
                        if let Some(v) = ata.get_mut(x * n + y) {
                            *v += w;
                        }
                    }
                }
            }
        }
        let coef = solve(ata, atb, n)?;
        Some(
            self.basis
                .iter()
                .zip(&self.coords)
                .map(|(t, &at)| {
                    let light: f64 = hat(at)
                        .iter()
                        .map(|&(k, w)| w * coef.get(k).copied().unwrap_or(0.0))
                        .sum();
                    let contrast: f32 = t
                        .iter()
                        .enumerate()
                        .map(|(k, &x)| x * coef.get(knots + k).copied().unwrap_or(0.0) as f32)
                        .sum();
                    (light as f32, contrast)
                })
                .collect(),
        )
    }

    /// [`Observations::fit_light`] with the light a cubic polynomial.
    fn fit_light_cubic(&self, blurred: &[f32]) -> Option<Vec<(f32, f32)>> {
        let n = 2 * BASIS;
        let mut ata = vec![0.0f64; n * n];
        let mut atb = vec![0.0f64; n];
        let mut row = [0.0f64; 2 * BASIS];
        // Light varies slowly: every few pixels fit it as well as all.
        let pixels = self.basis.iter().zip(blurred).zip(&self.luma);
        for ((t, &z), &y) in pixels.step_by(LIGHT_STEP) {
            for (k, slot) in row.iter_mut().enumerate() {
                let term = f64::from(t.get(k % BASIS).copied().unwrap_or(0.0));
                *slot = if k < BASIS {
                    term
                } else {
                    -term * f64::from(z)
                };
            }
            for (a, ra) in row.iter().enumerate() {
                if let Some(v) = atb.get_mut(a) {
                    *v += ra * f64::from(y);
                }
                for (b, rb) in row.iter().enumerate().skip(a) {
                    if let Some(v) = ata.get_mut(a * n + b) {
                        *v += ra * rb;
                    }
                }
            }
        }
        for a in 0..n {
            for b in 0..a {
                let v = ata.get(b * n + a).copied().unwrap_or(0.0);
                if let Some(slot) = ata.get_mut(a * n + b) {
                    *slot = v;
                }
            }
        }
        let coef = solve(ata, atb, n)?;
        let eval = |t: &[f32; BASIS], off: usize| -> f32 {
            t.iter()
                .enumerate()
                .map(|(k, &x)| x * coef.get(off + k).copied().unwrap_or(0.0) as f32)
                .sum()
        };
        Some(
            self.basis
                .iter()
                .map(|t| (eval(t, 0), eval(t, BASIS)))
                .collect(),
        )
    }

    /// The residual's root mean square.
    fn rms(&self, blurred: &[f32], light: &[(f32, f32)]) -> f64 {
        if self.len() == 0 {
            return f64::INFINITY;
        }
        let sum: f64 = self
            .luma
            .iter()
            .zip(blurred)
            .zip(light)
            .map(|((&y, &z), &(o, g))| f64::from(o - g * z - y).powi(2))
            .sum();
        (sum / self.len() as f64).sqrt()
    }

    /// How well cells whose darkness is all `known` explain the pixels (the
    /// light fitted, nothing solved): the residual's root mean square and
    /// the mean contrast fitted (negative for the wrong polarity). Scores a
    /// point-spread function, and a placement.
    pub fn known_fit(&self, known: &[Option<f32>]) -> (f64, f64) {
        let darkness: Vec<f32> = known.iter().map(|k| k.unwrap_or(0.5)).collect();
        let blurred = self.blurred(&darkness);
        match self.fit_light(&blurred) {
            Some(light) if self.len() > 0 => {
                let contrast =
                    light.iter().map(|l| f64::from(l.1)).sum::<f64>() / self.len() as f64;
                (self.rms(&blurred, &light), contrast)
            }
            _ => (f64::INFINITY, 0.0),
        }
    }

    /// Fits darkness and light over `rounds` alternations, from `start` (or
    /// known cells as known and the rest undecided); known cells stay fixed.
    /// Returns the darkness of every cell of the code and its ring, row
    /// after row.
    pub fn fit(
        &self,
        known: &[Option<f32>],
        start: Option<&[f32]>,
        rounds: usize,
    ) -> Option<Vec<f32>> {
        let cells = self.side * self.side;
        let mut darkness: Vec<f32> = match start {
            Some(s) if s.len() == cells => s.to_vec(),
            _ => vec![0.5; cells],
        };
        for (d, k) in darkness.iter_mut().zip(known) {
            if let Some(k) = k {
                *d = *k;
            }
        }
        for _ in 0..rounds {
            let blurred = self.blurred(&darkness);
            let light = self.fit_light(&blurred)?;
            self.solve_darkness(&light, known, &mut darkness);
        }
        Some(darkness)
    }

    /// The residual's root mean square under `darkness`, the light fitted.
    pub fn residual(&self, darkness: &[f32]) -> f64 {
        let blurred = self.blurred(darkness);
        match self.fit_light(&blurred) {
            Some(light) => self.rms(&blurred, &light),
            None => f64::INFINITY,
        }
    }

    /// Bounded least squares for the unknown cells' darkness in [0, 1] with
    /// light and contrast fixed: projected Gauss-Seidel over the normal
    /// equations.
    fn solve_darkness(&self, light: &[(f32, f32)], known: &[Option<f32>], darkness: &mut [f32]) {
        let normal = Normal::new(self, light, known);
        let mut padded = normal.pad(darkness);
        for _ in 0..MAX_SWEEPS {
            let mut moved = 0.0f32;
            for a in normal.unknown() {
                let own = normal.own(a);
                if own <= 1e-6 {
                    continue;
                }
                let all = normal.product(a, &padded);
                let Some(d) = padded.get_mut(normal.padded_index(a)) else {
                    continue;
                };
                let others = all - own * *d;
                let value = ((normal.rhs(a) - others) / own).clamp(0.0, 1.0);
                moved = moved.max((value - *d).abs());
                *d = value;
            }
            if moved < SETTLED {
                break;
            }
        }
        normal.unpad(&padded, darkness);
    }
}

/// The normal equations of the darkness of the unknown cells with light and
/// contrast fixed, stored as a band of neighbouring cells (`reach` each
/// way), and the cells' darkness kept in a grid padded by `reach` all round
/// so that every band row is one contiguous slice.
struct Normal {
    side: usize,
    reach: usize,
    /// Band width along each axis: 2 · reach + 1.
    width: usize,
    coupling: Vec<f32>,
    rhs: Vec<f32>,
    unknown: Vec<usize>,
}

impl Normal {
    fn new(seen: &Observations, light: &[(f32, f32)], known: &[Option<f32>]) -> Self {
        let side = seen.side;
        let reach = seen.reach;
        let width = 2 * reach + 1;
        let band = width * width;
        let cells = side * side;
        let is_known = |a: usize| known.get(a).copied().flatten().is_some();
        let mut coupling = vec![0.0f32; cells * band];
        let mut rhs = vec![0.0f32; cells];
        // Per pixel: each cell seen, its row and column, its weight times
        // the local contrast.
        let mut row: Vec<(usize, usize, usize, f32)> = Vec::new();
        for (k, (&(o, g), &y)) in light.iter().zip(&seen.luma).enumerate() {
            row.clear();
            row.extend(seen.row(k).map(|(c, w)| (c, c / side, c % side, g * w)));
            for &(a, ar, ac, ga) in &row {
                // Known cells are never solved for: their own rows of the
                // normal equations are not needed.
                if is_known(a) {
                    continue;
                }
                if let Some(v) = rhs.get_mut(a) {
                    *v += ga * (o - y);
                }
                let Some(band_row) = coupling.get_mut(a * band..(a + 1) * band) else {
                    continue;
                };
                for &(_, br, bc, gb) in &row {
                    // Within `reach` by construction of `reach`.
                    let at = (br + reach - ar) * width + (bc + reach - ac);
                    if let Some(slot) = band_row.get_mut(at) {
                        *slot += ga * gb;
                    }
                }
            }
        }
        Self {
            side,
            reach,
            width,
            coupling,
            rhs,
            unknown: (0..cells).filter(|&a| !is_known(a)).collect(),
        }
    }

    /// The cells solved for.
    fn unknown(&self) -> impl Iterator<Item = usize> + '_ {
        self.unknown.iter().copied()
    }

    fn padded_side(&self) -> usize {
        self.side + 2 * self.reach
    }

    fn padded_index(&self, a: usize) -> usize {
        (a / self.side + self.reach) * self.padded_side() + a % self.side + self.reach
    }

    fn pad(&self, darkness: &[f32]) -> Vec<f32> {
        let mut padded = vec![0.0f32; self.padded_side() * self.padded_side()];
        for (a, &d) in darkness.iter().enumerate() {
            if let Some(slot) = padded.get_mut(self.padded_index(a)) {
                *slot = d;
            }
        }
        padded
    }

    fn unpad(&self, padded: &[f32], darkness: &mut [f32]) {
        for (a, d) in darkness.iter_mut().enumerate() {
            if let Some(&v) = padded.get(self.padded_index(a)) {
                *d = v;
            }
        }
    }

    fn band(&self, a: usize) -> &[f32] {
        let band = self.width * self.width;
        self.coupling.get(a * band..(a + 1) * band).unwrap_or(&[])
    }

    /// Cell `a`'s own coefficient.
    fn own(&self, a: usize) -> f32 {
        let band = self.band(a);
        band.get(band.len() / 2).copied().unwrap_or(0.0)
    }

    fn rhs(&self, a: usize) -> f32 {
        self.rhs.get(a).copied().unwrap_or(0.0)
    }

    /// Row `a` of the normal matrix times the padded darkness.
    fn product(&self, a: usize, padded: &[f32]) -> f32 {
        let (ar, ac) = (a / self.side, a % self.side);
        let padded_side = self.padded_side();
        let mut all = 0.0f32;
        for (dr, weights) in self.band(a).chunks_exact(self.width).enumerate() {
            let start = (ar + dr) * padded_side + ac;
            if let Some(values) = padded.get(start..start + self.width) {
                all += weights.iter().zip(values).map(|(w, v)| w * v).sum::<f32>();
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::blur::Psf;
    use crate::scan::test_render::render;

    /// A version-1 pattern's known cells with the ring (light) and the rest
    /// unknown; the code itself all light except finders.
    fn known_of(side: usize, size: usize) -> Vec<Option<f32>> {
        let layout = crate::scan::qr_layout::Layout::new(size).unwrap();
        (0..side * side)
            .map(|cell| {
                let (r, c) = (cell / side, cell % side);
                if r < RING || c < RING || r >= size + RING || c >= size + RING {
                    return Some(0.0);
                }
                let i = (r - RING) * size + (c - RING);
                layout.pattern(i).map(|d| f32::from(u8::from(d)))
            })
            .collect()
    }

    #[test]
    fn recovers_modules_through_a_known_blur() {
        // A 21-module grid of random-looking modules at 3 px per module,
        // blurred along rows by a 7-pixel streak.
        let size = 21;
        let layout = crate::scan::qr_layout::Layout::new(size).unwrap();
        let dark = |r: usize, c: usize| -> bool {
            layout
                .pattern(r * size + c)
                .unwrap_or((r * 7 + c * 13 + r * c) % 5 < 2)
        };
        let psf = Psf::motion(7.0, 0.0);
        let image = render(&dark, size, 3, RING + 2, &psf, 30.0);
        let region = Region::new(&image.plane, false, &image.map, size).unwrap();
        let known = known_of(region.side(), size);
        let side = region.side();
        let wrong_under = |p: &Psf| {
            let fit = region.observe(p, 1, None).fit(&known, None, 3).unwrap();
            (0..size * size)
                .filter(|&i| {
                    let (r, c) = (i / size, i % size);
                    (fit[(r + RING) * side + c + RING] > 0.5) != dark(r, c)
                })
                .count()
        };
        assert_eq!(wrong_under(&psf), 0);
        // Modelled without the blur, the same pixels read wrong.
        assert!(wrong_under(&Psf::sharp()) > 20);
        // Known cells alone already tell the streak from no blur.
        let known_only = |p: &Psf| region.observe(p, 1, Some(&known)).known_fit(&known).0;
        assert!(known_only(&psf) < known_only(&Psf::sharp()));
    }

    #[test]
    fn follows_a_glare_spot_with_flexible_light() {
        // A hallmark at 3 px per module, defocused by half a module, under a
        // bright spot 4 modules wide that clips at its core.
        let (size, dark, mut image) =
            crate::scan::test_render::render_hallmark(3, RING + 2, &Psf::gaussian(1.5), 0.0);
        let spot = image.map.map([12.0, 16.0]);
        let width = image.plane.width;
        for (i, v) in image.plane.data.iter_mut().enumerate() {
            let (x, y) = ((i % width) as f64, (i / width) as f64);
            let d2 = (x - spot[0]).powi(2) + (y - spot[1]).powi(2);
            *v = (f64::from(*v) + 180.0 * (-d2 / (2.0 * 12.0f64.powi(2))).exp()).min(255.0) as u8;
        }
        let region = Region::new(&image.plane, false, &image.map, size).unwrap();
        let side = region.side();
        let known = known_of(side, size);
        let wrong_with = |flexible: bool| {
            let mut seen = region.observe(&Psf::gaussian(1.5), 1, None);
            seen.set_flexible_light(flexible);
            let fit = seen.fit(&known, None, 4).unwrap();
            (0..size * size)
                .filter(|&i| (fit[(i / size + RING) * side + i % size + RING] > 0.5) != dark[i])
                .count()
        };
        // The clipped core is left out of the model.
        let clipped = image.plane.data.iter().filter(|&&v| v == 255).count();
        let seen = region.observe(&Psf::sharp(), 1, None);
        assert!(clipped > 20 && seen.luma().iter().all(|v| v.is_finite() && *v < 254.0));
        let (cubic, flexible) = (wrong_with(false), wrong_with(true));
        assert!(
            cubic > 40,
            "the cubic light must fail for this test to mean anything: {cubic}"
        );
        assert!(
            flexible * 3 < cubic,
            "{flexible} wrong with knots, {cubic} with a cubic"
        );
    }
}
