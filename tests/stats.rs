//! `ccc-dial stats` over a history with known calls: outcome counts, answer rate, talk-time
//! buckets, latency across calls, per agent and per label; summaries made again when an
//! attempt's report is recorded, and a history written before summaries were kept on
//! recording checked once.

mod support;

use ccc_dial::history::{
    AttemptId, AttemptStatus, CallEvent, EventUpdate, Filter, NewAttempt, Store, Summary,
    SummaryRow,
};
use ccc_dial::results::stats::Stats;
use serde_json::{Value, json};
use support::cli::{Sandbox, stderr, stdout};

const T0: i64 = 1_793_541_600_000;

fn queued(store: &Store, n: i64, agent: u64) -> AttemptId {
    queued_as(store, n, agent, Some(format!("Bot {agent}")))
}

fn queued_as(store: &Store, n: i64, agent: u64, name: Option<String>) -> AttemptId {
    let a = NewAttempt {
        id: AttemptId::new(),
        created_at_ms: T0 + n * 1_000,
        endpoint: "simulator".into(),
        sdk_app_id: 1_400_000_000,
        agent_id: agent,
        agent_name: name,
        callee: format!("0086130{n:08}"),
        callers: vec![],
        variables: vec![],
        max_ring_timeout: None,
        acquire_timeout: None,
        request_json: "{}".into(),
        batch: None,
    };
    store.record_queued(&a).unwrap();
    a.id
}

fn event(store: &Store, id: &AttemptId, kind: &str, status: Option<AttemptStatus>, d: Value) {
    let mut e = EventUpdate::new(T0 + 100_000, CallEvent::from_stored(kind, &d));
    e.status = status;
    // As the dialer records: the report's parts keep the summary with them.
    ccc_dial::dialer::record_with_summary(store, id, e).unwrap();
}

/// The call record of a call that ended with this EndStatus after `talk` seconds.
fn ended(store: &Store, id: &AttemptId, end: i64, talk: i64) {
    let accept = if end == 1 { 1_000 } else { 0 };
    let record = json!({"EndStatus": end, "RingTimestamp": 990, "AcceptTimestamp": accept,
        "EndedTimestamp": 1_000 + talk, "Duration": if end == 1 { talk } else { 0 }});
    event(
        store,
        id,
        "cdr",
        Some(AttemptStatus::Finished),
        json!({"record": record}),
    );
}

/// A finished call with this EndStatus, talk time and per-round E2E latencies.
fn call(store: &Store, n: i64, agent: u64, end: i64, talk: i64, ete: &[f64]) -> AttemptId {
    let id = queued(store, n, agent);
    ended(store, &id, end, talk);
    let rounds: Vec<Value> = ete
        .iter()
        .map(|v| json!({"ETELatency": v, "ASRLatency": 200}))
        .collect();
    event(store, &id, "latency", None, json!({"rounds": rounds}));
    id
}

