//! The dialer against the simulator: every attempt is recorded before it leaves, each outcome
//! is classified, and nothing that may have reached the service is sent twice.

use std::sync::Arc;
use std::time::Duration;

use ccc_dial::ccc::catalog::Label;
use ccc_dial::ccc::{Client, ClientConfig, Outcome};
use ccc_dial::dialer::{
    DialDraft, DialRequest, Dialer, DialerEvent, Finished, RateLimiter, Witness,
};
use ccc_dial::history::{AttemptId, AttemptStatus, Store};
use ccc_dial::sim::{self, SimConfig, SimHandle};
use tokio::sync::mpsc;

struct Rig {
    sim: SimHandle,
    dialer: Dialer,
    store: Store,
    events: mpsc::UnboundedReceiver<DialerEvent>,
}

async fn rig(config: SimConfig, per_sec: u32, timeout: Duration) -> Rig {
    rig_with_backoff(config, per_sec, timeout, Duration::from_millis(50)).await
}

async fn rig_with_backoff(
    config: SimConfig,
    per_sec: u32,
    timeout: Duration,
    backoff: Duration,
) -> Rig {
    let sim = sim::start(config).await.unwrap();
    let client = Client::new(ClientConfig {
        timeout,
        ..ClientConfig::new(sim.url(), sim.credential())
    })
    .unwrap();
    let store = Store::open_in_memory().unwrap();
    let (tx, events) = mpsc::unbounded_channel();
    let dialer = Dialer::new(
        Arc::new(client),
        store.clone(),
        Arc::new(RateLimiter::new(per_sec)),
        "simulator",
        tx,
    )
    .with_backoff(backoff);
    Rig {
        sim,
        dialer,
        store,
        events,
    }
}

fn request(callee: &str) -> DialRequest {
    DialDraft {
        sdk_app_id: "1400000000".into(),
        agent_id: "15".into(),
        callee: callee.into(),
        callers: vec!["008601012345678".into()],
        variables: vec![("name".into(), "张三".into())],
        ..Default::default()
    }
    .validate()
    .unwrap()
}

async fn dial(rig: &Rig, callee: &str) -> (AttemptId, Finished) {
    let id = AttemptId::new();
    let finished = rig.dialer.run(id.clone(), request(callee), None).await;
    (id, finished)
}

#[tokio::test]
async fn accepted_call_is_recorded_before_and_after() {
    let mut rig = rig(SimConfig::default(), 20, Duration::from_secs(5)).await;
    let (id, finished) = dial(&rig, "008613012345678").await;
    let Finished::Accepted {
        session_id,
        request_id,
    } = finished
    else {
        panic!("{finished:?}")
    };

    let a = rig.store.get(&id).unwrap().unwrap();
    assert_eq!(a.status, AttemptStatus::Accepted);
    assert_eq!(a.session_id.as_deref(), Some(session_id.as_str()));
    assert_eq!(a.request_id.as_deref(), Some(request_id.as_str()));
    assert_eq!(a.endpoint, "simulator");
    assert!(!a.request_json.contains("ccc-dial-simulator-key"));
    // The body recorded is the body the simulator received.
    let log = rig.sim.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&a.request_json).unwrap(),
        log[0].body
    );
    let kinds: Vec<String> = rig
        .store
        .events(&id)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["queued", "accepted"]);

    let mut seen = Vec::new();
    while let Ok(e) = rig.events.try_recv() {
        seen.push(std::mem::discriminant(&e));
    }
    assert_eq!(seen.len(), 3, "Queued, Sent, Accepted");
}

#[tokio::test]
async fn rejection_carries_code_hint_and_label() {
    let rig = rig(SimConfig::default(), 20, Duration::from_secs(5)).await;
    let (id, finished) = dial(&rig, "00999100011").await;
    let Finished::Failed(f) = finished else {
        panic!("{finished:?}")
    };
    assert_eq!(f.outcome, Outcome::Rejected);
    assert_eq!(f.code.as_deref(), Some("FailedOperation.AcquireQuota"));
    assert_eq!(f.label, Label::CapacityLimited);
    assert!(f.hint.contains("concurrent"), "{}", f.hint);
    let a = rig.store.get(&id).unwrap().unwrap();
    assert_eq!(a.status, AttemptStatus::Rejected);
    assert_eq!(
        a.error_code.as_deref(),
        Some("FailedOperation.AcquireQuota")
    );
    assert!(a.response_json.unwrap().contains("AcquireQuota"));
    assert_eq!(rig.sim.count("CreateAIAgentCall"), 1);
}

