use super::*;

fn wrap(text: &str, size: f32, width: f32, lines: usize, bold: bool) -> Vec<String> {
    Fonts::without_system(&[]).wrap(text, size, width, lines, bold)
}

fn width_of(text: &str, size: f32, bold: bool) -> f32 {
    let font = FontRef::new(if bold { BOLD } else { REGULAR }).unwrap();
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .map(|c| metrics.advance_width(charmap.map(c).unwrap()).unwrap())
        .sum()
}

#[test]
fn wrapped_lines_fit_and_keep_every_word_in_order() {
    let title =
        "DeepSeek R1: Distilled & Quantized Models — what each student keeps of its teacher";
    let lines = wrap(title, 72.0, 1040.0, 4, true);
    assert!(lines.len() >= 2, "{lines:?}");
    for line in &lines {
        assert!(width_of(line, 72.0, true) <= 1040.0, "{line:?} is too wide");
    }
    assert_eq!(lines.join(" "), title);
    // A single line when it fits.
    assert_eq!(wrap("Short", 72.0, 1040.0, 4, true), ["Short"]);
}

#[test]
fn text_past_the_last_line_ends_in_an_ellipsis_and_long_words_break() {
    let lines = wrap(&"word ".repeat(200), 30.0, 600.0, 2, false);
    assert_eq!(lines.len(), 2);
    assert!(lines[1].ends_with('…'), "{lines:?}");
    assert!(width_of(&lines[1], 30.0, false) <= 600.0);

    let long = "x".repeat(300);
    let lines = wrap(&long, 30.0, 600.0, 10, false);
    assert!(lines.len() > 1);
    assert!(lines.iter().all(|l| width_of(l, 30.0, false) <= 600.0));
    assert_eq!(lines.concat(), long);
}

#[test]
fn a_system_font_is_mapped_when_a_character_needs_it() {
    let dir = tempfile::tempdir().unwrap();
    let font = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fonts/NotoSansCJK-Bold-subset.otf");
    std::fs::copy(font, dir.path().join("cjk.otf")).unwrap();
    let fonts = Fonts::new(Vec::new(), vec![dir.path().to_path_buf()]);
    let face = fonts
        .face_for('日', true)
        .expect("the system's font has it");
    assert!(matches!(face.data, Data::Mapped(_)), "mapped, not read");
    assert!(face.has('日'));
    assert!(
        fonts.face_for('\u{0378}', true).is_none(),
        "no font has U+0378"
    );
}
