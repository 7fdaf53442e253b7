//! The fast painter: draws the SVG that card templates write (filled rectangles, dashed
//! lines, text in groups that move and scale) straight to pixels, each glyph rasterised once
//! per build and size ([`Glyphs`]) and then only blended, where resvg lays out, outlines and
//! fills every glyph of every card (8 ms a card against under 2). A card that uses anything
//! else (paths, gradients, images, styles, ...) returns `None` and resvg paints it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use resvg::tiny_skia::{
    self, FillRule, Mask, PathBuilder, Pixmap, Rect, Stroke, StrokeDash, Transform,
};
use roxmltree::{Node, NodeType};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};

use super::canvas::{Canvas, Coverage, Indexed};
use crate::fonts::{Face, Fonts};

/// Sub-pixel positions a glyph is rasterised at, across and down: a quarter pixel.
const PHASES: f32 = 4.0;

/// Paints `svg`, or `None` when it uses what this painter does not draw.
pub fn paint(
    svg: &str,
    fonts: &Fonts,
    glyphs: &Glyphs,
    max_side: u32,
) -> Option<Result<Painted, String>> {
    let doc = roxmltree::Document::parse(svg).ok()?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg"
        || !only(
            root,
            &[
                "width",
                "height",
                "viewBox",
                "font-family",
                "font-size",
                "fill",
                "font-weight",
            ],
        )
    {
        return None;
    }
    let width = length(root.attribute("width")?)?;
    let height = length(root.attribute("height")?)?;
    if let Some(view_box) = root.attribute("viewBox") {
        let numbers = numbers(view_box)?;
        if numbers != [0.0, 0.0, width, height] {
            return None;
        }
    }
    let (w, h) = (width.ceil() as u32, height.ceil() as u32);
    if w > max_side || h > max_side {
        return Some(Err(format!(
            "the card is {w}×{h} pixels; at most {max_side} a side (1200×630 is what sites show)"
        )));
    }
    let style = Style::default().with(root)?;
    let draw = |canvas: &mut dyn Canvas| {
        let mut painter = Painter {
            canvas,
            fonts,
            glyphs,
        };
        painter.children(root, &style)
    };
    let mut indexed = Indexed::new(w, h);
    let drawn = draw(&mut indexed);
    if drawn.is_some()
        && let Some(palette) = indexed.opaque_palette()
    {
        return Some(Ok(Painted::Indexed(indexed, palette)));
    }
    // More colours than a palette holds, or some not opaque: RGBA.
    let mut pixmap = match Pixmap::new(w, h) {
        Some(p) => p,
        None => return Some(Err("the card has no width or height".to_string())),
    };
    draw(&mut pixmap)?;
    Some(Ok(Painted::Rgba(pixmap)))
}

/// A painted card: a palette (RGB) and an index a pixel, or RGBA.
pub enum Painted {
    Indexed(Indexed, Vec<u8>),
    Rgba(Pixmap),
}

#[cfg(test)]
impl Painted {
    pub fn into_pixmap(self) -> Pixmap {
        match self {
            Painted::Indexed(canvas, _) => canvas.to_pixmap(),
            Painted::Rgba(pixmap) => pixmap,
        }
    }
}

/// What an element passes down to its children.
#[derive(Clone)]
struct Style {
    transform: Transform,
    font_size: f32,
    fill: Option<tiny_skia::Color>,
    bold: bool,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            transform: Transform::identity(),
            font_size: 16.0,
            fill: Some(tiny_skia::Color::BLACK),
            bold: false,
        }
    }
}

