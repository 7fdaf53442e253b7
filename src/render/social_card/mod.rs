//! Social cards: the OpenGraph image of each note, a 1200×630 PNG. The theme's template
//! `og_image.svg` draws it (title, date, tags, site name, and the size chart of a note about
//! a model); [`paint`] draws what such templates write, resvg anything else. Each card is
//! kept in the site's cache under the hash of its SVG: a build paints only the cards whose
//! SVG is new, and copies the rest. The cache also knows which SVG each card's template
//! inputs gave ([`Inputs`]), so that a build renders no SVG for a card whose inputs it saw.

mod canvas;
mod paint;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::FxHashMap;

use resvg::{tiny_skia, usvg};

use crate::error::{Diagnostic, Kind};
use crate::fonts::{FONT_FAMILY, Fonts};
use crate::output::cache::{self, FileCache};
use crate::site::Site;

/// The theme's template of a card.
pub const TEMPLATE: &str = "og_image.svg";
/// Cards larger than this a side are refused: a template's typo must not allocate gigabytes.
const MAX_SIDE: u32 = 4096;

/// A card: its file in the cache, which the output may link to rather than copy (10,000
/// cards are 390 MB), or one just painted.
pub enum Png {
    Cached(PathBuf),
    Painted(Vec<u8>),
}

/// Paints cards, and keeps them between runs in a cache folder.
pub struct CardStore {
    cache: FileCache,
    fonts: Arc<Fonts>,
    glyphs: paint::Glyphs,
    /// resvg's copy of the built-in and site fonts, made when a card needs resvg.
    fontdb: OnceLock<Arc<usvg::fontdb::Database>>,
    inputs: Inputs,
}

/// For each card's template inputs (a hash of its context and the theme's fingerprint), the
/// hash of the SVG they gave: on a build with a warm cache, rendering each card's SVG only to
/// find its name was most of the cards' cost (0.8 s of CPU at 10,000 notes). Read from the
/// cache folder's [`INPUTS_FILE`] when a card first asks (a build without cards does not);
/// what this run used is written back by `prune`.
struct Inputs {
    dir: Option<PathBuf>,
    known: OnceLock<FxHashMap<u64, u64>>,
    used: Mutex<FxHashMap<u64, u64>>,
}

/// In the cards' cache folder: a line per card, `INPUTS SVG` (two 16-digit hashes).
const INPUTS_FILE: &str = "inputs.txt";

impl Inputs {
    fn new(dir: Option<PathBuf>) -> Inputs {
        Inputs {
            dir,
            known: OnceLock::new(),
            used: Mutex::default(),
        }
    }

    /// The SVG the previous run's `inputs` gave.
    fn known(&self, inputs: u64) -> Option<u64> {
        let known = self.known.get_or_init(|| {
            let text = self
                .dir
                .as_ref()
                .and_then(|d| std::fs::read_to_string(d.join(INPUTS_FILE)).ok())
                .unwrap_or_default();
            text.lines()
                .filter_map(|line| {
                    let (inputs, svg) = line.split_once(' ')?;
                    Some((hex(inputs)?, hex(svg)?))
                })
                .collect()
        });
        known.get(&inputs).copied()
    }

    /// That this run used `inputs`, which gave `svg`.
    fn record(&self, inputs: u64, svg: u64) {
        self.used
            .lock()
            .expect("no panics while held")
            .insert(inputs, svg);
    }

    /// What this run used, as [`INPUTS_FILE`] holds it.
    fn text(&self) -> String {
        let used = self.used.lock().expect("no panics while held");
        let mut lines: Vec<String> = used
            .iter()
            .map(|(inputs, svg)| format!("{inputs:016x} {svg:016x}\n"))
            .collect();
        lines.sort_unstable();
        lines.concat()
    }
}

fn hex(key: &str) -> Option<u64> {
    cache::is_key(key).then(|| u64::from_str_radix(key, 16).ok())?
}

impl CardStore {
    /// `dir`: `None` paints every card (no site folder to keep them in).
    pub fn new(dir: Option<PathBuf>, fonts: Arc<Fonts>) -> CardStore {
        CardStore {
            inputs: Inputs::new(dir.clone()),
            cache: FileCache::new(dir),
            fonts,
            glyphs: paint::Glyphs::default(),
            fontdb: OnceLock::new(),
        }
    }

