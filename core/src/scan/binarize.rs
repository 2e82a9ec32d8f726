//! Local (adaptive) binarization: each pixel is compared with the mean of a
//! square window around it, in O(1) per pixel from sliding window sums. This
//! copes with uneven light and low contrast, where one global threshold fails.

use super::plane::Plane;
use super::window::{box_smooth, window_sums, window_width};

/// How to turn luma into dark and light modules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threshold {
    /// Half the side of the averaging window, in pixels.
    pub radius: usize,
    /// How much darker than the local mean a pixel must be to count as dark.
    pub offset: u8,
    /// Look for light-on-dark codes: a pixel counts as "dark" (a module) when it
    /// is lighter than its surroundings.
    pub inverted: bool,
    /// Compare each pixel's mean over a (2·smooth+1)² box instead of the
    /// pixel itself (against noise); 0 compares the pixel.
    pub smooth: usize,
}

impl Threshold {
    /// A window suited to an image of this size: about an eighth of the
    /// shorter side, so a window spans several modules of a code filling a good
    /// part of the frame.
    pub fn for_size(width: usize, height: usize, offset: u8, inverted: bool) -> Self {
        let radius = (width.min(height) / 16).clamp(6, 64);
        Self {
            radius,
            offset,
            inverted,
            smooth: 0,
        }
    }
}

/// A binary image: 1 means a dark module (after inversion, if asked), 0 light.
/// One byte per pixel so that scans can read eight pixels as one word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    /// 0 or 1 per pixel, row after row.
    pub bits: Vec<u8>,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
}

impl Bitmap {
    /// The bit at (x, y); outside the image counts as light.
    #[inline]
    pub fn get(&self, x: usize, y: usize) -> bool {
        x < self.width && self.bits.get(y * self.width + x).is_some_and(|&b| b != 0)
    }

    /// The bit at the pixel nearest to (x, y); negative, NaN or outside
    /// coordinates count as light. (Adding one half and truncating rounds
    /// non-negative values without a call to libm's `round`.)
    #[inline]
    pub fn at(&self, x: f64, y: f64) -> bool {
        x >= 0.0 && y >= 0.0 && self.get((x + 0.5) as usize, (y + 0.5) as usize)
    }

    /// Clears (marks light) every pixel whose centre lies inside the convex
    /// quad, row by row: each row crosses a convex quad in one span, found
    /// from where the row meets the quad's edges.
    pub fn clear_quad(&mut self, quad: &[[f32; 2]; 4]) {
        let ys = quad.map(|p| p[1]);
        let top = ys.iter().copied().fold(f32::INFINITY, f32::min).max(0.0);
        let bottom = ys.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        if !(top.is_finite() && bottom.is_finite()) || self.width == 0 {
            return;
        }
        let first = top.ceil() as usize;
        let last = (bottom.floor().max(-1.0) as usize).min(self.height.saturating_sub(1));
        for y in first..=last {
            if (y as f32) > bottom {
                break;
            }
            let yc = y as f32;
            let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
            for (i, a) in quad.iter().enumerate() {
                let Some(b) = quad.get((i + 1) % 4) else {
                    continue;
                };
                let (y0, y1) = (a[1].min(b[1]), a[1].max(b[1]));
                if yc < y0 || yc > y1 || (y1 - y0).abs() < f32::EPSILON {
                    continue;
                }
                let x = a[0] + (b[0] - a[0]) * (yc - a[1]) / (b[1] - a[1]);
                lo = lo.min(x);
                hi = hi.max(x);
            }
            if lo > hi {
                continue;
            }
            let x0 = lo.ceil().max(0.0) as usize;
            let x1 = (hi.floor().max(-1.0) + 1.0) as usize;
            let row = y * self.width;
            if let Some(span) = self
                .bits
                .get_mut(row + x0.min(self.width)..row + x1.min(self.width))
            {
                span.fill(0);
            }
        }
    }
}

/// Binarizes a plane against local means, in the polarity `threshold` asks
/// (tests and debugging tools; the pipeline binarizes both at once).
#[cfg(test)]
pub fn binarize(plane: &Plane, threshold: Threshold) -> Bitmap {
    let [dark_on_light, light_on_dark] = binarize_both(plane, threshold);
    if threshold.inverted {
        light_on_dark
    } else {
        dark_on_light
    }
}

/// Binarizes a plane against local means in both polarities at once
/// (dark-on-light, then light-on-dark; `threshold.inverted` is ignored):
/// one set of window sums serves both.
pub fn binarize_both(plane: &Plane, threshold: Threshold) -> [Bitmap; 2] {
    if threshold.smooth == 0 {
        return binarize_pixels(plane, threshold);
    }
    // Noisy, low-contrast metal: box means of the pixels against the window
    // means of those (noise drops threefold for a 3×3 box).
    binarize_pixels(&box_smooth(plane, threshold.smooth), threshold)
}