impl Style {
    /// This style as `node`'s presentation attributes change it; `None` for a value this
    /// painter does not know.
    fn with(&self, node: Node) -> Option<Style> {
        let mut style = self.clone();
        if let Some(size) = node.attribute("font-size") {
            style.font_size = length(size)?;
        }
        if let Some(fill) = node.attribute("fill") {
            style.fill = color(fill)?;
        }
        if let Some(weight) = node.attribute("font-weight") {
            style.bold = match weight {
                "bold" | "bolder" | "600" | "700" | "800" | "900" => true,
                "normal" | "lighter" | "100" | "200" | "300" | "400" | "500" => false,
                _ => return None,
            };
        }
        if let Some(family) = node.attribute("font-family") {
            let known = |f: &str| {
                let f = f.trim().trim_matches(['\'', '"']);
                f.eq_ignore_ascii_case(crate::fonts::FONT_FAMILY) || f == "sans-serif"
            };
            if !family.split(',').all(known) {
                return None;
            }
        }
        if let Some(t) = node.attribute("transform") {
            style.transform = style.transform.pre_concat(transform(t)?);
        }
        Some(style)
    }
}

struct Painter<'a> {
    canvas: &'a mut dyn Canvas,
    fonts: &'a Fonts,
    glyphs: &'a Glyphs,
}