    /// The PNG of a card's SVG: from the cache when it was painted before, else painted and
    /// kept. `inputs`: the hash of what the card's template read to write `svg`, remembered
    /// for [`CardStore::known`].
    pub fn card(&self, svg: &str, inputs: Option<&str>) -> Result<Png, String> {
        let key = cache_key(svg);
        if let (Some(inputs), Some(svg)) = (inputs.and_then(hex), hex(&key)) {
            self.inputs.record(inputs, svg);
        }
        let name = format!("{key}.png");
        if let Some(file) = self.cache.find(&name, is_png) {
            return Ok(Png::Cached(file));
        }
        let png = self.paint(svg)?;
        self.cache.keep(&name, &png);
        Ok(Png::Painted(png))
    }

    /// The cached PNG of the card whose template inputs hash to `inputs` (see
    /// [`CardStore::card`]), when a build has seen them and the PNG is still kept.
    pub fn known(&self, inputs: &str) -> Option<PathBuf> {
        let inputs = hex(inputs)?;
        let svg = self.inputs.known(inputs)?;
        let file = self.cache.find(&format!("{svg:016x}.png"), is_png)?;
        self.inputs.record(inputs, svg);
        Some(file)
    }

    /// The bytes of [`CardStore::card`].
    pub fn png(&self, svg: &str) -> Result<Vec<u8>, String> {
        match self.card(svg, None)? {
            Png::Cached(file) => {
                std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))
            }
            Png::Painted(png) => Ok(png),
        }
    }

    /// Removes the cached cards this run did not use, and keeps which inputs gave the others.
    /// Returns how many it removed.
    pub fn prune(&self) -> usize {
        self.cache.keep(INPUTS_FILE, self.inputs.text().as_bytes());
        self.cache
            .prune(|name| name.strip_suffix(".png").is_some_and(cache::is_key))
    }

    fn fontdb(&self) -> Arc<usvg::fontdb::Database> {
        Arc::clone(self.fontdb.get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            for data in self.fonts.files() {
                db.load_font_data(data.bytes().to_vec());
            }
            db.set_sans_serif_family(FONT_FAMILY);
            Arc::new(db)
        }))
    }

    /// SVG → pixels → PNG.
    fn paint(&self, svg: &str) -> Result<Vec<u8>, String> {
        let png = match paint::paint(svg, &self.fonts, &self.glyphs, MAX_SIDE) {
            Some(Ok(paint::Painted::Indexed(canvas, palette))) => {
                let data = Pixels::Indexed(palette, &canvas.indices);
                write_png(canvas.width, canvas.height, data)
            }
            Some(Ok(paint::Painted::Rgba(pixmap))) => encode(&pixmap),
            Some(Err(e)) => return Err(e),
            None => encode(&self.paint_with_resvg(svg)?),
        };
        png.map_err(|e| e.to_string())
    }

    /// What the fast painter does not draw (a site's own template may draw anything).
    fn paint_with_resvg(&self, svg: &str) -> Result<tiny_skia::Pixmap, String> {
        let options = usvg::Options {
            font_family: FONT_FAMILY.to_string(),
            fontdb: self.fontdb(),
            ..usvg::Options::default()
        };
        let tree = usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
        let size = tree.size().to_int_size();
        let (width, height) = (size.width(), size.height());
        if width > MAX_SIDE || height > MAX_SIDE {
            return Err(format!(
                "the card is {width}×{height} pixels; at most {MAX_SIDE} a side (1200×630 is what sites show)"
            ));
        }
        let mut pixmap = tiny_skia::Pixmap::new(width, height)
            .ok_or_else(|| "the card has no width or height".to_string())?;
        resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
        Ok(pixmap)
    }
}

