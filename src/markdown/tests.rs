use super::*;

fn md(body: &str) -> Rendered {
    md_with(body, true, true)
}

/// `body` rendered with the tests' options, writing its HTML (`html`) and collecting what
/// the site model keeps (`model`) or not.
fn md_with(body: &str, html: bool, model: bool) -> Rendered {
    let options = Options {
        summary_length: 8,
        escape_html: false,
        inline_tags: true,
        search_terms: Some(Default::default()),
        external_links: true,
        html,
        model,
    };
    render(body, &options, &Highlighter::default())
}

#[test]
fn headings_get_unique_ids_anchors_and_a_nested_toc() {
    let r = md("# Intro\n\n## Part\n\n## Part\n\n### Deep `code`\n\n# Custom {#mine}\n");
    assert!(
        r.html
            .contains("<h2 id=\"part\">Part <a class=\"anchor\" href=\"#part\""),
        "{}",
        r.html
    );
    assert!(r.html.contains("<h2 id=\"part-1\">"));
    assert!(r.html.contains("<h1 id=\"mine\">"));
    assert_eq!(r.toc.len(), 2);
    assert_eq!(r.toc[0].children.len(), 2);
    assert_eq!(r.toc[0].children[1].children[0].title, "Deep code");
    assert_eq!(r.toc[0].children[1].children[0].id, "deep-code");
}

#[test]
fn code_is_highlighted_and_not_counted_as_words() {
    let r = md("one two\n\n```rust\nlet x = 1;\n```\n");
    assert!(r.html.contains("data-lang=\"rust\""));
    assert!(r.html.contains("hl-"));
    assert_eq!(r.words, 2);
    assert_eq!(r.reading_minutes(), 1);
}

#[test]
fn footnotes_have_prefixed_ids_numbered_by_first_mention() {
    let r = md("A[^b] and C[^a].\n\n[^a]: first def\n[^b]: second def\n");
    assert!(
        r.html
            .contains("<sup class=\"footnote-ref\" id=\"fnref-b\"><a href=\"#fn-b\">1</a></sup>"),
        "{}",
        r.html
    );
    assert!(
        r.html
            .contains("id=\"fn-a\"><sup class=\"footnote-label\">2</sup>"),
        "{}",
        r.html
    );
}

#[test]
fn gfm_extensions_are_on() {
    let r = md(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~ - [x] done\n\n- [ ] task\n\n\"smart\" -- dash\n",
    );
    assert!(r.html.contains("<table>"));
    assert!(r.html.contains("<del>x</del>"));
    assert!(r.html.contains("type=\"checkbox\""));
    assert!(r.html.contains("“smart” – dash"), "{}", r.html);
}

#[test]
fn aligned_table_columns_are_classes_not_inline_styles() {
    let r = md("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n| 5 |\n");
    assert!(!r.html.contains("style="), "{}", r.html);
    for (tag, align) in [("th", "left"), ("th", "center"), ("th", "right")] {
        assert!(
            r.html.contains(&format!("<{tag} class=\"align-{align}\">")),
            "{}",
            r.html
        );
    }
    assert!(
        r.html.contains(
            "<td class=\"align-center\">2</td><td class=\"align-right\">3</td><td>4</td>"
        ),
        "{}",
        r.html
    );
    // A short row: its cells take their columns' alignment, the missing ones are empty.
    assert!(
        r.html
            .contains("<tr><td class=\"align-left\">5</td><td class=\"align-center\"></td>"),
        "{}",
        r.html
    );
}

#[test]
fn summary_stops_at_more_marker() {
    let r = md("First *para*.\n\nSecond.\n\n<!--more-->\n\nHidden.\n");
    assert_eq!(r.summary, "<p>First <em>para</em>.</p>\n<p>Second.</p>");
}

#[test]
fn summary_takes_whole_paragraphs_that_fit() {
    let r = md("# Title\n\nOne two three.\n\nFour five six seven eight nine ten.\n");
    assert_eq!(r.summary, "<p>One two three.</p>");
}

#[test]
fn long_first_paragraph_is_cut_on_a_word_and_closed() {
    let r = md("One two **three four five six seven eight nine** ten.\n");
    assert_eq!(
        r.summary,
        "<p>One two <strong>three four five six seven eight…</strong></p>"
    );
}

#[test]
fn raw_html_passes_or_is_escaped_by_option() {
    let body = "<div class=\"x\">hi</div>\n\nText <b>bold</b>\n";
    assert!(md(body).html.contains("<div class=\"x\">hi</div>"));
    let escaped = render(
        body,
        &Options {
            summary_length: 70,
            escape_html: true,
            inline_tags: true,
            search_terms: None,
            external_links: false,
            html: true,
            model: true,
        },
        &Highlighter::default(),
    );
    assert!(
        escaped.html.contains("&lt;div class=&quot;x&quot;&gt;")
            || escaped.html.contains("&lt;div class=\"x\"&gt;"),
        "{}",
        escaped.html
    );
    assert!(!escaped.html.contains("<b>"));
}

#[test]
fn deep_nesting_does_not_overflow() {
    let body = ">".repeat(10_000) + " deep\n";
    let r = md(&body);
    assert!(r.html.contains("deep"));
    let list: String = (0..10_000)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    assert!(md(&list).html.contains("<li>"));
}