#[test]
fn stats_count_outcomes_rates_talk_time_and_latency() {
    let sandbox = Sandbox::new();
    let store = Store::open(sandbox.history_path()).unwrap().0;
    let a = call(&store, 1, 15, 1, 10, &[700.0, 900.0, 800.0]); // median 800
    let b = call(&store, 2, 15, 1, 45, &[1_000.0, 1_200.0]); // median 1100
    call(&store, 3, 16, 1, 400, &[500.0]); // median 500
    call(&store, 4, 16, 202, 0, &[]);
    call(&store, 5, 16, 206, 0, &[]);
    let rejected = queued(&store, 6, 16);
    event(
        &store,
        &rejected,
        "rejected",
        Some(AttemptStatus::Rejected),
        json!({}),
    );
    store
        .annotate(&a, &["prompt-v2".into()], &[], None)
        .unwrap();
    store
        .annotate(&b, &["prompt-v2".into()], &[], None)
        .unwrap();

    let out = sandbox
        .command()
        .args(["stats", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            v["attempts"].as_u64(),
            v["placed"].as_u64(),
            v["answered"].as_u64()
        ),
        (Some(6), Some(5), Some(3))
    );
    assert_eq!(v["answer_rate"].as_f64(), Some(0.6));
    assert_eq!(
        v["outcomes"],
        json!([{"outcome": "answered", "count": 3}, {"outcome": "busy", "count": 1},
               {"outcome": "no answer", "count": 1}, {"outcome": "rejected", "count": 1}])
    );
    let talk: Vec<u64> = v["talk_time"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .collect();
    assert_eq!(talk, [1, 0, 1, 0, 0, 1], "10 s, 45 s and 400 s");
    // The calls' E2E medians are 800, 1100 and 500: their median 800, P90 (nearest rank) 1100.
    assert_eq!(
        v["latency"]["ete"],
        json!({"median_ms": 800.0, "p90_ms": 1100.0})
    );
    assert_eq!(v["latency"]["asr"]["median_ms"], 200.0);
    let agents = v["agents"].as_array().unwrap();
    assert_eq!(agents[0]["name"], "15 Bot 15");
    assert_eq!(
        (
            agents[0]["attempts"].as_u64(),
            agents[0]["answer_rate"].as_f64()
        ),
        (Some(2), Some(1.0))
    );
    assert_eq!(agents[1]["attempts"], 4);
    assert_eq!(agents[1]["placed"], 3);
    assert_eq!(
        v["labels"],
        json!([{"name": "prompt-v2", "attempts": 2, "placed": 2, "answered": 2,
        "answer_rate": 1.0, "ete": {"median_ms": 950.0, "p90_ms": 1100.0}}])
    );

    let text = stdout(&sandbox.command().arg("stats").output().unwrap());
    assert!(
        text.starts_with("6 attempts · 5 placed · 3 answered · answer rate 60.0%\n"),
        "{text}"
    );
    let answered = text
        .lines()
        .find(|l| l.trim_start().starts_with("answered"))
        .unwrap();
    assert!(
        answered.contains(&"█".repeat(30)) && answered.contains("3   50.0%"),
        "{text}"
    );
    let busy = text
        .lines()
        .find(|l| l.trim_start().starts_with("busy"))
        .unwrap();
    assert!(busy.contains(&format!("{} ", "█".repeat(10))), "{text}");
    assert!(text.contains("Per label\n"), "{text}");

    let labelled = sandbox
        .command()
        .args(["stats", "--json", "--label", "prompt-v2"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&labelled.stdout).unwrap();
    assert_eq!(v["attempts"], 2);
    // A label mistyped (labels match exactly) is told, not just counted as nothing.
    let typo = stdout(
        &sandbox
            .command()
            .args(["stats", "--label", "Prompt-v2"])
            .output()
            .unwrap(),
    );
    assert!(typo.starts_with("0 attempts"), "{typo}");
    assert!(
        typo.contains("No attempt with the label `Prompt-v2` matches"),
        "{typo}"
    );
}

#[test]
fn recording_a_report_makes_the_summary_again() {
    let sandbox = Sandbox::new();
    let store = Store::open(sandbox.history_path()).unwrap().0;
    let id = queued(&store, 1, 15);
    event(
        &store,
        &id,
        "accepted",
        Some(AttemptStatus::Accepted),
        json!({}),
    );
    let stats = |args: &[&str]| -> Value {
        let out = sandbox
            .command()
            .arg("stats")
            .args(args)
            .arg("--json")
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(
        stats(&[])["outcomes"],
        json!([{"outcome": "accepted", "count": 1}])
    );
    let record = json!({"EndStatus": 1, "RingTimestamp": 990, "AcceptTimestamp": 1_000, "EndedTimestamp": 1_020, "Duration": 20});
    event(
        &store,
        &id,
        "cdr",
        Some(AttemptStatus::Finished),
        json!({"record": record}),
    );
    let v = stats(&[]);
    assert_eq!(v["outcomes"], json!([{"outcome": "answered", "count": 1}]));
    assert_eq!(v["talk_time"][1]["count"], 1);
    assert_eq!(stats(&["--agent", "16"])["attempts"], 0);
}

#[test]
fn a_history_written_before_is_checked_once_then_read_from_its_summaries() {
    let sandbox = Sandbox::new();
    let store = Store::open(sandbox.history_path()).unwrap().0;
    let id = queued(&store, 1, 15);
    // An earlier build made this summary on reading, then recorded the call record without
    // making it again.
    let stale = ccc_dial::history::Summary {
        word: Some("busy".into()),
        ..Default::default()
    };
    store.save_summaries(&[(id.clone(), 1, stale)]).unwrap();
    let record = json!({"EndStatus": 1, "RingTimestamp": 990, "AcceptTimestamp": 1_000, "EndedTimestamp": 1_020, "Duration": 20});
    let mut e = EventUpdate::new(
        T0 + 5_000,
        CallEvent::from_stored("cdr", &json!({"record": record})),
    );
    e.status = Some(AttemptStatus::Finished);
    store.record_event(&id, e).unwrap();
    // And an attempt with no summary at all.
    let bare = queued(&store, 2, 16);
    let filter = ccc_dial::history::Filter::default();
    assert_eq!(
        ccc_dial::results::stats::refresh(&store, &filter).unwrap(),
        2
    );
    let stats = ccc_dial::results::stats::Stats::gather(&store, &filter).unwrap();
    assert_eq!(stats.all.answered, 1, "the stale summary was made again");
    assert_eq!(stats.all.attempts, 2);
    // Checked once: from now on only attempts without a summary are made.
    assert_eq!(
        ccc_dial::results::stats::refresh(&store, &filter).unwrap(),
        0
    );
    let later = queued(&store, 3, 16);
    let made = store.summaries_to_make(&filter).unwrap();
    assert_eq!(made, (vec![later], false));
    drop(bare);
}

/// A history of varied attempts: four agents (one never named), every outcome, talk times in
/// every bucket, latency medians missing, negative or present, labels on some, and attempts
/// still queued with no summary.
fn varied(store: &Store) {
    let mut seed: u64 = 7;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) % n
    };
    for n in 0..400 {
        let agent = 15 + next(4);
        // Agent 18 is never named; agent 17 only from its second attempt on.
        let name = match agent {
            18 => None,
            17 if next(3) == 0 => None,
            _ => Some(format!("Bot {agent} #{n}")),
        };
        let id = queued_as(store, n as i64, agent, name);
        match next(5) {
            0 => {}
            1 => event(
                store,
                &id,
                "rejected",
                Some(AttemptStatus::Rejected),
                json!({}),
            ),
            _ => {
                let end = [1, 1, 1, 202, 206, 207][next(6) as usize];
                // Every bucket's bounds, either side.
                let talks = [0, 14, 15, 29, 30, 59, 60, 119, 120, 299, 300, 301, 1_000];
                let talk = if end == 1 {
                    talks[next(13) as usize]
                } else {
                    0
                };
                ended(store, &id, end, talk);
                if next(3) > 0 {
                    let rounds: Vec<Value> = (0..1 + next(4))
                        .map(|_| {
                            let ete = next(2_000) as f64 - 100.0;
                            json!({"ETELatency": ete, "ASRLatency": next(300),
                                   "LLMLatency": next(900), "TTSLatency": -1})
                        })
                        .collect();
                    event(store, &id, "latency", None, json!({"rounds": rounds}));
                }
            }
        }
        let labels: Vec<String> = ["prompt-v2", "night", "zeta"]
            .into_iter()
            .filter(|_| next(4) == 0)
            .map(String::from)
            .collect();
        if !labels.is_empty() {
            store.annotate(&id, &labels, &[], None).unwrap();
        }
    }
}

/// An attempt read plainly: its agent, its labels, and its row.
type Plain = (i64, Vec<String>, SummaryRow);

/// The attempts as rows, read plainly in the order they were made (an agent's name is the
/// one on its first attempt that has one), labels and all.
fn rows(path: &std::path::Path) -> Vec<Plain> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT attempt.id, created_at_ms, agent_id, agent_name, status, o.word, o.end_status,
                    o.ring_secs, o.talk_secs, o.ete_ms, o.asr_ms, o.llm_ms, o.first_token_ms,
                    o.tts_ms
             FROM attempt LEFT JOIN summary o ON o.attempt_id = attempt.id
             ORDER BY created_at_ms, attempt.rowid",
        )
        .unwrap();
    let mut labels = conn
        .prepare("SELECT name FROM label WHERE attempt_id = ?1 ORDER BY name")
        .unwrap();
    let plain: Vec<(String, SummaryRow)> = stmt
        .query_map([], |r| {
            let status: String = r.get(4)?;
            Ok((
                r.get(0)?,
                SummaryRow {
                    created_at_ms: r.get(1)?,
                    agent_id: r.get::<_, i64>(2)? as u64,
                    agent_name: r.get(3)?,
                    status: status.parse().unwrap(),
                    labels: Vec::new(),
                    summary: Summary {
                        word: r.get(5)?,
                        end_status: r.get(6)?,
                        ring_secs: r.get(7)?,
                        talk_secs: r.get(8)?,
                        medians: [r.get(9)?, r.get(10)?, r.get(11)?, r.get(12)?, r.get(13)?],
                    },
                },
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    plain
        .into_iter()
        .map(|(id, mut row)| {
            row.labels = labels
                .query_map([&id], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            (row.agent_id as i64, row.labels.clone(), row)
        })
        .collect()
}

#[test]
fn counted_statistics_equal_a_plain_fold_over_the_same_rows() {
    let sandbox = Sandbox::new();
    let store = Store::open(sandbox.history_path()).unwrap().0;
    varied(&store);
    let rows = rows(sandbox.history_path().as_ref());
    let queued = rows
        .iter()
        .filter(|r| r.2.summary == Summary::default())
        .count();
    assert!(queued > 20, "some attempts have no results: {queued}");
    type Keep = Box<dyn Fn(&Plain) -> bool>;
    let filters: Vec<(Filter, Keep)> = vec![
        (Filter::default(), Box::new(|_| true)),
        (
            Filter {
                agent_id: Some(17),
                ..Filter::default()
            },
            Box::new(|r| r.0 == 17),
        ),
        (
            Filter {
                label: Some("night".into()),
                ..Filter::default()
            },
            Box::new(|r| r.1.iter().any(|l| l == "night")),
        ),
        (
            Filter {
                since_ms: Some(T0 + 200_000),
                ..Filter::default()
            },
            Box::new(|r| r.2.created_at_ms >= T0 + 200_000),
        ),
        (
            Filter {
                word: Some("answered".into()),
                ..Filter::default()
            },
            Box::new(|r| r.2.summary.word.as_deref() == Some("answered")),
        ),
    ];
    for (filter, keep) in filters {
        let counted = Stats::gather(&store, &filter).unwrap();
        let folded = Stats::fold(rows.iter().filter(|r| keep(r)).map(|r| r.2.clone()));
        assert_eq!(counted, folded, "{filter:?}");
        assert!(counted.all.attempts > 0 && counted.all.ete.median.is_some());
    }
    let all = Stats::gather(&store, &Filter::default()).unwrap();
    assert_eq!(all.agents.len(), 4);
    assert_eq!(
        all.agents[3].name, "18",
        "an agent never named shows its id"
    );
    assert_eq!(all.labels.len(), 3);
    assert!(all.talk.iter().all(|(_, n)| *n > 0), "{:?}", all.talk);
    assert_eq!(
        Stats::read(&store, &Filter::default()).unwrap(),
        Some(all),
        "once made, summaries are read without writing"
    );
}
