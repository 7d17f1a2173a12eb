//! Filters, paging, and turning rows into attempts and events.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, Value, ValueRef};
use rusqlite::{Row, ToSql};

use super::attempt::{Attempt, AttemptId, AttemptStatus, BatchRef, Event};

/// Which attempts to list. Every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// The callee number, exactly as recorded.
    pub callee: Option<String>,
    pub agent_id: Option<u64>,
    /// A part of the agent's name, case-insensitive.
    pub agent_name: Option<String>,
    pub status: Option<AttemptStatus>,
    pub session_id: Option<String>,
    /// Created at or after (ms since the epoch).
    pub since_ms: Option<i64>,
    /// Created before (ms since the epoch).
    pub until_ms: Option<i64>,
    /// One free text found in the callee, agent name or id, status, SessionId, attempt id, a
    /// label, the note, a variable's name or value, the batch id or the call's word.
    pub text: Option<String>,
    /// Carries this label, exactly.
    pub label: Option<String>,
    /// A part of the callee number.
    pub callee_part: Option<String>,
    /// How the call ended, as its kept summary words it (`no answer`); empty for a call
    /// with no word. Summaries are made by `results::stats::refresh`.
    pub word: Option<String>,
    /// Sent a variable with this name (any case) and a value containing `variable_value`;
    /// either may be left out.
    pub variable_name: Option<String>,
    pub variable_value: Option<String>,
    /// A part of the batch id.
    pub batch: Option<String>,
    /// The tries of the server task with this TaskId, brought home under its parts.
    pub task_id: Option<u64>,
}

/// A page of a newest-first list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub limit: u64,
}

impl Page {
    pub fn first(limit: u64) -> Self {
        Page { offset: 0, limit }
    }

    /// Every row.
    pub fn all() -> Self {
        Page {
            offset: 0,
            limit: i64::MAX as u64,
        }
    }
}

impl Filter {
    /// The `WHERE` clause (empty when nothing is filtered) and its parameters.
    pub(crate) fn to_sql(&self) -> (String, Vec<Value>) {
        let mut terms: Vec<String> = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        // Each `?` of a term becomes the number of the value it takes.
        let mut push = |term: &str, values: Vec<Value>| {
            let mut pieces = term.split('?');
            let mut numbered = pieces.next().unwrap_or_default().to_owned();
            for (piece, value) in pieces.zip(values) {
                params.push(value);
                numbered.push_str(&format!("?{}{piece}", params.len()));
            }
            terms.push(numbered);
        };
        if let Some(callee) = &self.callee {
            push("callee = ?", vec![Value::Text(callee.clone())]);
        }
        if let Some(agent) = self.agent_id {
            push("agent_id = ?", vec![Value::Integer(agent as i64)]);
        }
        if let Some(name) = &self.agent_name {
            push(
                "agent_name LIKE ? ESCAPE '\\'",
                vec![Value::Text(contains(name))],
            );
        }
        if let Some(status) = self.status {
            push("status = ?", vec![Value::Text(status.as_str().to_owned())]);
        }
        if let Some(session) = &self.session_id {
            push("session_id = ?", vec![Value::Text(session.clone())]);
        }
        if let Some(since) = self.since_ms {
            push("created_at_ms >= ?", vec![Value::Integer(since)]);
        }
        if let Some(until) = self.until_ms {
            push("created_at_ms < ?", vec![Value::Integer(until)]);
        }
        if let Some(label) = &self.label {
            push(
                "EXISTS (SELECT 1 FROM label WHERE label.attempt_id = attempt.id AND label.name = ?)",
                vec![Value::Text(label.clone())],
            );
        }
        if let Some(part) = &self.callee_part {
            push(
                "callee LIKE ? ESCAPE '\\'",
                vec![Value::Text(contains(part))],
            );
        }
        if let Some(word) = &self.word {
            push(
                "EXISTS (SELECT 1 FROM summary o WHERE o.attempt_id = attempt.id \
                 AND coalesce(o.word, '') = ?)",
                vec![Value::Text(word.clone())],
            );
        }
        if self.variable_name.is_some() || self.variable_value.is_some() {
            let name = self.variable_name.clone().map_or(Value::Null, Value::Text);
            let value = Value::Text(contains(self.variable_value.as_deref().unwrap_or("")));
            push(
                "EXISTS (SELECT 1 FROM json_each(attempt.variables) v \
                 WHERE (? IS NULL OR lower(json_extract(v.value, '$[0]')) = lower(?)) \
                 AND json_extract(v.value, '$[1]') LIKE ? ESCAPE '\\')",
                vec![name.clone(), name, value],
            );
        }
        if let Some(batch) = &self.batch {
            push(
                "batch_id LIKE ? ESCAPE '\\'",
                vec![Value::Text(contains(batch))],
            );
        }
        if let Some(task_id) = self.task_id {
            push(
                "batch_id IN (SELECT 'task:' || task_key || ':' || part FROM task \
                 WHERE task_id = ?)",
                vec![Value::Integer(task_id as i64)],
            );
        }
        if let Some(text) = self
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let (term, values) = text_term(text);
            push(term, values);
        }
        if terms.is_empty() {
            (String::new(), params)
        } else {
            (format!("WHERE {}", terms.join(" AND ")), params)
        }
    }
}

