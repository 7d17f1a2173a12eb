//! Labels and a note on an attempt: how a tester names a run (`prompt-v2`) to find, export and
//! compare it later. Kept beside the attempt, never in its recorded request.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::attempt::{Attempt, AttemptId, Event};
use super::query::{EVENT_COLUMNS, Filter, Page, event_from_row};
use super::{HistoryError, Store};

/// The longest label, in characters.
pub const LABEL_MAX: usize = 64;
/// The longest note, in characters.
pub const NOTE_MAX: usize = 2_000;

/// The labels (sorted) and the note of one attempt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    pub labels: Vec<String>,
    pub note: Option<String>,
}

/// An attempt with its timeline and notes: what reports, exports and comparisons read.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub attempt: Attempt,
    pub events: Vec<Event>,
    pub notes: Notes,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    #[error("a label cannot be empty; write a word such as prompt-v2")]
    Empty,
    #[error("label `{0}` is longer than {LABEL_MAX} characters; use a shorter one")]
    TooLong(String),
    #[error(
        "label `{0}` has a space or a control character; use letters, digits and - _ . : / + = @ (e.g. prompt-v2)"
    )]
    BadChar(String),
    #[error("the note is longer than {NOTE_MAX} characters; shorten it")]
    NoteTooLong,
}

/// Checks a label as typed, trimmed of surrounding space.
pub fn parse_label(s: &str) -> Result<String, LabelError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(LabelError::Empty);
    }
    if s.chars().count() > LABEL_MAX {
        return Err(LabelError::TooLong(s.to_owned()));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(LabelError::BadChar(s.escape_debug().to_string()));
    }
    Ok(s.to_owned())
}

fn read_notes(conn: &Connection, id: &str) -> rusqlite::Result<Notes> {
    let mut stmt =
        conn.prepare_cached("SELECT name FROM label WHERE attempt_id = ?1 ORDER BY name")?;
    let labels = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    let note = conn
        .prepare_cached("SELECT note FROM attempt WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten();
    Ok(Notes { labels, note })
}

fn read_events(conn: &Connection, id: &str) -> rusqlite::Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM event WHERE attempt_id = ?1 ORDER BY seq"
    ))?;
    stmt.query_map([id], event_from_row)?.collect()
}

impl Store {
    /// Adds `add` and removes `remove` from the attempt's labels, and replaces its note when
    /// `note` is given (an empty one clears it), in one transaction. Returns the result.
    pub fn annotate(
        &self,
        id: &AttemptId,
        add: &[String],
        remove: &[String],
        note: Option<&str>,
    ) -> Result<Notes, HistoryError> {
        let note = note.map(str::trim);
        if note.is_some_and(|n| n.chars().count() > NOTE_MAX) {
            return Err(HistoryError::Label(LabelError::NoteTooLong));
        }
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let exists: Option<i64> = tx
                .query_row("SELECT 1 FROM attempt WHERE id = ?1", [&id.0], |r| r.get(0))
                .optional()?;
            if exists.is_none() {
                return Err(HistoryError::NotFound(id.0.clone()));
            }
            for name in remove {
                tx.execute(
                    "DELETE FROM label WHERE attempt_id = ?1 AND name = ?2",
                    params![id.0, name],
                )?;
            }
            for name in add {
                tx.execute(
                    "INSERT OR IGNORE INTO label (attempt_id, name) VALUES (?1, ?2)",
                    params![id.0, name],
                )?;
            }
            if let Some(note) = note {
                let note = (!note.is_empty()).then_some(note);
                tx.execute(
                    "UPDATE attempt SET note = ?2 WHERE id = ?1",
                    params![id.0, note],
                )?;
            }
            let notes = read_notes(&tx, &id.0)?;
            tx.commit()?;
            Ok(notes)
        })
    }

    /// The attempt's labels and note.
    pub fn notes(&self, id: &AttemptId) -> Result<Notes, HistoryError> {
        self.with(|conn| Ok(read_notes(conn, &id.0)?))
    }

    /// The attempt with its timeline and notes.
    pub fn entry(&self, attempt: Attempt) -> Result<Entry, HistoryError> {
        self.with(|conn| {
            Ok(Entry {
                events: read_events(conn, &attempt.id.0)?,
                notes: read_notes(conn, &attempt.id.0)?,
                attempt,
            })
        })
    }

    /// Calls `f` on each matching attempt of the page, newest first, with its timeline and
    /// notes, without holding them all in memory. The store is locked meanwhile: `f` must
    /// not call it.
    pub fn for_each_entry(
        &self,
        filter: &Filter,
        page: Page,
        mut f: impl FnMut(Entry) -> Result<(), HistoryError>,
    ) -> Result<(), HistoryError> {
        self.scan(filter, page, |conn, attempt| {
            f(Entry {
                events: read_events(conn, &attempt.id.0)?,
                notes: read_notes(conn, &attempt.id.0)?,
                attempt,
            })
        })
    }

    /// Every label in use, with how many attempts carry it, most used first.
    pub fn labels(&self) -> Result<Vec<(String, u64)>, HistoryError> {
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT name, count(*) AS n FROM label GROUP BY name ORDER BY n DESC, name",
            )?;
            let rows =
                stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_checked() {
        assert_eq!(parse_label(" prompt-v2 ").unwrap(), "prompt-v2");
        assert_eq!(parse_label(""), Err(LabelError::Empty));
        assert!(matches!(parse_label("a b"), Err(LabelError::BadChar(_))));
        assert!(matches!(
            parse_label("a\u{1b}b"),
            Err(LabelError::BadChar(_))
        ));
        assert!(matches!(
            parse_label(&"x".repeat(LABEL_MAX + 1)),
            Err(LabelError::TooLong(_))
        ));
        let msg = parse_label("a b").unwrap_err().to_string();
        assert!(msg.contains("prompt-v2"), "{msg}");
    }
}
