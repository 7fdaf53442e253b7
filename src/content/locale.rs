//! Dates for people in the site's `language`: CLDR's medium date pattern and abbreviated
//! month names for the languages notes are most often written in. A table rather than ICU:
//! ICU's data and formatter cost about 40 s of build and megabytes of binary for what is,
//! here, one line per language. A language not listed is shown as English is.

/// `{d}` the day, `{m}` the abbreviated month, `{n}` the month's number, `{y}` the year.
struct Locale {
    pattern: &'static str,
    months: [&'static str; 12],
}

const NO_NAMES: [&str; 12] = [""; 12];

const ENGLISH: Locale = Locale {
    pattern: "{d} {m} {y}",
    months: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
};

/// By primary language subtag (`de` for `de-CH`), from CLDR 46's `dateFormatLength
/// medium` and `monthWidth abbreviated` (format context).
fn locale(language: &str) -> &'static Locale {
    let primary = language.split(['-', '_']).next().unwrap_or("");
    // Lower-cased on the stack: every date shown on every page asks.
    let mut lower = [0u8; 3];
    let lower = match primary.len() {
        2 | 3 => {
            for (l, b) in lower.iter_mut().zip(primary.bytes()) {
                *l = b.to_ascii_lowercase();
            }
            std::str::from_utf8(&lower[..primary.len()]).unwrap_or("")
        }
        _ => "",
    };
    match lower {
        "de" => &Locale {
            pattern: "{d}. {m} {y}",
            months: [
                "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.",
                "Nov.", "Dez.",
            ],
        },
        "fr" => &Locale {
            pattern: "{d} {m} {y}",
            months: [
                "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                "nov.", "déc.",
            ],
        },
        "es" => &Locale {
            pattern: "{d} {m} {y}",
            months: [
                "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
            ],
        },
        "it" => &Locale {
            pattern: "{d} {m} {y}",
            months: [
                "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
            ],
        },
        "pt" => &Locale {
            pattern: "{d} de {m} de {y}",
            months: [
                "jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.",
                "nov.", "dez.",
            ],
        },
        "nl" => &Locale {
            pattern: "{d} {m} {y}",
            months: [
                "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
            ],
        },
        "sv" => &Locale {
            pattern: "{d} {m} {y}",
            months: [
                "jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.",
                "nov.", "dec.",
            ],
        },
        "pl" => &Locale {
            pattern: "{d} {m} {y}",
            months: [
                "sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru",
            ],
        },
        "tr" => &Locale {
            pattern: "{d} {m} {y}",
            months: [
                "Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas", "Ara",
            ],
        },
        "ru" => &Locale {
            pattern: "{d} {m} {y} г.",
            months: [
                "янв.",
                "февр.",
                "мар.",
                "апр.",
                "мая",
                "июн.",
                "июл.",
                "авг.",
                "сент.",
                "окт.",
                "нояб.",
                "дек.",
            ],
        },
        "uk" => &Locale {
            pattern: "{d} {m} {y} р.",
            months: [
                "січ.",
                "лют.",
                "бер.",
                "квіт.",
                "трав.",
                "черв.",
                "лип.",
                "серп.",
                "вер.",
                "жовт.",
                "лист.",
                "груд.",
            ],
        },
        "ja" | "zh" => &Locale {
            pattern: "{y}年{n}月{d}日",
            months: NO_NAMES,
        },
        "ko" => &Locale {
            pattern: "{y}. {n}. {d}.",
            months: NO_NAMES,
        },
        _ => &ENGLISH,
    }
}

/// `24 Dec 2025` (`en`), `24. Dez. 2025` (`de`), `2025年12月24日` (`ja`).
pub fn human_date(language: &str, year: i32, month: u8, day: u8) -> String {
    use std::fmt::Write;
    let locale = locale(language);
    let name = locale.months[usize::from(month.clamp(1, 12)) - 1];
    // One pass over the pattern: every card and link list of every page shows dates.
    let mut shown = String::with_capacity(locale.pattern.len() + 8);
    let mut rest = locale.pattern;
    while let Some(open) = rest.find('{') {
        shown.push_str(&rest[..open]);
        rest = &rest[open..];
        let _ = match rest.get(..3) {
            Some("{d}") => write!(shown, "{day}"),
            Some("{m}") => write!(shown, "{name}"),
            Some("{n}") => write!(shown, "{month}"),
            Some("{y}") => write!(shown, "{year}"),
            _ => {
                shown.push('{');
                rest = &rest[1..];
                continue;
            }
        };
        rest = &rest[3..];
    }
    shown.push_str(rest);
    shown
}

#[cfg(test)]
mod tests {
    use super::human_date;

    #[test]
    fn dates_read_as_each_language_writes_them() {
        let cases = [
            ("en", "24 Dec 2025"),
            ("en-US", "24 Dec 2025"),
            ("de-CH", "24. Dez. 2025"),
            ("fr", "24 déc. 2025"),
            ("pt_BR", "24 de dez. de 2025"),
            ("ru", "24 дек. 2025 г."),
            ("ja", "2025年12月24日"),
            ("ko", "2025. 12. 24."),
            ("xx", "24 Dec 2025"),
            ("", "24 Dec 2025"),
            ("DE-at", "24. Dez. 2025"),
            ("zh-Hant-TW", "2025年12月24日"),
            ("éa", "24 Dec 2025"),
            ("ΣΣ", "24 Dec 2025"),
        ];
        for (language, shown) in cases {
            assert_eq!(human_date(language, 2025, 12, 24), shown, "{language}");
        }
        assert_eq!(human_date("de", 2025, 3, 1), "1. März 2025");
    }
}
