//! The words the built-in theme shows, in the site's `language`: the tables in the
//! repository's `i18n/` (18 languages, built in; English for any other), each word replaced
//! by the site's own `i18n/<language>.toml` where it gives one. Templates, the built-in ones
//! and a site's, read them with `t(key="linked_from")`, a count with `t(key="notes", n=3)`
//! (the form the language's plural rules pick), and other numbers or links by name
//! (`t(key="page_of", n=2, total=9)` fills `{n}` and `{total}`). Words are HTML.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Kind};
use crate::layout::I18N_DIR;

macro_rules! languages {
    ($($code:literal),* $(,)?) => {
        &[$(($code, include_str!(concat!("../../i18n/", $code, ".toml")))),*]
    };
}

/// The built-in tables, by primary language subtag.
static BUILT_IN: &[(&str, &str)] = languages!(
    "en", "de", "fr", "es", "it", "pt", "nl", "sv", "pl", "tr", "ru", "uk", "ja", "zh", "ko", "ar",
    "he", "fa",
);

/// The plural categories a table of forms may give.
const FORMS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

#[derive(Debug, Clone, PartialEq)]
enum Word {
    Text(String),
    /// By plural category.
    Forms(BTreeMap<String, String>),
}

/// The words of one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Words {
    /// Primary subtag, lower case (`pt` for `pt-BR`): what plural rules go by.
    language: String,
    words: BTreeMap<String, Word>,
}

impl Default for Words {
    fn default() -> Words {
        Words::built_in("en")
    }
}

impl Words {
    /// English, with the built-in table of `language` over it.
    pub fn built_in(language: &str) -> Words {
        let language = primary(language);
        let table = |code: &str| BUILT_IN.iter().find(|(c, _)| *c == code).map(|(_, t)| *t);
        let shown = |code: &str| {
            Path::new("(built-in)")
                .join(I18N_DIR)
                .join(format!("{code}.toml"))
        };
        let mut words = parse(
            table("en").expect("English is built in"),
            &shown("en"),
            None,
        )
        .expect("the built-in tables parse (a unit test reads each)");
        if let Some(text) = table(&language) {
            let own = parse(text, &shown(&language), Some(&words)).expect("checked by a test");
            words.extend(own);
        }
        Words { language, words }
    }

    /// The words for `language`: built in, then the site's `i18n/<language>.toml` (or that
    /// of its primary subtag) over them; an unknown key or a value that is no text is an
    /// error at its line.
    pub fn load(root: &Path, language: &str) -> Result<Words, Diagnostic> {
        let words = Words::built_in(language);
        let candidates = [language.to_string(), primary(language)];
        let file = candidates
            .iter()
            .map(|name| PathBuf::from(I18N_DIR).join(format!("{name}.toml")))
            .find(|rel| root.join(rel).is_file());
        let Some(rel) = file else {
            return Ok(words);
        };
        let text = std::fs::read_to_string(root.join(&rel))
            .map_err(|e| Diagnostic::new(Kind::Config, &rel, e.to_string()))?;
        words.with_table(&text, &rel)
    }

    /// These words with a site's table (`text`, the file `rel`) over them.
    pub fn with_table(mut self, text: &str, rel: &Path) -> Result<Words, Diagnostic> {
        let own = parse(text, rel, Some(&self.words))?;
        self.words.extend(own);
        Ok(self)
    }

    /// The word for `key`, with `{n}` and the other `args` filled in; `None` for no such key.
    pub fn get(&self, key: &str, n: Option<i64>, args: &[(String, String)]) -> Option<String> {
        let text = match self.words.get(key)? {
            Word::Text(text) => text,
            Word::Forms(forms) => {
                let category = plural(&self.language, n.unwrap_or(0).unsigned_abs());
                forms
                    .get(category)
                    .or_else(|| forms.get("other"))
                    .or_else(|| forms.values().next())?
            }
        };
        let mut text = match n {
            Some(n) => text.replace("{n}", &n.to_string()),
            None => text.clone(),
        };
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        Some(text)
    }

