//! What the fast painter draws on. A card is a few flat colours and their blends with the
//! edges of text, so it is first drawn as a palette and a byte a pixel ([`Indexed`]), which
//! the PNG is written from as it is: painting RGBA and then finding its palette cost 2.5 ms
//! of a card's 3.4 (a twelfth of the bytes to write, and each edge pixel's colour worked
//! out once a card rather than once a pixel). A card that needs more than a palette holds
//! is drawn again on a [`Pixmap`].

use resvg::tiny_skia::{self, Pixmap, PremultipliedColorU8};
use rustc_hash::FxHashMap;

/// Coverage of a shape or glyph (0–255 a pixel), and where its top left sits.
pub struct Coverage {
    pub data: Vec<u8>,
    pub width: i32,
    pub height: i32,
    pub left: i32,
    pub top: i32,
}

impl Coverage {
    /// A rectangle wholly covered.
    fn solid(width: i32, height: i32) -> Coverage {
        Coverage {
            data: vec![255; (width.max(0) * height.max(0)) as usize],
            width,
            height,
            left: 0,
            top: 0,
        }
    }
}

/// Where the painter draws. Each call returns `None` when this canvas cannot hold the result.
pub trait Canvas {
    /// `color` over the pixels, weighted by `coverage` placed with its top left at `x`, `y`.
    fn blend(&mut self, coverage: &Coverage, x: i32, y: i32, color: tiny_skia::Color)
    -> Option<()>;

    /// `color` over the whole pixels from `x0`, `y0` to before `x1`, `y1`.
    fn fill(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, color: tiny_skia::Color) -> Option<()>;
}

/// The part of a `width` × `height` canvas that a box of `w` × `h` at `x`, `y` covers: its
/// first and last-plus-one column and row within the box.
fn clip(size: (i32, i32), x: i32, y: i32, w: i32, h: i32) -> Option<(i32, i32, i32, i32)> {
    let (col0, col1) = ((-x).max(0), w.min(size.0 - x));
    let (row0, row1) = ((-y).max(0), h.min(size.1 - y));
    (col0 < col1 && row0 < row1).then_some((col0, col1, row0, row1))
}

/// `src` (premultiplied) at `coverage` over `dst`.
#[inline]
fn mix(dst: [u8; 4], src: [u8; 4], coverage: u8) -> [u8; 4] {
    let cov = u32::from(coverage);
    let keep = 255 - div255(u32::from(src[3]) * cov);
    let mut out = [0; 4];
    for k in 0..4 {
        out[k] =
            (div255(u32::from(src[k]) * cov) + div255(u32::from(dst[k]) * keep)).min(255) as u8;
    }
    out
}

/// `v / 255`, rounded.
fn div255(v: u32) -> u32 {
    (v + 127) / 255
}

fn premultiplied(color: tiny_skia::Color) -> [u8; 4] {
    let c = color.premultiply().to_color_u8();
    [c.red(), c.green(), c.blue(), c.alpha()]
}

impl Canvas for Pixmap {
    fn blend(
        &mut self,
        coverage: &Coverage,
        x: i32,
        y: i32,
        color: tiny_skia::Color,
    ) -> Option<()> {
        let size = (self.width() as i32, self.height() as i32);
        let Some((col0, col1, row0, row1)) = clip(size, x, y, coverage.width, coverage.height)
        else {
            return Some(());
        };
        let src = premultiplied(color);
        let pixels = self.pixels_mut();
        for row in row0..row1 {
            let cov =
                &coverage.data[(row * coverage.width) as usize..][col0 as usize..col1 as usize];
            let start = ((y + row) * size.0 + x + col0) as usize;
            for (&c, dst) in cov.iter().zip(&mut pixels[start..start + cov.len()]) {
                let d = [dst.red(), dst.green(), dst.blue(), dst.alpha()];
                let out = match c {
                    0 => continue,
                    255 if src[3] == 255 => src,
                    _ => mix(d, src, c),
                };
                *dst = PremultipliedColorU8::from_rgba(out[0], out[1], out[2], out[3])?;
            }
        }
        Some(())
    }

    fn fill(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, color: tiny_skia::Color) -> Option<()> {
        self.blend(&Coverage::solid(x1 - x0, y1 - y0), x0, y0, color)
    }
}