impl Painter<'_> {
    fn children(&mut self, node: Node, style: &Style) -> Option<()> {
        for child in node.children() {
            match child.node_type() {
                NodeType::Element => self.element(child, style)?,
                NodeType::Text if child.text().is_some_and(|t| t.trim().is_empty()) => {}
                NodeType::Comment => {}
                _ => return None,
            }
        }
        Some(())
    }

    fn element(&mut self, node: Node, style: &Style) -> Option<()> {
        const PRESENTATION: [&str; 5] = [
            "fill",
            "font-size",
            "font-weight",
            "font-family",
            "transform",
        ];
        let allowed = |own: &[&str]| only(node, &[own, &PRESENTATION].concat());
        match node.tag_name().name() {
            "g" if allowed(&[]) => self.children(node, &style.with(node)?),
            "rect" if allowed(&["x", "y", "width", "height", "rx"]) => {
                self.rect(node, &style.with(node)?)
            }
            "line"
                if allowed(&[
                    "x1",
                    "y1",
                    "x2",
                    "y2",
                    "stroke",
                    "stroke-width",
                    "stroke-dasharray",
                ]) =>
            {
                self.line(node, &style.with(node)?)
            }
            "text" if allowed(&["x", "y", "text-anchor"]) => self.text(node, &style.with(node)?),
            _ => None,
        }
    }

    fn rect(&mut self, node: Node, style: &Style) -> Option<()> {
        let number = |name: &str| node.attribute(name).map_or(Some(0.0), length);
        let (x, y, w, h, rx) = (
            number("x")?,
            number("y")?,
            number("width")?,
            number("height")?,
            number("rx")?,
        );
        let Some(color) = style.fill else {
            return Some(());
        };
        let Some(rect) = Rect::from_xywh(x, y, w, h) else {
            return Some(());
        };
        let t = style.transform;
        if rx <= 0.0 && t.kx == 0.0 && t.ky == 0.0 && t.sx > 0.0 && t.sy > 0.0 {
            // On whole pixels (a card's background and bars): filled without a mask.
            let edges = [
                rect.left() * t.sx + t.tx,
                rect.top() * t.sy + t.ty,
                rect.right() * t.sx + t.tx,
                rect.bottom() * t.sy + t.ty,
            ];
            if edges.iter().all(|e| (e - e.round()).abs() < 1e-3) {
                let [x0, y0, x1, y1] = edges.map(|e| e.round() as i32);
                return self.canvas.fill(x0, y0, x1, y1, color);
            }
        }
        let path = match rx > 0.0 {
            true => rounded(rect, rx.min(w / 2.0).min(h / 2.0))?,
            false => PathBuilder::from_rect(rect),
        };
        self.shape(&path, t, color)
    }

    fn line(&mut self, node: Node, style: &Style) -> Option<()> {
        let number = |name: &str| node.attribute(name).map_or(Some(0.0), length);
        let (x1, y1, x2, y2) = (number("x1")?, number("y1")?, number("x2")?, number("y2")?);
        let Some(color) = node.attribute("stroke").map_or(Some(None), color)? else {
            return Some(());
        };
        let stroke = Stroke {
            width: node.attribute("stroke-width").map_or(Some(1.0), length)?,
            ..Stroke::default()
        };
        let mut path = PathBuilder::new();
        path.move_to(x1, y1);
        path.line_to(x2, y2);
        let Some(mut path) = path.finish() else {
            return Some(());
        };
        if let Some(dashes) = node.attribute("stroke-dasharray") {
            let Some(dashed) =
                StrokeDash::new(numbers(dashes)?, 0.0).and_then(|d| path.dash(&d, 1.0))
            else {
                return Some(());
            };
            path = dashed;
        }
        match path.stroke(&stroke, 1.0) {
            Some(outline) => self.shape(&outline, style.transform, color),
            None => Some(()),
        }
    }

    /// Fills a path (in the element's coordinates) with `color`.
    fn shape(
        &mut self,
        path: &tiny_skia::Path,
        t: Transform,
        color: tiny_skia::Color,
    ) -> Option<()> {
        match path.clone().transform(t).and_then(|p| coverage(&p)) {
            Some(c) => self.canvas.blend(&c, c.left, c.top, color),
            None => Some(()),
        }
    }

    /// A `<text>` and its `<tspan>`s, laid out on one line from `x` (or centred on it, or
    /// ending at it) with its whitespace collapsed as SVG does.
    fn text(&mut self, node: Node, style: &Style) -> Option<()> {
        let x = node.attribute("x").map_or(Some(0.0), length)?;
        let y = node.attribute("y").map_or(Some(0.0), length)?;
        let mut spans = Vec::new();
        collect_spans(node, style, &mut spans)?;
        collapse_whitespace(&mut spans);
        let shaped: Vec<(Shaped, &Style)> = spans
            .iter()
            .map(|(text, style)| (shape(self.fonts, text, style), style))
            .collect();
        let width: f32 = shaped.iter().map(|(s, _)| s.advance).sum();
        let mut pen = match node.attribute("text-anchor") {
            None | Some("start") => x,
            Some("middle") => x - width / 2.0,
            Some("end") => x - width,
            Some(_) => return None,
        };
        for (run, span_style) in shaped {
            if let Some(color) = span_style.fill {
                for glyph in &run.glyphs {
                    self.glyph(glyph, pen, y, span_style, color)?;
                }
            }
            pen += run.advance;
        }
        Some(())
    }

    /// Blends one glyph's coverage in `color` over the pixels under it.
    fn glyph(
        &mut self,
        glyph: &PlacedGlyph,
        pen: f32,
        baseline: f32,
        style: &Style,
        color: tiny_skia::Color,
    ) -> Option<()> {
        let t = style.transform;
        let (sx, sy) = (t.sx, t.sy);
        let at_x = t.tx + (pen + glyph.x) * sx;
        let at_y = t.ty + (baseline - glyph.y) * sy;
        let px = style.font_size * sy;
        let (x0, fx) = split(at_x);
        let (y0, fy) = split(at_y);
        let Some(mask) = self.glyphs.get(glyph.face, glyph.id, px, fx, fy) else {
            return Some(());
        };
        self.canvas
            .blend(&mask, x0 + mask.left, y0 + mask.top, color)
    }
}

/// The spans of a text element: its own character data and its `<tspan>`s', in order.
fn collect_spans<'a>(
    node: Node<'a, 'a>,
    style: &Style,
    spans: &mut Vec<(String, Style)>,
) -> Option<()> {
    for child in node.children() {
        match child.node_type() {
            NodeType::Text => spans.push((child.text()?.to_string(), style.clone())),
            NodeType::Element if child.tag_name().name() == "tspan" => {
                if !only(child, &["fill", "font-size", "font-weight", "font-family"]) {
                    return None;
                }
                collect_spans(child, &style.with(child)?, spans)?;
            }
            NodeType::Comment => {}
            _ => return None,
        }
    }
    Some(())
}

