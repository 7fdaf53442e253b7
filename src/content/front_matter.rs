//! Front matter: `---` YAML, `+++` TOML, or a leading JSON object, as Hugo reads them.
//!
//! gray_matter finds the block; the block is parsed by serde-saphyr (YAML), toml or
//! serde_json, whose errors carry line and column. Known fields are typed; every other key
//! is kept for templates as `page.extra`.

use std::fmt;
use std::path::Path;

use gray_matter::engine::Engine;
use gray_matter::{Matter, Pod};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::date::{Date, DateError};
use crate::error::{Diagnostic, Kind, line_col};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<Date>,
    pub lastmod: Option<Date>,
    pub draft: bool,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub slug: Option<String>,
    pub aliases: Vec<String>,
    pub weight: Option<i64>,
    /// Hugo's `url` and Obsidian Publish's `permalink`: the page's URL path, as written.
    pub url: Option<String>,
    /// Hugo's `publishDate`: the note is left out before it (unless `--future`).
    pub publish_date: Option<Date>,
    /// Hugo's `expiryDate`: the note is left out from then on.
    pub expiry_date: Option<Date>,
    /// Obsidian Publish's `publish: false` leaves the note out.
    pub publish: Option<bool>,
    /// Hugo's `linkTitle`: the shorter title of cards, links and breadcrumbs.
    pub link_title: Option<String>,
    /// Hugo's `layout`: the template that renders the page (`layout: wide` → `wide.html`).
    pub layout: Option<String>,
    /// Obsidian's `cssclasses` (and the older `cssclass`): classes of the article element.
    pub css_classes: Vec<String>,
    pub keywords: Vec<String>,
    /// Hugo's `images` (or one `image`): the first is the page's OpenGraph image.
    pub images: Vec<String>,
    /// Every key not listed above, for templates.
    pub extra: Map<String, Value>,
    /// Keys read above whose value is of another type than wisdom reads (`alias: true` in
    /// Hugo's docs, where Hugo ignores `alias`), as written: ignored, each a warning.
    pub ignored: Vec<String>,
}

impl FrontMatter {
    /// Puts the dates written without offset or zone on the site's clock.
    pub fn in_zone(&mut self, zone: &jiff::tz::TimeZone) {
        for date in [
            &mut self.date,
            &mut self.lastmod,
            &mut self.publish_date,
            &mut self.expiry_date,
        ]
        .into_iter()
        .flatten()
        {
            *date = date.in_zone(zone);
        }
    }
}

/// A note split into its front matter and its markdown body.
#[derive(Debug)]
pub struct Parsed<'a> {
    pub front: FrontMatter,
    pub body: &'a str,
    /// 1-based line of `text` on which `body` starts, for errors inside the body.
    pub body_line: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Yaml,
    Toml,
}

/// Hands gray_matter's block back untouched; the real parse happens here, with positions.
struct RawBlock;

impl Engine for RawBlock {
    fn parse(_: &str) -> gray_matter::Result<Pod> {
        Ok(Pod::Null)
    }
}

/// Where the body of `text` starts (byte offset, 1-based line), with the front matter
/// skipped, not parsed (JSON, whose end only a parse finds, excepted): a build renders a
/// note's body again when it writes its page, and has its data from the first read.
pub fn body_start(path: &Path, text: &str) -> Result<(usize, usize), Diagnostic> {
    let first_line = text.lines().next().unwrap_or("").trim_end();
    let body_start = match first_line {
        "---" | "+++" => closing_line(path, text, first_line)?.1,
        _ => text.len() - parse(path, text)?.body.len(),
    };
    Ok((body_start, line_col(text, body_start).0))
}

