use super::*;
use std::path::Path;

use skrifa::MetadataProvider;
use std::sync::Arc;

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100">
<rect width="300" height="100" fill="#fbfaf7"/>
<text x="10" y="60" font-size="30" fill="#1f2328">Hello, card</text></svg>"##;

/// The PNG's width, height and colour type, read back with the decoder.
fn header(png_bytes: &[u8]) -> (u32, u32, png::ColorType) {
    let info = info(png_bytes);
    (info.0, info.1, info.2)
}

/// Width, height, colour type and bits a pixel (or a palette index).
fn info(png_bytes: &[u8]) -> (u32, u32, png::ColorType, png::BitDepth) {
    let reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let info = reader.info();
    (info.width, info.height, info.color_type, info.bit_depth)
}

/// Counts the pixels that are not the background: the text was drawn.
fn inked_pixels(png_bytes: &[u8]) -> usize {
    let (_, pixels) = rgb_pixels(png_bytes);
    pixels.iter().filter(|p| **p != [0xfb, 0xfa, 0xf7]).count()
}

#[test]
fn a_card_of_few_colours_is_a_palette_png_with_its_text_drawn() {
    let png = CardStore::new(None, Arc::default()).png(SVG).unwrap();
    // One colour of text over the background, its edges in three steps: five colours.
    let half_a_byte = (300, 100, png::ColorType::Indexed, png::BitDepth::Four);
    assert_eq!(info(&png), half_a_byte);
    assert!(inked_pixels(&png) > 500, "the text is drawn");
}

#[test]
fn nibbles_pack_two_indices_a_byte_at_any_width() {
    for width in 1..=19 {
        let rows = 3;
        let indices: Vec<u8> = (0..width * rows).map(|i| (i * 7 % 16) as u8).collect();
        let packed = nibbles(&indices, width);
        let row_bytes = width.div_ceil(2);
        assert_eq!(packed.len(), row_bytes * rows, "width {width}");
        for (i, &index) in indices.iter().enumerate() {
            let byte = packed[i / width * row_bytes + i % width / 2];
            let nibble = if i % width % 2 == 0 {
                byte >> 4
            } else {
                byte & 15
            };
            assert_eq!(nibble, index, "width {width}, pixel {i}");
        }
        if width % 2 == 1 {
            assert_eq!(
                packed[row_bytes - 1] & 15,
                0,
                "a row's last half byte is empty"
            );
        }
    }
}

#[test]
fn cards_of_many_colours_or_with_transparency_keep_them() {
    let gradient = r##"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="20">
<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/><stop offset="0.5" stop-color="#f00"/>
<stop offset="1" stop-color="#ff0"/></linearGradient></defs>
<rect width="800" height="20" fill="url(#g)"/></svg>"##;
    let png = CardStore::new(None, Arc::default()).png(gradient).unwrap();
    assert_eq!(header(&png).2, png::ColorType::Rgb);

    let clear = r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">
<rect width="20" height="20" fill="#f00"/></svg>"##;
    let png = CardStore::new(None, Arc::default()).png(clear).unwrap();
    assert_eq!(header(&png).2, png::ColorType::Rgba);
}

#[test]
fn bad_or_huge_svg_is_an_error_not_a_panic() {
    let store = CardStore::new(None, Arc::default());
    assert!(store.png("<svg").is_err());
    let huge = r#"<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"/>"#;
    let error = store.png(huge).unwrap_err();
    assert!(error.contains("at most 4096"), "{error}");
}

