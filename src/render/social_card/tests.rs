use super::*;

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100">
<rect width="300" height="100" fill="#fbfaf7"/>
<text x="10" y="60" font-size="30" fill="#1f2328">Hello, card</text></svg>"##;

/// The PNG's width, height and colour type, read back with the decoder.
fn header(png_bytes: &[u8]) -> (u32, u32, png::ColorType) {
    let reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let info = reader.info();
    (info.width, info.height, info.color_type)
}

/// Counts the pixels that are not the background: the text was drawn.
fn inked_pixels(png_bytes: &[u8]) -> usize {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).unwrap();
    let step = frame.color_type.samples();
    buf[..frame.buffer_size()]
        .chunks(step)
        .filter(|p| p[..3] != [0xfb, 0xfa, 0xf7])
        .count()
}

#[test]
fn a_card_of_few_colours_is_a_palette_png_with_its_text_drawn() {
    let png = CardStore::new(None).png(SVG).unwrap();
    assert_eq!(header(&png), (300, 100, png::ColorType::Indexed));
    assert!(inked_pixels(&png) > 500, "the text is drawn");
}

#[test]
fn cards_of_many_colours_or_with_transparency_keep_them() {
    let gradient = r##"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="20">
<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/><stop offset="0.5" stop-color="#f00"/>
<stop offset="1" stop-color="#ff0"/></linearGradient></defs>
<rect width="800" height="20" fill="url(#g)"/></svg>"##;
    let png = CardStore::new(None).png(gradient).unwrap();
    assert_eq!(header(&png).2, png::ColorType::Rgb);

    let clear = r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">
<rect width="20" height="20" fill="#f00"/></svg>"##;
    let png = CardStore::new(None).png(clear).unwrap();
    assert_eq!(header(&png).2, png::ColorType::Rgba);
}

#[test]
fn bad_or_huge_svg_is_an_error_not_a_panic() {
    let store = CardStore::new(None);
    assert!(store.png("<svg").is_err());
    let huge = r#"<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"/>"#;
    let error = store.png(huge).unwrap_err();
    assert!(error.contains("at most 4096"), "{error}");
}

#[test]
fn the_cache_serves_a_card_painted_before_and_prune_keeps_what_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cards");
    let store = CardStore::new(Some(cache.clone()));
    let painted = store.png(SVG).unwrap();
    let kept = cache.join(format!("{}.png", cache_key(SVG)));
    assert_eq!(std::fs::read(&kept).unwrap(), painted);

    // A second run takes the kept file as it is, without painting.
    let mut marked = painted.clone();
    marked.extend_from_slice(b"kept");
    std::fs::write(&kept, &marked).unwrap();
    let second = CardStore::new(Some(cache.clone()));
    assert_eq!(second.png(SVG).unwrap(), marked);

    // A file that is not a PNG is painted again.
    std::fs::write(&kept, b"not a png").unwrap();
    assert_eq!(
        CardStore::new(Some(cache.clone())).png(SVG).unwrap(),
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
