//! Following calls against the simulator on a controlled clock: status to the report, every
//! ending's word, hang-up, steering, reconciling unknown outcomes, resuming after a restart,
//! and the shared request budget with twenty calls live.
#![cfg(unix)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use ccc_dial::ccc::{Client, ClientConfig, Outcome};
use ccc_dial::dialer::{
    CallReport, CallWord, ControlError, DialRequest, Dialer, DialerEvent, Finished, Interactions,
    PushKind, RateLimiter, ReconcileError, ReconcileOutcome, WatchConfig, WatchEnd, WatchEvent,
};
use ccc_dial::history::{AttemptId, AttemptStatus, ClaimRule, Override, Store};
use ccc_dial::sim::{self, ManualClock, SimConfig, SimHandle, SystemClock};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

mod support;

use support::dialer::fast_watch;

const APP: i64 = 1_400_000_000;
const CALLEE: &str = "008613012345678";
const WAIT: Duration = Duration::from_secs(15);

fn request(callee: &str) -> DialRequest {
    DialRequest {
        sdk_app_id: APP,
        agent_id: 15,
        agent_name: Some("Sales bot".into()),
        callee: callee.into(),
        callers: vec![],
        variables: vec![("name".into(), "Alice".into())],
        max_ring_timeout: None,
        acquire_timeout: None,
    }
}

struct Rig {
    sim: SimHandle,
    clock: Arc<ManualClock>,
    store: Store,
    dialer: Dialer,
    events: UnboundedReceiver<DialerEvent>,
}

fn dialer_for(
    sim: &SimHandle,
    store: Store,
    limiter: RateLimiter,
) -> (Dialer, UnboundedReceiver<DialerEvent>) {
    let client = Client::new(ClientConfig::new(sim.url(), sim.credential())).unwrap();
    let (tx, rx) = unbounded_channel();
    let dialer = Dialer::new(Arc::new(client), store, Arc::new(limiter), "simulator", tx)
        .with_backoff(Duration::from_millis(10))
        .with_watch(fast_watch());
    (dialer, rx)
}

/// The mainland model (interaction records offered), with records visible the moment a call
/// ends: these tests follow calls on a manual clock. They poll far faster than the service's
/// 20 requests a second (the client's budget here is 500), so the limit is lifted too.
fn instant() -> SimConfig {
    SimConfig {
        record_lag: Duration::ZERO,
        rate_limit_per_sec: 1_000,
        flavour: sim::Flavour::Mainland,
        ..SimConfig::default()
    }
}

async fn rig() -> Rig {
    let clock = Arc::new(ManualClock::starting_now());
    let sim = sim::start(SimConfig {
        clock: clock.clone(),
        ..instant()
    })
    .await
    .unwrap();
    let store = Store::open_in_memory().unwrap();
    // A generous budget so functional tests run fast; the budget test uses the real 20/s.
    let (dialer, events) = dialer_for(&sim, store.clone(), RateLimiter::new(500));
    Rig {
        sim,
        clock,
        store,
        dialer,
        events,
    }
}

/// Waits for the first event that `pred` picks, skipping the others.
async fn until<T>(
    events: &mut UnboundedReceiver<DialerEvent>,
    what: &str,
    mut pred: impl FnMut(&DialerEvent) -> Option<T>,
) -> T {
    let found = tokio::time::timeout(WAIT, async {
        while let Some(e) = events.recv().await {
            if let Some(t) = pred(&e) {
                return Some(t);
            }
        }
        None
    })
    .await;
    match found {
        Ok(Some(t)) => t,
        Ok(None) => panic!("the event channel closed while waiting for {what}"),
        Err(_) => panic!("no {what} within {WAIT:?}"),
    }
}

async fn status(events: &mut UnboundedReceiver<DialerEvent>, id: &AttemptId, want: AttemptStatus) {
    until(events, &format!("status {want}"), |e| match e {
        DialerEvent::Watch(WatchEvent::Status { id: i, status, .. })
            if i == id && *status == want =>
        {
            Some(())
        }
        _ => None,
    })
    .await
}

