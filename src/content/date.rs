//! Dates from front matter: RFC 3339 with an offset, or a bare `YYYY-MM-DD`.
//! Small and exact on purpose: a date library would cost more build time than this file.

use std::fmt::Write;

/// A date as written: equal only to the same date written the same way (`10:00+01:00` and
/// `09:00Z` are one instant but show differently). Order dates by [`Date::timestamp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    /// Minutes east of UTC; `None` for a bare date or a time without offset (read as UTC).
    offset_minutes: Option<i16>,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

impl Date {
    /// Accepts `2025-12-24`, `2025-12-24T10:00:00+05:30`, `…Z`, fractional seconds,
    /// and a space instead of `T` (as YAML timestamps allow).
    pub fn parse(text: &str) -> Option<Date> {
        let s = text.trim();
        let b = s.as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let mut date = Date {
            year: digits(&b[0..4])? as i32,
            month: digits(&b[5..7])? as u8,
            day: digits(&b[8..10])? as u8,
            hour: 0,
            minute: 0,
            second: 0,
            offset_minutes: None,
        };
        if !(1..=12).contains(&date.month)
            || date.day == 0
            || date.day > days_in_month(date.year, date.month)
        {
            return None;
        }
        let rest = &b[10..];
        if rest.is_empty() {
            return Some(date);
        }
        if !(rest[0] == b'T' || rest[0] == b't' || rest[0] == b' ') || rest.len() < 6 {
            return None;
        }
        let time = &rest[1..];
        date.hour = digits(&time[0..2])? as u8;
        if time[2] != b':' {
            return None;
        }
        date.minute = digits(&time[3..5])? as u8;
        let mut i = 5;
        if time.len() >= 8 && time[5] == b':' {
            date.second = digits(&time[6..8])? as u8;
            i = 8;
            if time.get(8) == Some(&b'.') {
                i = 9;
                while time.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                if i == 9 {
                    return None;
                }
            }
        }
        if date.hour > 23 || date.minute > 59 || date.second > 60 {
            return None;
        }
        let zone = std::str::from_utf8(&time[i..]).ok()?.trim_start();
        date.offset_minutes = match zone {
            "" => None,
            "Z" | "z" => Some(0),
            _ => Some(parse_offset(zone.as_bytes())?),
        };
        Some(date)
    }

    /// The UTC date and time of a Unix timestamp.
    pub fn from_timestamp(secs: i64) -> Date {
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        Date {
            year,
            month,
            day,
            hour: (rem / 3600) as u8,
            minute: (rem % 3600 / 60) as u8,
            second: (rem % 60) as u8,
            offset_minutes: Some(0),
        }
    }

    /// Seconds since the Unix epoch, in UTC.
    pub fn timestamp(&self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        let secs = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        secs - i64::from(self.offset_minutes.unwrap_or(0)) * 60
    }

    /// `2025-12-24T10:00:00+05:30`, for `datetime` attributes and JSON-LD.
    pub fn rfc3339(&self) -> String {
        let mut s = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        match self.offset_minutes {
            None | Some(0) => s.push_str("+00:00"),
            Some(m) => push_offset(&mut s, m, true),
        }
        s
    }

    /// `Wed, 24 Dec 2025 10:00:00 +0530`, as RSS wants.
    pub fn rfc2822(&self) -> String {
        let weekday =
            WEEKDAYS[days_from_civil(self.year, self.month, self.day).rem_euclid(7) as usize];
        let mut s = format!(
            "{weekday}, {:02} {} {:04} {:02}:{:02}:{:02} ",
            self.day,
            MONTHS[usize::from(self.month) - 1],
            self.year,
            self.hour,
            self.minute,
            self.second
        );
        push_offset(&mut s, self.offset_minutes.unwrap_or(0), false);
        s
    }

    /// `24 Dec 2025`, for people.
    pub fn human(&self) -> String {
        format!(
            "{} {} {}",
            self.day,
            MONTHS[usize::from(self.month) - 1],
            self.year
        )
    }

    /// `2025-12-24`.
    pub fn ymd(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

fn parse_offset(b: &[u8]) -> Option<i16> {
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = match b.len() {
        6 if b[3] == b':' => (digits(&b[1..3])?, digits(&b[4..6])?),
        5 => (digits(&b[1..3])?, digits(&b[3..5])?),
        3 => (digits(&b[1..3])?, 0),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * 60 + m) as i16)
}

fn push_offset(s: &mut String, minutes: i16, colon: bool) {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.unsigned_abs();
    let sep = if colon { ":" } else { "" };
    let _ = write!(s, "{sign}{:02}{sep}{:02}", m / 60, m % 60);
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_seed_date_with_its_offset() {
        let d = Date::parse("2025-12-24T10:00:00+05:30").unwrap();
        assert_eq!(d.rfc3339(), "2025-12-24T10:00:00+05:30");
        assert_eq!(d.rfc2822(), "Wed, 24 Dec 2025 10:00:00 +0530");
        assert_eq!(d.timestamp(), 1_766_550_600);
        assert_eq!(d.human(), "24 Dec 2025");
    }

    #[test]
    fn bare_dates_and_zulu() {
        assert_eq!(
            Date::parse("2024-02-29").unwrap().timestamp(),
            1_709_164_800
        );
        assert_eq!(Date::parse("1970-01-01T00:00:00Z").unwrap().timestamp(), 0);
        assert_eq!(
            Date::parse("2020-01-01 12:00:00.123-07:00")
                .unwrap()
                .rfc3339(),
            "2020-01-01T12:00:00-07:00"
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
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn timestamps_round_trip() {
        for t in [0, 1_766_550_600, 951_782_400, -86_400] {
            assert_eq!(Date::from_timestamp(t).timestamp(), t);
        }
        assert_eq!(Date::from_timestamp(951_782_400).ymd(), "2000-02-29");
    }

    #[test]
    fn orders_by_instant_not_by_text() {
        let a = Date::parse("2025-01-01T10:00:00+05:30").unwrap();
        let b = Date::parse("2025-01-01T06:00:00Z").unwrap();
        assert!(a.timestamp() < b.timestamp());
        // Equal only as written: one instant in two offsets shows two different times.
        let c = Date::parse("2025-01-01T04:30:00Z").unwrap();
        assert_eq!(a.timestamp(), c.timestamp());
        assert_ne!(a, c);
    }
}
