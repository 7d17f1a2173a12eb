//! Labels and notes on attempts: a history written before they existed takes them after its
//! migration; they survive reopening, are searchable, and travel in every export.

mod support;

use std::fs;

use ccc_dial::history::{ExportFormat, Filter, Page, SCHEMA_VERSION, Store};
use ccc_dial::results::export::export;
use support::cli::{Sandbox, stderr, stdout};

/// A history file written by the version before labels (schema 1): one answered call
/// placed with `call --sim --wait`.
const V1: &str = "tests/fixtures/history-v1-call.db";
const V1_ATTEMPT: &str = "94311f06-dc38-43b0-9e4b-fcbacd9aff9a";

fn v1_copy(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("history.db");
    fs::copy(V1, &path).unwrap();
    path
}

fn exported(store: &Store, filter: &Filter, format: ExportFormat) -> String {
    let mut out = Vec::new();
    export(store, filter, Page::all(), format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_history_from_the_version_before_takes_labels_that_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_copy(dir.path());
    let (store, notice) = Store::open(&path).unwrap();
    assert_eq!(notice, None, "the old file is migrated, not moved aside");
    let version: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 8);
    let a = store
        .find(V1_ATTEMPT)
        .unwrap()
        .expect("the old attempt is kept");
    assert_eq!(store.events(&a.id).unwrap().len(), 3);
    assert_eq!(store.notes(&a.id).unwrap().labels, Vec::<String>::new());

    let notes = store
        .annotate(
            &a.id,
            &["prompt-v2".into(), "baseline".into()],
            &[],
            Some("greets by name"),
        )
        .unwrap();
    assert_eq!(notes.labels, ["baseline", "prompt-v2"]);
    drop(store);

    let (store, _) = Store::open(&path).unwrap();
    let notes = store.notes(&a.id).unwrap();
    assert_eq!(notes.labels, ["baseline", "prompt-v2"]);
    assert_eq!(notes.note.as_deref(), Some("greets by name"));
    let by = |filter: Filter| store.count(&filter).unwrap();
    assert_eq!(
        by(Filter {
            label: Some("prompt-v2".into()),
            ..Filter::default()
        }),
        1
    );
    assert_eq!(
        by(Filter {
            label: Some("prompt".into()),
            ..Filter::default()
        }),
        0,
        "--label matches whole labels"
    );
    for text in ["prompt", "BASELINE", "by name"] {
        let found = by(Filter {
            text: Some(text.into()),
            ..Filter::default()
        });
        assert_eq!(found, 1, "search {text}");
    }
    let after = store
        .annotate(&a.id, &[], &["baseline".into()], Some(""))
        .unwrap();
    assert_eq!(after.labels, ["prompt-v2"]);
    assert_eq!(after.note, None);
    assert_eq!(store.labels().unwrap(), [("prompt-v2".to_string(), 1)]);
}

#[test]
fn labels_travel_in_json_lines_and_csv_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(v1_copy(dir.path())).unwrap();
    let a = store.find(V1_ATTEMPT).unwrap().unwrap();
    let labels = vec!["prompt-v2".to_string(), "tone=formal".to_string()];
    store
        .annotate(&a.id, &labels, &[], Some("a, \"quoted\" note"))
        .unwrap();
    let all = Filter::default();

    let line = exported(&store, &all, ExportFormat::JsonLines);
    let v: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    let read: Vec<String> = serde_json::from_value(v["labels"].clone()).unwrap();
    assert_eq!(read, store.notes(&a.id).unwrap().labels);
    assert_eq!(v["note"], "a, \"quoted\" note");
    assert_eq!(v["id"], V1_ATTEMPT);

    let csv_text = exported(&store, &all, ExportFormat::Csv);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let col = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
    let read: Vec<&str> = col("labels").split(';').collect();
    assert_eq!(read, labels);
    assert_eq!(col("note"), "a, \"quoted\" note");
    assert_eq!(col("id"), V1_ATTEMPT);
}

#[test]
fn the_label_command_adds_removes_and_refuses_a_bad_label() {
    let sandbox = Sandbox::new();
    fs::copy(V1, sandbox.history_path()).unwrap();
    let key = &V1_ATTEMPT[..8];
    let run = |args: &[&str]| {
        sandbox
            .command()
            .arg("history")
            .args(args)
            .output()
            .unwrap()
    };

    let out = run(&["label", key, "prompt-v2", "baseline", "--note", "first try"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("{key}  baseline prompt-v2\nnote: first try\n")
    );

    let out = run(&["label", key, "has space"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("prompt-v2"), "{}", stderr(&out));

    let out = run(&["--label", "baseline"]);
    assert!(
        stdout(&out).contains("baseline prompt-v2"),
        "{}",
        stdout(&out)
    );
    let out = run(&["--search", "first try", "--jsonl"]);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["labels"], serde_json::json!(["baseline", "prompt-v2"]));

    let out = run(&["label", key, "--remove", "baseline"]);
    assert_eq!(stdout(&out), format!("{key}  prompt-v2\nnote: first try\n"));
    let out = run(&["show", key]);
    assert!(
        stdout(&out).contains("Labels     prompt-v2\n"),
        "{}",
        stdout(&out)
    );
    let out = run(&["label", "ffffffff", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no attempt"), "{}", stderr(&out));
}
