//! From `task create`'s options and CSV rows to the requests to send: times in the task's
//! zone, windows, days, retry words, the task key and names, and the preview.

use chrono::{DateTime, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use sha2::{Digest, Sha256};

use crate::ccc::actions::{
    AvailableTimeConfig, CalleeAttribute, CreateAutoCalloutTask, RETRY_HANGUP_CODES,
    TaskRequestError, TimeRange, Variable,
};
use crate::cli::batch::rows::Row;
use crate::sim::task::window::{self, Schedule};

/// Operator words for the hang-up codes `RetryHangupTypes` accepts.
pub const RETRY_WORDS: &[(&str, &str)] = &[
    ("no-answer", "202"),
    ("reject", "203"),
    ("power-off", "204"),
    ("no-such-number", "205"),
    ("busy", "206"),
    ("out-of-credit", "207"),
    ("operator-error", "208"),
    ("not-in-service", "210"),
    ("carrier-blocked", "212"),
    ("call-reminder", "213"),
    ("invalid-number", "215"),
    ("call-restricted", "216"),
    ("callee-restricted", "217"),
    ("area-restricted", "218"),
    ("forwarded", "219"),
    ("cancelled-before-ring", "221"),
    ("voicemail", "222"),
];

/// The codes of `--retry-on`: words or allowed codes; anything else is refused with the list.
pub fn retry_codes(list: &str) -> Result<Vec<String>, String> {
    let mut codes = Vec::new();
    for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        let code = RETRY_WORDS
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(word))
            .map(|(_, c)| *c)
            .or_else(|| RETRY_HANGUP_CODES.iter().copied().find(|c| *c == word));
        match code {
            Some(c) if !codes.iter().any(|k| k == c) => codes.push(c.to_string()),
            Some(_) => {}
            None => {
                let words: Vec<&str> = RETRY_WORDS.iter().map(|(w, _)| *w).collect();
                return Err(format!(
                    "--retry-on: {word:?} is not a hang-up the service retries on; use some of: {} (or the codes {})",
                    words.join(", "),
                    RETRY_HANGUP_CODES.join(",")
                ));
            }
        }
    }
    Ok(codes)
}

/// Seconds of `600`, `600s`, `10m`, `1h30m`, `24h`.
pub fn duration_s(text: &str) -> Result<i64, String> {
    let bad = || format!("{text:?} is not a duration such as 600, 10m, 1h30m or 24h");
    let mut total = 0i64;
    let mut digits = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: i64 = digits.parse().map_err(|_| bad())?;
        total += n * unit;
        digits.clear();
    }
    if !digits.is_empty() {
        total += digits.parse::<i64>().map_err(|_| bad())?;
    }
    if text.trim().is_empty() {
        return Err(bad());
    }
    Ok(total)
}

/// Unix seconds of `now`, an RFC 3339 time, or a local `YYYY-MM-DD[ HH:MM[:SS]]` in `zone`
/// (a date alone is its midnight).
pub fn moment(text: &str, zone: Tz, now_s: i64) -> Result<i64, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("now") {
        return Ok(now_s);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp());
    }
    let midnight = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|d| format!("{d} 00:00"));
    let text = midnight.as_deref().unwrap_or(text);
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return zone
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.timestamp())
                .ok_or_else(|| format!("{text} does not exist in {zone} (a clock change)"));
        }
    }
    Err(format!(
        "{text:?} is not a time: give now, 2026-11-27 09:00 (in the task's time zone) or \
         2026-11-27T09:00:00+08:00"
    ))
}