#[test]
fn callouts_title_only_nested_and_foldable() {
    let r = md("> [!faq] Title only\n\n> [!info] Outer\n> > [!tip]- Inner\n> > Body.\n\nAfter.\n");
    assert_eq!(
        r.html.matches("<p").count(),
        r.html.matches("</p>").count(),
        "{}",
        r.html
    );
    assert!(
        r.html
            .contains("Title only</p><div class=\"callout-body\">\n</div></div>"),
        "{}",
        r.html
    );
    let inner = r.html.find("callout-tip").unwrap();
    assert!(r.html[..inner].contains("callout-info"));
    assert!(
        r.html.contains("<details class=\"callout callout-tip\""),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<p>Body.</p>\n</div></details>"),
        "{}",
        r.html
    );
    assert!(!r.html.contains("[!"));
}

#[test]
fn block_ids_become_ids_and_math_becomes_mathml() {
    let r = md(
        "Para text ^blk-1\n\n- item ^it\n- other\n\nPrice $5 and $6; area $\\pi r^2$.\n\nLine six\n\n$$\\notacommand x$$\n",
    );
    assert!(
        r.html.contains("<p id=\"^blk-1\">Para text</p>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<li id=\"^it\">item</li>"), "{}", r.html);
    assert_eq!(r.anchors.blocks().collect::<Vec<_>>(), ["^blk-1", "^it"]);
    assert!(r.html.contains("$5 and $6"), "{}", r.html);
    assert_eq!(r.html.matches("<math").count(), 1, "{}", r.html);
    assert_eq!(r.unconverted.len(), 1, "bad LaTeX is reported");
    assert_eq!(r.unconverted[0].line, 10);
    assert_eq!(r.unconverted[0].what, Drawing::Math);
}

#[test]
fn words_are_counted_as_split_whitespace_counts_them() {
    for text in [
        "",
        "  ",
        "one",
        " two words ",
        "tabs\tand\nnew\r\nlines\x0Band\x0Cfeeds",
        "naïve café — unicode\u{2003}em space",
        "\u{a0}lead\u{85}next\u{3000}ideographic\u{2029}",
        "a  b   c",
        "\x1c\x1f not whitespace to Rust",
        "\u{1680}ogham\u{2000}en\u{200a}hair\u{2028}line\u{202f}narrow\u{205f}math",
        "not spaces: \u{200b}zero\u{2060}joiner\u{feff}bom \u{e1}\u{e2}\u{e3}\u{1e00}\u{2100}\u{3001}",
        "…—“quoted”…",
    ] {
        assert_eq!(
            count_words(text),
            text.split_whitespace().count(),
            "{text:?}"
        );
    }
}

#[test]
fn every_character_splits_words_as_char_is_whitespace_says() {
    let mut text = String::new();
    for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
        text.clear();
        text.extend(['a', c, 'b']);
        assert_eq!(count_words(&text), text.split_whitespace().count(), "{c:?}");
    }
}

#[test]
fn long_texts_are_counted_across_chunks() {
    let pieces = [
        "word", " ", "  ", "\n", "é", "—", "\u{a0}", "\u{3000}", "x", "\t",
    ];
    let mut text = String::new();
    for n in 0..2_000usize {
        text.push_str(pieces[(n * 7 + n / 3) % pieces.len()]);
        let plain: String = text.replace(['\u{a0}', '\u{3000}'], "x");
        assert_eq!(count_words(&text), text.split_whitespace().count(), "{n}");
        assert_eq!(count_words(&plain), plain.split_whitespace().count(), "{n}");
    }
}

#[test]
fn a_block_id_is_the_last_caret_word_after_a_space_or_the_whole_text() {
    let ids = |body: &str| -> Vec<String> { md(body).anchors.blocks().map(String::from).collect() };
    assert_eq!(ids("Text ^end\n"), ["^end"]);
    assert_eq!(ids("^alone\n"), ["^alone"]);
    assert_eq!(ids("x^2 is not ^an-id\n"), ["^an-id"]);
    assert!(ids("x^2\n").is_empty());
    assert!(ids("a ^b^c\n").is_empty());
    assert!(ids("a ^b c\n").is_empty());
    assert!(ids("ends with ^\n").is_empty());
}

/// A build reads a note twice: once for the site model (no HTML), once for its page (no
/// model). Each must give what one full read gives.
#[test]
fn the_two_reads_of_a_build_give_what_one_read_gives() {
    let notes = [
        "Intro with [[Other]] and #tag, $x^2$ and a note[^n].\n\n```rust\nlet x = 1;\n```\n\n\
         <!--more-->\n\n## Part ^part\n\n> [!tip] Title\n> body\n\n[^n]: foot\n",
        "# Title\n\nA first paragraph of some words — with “quotes” ^p1\n\n```python\nx = 1\n```\n\n\
         - item [[A#Heading]]\n- item ^i2\n\n## Deep\n\nMore words here.\n",
    ];
    for body in notes {
        let (full, site_model, page) = (
            md_with(body, true, true),
            md_with(body, false, true),
            md_with(body, true, false),
        );
        assert_eq!(page.html, full.html);
        assert!(site_model.html.is_empty());
        assert_eq!(site_model.summary, full.summary);
        assert!(!full.summary.is_empty());
        // Code before `<!--more-->` is in the summary, highlighted, even without a body.
        let code_in_summary = body.contains("<!--more-->");
        assert_eq!(site_model.summary.contains("data-lang"), code_in_summary);
        assert_eq!(site_model.toc, full.toc);
        assert_eq!(site_model.words, full.words);
        assert_eq!(site_model.anchors, full.anchors);
        assert_eq!(page.toc, full.toc, "the page's read makes the TOC again");
        assert_eq!(site_model.inline_tags, full.inline_tags);
        assert_eq!(
            format!("{:?}", site_model.links),
            format!("{:?}", full.links)
        );
    }
}
