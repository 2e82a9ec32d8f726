//! An owned 8-bit luma plane and the resampling the pipeline needs.

use super::LumaFrame;

/// An owned, tightly packed 8-bit luma image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plane {
    /// Pixels, row after row, `width` bytes per row.
    pub data: Vec<u8>,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
}

impl Plane {
    /// Copies a (possibly strided) frame into a packed plane. The frame must
    /// already have been checked against its stride.
    pub fn from_frame(frame: &LumaFrame<'_>) -> Self {
        let width = frame.width as usize;
        let height = frame.height as usize;
        let stride = frame.stride as usize;
        let mut data = Vec::with_capacity(width * height);
        for y in 0..height {
            let start = y * stride;
            match frame.data.get(start..start + width) {
                Some(row) => data.extend_from_slice(row),
                None => data.resize(data.len() + width, 255),
            }
        }
        Self {
            data,
            width,
            height,
        }
    }

    /// Takes a decoded image's pixels without copying them.
    pub fn from_gray(image: image::GrayImage) -> Self {
        let (width, height) = (image.width() as usize, image.height() as usize);
        Self {
            data: image.into_raw(),
            width,
            height,
        }
    }

    /// Halves both dimensions by averaging 2×2 blocks.
    pub fn half(&self) -> Self {
        let width = self.width / 2;
        let height = self.height / 2;
        let mut data = Vec::with_capacity(width * height);
        for y in 0..height {
            let r0 = self.data.get(2 * y * self.width..(2 * y + 1) * self.width);
            let r1 = self
                .data
                .get((2 * y + 1) * self.width..(2 * y + 2) * self.width);
            let (Some(r0), Some(r1)) = (r0, r1) else {
                data.resize(data.len() + width, 255);
                continue;
            };
            data.extend(
                r0.chunks_exact(2)
                    .zip(r1.chunks_exact(2))
                    .take(width)
                    .map(|(a, b)| {
                        let s: u16 = a.iter().chain(b.iter()).map(|&v| u16::from(v)).sum();
                        // Rounded mean of four pixels always fits in a byte.
                        u8::try_from((s + 2) / 4).unwrap_or(255)
                    }),
            );
        }
        Self {
            data,
            width,
            height,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_frame_honours_stride() {
        let data = [1, 2, 9, 3, 4, 9];
        let frame = LumaFrame {
            data: &data,
            width: 2,
            height: 2,
            stride: 3,
        };
        let plane = Plane::from_frame(&frame);
        assert_eq!(plane.data, vec![1, 2, 3, 4]);
    }

    #[test]
    fn half_averages_blocks() {
        let plane = Plane {
            data: vec![0, 4, 8, 8, 0, 4, 8, 8],
            width: 4,
            height: 2,
        };
        let half = plane.half();
        assert_eq!((half.width, half.height), (2, 1));
        assert_eq!(half.data, vec![2, 8]);
    }
}