/// A plain word of the filter: found in any of the attempt's texts, its outcome word or its
/// labels.
fn text_term(text: &str) -> (&'static str, Vec<Value>) {
    let like = Value::Text(contains(text));
    // "inProgress" finds in_progress too.
    let status = text
        .parse::<AttemptStatus>()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default();
    let term = "(callee LIKE ? ESCAPE '\\' OR agent_name LIKE ? ESCAPE '\\' \
         OR status LIKE ? ESCAPE '\\' OR status = ? OR session_id LIKE ? ESCAPE '\\' \
         OR id LIKE ? ESCAPE '\\' OR note LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM label \
            WHERE label.attempt_id = attempt.id AND label.name LIKE ? ESCAPE '\\') \
         OR variables LIKE ? ESCAPE '\\' OR batch_id LIKE ? ESCAPE '\\' \
         OR CAST(agent_id AS TEXT) = ? OR EXISTS (SELECT 1 FROM summary o \
            WHERE o.attempt_id = attempt.id AND o.word LIKE ? ESCAPE '\\'))";
    let mut values = vec![like.clone(); 12];
    values[3] = Value::Text(status);
    values[10] = Value::Text(text.to_owned());
    (term, values)
}

/// A LIKE pattern finding `s` anywhere, with `%`, `_` and `\` taken literally.
fn contains(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The columns `attempt_from_row` reads, in order.
pub(crate) const ATTEMPT_COLUMNS: &str = "id, created_at_ms, updated_at_ms, endpoint, sdk_app_id, \
    agent_id, agent_name, callee, callers, variables, max_ring_timeout, acquire_timeout, \
    request_json, batch_id, batch_row, status, session_id, request_id, response_json, \
    error_code, error_message, claim_override";

/// Newest first; the rowid keeps attempts of the same millisecond in recording order.
pub(crate) const NEWEST_FIRST: &str = "ORDER BY created_at_ms DESC, rowid DESC";

pub(crate) fn attempt_from_row(row: &Row<'_>) -> rusqlite::Result<Attempt> {
    let callers: String = row.get(8)?;
    let variables: String = row.get(9)?;
    let batch_id: Option<String> = row.get(13)?;
    let batch_row: Option<i64> = row.get(14)?;
    Ok(Attempt {
        id: AttemptId(row.get(0)?),
        created_at_ms: row.get(1)?,
        updated_at_ms: row.get(2)?,
        endpoint: row.get(3)?,
        sdk_app_id: row.get(4)?,
        agent_id: unsigned(row, 5)?,
        agent_name: row.get(6)?,
        callee: row.get(7)?,
        callers: json_column(8, &callers)?,
        variables: json_column(9, &variables)?,
        max_ring_timeout: row.get(10)?,
        acquire_timeout: row.get(11)?,
        request_json: row.get(12)?,
        batch: match (batch_id, batch_row) {
            (Some(batch_id), Some(row)) => Some(BatchRef {
                batch_id,
                row: row.max(0) as u64,
            }),
            _ => None,
        },
        status: row.get(15)?,
        session_id: row.get(16)?,
        request_id: row.get(17)?,
        response_json: row.get(18)?,
        error_code: row.get(19)?,
        error_message: row.get(20)?,
        claim_override: row.get(21)?,
    })
}

pub(crate) const EVENT_COLUMNS: &str = "attempt_id, seq, at_ms, kind, status, detail";

pub(crate) fn event_from_row(row: &Row<'_>) -> rusqlite::Result<Event> {
    let detail: String = row.get(5)?;
    Ok(Event {
        attempt_id: AttemptId(row.get(0)?),
        seq: row.get(1)?,
        at_ms: row.get(2)?,
        kind: row.get(3)?,
        status: row.get(4)?,
        detail: json_column(5, &detail)?,
    })
}

fn unsigned(row: &Row<'_>, idx: usize) -> rusqlite::Result<u64> {
    let v: i64 = row.get(idx)?;
    u64::try_from(v).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Integer, Box::new(e))
    })
}

fn json_column<T: serde::de::DeserializeOwned>(idx: usize, text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

impl ToSql for AttemptStatus {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Text(
            self.as_str().as_bytes(),
        )))
    }
}

impl FromSql for AttemptStatus {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_filter_has_no_where() {
        let (sql, params) = Filter::default().to_sql();
        assert_eq!(sql, "");
        assert!(params.is_empty());
    }

    #[test]
    fn parameters_are_numbered_in_order() {
        let f = Filter {
            callee: Some("0086130".into()),
            status: Some(AttemptStatus::Finished),
            since_ms: Some(5),
            ..Default::default()
        };
        let (sql, params) = f.to_sql();
        assert_eq!(
            sql,
            "WHERE callee = ?1 AND status = ?2 AND created_at_ms >= ?3"
        );
        assert_eq!(params.len(), 3);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
