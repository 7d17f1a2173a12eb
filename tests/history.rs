//! The history store: recording, queries, export, permissions, recovery, concurrency and
//! crash safety.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ccc_dial::history::event::SessionChange;
use ccc_dial::history::{
    AttemptId, AttemptStatus, BatchRef, CallEvent, EventUpdate, ExportFormat, Filter, HistoryError,
    NewAttempt, Page, SCHEMA_VERSION, Store,
};
use serde_json::json;

mod support;

use support::history::{T0, aside_files, new_attempt, temp_db};

fn session_status(status: &str) -> CallEvent {
    CallEvent::Status(SessionChange::Status {
        status: status.into(),
        ring_ts: None,
        accept_ts: None,
    })
}

fn rejected() -> CallEvent {
    CallEvent::Rejected(Default::default())
}

fn accept(store: &Store, id: &AttemptId, at_ms: i64, session: &str) {
    store
        .record_event(
            id,
            EventUpdate {
                status: Some(AttemptStatus::Accepted),
                session_id: Some(session.into()),
                request_id: Some(format!("req-{session}")),
                response_json: Some(format!(
                    r#"{{"Response":{{"SessionId":"{session}","RequestId":"req-{session}"}}}}"#
                )),
                ..EventUpdate::new(at_ms, CallEvent::Accepted { tries: 1 })
            },
        )
        .unwrap();
}

#[test]
fn an_attempt_and_its_timeline_read_back() {
    let store = Store::open_in_memory().unwrap();
    let a = new_attempt(T0, "008613012345678");
    store.record_queued(&a).unwrap();

    let got = store.get(&a.id).unwrap().unwrap();
    assert_eq!(got.status, AttemptStatus::Queued);
    assert_eq!(got.callers, a.callers);
    assert_eq!(got.variables, a.variables);
    assert_eq!(got.request_json, a.request_json);
    assert_eq!(got.max_ring_timeout, Some(30));
    assert_eq!(got.session_id, None);

    store
        .record_event(
            &a.id,
            EventUpdate::new(T0 + 5, CallEvent::Sent { try_no: 1 }),
        )
        .unwrap();
    accept(&store, &a.id, T0 + 200, "sess-1");
    store
        .record_event(
            &a.id,
            EventUpdate::new(T0 + 2_000, session_status("ringing")).status(AttemptStatus::Ringing),
        )
        .unwrap();
    store
        .record_event(
            &a.id,
            EventUpdate::new(T0 + 9_000, session_status("finished"))
                .status(AttemptStatus::Finished),
        )
        .unwrap();

    let got = store.get(&a.id).unwrap().unwrap();
    assert_eq!(got.status, AttemptStatus::Finished);
    // Fields an event leaves as None keep their value.
    assert_eq!(got.session_id.as_deref(), Some("sess-1"));
    assert_eq!(got.request_id.as_deref(), Some("req-sess-1"));
    assert_eq!(got.updated_at_ms, T0 + 9_000);

    let events = store.events(&a.id).unwrap();
    let kinds: Vec<_> = events
        .iter()
        .map(|e| (e.seq, e.kind.as_str(), e.status))
        .collect();
    assert_eq!(
        kinds,
        [
            (1, "queued", Some(AttemptStatus::Queued)),
            (2, "sent", None),
            (3, "accepted", Some(AttemptStatus::Accepted)),
            (4, "status", Some(AttemptStatus::Ringing)),
            (5, "status", Some(AttemptStatus::Finished)),
        ]
    );
    assert_eq!(
        events[3].detail,
        json!({"status": "ringing", "ring_ts": null, "accept_ts": null})
    );
    assert_eq!(events[3].call_event(), session_status("ringing"));
}

#[test]
fn an_event_for_an_unknown_attempt_is_refused() {
    let store = Store::open_in_memory().unwrap();
    let err = store
        .record_event(
            &AttemptId::from("nope"),
            EventUpdate::new(T0, CallEvent::Accepted { tries: 1 }),
        )
        .unwrap_err();
    assert!(
        matches!(err, HistoryError::NotFound(ref id) if id == "nope"),
        "{err}"
    );
    assert!(store.events(&AttemptId::from("nope")).unwrap().is_empty());
}

