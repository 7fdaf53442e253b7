//! Dates from front matter, read with jiff: `2025-12-24`, RFC 3339 (`2025-12-24T10:00:00+05:30`,
//! `…Z`, a space for the `T`), local times (`2025-12-24 10:00`), and times in a named zone
//! (`2025-12-24T10:00:00 Europe/Paris` or RFC 9557's `…[Europe/Paris]`). A date written
//! without offset or zone is on the site's clock (`timezone` in `wisdom.toml`, UTC unless
//! set), as Hugo reads it.

use std::fmt::Write;

use jiff::civil::DateTime;
use jiff::fmt::temporal::Pieces;
use jiff::tz::{Offset, TimeZone};

/// A date as written: the day and time on the note's clock, and that clock's offset. Equal
/// only to the same date written the same way (`10:00+01:00` and `09:00Z` are one instant
/// but show differently); order dates by [`Date::timestamp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    civil: DateTime,
    offset: Offset,
    /// Written with no offset or zone: on the site's clock, set by [`Date::in_zone`].
    floating: bool,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    NotADate,
    UnknownZone(String),
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

impl Date {
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let text = text.trim();
        let (written, zone_name) = split_zone_name(text);
        let pieces = Pieces::parse(written).map_err(|_| DateError::NotADate)?;
        let civil = pieces.date().to_datetime(pieces.time().unwrap_or_default());
        let zone = match zone_name {
            Some(name) => Some(zone_named(name)?),
            None => pieces
                .to_time_zone()
                .map_err(|_| unknown_annotation(&pieces))?,
        };
        let date = match (pieces.offset(), zone) {
            (Some(offset), _) => Date {
                civil,
                offset: offset.to_numeric_offset(),
                floating: false,
            },
            (None, Some(zone)) => Date::on_clock(civil, &zone).ok_or(DateError::NotADate)?,
            (None, None) => Date {
                civil,
                offset: Offset::UTC,
                floating: true,
            },
        };
        Ok(date)
    }

    /// This date on the site's clock, if it was written without offset or zone. A local
    /// time that the clock skips (daylight saving) moves on by the gap, and one that it
    /// repeats is the first, as RFC 5545 and Temporal's "compatible" do.
    pub fn in_zone(self, zone: &TimeZone) -> Date {
        if !self.floating {
            return self;
        }
        Date::on_clock(self.civil, zone).unwrap_or(self)
    }

    fn on_clock(civil: DateTime, zone: &TimeZone) -> Option<Date> {
        let instant = zone.to_ambiguous_timestamp(civil).compatible().ok()?;
        Some(Date::at(instant, zone))
    }

    /// The date and time of an instant on a clock, as `wisdom new` writes it.
    pub fn at(timestamp: jiff::Timestamp, zone: &TimeZone) -> Date {
        let offset = zone.to_offset(timestamp);
        Date {
            civil: offset.to_datetime(timestamp),
            offset,
            floating: false,
        }
    }

    /// Seconds since the Unix epoch.
    pub fn timestamp(&self) -> i64 {
        self.offset
            .to_timestamp(self.civil)
            .map_or(0, |t| t.as_second())
    }

    /// `2025-12-24T10:00:00+05:30`, for `datetime` attributes and JSON-LD.
    pub fn rfc3339(&self) -> String {
        let mut s = String::with_capacity(25);
        self.push_ymd(&mut s);
        s.push('T');
        self.push_hms(&mut s);
        push_offset(&mut s, self.offset, true);
        s
    }

    /// `Wed, 24 Dec 2025 10:00:00 +0530`, as RSS wants.
    pub fn rfc2822(&self) -> String {
        let c = self.civil;
        let weekday = WEEKDAYS[c.weekday().to_sunday_zero_offset() as usize];
        let mut s = String::with_capacity(31);
        s.push_str(weekday);
        s.push_str(", ");
        push_padded(&mut s, c.day().into(), 2);
        s.push(' ');
        s.push_str(MONTHS[c.month() as usize - 1]);
        s.push(' ');
        push_padded(&mut s, c.year().into(), 4);
        s.push(' ');
        self.push_hms(&mut s);
        s.push(' ');
        push_offset(&mut s, self.offset, false);
        s
    }

    /// `24 Dec 2025` in English, `24. Dez. 2025` in German: for people, in the site's
    /// `language` (see [`super::locale`]).
    pub fn human(&self, language: &str) -> String {
        let c = self.civil;
        super::locale::human_date(
            language,
            i32::from(c.year()),
            c.month() as u8,
            c.day() as u8,
        )
    }

    /// `2025-12-24`.
    pub fn ymd(&self) -> String {
        let mut s = String::with_capacity(10);
        self.push_ymd(&mut s);
        s
    }

    fn push_ymd(&self, s: &mut String) {
        let c = self.civil;
        push_padded(s, c.year().into(), 4);
        s.push('-');
        push_padded(s, c.month().into(), 2);
        s.push('-');
        push_padded(s, c.day().into(), 2);
    }

    fn push_hms(&self, s: &mut String) {
        let c = self.civil;
        push_padded(s, c.hour().into(), 2);
        s.push(':');
        push_padded(s, c.minute().into(), 2);
        s.push(':');
        push_padded(s, c.second().into(), 2);
    }

    /// Formats with strftime directives (`%Y`, `%B`, `%-d`, …; English names), for the
    /// templates' `date` filter.
    pub fn strftime(&self, format: &str) -> Result<String, String> {
        let zoned = self
            .offset
            .to_timestamp(self.civil)
            .map_err(|e| e.to_string())?
            .to_zoned_datetime(TimeZone::fixed(self.offset));
        let mut out = String::new();
        write!(out, "{}", zoned.strftime(format)).map_err(|_| {
            format!("`{format}` is not a date format; see the strftime directives of jiff")
        })?;
        Ok(out)
    }
}

