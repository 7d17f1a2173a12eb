//! The History filter, typed by keys and run against a real history file: outcomes as the
//! rows word them, agents, callees, variables (key and value), batches and dates, plain
//! words found in any of them, and a filter that does not read saying why.

mod tui_support;

use std::sync::Arc;
use std::time::Duration;

use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::credentials::Env;
use ccc_dial::dialer::{Dialer, RateLimiter};
use ccc_dial::history::{
    AttemptId, AttemptStatus, BatchRef, CallEvent, EventUpdate, NewAttempt, Store,
};
use ccc_dial::sim::{self, SimConfig};
use ccc_dial::tui::app::{App, Msg, Pane};
use ccc_dial::tui::runtime::Runner;
use crossterm::event::KeyCode;
use serde_json::json;
use tokio::sync::mpsc;
use tui_support::*;

/// A call to `0086130000000{n}` by agent `agent`, with `variables`, ended with `end_status`
/// (none: never a call record).
struct Call {
    n: i64,
    agent: u64,
    variables: &'static [(&'static str, &'static str)],
    end_status: Option<i64>,
    batch: Option<&'static str>,
}

fn record(store: &Store, c: &Call) -> AttemptId {
    let a = NewAttempt {
        id: AttemptId::new(),
        created_at_ms: T0 + c.n * 86_400_000,
        endpoint: "simulator".into(),
        sdk_app_id: 1_400_000_000,
        agent_id: c.agent,
        agent_name: Some(format!("Bot {}", c.agent)),
        callee: format!("0086130000000{}", c.n),
        callers: vec![],
        variables: c
            .variables
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        max_ring_timeout: None,
        acquire_timeout: None,
        request_json: "{}".into(),
        batch: c.batch.map(|b| BatchRef {
            batch_id: b.into(),
            row: 1,
        }),
    };
    store.record_queued(&a).unwrap();
    if let Some(end) = c.end_status {
        let rec = json!({"record": {"EndStatus": end, "RingTimestamp": 990,
            "AcceptTimestamp": if end == 1 { 1_000 } else { 0 }, "EndedTimestamp": 1_010,
            "Duration": if end == 1 { 10 } else { 0 }}});
        let mut e = EventUpdate::new(
            a.created_at_ms + 60_000,
            CallEvent::from_stored("cdr", &rec),
        );
        e.status = Some(AttemptStatus::Finished);
        store.record_event(&a.id, e).unwrap();
    }
    a.id
}

struct Bench {
    app: App,
    runner: Runner,
    rx: mpsc::UnboundedReceiver<Msg>,
    _dir: tempfile::TempDir,
    _sim: sim::SimHandle,
}