/// Each pixel against its window's mean, from sliding window sums: a pixel is
/// dark when `(v + offset) · area < sum`, and in the light-on-dark bitmap
/// when `v · area > sum + offset · area`, exact in integers.
fn binarize_pixels(plane: &Plane, threshold: Threshold) -> [Bitmap; 2] {
    let (w, h) = (plane.width, plane.height);
    let r = threshold.radius;
    let offset = u32::from(threshold.offset);
    let widths: Vec<u32> = (0..w).map(|x| window_width(x, r, w)).collect();
    let mut dark = vec![0u8; w * h];
    let mut light = vec![0u8; w * h];
    window_sums(plane, r, |y, sums, rows| {
        let (Some(dark_row), Some(light_row), Some(row)) = (
            dark.get_mut(y * w..(y + 1) * w),
            light.get_mut(y * w..(y + 1) * w),
            plane.data.get(y * w..(y + 1) * w),
        ) else {
            return;
        };
        let cells = dark_row
            .iter_mut()
            .zip(light_row.iter_mut())
            .zip(row)
            .zip(sums.iter().zip(&widths));
        for (((d, l), &v), (&sum, &width)) in cells {
            let area = width * rows;
            *d = u8::from((u32::from(v) + offset) * area < sum);
            *l = u8::from(u32::from(v) * area > sum + offset * area);
        }
    });
    [dark, light].map(|bits| Bitmap {
        bits,
        width: w,
        height: h,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clear_quad_clears_exactly_the_pixels_inside() {
        let (w, h) = (40usize, 30usize);
        let quads = [
            [[20.0, 2.0], [33.5, 14.0], [21.0, 27.3], [6.2, 15.0]],
            [[-5.0, -5.0], [12.0, -5.0], [12.0, 8.0], [-5.0, 8.0]],
            [[30.0, 20.0], [50.0, 22.0], [48.0, 40.0], [29.0, 35.0]],
        ];
        for quad in quads {
            let mut bitmap = Bitmap {
                bits: vec![1; w * h],
                width: w,
                height: h,
            };
            bitmap.clear_quad(&quad);
            for y in 0..h {
                for x in 0..w {
                    let (px, py) = (x as f32, y as f32);
                    let inside = (0..4).all(|i| {
                        let (a, b) = (quad[i], quad[(i + 1) % 4]);
                        (b[0] - a[0]) * (py - a[1]) - (b[1] - a[1]) * (px - a[0]) >= 0.0
                    });
                    assert_eq!(bitmap.get(x, y), !inside, "{quad:?} at ({x}, {y})");
                }
            }
        }
    }

    fn gradient_with_dark_square() -> Plane {
        // A left-to-right light gradient (40..240) with a square 30 levels darker.
        let (w, h) = (64, 64);
        let mut data = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let base = 40 + (x * 200 / w) as u8;
                let dark = (40..50).contains(&x) && (20..30).contains(&y);
                data.push(if dark { base - 30 } else { base });
            }
        }
        Plane {
            data,
            width: w,
            height: h,
        }
    }

    #[test]
    fn finds_dark_square_under_gradient() {
        let plane = gradient_with_dark_square();
        let bitmap = binarize(&plane, Threshold::for_size(64, 64, 5, false));
        assert!(bitmap.get(45, 25));
        assert!(!bitmap.get(10, 10));
        assert!(!bitmap.get(60, 60));
        // A global threshold at mid-grey would call the whole left half dark;
        // away from the borders (where the window is cut off), only the square is.
        let interior_dark = (8..56)
            .flat_map(|y| (8..56).map(move |x| (x, y)))
            .filter(|&(x, y)| bitmap.get(x, y))
            .count();
        assert_eq!(interior_dark, 100);
        let global_dark = plane.data.iter().filter(|&&v| v < 128).count();
        assert!(global_dark > 1000);
    }

    #[test]
    fn window_sums_match_the_per_pixel_rule() {
        let plane = gradient_with_dark_square();
        for inverted in [false, true] {
            let t = Threshold::for_size(64, 64, 5, inverted);
            let fast = binarize(&plane, t);
            assert_eq!(fast.bits.len(), 64 * 64);
            for y in 0..64usize {
                for x in 0..64usize {
                    let (x0, x1) = (x.saturating_sub(t.radius), (x + t.radius + 1).min(64));
                    let (y0, y1) = (y.saturating_sub(t.radius), (y + t.radius + 1).min(64));
                    let mut sum = 0u32;
                    for yy in y0..y1 {
                        for xx in x0..x1 {
                            sum += u32::from(plane.data[yy * 64 + xx]);
                        }
                    }
                    let area = ((x1 - x0) * (y1 - y0)) as u32;
                    let v = u32::from(plane.data[y * 64 + x]) * area;
                    let want = if inverted {
                        v > sum + 5 * area
                    } else {
                        v + 5 * area < sum
                    };
                    assert_eq!(fast.get(x, y), want, "({x},{y}) inverted={inverted}");
                }
            }
        }
    }

    #[test]
    fn smoothing_ignores_a_lone_noisy_pixel() {
        let (w, h) = (48, 48);
        let mut data = vec![150u8; w * h];
        data[10 * w + 10] = 120; // noise
        for y in 30..36 {
            for x in 30..36 {
                data[y * w + x] = 110; // a module
            }
        }
        let plane = Plane {
            data,
            width: w,
            height: h,
        };
        let mut t = Threshold::for_size(w, h, 4, false);
        assert!(binarize(&plane, t).get(10, 10));
        t.smooth = 1;
        let smoothed = binarize(&plane, t);
        assert!(!smoothed.get(10, 10));
        assert!(smoothed.get(32, 32) && smoothed.get(33, 33));
    }

    #[test]
    fn inverted_marks_light_square() {
        let mut plane = gradient_with_dark_square();
        for v in &mut plane.data {
            *v = 255 - *v;
        }
        let bitmap = binarize(&plane, Threshold::for_size(64, 64, 5, true));
        assert!(bitmap.get(45, 25));
        assert!(!bitmap.get(10, 10));
    }
}
