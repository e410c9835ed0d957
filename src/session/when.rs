//! When a session happened, as a person names it: the local date and time it began and how
//! long it lasted (`2026-11-24 14:03, 6 min`), and times inside a call as `m:ss`.
//!
//! The id (Unix seconds) stays the safe handle for commands; this is only what people
//! read. Local time comes from the system's time zone (`TZ`, `/etc/localtime`) through
//! `chrono`, which follows daylight-saving changes; a time the zone cannot name (a gap in
//! a DST change) falls back to UTC rather than failing.

use chrono::{DateTime, Local, TimeZone, Utc};

use crate::analysis::Lang;

/// `unix_s` in `tz`, or in UTC when `tz` cannot name it.
fn at<Tz: TimeZone>(tz: &Tz, unix_s: u64) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let secs = i64::try_from(unix_s).unwrap_or(i64::MAX);
    match tz.timestamp_opt(secs, 0).earliest() {
        Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        None => DateTime::<Utc>::from_timestamp(secs, 0)
            .map_or_else(|| "?".into(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
    }
}

/// The local date and time (minutes) a session began: `2026-11-24 14:03`.
pub fn local_start(unix_s: u64) -> String {
    at(&Local, unix_s)
}

/// The local date a time falls on: `2026-11-24`.
pub fn local_date(unix_s: u64) -> String {
    local_start(unix_s).chars().take(10).collect()
}

/// A length as people say it: `45 s`, `6 min`, `1 h 05 min` (`45 秒`, `6 分钟`, `1 小时 5 分钟`).
pub fn duration_text(lang: Lang, seconds: f64) -> String {
    let s = if seconds.is_finite() { seconds.max(0.0).round() as u64 } else { 0 };
    let (h, m) = ((s + 30) / 3600, ((s + 30) % 3600) / 60);
    match lang {
        Lang::Zh if s < 60 => format!("{s} 秒"),
        Lang::Zh if h == 0 => format!("{m} 分钟"),
        Lang::Zh => format!("{h} 小时 {m} 分钟"),
        Lang::En if s < 60 => format!("{s} s"),
        Lang::En if h == 0 => format!("{m} min"),
        Lang::En => format!("{h} h {m:02} min"),
    }
}

/// A session's title: when it began (local time) and how long it lasted.
pub fn title(lang: Lang, started_unix_s: u64, duration_s: Option<f64>) -> String {
    title_in(&Local, lang, started_unix_s, duration_s)
}

fn title_in<Tz: TimeZone>(tz: &Tz, lang: Lang, started: u64, duration_s: Option<f64>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let start = at(tz, started);
    match (duration_s, lang) {
        (Some(d), Lang::Zh) => format!("{start}，{}", duration_text(lang, d)),
        (Some(d), Lang::En) => format!("{start}, {}", duration_text(lang, d)),
        (None, _) => start,
    }
}

/// A time inside a call: `m:ss` (`1:05:09` past an hour).
pub fn clock(seconds: f64) -> String {
    let s = if seconds.is_finite() { seconds.max(0.0).round() as u64 } else { 0 };
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    #[test]
    fn a_title_is_the_local_start_and_the_length_in_the_readers_words() {
        let beijing = FixedOffset::east_opt(8 * 3600).unwrap();
        // 2026-11-24 06:03:00 UTC is 14:03 in Beijing.
        let t = 1_795_500_180;
        assert_eq!(title_in(&beijing, Lang::En, t, Some(372.0)), "2026-11-24 14:03, 6 min");
        assert_eq!(title_in(&beijing, Lang::Zh, t, Some(372.0)), "2026-11-24 14:03，6 分钟");
        assert_eq!(title_in(&Utc, Lang::En, t, Some(42.4)), "2026-11-24 06:03, 42 s");
        assert_eq!(title_in(&Utc, Lang::En, t, None), "2026-11-24 06:03");
    }

    #[test]
    fn lengths_round_to_what_a_person_says() {
        assert_eq!(duration_text(Lang::En, 59.4), "59 s");
        assert_eq!(duration_text(Lang::En, 89.0), "1 min");
        assert_eq!(duration_text(Lang::En, 91.0), "2 min");
        assert_eq!(duration_text(Lang::En, 3600.0 + 5.0 * 60.0), "1 h 05 min");
        assert_eq!(duration_text(Lang::Zh, 3600.0 + 5.0 * 60.0), "1 小时 5 分钟");
        assert_eq!(duration_text(Lang::En, f64::NAN), "0 s");
    }

    #[test]
    fn call_times_read_as_minutes_and_seconds() {
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(65.4), "1:05");
        assert_eq!(clock(3909.0), "1:05:09");
        assert_eq!(clock(-3.0), "0:00");
    }

    #[test]
    fn a_time_beyond_any_calendar_does_not_panic() {
        assert!(!local_start(u64::MAX).is_empty());
    }
}
