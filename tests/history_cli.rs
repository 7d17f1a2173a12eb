//! `ccc-dial history`, run as a user would, against a temporary history file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ccc_dial::history::{AttemptId, AttemptStatus, CallEvent, EventUpdate, NewAttempt, Store};
use serde_json::json;

const DAY: i64 = 86_400_000;
const T0: i64 = 1_793_541_600_000; // 2026-11-01T14:00:00Z

fn attempt(id: &str, at_ms: i64, callee: &str) -> NewAttempt {
    NewAttempt {
        id: AttemptId::from(id),
        created_at_ms: at_ms,
        endpoint: "simulator".into(),
        sdk_app_id: 1_400_000_000,
        agent_id: 15,
        agent_name: Some("Sales bot".into()),
        callee: callee.into(),
        callers: vec!["008601012345678".into()],
        variables: vec![("dify-inputs-user".into(), "alice".into())],
        max_ring_timeout: Some(30),
        acquire_timeout: None,
        request_json: format!(r#"{{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"{callee}"}}"#),
        batch: None,
    }
}

/// Three attempts: finished (Oct 30), rejected (Nov 1), queued (Nov 2).
fn populated() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let (store, _) = Store::open(&path).unwrap();
    let a = attempt(
        "aaaaaaaa-0000-4000-8000-000000000001",
        T0 - 2 * DAY,
        "008613000000001",
    );
    store.record_queued(&a).unwrap();
    store
        .record_event(
            &a.id,
            EventUpdate {
                status: Some(AttemptStatus::Accepted),
                session_id: Some("SESSION-A".into()),
                request_id: Some("REQ-A".into()),
                response_json: Some(r#"{"Response":{"SessionId":"SESSION-A"}}"#.into()),
                ..EventUpdate::new(T0 - 2 * DAY + 310, CallEvent::Accepted { tries: 1 })
            },
        )
        .unwrap();
    store
        .record_event(
            &a.id,
            EventUpdate::new(
                T0 - 2 * DAY + 60_000,
                // Written by a newer version: shown as stored.
                CallEvent::Unrecognized {
                    kind: "status".into(),
                    detail: json!({"duration_s": 42}),
                },
            )
            .status(AttemptStatus::Finished),
        )
        .unwrap();
    let b = attempt(
        "bbbbbbbb-0000-4000-8000-000000000002",
        T0,
        "008613000000002",
    );
    store.record_queued(&b).unwrap();
    store
        .record_event(
            &b.id,
            EventUpdate {
                status: Some(AttemptStatus::Rejected),
                error_code: Some("FailedOperation.CalleeIsBlackUser".into()),
                error_message: Some("callee is on the block list".into()),
                ..EventUpdate::new(T0 + 200, CallEvent::Rejected(Default::default()))
            },
        )
        .unwrap();
    let c = attempt(
        "cccccccc-0000-4000-8000-000000000003",
        T0 + DAY,
        "008613000000003",
    );
    store.record_queued(&c).unwrap();
    (dir, path)
}

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ccc-dial"))
        .arg("history")
        .args(args)
        .arg("--db")
        .arg(db)
        .env("TZ", "UTC")
        .env_remove("CCC_DIAL_HISTORY")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    assert!(!out.status.success(), "should fail");
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn the_table_lists_newest_first_in_local_time() {
    let (_dir, db) = populated();
    let text = stdout(&run(&db, &[]));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("TIME"), "{text}");
    assert!(lines[0].contains("CALLEE") && lines[0].contains("SESSION"));
    assert!(
        lines[1]
            .starts_with("2026-11-02 14:00:00  cccccccc  008613000000003  15 Sales bot  queued"),
        "{text}"
    );
    assert!(lines[2].contains("bbbbbbbb") && lines[2].contains("rejected"));
    assert!(
        lines[2].ends_with("FailedOperation.CalleeIsBlackUser"),
        "{text}"
    );
    assert!(
        lines[3].starts_with("2026-10-30 14:00:00  aaaaaaaa"),
        "{text}"
    );
    assert!(lines[3].contains("finished") && lines[3].contains("SESSION-A"));
    assert!(text.ends_with("1-3 of 3, newest first.\n"), "{text}");

    // Another time zone shows the same attempt at its local time.
    let out = Command::new(env!("CARGO_BIN_EXE_ccc-dial"))
        .args(["history", "--limit", "1", "--db"])
        .arg(&db)
        .env("TZ", "Asia/Shanghai")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("2026-11-02 22:00:00  cccccccc"), "{text}");
    assert!(text.contains("1-1 of 3"), "{text}");
}

