//! The fonts social cards are drawn with: the built-in DejaVu Sans, then the font files a
//! site names in `card_fonts`, then the system's fonts, each character taken from the first
//! that has it (DejaVu has no Chinese, Japanese, Arabic or Devanagari). Shared by the
//! templates (`wrap_text` measures a card's lines) and the card painter, so it sits below
//! both.

mod system;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::error::{Diagnostic, Kind};
use crate::layout::{CONFIG_FILE, stays_inside};

/// The family the built-in fonts answer to (the default of a card's text).
pub const FONT_FAMILY: &str = "DejaVu Sans";

// DejaVu Sans (Bitstream Vera license, see FONT-LICENSE): built in so that a card looks the
// same on every machine; about 1.4 MB of the binary. Statics, not consts: a const is copied
// into each codegen unit that uses it, and the binary then held them twice.
pub static REGULAR: &[u8] = include_bytes!("DejaVuSans.ttf");
pub static BOLD: &[u8] = include_bytes!("DejaVuSans-Bold.ttf");

/// A font file's bytes: built in, or read once and shared.
#[derive(Clone)]
pub enum Data {
    BuiltIn(&'static [u8]),
    Read(Arc<Vec<u8>>),
    /// A system font file, mapped: a CJK collection is 20-27 MB, of which a card touches
    /// the tables and the few glyphs it draws (read whole, two of them were 40 MB of a
    /// 3,000-note build's 63 MB peak).
    Mapped(Arc<memmap2::Mmap>),
}

impl Data {
    pub fn bytes(&self) -> &[u8] {
        match self {
            Data::BuiltIn(b) => b,
            Data::Read(b) => b,
            Data::Mapped(m) => m,
        }
    }
}

/// One face of a font file, with what shaping it needs made once.
pub struct Face {
    pub data: Data,
    pub index: u32,
    pub bold: bool,
    /// The characters it maps, as sorted inclusive ranges (asked for every character).
    ranges: Vec<(u32, u32)>,
    shaping: OnceLock<harfrust::ShaperData>,
}

impl Face {
    fn new(data: Data, index: u32) -> Option<Face> {
        let font = FontRef::from_index(data.bytes(), index).ok()?;
        let bold = font.attributes().weight.value() >= 600.0;
        let ranges = ranges(&font);
        Some(Face {
            data,
            index,
            bold,
            ranges,
            shaping: OnceLock::new(),
        })
    }

    pub fn font(&self) -> FontRef<'_> {
        FontRef::from_index(self.data.bytes(), self.index).expect("checked when the face was made")
    }

    pub fn has(&self, c: char) -> bool {
        covers(&self.ranges, c)
    }

    /// harfrust's tables of this face, made on first use (they cost a millisecond or so).
    pub fn shaping(&self) -> &harfrust::ShaperData {
        self.shaping
            .get_or_init(|| harfrust::ShaperData::new(&self.font()))
    }

    /// The advance widths of `chars` at `size` (`None` for one it lacks), its tables read
    /// once for all of them (read again for each character, they were a twentieth of a
    /// build: a card's title is measured for every note).
    fn advances(&self, chars: &[char], size: f32) -> Vec<Option<f32>> {
        let font = self.font();
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        let width = |c: char| metrics.advance_width(charmap.map(c)?);
        chars.iter().map(|&c| width(c)).collect()
    }
}

/// The faces to draw text with, in the order they are tried.
pub struct Fonts {
    /// The built-in regular and bold, then the site's.
    faces: Vec<Face>,
    /// The system's, looked through on first need (a character none of `faces` has).
    system: OnceLock<Vec<system::SystemFace>>,
    system_dirs: Vec<PathBuf>,
}

impl Default for Fonts {
    /// The built-in fonts, with the system's to fall back on.
    fn default() -> Fonts {
        Fonts::new(Vec::new(), system::dirs())
    }
}