async fn reported(events: &mut UnboundedReceiver<DialerEvent>, id: &AttemptId) {
    until(events, "the report", |e| match e {
        DialerEvent::Watch(WatchEvent::Report { id: i }) if i == id => Some(()),
        _ => None,
    })
    .await
}

impl Rig {
    async fn dial(&mut self, callee: &str) -> AttemptId {
        let id = self.dialer.dial(request(callee), None);
        until(&mut self.events, "acceptance", |e| match e {
            DialerEvent::Accepted { id: i, .. } if *i == id => Some(()),
            DialerEvent::Failed { id: i, failure } if *i == id => {
                panic!("dial failed: {failure:?}")
            }
            _ => None,
        })
        .await;
        id
    }

    fn advance(&self, ms: u64) {
        self.clock.advance(Duration::from_millis(ms));
    }

    fn report(&self, id: &AttemptId) -> CallReport {
        let attempt = self.store.get(id).unwrap().unwrap();
        CallReport::from_events(&attempt, &self.store.events(id).unwrap())
    }

    fn kinds(&self, id: &AttemptId) -> Vec<String> {
        self.store
            .events(id)
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect()
    }

    /// The SessionIds the simulator created for a callee, oldest first.
    fn sessions_for(&self, callee: &str) -> Vec<String> {
        self.sim
            .requests()
            .into_iter()
            .filter(|r| r.action == "CreateAIAgentCall" && r.body["Callee"] == callee)
            .filter_map(|r| r.session_id)
            .collect()
    }
}

#[tokio::test]
async fn a_call_is_followed_from_ringing_to_its_report() {
    let mut r = rig().await;
    let id = r.dial(CALLEE).await;
    status(&mut r.events, &id, AttemptStatus::Ringing).await;
    assert_eq!(
        r.store.get(&id).unwrap().unwrap().status,
        AttemptStatus::Ringing
    );
    r.advance(2_000);
    status(&mut r.events, &id, AttemptStatus::InProgress).await;
    r.advance(8_000);
    status(&mut r.events, &id, AttemptStatus::Finished).await;
    let word = until(&mut r.events, "the record", |e| match e {
        DialerEvent::Watch(WatchEvent::Record { id: i, word, .. }) if *i == id => Some(*word),
        _ => None,
    })
    .await;
    assert_eq!(word, Some(CallWord::Answered));
    reported(&mut r.events, &id).await;

    let attempt = r.store.get(&id).unwrap().unwrap();
    assert_eq!(attempt.status, AttemptStatus::Finished);
    assert_eq!(
        r.kinds(&id),
        [
            "queued",
            "accepted",
            "status",
            "status",
            "status",
            "cdr",
            "extract",
            "latency",
            "interaction"
        ]
    );
    let report = r.report(&id);
    assert_eq!(
        (
            report.word,
            report.end_status,
            report.end_status_string.as_deref()
        ),
        (Some(CallWord::Answered), Some(1), Some("ok"))
    );
    assert_eq!(report.hung_up_side.as_deref(), Some("user"));
    assert_eq!((report.ring_secs, report.talk_secs), (Some(2), Some(8)));
    let session = attempt.session_id.unwrap();
    assert!(report.record_url.as_deref().unwrap().contains(&session));
    assert!(report.asr_url.is_some());
    let names: Vec<_> = report.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Interested", "Concerns", "Callback time"]);
    let latency = report.latency.as_ref().unwrap();
    assert_eq!(latency.rounds.len(), 4, "8 s of talk in 2 s rounds");
    assert!(latency.ete.from_service && latency.ete.median.unwrap() > 0.0);
    let Interactions::Records(rounds) = &report.interactions else {
        panic!("{:?}", report.interactions)
    };
    assert_eq!(rounds.len(), 4);
    // Polled while live, then one request each for the record and the details.
    assert!(r.sim.count("DescribeTelSession") >= 3);
    assert_eq!(r.sim.count("DescribeTelCdr"), 1);
    assert_eq!(r.sim.count("DescribeAICallExtractResult"), 1);
    assert!(!r.dialer.is_watching(&id));
}