/// SVG's default whitespace handling over the spans of one text element: new lines
/// dropped, tabs as spaces, runs of spaces as one, none at the start or the end.
fn collapse_whitespace(spans: &mut [(String, Style)]) {
    let mut last_was_space = true;
    for (text, _) in spans.iter_mut() {
        let mut out = String::with_capacity(text.len());
        for c in text.chars().filter(|&c| c != '\n' && c != '\r') {
            let c = if c == '\t' { ' ' } else { c };
            if c == ' ' && last_was_space {
                continue;
            }
            last_was_space = c == ' ';
            out.push(c);
        }
        *text = out;
    }
    if let Some((text, _)) = spans.iter_mut().rev().find(|(t, _)| !t.is_empty()) {
        let trimmed = text.trim_end_matches(' ').len();
        text.truncate(trimmed);
    }
}

/// The glyphs a line of text is drawn with, left to right (for tests of shaping).
#[cfg(test)]
pub fn glyph_ids(fonts: &Fonts, text: &str, bold: bool) -> Vec<u16> {
    let style = Style {
        bold,
        ..Style::default()
    };
    shape(fonts, text, &style)
        .glyphs
        .iter()
        .map(|g| g.id as u16)
        .collect()
}

/// A glyph of a shaped span: its face, id and place from the span's start (pixels, y up).
struct PlacedGlyph<'f> {
    face: &'f Face,
    id: u32,
    x: f32,
    y: f32,
}

struct Shaped<'f> {
    glyphs: Vec<PlacedGlyph<'f>>,
    advance: f32,
}

/// Lays out a span: runs of the characters each font has, shaped by harfrust (kerning,
/// Arabic joining, Devanagari conjuncts), right-to-left runs placed as bidi orders them.
/// Characters no font has are left out (a warning of the build names their notes).
fn shape<'f>(fonts: &'f Fonts, text: &str, style: &Style) -> Shaped<'f> {
    let mut shaped = Shaped {
        glyphs: Vec::new(),
        advance: 0.0,
    };
    let bidi = unicode_bidi::BidiInfo::new(text, Some(unicode_bidi::Level::ltr()));
    for paragraph in &bidi.paragraphs {
        let (levels, runs) = bidi.visual_runs(paragraph, paragraph.range.clone());
        for run in runs {
            let rtl = levels[run.start].is_rtl();
            for (face, piece) in font_runs(fonts, &text[run], style.bold) {
                shape_run(face, piece, rtl, style.font_size, &mut shaped);
            }
        }
    }
    shaped
}

/// Splits text into pieces each drawn with one face (spaces go with the piece before).
fn font_runs<'f, 't>(fonts: &'f Fonts, text: &'t str, bold: bool) -> Vec<(&'f Face, &'t str)> {
    let mut runs: Vec<(&Face, &str)> = Vec::new();
    let mut start = 0;
    let mut current: Option<&Face> = None;
    for (i, c) in text.char_indices() {
        let face = fonts.face_for(c, bold);
        let same = match (face, current) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            (None, _) => c == ' ' && current.is_some(),
            _ => false,
        };
        if same {
            continue;
        }
        if let Some(f) = current {
            runs.push((f, &text[start..i]));
        }
        start = i;
        current = face;
    }
    if let Some(f) = current {
        runs.push((f, &text[start..]));
    }
    runs
}