/// Splits and parses `text` (UTF-8, no BOM, `\n` line ends). `path` is only for errors.
pub fn parse<'a>(path: &Path, text: &'a str) -> Result<Parsed<'a>, Diagnostic> {
    let first_line = text.lines().next().unwrap_or("").trim_end();
    let format = match first_line {
        "---" => Format::Yaml,
        "+++" => Format::Toml,
        _ if text.trim_start().starts_with('{') => return parse_json(path, text),
        _ => {
            return Ok(Parsed {
                front: FrontMatter::default(),
                body: text,
                body_line: 1,
            });
        }
    };
    let (block, block_start, body_start) = split(path, text, first_line)?;
    let front = match format {
        Format::Yaml => parse_yaml(block),
        Format::Toml => parse_toml(block),
    }
    .map_err(|e| e.into_diagnostic(path, text, block_start))?;
    Ok(Parsed {
        front,
        body: &text[body_start..],
        body_line: line_col(text, body_start).0,
    })
}

/// Returns the block, the byte offset where it starts and where the body starts.
fn split<'a>(
    path: &Path,
    text: &'a str,
    delimiter: &str,
) -> Result<(&'a str, usize, usize), Diagnostic> {
    let mut matter = Matter::<RawBlock>::new();
    matter.delimiter = delimiter.to_string();
    // No excerpt handling: `<!--more-->` is the markdown stage's business.
    matter.excerpt_delimiter = Some("\u{0}".to_string());
    let after_open = text.find('\n').map_or(text.len(), |i| i + 1);
    let (close_start, body_start) = closing_line(path, text, delimiter)?;
    let entity = matter
        .parse::<Pod>(&text[..body_start])
        .map_err(|e| Diagnostic::new(Kind::FrontMatter, path, e.to_string()))?;
    let lines = &text[after_open..close_start];
    let (block_start, block_end) = match lines.find(&entity.matter) {
        Some(i) if !entity.matter.is_empty() => {
            (after_open + i, after_open + i + entity.matter.len())
        }
        _ => (after_open, close_start),
    };
    Ok((&text[block_start..block_end], block_start, body_start))
}

/// Where the line that closes the front matter starts, and where the body after it starts.
/// The block ends at the first line that is only the delimiter (gray_matter trims the
/// block, so it is found again inside those lines for errors to point at real lines).
fn closing_line(path: &Path, text: &str, delimiter: &str) -> Result<(usize, usize), Diagnostic> {
    let after_open = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = after_open;
    for line in text[after_open..].split_inclusive('\n') {
        if line.trim_end() == delimiter {
            let body_start = text[offset..]
                .find('\n')
                .map_or(text.len(), |i| offset + i + 1);
            return Ok((offset, body_start));
        }
        offset += line.len();
    }
    Err(Diagnostic::new(
        Kind::FrontMatter,
        path,
        format!("front matter opened with `{delimiter}` is never closed"),
    )
    .at(text, 1, 1)
    .hint(format!(
        "add a line with only `{delimiter}` after the last front matter field"
    )))
}

/// A parse error with its position inside the block (byte offset) or as line/column.
struct BlockError {
    message: String,
    position: Position,
}

enum Position {
    Offset(usize),
    LineCol(usize, usize),
    Unknown,
}

impl BlockError {
    fn into_diagnostic(self, path: &Path, text: &str, block_start: usize) -> Diagnostic {
        let (line, col) = match self.position {
            Position::Offset(o) => line_col(text, block_start + o),
            Position::LineCol(l, c) => (line_col(text, block_start).0 + l - 1, c),
            Position::Unknown => (line_col(text, block_start).0, 1),
        };
        let source_line = text.lines().nth(line - 1).unwrap_or("");
        let (kind, hint) = classify(&self.message, top_level_key(text, line), source_line);
        Diagnostic::new(kind, path, self.message)
            .at(text, line, col)
            .hint(hint)
    }
}

/// The top-level key that owns `line` (1-based): the nearest unindented `key:` at or above it.
fn top_level_key(text: &str, line: usize) -> &str {
    text.lines()
        .take(line)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find(|l| !l.is_empty() && !l.starts_with([' ', '\t', '-']))
        .and_then(|l| l.split([':', '=']).next())
        .map_or("", |k| k.trim().trim_matches('"'))
}

