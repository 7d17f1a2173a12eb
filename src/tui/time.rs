//! How times are shown: in the local zone when running, in UTC under test so screens are the
//! same on every machine.

use chrono::{DateTime, Local, TimeZone, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFmt {
    Local,
    Utc,
}

impl TimeFmt {
    fn format(self, ms: i64, pattern: &str) -> String {
        let Some(utc) = DateTime::<Utc>::from_timestamp_millis(ms) else {
            return "?".into();
        };
        match self {
            TimeFmt::Utc => utc.format(pattern).to_string(),
            TimeFmt::Local => Local
                .from_utc_datetime(&utc.naive_utc())
                .format(pattern)
                .to_string(),
        }
    }

    /// `14:02:11`
    pub fn clock(self, ms: i64) -> String {
        self.format(ms, "%H:%M:%S")
    }

    /// `14:02:11.120`
    pub fn precise(self, ms: i64) -> String {
        self.format(ms, "%H:%M:%S%.3f")
    }

    /// `2025-06-01 14:02:11`
    pub fn date_time(self, ms: i64) -> String {
        self.format(ms, "%Y-%m-%d %H:%M:%S")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_is_fixed() {
        let ms = 1_748_786_531_120;
        assert_eq!(TimeFmt::Utc.clock(ms), "14:02:11");
        assert_eq!(TimeFmt::Utc.precise(ms), "14:02:11.120");
        assert_eq!(TimeFmt::Utc.date_time(ms), "2025-06-01 14:02:11");
    }
}
