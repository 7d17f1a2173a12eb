//! The runtime's effects against the in-process simulator and a history file: a key press
//! reaches the wire within a few milliseconds, and the dialer's events and the history
//! query bring the accepted attempt back into the app.

mod tui_support;

use std::time::Duration;

use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::credentials::Env;
use ccc_dial::dialer::{Dialer, RateLimiter};
use ccc_dial::history::{AttemptStatus, Store};
use ccc_dial::sim::{self, SimConfig};
use ccc_dial::tui::app::{App, Msg};
use ccc_dial::tui::runtime::Runner;
use std::sync::Arc;
use tokio::sync::mpsc;
use tui_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_press_reaches_the_wire_within_milliseconds_and_comes_back_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let handle = sim::start(SimConfig::default()).await.unwrap();
    let client =
        Arc::new(Client::new(ClientConfig::new(handle.url(), handle.credential())).unwrap());
    let store = Store::open(dir.path().join("history.db")).unwrap().0;
    let (events_tx, mut events_rx) = mpsc::unbounded_channel();
    let dialer = Dialer::new(
        client,
        store,
        Arc::new(RateLimiter::new(20)),
        "simulator",
        events_tx,
    );
    let (tx, mut rx) = mpsc::unbounded_channel();
    let runner = Runner::new(
        dialer,
        tx,
        Some(dir.path().join("draft.json")),
        None,
        Env::new(dir.path()),
    );
    let mut app: App = app();
    app.settings.confirm_before_dial = false;
    app.draft.agent_id = "15".into();

    let mut latencies = Vec::new();
    for n in 1..=10 {
        // A callee each: a second dial of one callee is held back until confirmed.
        app.draft.callee = format!("0086130123456{n:02}");
        let pressed = chrono::Utc::now();
        for e in ctrl(&mut app, 's') {
            runner.execute(e);
        }
        let arrived = loop {
            let calls: Vec<_> = handle
                .requests()
                .into_iter()
                .filter(|r| r.action == "CreateAIAgentCall")
                .collect();
            if calls.len() == n {
                break calls[n - 1].time.clone();
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        };
        let arrived = chrono::DateTime::parse_from_rfc3339(&arrived).unwrap();
        latencies.push((arrived.timestamp_millis() - pressed.timestamp_millis()).max(0));
        // Let the attempt finish before the next press.
        loop {
            let ev = events_rx.recv().await.unwrap();
            let done = matches!(ev, ccc_dial::dialer::DialerEvent::Accepted { .. });
            for e in app.update(Msg::Dialer(ev)) {
                runner.execute(e);
            }
            if done {
                break;
            }
        }
    }
    latencies.sort();
    println!(
        "key press to request on the wire: median {} ms, max {} ms (10 dials)",
        latencies[5], latencies[9]
    );

    // The history query the events asked for brings the accepted attempt in, newest first.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while app.history.total < 10
        || app.history.selected_attempt().map(|a| a.status) != Some(AttemptStatus::Accepted)
    {
        let msg = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap()
            .unwrap();
        for e in app.update(msg) {
            runner.execute(e);
        }
    }
    let a = app.history.selected_attempt().unwrap();
    assert!(a.session_id.is_some());
    assert_eq!(app.attempts_in_flight(), 0);
}

#[test]
fn copy_is_an_osc52_sequence_with_base64_text() {
    assert_eq!(
        ccc_dial::tui::runtime::osc52("sess-1"),
        "\x1b]52;c;c2Vzcy0x\x07"
    );
}
