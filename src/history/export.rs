//! Exports of a filtered list: JSON lines, a JSON array, or CSV.

use std::io::Write;

use chrono::{Local, TimeZone};
use serde_json::{Value, json};

use super::attempt::{Attempt, Event};
use super::query::{Filter, Page};
use super::{HistoryError, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object a line.
    JsonLines,
    /// One JSON array.
    JsonArray,
    /// A header line, then one row an attempt.
    Csv,
}

/// Local time with the offset, to the millisecond: `2026-11-01T14:02:11.120+08:00`.
pub(crate) fn local_rfc3339(ms: i64) -> String {
    match Local.timestamp_millis_opt(ms) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
        }
        chrono::LocalResult::None => ms.to_string(),
    }
}

/// Embeds JSON text as JSON, or as a string when it is not valid JSON.
fn embedded(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// An attempt as a JSON object; the request and response are embedded as JSON.
pub fn attempt_json(a: &Attempt) -> Value {
    json!({
        "id": a.id,
        "created_at": local_rfc3339(a.created_at_ms),
        "created_at_ms": a.created_at_ms,
        "updated_at_ms": a.updated_at_ms,
        "status": a.status,
        "endpoint": a.endpoint,
        "sdk_app_id": a.sdk_app_id,
        "agent_id": a.agent_id,
        "agent_name": a.agent_name,
        "callee": a.callee,
        "callers": a.callers,
        "variables": a.variables.iter()
            .map(|(k, v)| json!({ "key": k, "value": v }))
            .collect::<Vec<_>>(),
        "max_ring_timeout": a.max_ring_timeout,
        "acquire_timeout": a.acquire_timeout,
        "batch_id": a.batch.as_ref().map(|b| &b.batch_id),
        "batch_row": a.batch.as_ref().map(|b| b.row),
        "session_id": a.session_id,
        "request_id": a.request_id,
        "error_code": a.error_code,
        "error_message": a.error_message,
        "request": embedded(&a.request_json),
        "response": a.response_json.as_deref().map(embedded),
    })
}

/// An event as a JSON object.
pub fn event_json(e: &Event) -> Value {
    json!({
        "seq": e.seq,
        "at": local_rfc3339(e.at_ms),
        "at_ms": e.at_ms,
        "kind": e.kind,
        "status": e.status,
        "detail": e.detail,
    })
}

/// The columns of an attempt as stored, in CSV.
pub const CSV_HEADER: [&str; 18] = [
    "id",
    "created_at",
    "status",
    "callee",
    "agent_id",
    "agent_name",
    "session_id",
    "request_id",
    "error_code",
    "error_message",
    "callers",
    "variables",
    "sdk_app_id",
    "endpoint",
    "batch_id",
    "batch_row",
    "created_at_ms",
    "updated_at_ms",
];

/// An attempt's stored columns, in the order of [`CSV_HEADER`].
pub fn csv_record(a: &Attempt) -> [String; 18] {
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    [
        a.id.0.clone(),
        local_rfc3339(a.created_at_ms),
        a.status.as_str().to_owned(),
        a.callee.clone(),
        a.agent_id.to_string(),
        opt(&a.agent_name),
        opt(&a.session_id),
        opt(&a.request_id),
        opt(&a.error_code),
        opt(&a.error_message),
        a.callers.join(";"),
        serde_json::to_string(&a.variables).unwrap_or_default(),
        a.sdk_app_id.to_string(),
        a.endpoint.clone(),
        a.batch
            .as_ref()
            .map(|b| b.batch_id.clone())
            .unwrap_or_default(),
        a.batch
            .as_ref()
            .map(|b| b.row.to_string())
            .unwrap_or_default(),
        a.created_at_ms.to_string(),
        a.updated_at_ms.to_string(),
    ]
}

/// A CSV writer's failure, as the history's error.
pub fn csv_error(e: csv::Error) -> HistoryError {
    HistoryError::Io(std::io::Error::other(e))
}

/// Writes JSON objects one a line, or as one array.
pub struct JsonSink<'a> {
    out: &'a mut dyn Write,
    array: bool,
    count: usize,
}

impl<'a> JsonSink<'a> {
    /// A sink for `format`: an array for [`ExportFormat::JsonArray`], else lines.
    pub fn new(out: &'a mut dyn Write, format: ExportFormat) -> std::io::Result<Self> {
        let array = format == ExportFormat::JsonArray;
        if array {
            out.write_all(b"[")?;
        }
        Ok(JsonSink {
            out,
            array,
            count: 0,
        })
    }

    pub fn push(&mut self, value: &Value) -> std::io::Result<()> {
        if self.array {
            self.out
                .write_all(if self.count == 0 { b"\n" } else { b",\n" })?;
        }
        serde_json::to_writer(&mut *self.out, value).map_err(std::io::Error::from)?;
        if !self.array {
            self.out.write_all(b"\n")?;
        }
        self.count += 1;
        Ok(())
    }

    /// Closes the array; returns how many objects went out.
    pub fn finish(self) -> std::io::Result<usize> {
        if self.array {
            self.out.write_all(b"\n]\n")?;
        }
        self.out.flush()?;
        Ok(self.count)
    }
}

impl Store {
    /// Writes the matching attempts of `page`, newest first, to `out`; returns how many.
    pub fn export(
        &self,
        filter: &Filter,
        page: Page,
        format: ExportFormat,
        out: &mut dyn Write,
    ) -> Result<usize, HistoryError> {
        if format == ExportFormat::Csv {
            let mut n = 0;
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(CSV_HEADER).map_err(csv_error)?;
            self.for_each(filter, page, |a| {
                w.write_record(csv_record(&a)).map_err(csv_error)?;
                n += 1;
                Ok(())
            })?;
            w.flush()?;
            drop(w);
            out.flush()?;
            return Ok(n);
        }
        let mut sink = JsonSink::new(out, format)?;
        self.for_each(filter, page, |a| Ok(sink.push(&attempt_json(&a))?))?;
        Ok(sink.finish()?)
    }
}