#[test]
fn find_by_id_prefix_or_session() {
    let store = Store::open_in_memory().unwrap();
    let mut a = new_attempt(T0, "008613000000001");
    a.id = AttemptId::from("6bb56a09-1111-4000-8000-000000000001");
    let mut b = new_attempt(T0 + 1, "008613000000002");
    b.id = AttemptId::from("6bb56a09-2222-4000-8000-000000000002");
    store.record_queued(&a).unwrap();
    store.record_queued(&b).unwrap();
    accept(&store, &b.id, T0 + 5, "SESSION-B");

    assert_eq!(store.find(&a.id.0).unwrap().unwrap().id, a.id);
    assert_eq!(store.find("SESSION-B").unwrap().unwrap().id, b.id);
    assert_eq!(store.find("6bb56a09-1").unwrap().unwrap().id, a.id);
    assert_eq!(store.find("6BB56A09-2222").unwrap().unwrap().id, b.id);
    let err = store.find("6bb56a09").unwrap_err();
    assert!(
        matches!(err, HistoryError::Ambiguous { count: 2, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("type more"), "{err}");
    assert!(store.find("ffff").unwrap().is_none());
    assert!(
        store.find("abc").unwrap().is_none(),
        "too short to be a prefix"
    );
    assert!(store.find("  ").unwrap().is_none());
    assert!(
        store.find("6bb5*").unwrap().is_none(),
        "no glob from the user"
    );
}

/// 30 attempts over 3 callees, 2 agents and 3 statuses.
fn populated() -> (Store, Vec<NewAttempt>) {
    let store = Store::open_in_memory().unwrap();
    let mut all = Vec::new();
    for i in 0..30i64 {
        let mut a = new_attempt(T0 + i * 60_000, &format!("00861300000000{}", i % 3));
        if i % 2 == 1 {
            a.agent_id = 16;
            a.agent_name = Some("Support Bot".into());
        }
        store.record_queued(&a).unwrap();
        match i % 3 {
            0 => accept(&store, &a.id, a.created_at_ms + 100, &format!("sess-{i}")),
            1 => store
                .record_event(
                    &a.id,
                    EventUpdate {
                        status: Some(AttemptStatus::Rejected),
                        error_code: Some("FailedOperation.CalleeIsBlackUser".into()),
                        error_message: Some("callee is on the block list".into()),
                        ..EventUpdate::new(a.created_at_ms + 100, rejected())
                    },
                )
                .unwrap(),
            _ => {}
        }
        all.push(a);
    }
    (store, all)
}

#[test]
fn list_is_newest_first_with_paging() {
    let (store, all) = populated();
    let page1 = store.list(&Filter::default(), Page::first(10)).unwrap();
    let page2 = store
        .list(
            &Filter::default(),
            Page {
                offset: 10,
                limit: 10,
            },
        )
        .unwrap();
    let expected: Vec<_> = all.iter().rev().map(|a| a.id.clone()).collect();
    let got: Vec<_> = page1.iter().chain(&page2).map(|a| a.id.clone()).collect();
    assert_eq!(got, expected[..20]);
    assert_eq!(store.count(&Filter::default()).unwrap(), 30);
    let past_end = store
        .list(
            &Filter::default(),
            Page {
                offset: 30,
                limit: 10,
            },
        )
        .unwrap();
    assert!(past_end.is_empty());

    // Same millisecond: the later recording comes first.
    let s = Store::open_in_memory().unwrap();
    let x = new_attempt(T0, "1");
    let y = new_attempt(T0, "2");
    s.record_queued(&x).unwrap();
    s.record_queued(&y).unwrap();
    let ids: Vec<_> = s
        .list(&Filter::default(), Page::all())
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, [y.id, x.id]);
}

#[test]
fn filters_each_narrow_the_list() {
    let (store, all) = populated();
    let count = |f: Filter| store.count(&f).unwrap();
    assert_eq!(
        count(Filter {
            callee: Some("008613000000001".into()),
            ..Default::default()
        }),
        10
    );
    assert_eq!(
        count(Filter {
            agent_id: Some(16),
            ..Default::default()
        }),
        15
    );
    assert_eq!(
        count(Filter {
            agent_name: Some("support".into()),
            ..Default::default()
        }),
        15
    );
    assert_eq!(
        count(Filter {
            status: Some(AttemptStatus::Rejected),
            ..Default::default()
        }),
        10
    );
    assert_eq!(
        count(Filter {
            status: Some(AttemptStatus::Queued),
            agent_id: Some(15),
            ..Default::default()
        }),
        5
    );
    let by_session = store
        .list(
            &Filter {
                session_id: Some("sess-9".into()),
                ..Default::default()
            },
            Page::all(),
        )
        .unwrap();
    assert_eq!(by_session.len(), 1);
    assert_eq!(by_session[0].id, all[9].id);
    // Date range: [since, until).
    let range = Filter {
        since_ms: Some(all[5].created_at_ms),
        until_ms: Some(all[8].created_at_ms),
        ..Default::default()
    };
    let ids: Vec<_> = store
        .list(&range, Page::all())
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(
        ids,
        [all[7].id.clone(), all[6].id.clone(), all[5].id.clone()]
    );

    // The free text looks at callee, agent name, status, SessionId and id.
    let text = |t: &str| {
        count(Filter {
            text: Some(t.into()),
            ..Default::default()
        })
    };
    assert_eq!(text("0000002"), 10);
    assert_eq!(text("bot"), 30);
    assert_eq!(text("SUPPORT"), 15);
    assert_eq!(text("rejected"), 10);
    assert_eq!(text("sess-2"), 3, "sess-21, sess-24 and sess-27");
    assert_eq!(text(&all[3].id.0[..13]), 1);
    assert_eq!(text("%"), 0, "wildcards are literal");
    assert_eq!(text(""), 30);
}

#[test]
fn batch_rows_and_live_attempts() {
    let store = Store::open_in_memory().unwrap();
    let mut rows = Vec::new();
    for row in [2u64, 1, 2] {
        let mut a = new_attempt(T0 + rows.len() as i64, "0086130");
        a.batch = Some(BatchRef {
            batch_id: "batch-7".into(),
            row,
        });
        store.record_queued(&a).unwrap();
        rows.push(a);
    }
    store.record_queued(&new_attempt(T0, "0086131")).unwrap();
    store
        .record_event(
            &rows[0].id,
            EventUpdate::new(T0 + 10, CallEvent::NotSent(Default::default()))
                .status(AttemptStatus::NotSent),
        )
        .unwrap();
    accept(&store, &rows[2].id, T0 + 20, "s-2");
    let got = store.batch_rows("batch-7").unwrap();
    assert_eq!(
        got,
        [
            (1, AttemptStatus::Queued, rows[1].id.clone()),
            (2, AttemptStatus::NotSent, rows[0].id.clone()),
            (2, AttemptStatus::Accepted, rows[2].id.clone()),
        ]
    );
    assert!(store.batch_rows("other").unwrap().is_empty());
    let batch = &store.get(&rows[1].id).unwrap().unwrap().batch;
    assert_eq!(batch.as_ref().map(|b| b.row), Some(1));

    let live: Vec<_> = store
        .live_attempts()
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(live, [rows[2].id.clone()]);
    store
        .record_event(
            &rows[2].id,
            EventUpdate::new(T0 + 30, session_status("inProgress"))
                .status(AttemptStatus::InProgress),
        )
        .unwrap();
    assert_eq!(store.live_attempts().unwrap().len(), 1);
    store
        .record_event(
            &rows[2].id,
            EventUpdate::new(T0 + 40, session_status("finished")).status(AttemptStatus::Finished),
        )
        .unwrap();
    assert!(store.live_attempts().unwrap().is_empty());
}

#[test]
fn prune_deletes_old_attempts_and_their_events() {
    let (_dir, path) = temp_db();
    let (store, _) = Store::open(&path).unwrap();
    let old = new_attempt(T0 - 100 * 86_400_000, "008613000000009");
    let new = new_attempt(T0, "008613000000008");
    store.record_queued(&old).unwrap();
    accept(&store, &old.id, old.created_at_ms + 1, "old-session");
    store.record_queued(&new).unwrap();
    assert_eq!(store.prune(T0 - 90 * 86_400_000).unwrap(), 1);
    assert!(store.get(&old.id).unwrap().is_none());
    assert!(store.events(&old.id).unwrap().is_empty());
    assert!(store.find("old-session").unwrap().is_none());
    assert!(store.get(&new.id).unwrap().is_some());
    assert_eq!(store.prune(T0 - 90 * 86_400_000).unwrap(), 0);
    drop(store);
    // The deleted number is gone from the file and its log, not just unlinked.
    let mut bytes = fs::read(&path).unwrap();
    bytes.extend(fs::read(path.with_extension("db-wal")).unwrap_or_default());
    let needle = b"008613000000009";
    assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    let kept = b"008613000000008";
    assert!(bytes.windows(kept.len()).any(|w| w == kept));
}

#[test]
fn exports_as_json_lines_array_and_csv() {
    let (store, all) = populated();
    let filter = Filter {
        status: Some(AttemptStatus::Rejected),
        ..Default::default()
    };
    let export = |format| {
        let mut out = Vec::new();
        let n = store
            .export(&filter, Page::all(), format, &mut out)
            .unwrap();
        (n, String::from_utf8(out).unwrap())
    };

    let (n, lines) = export(ExportFormat::JsonLines);
    assert_eq!(n, 10);
    let objects: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), 10);
    let first = &objects[0];
    assert_eq!(first["id"], json!(all[28].id.0));
    assert_eq!(first["status"], json!("rejected"));
    assert_eq!(
        first["error_code"],
        json!("FailedOperation.CalleeIsBlackUser")
    );
    assert_eq!(first["request"]["AIAgentId"], json!(15));
    assert_eq!(
        first["variables"][0],
        json!({"key": "dify-inputs-user", "value": "alice"})
    );
    assert_eq!(first["created_at_ms"], json!(all[28].created_at_ms));

    let (_, array) = export(ExportFormat::JsonArray);
    let array: Vec<serde_json::Value> = serde_json::from_str(&array).unwrap();
    assert_eq!(array, objects);

    let (_, csv_text) = export(ExportFormat::Csv);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "id");
    let records: Vec<_> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 10);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&records[0][col("id")], all[28].id.0);
    assert_eq!(
        &records[0][col("callers")],
        "008601012345678;008601012345679"
    );
    assert_eq!(
        &records[0][col("error_message")],
        "callee is on the block list"
    );

    let empty = Filter {
        callee: Some("none".into()),
        ..Default::default()
    };
    let mut out = Vec::new();
    store
        .export(&empty, Page::all(), ExportFormat::JsonArray, &mut out)
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v, json!([]));
}

