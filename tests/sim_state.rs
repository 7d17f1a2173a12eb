//! The built-in simulator's sessions outlive its process: kept beside the history, they are
//! found again after a restart, and by another process sharing the same file, so a call placed
//! before a restart (or by `batch --sim`) is followed to its real record.

use std::sync::Arc;
use std::time::Duration;

use ccc_dial::ccc::actions::DescribeTelSession;
use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::dialer::{
    CallReport, CallWord, DialRequest, Dialer, DialerEvent, RateLimiter, WatchConfig, WatchEvent,
};
use ccc_dial::history::{AttemptStatus, Store};
use ccc_dial::sim::{self, SimConfig, SimHandle, StateFile, SystemClock};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

const APP: i64 = 1_400_000_000;

async fn simulator(state: &StateFile) -> SimHandle {
    sim::start(SimConfig {
        clock: Arc::new(SystemClock),
        ring: Duration::from_millis(1_500),
        talk: Duration::from_millis(500),
        record_lag: Duration::ZERO,
        state: Some(state.clone()),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

fn request() -> DialRequest {
    serde_json::from_value(serde_json::json!({"sdk_app_id": APP, "agent_id": 15,
        "agent_name": null, "callee": "008613012345678", "callers": [], "variables": [],
        "max_ring_timeout": null, "acquire_timeout": null}))
    .unwrap()
}

fn client(sim: &SimHandle) -> Client {
    Client::new(ClientConfig::new(sim.url(), sim.credential())).unwrap()
}

fn dialer(sim: &SimHandle, store: &Store) -> (Dialer, UnboundedReceiver<DialerEvent>) {
    let (tx, rx) = unbounded_channel();
    let watch = WatchConfig {
        interval: Duration::from_millis(50),
        max_interval: Duration::from_millis(200),
        ..WatchConfig::default()
    };
    let d = Dialer::new(
        Arc::new(client(sim)),
        store.clone(),
        Arc::new(RateLimiter::new(20)),
        "simulator",
        tx,
    )
    .with_watch(watch);
    (d, rx)
}

async fn next_watch_event(
    events: &mut UnboundedReceiver<DialerEvent>,
    pick: impl Fn(&WatchEvent) -> bool,
) -> WatchEvent {
    loop {
        match tokio::time::timeout(Duration::from_secs(20), events.recv()).await {
            Ok(Some(DialerEvent::Watch(e))) if pick(&e) => return e,
            Ok(Some(_)) => {}
            other => panic!("no such event: {other:?}"),
        }
    }
}

/// Dial, quit while it rings, start again: the call is followed to its record, never left
/// ringing nor settled without one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_placed_before_a_restart_is_followed_to_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.db");
    let state = StateFile::beside(&history);

    let first = simulator(&state).await;
    let (store, _) = Store::open(&history).unwrap();
    let (d, mut events) = dialer(&first, &store);
    let id = d.dial(request(), None);
    next_watch_event(&mut events, |e| {
        matches!(
            e,
            WatchEvent::Status {
                status: AttemptStatus::Ringing,
                ..
            }
        )
    })
    .await;
    // Quit while it rings: the dialer and its simulator go.
    drop((d, events, store));
    first.shutdown().await;

    let second = simulator(&state).await;
    let (store, _) = Store::open(&history).unwrap();
    assert!(store.get(&id).unwrap().unwrap().status.is_live());
    let (d, mut events) = dialer(&second, &store);
    assert_eq!(d.resume().await.unwrap(), vec![id.clone()]);
    next_watch_event(&mut events, |e| matches!(e, WatchEvent::Report { .. })).await;
    let attempt = store.get(&id).unwrap().unwrap();
    let report = CallReport::from_events(&attempt, &store.events(&id).unwrap());
    assert_eq!(report.word, Some(CallWord::Answered), "{report:?}");
    assert_eq!(report.record_error, None);
    let polls: Vec<_> = second
        .requests()
        .into_iter()
        .filter(|e| e.action == "DescribeTelSession")
        .collect();
    assert!(
        !polls.is_empty() && polls.iter().all(|e| e.verdict == "ok"),
        "{polls:?}"
    );
}

/// Two processes sharing the state (the dialer and `batch --sim`) see each other's calls.
#[tokio::test]
async fn simulators_sharing_the_state_see_each_others_calls() {
    let dir = tempfile::tempdir().unwrap();
    let state = StateFile::beside(&dir.path().join("history.db"));
    let (a, b) = (simulator(&state).await, simulator(&state).await);
    let placed = client(&a).send(&request().to_action()).await.unwrap();
    let session_id = placed.data.session_id.unwrap();
    let seen = client(&b)
        .send(&DescribeTelSession {
            sdk_app_id: APP,
            session_id: session_id.clone(),
        })
        .await
        .unwrap();
    let session = seen.data.session.unwrap();
    assert_eq!(session.session_id.as_deref(), Some(session_id.as_str()));
    assert_eq!(session.session_status.as_deref(), Some("ringing"));
}