/// A warning for each note whose card shows characters no font has (they are left out of
/// the card, never drawn as boxes), naming them and `card_fonts`.
pub fn font_warnings(site: &Site, fonts: &Fonts) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // Every title and description, looked up glyph by glyph: 40 ms at 10,000 notes on one
    // core, before any page is written.
    site.notes
        .par_iter()
        .enumerate()
        .filter(|&(id, _)| site.has_social_card(id))
        .filter_map(|(_, note)| {
            let text = format!(
                "{} {}",
                note.title,
                note.description.as_deref().unwrap_or_default()
            );
            let missing = fonts.missing(&text);
            if missing.is_empty() {
                return None;
            }
            let shown: String = missing
                .iter()
                .take(12)
                .map(|c| format!("{c} (U+{:04X}) ", *c as u32))
                .collect();
            Some(
                Diagnostic::new(
                    Kind::Font,
                    &note.source,
                    format!("no font has these characters of its social card, left out of it: {}", shown.trim_end()),
                )
                .hint("name a font file that has them in wisdom.toml, e.g. card_fonts = [\"fonts/NotoSansCJK-Bold.otf\"], or install one on this machine"),
            )
        })
        .collect()
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// How cards are painted and written: part of every PNG's key, and of the template inputs'
/// (`Renderer::card_inputs`), so that a new resvg (or a new way of drawing or of writing
/// the PNG) paints the cards again rather than finding the old ones through `inputs.txt`.
pub const PAINTER: &[u8] = b"resvg 0.49, coverage in 5 steps, zlib 3\n";

/// The hash of the SVG and of [`PAINTER`].
fn cache_key(svg: &str) -> String {
    cache::key(&[PAINTER, svg.as_bytes()])
}

/// Whether the file starts as a PNG does (a cache file cut short by a crash may not).
fn is_png(file: &Path) -> bool {
    use std::io::Read;
    let mut start = [0; 8];
    std::fs::File::open(file)
        .and_then(|mut f| f.read_exact(&mut start))
        .is_ok()
        && start.as_slice() == PNG_SIGNATURE
}

/// PNG, zlib's level 3 and no filter. A card is flat colours and antialiased text: the
/// default card has 14 colours, so it is written with a palette, half a byte a pixel.
/// Measured on 200 of the benchmark's cards (zlib-rs): level 3 makes 18.3 KB in 0.70 ms,
/// fdeflate's fast mode 25.8 KB in 0.36 ms, level 2 19.6 KB in 0.52 ms, level 6 16.7 KB in
/// 1.85 ms; PNG's row filters only add to a palette's bytes (Up: 21.4 KB at level 2). Cards
/// of more colours are written a byte a pixel, or as RGB, or RGBA when not opaque.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let pixels = pixmap.pixels();
    let indexed = indexed(pixmap.data(), pixmap.width() as usize);
    let opaque = || pixels.iter().all(|p| p.alpha() == u8::MAX);
    let data = match &indexed {
        Some((palette, indices)) => Pixels::Indexed(palette.clone(), indices),
        None if opaque() => Pixels::Rgb(
            pixels
                .iter()
                .flat_map(|p| [p.red(), p.green(), p.blue()])
                .collect(),
        ),
        None => Pixels::Rgba(
            pixels
                .iter()
                .flat_map(|p| {
                    let c = p.demultiply();
                    [c.red(), c.green(), c.blue(), c.alpha()]
                })
                .collect(),
        ),
    };
    write_png(pixmap.width(), pixmap.height(), data)
}

/// A card's pixels as the PNG holds them.
enum Pixels<'a> {
    /// A palette of RGB triples, and an index a pixel.
    Indexed(Vec<u8>, &'a [u8]),
    Rgb(Vec<u8>),
    Rgba(Vec<u8>),
}

fn write_png(width: u32, height: u32, pixels: Pixels) -> Result<Vec<u8>, png::EncodingError> {
    use png::{BitDepth, ColorType};
    let packed;
    let (color, depth, data, palette) = match pixels {
        Pixels::Indexed(palette, indices) if palette.len() <= 16 * 3 => {
            packed = nibbles(indices, width as usize);
            (
                ColorType::Indexed,
                BitDepth::Four,
                packed.as_slice(),
                Some(palette),
            )
        }
        Pixels::Indexed(palette, indices) => {
            (ColorType::Indexed, BitDepth::Eight, indices, Some(palette))
        }
        Pixels::Rgb(ref rgb) => (ColorType::Rgb, BitDepth::Eight, rgb.as_slice(), None),
        Pixels::Rgba(ref rgba) => (ColorType::Rgba, BitDepth::Eight, rgba.as_slice(), None),
    };
    let mut out = Vec::with_capacity(data.len() / 16);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(color);
    encoder.set_depth(depth);
    encoder.set_deflate_compression(png::DeflateCompression::Level(3));
    encoder.set_filter(png::Filter::NoFilter);
    if let Some(palette) = palette {
        encoder.set_palette(palette);
    }
    let mut writer = encoder.write_header()?;
    writer.write_image_data(data)?;
    writer.finish()?;
    Ok(out)
}