#[test]
fn the_cache_serves_a_card_painted_before_and_prune_keeps_what_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cards");
    let store = CardStore::new(Some(cache.clone()), Arc::default());
    let painted = store.png(SVG).unwrap();
    let kept = cache.join(format!("{}.png", cache_key(SVG)));
    assert_eq!(std::fs::read(&kept).unwrap(), painted);

    // A second run takes the kept file as it is, without painting.
    let mut marked = painted.clone();
    marked.extend_from_slice(b"kept");
    std::fs::write(&kept, &marked).unwrap();
    let second = CardStore::new(Some(cache.clone()), Arc::default());
    assert_eq!(second.png(SVG).unwrap(), marked);

    // A file that is not a PNG is painted again.
    std::fs::write(&kept, b"not a png").unwrap();
    assert_eq!(
        CardStore::new(Some(cache.clone()), Arc::default())
            .png(SVG)
            .unwrap(),
        painted
    );

    let stale = cache.join("0123456789abcdef.png");
    std::fs::write(&stale, &painted).unwrap();
    std::fs::write(cache.join("mine.png"), b"x").unwrap();
    std::fs::write(cache.join("notes.txt"), b"x").unwrap();
    assert_eq!(second.prune(), 1);
    assert!(!stale.exists());
    assert!(kept.exists());
    assert!(cache.join("mine.png").exists() && cache.join("notes.txt").exists());
}

/// A card's inputs lead to its PNG in the next run, while the PNG is kept; what a run did
/// not use is forgotten.
#[test]
fn the_inputs_a_run_used_find_their_card_in_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cards");
    let (inputs, other) = ("00000000000000aa", "00000000000000bb");
    let first = CardStore::new(Some(cache.clone()), Arc::default());
    assert_eq!(first.known(inputs), None, "nothing seen yet");
    first.card(SVG, Some(inputs)).unwrap();
    first.prune();

    let second = CardStore::new(Some(cache.clone()), Arc::default());
    let kept = cache.join(format!("{}.png", cache_key(SVG)));
    assert_eq!(second.known(inputs), Some(kept.clone()));
    assert_eq!(second.known(other), None);
    assert_eq!(second.known("not a key"), None);
    // The PNG gone (the cache cleared by hand): the card is drawn again.
    std::fs::remove_file(&kept).unwrap();
    assert_eq!(second.known(inputs), None);
    // A run that did not use the inputs forgets them.
    let third = CardStore::new(Some(cache.clone()), Arc::default());
    third.png(SVG).unwrap();
    third.prune();
    let fourth = CardStore::new(Some(cache.clone()), Arc::default());
    assert_eq!(fourth.known(inputs), None);
}

/// What the built-in template writes for a note about a model: title and description,
/// spans of other weights and colours, a scaled group with dashed lines, rounded bars and
/// centred labels.
const TEMPLATE_LIKE: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630" font-family="DejaVu Sans">
<rect width="1200" height="630" fill="#fbfaf7"/>
<rect width="1200" height="12" fill="#2f5fd0"/>
<text x="80" y="96" font-size="30" fill="#5d6570"><tspan font-weight="bold" fill="#1f2328">Wisdom</tspan> · Models</text>
<text x="80" y="170" font-size="54" font-weight="bold" fill="#1f2328">AVATAR: Kerning, “quotes” &amp; Wolf</text>
<g transform="translate(80 270) scale(1.2)" font-size="14" fill="#1f2328">
<line x1="300" x2="300" y1="0" y2="180" stroke="#5d6570" stroke-dasharray="4 4"/><text x="300" y="194" font-size="12" fill="#5d6570" text-anchor="middle">24 GB</text>
<text x="0" y="16">Q4_K_M</text><rect x="120" y="3" width="410.5" height="17" rx="3" fill="#2f5fd0"/><text x="536.5" y="16">19.9 GB</text>
</g>
<text x="80" y="582" font-size="28" fill="#5d6570">10 Aug 2023 · <tspan fill="#2f5fd0">#grpc  #embedded</tspan></text>
</svg>"##;

/// Mean absolute difference of two renders, per channel, and the share of channels that
/// differ by more than a quarter.
fn difference(a: &tiny_skia::Pixmap, b: &tiny_skia::Pixmap) -> (f64, f64) {
    let pairs = a.data().iter().zip(b.data());
    let diffs: Vec<u32> = pairs.map(|(x, y)| u32::from(x.abs_diff(*y))).collect();
    let mean = diffs.iter().sum::<u32>() as f64 / diffs.len() as f64;
    let far = diffs.iter().filter(|&&d| d > 64).count() as f64 / diffs.len() as f64;
    (mean, far)
}