/// How to write a key wisdom reads, for errors and warnings about its type.
pub fn field_hint(key: &str) -> Option<String> {
    match key.to_ascii_lowercase().as_str() {
        "tags" | "tag" | "aliases" | "alias" | "keywords" | "images" | "image" | "cssclasses"
        | "cssclass" => Some(format!(
            "write {key} as a list of strings: {key}: [\"ai\", \"models\"]"
        )),
        "draft" | "publish" => Some(format!("write {key}: true or {key}: false")),
        "weight" => Some("write weight as a whole number, e.g. weight: 10".into()),
        "title" | "summary" | "description" | "slug" | "url" | "permalink" | "linktitle"
        | "layout" => Some(format!(
            "write {key} as text, quoted if it contains a colon"
        )),
        _ => None,
    }
}

fn classify(message: &str, key: &str, line: &str) -> (Kind, String) {
    if message.contains(NOT_A_DATE) {
        return (
            Kind::Date,
            "write dates as 2025-12-24, 2025-12-24T10:00:00+05:30 or 2025-12-24T10:00:00 Europe/Paris (an IANA zone name)".into(),
        );
    }
    if line.starts_with('\t') || line.contains(":\t") {
        return (
            Kind::FrontMatter,
            "YAML indentation must use spaces, not tabs".into(),
        );
    }
    match field_hint(key) {
        Some(h) if message.contains("invalid type") => (Kind::FieldType, h),
        _ => (
            Kind::FrontMatter,
            "check the syntax near this position; quote values that contain `: `, `#` or start with `[`, `{`, `*`, `&`".into(),
        ),
    }
}

fn parse_yaml(block: &str) -> Result<FrontMatter, BlockError> {
    if block.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    // YAML 1.2's booleans, as Hugo's and Obsidian's parsers read them: `tags: [y, no]` are
    // words, not `true` and `false`. `draft` and `publish` still take `yes` and `no`.
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options::<FrontMatter>(block, options).map_err(|e| {
        let position = e.location().map_or(Position::Unknown, |l| {
            Position::LineCol(l.line() as usize, l.column() as usize)
        });
        BlockError {
            message: yaml_message(&e),
            position,
        }
    })
}

/// serde-saphyr's message without its own location suffix and snippet (we print our own).
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let full = e.without_snippet().to_string();
    let first = full.lines().next().unwrap_or("").trim();
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

fn parse_toml(block: &str) -> Result<FrontMatter, BlockError> {
    toml::from_str::<FrontMatter>(block).map_err(|e| BlockError {
        message: e.message().trim().to_string(),
        position: e
            .span()
            .map_or(Position::Unknown, |s| Position::Offset(s.start)),
    })
}

fn parse_json<'a>(path: &Path, text: &'a str) -> Result<Parsed<'a>, Diagnostic> {
    let start = text.len() - text.trim_start().len();
    let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter::<FrontMatter>();
    match stream.next() {
        Some(Ok(front)) => {
            let end = start + stream.byte_offset();
            let body_start = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
            Ok(Parsed {
                front,
                body: &text[body_start..],
                body_line: line_col(text, body_start).0,
            })
        }
        Some(Err(e)) => {
            let err = BlockError {
                message: strip_json_position(&e.to_string()),
                position: Position::LineCol(e.line(), e.column()),
            };
            Err(err.into_diagnostic(path, text, start))
        }
        None => Ok(Parsed {
            front: FrontMatter::default(),
            body: text,
            body_line: 1,
        }),
    }
}

fn strip_json_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

const NOT_A_DATE: &str = "is not a date";

impl<'de> Deserialize<'de> for FrontMatter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(FrontMatterVisitor)
    }
}

struct FrontMatterVisitor;

