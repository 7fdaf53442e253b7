//! Smaller copies of the photos and screenshots notes show, for `srcset`: a phone 390
//! pixels wide fetches a copy near its width instead of a 4,000-pixel original. Each JPEG or
//! PNG wider than a width of `image_widths` gets a copy at that width, beside it
//! (`p.jpg` → `p-480w.jpg`), in its own format; the original stays as it is, the largest
//! choice. Copies are kept in `.wisdom-cache/images/` under the hash of the original, so a
//! build makes only those of new pictures.

use std::path::PathBuf;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use zune_jpeg::JpegDecoder;
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;

use crate::output::cache::{self, FileCache};

/// Pictures of more pixels than this get no copies: a header may claim 100,000 × 100,000,
/// and decoding that would take 40 GB (a 50-megapixel camera's photo passes).
pub const MAX_PIXELS: u64 = 64_000_000;
/// JPEG quality of the copies: what image CDNs default to (Cloudinary's `q_auto` lands
/// near it), with no visible loss at the width they are shown.
const JPEG_QUALITY: u8 = 82;
/// What the copies are made with: a new version is made again.
const MAKER: &[u8] = b"fast_image_resize 6 lanczos3, jpeg-encoder 0.7 q82, png 0.18\n";

/// The formats that get copies, by file extension.
fn format_of(path: &str) -> Option<Format> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" => Some(Format::Jpeg),
        "png" => Some(Format::Png),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Jpeg,
    Png,
}

/// The widths of `widths` that a picture of `path` and `size` gets copies at: those
/// narrower than it, of a format that gets copies, and whose copy's path `taken` does not
/// name already (a file of the site's own).
pub fn copy_widths(
    path: &str,
    (width, height): (u32, u32),
    widths: &[u32],
    taken: impl Fn(&str) -> bool,
) -> Vec<u32> {
    if format_of(path).is_none() || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Vec::new();
    }
    let mut chosen: Vec<u32> = widths
        .iter()
        .copied()
        .filter(|&w| w > 0 && w < width && !taken(&copy_path(path, w)))
        .collect();
    chosen.sort_unstable();
    chosen.dedup();
    chosen
}

/// The path (or URL) of the copy of `path` at `width`: `a/p.jpg` → `a/p-480w.jpg`.
pub fn copy_path(path: &str, width: u32) -> String {
    match path.rsplit_once('.') {
        Some((stem, ext)) if !ext.contains('/') => format!("{stem}-{width}w.{ext}"),
        _ => format!("{path}-{width}w"),
    }
}

/// A copy: kept in the cache (the output may link to it), or just made.
pub enum Copy {
    Cached(PathBuf),
    Made(Vec<u8>),
}

/// Makes the copies, and keeps them between runs in a cache folder.
pub struct ImageStore {
    cache: FileCache,
}

impl ImageStore {
    /// `dir`: `None` makes every copy (no site folder to keep them in).
    pub fn new(dir: Option<PathBuf>) -> ImageStore {
        ImageStore {
            cache: FileCache::new(dir),
        }
    }

    /// The copies of the picture `bytes` (of `path`) at `widths`, from the cache or made;
    /// an error says why none could be made (a file that is not what its name says).
    pub fn copies(
        &self,
        path: &str,
        bytes: &[u8],
        widths: &[u32],
    ) -> Result<Vec<(u32, Copy)>, String> {
        let Some(format) = format_of(path) else {
            return Ok(Vec::new());
        };
        let key = cache::key(&[MAKER, bytes]);
        let ext = path
            .rsplit_once('.')
            .map_or("", |(_, e)| e)
            .to_ascii_lowercase();
        // Decoded only if a copy is not kept already.
        let mut picture = None;
        let mut copies = Vec::with_capacity(widths.len());
        for &width in widths {
            let name = format!("{key}-{width}.{ext}");
            let whole = |f: &std::path::Path| f.metadata().is_ok_and(|m| m.len() > 0);
            if let Some(file) = self.cache.find(&name, whole) {
                copies.push((width, Copy::Cached(file)));
                continue;
            }
            let picture = match &mut picture {
                Some(picture) => picture,
                None => picture.insert(decode(bytes, format)?),
            };
            let made = picture.scaled(width)?.encode(format, picture.orientation)?;
            self.cache.keep(&name, &made);
            copies.push((width, Copy::Made(made)));
        }
        Ok(copies)
    }

    /// Removes the kept copies this run did not use. Returns how many it removed.
    pub fn prune(&self) -> usize {
        self.cache.prune(|name| {
            name.split_once('-')
                .is_some_and(|(key, rest)| cache::is_key(key) && rest.contains('.'))
        })
    }
}

/// Decoded pixels: 3 bytes a pixel (RGB) or 4 (RGBA).
struct Picture {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
    alpha: bool,
    /// The EXIF orientation of a JPEG (1 to 8): a camera stores a portrait photo on its side
    /// and says so; the copy says so too.
    orientation: u16,
}