    /// The words whose keys start with `prefix`, keyed without it, for a script to show
    /// (`{name}`s left as they are; a table of forms gives its `other` form).
    pub fn with_prefix(&self, prefix: &str) -> BTreeMap<&str, String> {
        self.words
            .keys()
            .filter_map(|key| Some((key.strip_prefix(prefix)?, self.get(key, None, &[])?)))
            .collect()
    }

    /// The keys there are, for an error's hint.
    pub fn keys(&self) -> Vec<&str> {
        self.words.keys().map(String::as_str).collect()
    }
}

/// `pt` for `pt-BR`, lower case.
fn primary(language: &str) -> String {
    let primary = language.split(['-', '_']).next().unwrap_or("");
    primary.to_ascii_lowercase()
}

/// A table's words; with `known`, each key must be one of those.
fn parse(
    text: &str,
    shown: &Path,
    known: Option<&BTreeMap<String, Word>>,
) -> Result<BTreeMap<String, Word>, Diagnostic> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let d = Diagnostic::new(Kind::Config, shown, e.message().to_string());
        match e.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                d.at_line(text, line)
            }
            None => d,
        }
    })?;
    let mut words = BTreeMap::new();
    for (key, value) in table {
        let error = |message: String| {
            let line = line_of(text, &key);
            Diagnostic::new(Kind::Config, shown, message).at(text, line, 1)
        };
        if let Some(known) = known
            && !known.contains_key(&key)
        {
            let keys: Vec<&str> = known.keys().map(String::as_str).collect();
            return Err(error(format!("`{key}` is no word of the theme"))
                .hint(format!("the words are {}", keys.join(", "))));
        }
        let word = match value {
            toml::Value::String(text) => Word::Text(text),
            toml::Value::Table(forms) => {
                let mut by_category = BTreeMap::new();
                for (category, form) in forms {
                    match (FORMS.contains(&category.as_str()), form) {
                        (true, toml::Value::String(form)) => {
                            by_category.insert(category, form);
                        }
                        _ => {
                            return Err(error(format!(
                                "`{key}.{category}`: a plural form is text, named one of {}",
                                FORMS.join(", ")
                            )));
                        }
                    }
                }
                Word::Forms(by_category)
            }
            _ => return Err(error(format!("`{key}` is not text"))),
        };
        words.insert(key, word);
    }
    Ok(words)
}

/// The line (from 1) where `key` is given.
fn line_of(text: &str, key: &str) -> usize {
    let starts = |line: &str| {
        let line = line.trim_start().trim_start_matches(['"', '\'']);
        line.strip_prefix(key).is_some_and(|rest| {
            rest.trim_start_matches(['"', '\''])
                .trim_start()
                .starts_with('=')
        })
    };
    text.lines().position(starts).map_or(1, |i| i + 1)
}

