//! `wisdom init` and `wisdom new`: a working site and a note with its front matter filled in.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::config::Config;
use crate::content::Date;
use crate::error::{Diagnostic, Error, Kind, Result};
use crate::layout::CONFIG_FILE;

const CONFIG: &str = r#"title = "My Wisdom Index"
# Where the site is published; `wisdom build --base-url` overrides it.
base_url = "/"
description = "Short notes on models and other ideas."
language = "en"
paginate = 10

[extra]
"#;

const HOME: &str = "---\ntitle: \"My Wisdom Index\"\n---\nShort notes, newest first.\n";
const SECTION: &str =
    "---\ntitle: \"Wisdom\"\ndescription: \"All notes.\"\n---\nEvery note in this index.\n";

/// Creates a site in `dir` (which must be empty or absent, unless `force`) and returns the
/// files written. With `force`, files that already exist are kept as they are.
pub fn init(dir: &Path, now: Timestamp, force: bool) -> Result<Vec<PathBuf>> {
    if !force
        && dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| Error::io(Kind::Io, dir, &e))?
            .next()
            .is_some()
    {
        return Err(Error::one(
            Diagnostic::new(Kind::Io, dir, "the folder is not empty")
                .hint("choose a new folder name, or add --force to add a site beside what is there (no file is replaced)"),
        ));
    }
    // Published, with a size card, so that the first build shows a note, its section, a
    // tag page and the calculator.
    let first = note_text(
        "Hello, wisdom",
        Date::at(now, &TimeZone::system()),
        &["notes"],
        "model: deepseek-r1-distill-qwen-7b\n",
    );
    let files = [
        ("wisdom.toml", CONFIG.to_string()),
        ("content/_index.md", HOME.to_string()),
        ("content/wisdom/_index.md", SECTION.to_string()),
        ("content/wisdom/hello-wisdom.md", first),
        ("static/.gitkeep", String::new()),
        ("templates/.gitkeep", String::new()),
        // What builds write: the site, and the painted social cards kept between builds.
        (".gitignore", "/public/\n/.wisdom-cache/\n".to_string()),
    ];
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        if force && path.exists() {
            continue;
        }
        write_new(&path, &text)?;
        written.push(path);
    }
    Ok(written)
}

/// Creates a note at `path` with a title from its file name and the date and time now on
/// the site's clock (`timezone`, else the machine's).
pub fn new_note(path: &Path, now: Timestamp) -> Result<()> {
    if path.extension().is_none_or(|e| e != "md") {
        return Err(Error::one(
            Diagnostic::new(Kind::Io, path, "a note's file name must end in .md")
                .hint("e.g. wisdom new content/wisdom/my-note.md"),
        ));
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = title_from_stem(&stem);
    let date = Date::at(now, &site_clock(path)?);
    write_new(path, &note_text(&title, date, &[], "draft: true\n"))
}

/// The clock of the site that `path` is in: the `timezone` of the nearest `wisdom.toml`
/// above it, else the machine's.
fn site_clock(path: &Path) -> Result<TimeZone> {
    let absolute = std::path::absolute(path).map_err(|e| Error::io(Kind::Io, path, &e))?;
    let site = absolute
        .ancestors()
        .skip(1)
        .find(|dir| dir.join(CONFIG_FILE).is_file());
    let configured = match site {
        Some(root) => Config::load(root)?.time_zone(),
        None => None,
    };
    Ok(configured.unwrap_or_else(TimeZone::system))
}

/// Opens `path` in the user's editor (`$VISUAL`, else `$EDITOR`; the value may carry
/// arguments, as `code --wait`) and waits for it.
pub fn open_in_editor(path: &Path) -> Result<()> {
    let editor = ["VISUAL", "EDITOR"]
        .into_iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
        .ok_or_else(|| {
            Error::Usage(
                "no editor: set $EDITOR (e.g. export EDITOR=nano), or leave out --edit".into(),
            )
        })?;
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or_default();
    let status = std::process::Command::new(program)
        .args(words)
        .arg(path)
        .status()
        .map_err(|e| Error::Usage(format!("cannot start the editor `{editor}`: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "the editor `{editor}` exited with {status}"
        )))
    }
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    if path.exists() {
        return Err(Error::one(
            Diagnostic::new(Kind::Io, path, "already exists")
                .hint("pick another name; nothing was overwritten"),
        ));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(Kind::Io, parent, &e))?;
    }
    std::fs::write(path, text).map_err(|e| Error::io(Kind::Io, path, &e))
}

/// A note's text; `extra` is more front matter, whole lines.
fn note_text(title: &str, date: Date, tags: &[&str], extra: &str) -> String {
    let tags: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
    let title = title.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        "---\ntitle: \"{title}\"\ndate: {}\n{extra}tags: [{}]\n---\n\nWrite the note here. Text before `<!--more-->` becomes the summary.\n",
        date.rfc3339(),
        tags.join(", ")
    )
}

/// `deepseek-r1-notes` → `Deepseek r1 notes`.
fn title_from_stem(stem: &str) -> String {
    let spaced = stem.replace(['-', '_'], " ");
    let mut chars = spaced.trim().chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_else(|| "Untitled".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    #[test]
    fn new_note_has_front_matter_that_parses() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("content/wisdom/my-note.md");
        new_note(&path, at(1_766_550_600)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = crate::content::front_matter::parse(&path, &text).unwrap();
        assert_eq!(parsed.front.title.as_deref(), Some("My note"));
        assert_eq!(parsed.front.date.unwrap().timestamp(), 1_766_550_600);
        assert!(new_note(&path, at(0)).is_err(), "never overwrites");
    }

    #[test]
    fn new_note_is_dated_on_the_sites_clock() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join(CONFIG_FILE),
            "timezone = \"Asia/Kolkata\"\n",
        )
        .unwrap();
        let path = tmp.path().join("content/deep/er/note.md");
        new_note(&path, at(1_766_550_600)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("date: 2025-12-24T10:00:00+05:30\n"), "{text}");
    }

    #[test]
    fn init_refuses_a_non_empty_folder() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("x"), "").unwrap();
        assert!(init(tmp.path(), at(0), false).is_err());
    }
}
