//! One vocabulary of call events: a history written before the events were typed reads back
//! unchanged, and `call --wait` records what the dialer's screen records for a call it dialed.
#![cfg(unix)]

mod support;

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use ccc_dial::ccc::actions::DescribeAILatency;
use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::dialer::{
    CallReport, CallWord, DialRequest, Dialer, DialerEvent, Interactions, PushKind, RateLimiter,
    WatchConfig, WatchEvent,
};
use ccc_dial::history::{Attempt, AttemptStatus, CallEvent, Filter, Page, Store};
use ccc_dial::sim::{self, SimConfig};
use ccc_dial::tui::app::Detail;
use serde_json::Value;
use support::cli::{Sandbox, stderr, stdout};

/// Written by the version before typed events: a `call --wait` call (its record under a
/// `status` event), a call dialed with a watch (batch row, steering, tags, latency and
/// interaction records), a hang-up, a no-answer, a rejection, two unknowns (one reconciled
/// without a match) and an attempt a stopped run left queued.
const HISTORY_V1: &str = "tests/fixtures/history-v1.db";

fn attempt_to(store: &Store, callee: &str) -> Attempt {
    let all = store.list(&Filter::default(), Page::all()).unwrap();
    all.into_iter()
        .find(|a| a.callee == callee)
        .unwrap_or_else(|| panic!("no attempt to {callee}"))
}

fn report(store: &Store, callee: &str) -> CallReport {
    let a = attempt_to(store, callee);
    let events = store.events(&a.id).unwrap();
    Detail::new(a, events, 0)
        .report
        .expect("a finished call has a report")
}

#[test]
fn a_history_written_before_typed_events_reads_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    std::fs::copy(HISTORY_V1, &path).unwrap();
    let (store, notice) = Store::open(&path).unwrap();
    assert_eq!(notice, None);

    let all = store.list(&Filter::default(), Page::all()).unwrap();
    assert_eq!(all.len(), 8);
    for a in &all {
        for e in store.events(&a.id).unwrap() {
            let typed = e.call_event();
            assert!(
                !matches!(typed, CallEvent::Unrecognized { .. }),
                "{} {} not read",
                e.kind,
                e.detail
            );
            assert_eq!(typed.kind(), e.kind);
        }
    }

    // `call --wait` kept its record under a `status` event: the report reads it now.
    let waited = report(&store, "008613012345670");
    assert_eq!(waited.word, Some(CallWord::Answered));
    assert_eq!(waited.hung_up_side.as_deref(), Some("user"));
    assert!(waited.talk_secs.is_some() && waited.ring_secs.is_some());

    let watched = report(&store, "008613012345678");
    assert_eq!(watched.word, Some(CallWord::Answered));
    assert!(!watched.tags.is_empty());
    assert!(watched.latency.as_ref().unwrap().ete.median.is_some());
    assert!(matches!(watched.interactions, Interactions::Records(ref r) if !r.is_empty()));
    let steers: Vec<_> = watched
        .steers
        .iter()
        .map(|s| (s.kind, s.text.as_str(), s.refused.is_some()))
        .collect();
    assert_eq!(
        steers,
        [
            (PushKind::Text, "hello", false),
            (PushKind::Llm, "offer", false)
        ]
    );

    let hung_up = report(&store, "008613012345679");
    assert!(hung_up.hung_up_here);
    assert!(
        hung_up.steers[0]
            .refused
            .as_deref()
            .unwrap()
            .contains("not")
    );
    assert_eq!(report(&store, "00999200202").word, Some(CallWord::NoAnswer));

    let rejected = attempt_to(&store, "00999100001");
    let events = store.events(&rejected.id).unwrap();
    let last = events.last().unwrap().call_event();
    assert_eq!(last.tries(), Some(1));
    assert!(last.hint().unwrap().contains("do not call"));
    let interrupted = attempt_to(&store, "008613099999999");
    assert_eq!(interrupted.status, AttemptStatus::Unknown);
    let events = store.events(&interrupted.id).unwrap();
    assert!(matches!(
        events[1].call_event(),
        CallEvent::Interrupted { .. }
    ));
}

fn fast() -> WatchConfig {
    WatchConfig {
        interval: Duration::from_millis(100),
        max_interval: Duration::from_millis(200),
        record_retry: Duration::from_millis(50),
        record_tries: 40,
        max_errors: 50,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn call_wait_records_the_report_the_dialer_screen_builds() {
    // Whole seconds of ringing and talk, so both calls have the same times.
    let sim = sim::start(SimConfig {
        ring: Duration::from_secs(1),
        talk: Duration::from_secs(1),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.path("settings.toml"), "poll_interval_ms = 100\n").unwrap();
    let mut cmd: Command = sandbox.against(&sim.url());
    cmd.args([
        "call",
        "--sdk-app-id",
        "1400000000",
        "--agent",
        "15",
        "--callee",
        "008613012345678",
        "--wait",
        "--json",
    ]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(printed["CallRecord"]["SessionId"], printed["SessionId"]);

    // The same call dialed the way the dialer's screen dials it, into the same history.
    let store = sandbox.store();
    let client = ccc_client(&sim);
    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let dialer = Dialer::new(
        Arc::new(client),
        store.clone(),
        Arc::new(RateLimiter::new(20)),
        "simulator",
        tx,
    )
    .with_watch(fast());
    let request = DialRequest {
        sdk_app_id: 1_400_000_000,
        agent_id: 15,
        agent_name: None,
        callee: "008613012345679".into(),
        callers: vec![],
        variables: vec![],
        max_ring_timeout: None,
        acquire_timeout: None,
    };
    let id = dialer.dial(request, None);
    tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(e) = events.recv().await {
            if matches!(e, DialerEvent::Watch(WatchEvent::Report { id: ref r }) if *r == id) {
                return;
            }
        }
        panic!("the dialer stopped");
    })
    .await
    .expect("the dialed call is reported");

    let waited = report(&store, "008613012345678");
    let dialed = report(&store, "008613012345679");
    assert_eq!(waited.word, Some(CallWord::Answered));
    assert_eq!(waited.word, dialed.word);
    assert_eq!(waited.ring_secs, Some(1));
    assert_eq!(
        (waited.ring_secs, waited.talk_secs),
        (dialed.ring_secs, dialed.talk_secs)
    );
    assert!(!waited.tags.is_empty());
    assert_eq!(waited.tags, dialed.tags);
    assert_ne!(waited.interactions, Interactions::NotFetched);
    assert_eq!(waited.interactions, dialed.interactions);
    // Latencies vary by session; each report has its session's figures from the service.
    let (w, d) = (waited.latency.unwrap(), dialed.latency.unwrap());
    assert_eq!(w.rounds.len(), d.rounds.len());
    let created_s = attempt_to(&store, "008613012345678").created_at_ms / 1_000;
    let reply = ccc_client(&sim)
        .send(&DescribeAILatency {
            sdk_app_id: 1_400_000_000,
            session_id: waited.session_id.clone().unwrap(),
            start_time: created_s - 60,
            end_time: created_s + 300,
        })
        .await
        .unwrap();
    let service = reply
        .data
        .ai_latency_statistics
        .unwrap()
        .ete_latency
        .unwrap();
    assert_eq!(w.ete.median, service.middle_latency);
    assert!(w.ete.from_service && d.ete.from_service);
}

fn ccc_client(sim: &sim::SimHandle) -> Client {
    Client::new(ClientConfig::new(sim.url(), sim.credential())).unwrap()
}
