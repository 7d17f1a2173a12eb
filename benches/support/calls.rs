//! The 100,000-call history the history and stats benchmarks read: answered and unanswered
//! calls with their full timelines (status changes, call record, tags, latency of five
//! rounds), every tenth labelled. Written through the store's own schema in one transaction,
//! as the benchmarks measure reading it, not filling it.

use std::path::Path;

use ccc_dial::history::{AttemptId, NewAttempt, Store};
use serde_json::json;

pub const CALLS: i64 = 100_000;
const T0: i64 = 1_793_541_600_000;

pub fn uuid_like(i: i64) -> String {
    format!("{:08x}-0000-4000-8000-{:012x}", i, i * 7919)
}

pub fn new_attempt(i: i64) -> NewAttempt {
    let callee = format!("0086130{:08}", i % 5_000);
    let agent = 15 + i % 4;
    NewAttempt {
        id: AttemptId::new(),
        created_at_ms: T0 + i * 1_000,
        endpoint: "ccc.tencentcloudapi.com".into(),
        sdk_app_id: 1_400_000_000,
        agent_id: agent as u64,
        agent_name: Some(format!("Agent {agent}")),
        callee: callee.clone(),
        callers: vec!["008601012345678".into(), "008601012345679".into()],
        variables: vec![
            ("dify-inputs-user".into(), format!("user-{i}")),
            ("welcome-message-delay".into(), "2".into()),
        ],
        max_ring_timeout: Some(30),
        acquire_timeout: None,
        request_json: format!(
            r#"{{"SdkAppId":1400000000,"AIAgentId":{agent},"Callee":"{callee}","Callers":["008601012345678","008601012345679"],"Variables":[{{"Key":"dify-inputs-user","Value":"user-{i}"}},{{"Key":"welcome-message-delay","Value":"2"}}],"MaxRingTimeoutSecond":30}}"#
        ),
        batch: None,
    }
}

/// Whether call `i` was answered: three in four.
fn answered(i: i64) -> bool {
    i % 4 != 0
}

/// The events of call `i`: ms after its start, kind, status, detail.
fn timeline(i: i64) -> Vec<(i64, &'static str, Option<&'static str>, String)> {
    let answered = answered(i);
    let end = if answered { 1 } else { 202 };
    let talk = if answered { 20 + i % 300 } else { 0 };
    let start = T0 / 1_000 + i;
    let record = json!({"SessionId": uuid_like(i), "EndStatus": end,
        "EndStatusString": if answered { "ok" } else { "notAnswer" },
        "RingTimestamp": start, "AcceptTimestamp": if answered { start + 3 } else { 0 },
        "EndedTimestamp": start + 3 + talk, "Duration": talk, "HungUpSide": "user",
        "RecordURL": format!("https://record.example/{i}.mp3")});
    let rounds: Vec<_> = (0..5)
        .map(|r| {
            let v = 600 + (i * 37 + r * 101) % 700;
            json!({"RoundId": format!("{i}-{r}"), "ETELatency": v, "ASRLatency": v / 4,
                   "LLMLatency": v / 2, "LLMFirstTokenLatency": v / 3, "TTSLatency": v / 6})
        })
        .collect();
    let tags = json!([{"InfoType": "Boolean", "InfoName": "Interested", "Result": {"Boolean": i % 3 == 0}},
                      {"InfoType": "Text", "InfoName": "Callback time", "Result": {"Text": "Tomorrow"}}]);
    let ended = (3 + talk) * 1_000;
    vec![
        (0, "queued", Some("queued"), "{}".into()),
        (300, "accepted", Some("accepted"), r#"{"tries":1}"#.into()),
        (
            2_000,
            "status",
            Some("ringing"),
            r#"{"status":"ringing"}"#.into(),
        ),
        (
            5_000,
            "status",
            Some("in_progress"),
            r#"{"status":"inProgress"}"#.into(),
        ),
        (
            ended,
            "status",
            Some("finished"),
            r#"{"status":"finished"}"#.into(),
        ),
        (
            ended + 500,
            "cdr",
            None,
            json!({"record": record}).to_string(),
        ),
        (
            ended + 900,
            "extract",
            None,
            json!({"results": tags}).to_string(),
        ),
        (
            ended + 1_300,
            "latency",
            None,
            json!({"rounds": rounds}).to_string(),
        ),
    ]
}

/// Fills a new history at `path` with `n` finished calls.
pub fn fill(path: &Path, n: i64) {
    drop(Store::open(path).unwrap());
    let mut conn = rusqlite::Connection::open(path).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut attempt = tx
            .prepare(
                "INSERT INTO attempt (id, created_at_ms, updated_at_ms, endpoint, sdk_app_id,
                    agent_id, agent_name, callee, callers, variables, max_ring_timeout,
                    request_json, status, session_id, request_id, response_json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'finished', ?13, ?14, ?15)",
            )
            .unwrap();
        let mut event = tx
            .prepare(
                "INSERT INTO event (attempt_id, seq, at_ms, kind, status, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .unwrap();
        let mut label = tx
            .prepare("INSERT INTO label (attempt_id, name) VALUES (?1, ?2)")
            .unwrap();
        for i in 0..n {
            let a = new_attempt(i);
            let session = uuid_like(i);
            attempt
                .execute(rusqlite::params![
                    a.id.0,
                    a.created_at_ms,
                    a.created_at_ms + 60_000,
                    a.endpoint,
                    a.sdk_app_id,
                    a.agent_id as i64,
                    a.agent_name,
                    a.callee,
                    serde_json::to_string(&a.callers).unwrap(),
                    serde_json::to_string(&a.variables).unwrap(),
                    a.max_ring_timeout,
                    a.request_json,
                    session,
                    format!("req-{session}"),
                    format!(r#"{{"Response":{{"SessionId":"{session}"}}}}"#),
                ])
                .unwrap();
            for (seq, (dt, kind, status, detail)) in timeline(i).into_iter().enumerate() {
                event
                    .execute(rusqlite::params![
                        a.id.0,
                        seq as i64 + 1,
                        a.created_at_ms + dt,
                        kind,
                        status,
                        detail
                    ])
                    .unwrap();
            }
            if i % 10 == 0 {
                label
                    .execute(rusqlite::params![a.id.0, format!("prompt-v{}", i % 3)])
                    .unwrap();
            }
        }
    }
    tx.commit().unwrap();
}

/// Runs this benchmark again as a child with `var` naming the history at `path`, and prints
/// what the child reports (its work and peak resident memory), so memory is measured apart
/// from the benchmark's own.
pub fn in_fresh_process(var: &str, path: &Path) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .env(var, path)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{}", report.trim_end());
}