#[test]
fn the_fast_painter_draws_what_resvg_draws() {
    let store = CardStore::new(None, Arc::new(Fonts::without_system(&[])));
    let fast = paint::paint(TEMPLATE_LIKE, &store.fonts, &store.glyphs, MAX_SIDE)
        .expect("the template's constructs are all drawn by the fast painter")
        .unwrap()
        .into_pixmap();
    let resvg = store.paint_with_resvg(TEMPLATE_LIKE).unwrap();
    let (mean, far) = difference(&fast, &resvg);
    assert!(mean < 0.5 && far < 0.0005, "mean {mean}, far {far}");
    // And the glyphs drawn again from the cache are the same.
    let again = paint::paint(TEMPLATE_LIKE, &store.fonts, &store.glyphs, MAX_SIDE)
        .unwrap()
        .unwrap()
        .into_pixmap();
    assert_eq!(again.data(), fast.data());
}

#[test]
fn what_the_fast_painter_does_not_draw_goes_to_resvg() {
    let store = CardStore::new(None, Arc::default());
    for other in [
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="4"/></svg>"##,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5" style="fill:red"/></svg>"##,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text x="1" y="5" font-family="Serif">a</text></svg>"##,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g transform="rotate(10)"/></svg>"##,
    ] {
        assert!(
            paint::paint(other, &store.fonts, &store.glyphs, MAX_SIDE).is_none(),
            "{other}"
        );
        assert!(store.png(other).unwrap().starts_with(PNG_SIGNATURE));
    }
}

/// Titles in four scripts, each drawn with the test font that has it: ink where the title
/// is; without the font, none (the characters are left out, never drawn as boxes).
#[test]
fn every_script_is_drawn_with_the_fonts_named() {
    let font = |name: &str| {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/fonts")
                .join(name),
        )
        .unwrap()
    };
    // (DejaVu Sans has Arabic letters: that title is drawn with it.)
    let cases = [
        ("NotoSansCJK-Bold-subset.otf", "模型量化与蒸馏", false),
        ("NotoSansCJK-Bold-subset.otf", "量子化モデルの蒸留", false),
        ("NotoSansArabic-Bold-subset.ttf", "تكميم النماذج", true),
        (
            "NotoSansDevanagari-Bold-subset.ttf",
            "मॉडल क्वांटाइज़ेशन",
            false,
        ),
    ];
    for (file, title, built_in_has_it) in cases {
        let svg = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="100"><rect width="600" height="100" fill="#fbfaf7"/><text x="10" y="70" font-size="48" font-weight="bold" fill="#000">{title}</text></svg>"##
        );
        let bytes = font(file);
        let with = Fonts::without_system(&[&bytes]);
        assert!(with.missing(title).is_empty(), "{file} has {title}");
        let store = CardStore::new(None, Arc::new(with));
        let ink = inked_pixels(&store.png(&svg).unwrap());
        assert!(ink > 1500, "{title}: {ink} pixels inked");

        let without = Fonts::without_system(&[]);
        assert_eq!(
            without.missing(title).is_empty(),
            built_in_has_it,
            "{title}"
        );
        if !built_in_has_it {
            let store = CardStore::new(None, Arc::new(without));
            assert_eq!(
                inked_pixels(&store.png(&svg).unwrap()),
                0,
                "{title}: no boxes"
            );
        }
    }
}

#[test]
fn arabic_is_shaped_into_joined_forms() {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fonts/NotoSansArabic-Bold-subset.ttf"),
    )
    .unwrap();
    let fonts = Fonts::without_system(&[&bytes]);
    let face = fonts.face_for('ت', true).unwrap();
    let isolated: Vec<u16> = "تكميم"
        .chars()
        .map(|c| face.font().charmap().map(c).unwrap().to_u32() as u16)
        .collect();
    let shaped = paint::glyph_ids(&fonts, "تكميم", true);
    assert_eq!(shaped.len(), isolated.len());
    assert!(
        shaped.iter().all(|g| !isolated.contains(g)),
        "joined forms, not the isolated ones: {shaped:?} {isolated:?}"
    );
}