/// `2025-12-24T10:00:00 Europe/Paris` → the time and `Europe/Paris`. A trailing word is a
/// zone name when it is not a time or an offset (`2025-12-24 10:00` has none).
fn split_zone_name(text: &str) -> (&str, Option<&str>) {
    match text.rsplit_once(' ') {
        Some((time, name))
            if time.len() >= 10
                && name.starts_with(|c: char| c.is_ascii_alphabetic())
                && !name.eq_ignore_ascii_case("z") =>
        {
            (time.trim_end(), Some(name))
        }
        _ => (text, None),
    }
}

fn zone_named(name: &str) -> Result<TimeZone, DateError> {
    TimeZone::get(name).map_err(|_| DateError::UnknownZone(name.to_string()))
}

fn unknown_annotation(pieces: &Pieces) -> DateError {
    use jiff::fmt::temporal::TimeZoneAnnotationKind;
    let name = match pieces.time_zone_annotation().map(|a| a.kind()) {
        Some(TimeZoneAnnotationKind::Named(name)) => name.as_str().to_string(),
        _ => String::new(),
    };
    DateError::UnknownZone(name)
}

fn push_offset(s: &mut String, offset: Offset, colon: bool) {
    let seconds = offset.seconds();
    s.push(if seconds < 0 { '-' } else { '+' });
    let minutes = seconds.unsigned_abs() / 60;
    push_padded(s, (minutes / 60).into(), 2);
    if colon {
        s.push(':');
    }
    push_padded(s, (minutes % 60).into(), 2);
}