#[tokio::test]
async fn unknown_outcomes_are_never_sent_again() {
    let config = SimConfig {
        slow_answer: Duration::from_secs(3),
        ..SimConfig::default()
    };
    let rig = rig(config, 20, Duration::from_millis(500)).await;
    // Slow answer, dropped connection, HTTP 500 with HTML, malformed JSON, InternalError.
    for callee in [
        "00999300001",
        "00999300002",
        "00999300003",
        "00999300004",
        "00999100017",
    ] {
        let (id, finished) = dial(&rig, callee).await;
        let Finished::Failed(f) = finished else {
            panic!("{callee}: {finished:?}")
        };
        assert_eq!(f.outcome, Outcome::Unknown, "{callee}: {f:?}");
        assert!(f.hint.contains("reconcile"));
        assert_eq!(
            rig.store.get(&id).unwrap().unwrap().status,
            AttemptStatus::Unknown
        );
        let sent = rig
            .sim
            .requests()
            .iter()
            .filter(|r| r.action == "CreateAIAgentCall" && r.body["Callee"] == callee)
            .count();
        assert_eq!(sent, 1, "{callee} was requested {sent} times");
    }
}

#[tokio::test]
async fn rate_limited_requests_are_retried_after_backoff() {
    // Our budget above the service's, so the service refuses some; those were not executed.
    let config = SimConfig {
        rate_limit_per_sec: 5,
        ..SimConfig::default()
    };
    let rig = rig_with_backoff(
        config,
        100,
        Duration::from_secs(5),
        Duration::from_millis(300),
    )
    .await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let dialer = rig.dialer.clone();
        tasks.push(tokio::spawn(async move {
            dialer
                .run(
                    AttemptId::new(),
                    request(&format!("00861301234{i:04}")),
                    None,
                )
                .await
        }));
    }
    for t in tasks {
        assert!(matches!(t.await.unwrap(), Finished::Accepted { .. }));
    }
    let log = rig.sim.requests();
    let limited = log
        .iter()
        .filter(|r| r.verdict == "RequestLimitExceeded")
        .count();
    assert!(limited > 0, "the service should have refused some");
    let accepted: std::collections::HashSet<_> = log
        .iter()
        .filter(|r| r.verdict == "ok")
        .map(|r| r.body["Callee"].clone())
        .collect();
    assert_eq!(accepted.len(), 8);
    assert_eq!(
        log.iter().filter(|r| r.verdict == "ok").count(),
        8,
        "each call placed once"
    );
}

#[tokio::test]
async fn refused_connection_is_not_sent_and_tried_again() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let cred = ccc_dial::credentials::Credential::new(
        sim::SIM_SECRET_ID.into(),
        sim::SIM_SECRET_KEY.into(),
        None,
    )
    .unwrap();
    let client = Client::new(ClientConfig::new(url, cred)).unwrap();
    let store = Store::open_in_memory().unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let dialer = Dialer::new(
        Arc::new(client),
        store.clone(),
        Arc::new(RateLimiter::new(20)),
        "x",
        tx,
    )
    .with_backoff(Duration::from_millis(1));
    let id = AttemptId::new();
    let Finished::Failed(f) = dialer
        .run(id.clone(), request("008613012345678"), None)
        .await
    else {
        panic!()
    };
    assert_eq!(f.outcome, Outcome::NotSent);
    assert_eq!(
        store.get(&id).unwrap().unwrap().status,
        AttemptStatus::NotSent
    );
    let mut retries = 0;
    while let Ok(e) = rx.try_recv() {
        retries += matches!(e, DialerEvent::Retrying { .. }) as u32;
    }
    assert_eq!(retries, ccc_dial::dialer::MAX_RETRIES);
}