impl<'de> Visitor<'de> for FrontMatterVisitor {
    type Value = FrontMatter;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of front matter fields such as title, date and tags")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FrontMatter, A::Error> {
        let mut fm = FrontMatter::default();
        while let Some(key) = map.next_key::<String>()? {
            // A key that decides whether or when a note is published is read strictly: a
            // guess could publish a private note. Any other of another type is ignored with a
            // warning, as the tools the notes come from ignore keys they do not use.
            let lowered = key.to_ascii_lowercase();
            let mut lenient = Lenient {
                key: &key,
                ignored: &mut fm.ignored,
            };
            match lowered.as_str() {
                "title" => fm.title = lenient.read::<Text, A>(&mut map)?.map(|t| t.0),
                "date" => fm.date = map.next_value::<Option<DateValue>>()?.map(|d| d.0),
                "lastmod" | "updated" => {
                    fm.lastmod = map.next_value::<Option<DateValue>>()?.map(|d| d.0)
                }
                "draft" => fm.draft = map.next_value::<Option<Flag>>()?.is_some_and(|f| f.0),
                // Obsidian also reads the singular keys, and tags written with their `#`.
                "tags" | "tag" => {
                    fm.tags = lenient
                        .list(&mut map)?
                        .into_iter()
                        .map(|t| t.strip_prefix('#').map(str::to_string).unwrap_or(t))
                        .collect()
                }
                "aliases" | "alias" => fm.aliases = lenient.list(&mut map)?,
                "summary" => fm.summary = lenient.read::<Text, A>(&mut map)?.map(|t| t.0),
                "description" => fm.description = lenient.read::<Text, A>(&mut map)?.map(|t| t.0),
                "slug" => fm.slug = lenient.read::<Text, A>(&mut map)?.map(|t| t.0),
                "weight" => fm.weight = lenient.read::<i64, A>(&mut map)?,
                "url" | "permalink" => fm.url = lenient.read::<Text, A>(&mut map)?.map(|t| t.0),
                "publishdate" | "pubdate" => {
                    fm.publish_date = map.next_value::<Option<DateValue>>()?.map(|d| d.0)
                }
                "expirydate" | "unpublishdate" => {
                    fm.expiry_date = map.next_value::<Option<DateValue>>()?.map(|d| d.0)
                }
                "publish" => fm.publish = map.next_value::<Option<Flag>>()?.map(|f| f.0),
                "linktitle" => fm.link_title = lenient.read::<Text, A>(&mut map)?.map(|t| t.0),
                "layout" => fm.layout = lenient.read::<Text, A>(&mut map)?.map(|t| t.0),
                "cssclasses" | "cssclass" => fm.css_classes = lenient.list(&mut map)?,
                "keywords" => fm.keywords = lenient.list(&mut map)?,
                // Hugo's `images`, and `image` as Obsidian Publish and many themes write it.
                "images" | "image" => fm.images = lenient.list(&mut map)?,
                _ => {
                    let value = map.next_value::<Value>()?;
                    fm.extra.insert(key, value);
                }
            }
        }
        Ok(fm)
    }
}

/// Reads a key's value as the type wisdom reads it there, or, when it is of another type,
/// notes the key as ignored and goes on.
struct Lenient<'k> {
    key: &'k str,
    ignored: &'k mut Vec<String>,
}

impl Lenient<'_> {
    fn read<'de, T, A>(&mut self, map: &mut A) -> Result<Option<T>, A::Error>
    where
        T: for<'v> Deserialize<'v>,
        A: MapAccess<'de>,
    {
        let value = map.next_value::<Value>()?;
        match Option::<T>::deserialize(&value) {
            Ok(read) => Ok(read),
            Err(_) => {
                self.ignored.push(self.key.to_string());
                Ok(None)
            }
        }
    }

    /// A list of texts (a single text is a list of one).
    fn list<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<Vec<String>, A::Error> {
        Ok(self
            .read::<TextList, A>(map)?
            .map_or_else(Vec::new, |l| l.0))
    }
}

/// A scalar read as text: `title: 2024` is the title "2024", not a type error.
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor).map(Text)
    }
}

struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// A yes-or-no key: `true`/`false`, and YAML 1.1's `yes`/`no`, `on`/`off`, `y`/`n` (in
/// any case), which older front matter uses.
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FlagVisitor).map(Flag)
    }
}

struct FlagVisitor;

impl Visitor<'_> for FlagVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("true or false")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        match v.to_ascii_lowercase().as_str() {
            "yes" | "y" | "on" | "true" => Ok(true),
            "no" | "n" | "off" | "false" => Ok(false),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

/// One string or a list of strings (`tags: ai` or `tags: [ai, models]`).
struct TextList(Vec<String>);