/// `09:00-12:00,14:00-18:00` as 24-hour ranges, none overlapping another.
pub fn windows(text: &str) -> Result<Vec<TimeRange>, String> {
    let full = |t: &str| match t.trim().len() {
        5 => format!("{}:00", t.trim()),
        _ => t.trim().to_string(),
    };
    let ranges = text
        .split(',')
        .map(|range| {
            let (a, b) = range
                .split_once('-')
                .ok_or_else(|| format!("--window: {range:?} is not a range such as 09:00-12:00"))?;
            let r = TimeRange::new(&full(a), &full(b));
            let span = r.seconds().map_err(|e| format!("--window: {e}"))?;
            Ok((span, r))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let mut sorted: Vec<&((u32, u32), TimeRange)> = ranges.iter().collect();
    sorted.sort_by_key(|(span, _)| *span);
    if let Some(pair) = sorted.windows(2).find(|p| p[1].0.0 < p[0].0.1) {
        return Err(format!(
            "--window: {} overlaps {}; give each time of day once, e.g. 09:00-12:00,14:00-18:00",
            ranges_text(std::slice::from_ref(&pair[1].1)),
            ranges_text(std::slice::from_ref(&pair[0].1)),
        ));
    }
    Ok(ranges.into_iter().map(|(_, r)| r).collect())
}

/// `everyday`, `business`, `holiday` or `custom:Mon,Tue`.
pub fn work_days(text: &str, ranges: Vec<TimeRange>) -> Result<AvailableTimeConfig, String> {
    let (kind, days) = match text.split_once(':') {
        Some((k, d)) => (k, Some(d)),
        None => (text, None),
    };
    let day_type = match (kind.to_ascii_lowercase().as_str(), days) {
        ("everyday", None) => "EveryDay",
        ("business", None) => "BusinessDay",
        ("holiday", None) => "Holiday",
        ("custom", Some(_)) => "Custom",
        _ => {
            return Err(format!(
                "--work-days {text:?}: use everyday, business, holiday or custom:Mon,Tue,…"
            ));
        }
    };
    let days_of_week = days
        .map(|d| {
            d.split(',')
                .map(|day| {
                    crate::ccc::actions::DAYS_OF_WEEK
                        .iter()
                        .find(|full| {
                            full.len() >= 3 && full[..3].eq_ignore_ascii_case(day.trim())
                                || full.eq_ignore_ascii_case(day.trim())
                        })
                        .map(|full| full.to_string())
                        .ok_or_else(|| format!("--work-days: {day:?} is not a day (Mon … Sun)"))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    Ok(AvailableTimeConfig {
        day_type: Some(day_type.into()),
        days_of_week,
        time_ranges: (!ranges.is_empty()).then_some(ranges),
    })
}

pub fn zone(name: &str) -> Result<Tz, String> {
    window::zone(name).map_err(|e| format!("--time-zone: {e}"))
}

/// The task key: the file, the settings every part shares and the endpoint. The same list
/// with the same settings on the same service has the same key.
pub fn task_key(
    file: &[u8],
    template: &CreateAutoCalloutTask,
    endpoint: &str,
    salt: &str,
) -> String {
    let mut h = Sha256::new();
    h.update(b"ccc-dial task 1\0");
    h.update((file.len() as u64).to_be_bytes());
    h.update(file);
    h.update(serde_json::to_vec(template).unwrap_or_default());
    for part in [endpoint, salt] {
        h.update(b"\0");
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// `STEM-KEY12-IofN`: unique per part and traceable to the key, for reconciling by name.
pub fn part_name(stem: &str, key: &str, part: usize, parts: usize) -> String {
    let stem: String = stem.chars().take(40).collect();
    format!("{stem}-{}-{part}of{parts}", &key[..12])
}

/// The request of one part: the template with these rows as callees.
pub fn part_request(
    template: &CreateAutoCalloutTask,
    rows: &[Row],
    name: String,
) -> CreateAutoCalloutTask {
    let attributes: Vec<CalleeAttribute> = rows
        .iter()
        .filter(|r| !r.request.variables.is_empty() || r.uui.is_some())
        .map(|r| CalleeAttribute {
            callee: r.request.callee.clone(),
            uui: r.uui.clone(),
            variables: (!r.request.variables.is_empty()).then(|| {
                r.request
                    .variables
                    .iter()
                    .map(|(k, v)| Variable {
                        key: k.clone(),
                        value: v.clone(),
                    })
                    .collect()
            }),
        })
        .collect();
    CreateAutoCalloutTask {
        callees: rows.iter().map(|r| r.request.callee.clone()).collect(),
        callee_attributes: (!attributes.is_empty()).then_some(attributes),
        name: Some(name),
        ..template.clone()
    }
}

/// A time as the task's zone shows it.
pub fn shown(s: i64, zone: Tz) -> String {
    zone.timestamp_opt(s, 0).single().map_or_else(
        || s.to_string(),
        |t| t.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
    )
}

/// What will be created, for the user to confirm.
pub fn preview(
    template: &CreateAutoCalloutTask,
    rows: &[Row],
    parts: usize,
    zone: Tz,
    now_s: i64,
) -> String {
    let mut names: Vec<&str> = rows
        .iter()
        .flat_map(|r| r.request.variables.iter().map(|(k, _)| k.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    let counts = rows.iter().map(|r| r.request.variables.len());
    let (min, max) = (counts.clone().min().unwrap_or(0), counts.max().unwrap_or(0));
    let mut distinct: Vec<&str> = rows.iter().map(|r| r.request.callee.as_str()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let with_uui = rows.iter().filter(|r| r.uui.is_some()).count();
    let windows = windows_text(template);
    let first = first_call_text(template, zone, now_s);
    let retry = retry_text(template);
    format!(
        "rows        {} ({} distinct callees, {with_uui} with uui)\n\
         variables   {} per row, names: {}\n\
         tasks       {parts}\n\
         agent       {}   callers {}\n\
         time zone   {zone}\n\
         windows     {windows}\n\
         not before  {}\n\
         not after   {}\n\
         first call  {first}\n\
         tries       {} (retry after {} s, on {retry})\n",
        rows.len(),
        distinct.len(),
        if min == max {
            min.to_string()
        } else {
            format!("{min}-{max}")
        },
        if names.is_empty() {
            "none".into()
        } else {
            names.join(", ")
        },
        template.ai_agent_id.map_or("-".into(), |a| a.to_string()),
        template.callers.join(", "),
        shown(template.not_before, zone),
        template
            .not_after
            .map_or("not set".into(), |a| shown(a, zone)),
        template.tries.unwrap_or(1),
        template.retry_interval.unwrap_or(600),
    )
}

/// Calling windows as the user wrote them: daily ranges, or ranges per day of the week.
fn windows_text(template: &CreateAutoCalloutTask) -> String {
    match (
        &template.available_time,
        &template.available_work_time_config,
    ) {
        (Some(list), _) => format!("{} every day", ranges_text(list)),
        (None, Some(configs)) => configs
            .iter()
            .map(|c| {
                let days = match &c.days_of_week {
                    Some(d) => d.join(","),
                    None => c.day_type.clone().unwrap_or_default(),
                };
                format!(
                    "{} on {days}",
                    c.time_ranges
                        .as_deref()
                        .map_or("all day".into(), ranges_text)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        (None, None) => "any time".into(),
    }
}

fn ranges_text(list: &[TimeRange]) -> String {
    list.iter()
        .map(|r| {
            format!(
                "{}-{}",
                r.start_time.as_deref().unwrap_or(""),
                r.end_time.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// When the first call may go out: the first open window between NotBefore (or now) and
/// NotAfter, so a task that can never call is seen before it is created.
fn first_call_text(template: &CreateAutoCalloutTask, zone: Tz, now_s: i64) -> String {
    let schedule = Schedule::new(
        zone,
        template.available_time.as_deref(),
        template.available_work_time_config.as_deref(),
    )
    .unwrap_or_else(|_| Schedule::always(zone));
    schedule
        .next_open(template.not_before.max(now_s) * 1_000)
        .filter(|ms| template.not_after.is_none_or(|a| *ms < a * 1_000))
        .map_or_else(
            || "never: no window opens before NotAfter".into(),
            |ms| shown(ms / 1_000, zone),
        )
}

/// The hang-up types that are tried again, in the words the options take.
fn retry_text(template: &CreateAutoCalloutTask) -> String {
    match &template.retry_hangup_types {
        Some(codes) => codes
            .iter()
            .map(|c| {
                RETRY_WORDS
                    .iter()
                    .find(|(_, k)| k == c)
                    .map_or(c.clone(), |(w, _)| format!("{w} ({c})"))
            })
            .collect::<Vec<_>>()
            .join(", "),
        None => "any unanswered end".into(),
    }
}

/// The option a refused field came from, so the message names what the user typed.
pub fn flag_of(e: &TaskRequestError) -> Option<&'static str> {
    Some(match e {
        TaskRequestError::Tries(_) => "--tries",
        TaskRequestError::RetryInterval(_) => "--retry-interval",
        TaskRequestError::RetryHangupType(_) => "--retry-on",
        TaskRequestError::Window { .. } => "--not-before/--not-after",
        TaskRequestError::TimeOfDay(_) | TaskRequestError::TimeRange { .. } => "--window",
        TaskRequestError::DayType(_) | TaskRequestError::DayOfWeek(_) => "--work-days",
        TaskRequestError::MaxRing(_) => "--max-ring",
        TaskRequestError::MainlandOnly => "--concurrency",
        TaskRequestError::NoCallees
        | TaskRequestError::NoCallers
        | TaskRequestError::NoAgentOrIvr => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_words_map_to_codes_and_others_are_refused_with_the_list() {
        assert_eq!(
            retry_codes("no-answer,busy,power-off,voicemail").unwrap(),
            ["202", "206", "204", "222"]
        );
        assert_eq!(retry_codes("busy, 206 ,234").unwrap(), ["206", "234"]);
        let e = retry_codes("no-answer,caller-cancel").unwrap_err();
        assert!(
            e.contains("\"caller-cancel\"") && e.contains("no-answer, reject"),
            "{e}"
        );
        assert!(retry_codes("209").is_err(), "callerCancel is not retried");
    }

    #[test]
    fn durations_times_and_windows_read_as_people_write_them() {
        assert_eq!(duration_s("10m"), Ok(600));
        assert_eq!(duration_s("1h30m"), Ok(5_400));
        assert_eq!(duration_s("86400"), Ok(86_400));
        assert!(duration_s("ten").is_err());
        let sh = zone("Asia/Shanghai").unwrap();
        assert_eq!(moment("2026-11-27 09:00", sh, 0), Ok(1_795_741_200));
        assert_eq!(moment("2026-11-27T01:00:00Z", sh, 0), Ok(1_795_741_200));
        assert_eq!(moment("now", sh, 42), Ok(42));
        assert_eq!(moment("2026-11-27", sh, 0), Ok(1_795_708_800));
        assert!(
            moment("tomorrow", sh, 0)
                .unwrap_err()
                .contains("2026-11-27 09:00")
        );
        assert_eq!(shown(1_795_741_200, sh), "2026-11-27 09:00:00 +08:00");
        let w = windows("09:00-12:00,14:00-18:00:30").unwrap();
        assert_eq!(w[1], TimeRange::new("14:00:00", "18:00:30"));
        assert!(windows("12:00-09:00").is_err());
        assert_eq!(
            windows("14:00-18:00,09:00-12:00,11:00-13:00").unwrap_err(),
            "--window: 11:00:00-13:00:00 overlaps 09:00:00-12:00:00; give each time of day once, \
             e.g. 09:00-12:00,14:00-18:00"
        );
        assert!(
            windows("09:00-12:00,12:00-13:00").is_ok(),
            "touching is not overlapping"
        );
        let d = work_days("custom:Mon,tue", w).unwrap();
        assert_eq!(d.days_of_week.unwrap(), ["Monday", "Tuesday"]);
        assert!(work_days("weekly", vec![]).is_err());
    }
}