/// A palette of at most 256 colours (premultiplied RGBA; the first is transparent, as a new
/// canvas is) and an index a pixel.
pub struct Indexed {
    pub width: u32,
    pub height: u32,
    pub indices: Vec<u8>,
    palette: Palette,
    blends: Blends,
    /// An opaque fill has covered the whole canvas: every pixel is opaque from then on (a
    /// blend over an opaque pixel is opaque), so no pixel need be looked at to know it.
    covered: bool,
}

impl Indexed {
    pub fn new(width: u32, height: u32) -> Indexed {
        let mut palette = Palette::default();
        palette.index_of([0; 4]);
        Indexed {
            width,
            height,
            indices: vec![0; width as usize * height as usize],
            palette,
            blends: Blends::default(),
            covered: false,
        }
    }

    /// The palette as RGB triples, when every colour a pixel has is opaque. The few colours
    /// that are not (the transparent one a canvas starts as) are looked for one at a time:
    /// a search for one byte is many times faster than marking the colour of each pixel.
    pub fn opaque_palette(&self) -> Option<Vec<u8>> {
        let mut rgb = Vec::with_capacity(self.palette.colors.len() * 3);
        for (i, c) in self.palette.colors.iter().enumerate() {
            if c[3] != 255 && !self.covered && self.indices.contains(&(i as u8)) {
                return None;
            }
            rgb.extend_from_slice(&c[..3]);
        }
        Some(rgb)
    }

    /// The same pixels as RGBA.
    #[cfg(test)]
    pub fn to_pixmap(&self) -> Pixmap {
        let mut pixmap = Pixmap::new(self.width, self.height).expect("not empty");
        for (p, &i) in pixmap.pixels_mut().iter_mut().zip(&self.indices) {
            let [r, g, b, a] = self.palette.colors[usize::from(i)];
            *p = PremultipliedColorU8::from_rgba(r, g, b, a).expect("premultiplied");
        }
        pixmap
    }
}

#[derive(Default)]
struct Palette {
    colors: Vec<[u8; 4]>,
    lookup: FxHashMap<[u8; 4], u8>,
}

impl Palette {
    fn index_of(&mut self, color: [u8; 4]) -> Option<u8> {
        if let Some(&i) = self.lookup.get(&color) {
            return Some(i);
        }
        let i = u8::try_from(self.colors.len()).ok()?;
        self.colors.push(color);
        self.lookup.insert(color, i);
        Some(i)
    }

    /// The index of `src` at coverage `cov` over index `under`, remembered in `blends`.
    #[inline]
    fn blended(&mut self, blends: &mut Vec<u16>, src: [u8; 4], under: u8, cov: u8) -> Option<u8> {
        let at = usize::from(under) << 8 | usize::from(cov);
        if at >= blends.len() {
            blends.resize((usize::from(under) + 1) << 8, u16::MAX);
        }
        let known = &mut blends[at];
        if *known == u16::MAX {
            let i = self.index_of(mix(self.colors[usize::from(under)], src, cov))?;
            *known = u16::from(i);
        }
        Some(*known as u8)
    }
}

/// For each colour drawn with: what it gives over each index at each coverage (at index ×
/// 256 + coverage; `u16::MAX` until first needed), as far as the largest index it was drawn
/// over (a card draws with a handful of colours over a handful: 8 KB a colour, where a table
/// of every index took 128 KB to fill).
#[derive(Default)]
struct Blends(Vec<([u8; 4], Vec<u16>)>);

impl Blends {
    fn of(&mut self, src: [u8; 4]) -> &mut Vec<u16> {
        let k = match self.0.iter().position(|(c, _)| *c == src) {
            Some(k) => k,
            None => {
                self.0.push((src, Vec::new()));
                self.0.len() - 1
            }
        };
        &mut self.0[k].1
    }
}