#[test]
fn the_palette_and_indices_give_back_every_pixel() {
    let store = CardStore::new(None, Arc::new(Fonts::without_system(&[])));
    let pixmap = paint::paint(TEMPLATE_LIKE, &store.fonts, &store.glyphs, MAX_SIDE)
        .unwrap()
        .unwrap()
        .into_pixmap();
    let (palette, indices) = indexed(pixmap.data(), pixmap.width() as usize).unwrap();
    assert_eq!(indices.len(), (pixmap.width() * pixmap.height()) as usize);
    for (p, &i) in pixmap.data().chunks_exact(4).zip(&indices) {
        let i = usize::from(i) * 3;
        assert_eq!(&palette[i..i + 3], &p[..3]);
    }
    // Not opaque: no palette.
    let mut clear = pixmap.clone();
    clear.data_mut()[7] = 0;
    assert!(indexed(clear.data(), clear.width() as usize).is_none());
}

/// Half a byte a pixel, and a width that leaves the last byte of each row half full: the PNG
/// decodes to the pixels painted.
#[test]
fn a_card_written_half_a_byte_a_pixel_reads_back_as_painted() {
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="301" height="41">
<rect width="301" height="41" fill="#fbfaf7"/>
<text x="3" y="30" font-size="30" fill="#2f5fd0">Odd, width</text></svg>"##;
    let store = CardStore::new(None, Arc::new(Fonts::without_system(&[])));
    let painted = paint::paint(svg, &store.fonts, &store.glyphs, MAX_SIDE)
        .unwrap()
        .unwrap()
        .into_pixmap();
    let png = store.png(svg).unwrap();
    assert_eq!(info(&png).3, png::BitDepth::Four);
    let (width, pixels) = rgb_pixels(&png);
    assert_eq!(width, 301);
    let expected: Vec<[u8; 3]> = painted
        .data()
        .chunks_exact(4)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    assert_eq!(pixels, expected);
}

/// The card's pixels, RGB.
fn rgb_pixels(png_bytes: &[u8]) -> (usize, Vec<[u8; 3]>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).unwrap();
    let step = frame.color_type.samples();
    let pixels = buf[..frame.buffer_size()]
        .chunks(step)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (frame.width as usize, pixels)
}

#[test]
fn the_built_in_card_shows_the_tags_that_fit_and_then_an_ellipsis() {
    let fonts = Arc::new(Fonts::without_system(&[]));
    let template = crate::templates::BUILTIN_TEMPLATES
        .iter()
        .find(|(name, _)| *name == TEMPLATE)
        .unwrap()
        .1;
    let sources = [(
        TEMPLATE.to_string(),
        (template.to_string(), Path::new("templates").join(TEMPLATE)),
    )]
    .into();
    let theme = crate::templates::Theme::from_sources(
        sources,
        &[],
        Default::default(),
        "/",
        (Default::default(), fonts.clone()),
        false,
    )
    .unwrap();
    let tags: Vec<_> = [
        "embedded-in-practice",
        "optimization-tips",
        "grpc",
        "threads-in-practice",
    ]
    .iter()
    .map(|name| serde_json::json!({ "name": name }))
    .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("config", &serde_json::json!({ "title": "Site" }));
    ctx.insert(
        "note",
        &serde_json::json!({ "title": "Knuth's Observability", "date_human": "10 Nov 2024", "tags": tags }),
    );
    ctx.insert("description", "");
    ctx.insert("section", "Notes");
    ctx.insert("components", &serde_json::json!({}));
    let svg = theme.render(TEMPLATE, &ctx).unwrap();
    assert!(svg.contains("10 Nov 2024 · <tspan"), "{svg}");
    assert!(svg.contains("#grpc…</tspan>"), "{svg}");

    let store = CardStore::new(None, fonts);
    let (width, pixels) = rgb_pixels(&store.png(&svg).unwrap());
    let footer_right_edge = pixels
        .chunks(width)
        .skip(550)
        .take(50)
        .filter_map(|row| row.iter().rposition(|p| *p != [0xfb, 0xfa, 0xf7]))
        .max()
        .unwrap();
    assert!(
        footer_right_edge < width - 80,
        "ink at x = {footer_right_edge}"
    );
}