#[tokio::test]
async fn every_ending_gets_its_word_end_to_end() {
    let mut r = rig().await;
    let cases = [
        ("00999200202", CallWord::NoAnswer, "notAnswer"),
        ("00999200203", CallWord::Rejected, "userReject"),
        ("00999200204", CallWord::NoAnswer, "powerOff"),
        ("00999200205", CallWord::InvalidNumber, "numberNotExist"),
        ("00999200206", CallWord::Busy, "busy"),
        ("00999200222", CallWord::Voicemail, "voiceMailReached"),
        ("00999200001", CallWord::Answered, "ok"),
        (CALLEE, CallWord::Answered, "ok"),
    ];
    let mut ids = Vec::new();
    for (callee, ..) in cases {
        ids.push(r.dial(callee).await);
    }
    // Past the 30 s an unanswered call rings.
    r.advance(31_000);
    let mut left: Vec<AttemptId> = ids.clone();
    while !left.is_empty() {
        let done = until(&mut r.events, "reports", |e| match e {
            DialerEvent::Watch(WatchEvent::Report { id }) => Some(id.clone()),
            _ => None,
        })
        .await;
        left.retain(|i| *i != done);
    }
    for ((callee, word, name), id) in cases.iter().zip(&ids) {
        let report = r.report(id);
        assert_eq!(report.word, Some(*word), "{callee}");
        assert_eq!(report.end_status_string.as_deref(), Some(*name), "{callee}");
        let kinds = r.kinds(id);
        // Only a call that was answered has tags, latency and a conversation to fetch.
        assert_eq!(
            kinds.contains(&"extract".to_string()),
            *word == CallWord::Answered,
            "{callee}: {kinds:?}"
        );
    }
    assert_eq!(
        r.report(&ids[6]).talk_secs,
        Some(1),
        "the early hang-up talks 1 s"
    );
    assert_eq!(r.report(&ids[0]).talk_secs, Some(0));
}

#[tokio::test]
async fn hang_up_ends_a_live_call_and_is_recorded() {
    let mut r = rig().await;
    let talking = r.dial(CALLEE).await;
    let ringing = r.dial("008613012345679").await;
    status(&mut r.events, &ringing, AttemptStatus::Ringing).await;

    r.dialer.hang_up(&ringing).await.unwrap();
    until(&mut r.events, "the hang-up", |e| match e {
        DialerEvent::Watch(WatchEvent::HangUp { id, result }) if *id == ringing => {
            Some(result.clone())
        }
        _ => None,
    })
    .await
    .unwrap();
    reported(&mut r.events, &ringing).await;
    let report = r.report(&ringing);
    assert_eq!(
        (
            report.word,
            report.end_status,
            report.end_status_string.as_deref()
        ),
        (
            Some(CallWord::NoAnswer),
            Some(220),
            Some("callerCancelWhileRing")
        )
    );
    assert!(report.hung_up_here);

    r.advance(2_000);
    status(&mut r.events, &talking, AttemptStatus::InProgress).await;
    r.advance(3_000);
    r.dialer.hang_up(&talking).await.unwrap();
    reported(&mut r.events, &talking).await;
    let report = r.report(&talking);
    assert_eq!(report.word, Some(CallWord::Answered));
    assert_eq!(report.hung_up_side.as_deref(), Some("system"));
    assert_eq!(report.talk_secs, Some(3));
    assert!(r.kinds(&talking).contains(&"hangup".to_string()));

    // An attempt without a session cannot be hung up; it says why.
    let unknown = r.dialer.hang_up(&AttemptId::from("no-such-attempt")).await;
    assert!(matches!(unknown, Err(ControlError::NotFound(_))));
}