#[test]
fn the_file_is_private() {
    let (dir, path) = temp_db();
    let (store, notice) = Store::open(&path).unwrap();
    assert!(notice.is_none());
    store.record_queued(&new_attempt(T0, "0086130")).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    // SQLite gives its log the database's permissions.
    assert_eq!(mode(&dir.path().join("data/history.db-wal")), 0o600);
    drop(store);

    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let (store, _) = Store::open(&path).unwrap();
    assert_eq!(mode(&path), 0o600, "a readable file is tightened");
    assert_eq!(store.count(&Filter::default()).unwrap(), 1);
}

#[test]
fn an_attempt_survives_reopening() {
    let (_dir, path) = temp_db();
    let a = new_attempt(T0, "0086130");
    {
        let (store, _) = Store::open(&path).unwrap();
        store.record_queued(&a).unwrap();
    }
    let (store, notice) = Store::open(&path).unwrap();
    assert!(notice.is_none());
    assert_eq!(store.get(&a.id).unwrap().unwrap().callee, "0086130");
    assert_eq!(store.path(), Some(path.as_path()));
}

#[test]
fn a_file_that_is_not_a_database_is_moved_aside_with_its_log() {
    let (_dir, path) = temp_db();
    let dir = path.parent().unwrap();
    fs::create_dir_all(dir).unwrap();
    let garbage = b"these are not the bytes of a database, but they are someone's".repeat(100);
    fs::write(&path, &garbage).unwrap();
    fs::write(dir.join("history.db-wal"), b"wal bytes").unwrap();
    fs::write(dir.join("history.db-shm"), b"shm bytes").unwrap();

    let (store, notice) = Store::open(&path).unwrap();
    let notice = notice.expect("a notice says what happened");
    assert!(notice.contains("is not a SQLite database"), "{notice}");
    let moved = aside_files(dir, "unreadable");
    assert_eq!(moved.len(), 3, "{moved:?}");
    let main = moved
        .iter()
        .find(|p| !p.to_string_lossy().ends_with("-wal") && !p.to_string_lossy().ends_with("-shm"))
        .unwrap();
    assert!(notice.contains(&main.display().to_string()), "{notice}");
    assert_eq!(fs::read(main).unwrap(), garbage, "kept as it was");
    let wal = PathBuf::from(format!("{}-wal", main.display()));
    assert_eq!(fs::read(wal).unwrap(), b"wal bytes");

    // A fresh history works.
    store.record_queued(&new_attempt(T0, "0086130")).unwrap();
    assert_eq!(store.count(&Filter::default()).unwrap(), 1);
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn a_newer_schema_is_moved_aside_not_touched() {
    let (_dir, path) = temp_db();
    let a = new_attempt(T0, "0086130");
    {
        let (store, _) = Store::open(&path).unwrap();
        store.record_queued(&a).unwrap();
    }
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let (store, notice) = Store::open(&path).unwrap();
    let notice = notice.expect("a notice says what happened");
    assert!(notice.contains("newer ccc-dial"), "{notice}");
    assert!(store.get(&a.id).unwrap().is_none(), "a fresh history");
    let moved = aside_files(path.parent().unwrap(), "newer");
    assert_eq!(moved.len(), 1, "{moved:?}");
    let conn = rusqlite::Connection::open(&moved[0]).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION + 1);
    let n: i64 = conn
        .query_row("SELECT count(*) FROM attempt", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn an_unwritable_place_is_an_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    fs::write(&blocker, b"").unwrap();
    let path = blocker.join("history.db");
    let err = Store::open(&path).unwrap_err().to_string();
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("not a directory"), "{err}");
    assert!(err.contains("--db PATH"), "{err}");

    let err = Store::open(dir.path()).unwrap_err().to_string();
    assert!(err.contains("is a directory"), "{err}");
}