impl Bench {
    async fn new() -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let handle = sim::start(SimConfig::default()).await.unwrap();
        let client =
            Arc::new(Client::new(ClientConfig::new(handle.url(), handle.credential())).unwrap());
        let store = Store::open(dir.path().join("history.db")).unwrap().0;
        for c in [
            Call {
                n: 1,
                agent: 15,
                variables: &[("name", "Alice"), ("plan", "gold")],
                end_status: Some(1),
                batch: None,
            },
            Call {
                n: 2,
                agent: 15,
                variables: &[("name", "Ann")],
                end_status: Some(202),
                batch: Some("7f3a-batch"),
            },
            Call {
                n: 3,
                agent: 16,
                variables: &[("city", "Annecy")],
                end_status: Some(206),
                batch: Some("7f3a-batch"),
            },
            Call {
                n: 4,
                agent: 16,
                variables: &[],
                end_status: None,
                batch: None,
            },
        ] {
            record(&store, &c);
        }
        let (events_tx, _events_rx) = mpsc::unbounded_channel();
        let dialer = Dialer::new(
            client,
            store,
            Arc::new(RateLimiter::new(20)),
            "simulator",
            events_tx,
        );
        let (tx, rx) = mpsc::unbounded_channel();
        let runner = Runner::new(dialer, tx, None, None, Env::new(dir.path()));
        let mut app = app();
        app.now_ms = T0 + 10 * 86_400_000;
        let mut bench = Bench {
            app,
            runner,
            rx,
            _dir: dir,
            _sim: handle,
        };
        let start = bench.app.start();
        bench.run(start).await;
        bench.app.focus = Pane::History;
        bench
    }

    /// Carries out `effects` and takes the answers until the list has settled.
    async fn run(&mut self, effects: Vec<ccc_dial::tui::app::Effect>) {
        let mut waiting = 0;
        for e in effects {
            waiting += usize::from(matches!(e, ccc_dial::tui::app::Effect::QueryHistory { .. }));
            self.runner.execute(e);
        }
        // Each query answers with a page and its outcomes.
        let mut left = waiting * 2;
        while left > 0 {
            let msg = tokio::time::timeout(Duration::from_secs(10), self.rx.recv())
                .await
                .expect("the history answers")
                .unwrap();
            left -= usize::from(matches!(msg, Msg::HistoryPage { .. } | Msg::Outcomes(_)));
            let more = self.app.update(msg);
            for e in more {
                if !matches!(e, ccc_dial::tui::app::Effect::QueryHistory { .. }) {
                    self.runner.execute(e);
                }
            }
        }
    }

    /// Types `/text` then Enter, and returns the callees listed.
    async fn filter(&mut self, text: &str) -> Vec<String> {
        let mut effects = key(&mut self.app, KeyCode::Char('/'));
        if !self.app.history.filter.is_empty() {
            // Start from an empty filter.
            for _ in 0..self.app.history.filter.chars().count() {
                effects.extend(key(&mut self.app, KeyCode::Backspace));
            }
        }
        effects.extend(type_str(&mut self.app, text));
        // Only the last query counts: older answers are dropped.
        let last: Vec<_> = effects
            .into_iter()
            .rev()
            .filter(|e| matches!(e, ccc_dial::tui::app::Effect::QueryHistory { .. }))
            .take(1)
            .collect();
        self.run(last).await;
        key(&mut self.app, KeyCode::Enter);
        self.callees()
    }

    fn callees(&self) -> Vec<String> {
        (0..self.app.history.total)
            .filter_map(|i| self.app.history.row(i))
            .map(|a| a.callee[a.callee.len() - 1..].to_string())
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_by_outcome_agent_callee_variable_batch_and_date() {
    let mut b = Bench::new().await;
    assert_eq!(b.callees(), ["4", "3", "2", "1"]);
    // Plain words, as the rows word the outcome.
    assert_eq!(b.filter("no answer").await, ["2"]);
    assert_eq!(b.filter("outcome:busy").await, ["3"]);
    assert_eq!(b.filter("outcome:\"no answer\"").await, ["2"]);
    assert_eq!(b.filter("outcome:answered").await, ["1"]);
    assert_eq!(b.filter("outcome:queued").await, ["4"]);
    // A variable's value, in any case, and its key.
    assert_eq!(b.filter("alice").await, ["1"]);
    assert_eq!(b.filter("var:name=ann").await, ["2"]);
    assert_eq!(b.filter("var:=ann").await, ["3", "2"]);
    assert_eq!(b.filter("var:city").await, ["3"]);
    assert_eq!(b.filter("plan").await, ["1"]);
    // Agents by id or name, callees by a part, batches, dates; terms together.
    assert_eq!(b.filter("agent:16").await, ["4", "3"]);
    assert_eq!(b.filter("agent:bot").await, ["4", "3", "2", "1"]);
    assert_eq!(b.filter("callee:00000003").await, ["3"]);
    assert_eq!(b.filter("batch:7f3a").await, ["3", "2"]);
    assert_eq!(b.filter("batch:7f3a outcome:busy").await, ["3"]);
    assert_eq!(b.filter("since:7d").await, ["4", "3"]);
    assert_eq!(b.filter("agent:15 gold").await, ["1"]);

    // Esc clears a committed filter.
    key(&mut b.app, KeyCode::Esc);
    assert_eq!(b.app.history.filter, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filter_that_does_not_read_says_why_and_keeps_the_list() {
    let mut b = Bench::new().await;
    key(&mut b.app, KeyCode::Char('/'));
    type_str(&mut b.app, "outcome:busyy");
    let problem = b.app.history.problem.clone().expect("a problem");
    assert!(problem.contains("no outcome `busyy`"), "{problem}");
    // Enter does not keep a filter that does not read: the typing goes on.
    key(&mut b.app, KeyCode::Enter);
    assert!(b.app.history.filtering.is_some());
    let screen = render(&mut b.app, 80, 24);
    assert!(screen.contains("✗ no outcome `busyy`"), "{screen}");
    // Fixing it lists again.
    let effects = key(&mut b.app, KeyCode::Backspace);
    assert!(b.app.history.problem.is_none());
    b.run(effects).await;
    assert_eq!(b.callees(), ["3"]);
}