impl Fonts {
    fn new(site: Vec<Face>, system_dirs: Vec<PathBuf>) -> Fonts {
        let built_in = [REGULAR, BOLD]
            .into_iter()
            .filter_map(|b| Face::new(Data::BuiltIn(b), 0));
        Fonts {
            faces: built_in.chain(site).collect(),
            system: OnceLock::new(),
            system_dirs,
        }
    }

    /// The built-in fonts, the site's `card_fonts` (paths from `root`) and the system's. A
    /// file that is missing, outside the site or not a font is an error at its line of
    /// `wisdom.toml`.
    pub fn of_site(root: &Path, card_fonts: &[String]) -> Result<Fonts, Diagnostic> {
        let mut site = Vec::new();
        for name in card_fonts {
            let error = |message: String| {
                let text = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
                let line = text
                    .lines()
                    .position(|l| l.contains(name.as_str()))
                    .map_or(1, |i| i + 1);
                Diagnostic::new(Kind::Config, CONFIG_FILE, message)
                    .at_line(&text, line)
                    .hint("card_fonts names font files inside the site, e.g. card_fonts = [\"fonts/NotoSansJP-Regular.otf\"]")
            };
            if !stays_inside(root, Path::new(name)) {
                return Err(error(format!(
                    "card_fonts: `{name}` lies outside the site: not read"
                )));
            }
            let bytes = std::fs::read(root.join(name))
                .map_err(|e| error(format!("card_fonts: `{name}`: {e}")))?;
            let faces = faces_of(&Data::Read(Arc::new(bytes)));
            if faces.is_empty() {
                return Err(error(format!(
                    "card_fonts: `{name}` is not a font file wisdom can read (TrueType or OpenType: .ttf, .otf, .ttc)"
                )));
            }
            site.extend(faces);
        }
        Ok(Fonts::new(site, system::dirs()))
    }

    /// Only the built-in fonts and these: for tests that must not depend on the machine.
    #[cfg(test)]
    pub fn without_system(site_files: &[&[u8]]) -> Fonts {
        let site = site_files
            .iter()
            .flat_map(|b| faces_of(&Data::Read(Arc::new(b.to_vec()))))
            .collect();
        Fonts::new(site, Vec::new())
    }

    /// The font files of the built-in and site faces (each once), for resvg.
    pub fn files(&self) -> Vec<&Data> {
        let mut files: Vec<&Data> = Vec::new();
        for face in &self.faces {
            if !files
                .iter()
                .any(|d| std::ptr::eq(d.bytes(), face.data.bytes()))
            {
                files.push(&face.data);
            }
        }
        files
    }

    /// The face to draw `c` with: the first of the wanted weight that has it, else the first
    /// of any weight, trying the system's fonts last. `None` when no font has it.
    pub fn face_for(&self, c: char, bold: bool) -> Option<&Face> {
        let faces = &self.faces;
        let found = (faces.iter().find(|f| f.bold == bold && f.has(c)))
            .or_else(|| faces.iter().find(|f| f.has(c)));
        if found.is_some() || c.is_whitespace() || c.is_control() {
            return found;
        }
        let system = self.system.get_or_init(|| system::faces(&self.system_dirs));
        let has = |f: &&system::SystemFace| f.covers(c);
        (system.iter().filter(has).find(|f| f.bold == bold))
            .or_else(|| system.iter().find(has))
            .and_then(system::SystemFace::face)
    }