impl Canvas for Indexed {
    fn blend(
        &mut self,
        coverage: &Coverage,
        x: i32,
        y: i32,
        color: tiny_skia::Color,
    ) -> Option<()> {
        let size = (self.width as i32, self.height as i32);
        let Some((col0, col1, row0, row1)) = clip(size, x, y, coverage.width, coverage.height)
        else {
            return Some(());
        };
        let src = premultiplied(color);
        let solid = match src[3] {
            255 => Some(self.palette.index_of(src)?),
            _ => None,
        };
        let blends = self.blends.of(src);
        for row in row0..row1 {
            let cov =
                &coverage.data[(row * coverage.width) as usize..][col0 as usize..col1 as usize];
            let start = ((y + row) * size.0 + x + col0) as usize;
            for (&c, pixel) in cov.iter().zip(&mut self.indices[start..start + cov.len()]) {
                *pixel = match (c, solid) {
                    (0, _) => continue,
                    (255, Some(i)) => i,
                    _ => self.palette.blended(blends, src, *pixel, c)?,
                };
            }
        }
        Some(())
    }

    fn fill(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, color: tiny_skia::Color) -> Option<()> {
        let src = premultiplied(color);
        if src[3] != 255 {
            return self.blend(&Coverage::solid(x1 - x0, y1 - y0), x0, y0, color);
        }
        let size = (self.width as i32, self.height as i32);
        let Some((col0, col1, row0, row1)) = clip(size, x0, y0, x1 - x0, y1 - y0) else {
            return Some(());
        };
        let i = self.palette.index_of(src)?;
        self.covered |= x0 <= 0 && y0 <= 0 && x1 >= size.0 && y1 >= size.1;
        for row in row0..row1 {
            let start = ((y0 + row) * size.0 + x0 + col0) as usize;
            self.indices[start..start + (col1 - col0) as usize].fill(i);
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> Coverage {
        Coverage {
            data: vec![0, 64, 128, 255],
            width: 2,
            height: 2,
            left: 0,
            top: 0,
        }
    }

    #[test]
    fn both_canvases_blend_alike() {
        let mut pixmap = Pixmap::new(4, 3).unwrap();
        let mut indexed = Indexed::new(4, 3);
        let red = tiny_skia::Color::from_rgba8(200, 20, 20, 255);
        let veil = tiny_skia::Color::from_rgba8(0, 0, 255, 128);
        let white = tiny_skia::Color::WHITE;
        for canvas in [&mut pixmap as &mut dyn Canvas, &mut indexed] {
            canvas.fill(0, 0, 4, 3, white).unwrap();
            canvas.blend(&square(), 1, 1, red).unwrap();
            canvas.blend(&square(), -1, -1, veil).unwrap();
            canvas.fill(3, 0, 9, 9, veil).unwrap();
        }
        let from_palette: Vec<[u8; 4]> = indexed
            .indices
            .iter()
            .map(|&i| indexed.palette.colors[usize::from(i)])
            .collect();
        let from_pixmap: Vec<[u8; 4]> = pixmap
            .pixels()
            .iter()
            .map(|p| [p.red(), p.green(), p.blue(), p.alpha()])
            .collect();
        assert_eq!(from_palette, from_pixmap);
        assert!(indexed.opaque_palette().is_some());
    }

    #[test]
    fn a_full_palette_or_a_transparent_pixel_is_told() {
        let mut indexed = Indexed::new(300, 1);
        assert_eq!(
            indexed.opaque_palette(),
            None,
            "a new canvas is transparent"
        );
        let white = tiny_skia::Color::WHITE;
        let veil = tiny_skia::Color::from_rgba8(200, 0, 0, 100);
        indexed.fill(0, 0, 299, 1, white).unwrap();
        assert_eq!(
            indexed.opaque_palette(),
            None,
            "one pixel is still transparent"
        );
        indexed.fill(-5, -1, 400, 2, white).unwrap();
        indexed.blend(&square(), 0, 0, veil).unwrap();
        assert!(
            indexed.opaque_palette().is_some(),
            "covered by an opaque fill, then blended over: opaque"
        );
        let mut indexed = Indexed::new(300, 1);
        let mut result = Some(());
        for x in 0..300 {
            let gray = tiny_skia::Color::from_rgba8(x as u8, (x / 256) as u8, 0, 255);
            result = result.and(indexed.fill(x, 0, x + 1, 1, gray));
        }
        assert_eq!(result, None, "300 colours do not fit a palette");
    }
}