#[tokio::test]
async fn steering_is_refused_before_the_call_connects_and_taken_during_it() {
    let mut r = rig().await;
    let id = r.dial(CALLEE).await;
    status(&mut r.events, &id, AttemptStatus::Ringing).await;

    let refused = r.dialer.push_text(&id, "Hello early", false).await;
    let Err(ControlError::NotControllable { hint }) = &refused else {
        panic!("{refused:?}")
    };
    assert!(hint.contains("not in progress"), "{hint}");
    let result = until(&mut r.events, "the refused push", |e| match e {
        DialerEvent::Watch(WatchEvent::Pushed {
            id: i,
            kind,
            result,
            ..
        }) if *i == id => {
            assert_eq!(*kind, PushKind::Text);
            Some(result.clone())
        }
        _ => None,
    })
    .await;
    assert!(result.unwrap_err().contains("cannot be steered now"));
    assert_eq!(
        r.dialer.push_text(&id, "  ", false).await,
        Err(ControlError::EmptyText)
    );

    r.advance(2_000);
    status(&mut r.events, &id, AttemptStatus::InProgress).await;
    r.dialer
        .push_text(&id, "Our offer ends today.", true)
        .await
        .unwrap();
    r.advance(1_000);
    r.dialer
        .invoke_llm(&id, "Ask about their budget.", false)
        .await
        .unwrap();
    r.advance(7_000);
    reported(&mut r.events, &id).await;

    let report = r.report(&id);
    let steers: Vec<_> = report
        .steers
        .iter()
        .map(|s| (s.kind.as_str(), s.text.as_str(), s.refused.is_some()))
        .collect();
    assert_eq!(
        steers,
        [
            ("push_text", "Hello early", true),
            ("push_text", "Our offer ends today.", false),
            ("invoke_llm", "Ask about their budget.", false),
        ]
    );
    let Interactions::Records(rounds) = &report.interactions else {
        panic!("{:?}", report.interactions)
    };
    let spoken: Vec<_> = rounds
        .iter()
        .flat_map(|r| &r.messages)
        .filter_map(|m| m.ai_speak.as_ref())
        .map(|s| {
            (
                s.spoken_type.clone().unwrap_or_default(),
                s.spoken_text.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        spoken.contains(&("Other".into(), "Our offer ends today.".into())),
        "{spoken:?}"
    );
    // The LLM answers the prompt; the prompt itself is never spoken.
    assert!(
        !spoken.iter().any(|(_, t)| t.contains("budget")) && spoken.len() > 5,
        "{spoken:?}"
    );
    assert!(!spoken.iter().any(|(_, t)| t == "Hello early"));
}

#[tokio::test]
async fn an_unknown_outcome_is_reconciled_to_its_session() {
    let mut r = rig().await;
    // The connection drops after the request is read; the call is placed all the same.
    let callee = "00999300002";
    let id = AttemptId::new();
    let finished = r.dialer.run(id.clone(), request(callee), None).await;
    let Finished::Failed(failure) = finished else {
        panic!("{finished:?}")
    };
    assert_eq!(failure.outcome, Outcome::Unknown);
    assert!(!r.dialer.is_watching(&id));

    // Still ringing: no record yet, and the answer says so.
    let outcome = r.dialer.reconcile(&id).await.unwrap();
    assert!(
        matches!(outcome, ReconcileOutcome::NoneFound { .. }),
        "{outcome:?}"
    );
    assert!(outcome.describe().contains("try again later"));
    assert_eq!(
        r.store.get(&id).unwrap().unwrap().status,
        AttemptStatus::Unknown
    );

    r.advance(10_000);
    let outcome = r.dialer.reconcile(&id).await.unwrap();
    let placed = r.sessions_for(callee);
    assert_eq!(placed.len(), 1);
    assert_eq!(
        outcome,
        ReconcileOutcome::Matched {
            session_id: placed[0].clone(),
            word: Some(CallWord::Answered)
        }
    );
    until(&mut r.events, "the reconcile event", |e| match e {
        DialerEvent::Watch(WatchEvent::Reconciled { id: i, outcome }) if *i == id => {
            Some(outcome.clone())
        }
        _ => None,
    })
    .await;
    let attempt = r.store.get(&id).unwrap().unwrap();
    assert_eq!(attempt.status, AttemptStatus::Finished);
    assert_eq!(attempt.session_id.as_deref(), Some(placed[0].as_str()));
    let report = r.report(&id);
    assert!(report.reconciled);
    assert_eq!(report.word, Some(CallWord::Answered));
    assert_eq!(
        report.tags.len(),
        3,
        "the details come with the reconciled record"
    );

    let again = r.dialer.reconcile(&id).await;
    assert!(
        matches!(again, Err(ReconcileError::NotUnknown { .. })),
        "{again:?}"
    );
}

#[tokio::test]
async fn an_ambiguous_reconcile_lists_its_candidates() {
    let r = rig().await;
    // HTTP 500 with HTML: unknown, but both calls were placed.
    let callee = "00999300003";
    let first = AttemptId::new();
    let second = AttemptId::new();
    // The second dial of a callee of unknown outcome needs the user's override.
    let again = r.dialer.clone().with_claim(ClaimRule {
        overridden: Some(Override::AllowRecent),
        ..ClaimRule::default()
    });
    for (id, dialer) in [(&first, &r.dialer), (&second, &again)] {
        let f = dialer.run(id.clone(), request(callee), None).await;
        assert!(
            matches!(f, Finished::Failed(ref x) if x.outcome == Outcome::Unknown),
            "{f:?}"
        );
    }
    r.advance(10_000);
    let outcome = r.dialer.reconcile(&first).await.unwrap();
    let placed = r.sessions_for(callee);
    assert_eq!(placed.len(), 2);
    let ReconcileOutcome::Ambiguous(candidates) = &outcome else {
        panic!("{outcome:?}")
    };
    let mut found: Vec<_> = candidates.iter().map(|c| c.session_id.clone()).collect();
    found.sort();
    let mut placed = placed;
    placed.sort();
    assert_eq!(found, placed);
    assert!(candidates.iter().all(|c| c.start_s.is_some()));
    let text = outcome.describe();
    assert!(
        text.starts_with("2 calls to this callee could be it"),
        "{text}"
    );
    let attempt = r.store.get(&first).unwrap().unwrap();
    assert_eq!(
        (attempt.status, attempt.session_id),
        (AttemptStatus::Unknown, None)
    );
    assert!(r.kinds(&first).contains(&"reconciled".to_string()));
}

/// A restart while a call is live: a new Dialer over the same history file takes the watch up
/// again and completes it.
#[test]
fn a_restart_mid_call_resumes_the_watch() {
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let clock = Arc::new(ManualClock::starting_now());
    let sim = server
        .block_on(sim::start(SimConfig {
            clock: clock.clone(),
            ..instant()
        }))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");

    let first_life = tokio::runtime::Runtime::new().unwrap();
    let id = first_life.block_on(async {
        let (store, _) = Store::open(&path).unwrap();
        let (dialer, mut events) = dialer_for(&sim, store, RateLimiter::new(500));
        let id = dialer.dial(request(CALLEE), None);
        status(&mut events, &id, AttemptStatus::Ringing).await;
        id
    });
    // The app goes away mid-call: its watch dies with it.
    drop(first_life);
    clock.advance(Duration::from_millis(2_000));

    let second_life = tokio::runtime::Runtime::new().unwrap();
    second_life.block_on(async {
        let (store, _) = Store::open(&path).unwrap();
        assert_eq!(
            store.get(&id).unwrap().unwrap().status,
            AttemptStatus::Ringing
        );
        let (dialer, mut events) = dialer_for(&sim, store.clone(), RateLimiter::new(500));
        assert_eq!(dialer.resume().await.unwrap(), vec![id.clone()]);
        status(&mut events, &id, AttemptStatus::InProgress).await;
        assert!(!dialer.watch(id.clone()), "one watch per attempt");
        clock.advance(Duration::from_millis(8_000));
        reported(&mut events, &id).await;
        let attempt = store.get(&id).unwrap().unwrap();
        assert_eq!(attempt.status, AttemptStatus::Finished);
        let report = CallReport::from_events(&attempt, &store.events(&id).unwrap());
        assert_eq!(report.word, Some(CallWord::Answered));
        assert_eq!(report.talk_secs, Some(8));
        // Nothing is left to resume, and a finished attempt is not followed again.
        assert!(dialer.resume().await.unwrap().is_empty());
        assert_eq!(
            dialer.follow(&id).await,
            WatchEnd::NotLive(AttemptStatus::Finished)
        );
    });
    drop(second_life);
    server.block_on(sim.shutdown());
}

/// How soon a change on the service is reported: within one poll interval (20 ms here) plus
/// the request's round trip.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_change_is_reported_within_one_poll() {
    let mut r = rig().await;
    let ids: Vec<_> = (0..5)
        .map(|n| r.dialer.dial(request(&format!("00861301234567{n}")), None))
        .collect();
    let mut left = ids.clone();
    while !left.is_empty() {
        let id = until(&mut r.events, "ringing", |e| match e {
            DialerEvent::Watch(WatchEvent::Status { id, status, .. })
                if *status == AttemptStatus::Ringing =>
            {
                Some(id.clone())
            }
            _ => None,
        })
        .await;
        left.retain(|i| *i != id);
    }
    let mut delays = Vec::new();
    for (advance, want) in [
        (2_000, AttemptStatus::InProgress),
        (8_000, AttemptStatus::Finished),
    ] {
        // Let every watch settle into its longest pause first.
        tokio::time::sleep(Duration::from_millis(60)).await;
        let changed = Instant::now();
        r.advance(advance);
        let mut left = ids.clone();
        while !left.is_empty() {
            let id = until(&mut r.events, "status changes", |e| match e {
                DialerEvent::Watch(WatchEvent::Status { id, status, .. }) if *status == want => {
                    Some(id.clone())
                }
                _ => None,
            })
            .await;
            delays.push(changed.elapsed());
            left.retain(|i| *i != id);
        }
    }
    delays.sort();
    let max = *delays.last().unwrap();
    eprintln!(
        "status reported after the change: median {:?}, max {:?} (poll interval 10..20 ms, 5 calls)",
        delays[delays.len() / 2],
        max
    );
    // One 20 ms pause, plus the round trip and a history write, on a busy 2-core machine.
    assert!(max < Duration::from_millis(250), "{max:?}");
}

/// Twenty calls live at once never push the app past 20 requests in any second, counted at
/// the service from its request log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_live_calls_stay_within_the_budget() {
    let sim = sim::start(SimConfig {
        clock: Arc::new(SystemClock),
        ring: Duration::from_millis(1_000),
        talk: Duration::from_millis(1_000),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let store = Store::open_in_memory().unwrap();
    let (dialer, mut events) = dialer_for(
        &sim,
        store.clone(),
        // The app's own budget: a slot frees a second after its answer, so no transit jitter
        // can put 21 arrivals in one second.
        RateLimiter::new(20),
    );
    let started = Instant::now();
    let ids: Vec<_> = (0..20)
        .map(|n| dialer.dial(request(&format!("0086130000000{n:02}")), None))
        .collect();
    let mut left = ids.clone();
    let mut peak_live = 0;
    let mut live = std::collections::HashSet::new();
    while !left.is_empty() {
        let e = until(&mut events, "twenty reports", |e| Some(e.clone())).await;
        match e {
            DialerEvent::Accepted { id, .. } => {
                live.insert(id);
                peak_live = peak_live.max(live.len());
            }
            DialerEvent::Watch(WatchEvent::Status {
                id,
                status: AttemptStatus::Finished,
                ..
            }) => {
                live.remove(&id);
            }
            DialerEvent::Watch(WatchEvent::Report { id }) => left.retain(|i| *i != id),
            DialerEvent::Failed { failure, .. } => panic!("{failure:?}"),
            _ => {}
        }
    }
    let took = started.elapsed();
    let times: Vec<i64> = sim
        .requests()
        .iter()
        .map(|r| {
            chrono::DateTime::parse_from_rfc3339(&r.time)
                .unwrap()
                .timestamp_millis()
        })
        .collect();
    let max_in_window = (0..times.len())
        .map(|i| {
            times[i..]
                .iter()
                .take_while(|t| **t - times[i] < 1_000)
                .count()
        })
        .max()
        .unwrap();
    eprintln!(
        "{} requests for 20 calls in {took:?} ({} at most live at once); busiest second: {max_in_window}",
        times.len(),
        peak_live
    );
    assert!(peak_live >= 15, "the calls overlapped: {peak_live}");
    assert!(
        max_in_window <= 20,
        "{max_in_window} requests in one second"
    );
    assert!(max_in_window >= 18, "the budget was used: {max_in_window}");
    for id in &ids {
        let attempt = store.get(id).unwrap().unwrap();
        assert_eq!(attempt.status, AttemptStatus::Finished);
        let report = CallReport::from_events(&attempt, &store.events(id).unwrap());
        assert_eq!(report.word, Some(CallWord::Answered));
    }
}

/// A stand-in for an endpoint of an older API model whose records lag: the session is gone
/// from the live view, the record never comes, and the interaction records are not offered.
/// Session `broken` fails every poll.
async fn stub() -> (String, tokio::task::JoinHandle<()>) {
    use axum::http::HeaderMap;
    use serde_json::json;
    async fn answer(headers: HeaderMap, body: String) -> axum::response::Response {
        let action = headers
            .get("x-tc-action")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let broken = body.contains("\"broken\"");
        let error = |code: &str| json!({"Error": {"Code": code, "Message": "stub"}});
        let mut response = match action {
            "DescribeTelSession" if broken => error("InternalError"),
            "DescribeTelSession" => error("FailedOperation.SessionNotExists"),
            "DescribeTelCdr" => json!({"TotalCount": 0, "TelCdrList": []}),
            "DescribeAICallExtractResult" => json!({"ResultList": []}),
            "DescribeAILatency" => json!({"AILatencyDetail": [], "AILatencyStatistics": null}),
            _ => error("InvalidAction"),
        };
        response["RequestId"] = json!("stub-request");
        (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            json!({ "Response": response }).to_string(),
        )
            .into_response()
    }
    use axum::response::IntoResponse;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(answer);
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, task)
}

fn accepted(store: &Store, session_id: &str) -> AttemptId {
    use ccc_dial::history::EventUpdate;
    let id = AttemptId::new();
    store
        .record_queued(&request(CALLEE).new_attempt(
            id.clone(),
            ccc_dial::dialer::now_ms(),
            "stub",
            "{}".into(),
            None,
        ))
        .unwrap();
    store
        .record_event(
            &id,
            EventUpdate {
                status: Some(AttemptStatus::Accepted),
                session_id: Some(session_id.into()),
                ..EventUpdate::new(
                    ccc_dial::dialer::now_ms(),
                    ccc_dial::history::CallEvent::Accepted { tries: 1 },
                )
            },
        )
        .unwrap();
    id
}

#[tokio::test]
async fn a_missing_record_and_failing_polls_are_told_not_hidden() {
    let (url, server) = stub().await;
    let client = Client::new(ClientConfig::new(
        url,
        ccc_dial::credentials::Credential::new("AKIDstub".into(), "stub-key".into(), None).unwrap(),
    ))
    .unwrap();
    let store = Store::open_in_memory().unwrap();
    let (tx, mut events) = unbounded_channel();
    let dialer = Dialer::new(
        Arc::new(client),
        store.clone(),
        Arc::new(RateLimiter::new(500)),
        "stub",
        tx,
    )
    .with_watch(WatchConfig {
        record_tries: 3,
        max_errors: 3,
        ..fast_watch()
    });

    let gone = accepted(&store, "gone");
    assert_eq!(
        dialer.follow(&gone).await,
        WatchEnd::Reported { word: None }
    );
    let attempt = store.get(&gone).unwrap().unwrap();
    assert_eq!(attempt.status, AttemptStatus::Finished);
    let report = CallReport::from_events(&attempt, &store.events(&gone).unwrap());
    assert_eq!(report.word, None);
    let missing = report.record_error.as_deref().unwrap();
    assert!(
        missing.starts_with("no call record after 3 tries"),
        "{missing}"
    );
    assert_eq!(report.interactions, Interactions::NotOffered);
    assert!(report.tags.is_empty());

    let broken = accepted(&store, "broken");
    let end = dialer.follow(&broken).await;
    let WatchEnd::GaveUp(why) = &end else {
        panic!("{end:?}")
    };
    assert!(why.contains("after 3 failed polls"), "{why}");
    assert!(why.contains("InternalError"), "{why}");
    // Still live in history: the next start takes it up again.
    let ids: Vec<_> = store
        .live_attempts()
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, vec![broken.clone()]);
    let mut told = Vec::new();
    while let Ok(e) = events.try_recv() {
        if let DialerEvent::Watch(WatchEvent::WatchError { id, stopped, .. }) = e {
            told.push((id, stopped));
        }
    }
    assert_eq!(told, vec![(broken.clone(), false), (broken, true)]);
    server.abort();
}