#[tokio::test]
async fn an_attempt_that_cannot_be_recorded_is_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let (store, _) = Store::open(&path).unwrap();
    let sim = sim::start(SimConfig::default()).await.unwrap();
    let client = Client::new(ClientConfig::new(sim.url(), sim.credential())).unwrap();
    let (tx, _rx) = mpsc::unbounded_channel();
    let dialer = Dialer::new(
        Arc::new(client),
        store.clone(),
        Arc::new(RateLimiter::new(20)),
        "s",
        tx,
    );
    // Another writer makes every new attempt fail to insert, as a full disk would.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER refuse BEFORE INSERT ON attempt BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .unwrap();
    let finished = dialer
        .run(AttemptId::new(), request("008613012345678"), None)
        .await;
    assert!(matches!(finished, Finished::NotRecorded(_)), "{finished:?}");
    assert_eq!(
        sim.count("CreateAIAgentCall"),
        0,
        "nothing may leave unrecorded"
    );
}

#[test]
fn attempts_left_queued_by_a_stopped_run_become_unknown() {
    use ccc_dial::dialer::settle_interrupted;
    let store = Store::open_in_memory().unwrap();
    let queued = |age_ms: i64| {
        let id = AttemptId::new();
        store
            .record_queued(&request("008613012345678").new_attempt(
                id.clone(),
                ccc_dial::dialer::now_ms() - age_ms,
                "simulator",
                "{}".into(),
                None,
            ))
            .unwrap();
        id
    };
    let old = queued(3_600_000);
    let young = queued(1_000);
    assert_eq!(
        settle_interrupted(&store, Duration::from_secs(600)).unwrap(),
        1
    );
    assert_eq!(
        store.get(&old).unwrap().unwrap().status,
        AttemptStatus::Unknown
    );
    assert_eq!(
        store.get(&young).unwrap().unwrap().status,
        AttemptStatus::Queued
    );
}

#[tokio::test]
async fn a_call_the_rate_limit_refused_every_time_is_not_sent_and_says_so() {
    let rig = rig_with_backoff(
        SimConfig {
            rate_limit_per_sec: 1,
            ..SimConfig::default()
        },
        500,
        Duration::from_secs(5),
        Duration::from_millis(1),
    )
    .await;
    let (_, first) = dial(&rig, "008613012340001").await;
    assert!(matches!(first, Finished::Accepted { .. }), "{first:?}");
    // Every try of the second falls in the same second as the first call.
    let (id, second) = dial(&rig, "008613012340002").await;
    let Finished::Failed(f) = second else {
        panic!("{second:?}")
    };
    assert_eq!(f.outcome, Outcome::NotSent);
    assert!(f.hint.contains("no call was placed"), "{}", f.hint);
    let a = rig.store.get(&id).unwrap().unwrap();
    assert_eq!(a.status, AttemptStatus::NotSent, "a rerun sends it");
}

#[tokio::test]
async fn the_earlier_call_is_named_before_a_dial_and_for_a_task() {
    let rig = rig(SimConfig::default(), 20, Duration::from_secs(5)).await;
    let (id, first) = dial(&rig, "008613012340011").await;
    assert!(matches!(first, Finished::Accepted { .. }), "{first:?}");
    let earlier = rig
        .dialer
        .earlier_call(&request("008613012340011"))
        .await
        .unwrap()
        .expect("held by the first call");
    assert_eq!(
        earlier.witness,
        Witness::History {
            attempt: id,
            batch: None
        }
    );
    assert!(
        rig.dialer
            .earlier_call(&request("008613012340012"))
            .await
            .unwrap()
            .is_none()
    );
    let callees = ["008613012340011".to_string(), "008613012340012".to_string()];
    let held = rig
        .dialer
        .held_back(1400000000, &callees, true)
        .await
        .unwrap();
    assert_eq!(held.keys().collect::<Vec<_>>(), [&callees[0]]);
    assert_eq!(rig.sim.count("DescribePSTNActiveSessionList"), 1);
}