/// `n` in at least `width` digits, as `{:0width$}` writes it, without the formatter: the
/// dates of every card, link list and feed item are written here.
fn push_padded(s: &mut String, n: i64, width: usize) {
    if n < 0 {
        let _ = write!(s, "{n:0width$}");
        return;
    }
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let start = at.min(digits.len().saturating_sub(width));
    s.extend(digits[start..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap().in_zone(&TimeZone::UTC)
    }

    #[test]
    fn numbers_are_padded_as_the_formatter_pads_them() {
        let numbers = [0, 7, 42, 999, 2025, 12345, -1, -42, -2025];
        let numbers = numbers.into_iter().chain([i64::MAX, i64::MIN]);
        for n in numbers {
            for width in [0, 2, 4] {
                let mut s = String::new();
                push_padded(&mut s, n, width);
                assert_eq!(s, format!("{n:0width$}"));
            }
        }
    }

    #[test]
    fn parses_the_seed_date_with_its_offset() {
        let d = date("2025-12-24T10:00:00+05:30");
        assert_eq!(d.rfc3339(), "2025-12-24T10:00:00+05:30");
        assert_eq!(d.rfc2822(), "Wed, 24 Dec 2025 10:00:00 +0530");
        assert_eq!(d.timestamp(), 1_766_550_600);
        assert_eq!(d.human("en"), "24 Dec 2025");
    }

    #[test]
    fn bare_dates_and_zulu() {
        assert_eq!(date("2024-02-29").timestamp(), 1_709_164_800);
        assert_eq!(date("2024-02-29").rfc3339(), "2024-02-29T00:00:00+00:00");
        assert_eq!(date("1970-01-01T00:00:00Z").timestamp(), 0);
        assert_eq!(
            date("2020-01-01 12:00:00.123-07:00").rfc3339(),
            "2020-01-01T12:00:00-07:00"
        );
        assert_eq!(date("2020-01-01t12:00z").timestamp(), 1_577_880_000);
    }

    #[test]
    fn named_zones_with_a_space_or_in_brackets() {
        for text in [
            "2025-01-01T10:00:00 Europe/Paris",
            "2025-01-01 10:00 Europe/Paris",
            "2025-01-01T10:00:00[Europe/Paris]",
        ] {
            let d = date(text);
            assert_eq!(d.rfc3339(), "2025-01-01T10:00:00+01:00", "{text}");
        }
        // Summer time is the zone's business.
        assert_eq!(
            date("2025-07-01T10:00:00 Europe/Paris").rfc3339(),
            "2025-07-01T10:00:00+02:00"
        );
        assert_eq!(
            Date::parse("2025-01-01T10:00:00 Europe/Pariss"),
            Err(DateError::UnknownZone("Europe/Pariss".into()))
        );
        assert!(matches!(
            Date::parse("2025-01-01T10:00:00[Mars/Olympus]"),
            Err(DateError::UnknownZone(_))
        ));
    }

    #[test]
    fn dates_without_a_zone_are_on_the_sites_clock() {
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        let d = Date::parse("2025-12-24").unwrap().in_zone(&tokyo);
        assert_eq!(d.rfc3339(), "2025-12-24T00:00:00+09:00");
        assert_eq!(d.ymd(), "2025-12-24");
        // Written with an offset: the site's zone changes nothing.
        let fixed = Date::parse("2025-12-24T10:00:00+05:30").unwrap();
        assert_eq!(fixed.in_zone(&tokyo), fixed);
        // A local time the clock skips (Paris, 2025-03-30 02:30) moves on by the hour.
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let skipped = Date::parse("2025-03-30T02:30").unwrap().in_zone(&paris);
        assert_eq!(skipped.rfc3339(), "2025-03-30T03:30:00+02:00");
        assert_eq!(
            skipped.timestamp(),
            date("2025-03-30T01:30:00Z").timestamp()
        );
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in [
            "yesterday",
            "2023-02-29",
            "2025-13-01",
            "2025-12-24T25:00:00Z",
            "2025-12-24T10:00:00+5",
            "2025-12-24X",
            "",
            "2025-1-1",
        ] {
            assert_eq!(Date::parse(bad), Err(DateError::NotADate), "{bad}");
        }
    }

    #[test]
    fn instants_round_trip_on_any_clock() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        for t in [0, 1_766_550_600, 951_782_400, -86_400] {
            let instant = jiff::Timestamp::from_second(t).unwrap();
            assert_eq!(Date::at(instant, &TimeZone::UTC).timestamp(), t);
            let d = Date::at(instant, &paris);
            assert_eq!(d.timestamp(), t);
            assert_eq!(Date::parse(&d.rfc3339()).unwrap(), d);
        }
        let leap_day = jiff::Timestamp::from_second(951_782_400).unwrap();
        assert_eq!(Date::at(leap_day, &TimeZone::UTC).ymd(), "2000-02-29");
    }

    #[test]
    fn orders_by_instant_not_by_text() {
        let a = date("2025-01-01T10:00:00+05:30");
        let b = date("2025-01-01T06:00:00Z");
        assert!(a.timestamp() < b.timestamp());
        // Equal only as written: one instant in two offsets shows two different times.
        let c = date("2025-01-01T04:30:00Z");
        assert_eq!(a.timestamp(), c.timestamp());
        assert_ne!(a, c);
    }

    #[test]
    fn strftime_for_templates() {
        let d = date("2025-12-24T10:00:00+05:30");
        assert_eq!(d.strftime("%B %-d, %Y").unwrap(), "December 24, 2025");
        assert_eq!(d.strftime("%Y").unwrap(), "2025");
    }
}