    /// The characters of `text` that no font has (each once, in order).
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut missing: Vec<char> = Vec::new();
        for c in text.chars() {
            if !c.is_whitespace()
                && !c.is_control()
                && self.face_for(c, false).is_none()
                && !missing.contains(&c)
            {
                missing.push(c);
            }
        }
        missing
    }

    /// The advance width of each character of `chars` at `size`, in the face that draws it
    /// (a space a third of the size when no face has one; nothing where no face has it).
    fn advances(
        &self,
        chars: impl Iterator<Item = char>,
        size: f32,
        bold: bool,
    ) -> rustc_hash::FxHashMap<char, f32> {
        let mut widths = rustc_hash::FxHashMap::default();
        let mut by_face: Vec<(&Face, Vec<char>)> = Vec::new();
        for c in chars {
            if widths.contains_key(&c) {
                continue;
            }
            widths.insert(c, if c.is_whitespace() { size * 0.32 } else { 0.0 });
            if let Some(face) = self.face_for(c, bold) {
                match by_face.iter_mut().find(|(f, _)| std::ptr::eq(*f, face)) {
                    Some((_, of_face)) => of_face.push(c),
                    None => by_face.push((face, vec![c])),
                }
            }
        }
        for (face, chars) in by_face {
            for (c, width) in chars.iter().zip(face.advances(&chars, size)) {
                if let Some(width) = width {
                    widths.insert(*c, width);
                }
            }
        }
        widths
    }

    /// Breaks `text` into at most `max_lines` lines no wider than `width` pixels at `size`
    /// pixels (SVG text does not wrap). Words longer than a line are broken (so are runs of
    /// Chinese or Japanese, which have no spaces); text left over ends the last line with `…`.
    pub fn wrap(
        &self,
        text: &str,
        size: f32,
        width: f32,
        max_lines: usize,
        bold: bool,
    ) -> Vec<String> {
        // Each character measured once: a line is measured again with every word it takes.
        let widths = self.advances(text.chars().chain([' ', '…']), size, bold);
        let advance = |c: char| widths.get(&c).copied().unwrap_or_default();
        let measure = |s: &str| s.chars().map(advance).sum::<f32>();

        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if measure(&candidate) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than a line is cut where it no longer fits.
            let mut rest = word;
            while measure(rest) > width {
                let cut = fitting_prefix(rest, width, &advance).max(1);
                let at = rest.char_indices().nth(cut).map_or(rest.len(), |(i, _)| i);
                lines.push(rest[..at].to_string());
                rest = &rest[at..];
            }
            line = rest.to_string();
        }
        if !line.is_empty() {
            lines.push(line);
        }
        if lines.len() > max_lines.max(1) {
            lines.truncate(max_lines.max(1));
            let last = lines.last_mut().expect("at least one line");
            while !last.is_empty() && measure(&format!("{last}…")) > width {
                last.pop();
            }
            let trimmed = last.trim_end().to_string();
            *last = format!("{trimmed}…");
        }
        lines
    }
}

/// The characters a font maps, as sorted inclusive ranges.
fn ranges(font: &FontRef) -> Vec<(u32, u32)> {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for (c, _) in font.charmap().mappings() {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == c => *end = c,
            _ => ranges.push((c, c)),
        }
    }
    ranges
}

fn covers(ranges: &[(u32, u32)], c: char) -> bool {
    let c = c as u32;
    let i = ranges.partition_point(|&(_, end)| end < c);
    ranges.get(i).is_some_and(|&(start, _)| start <= c)
}

/// Every face of a font file (a collection has several); none when it is not a font.
fn faces_of(data: &Data) -> Vec<Face> {
    let count = match skrifa::raw::FileRef::new(data.bytes()) {
        Ok(skrifa::raw::FileRef::Font(_)) => 1,
        Ok(skrifa::raw::FileRef::Collection(c)) => c.len(),
        Err(_) => 0,
    };
    (0..count)
        .filter_map(|i| Face::new(data.clone(), i))
        .collect()
}

/// How many of `text`'s characters fit in `width`.
fn fitting_prefix(text: &str, width: f32, advance: &impl Fn(char) -> f32) -> usize {
    let mut used = 0.0;
    text.chars()
        .take_while(|&c| {
            used += advance(c);
            used <= width
        })
        .count()
}

#[cfg(test)]
mod tests;