#[test]
fn filters_and_paging() {
    let (_dir, db) = populated();
    let ids = |args: &[&str]| -> Vec<String> {
        let text = stdout(&run(&db, &[&["--jsonl"], args].concat()));
        text.lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()[..1]
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(ids(&[]), ["c", "b", "a"]);
    assert_eq!(ids(&["--since", "2026-11-01"]), ["c", "b"]);
    assert_eq!(ids(&["--until", "2026-11-01 14:00"]), ["a"]);
    assert_eq!(ids(&["--status", "finished"]), ["a"]);
    assert_eq!(ids(&["--status", "notSent"]), Vec::<String>::new());
    assert_eq!(ids(&["--callee", "+8613000000002"]), ["b"]);
    assert_eq!(ids(&["--session", "SESSION-A"]), ["a"]);
    assert_eq!(ids(&["--search", "black"]), Vec::<String>::new());
    assert_eq!(ids(&["--search", "rejected"]), ["b"]);
    assert_eq!(ids(&["--limit", "1", "--offset", "1"]), ["b"]);
    // Far in the past relative to now: every attempt is younger than 100 years.
    assert_eq!(ids(&["--since", "36500d"]).len(), 3);
    assert!(ids(&["--since", "1h"]).is_empty());
}

#[test]
fn json_and_csv_exports() {
    let (_dir, db) = populated();
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(&db, &["--json"]))).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2]["session_id"], json!("SESSION-A"));
    assert_eq!(
        rows[2]["created_at"],
        json!("2026-10-30T14:00:00.000+00:00")
    );
    assert_eq!(
        rows[2]["response"]["Response"]["SessionId"],
        json!("SESSION-A")
    );

    let csv_text = stdout(&run(&db, &["--csv", "--status", "rejected"]));
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let records: Vec<_> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(
        &records[0][col("id")],
        "bbbbbbbb-0000-4000-8000-000000000002"
    );
    assert_eq!(
        &records[0][col("error_code")],
        "FailedOperation.CalleeIsBlackUser"
    );
    assert_eq!(
        &records[0][col("created_at")],
        "2026-11-01T14:00:00.000+00:00"
    );

    let err = stderr(&run(&db, &["--json", "--csv"]));
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn show_prints_the_whole_timeline() {
    let (_dir, db) = populated();
    for key in [
        "SESSION-A",
        "aaaaaaaa",
        "aaaaaaaa-0000-4000-8000-000000000001",
    ] {
        let text = stdout(&run(&db, &["show", key]));
        assert!(
            text.starts_with("Attempt    aaaaaaaa-0000-4000-8000-000000000001\n"),
            "{text}"
        );
        assert!(text.contains("Status     finished"), "{text}");
        assert!(text.contains("SessionId  SESSION-A"), "{text}");
        assert!(
            text.contains("Created    2026-10-30 14:00:00.000 +00:00"),
            "{text}"
        );
        assert!(text.contains("dify-inputs-user = alice"), "{text}");
        assert!(text.contains("Timeouts   ring 30 s, queue -"), "{text}");
        let timeline: Vec<&str> = text
            .lines()
            .skip_while(|l| *l != "Timeline")
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .collect();
        assert_eq!(timeline.len(), 3, "{text}");
        assert!(timeline[0].contains("14:00:00.000  queued"), "{text}");
        assert!(
            timeline[1].contains("14:00:00.310  accepted    accepted"),
            "{text}"
        );
        assert!(timeline[2].contains("finished") && timeline[2].contains(r#"{"duration_s":42}"#));
        assert!(
            text.contains("Request\n  {\n    \"SdkAppId\": 1400000000"),
            "{text}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&db, &["show", "SESSION-A", "--json"]))).unwrap();
    assert_eq!(json["events"].as_array().unwrap().len(), 3);
    assert_eq!(json["events"][2]["status"], json!("finished"));

    let err = stderr(&run(&db, &["show", "NO-SUCH-SESSION"]));
    assert!(
        err.contains("no attempt or SessionId `NO-SUCH-SESSION`"),
        "{err}"
    );
    assert!(err.contains(&db.display().to_string()), "{err}");
}

#[test]
fn prune_by_age() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db");
    let now = chrono::Utc::now().timestamp_millis();
    {
        let (store, _) = Store::open(&db).unwrap();
        store
            .record_queued(&attempt(
                "old00000-0000-4000-8000-000000000001",
                now - 100 * DAY,
                "1",
            ))
            .unwrap();
        store
            .record_queued(&attempt(
                "new00000-0000-4000-8000-000000000002",
                now - DAY,
                "2",
            ))
            .unwrap();
    }
    let text = stdout(&run(&db, &["prune", "--older-than", "90d", "--dry-run"]));
    assert!(text.starts_with("1 attempts were made before"), "{text}");
    let text = stdout(&run(&db, &["prune", "--older-than", "90d"]));
    assert!(text.starts_with("Deleted 1 attempts made before"), "{text}");
    let text = stdout(&run(&db, &["--jsonl"]));
    assert_eq!(text.lines().count(), 1);
    assert!(text.contains("new00000"));

    let err = stderr(&run(&db, &["prune", "--older-than", "ninety days"]));
    assert!(err.contains("`ninety days` is not an age"), "{err}");
    let err = stderr(&run(&db, &["prune"]));
    assert!(err.contains("--older-than"), "{err}");
}

#[test]
fn bad_input_is_explained() {
    let (_dir, db) = populated();
    let err = stderr(&run(&db, &["--since", "yesterday"]));
    assert!(err.contains("--since yesterday"), "{err}");
    assert!(err.contains("2026-11-01"), "{err}");
    let err = stderr(&run(&db, &["--status", "dialing"]));
    assert!(err.contains("unknown status `dialing`"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"").unwrap();
    let bad = file.join("history.db");
    let err = stderr(&run(&bad, &[]));
    assert!(err.contains(&bad.display().to_string()), "{err}");
    assert!(err.contains("CCC_DIAL_HISTORY"), "{err}");
}

#[test]
fn the_environment_names_the_file_and_an_empty_history_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh").join("history.db");
    let out = Command::new(env!("CARGO_BIN_EXE_ccc-dial"))
        .arg("history")
        .env("CCC_DIAL_HISTORY", &db)
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(
        text,
        format!("No attempts recorded yet in {}.\n", db.display())
    );
    assert!(db.exists());
}

#[test]
fn a_recovered_file_is_announced() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db");
    std::fs::write(&db, b"not a database at all").unwrap();
    let out = run(&db, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.starts_with("note: The history database"), "{err}");
    assert!(err.contains("moved to"), "{err}");
}