/// CLDR's cardinal plural category of `n` in `language` (by primary subtag), for the
/// languages built in; others as English.
fn plural(language: &str, n: u64) -> &'static str {
    let (ten, hundred) = (n % 10, n % 100);
    let slavic_few = (2..=4).contains(&ten) && !(12..=14).contains(&hundred);
    match language {
        "ja" | "zh" | "ko" => "other",
        "fr" | "fa" if n <= 1 => "one",
        "fr" | "fa" => "other",
        "ru" | "uk" if ten == 1 && hundred != 11 => "one",
        "ru" | "uk" if slavic_few => "few",
        "ru" | "uk" => "many",
        "pl" if n == 1 => "one",
        "pl" if slavic_few => "few",
        "pl" => "many",
        "ar" => match (n, hundred) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        "he" => match n {
            1 => "one",
            2 => "two",
            _ => "other",
        },
        _ if n == 1 => "one",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_table_parses_and_gives_every_word() {
        let english = Words::built_in("en");
        for (code, text) in BUILT_IN {
            let words = parse(text, Path::new(code), Some(&english.words)).unwrap();
            let missing: Vec<&String> = english
                .words
                .keys()
                .filter(|k| !words.contains_key(*k))
                .collect();
            assert!(missing.is_empty(), "{code} lacks {missing:?}");
        }
    }

    #[test]
    fn every_translation_fills_the_same_names_as_english() {
        let names = |text: &str| {
            let mut names: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|rest| Some(rest.split_once('}')?.0.to_string()))
                .collect();
            names.sort();
            names
        };
        let english = Words::built_in("en");
        for (code, _) in BUILT_IN {
            let words = Words::built_in(code);
            for key in english.keys() {
                let other = |w: &Words| w.get(key, Some(2), &[]).map(|t| names(&t));
                assert_eq!(other(&words), other(&english), "{code}: {key}");
            }
        }
    }

    #[test]
    fn a_script_gets_the_words_of_a_prefix() {
        let words = Words::built_in("de");
        let calculator = words.with_prefix("calc_");
        assert_eq!(calculator.get("model").map(String::as_str), Some("Modell"));
        assert!(calculator.contains_key("speed") && !calculator.contains_key("search"));
    }

    #[test]
    fn counts_take_the_languages_plural_forms() {
        let count = |language: &str, n: i64| {
            Words::built_in(language)
                .get("notes", Some(n), &[])
                .unwrap()
        };
        assert_eq!(count("en", 1), "1 note");
        assert_eq!(count("en-GB", 0), "0 notes");
        assert_eq!(count("fr", 0), "0 note");
        assert_eq!(
            [1, 3, 5, 11, 21, 22, 25].map(|n| count("ru", n)),
            [
                "1 заметка",
                "3 заметки",
                "5 заметок",
                "11 заметок",
                "21 заметка",
                "22 заметки",
                "25 заметок"
            ]
        );
        assert_eq!(
            [1, 2, 5, 22].map(|n| count("pl", n)),
            ["1 notatka", "2 notatki", "5 notatek", "22 notatki"]
        );
        assert_eq!(count("zh", 3), "3 篇笔记");
        assert_eq!(count("ar", 2), "ملاحظتان");
        assert_eq!(
            count("xx", 2),
            "2 notes",
            "a language not built in is shown in English"
        );
        let page = Words::built_in("de").get("page_of", Some(2), &[("total".into(), "9".into())]);
        assert_eq!(page.as_deref(), Some("Seite 2 von 9"));
    }

    #[test]
    fn a_sites_table_replaces_words_and_an_unknown_key_is_an_error_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(I18N_DIR)).unwrap();
        let file = dir.path().join(I18N_DIR).join("zh.toml");
        std::fs::write(&file, "# mine\nlinked_from = \"链接到这里\"\n").unwrap();
        let words = Words::load(dir.path(), "zh-CN").unwrap();
        assert_eq!(
            words.get("linked_from", None, &[]).as_deref(),
            Some("链接到这里")
        );
        assert_eq!(
            words.get("related_notes", None, &[]).as_deref(),
            Some("相关笔记")
        );

        std::fs::write(&file, "linked_from = \"x\"\n\nlinkd_from = \"y\"\n").unwrap();
        let error = Words::load(dir.path(), "zh").unwrap_err();
        assert_eq!(error.path, Path::new("i18n/zh.toml"));
        assert_eq!(error.line, Some(3));
        assert!(
            error.message.contains("`linkd_from` is no word"),
            "{error:?}"
        );
        std::fs::write(&file, "notes = { some = \"x\" }\n").unwrap();
        assert!(
            Words::load(dir.path(), "zh")
                .unwrap_err()
                .message
                .contains("plural form")
        );
        std::fs::write(&file, "notes = [1]\n").unwrap();
        assert!(
            Words::load(dir.path(), "zh")
                .unwrap_err()
                .message
                .contains("not text")
        );
        std::fs::write(&file, "notes = \n").unwrap();
        assert_eq!(Words::load(dir.path(), "zh").unwrap_err().line, Some(1));
    }
}