/// Indices below 16, two to a byte, each row starting on a byte. Eight indices are packed at
/// a time in a `u64` (0.07 ms a card, where a byte at a time took 0.35).
fn nibbles(indices: &[u8], width: usize) -> Vec<u8> {
    const LOW_BYTES: u64 = 0x00ff_00ff_00ff_00ff;
    let width = width.max(1);
    let row_bytes = width.div_ceil(2);
    let mut packed = vec![0; row_bytes * indices.len().div_ceil(width)];
    for (row, out) in indices
        .chunks(width)
        .zip(packed.chunks_exact_mut(row_bytes))
    {
        let eights = row.chunks_exact(8);
        let rest = eights.remainder();
        let (words, tail) = out.split_at_mut(row.len() / 8 * 4);
        for (word, eight) in words.chunks_exact_mut(4).zip(eights) {
            let x = u64::from_le_bytes(eight.try_into().expect("eight bytes"));
            // Each 16-bit lane's low byte: its first index then its second.
            let pairs = ((x & LOW_BYTES) << 4) | ((x >> 8) & LOW_BYTES);
            let near = pairs | (pairs >> 8);
            let packed = (near & 0xffff) | ((near >> 16) & 0xffff_0000);
            word.copy_from_slice(&(packed as u32).to_le_bytes());
        }
        let pairs = rest.chunks_exact(2);
        if let [last] = pairs.remainder() {
            tail[tail.len() - 1] = last << 4;
        }
        for (byte, pair) in tail.iter_mut().zip(pairs) {
            *byte = pair[0] << 4 | pair[1];
        }
    }
    packed
}

/// The pixels (RGBA) as a palette of at most 256 colours (RGB triples) and an index a
/// pixel, or `None` when they have more colours or are not all opaque. Pixels are compared as one word
/// and runs of one colour, most of a card, looked up once.
fn indexed(rgba: &[u8], width: usize) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut palette: Vec<u8> = Vec::with_capacity(256 * 3);
    let mut index: rustc_hash::FxHashMap<u32, u8> = Default::default();
    let mut indices = Vec::with_capacity(rgba.len() / 4);
    let mut last: Option<(u32, u8)> = None;
    let mut previous: &[u8] = &[];
    for row in rgba.chunks(width.max(1) * 4) {
        // A row like the one above (margins, the space between lines): its indices again.
        if row == previous {
            let start = indices.len() - width;
            indices.extend_from_within(start..);
            continue;
        }
        previous = row;
        // Four pixels of the last colour, compared at once: a row is mostly runs.
        let mut run = [0u8; 16];
        let mut blocks = row.chunks_exact(16);
        for block in &mut blocks {
            if let Some((_, i)) = last
                && block == run
            {
                indices.extend_from_slice(&[i; 4]);
                continue;
            }
            for p in block.chunks_exact(4) {
                let i = pixel_index(p, &mut last, &mut index, &mut palette)?;
                indices.push(i);
            }
            for k in 0..4 {
                run[k * 4..k * 4 + 4].copy_from_slice(&block[12..16]);
            }
        }
        for p in blocks.remainder().chunks_exact(4) {
            let i = pixel_index(p, &mut last, &mut index, &mut palette)?;
            indices.push(i);
        }
    }
    Some((palette, indices))
}

/// A pixel's index in the palette (added when new); `None` past 256 colours or for a pixel
/// that is not opaque.
#[inline]
fn pixel_index(
    p: &[u8],
    last: &mut Option<(u32, u8)>,
    index: &mut rustc_hash::FxHashMap<u32, u8>,
    palette: &mut Vec<u8>,
) -> Option<u8> {
    let word = u32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
    if let Some((w, i)) = *last
        && w == word
    {
        return Some(i);
    }
    let i = match index.get(&word) {
        Some(&i) => i,
        None => {
            if p[3] != u8::MAX {
                return None;
            }
            let i = u8::try_from(index.len()).ok()?;
            index.insert(word, i);
            palette.extend_from_slice(&p[..3]);
            i
        }
    };
    *last = Some((word, i));
    Some(i)
}

#[cfg(test)]
mod tests;