fn shape_run<'f>(face: &'f Face, text: &str, rtl: bool, size: f32, out: &mut Shaped<'f>) {
    let font = face.font();
    let shaper = face.shaping().shaper(&font).build();
    let mut buffer = harfrust::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(if rtl {
        harfrust::Direction::RightToLeft
    } else {
        harfrust::Direction::LeftToRight
    });
    buffer.guess_segment_properties();
    let output = shaper.shape(buffer, harfrust::ShapeOptions::new());
    let units = font
        .metrics(Size::unscaled(), LocationRef::default())
        .units_per_em;
    let scale = size / f32::from(units.max(1));
    for (info, pos) in output.glyph_infos().iter().zip(output.glyph_positions()) {
        if info.glyph_id != 0 {
            out.glyphs.push(PlacedGlyph {
                face,
                id: info.glyph_id,
                x: out.advance + pos.x_offset as f32 * scale,
                y: pos.y_offset as f32 * scale,
            });
        }
        out.advance += pos.x_advance as f32 * scale;
    }
}

/// A face (by address: faces live as long as the build), glyph, size in 1/64 pixel, and
/// sub-pixel position across and down.
type GlyphKey = (usize, u32, u32, u8, u8);

/// Glyphs rasterised so far, by face, glyph, size and sub-pixel position: a card's title
/// shares most of its glyphs with every other card's.
#[derive(Default)]
pub struct Glyphs {
    masks: RwLock<HashMap<GlyphKey, Option<Arc<Coverage>>>>,
}

impl Glyphs {
    fn get(&self, face: &Face, id: u32, px: f32, fx: u8, fy: u8) -> Option<Arc<Coverage>> {
        let key = (
            face as *const Face as usize,
            id,
            (px * 64.0).round() as u32,
            fx,
            fy,
        );
        if let Some(mask) = self.masks.read().expect("no panics while held").get(&key) {
            return mask.clone();
        }
        let mask =
            rasterise(face, id, px, f32::from(fx) / PHASES, f32::from(fy) / PHASES).map(Arc::new);
        self.masks
            .write()
            .expect("no panics while held")
            .insert(key, mask.clone());
        mask
    }
}

fn rasterise(face: &Face, id: u32, px: f32, fx: f32, fy: f32) -> Option<Coverage> {
    let font = face.font();
    let outlines = font.outline_glyphs();
    let glyph = outlines.get(skrifa::GlyphId::new(id))?;
    let mut pen = Pen(PathBuilder::new());
    glyph
        .draw(
            DrawSettings::unhinted(Size::new(px), LocationRef::default()),
            &mut pen,
        )
        .ok()?;
    // Font units are y up; pixels y down, offset by the sub-pixel position.
    let path = pen
        .0
        .finish()?
        .transform(Transform::from_row(1.0, 0.0, 0.0, -1.0, fx, fy))?;
    coverage(&path)
}

/// A path's coverage, in pixels where it lies, in five steps (none, a quarter, a half, three
/// quarters, whole). The text's edges then have three shades of each colour, so the default
/// card fits a palette of 16 colours and is written half a byte a pixel: 26.6 KB rather
/// than 37.3 KB a card of the benchmark corpus (both with fdeflate), at the same CPU time.
/// At a card's size the steps are not seen beside full antialiasing (the test
/// `the_fast_painter_draws_what_resvg_draws` holds them to half a level on average).
fn coverage(path: &tiny_skia::Path) -> Option<Coverage> {
    let bounds = path.bounds();
    let (left, top) = (bounds.left().floor() as i32, bounds.top().floor() as i32);
    let width = (bounds.right().ceil() as i32 - left).max(1);
    let height = (bounds.bottom().ceil() as i32 - top).max(1);
    let mut mask = Mask::new(width as u32, height as u32)?;
    let shift = Transform::from_translate(-left as f32, -top as f32);
    mask.fill_path(path, FillRule::Winding, true, shift);
    let mut data = mask.take();
    for c in &mut data {
        *c = stepped(*c);
    }
    Some(Coverage {
        data,
        width,
        height,
        left,
        top,
    })
}

fn stepped(coverage: u8) -> u8 {
    ((u16::from(coverage) + 32) / 64 * 64).min(255) as u8
}

struct Pen(PathBuilder);

