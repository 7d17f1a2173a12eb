//! Exports that carry each attempt's results beside its stored columns: outcome word,
//! EndStatus, ring and talk time, labels, note, extracted tags and latency medians.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use serde_json::{Map, Value, json};

use super::{Run, Stage};
use crate::history::{
    CSV_HEADER, ExportFormat, Filter, HistoryError, JsonSink, Page, Store, attempt_json, csv_error,
    csv_record,
};

/// The result columns after the stored ones; then one `tag.NAME` column per tag name.
const RESULT_COLUMNS: [&str; 13] = [
    "outcome",
    "end_status",
    "end_status_string",
    "ring_secs",
    "talk_secs",
    "labels",
    "note",
    "rounds",
    "ete_median_ms",
    "asr_median_ms",
    "llm_median_ms",
    "first_token_median_ms",
    "tts_median_ms",
];

/// A run as a JSON object: the attempt's export with its results added.
pub fn run_json(run: &Run) -> Value {
    let mut v = attempt_json(&run.attempt);
    let r = &run.report;
    let latency = run.latency_json(
        Stage::key,
        |s| json!({ "median_ms": s.median, "p90_ms": s.p90 }),
    );
    let tags: Map<String, Value> = run
        .tags()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), json!(v)))
        .collect();
    let added = json!({
        "outcome": r.word.map(|w| w.as_str()),
        "end_status": r.end_status,
        "end_status_string": r.end_status_string,
        "ring_secs": r.ring_secs,
        "talk_secs": r.talk_secs,
        "labels": run.notes.labels,
        "note": run.notes.note,
        "tags": tags,
        "rounds": run.rounds(),
        "latency": latency,
    });
    if let (Value::Object(base), Value::Object(added)) = (&mut v, added) {
        base.extend(added);
    }
    v
}

fn result_cells(run: &Run) -> Vec<String> {
    let r = &run.report;
    let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let mut cells = vec![
        r.word.map(|w| w.as_str().to_owned()).unwrap_or_default(),
        num(r.end_status),
        r.end_status_string.clone().unwrap_or_default(),
        num(r.ring_secs),
        num(r.talk_secs),
        run.notes.labels.join(";"),
        run.notes.note.clone().unwrap_or_default(),
        run.rounds().to_string(),
    ];
    cells.extend(Stage::ALL.iter().map(|s| {
        run.stat(*s)
            .median
            .map(|m| m.to_string())
            .unwrap_or_default()
    }));
    cells
}

/// Writes the matching attempts of `page`, newest first, with their results; returns how
/// many. CSV is written once every row is read, since its tag columns depend on them all.
pub fn export(
    store: &Store,
    filter: &Filter,
    page: Page,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<usize, HistoryError> {
    if format != ExportFormat::Csv {
        let mut sink = JsonSink::new(out, format)?;
        store.for_each_entry(filter, page, |e| Ok(sink.push(&run_json(&Run::new(e)))?))?;
        return Ok(sink.finish()?);
    }
    let mut rows: Vec<(Vec<String>, BTreeMap<String, String>)> = Vec::new();
    let mut tag_names = BTreeSet::new();
    store.for_each_entry(filter, page, |e| {
        let run = Run::new(e);
        let mut cells: Vec<String> = csv_record(&run.attempt).into();
        cells.extend(result_cells(&run));
        let tags: BTreeMap<String, String> = run
            .tags()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        tag_names.extend(tags.keys().cloned());
        rows.push((cells, tags));
        Ok(())
    })?;
    let mut w = csv::Writer::from_writer(&mut *out);
    let header = CSV_HEADER
        .iter()
        .chain(RESULT_COLUMNS.iter())
        .map(|h| h.to_string())
        .chain(tag_names.iter().map(|t| format!("tag.{t}")));
    w.write_record(header).map_err(csv_error)?;
    let n = rows.len();
    for (mut cells, tags) in rows {
        cells.extend(
            tag_names
                .iter()
                .map(|t| tags.get(t).cloned().unwrap_or_default()),
        );
        w.write_record(cells).map_err(csv_error)?;
    }
    w.flush()?;
    drop(w);
    out.flush()?;
    Ok(n)
}
