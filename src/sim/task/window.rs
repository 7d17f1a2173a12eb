//! When a task may call: its daily windows on the days they apply, in the task's time zone.
//! `AvailableTime` wins over `AvailableWorkTimeConfig`; with neither, any time.

use chrono::{Datelike, NaiveDate, TimeZone, Timelike, Weekday};
use chrono_tz::Tz;

use crate::ccc::actions::{AvailableTimeConfig, DAYS_OF_WEEK, TaskRequestError, TimeRange};

/// Undocumented default; the service is run from mainland China.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Asia::Shanghai;
/// How far ahead a next window is looked for: beyond a week every rule has repeated.
const LOOKAHEAD_DAYS: i64 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Days {
    Every,
    /// Monday to Friday: the simulator has no holiday calendar.
    Business,
    /// Saturday and Sunday.
    Holiday,
    Custom([bool; 7]),
}

impl Days {
    fn includes(self, day: Weekday) -> bool {
        let weekend = matches!(day, Weekday::Sat | Weekday::Sun);
        match self {
            Days::Every => true,
            Days::Business => !weekend,
            Days::Holiday => weekend,
            Days::Custom(set) => set[day.num_days_from_monday() as usize],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Rule {
    days: Days,
    /// Seconds since local midnight, start inclusive, end exclusive.
    ranges: Vec<(u32, u32)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    zone: Tz,
    /// Empty: always open.
    rules: Vec<Rule>,
}

/// A zone name the simulator does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("TimeZone {0:?} is not an IANA time zone name such as Asia/Shanghai")]
pub struct UnknownZone(pub String);

pub fn zone(name: &str) -> Result<Tz, UnknownZone> {
    name.parse::<Tz>().map_err(|_| UnknownZone(name.into()))
}

fn ranges(list: &[TimeRange]) -> Result<Vec<(u32, u32)>, TaskRequestError> {
    list.iter().map(TimeRange::seconds).collect()
}

impl Schedule {
    pub fn always(zone: Tz) -> Self {
        Schedule {
            zone,
            rules: Vec::new(),
        }
    }

    pub fn new(
        zone: Tz,
        available: Option<&[TimeRange]>,
        work: Option<&[AvailableTimeConfig]>,
    ) -> Result<Self, TaskRequestError> {
        let mut rules = Vec::new();
        if let Some(list) = available.filter(|l| !l.is_empty()) {
            rules.push(Rule {
                days: Days::Every,
                ranges: ranges(list)?,
            });
        } else {
            for config in work.unwrap_or_default() {
                rules.push(rule_of(config)?);
            }
        }
        Ok(Schedule { zone, rules })
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// Whether a call may start at `ms`.
    pub fn is_open(&self, ms: i64) -> bool {
        self.next_open(ms) == Some(ms)
    }

    /// The first moment at or after `ms` when a call may start; None if no window ever opens.
    pub fn next_open(&self, ms: i64) -> Option<i64> {
        if self.rules.is_empty() {
            return Some(ms);
        }
        let local = self.zone.timestamp_millis_opt(ms).single()?;
        let today = local.date_naive();
        let now_s = local.num_seconds_from_midnight();
        let mut best: Option<i64> = None;
        for offset in 0..LOOKAHEAD_DAYS {
            let day = today + chrono::Duration::days(offset);
            for rule in self.rules.iter().filter(|r| r.days.includes(day.weekday())) {
                for &(start, end) in &rule.ranges {
                    let candidate = if offset == 0 && (start..end).contains(&now_s) {
                        Some(ms)
                    } else if offset > 0 || start > now_s {
                        self.at(day, start)
                    } else {
                        None
                    };
                    best = match (best, candidate) {
                        (Some(b), Some(c)) => Some(b.min(c)),
                        (b, c) => b.or(c),
                    };
                }
            }
            if best.is_some() {
                return best;
            }
        }
        best
    }

    /// Unix ms of `seconds` after local midnight of `day`.
    fn at(&self, day: NaiveDate, seconds: u32) -> Option<i64> {
        let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0)?;
        self.zone
            .from_local_datetime(&day.and_time(time))
            .earliest()
            .map(|t| t.timestamp_millis())
    }
}

fn rule_of(config: &AvailableTimeConfig) -> Result<Rule, TaskRequestError> {
    let days = match config.day_type.as_deref().unwrap_or("EveryDay") {
        "EveryDay" => Days::Every,
        "BusinessDay" => Days::Business,
        "Holiday" => Days::Holiday,
        "Custom" => {
            let mut set = [false; 7];
            for d in config.days_of_week.iter().flatten() {
                let i = DAYS_OF_WEEK
                    .iter()
                    .position(|n| n == d)
                    .ok_or_else(|| TaskRequestError::DayOfWeek(d.clone()))?;
                set[i] = true;
            }
            Days::Custom(set)
        }
        other => return Err(TaskRequestError::DayType(other.into())),
    };
    let ranges = match config.time_ranges.as_deref() {
        Some(list) if !list.is_empty() => ranges(list)?,
        _ => vec![(0, 86_400)],
    };
    Ok(Rule { days, ranges })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(zone: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        zone.with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn available_time_opens_daily_windows_in_the_tasks_zone() {
        let z = DEFAULT_TIME_ZONE;
        let s = Schedule::new(
            z,
            Some(&[
                TimeRange::new("09:00:00", "12:00:00"),
                TimeRange::new("14:00:00", "18:00:00"),
            ]),
            None,
        )
        .unwrap();
        // 2026-11-26 is a Thursday.
        assert!(s.is_open(ms(z, 2026, 11, 26, 9, 30)));
        assert!(!s.is_open(ms(z, 2026, 11, 26, 12, 0)));
        assert_eq!(
            s.next_open(ms(z, 2026, 11, 26, 12, 30)),
            Some(ms(z, 2026, 11, 26, 14, 0))
        );
        assert_eq!(
            s.next_open(ms(z, 2026, 11, 26, 19, 0)),
            Some(ms(z, 2026, 11, 27, 9, 0))
        );
    }

    #[test]
    fn available_time_wins_over_the_work_time_config() {
        let z = DEFAULT_TIME_ZONE;
        let work = [AvailableTimeConfig {
            day_type: Some("Custom".into()),
            days_of_week: Some(vec!["Saturday".into()]),
            time_ranges: Some(vec![TimeRange::new("10:00:00", "11:00:00")]),
        }];
        let only_work = Schedule::new(z, None, Some(&work)).unwrap();
        assert_eq!(
            only_work.next_open(ms(z, 2026, 11, 26, 12, 0)),
            Some(ms(z, 2026, 11, 28, 10, 0)),
            "the next Saturday"
        );
        let both = Schedule::new(
            z,
            Some(&[TimeRange::new("08:00:00", "09:00:00")]),
            Some(&work),
        )
        .unwrap();
        assert_eq!(
            both.next_open(ms(z, 2026, 11, 26, 12, 0)),
            Some(ms(z, 2026, 11, 27, 8, 0))
        );
    }

    #[test]
    fn business_days_skip_the_weekend_and_zones_shift_the_window() {
        let ny = zone("America/New_York").unwrap();
        let work = [AvailableTimeConfig {
            day_type: Some("BusinessDay".into()),
            days_of_week: None,
            time_ranges: Some(vec![TimeRange::new("09:00:00", "17:00:00")]),
        }];
        let s = Schedule::new(ny, None, Some(&work)).unwrap();
        // Friday 2026-11-27 18:00 in New York: next is Monday 09:00 there.
        assert_eq!(
            s.next_open(ms(ny, 2026, 11, 27, 18, 0)),
            Some(ms(ny, 2026, 11, 30, 9, 0))
        );
        assert!(zone("Mars/Olympus").is_err());
        assert!(Schedule::always(ny).is_open(0));
    }
}
