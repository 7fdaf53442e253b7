//! Each bad input gives a clear error naming file, line and column, exit code 1, and leaves
//! the previous output exactly as it was.

mod common;

use common::*;

struct Case {
    name: &'static str,
    file: &'static str,
    bytes: &'static [u8],
    /// The error's label, location and a piece of its message, as printed.
    expect: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "unterminated yaml",
        file: "content/bad.md",
        bytes: b"---\ntitle: x\ntags: [a]\n\nBody without a closing line\n",
        expect: &["front matter error", "content/bad.md:1:1", "never closed"],
    },
    Case {
        name: "malformed yaml",
        file: "content/bad.md",
        bytes: b"---\ntitle: \"unclosed\ndate: 2024-01-01\n---\nBody\n",
        expect: &["front matter error", "content/bad.md:2:"],
    },
    Case {
        name: "tab in yaml indentation",
        file: "content/bad.md",
        bytes: b"---\ntitle: x\ntags:\n\t- a\n---\n",
        expect: &["front matter error", "content/bad.md:4:", "tabs"],
    },
    Case {
        name: "malformed toml",
        file: "content/bad.md",
        bytes: b"+++\ntitle = \"x\"\ndate = 2024-13-45\n+++\n",
        expect: &["content/bad.md:3:"],
    },
    Case {
        name: "malformed json",
        file: "content/bad.md",
        bytes: b"{\n  \"title\": \"x\",\n  \"tags\": [\"a\",]\n}\nBody\n",
        expect: &["front matter error", "content/bad.md:3:"],
    },
    Case {
        name: "date that is not a date",
        file: "content/bad.md",
        bytes: b"---\ntitle: x\ndate: last tuesday\n---\n",
        expect: &["date error", "content/bad.md:3:", "last tuesday", "help: write dates as"],
    },
    Case {
        // Keys that decide publishing are read strictly; others of another type are
        // warnings (tests/real_content.rs).
        name: "draft of the wrong type",
        file: "content/bad.md",
        bytes: b"---\ntitle: x\ndraft:\n  a: 1\n---\n",
        expect: &["front matter type error", "content/bad.md:", "help: write draft: true or draft: false"],
    },
    Case {
        name: "non-utf8 file",
        file: "content/bad.md",
        bytes: b"---\ntitle: caf\xe9\n---\n",
        expect: &["encoding error", "content/bad.md:2:11", "UTF-8"],
    },
    Case {
        name: "two notes with one url",
        file: "content/wisdom/other.md",
        bytes: b"---\ntitle: other\nslug: good\n---\n",
        expect: &["duplicate URL", "content/wisdom/good.md", "content/wisdom/other.md", "/wisdom/good/"],
    },
    Case {
        name: "template syntax error",
        file: "templates/page.html",
        bytes: b"{% extends \"base.html\" %}\n{% block content %}\n{% if %}\n{% endblock content %}\n",
        expect: &["template error", "templates/page.html:3:"],
    },
    Case {
        name: "unknown template variable",
        file: "templates/page.html",
        bytes: b"{% extends \"base.html\" %}\n{% block content %}\n{{ page.titel }}\n{% endblock content %}\n",
        expect: &["template error", "templates/page.html:3:"],
    },
    Case {
        name: "unknown config key",
        file: "wisdom.toml",
        bytes: b"title = \"x\"\npagniate = 3\n",
        expect: &["config error", "wisdom.toml:2:1", "pagniate"],
    },
    Case {
        name: "unknown model for the size card",
        file: "content/bad.md",
        bytes: b"---\ntitle: x\nmodel: gpt-9\n---\n",
        expect: &["front matter type error", "content/bad.md:3", "deepseek-r1-distill-qwen-7b"],
    },
    Case {
        name: "unknown shortcode",
        file: "content/bad.md",
        bytes: b"---\ntitle: x\n---\nText\n\n  {{< calculater >}}\n",
        expect: &["shortcode error", "content/bad.md:6:3", "known shortcodes: calculator"],
    },
    Case {
        name: "slug that leaves the site",
        file: "content/bad.md",
        bytes: b"---\ntitle: x\nslug: ../../etc\n---\n",
        expect: &["slug error", "content/bad.md:3"],
    },
];

fn good_site() -> tempfile::TempDir {
    site(&[
        ("wisdom.toml", "title = \"Good\"\n"),
        ("content/wisdom/_index.md", "---\ntitle: Wisdom\n---\n"),
        (
            "content/wisdom/good.md",
            &note("Good", "2024-01-01", &["ai"], "Fine."),
        ),
    ])
}

#[test]
fn each_bad_input_fails_clearly_and_keeps_the_last_good_site() {
    for case in CASES {
        let dir = good_site();
        let out = build_ok(dir.path());
        let before = snapshot(&out);
        write(dir.path(), case.file, case.bytes);

        let run = build(dir.path());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(
            run.status.code(),
            Some(1),
            "{}: exit code\n{stderr}",
            case.name
        );
        for piece in case.expect {
            assert!(
                stderr.contains(piece),
                "{}: expected `{piece}` in:\n{stderr}",
                case.name
            );
        }
        assert!(!stderr.contains("panicked"), "{}", case.name);
        assert!(
            stderr.lines().count() < 25,
            "{}: fits on one screen:\n{stderr}",
            case.name
        );
        assert_eq!(
            before,
            snapshot(&out),
            "{}: the previous output changed",
            case.name
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains("staging"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "{}: staging folder left behind",
            case.name
        );
    }
}

#[test]
fn all_content_errors_are_reported_together() {
    let dir = good_site();
    write(dir.path(), "content/a.md", b"---\ndate: nope\n---\n");
    write(dir.path(), "content/b.md", b"---\ntitle: [unclosed\n---\n");
    write(dir.path(), "content/c.md", b"ok\xff\n");
    let run = build(dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    for file in ["content/a.md:2", "content/b.md:2", "content/c.md:1"] {
        assert!(stderr.contains(file), "{file} missing in:\n{stderr}");
    }
    assert!(stderr.contains("3 problems found"), "{stderr}");
}

#[test]
fn bom_crlf_empty_and_front_matter_only_files_build() {
    let dir = good_site();
    write(
        dir.path(),
        "content/crlf.md",
        b"\xEF\xBB\xBF---\r\ntitle: Windows\r\ntags: [ai]\r\n---\r\nLine one\r\n",
    );
    write(dir.path(), "content/empty.md", b"");
    write(
        dir.path(),
        "content/only.md",
        b"---\ntitle: Only front matter\n---\n",
    );
    let out = build_ok(dir.path());
    assert_eq!(
        texts(&html(&out, "crlf/index.html"), "article.note h1"),
        ["Windows"]
    );
    assert_eq!(
        texts(&html(&out, "crlf/index.html"), ".prose p"),
        ["Line one"]
    );
    assert!(out.join("empty/index.html").exists());
    assert_eq!(
        texts(&html(&out, "only/index.html"), "article.note h1"),
        ["Only front matter"]
    );
}

#[test]
fn an_output_that_cannot_be_written_is_an_error() {
    let dir = good_site();
    write(
        dir.path(),
        "public",
        b"a file where the output folder should be",
    );
    let run = build(dir.path());
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("public"));
    assert_eq!(
        std::fs::read(dir.path().join("public")).unwrap(),
        b"a file where the output folder should be"
    );
}