fn decode(bytes: &[u8], format: Format) -> Result<Picture, String> {
    match format {
        Format::Jpeg => decode_jpeg(bytes),
        Format::Png => decode_png(bytes),
    }
}

fn decode_jpeg(bytes: &[u8]) -> Result<Picture, String> {
    let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder
        .decode_headers()
        .map_err(|e| format!("not a JPEG: {e:?}"))?;
    let info = decoder.info().ok_or("not a JPEG")?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    plausible(width, height, bytes.len())?;
    let orientation = decoder.exif().map_or(1, |tiff| exif_orientation(tiff));
    let pixels = decoder
        .decode()
        .map_err(|e| format!("a broken JPEG: {e:?}"))?;
    Ok(Picture {
        width,
        height,
        pixels,
        alpha: false,
        orientation,
    })
}

fn decode_png(bytes: &[u8]) -> Result<Picture, String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| format!("not a PNG: {e}"))?;
    let (width, height) = (reader.info().width, reader.info().height);
    plausible(width, height, bytes.len())?;
    let size = reader
        .output_buffer_size()
        .ok_or("a PNG too large to read")?;
    let mut buffer = vec![0; size];
    let frame = reader
        .next_frame(&mut buffer)
        .map_err(|e| format!("a broken PNG: {e}"))?;
    buffer.truncate(frame.buffer_size());
    let (pixels, alpha) = match frame.color_type {
        png::ColorType::Rgb => (buffer, false),
        png::ColorType::Rgba => (buffer, true),
        png::ColorType::Grayscale => (buffer.iter().flat_map(|&g| [g, g, g]).collect(), false),
        png::ColorType::GrayscaleAlpha => (
            buffer
                .chunks_exact(2)
                .flat_map(|p| [p[0], p[0], p[0], p[1]])
                .collect(),
            true,
        ),
        png::ColorType::Indexed => return Err("a PNG palette that was not expanded".into()),
    };
    Ok(Picture {
        width,
        height,
        pixels,
        alpha,
        orientation: 1,
    })
}

/// Whether a header's size may be decoded: at most [`MAX_PIXELS`], and no more than a file
/// of `file_bytes` can hold (deflate packs at most 1,032 bytes into one; a flat JPEG about
/// as many), so that a short file that claims a large picture allocates nothing for it.
fn plausible(width: u32, height: u32, file_bytes: usize) -> Result<(), String> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(format!(
            "{width} × {height} pixels is more than copies are made of"
        ));
    }
    if pixels * 4 > (file_bytes as u64).saturating_mul(2048) {
        return Err(format!(
            "the header claims {width} × {height} pixels, more than the file holds"
        ));
    }
    Ok(())
}

impl Picture {
    /// The picture `width` pixels wide, its aspect kept (Lanczos: sharp text in
    /// screenshots; alpha is premultiplied while scaling, so edges keep their colour).
    fn scaled(&self, width: u32) -> Result<Picture, String> {
        let height = ((u64::from(self.height) * u64::from(width)) / u64::from(self.width).max(1))
            .max(1) as u32;
        let kind = if self.alpha {
            PixelType::U8x4
        } else {
            PixelType::U8x3
        };
        let source = ImageRef::new(self.width, self.height, &self.pixels, kind)
            .map_err(|e| e.to_string())?;
        let mut scaled = Image::new(width, height, kind);
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
        Resizer::new()
            .resize(&source, &mut scaled, &options)
            .map_err(|e| e.to_string())?;
        Ok(Picture {
            width,
            height,
            pixels: scaled.into_vec(),
            alpha: self.alpha,
            orientation: self.orientation,
        })
    }

    fn encode(&self, format: Format, orientation: u16) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        match format {
            Format::Jpeg => {
                let mut encoder = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
                if orientation != 1 {
                    encoder
                        .add_app_segment(1, exif_with_orientation(orientation))
                        .map_err(|e| e.to_string())?;
                }
                let (w, h) = (self.width as u16, self.height as u16);
                encoder
                    .encode(&self.pixels, w, h, jpeg_encoder::ColorType::Rgb)
                    .map_err(|e| e.to_string())?;
            }
            Format::Png => {
                let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
                encoder.set_color(if self.alpha {
                    png::ColorType::Rgba
                } else {
                    png::ColorType::Rgb
                });
                encoder.set_compression(png::Compression::Balanced);
                let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
                writer
                    .write_image_data(&self.pixels)
                    .map_err(|e| e.to_string())?;
                writer.finish().map_err(|e| e.to_string())?;
            }
        }
        Ok(out)
    }
}