#[test]
fn two_handles_write_at_once_without_loss() {
    let (_dir, path) = temp_db();
    let (first, _) = Store::open(&path).unwrap();
    let (second, _) = Store::open(&path).unwrap();
    let writers: Vec<_> = [first.clone(), second]
        .into_iter()
        .enumerate()
        .map(|(w, store)| {
            std::thread::spawn(move || {
                for i in 0..50 {
                    let a = new_attempt(T0 + i, &format!("00861{w}"));
                    store.record_queued(&a).unwrap();
                    accept(&store, &a.id, T0 + i + 1, &format!("s-{w}-{i}"));
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(first.count(&Filter::default()).unwrap(), 100);
    assert_eq!(
        first
            .count(&Filter {
                status: Some(AttemptStatus::Accepted),
                ..Default::default()
            })
            .unwrap(),
        100
    );
}

// ---- Processes: two instances at once, and a kill -9 during a burst ----

const CHILD_DB: &str = "CCC_DIAL_TEST_CHILD_DB";
const CHILD_SENT: &str = "CCC_DIAL_TEST_CHILD_SENT";
const CHILD_COUNT: &str = "CCC_DIAL_TEST_CHILD_COUNT";

/// Run only as a child of the tests below: records attempts in a loop, appending each id to
/// the "sent" file once it is recorded, as the dialer would send the request.
#[test]
#[ignore = "a child process of the tests below"]
fn child_writer() {
    let (Some(db), Some(sent)) = (std::env::var_os(CHILD_DB), std::env::var_os(CHILD_SENT)) else {
        panic!("run by the process tests only");
    };
    let count: u64 = std::env::var(CHILD_COUNT)
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(u64::MAX);
    let (store, _) = Store::open(db).unwrap();
    let mut sent = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(sent)
        .unwrap();
    let start = Instant::now();
    for i in 0..count {
        assert!(start.elapsed() < Duration::from_secs(60), "never killed");
        let a = new_attempt(T0 + i as i64, "008613012345678");
        store.record_queued(&a).unwrap();
        sent.write_all(format!("{}\n", a.id).as_bytes()).unwrap();
        accept(&store, &a.id, T0 + i as i64 + 1, &format!("s-{}", a.id));
    }
}

fn spawn_writer(db: &Path, sent: &Path, count: Option<u64>) -> Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--ignored", "--exact", "child_writer", "--test-threads=1"])
        .env(CHILD_DB, db)
        .env(CHILD_SENT, sent)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(n) = count {
        cmd.env(CHILD_COUNT, n.to_string());
    }
    cmd.spawn().unwrap()
}

/// The ids in complete lines of the sent file.
fn sent_ids(sent: &Path) -> Vec<String> {
    let text = fs::read_to_string(sent).unwrap_or_default();
    let complete = match text.rfind('\n') {
        Some(end) => &text[..end],
        None => "",
    };
    complete.lines().map(str::to_owned).collect()
}

#[test]
fn two_processes_write_at_once_without_loss() {
    let (_dir, path) = temp_db();
    Store::open(&path).unwrap();
    let sent: Vec<PathBuf> = (0..2)
        .map(|i| path.with_file_name(format!("sent-{i}")))
        .collect();
    let children: Vec<_> = sent
        .iter()
        .map(|s| spawn_writer(&path, s, Some(100)))
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (store, _) = Store::open(&path).unwrap();
    assert_eq!(store.count(&Filter::default()).unwrap(), 200);
    for s in &sent {
        let ids = sent_ids(s);
        assert_eq!(ids.len(), 100);
        for id in ids {
            let a = store.get(&AttemptId(id)).unwrap().unwrap();
            assert_eq!(a.status, AttemptStatus::Accepted);
        }
    }
}

#[test]
fn kill_9_during_a_burst_loses_no_sent_attempt() {
    let (_dir, path) = temp_db();
    let sent = path.with_file_name("sent");
    let mut total_sent = 0;
    for round in 1..=3 {
        let mut child = spawn_writer(&path, &sent, None);
        let deadline = Instant::now() + Duration::from_secs(30);
        while sent_ids(&sent).len() < total_sent + 60 {
            assert!(Instant::now() < deadline, "the writer made no progress");
            if let Some(status) = child.try_wait().unwrap() {
                panic!("the writer stopped by itself: {status}");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let (store, notice) = Store::open(&path).unwrap();
        assert_eq!(notice, None, "round {round}: the file needed no recovery");
        assert_eq!(store.integrity_check().unwrap(), "ok");
        let ids = sent_ids(&sent);
        let unique: HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
        for id in &ids {
            let a = store.get(&AttemptId(id.clone())).unwrap();
            assert!(a.is_some(), "round {round}: sent attempt {id} is missing");
            let events = store.events(&AttemptId(id.clone())).unwrap();
            assert_eq!(events[0].kind, "queued");
            let found = store
                .count(&Filter {
                    text: Some(id.clone()),
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(found, 1, "round {round}: {id} is there exactly once");
        }
        // Each kill may leave the one attempt recorded just before it not yet "sent".
        let stored = store.count(&Filter::default()).unwrap() as usize;
        assert!(
            stored >= ids.len() && stored - ids.len() <= round,
            "round {round}: {stored} stored, {} sent",
            ids.len()
        );
        total_sent = ids.len();
    }
}
