//! The History filter as typed after `/`: `key:value` terms and plain words, e.g.
//! `outcome:busy agent:15 var:name=ann batch:7f3 since:2026-11-01 label:vip`. Plain words
//! are one phrase found in any of these (`/no answer`, `/alice`). Every term must match.

use chrono::{Local, TimeZone};

use crate::cli::history::parse_when;
use crate::dialer::CallWord;
use crate::history::{AttemptStatus, Filter};

/// The keys, each with what it matches, as the help screen and the README list them.
pub const KEYS: &[(&str, &str)] = &[
    (
        "outcome:WORD",
        "how it ended: busy, \"no answer\", ringing, not-sent…",
    ),
    ("agent:ID|NAME", "the agent's id, or a part of its name"),
    ("callee:DIGITS", "a part of the number called"),
    (
        "var:NAME=VALUE",
        "a variable sent; var:NAME or var:=VALUE alone",
    ),
    ("batch:ID", "a part of the batch id"),
    ("task:ID", "the tries of the server task with this TaskId"),
    (
        "since:, until:",
        "2026-11-01, \"2026-11-01 14:00\", or an age: 7d",
    ),
    ("label:NAME", "carries this label"),
];

/// What is wrong with a typed filter, in words that say how to write it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(String);

/// The filter `text` asks for; `now_ms` anchors ages such as `7d`.
pub fn parse(text: &str, now_ms: i64) -> Result<Filter, FilterError> {
    let mut filter = Filter::default();
    let mut words: Vec<String> = Vec::new();
    for token in tokens(text) {
        match token.split_once(':') {
            Some((key, value)) if is_key(key) => term(&mut filter, key, value, now_ms)?,
            _ => words.push(token),
        }
    }
    let phrase = words.join(" ");
    filter.text = (!phrase.is_empty()).then_some(phrase);
    Ok(filter)
}

/// Whether the filter reads how calls ended, so their summaries must be made first.
pub fn needs_words(filter: &Filter) -> bool {
    filter.word.is_some() || filter.text.is_some()
}

/// A word before a colon names a key; `14:02` or `+86:…` is plain text.
fn is_key(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphabetic())
}

fn term(filter: &mut Filter, key: &str, value: &str, now_ms: i64) -> Result<(), FilterError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FilterError(format!(
            "`{key}:` needs a value, e.g. {key}:{}",
            example(key)
        )));
    }
    let text = Some(value.to_string());
    match key.to_ascii_lowercase().as_str() {
        "outcome" | "status" => outcome(filter, value)?,
        "agent" => match value.parse::<u64>() {
            Ok(id) => filter.agent_id = Some(id),
            Err(_) => filter.agent_name = text,
        },
        "callee" => filter.callee_part = text,
        "var" | "variable" => {
            let (name, val) = value.split_once('=').unwrap_or((value, ""));
            filter.variable_name = Some(name.trim().to_string()).filter(|n| !n.is_empty());
            filter.variable_value = Some(val.trim().to_string()).filter(|v| !v.is_empty());
        }
        "batch" => filter.batch = text,
        "task" => {
            filter.task_id = Some(value.parse().map_err(|_| {
                FilterError(format!(
                    "`task:{value}` is not a TaskId; give its digits, e.g. task:{}",
                    example(key)
                ))
            })?);
        }
        "since" => filter.since_ms = Some(when(value, now_ms)?),
        "until" => filter.until_ms = Some(when(value, now_ms)?),
        "label" => filter.label = text,
        other => {
            let keys: Vec<&str> = KEYS
                .iter()
                .flat_map(|(k, _)| k.split(", "))
                .filter_map(|k| k.split(':').next())
                .collect();
            return Err(FilterError(format!(
                "no filter key `{other}`; the keys are {}",
                keys.join(", ")
            )));
        }
    }
    Ok(())
}

fn example(key: &str) -> &'static str {
    match key {
        "outcome" | "status" => "busy",
        "agent" => "15",
        "var" | "variable" => "name=ann",
        "since" | "until" => "2026-11-01",
        "task" => "17110",
        _ => "…",
    }
}