/// The orientation tag (0x0112) of IFD0 of EXIF data that starts at its TIFF header; 1
/// (as stored) when there is none or the data is cut short.
fn exif_orientation(tiff: &[u8]) -> u16 {
    let big = match tiff.get(..4) {
        Some(b"MM\0*") => true,
        Some(b"II*\0") => false,
        _ => return 1,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(if big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let find = || -> Option<u16> {
        let ifd = u32_at(4)? as usize;
        let count = usize::from(u16_at(ifd)?);
        (0..count)
            .map(|i| ifd + 2 + 12 * i)
            .find(|&entry| u16_at(entry) == Some(0x0112))
            .and_then(|entry| u16_at(entry + 8))
    };
    find().filter(|o| (1..=8).contains(o)).unwrap_or(1)
}

/// An EXIF block (APP1) that holds the orientation alone: none of the original's other
/// tags (its place, its camera) goes into the copies.
fn exif_with_orientation(orientation: u16) -> Vec<u8> {
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    exif.extend_from_slice(&orientation.to_be_bytes());
    exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    exif
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_of(width: u32, height: u32) -> Vec<u8> {
        let pixels: Vec<u8> = (0..width * height)
            .flat_map(|i| [(i % 251) as u8, (i / width % 251) as u8, 90])
            .collect();
        Picture {
            width,
            height,
            pixels,
            alpha: false,
            orientation: 1,
        }
        .encode(Format::Png, 1)
        .unwrap()
    }

    /// PNG's chunk checksum (CRC-32, bit by bit: a test's few bytes).
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn copies_are_made_at_the_widths_below_the_pictures_own_and_kept() {
        assert_eq!(
            copy_widths("a/p.png", (1000, 500), &[1600, 480, 800, 480], |_| false),
            [480, 800]
        );
        assert_eq!(
            copy_widths("a/p.gif", (1000, 500), &[480], |_| false),
            [0u32; 0]
        );
        assert_eq!(
            copy_widths("a/p.jpg", (100_000, 100_000), &[480], |_| false),
            [0u32; 0]
        );
        assert_eq!(
            copy_widths("a/p.JPG", (1000, 500), &[480, 800], |p| p == "a/p-480w.JPG"),
            [800]
        );
        assert_eq!(copy_path("a.b/p.jpeg", 480), "a.b/p-480w.jpeg");

        let dir = tempfile::tempdir().unwrap();
        let store = ImageStore::new(Some(dir.path().to_path_buf()));
        let original = png_of(1000, 500);
        let copies = store.copies("p.png", &original, &[480]).unwrap();
        let [(480, Copy::Made(made))] = copies.as_slice() else {
            panic!("one copy made")
        };
        let size = imagesize::blob_size(made).unwrap();
        assert_eq!((size.width, size.height), (480, 240));
        // The next run finds it kept.
        let again = ImageStore::new(Some(dir.path().to_path_buf()));
        let copies = again.copies("p.png", &original, &[480]).unwrap();
        assert!(matches!(copies.as_slice(), [(480, Copy::Cached(_))]));
        assert_eq!(again.prune(), 0);
        assert_eq!(ImageStore::new(Some(dir.path().to_path_buf())).prune(), 1);
        // A file that is not what its name says: an error, never a panic.
        assert!(store.copies("p.jpg", b"\xff\xd8 cut", &[480]).is_err());
        assert!(store.copies("p.png", b"\x89PNG\r\n\x1a\n", &[480]).is_err());
        // A header that claims 8,000 × 8,000 pixels in a file of a hundred bytes: refused
        // before anything is allocated for them.
        let mut claims = png_of(8, 8);
        claims[16..24].copy_from_slice(&[0, 0, 0x1f, 0x40, 0, 0, 0x1f, 0x40]);
        let crc = crc32(&claims[12..29]);
        claims[29..33].copy_from_slice(&crc.to_be_bytes());
        let error = store
            .copies("p.png", &claims, &[480])
            .err()
            .unwrap_or_default();
        assert!(error.contains("more than the file holds"), "{error}");
    }

    #[test]
    fn a_photos_orientation_goes_into_its_copies() {
        for orientation in 1..=8 {
            let exif = exif_with_orientation(orientation);
            assert_eq!(exif_orientation(&exif[6..]), orientation);
        }
        let little = b"II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x06\0\0\0\0\0\0\0";
        assert_eq!(exif_orientation(little), 6);
        assert_eq!(exif_orientation(b"II*\0\xff\xff"), 1);
        let photo = Picture {
            width: 64,
            height: 32,
            pixels: vec![128; 64 * 32 * 3],
            alpha: false,
            orientation: 6,
        };
        let jpeg = photo.encode(Format::Jpeg, 6).unwrap();
        let decoded = decode_jpeg(&jpeg).unwrap();
        assert_eq!((decoded.width, decoded.orientation), (64, 6));
        assert_eq!(
            decoded
                .scaled(16)
                .unwrap()
                .encode(Format::Jpeg, 6)
                .map(|j| decode_jpeg(&j).unwrap().orientation),
            Ok(6)
        );
    }
}