impl OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.0.quad_to(cx0, cy0, x, y);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.0.cubic_to(cx0, cy0, cx1, cy1, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

/// The whole pixel and the quarter within it.
fn split(v: f32) -> (i32, u8) {
    let whole = v.floor();
    let phase = ((v - whole) * PHASES).round() as i32;
    if phase >= PHASES as i32 {
        (whole as i32 + 1, 0)
    } else {
        (whole as i32, phase as u8)
    }
}

/// Whether `node` has no attributes but `names` (and namespace declarations).
fn only(node: Node, names: &[&str]) -> bool {
    node.attributes()
        .all(|a| a.namespace().is_some() || names.contains(&a.name()))
}

/// A number, with `px` allowed.
fn length(text: &str) -> Option<f32> {
    let text = text.trim();
    text.strip_suffix("px")
        .unwrap_or(text)
        .trim()
        .parse()
        .ok()
        .filter(|v: &f32| v.is_finite())
}

/// Numbers separated by spaces or commas.
fn numbers(text: &str) -> Option<Vec<f32>> {
    text.split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(length)
        .collect()
}

/// `#rgb`, `#rrggbb`, a few names, `none` (`Some(None)`); else `None`.
fn color(text: &str) -> Option<Option<tiny_skia::Color>> {
    let text = text.trim();
    let hex = |s: &str| u8::from_str_radix(s, 16).ok();
    let rgb = match text {
        "none" | "transparent" => return Some(None),
        "black" => [0, 0, 0],
        "white" => [255, 255, 255],
        _ => {
            let digits = text.strip_prefix('#')?;
            match digits.len() {
                6 => [
                    hex(&digits[0..2])?,
                    hex(&digits[2..4])?,
                    hex(&digits[4..6])?,
                ],
                3 => {
                    let d = |i: usize| hex(&digits[i..=i]).map(|v| v * 17);
                    [d(0)?, d(1)?, d(2)?]
                }
                _ => return None,
            }
        }
    };
    Some(Some(tiny_skia::Color::from_rgba8(
        rgb[0], rgb[1], rgb[2], 255,
    )))
}

/// `translate(x y)` and `scale(s)` / `scale(sx sy)`, in any order: the moves cards make.
fn transform(text: &str) -> Option<Transform> {
    let mut result = Transform::identity();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let open = rest.find('(')?;
        let close = rest.find(')')?;
        let name = rest[..open].trim().trim_start_matches(',').trim();
        let args = numbers(&rest[open + 1..close])?;
        let step = match (name, args.as_slice()) {
            ("translate", [x]) => Transform::from_translate(*x, 0.0),
            ("translate", [x, y]) => Transform::from_translate(*x, *y),
            ("scale", [s]) => Transform::from_scale(*s, *s),
            ("scale", [x, y]) => Transform::from_scale(*x, *y),
            _ => return None,
        };
        result = result.pre_concat(step);
        rest = rest[close + 1..].trim();
    }
    Some(result)
}

/// A rectangle with round corners of radius `r`.
fn rounded(rect: Rect, r: f32) -> Option<tiny_skia::Path> {
    // A quarter circle as one cubic: its control points at this share of the radius.
    const K: f32 = 0.552_284_8;
    let (l, t, ri, b) = (rect.left(), rect.top(), rect.right(), rect.bottom());
    let mut p = PathBuilder::new();
    p.move_to(l + r, t);
    p.line_to(ri - r, t);
    p.cubic_to(ri - r + r * K, t, ri, t + r - r * K, ri, t + r);
    p.line_to(ri, b - r);
    p.cubic_to(ri, b - r + r * K, ri - r + r * K, b, ri - r, b);
    p.line_to(l + r, b);
    p.cubic_to(l + r - r * K, b, l, b - r + r * K, l, b - r);
    p.line_to(l, t + r);
    p.cubic_to(l, t + r - r * K, l + r - r * K, t, l + r, t);
    p.close();
    p.finish()
}
