//! The options of `call` and `batch` that decide when an earlier call holds a callee, and
//! the check of a history that had to be set aside.

use std::time::Duration;

use clap::Args;

use crate::history::{ClaimRule, DEFAULT_WINDOW, Override, Store};

#[derive(Debug, Clone, Default, Args)]
pub struct GuardArgs {
    /// Dial a callee even if it was called within the recent-call window or an earlier
    /// call's outcome is unknown. Recorded on each attempt. A call still in flight always
    /// holds its callee.
    #[arg(long)]
    pub allow_recent: bool,
    /// How long an accepted call holds its callee: e.g. 24h, 90m, 2d, 0 [default: 24h].
    #[arg(long, value_name = "DURATION", value_parser = parse_window)]
    pub recent_window: Option<Duration>,
    /// Dial with a new, empty history after the old one was moved aside as damaged. The
    /// service's call records are checked for every callee all the same.
    #[arg(long)]
    pub new_history: bool,
}

impl GuardArgs {
    pub fn rule(&self) -> ClaimRule {
        ClaimRule {
            window: self.recent_window.unwrap_or(DEFAULT_WINDOW),
            overridden: self.allow_recent.then_some(Override::AllowRecent),
        }
    }

    /// Refuses a history that replaced one moved aside, unless `--new-history` accepts it.
    /// Returns whether it did, so that the run checks the service's records.
    pub fn check_history(&self, store: &Store) -> Result<bool, String> {
        let Some(notice) = store.set_aside().map_err(|e| e.to_string())? else {
            return Ok(false);
        };
        if !self.new_history {
            return Err(format!(
                "{notice} It does not know what was dialed before, so nothing is dialed until \
                 you accept it: look through the old file (ccc-dial --db OLD history), then \
                 run again with --new-history"
            ));
        }
        store.accept_new_history().map_err(|e| e.to_string())?;
        Ok(true)
    }
}

/// `24h`, `90m`, `30s`, `2d`, or `0`.
fn parse_window(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("{text:?} needs a unit: s, m, h or d (e.g. 24h)"))?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a whole number and a unit, e.g. 24h"))?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        other => return Err(format!("unit {other:?} is not one of s, m, h, d")),
    };
    n.checked_mul(secs)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("{text:?} is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_read_with_their_unit() {
        assert_eq!(parse_window("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_window("90m"), Ok(Duration::from_secs(5_400)));
        assert_eq!(parse_window("2d"), Ok(Duration::from_secs(172_800)));
        assert_eq!(parse_window("0"), Ok(Duration::ZERO));
        assert!(parse_window("24").unwrap_err().contains("unit"));
        assert!(parse_window("1w").unwrap_err().contains("\"w\""));
        assert!(parse_window("-1h").is_err());
    }

    #[test]
    fn the_override_goes_into_the_rule() {
        let args = GuardArgs {
            allow_recent: true,
            ..GuardArgs::default()
        };
        assert_eq!(args.rule().overridden, Some(Override::AllowRecent));
        assert_eq!(GuardArgs::default().rule(), ClaimRule::default());
    }
}