fn when(value: &str, now_ms: i64) -> Result<i64, FilterError> {
    let now = Local
        .timestamp_millis_opt(now_ms)
        .single()
        .unwrap_or_else(Local::now);
    parse_when(value, now).map_err(|e| FilterError(e.to_string()))
}

/// How an attempt ended or stands, in the words the History rows show.
fn outcome(filter: &mut Filter, value: &str) -> Result<(), FilterError> {
    let norm = value.to_lowercase().replace(['-', '_'], " ");
    let norm = norm.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(word) = CallWord::ALL.iter().find(|w| w.as_str() == norm) {
        filter.word = Some(word.as_str().to_string());
        return Ok(());
    }
    let status = match norm.as_str() {
        "no record" => {
            filter.word = Some(String::new());
            AttemptStatus::Finished
        }
        "rejected by the service" | "refused" => AttemptStatus::Rejected,
        other => other.replace(' ', "_").parse().map_err(|_| {
            let words: Vec<&str> = CallWord::ALL.iter().map(|w| w.as_str()).collect();
            FilterError(format!(
                "no outcome `{value}`; try {}, no record, refused, not sent, unknown, \
                 queued, accepted, ringing, in progress, finished (quote two words: \
                 outcome:\"no answer\")",
                words.join(", ")
            ))
        })?,
    };
    filter.status = Some(status);
    Ok(())
}

/// Words split at spaces, with `"…"` keeping spaces inside one (the quotes are dropped).
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_748_786_531_120;

    #[test]
    fn keys_and_plain_words() {
        let f = parse(
            "outcome:busy agent:15 var:name=ann batch:7f3 label:vip since:7d no answer",
            NOW,
        )
        .unwrap();
        assert_eq!(f.word.as_deref(), Some("busy"));
        assert_eq!(f.agent_id, Some(15));
        assert_eq!(f.variable_name.as_deref(), Some("name"));
        assert_eq!(f.variable_value.as_deref(), Some("ann"));
        assert_eq!(f.batch.as_deref(), Some("7f3"));
        assert_eq!(f.label.as_deref(), Some("vip"));
        assert_eq!(f.since_ms, Some(NOW - 7 * 86_400_000));
        assert_eq!(f.text.as_deref(), Some("no answer"));
    }

    #[test]
    fn outcomes_in_the_rows_words() {
        let word = |t: &str| parse(t, NOW).unwrap();
        assert_eq!(
            word("outcome:\"no answer\"").word.as_deref(),
            Some("no answer")
        );
        assert_eq!(word("outcome:no-answer").word.as_deref(), Some("no answer"));
        assert_eq!(
            word("outcome:not_sent").status,
            Some(AttemptStatus::NotSent)
        );
        assert_eq!(
            word("outcome:refused").status,
            Some(AttemptStatus::Rejected)
        );
        assert_eq!(
            word("status:in-progress").status,
            Some(AttemptStatus::InProgress)
        );
        let none = word("outcome:\"no record\"");
        assert_eq!(
            (none.word.as_deref(), none.status),
            (Some(""), Some(AttemptStatus::Finished))
        );
    }

    #[test]
    fn mistakes_say_how_to_write_it() {
        let err = |t: &str| parse(t, NOW).unwrap_err().to_string();
        assert!(err("outcom:busy").contains("the keys are outcome, agent"));
        assert!(err("outcome:bussy").contains("no outcome `bussy`; try answered"));
        assert!(err("agent:").contains("e.g. agent:15"));
        assert!(err("task:abc").contains("is not a TaskId; give its digits, e.g. task:17110"));
        assert_eq!(parse("task:17110", NOW).unwrap().task_id, Some(17_110));
        assert!(err("since:yesterday").contains("write a date (2026-11-01)"));
    }

    #[test]
    fn colons_after_digits_are_text() {
        let f = parse("14:02 agent:Sales", NOW).unwrap();
        assert_eq!(f.text.as_deref(), Some("14:02"));
        assert_eq!(f.agent_name.as_deref(), Some("Sales"));
        assert_eq!(parse("   ", NOW).unwrap(), Filter::default());
    }
}