impl<'de> Deserialize<'de> for TextList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextListVisitor).map(TextList)
    }
}

struct TextListVisitor;

impl<'de> Visitor<'de> for TextListVisitor {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or a list of strings")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
        Ok(vec![v.to_string()])
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element::<Text>()? {
            out.push(item.0);
        }
        Ok(out)
    }
}

/// A date as text (YAML, JSON) or as a TOML datetime.
struct DateValue(Date);

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateVisitor).map(DateValue)
    }
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date such as 2025-12-24 or 2025-12-24T10:00:00+05:30")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
        Date::parse(v).map_err(|e| match e {
            DateError::NotADate => E::custom(format!("`{v}` {NOT_A_DATE}")),
            DateError::UnknownZone(zone) => E::custom(format!(
                "`{v}` {NOT_A_DATE}: `{zone}` is not a known time zone"
            )),
        })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Date, E> {
        Err(E::custom(format!("`{v}` {NOT_A_DATE}")))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Date, E> {
        Err(E::custom(format!("`{v}` {NOT_A_DATE}")))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
        // toml hands its datetimes to serde as a one-entry map.
        let Some((_, text)) = map.next_entry::<String, String>()? else {
            return Err(de::Error::custom(format!("a map {NOT_A_DATE}")));
        };
        self.visit_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Parsed<'_> {
        parse(Path::new("n.md"), text).unwrap()
    }

    fn err(text: &str) -> Diagnostic {
        parse(Path::new("n.md"), text).unwrap_err()
    }

    #[test]
    fn skipping_the_front_matter_finds_the_body_where_parsing_does() {
        for text in [
            "---\ntitle: A\ntags: [x]\n---\nBody\n",
            "---\ntitle: A\n---",
            "---\n---\n\nBody after a blank line\n",
            "+++\ntitle = \"A\"\n+++\nBody\n",
            "{\"title\": \"A\"}\nBody\n",
            "No front matter\n---\nnot one either\n",
        ] {
            let parsed = ok(text);
            let start = text.len() - parsed.body.len();
            let skipped = body_start(Path::new("n.md"), text).unwrap();
            assert_eq!(skipped, (start, parsed.body_line), "{text:?}");
        }
        let unclosed = body_start(Path::new("n.md"), "---\ntitle: A\n").unwrap_err();
        assert!(
            unclosed.message.contains("never closed"),
            "{}",
            unclosed.message
        );
    }

    #[test]
    fn yaml_toml_and_json_give_the_same_fields() {
        let yaml = ok(
            "---\ntitle: \"A: b\"\ndate: 2025-12-24\ntags: [\"ai\", models]\nmodel: x\n---\nBody\n",
        );
        let toml = ok(
            "+++\ntitle = \"A: b\"\ndate = 2025-12-24\ntags = [\"ai\", \"models\"]\nmodel = \"x\"\n+++\nBody\n",
        );
        let json = ok(
            "{\"title\": \"A: b\", \"date\": \"2025-12-24\", \"tags\": [\"ai\", \"models\"], \"model\": \"x\"}\nBody\n",
        );
        for p in [&yaml, &toml, &json] {
            assert_eq!(p.front.title.as_deref(), Some("A: b"));
            assert_eq!(p.front.date, Date::parse("2025-12-24").ok());
            assert_eq!(p.front.tags, ["ai", "models"]);
            assert_eq!(p.front.extra["model"], "x");
            assert_eq!(p.body, "Body\n");
        }
        assert_eq!(yaml.body_line, 7);
        assert_eq!(json.body_line, 2);
    }

    #[test]
    fn one_tag_as_a_string_and_null_fields() {
        let p = ok("---\ntags: ai\ntitle:\n---\n");
        assert_eq!(p.front.tags, ["ai"]);
        assert_eq!(p.front.title, None);
    }

    #[test]
    fn yaml_1_1_words_are_words_but_draft_and_publish_take_yes_and_no() {
        let p = ok("---\ntags: [y, no, On]\ncountry: NO\ndraft: yes\npublish: off\n---\n");
        assert_eq!(p.front.tags, ["y", "no", "On"]);
        assert_eq!(p.front.extra["country"], "NO");
        assert!(p.front.draft);
        assert_eq!(p.front.publish, Some(false));
        assert!(!ok("---\ndraft: false\n---\n").front.draft);
        let d = err("---\ndraft: maybe\n---\n");
        assert!(d.message.contains("true or false"), "{}", d.message);
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let p = ok("# Hello\n");
        assert_eq!(p.body, "# Hello\n");
        assert_eq!(p.front, FrontMatter::default());
    }

    #[test]
    fn unterminated_block_is_an_error_not_a_body() {
        let d = err("---\ntitle: x\n\nBody");
        assert_eq!(d.kind, Kind::FrontMatter);
        assert_eq!(d.line, Some(1));
        assert!(d.message.contains("never closed"));
    }

    #[test]
    fn bad_date_points_at_its_line() {
        let d = err("---\ntitle: x\ndate: yesterday\n---\n");
        assert_eq!(d.kind, Kind::Date);
        assert_eq!(d.line, Some(3));
        assert!(d.message.contains("yesterday"), "{}", d.message);
    }

    #[test]
    fn obsidians_singular_keys_and_hashed_tags() {
        let fm = parse(
            Path::new("a.md"),
            "---\nTags: [\"#ai\", models]\nalias: Other name\n---\n",
        )
        .unwrap()
        .front;
        assert_eq!(fm.tags, ["ai", "models"]);
        assert_eq!(fm.aliases, ["Other name"]);
        let fm = parse(Path::new("a.md"), "---\ntag: \"#one\"\n---\n")
            .unwrap()
            .front;
        assert_eq!(fm.tags, ["one"]);
    }

    #[test]
    fn a_wrong_publishing_type_is_an_error_at_its_line_and_other_keys_are_ignored() {
        let d = err("---\ntitle: x\ndraft: {a: 1}\n---\n");
        assert_eq!(d.kind, Kind::FieldType, "{d:?}");
        assert_eq!(d.line, Some(3));
        let fm = parse(
            Path::new("a.md"),
            "---\ntitle: x\ntags: {a: 1}\nAlias: true\nweight: 2\n---\n",
        )
        .unwrap()
        .front;
        assert_eq!(fm.ignored, ["tags", "Alias"]);
        assert!(fm.tags.is_empty() && fm.aliases.is_empty());
        assert_eq!((fm.title.as_deref(), fm.weight), (Some("x"), Some(2)));
    }

    #[test]
    fn tab_indentation_is_explained() {
        let d = err("---\ntitle: x\ntags:\n\t- a\n---\n");
        assert_eq!(d.kind, Kind::FrontMatter, "{d:?}");
        assert_eq!(d.line, Some(4), "{d:?}");
        assert!(d.hint.as_deref().unwrap().contains("tabs"));
    }

    #[test]
    fn malformed_toml_and_json_name_the_line() {
        let d = err("+++\ntitle = \"x\"\ndate = \n+++\n");
        assert_eq!((d.kind, d.line), (Kind::FrontMatter, Some(3)), "{d:?}");
        let d = err("{\"title\": \"x\",\n \"tags\": [1,}\n");
        assert_eq!((d.kind, d.line), (Kind::FrontMatter, Some(2)), "{d:?}");
    }
}

#[cfg(test)]
mod split_tests {
    use super::*;

    #[test]
    fn a_delimiter_inside_a_line_does_not_close_the_block() {
        let text = "---\ntitle: \"a\n---b\"\ntags: [x]\n---\nBody\n";
        let parsed = parse(Path::new("a.md"), text).unwrap();
        assert_eq!(parsed.front.title.as_deref(), Some("a ---b"));
        assert_eq!(parsed.body, "Body\n");
    }

    #[test]
    fn fuzz_regression_bom_after_the_block_is_no_char_boundary_panic() {
        let bytes = include_bytes!("../../tests/fixtures/fuzz/front_matter-bom.md");
        let text = String::from_utf8_lossy(bytes);
        let _ = parse(Path::new("a.md"), &text);
    }
}
