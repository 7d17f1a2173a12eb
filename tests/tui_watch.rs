//! History that stays current: a second process dials against the same history file, and
//! the open dialer lists the attempt it wrote without a restart, told by the file watch.
#![cfg(target_os = "linux")]

mod support;
mod tui_support;

use std::sync::Arc;
use std::time::Duration;

use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::credentials::Env;
use ccc_dial::dialer::{Dialer, RateLimiter};
use ccc_dial::history::Store;
use ccc_dial::sim::{self, SimConfig};
use ccc_dial::tui::app::Msg;
use ccc_dial::tui::runtime::Runner;
use ccc_dial::tui::watcher;
use support::cli::{Sandbox, output, stderr};
use tokio::sync::mpsc;
use tui_support::app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_written_by_another_process_shows_in_the_open_dialer() {
    let sandbox = Sandbox::new();
    let handle = sim::start(SimConfig::default()).await.unwrap();
    let client =
        Arc::new(Client::new(ClientConfig::new(handle.url(), handle.credential())).unwrap());
    let store = Store::open(sandbox.history_path()).unwrap().0;
    let (events_tx, _events_rx) = mpsc::unbounded_channel();
    let dialer = Dialer::new(
        client,
        store,
        Arc::new(RateLimiter::new(20)),
        "simulator",
        events_tx,
    );
    let (tx, mut rx) = mpsc::unbounded_channel();
    watcher::watch(&sandbox.history_path(), tx.clone()).unwrap();
    let runner = Runner::new(dialer, tx, None, None, Env::new(sandbox.dir.path()));
    let mut app = app();
    for e in app.start() {
        runner.execute(e);
    }

    // Another terminal dials, writing to the same history.
    let mut cmd = sandbox.against(&handle.url());
    cmd.args([
        "call",
        "--sdk-app-id",
        "1400000000",
        "--agent",
        "15",
        "--callee",
        "008613012345678",
    ]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // Only the watch can tell this dialer: its own dialer never saw the call.
    let mut told = false;
    let answered = |app: &ccc_dial::tui::app::App| {
        app.history
            .selected_attempt()
            .is_some_and(|a| a.session_id.is_some())
    };
    while !answered(&app) {
        let msg = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("the history change is told")
            .unwrap();
        told |= matches!(msg, Msg::HistoryChanged);
        for e in app.update(msg) {
            runner.execute(e);
        }
    }
    assert!(told);
    let a = app.history.selected_attempt().unwrap();
    assert_eq!(a.callee, "008613012345678");
}

#[test]
fn a_history_in_a_missing_directory_cannot_be_watched_and_says_so() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let _guard = rt.enter();
    let (tx, _rx) = mpsc::unbounded_channel();
    let err = watcher::watch(std::path::Path::new("/nonexistent-dir/history.db"), tx)
        .unwrap_err()
        .to_string();
    assert!(err.contains("show after a restart"), "{err}");
    assert!(err.contains("/nonexistent-dir/history.db"), "{err}");
}
