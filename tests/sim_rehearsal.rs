//! The service's rough edges, rehearsed by the simulator and met by the client: tags answered
//! with all four keys, time windows, records that lag the end of a call, StopAfterPlay, the
//! 20/s limit of every action, and the international model's missing action.

use std::sync::Arc;
use std::time::Duration;

use ccc_dial::ccc::actions::{
    ControlAIConversation, DescribeAICallExtractResult, DescribeAICallInteractionRecords,
    DescribeAILatency, DescribeTelCdr, DescribeTelSession, ServerPushText,
};
use ccc_dial::ccc::{Client, ClientConfig};
use ccc_dial::dialer::{
    CallReport, CallWord, DialRequest, Dialer, DialerEvent, Interactions, PushKind, RateLimiter,
    WatchConfig, WatchEvent,
};
use ccc_dial::history::{AttemptId, AttemptStatus, Store};
use ccc_dial::sim::{self, Flavour, ManualClock, SimConfig, SimHandle, SystemClock};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

const APP: i64 = 1_400_000_000;

async fn on_manual_clock(config: SimConfig) -> (SimHandle, Arc<ManualClock>, Client) {
    let clock = Arc::new(ManualClock::starting_now());
    let sim = sim::start(SimConfig {
        clock: clock.clone(),
        ..config
    })
    .await
    .unwrap();
    let client = Client::new(ClientConfig::new(sim.url(), sim.credential())).unwrap();
    (sim, clock, client)
}

fn mainland(record_lag: Duration) -> SimConfig {
    SimConfig {
        flavour: Flavour::Mainland,
        record_lag,
        ..SimConfig::default()
    }
}

fn request(agent_id: u64, callee: &str) -> DialRequest {
    DialRequest {
        sdk_app_id: APP,
        agent_id,
        agent_name: None,
        callee: callee.into(),
        callers: vec![],
        variables: vec![],
        max_ring_timeout: None,
        acquire_timeout: None,
    }
}

async fn dial(client: &Client, agent_id: u64, callee: &str) -> String {
    client
        .send(&request(agent_id, callee).to_action())
        .await
        .unwrap()
        .data
        .session_id
        .unwrap()
}

fn now_s(clock: &ManualClock) -> i64 {
    use ccc_dial::sim::Clock;
    clock.now_ms() / 1_000
}

fn extract(id: &str, start_time: i64, end_time: i64) -> DescribeAICallExtractResult {
    DescribeAICallExtractResult {
        sdk_app_id: APP,
        session_id: id.into(),
        start_time,
        end_time,
    }
}

fn latency(id: &str, start_time: i64, end_time: i64) -> DescribeAILatency {
    DescribeAILatency {
        sdk_app_id: APP,
        session_id: id.into(),
        start_time,
        end_time,
    }
}

fn cdr(id: &str, now_s: i64) -> DescribeTelCdr {
    DescribeTelCdr {
        start_time_stamp: now_s - 3_600,
        end_time_stamp: now_s + 3_600,
        sdk_app_id: APP,
        page_size: 10,
        page_number: 0,
        session_ids: Some(vec![id.into()]),
        ..Default::default()
    }
}

#[tokio::test]
async fn tags_answer_all_four_keys_and_each_shows_the_value_of_its_type() {
    let (_sim, clock, client) = on_manual_clock(mainland(Duration::ZERO)).await;
    let sales = dial(&client, 15, "008613012345678").await;
    let survey = dial(&client, 18, "008613012345679").await;
    clock.advance(Duration::from_secs(11));
    let t = now_s(&clock);
    let mut shown = Vec::new();
    for id in [&sales, &survey] {
        let tags = client.send(&extract(id, t - 60, t)).await.unwrap().data;
        for tag in tags.result_list {
            let r = tag.result.clone().unwrap();
            assert!(
                r.text.is_some() && r.chosen.is_some() && r.boolean.is_some() && r.number.is_some(),
                "{tag:?}"
            );
            shown.push((tag.info_name.clone().unwrap(), tag.value()));
        }
    }
    let shown: Vec<(&str, &str)> = shown
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("Interested", "true"),
            ("Concerns", "price, delivery"),
            ("Callback time", "Tomorrow after 3 pm"),
            ("Score", "9"),
        ]
    );
}

#[tokio::test]
async fn a_window_in_the_wrong_place_or_unit_finds_nothing() {
    let (_sim, clock, client) = on_manual_clock(mainland(Duration::ZERO)).await;
    let id = dial(&client, 15, "008613012345678").await;
    clock.advance(Duration::from_secs(11));
    let t = now_s(&clock);
    let ten_days = 10 * 86_400;
    for (start, end, found) in [
        (t - ten_days - 60, t - ten_days, false),
        ((t - 60) * 1_000, t * 1_000, false),
        (t - 60, t, true),
    ] {
        let tags = client.send(&extract(&id, start, end)).await.unwrap().data;
        let lat = client.send(&latency(&id, start, end)).await.unwrap().data;
        assert_eq!(!tags.result_list.is_empty(), found, "{start}..{end}");
        assert_eq!(!lat.ai_latency_detail.is_empty(), found, "{start}..{end}");
    }
}

/// SessionNotExists only where an action documents it; the report actions find nothing.
#[tokio::test]
async fn an_unknown_session_is_answered_as_each_action_documents() {
    let (_sim, clock, client) = on_manual_clock(mainland(Duration::ZERO)).await;
    let t = now_s(&clock);
    let code =
        |r: Result<(), ccc_dial::ccc::ApiError>| r.err().and_then(|e| e.code().map(String::from));
    let session = DescribeTelSession {
        sdk_app_id: APP,
        session_id: "nope".into(),
    };
    let records = DescribeAICallInteractionRecords {
        sdk_app_id: APP,
        session_id: "nope".into(),
    };
    let push = ControlAIConversation::push_text(APP, "nope", "hi", false);
    assert_eq!(
        code(client.send(&session).await.map(|_| ())).as_deref(),
        Some("InvalidParameterValue")
    );
    for r in [
        client.send(&records).await.map(|_| ()),
        client.send(&push).await.map(|_| ()),
    ] {
        assert_eq!(code(r).as_deref(), Some("FailedOperation.SessionNotExists"));
    }
    let tags = client.send(&extract("nope", t - 60, t)).await.unwrap().data;
    let lat = client.send(&latency("nope", t - 60, t)).await.unwrap().data;
    assert!(tags.result_list.is_empty() && lat.ai_latency_detail.is_empty());
}

#[tokio::test]
async fn records_appear_only_after_the_lag() {
    let (_sim, clock, client) = on_manual_clock(mainland(Duration::from_secs(5))).await;
    let id = dial(&client, 15, "008613012345678").await;
    clock.advance(Duration::from_secs(10));
    let session = DescribeTelSession {
        sdk_app_id: APP,
        session_id: id.clone(),
    };
    let status = client.send(&session).await.unwrap().data.session.unwrap();
    assert_eq!(status.session_status.as_deref(), Some("finished"));
    for (advance_ms, visible) in [(0, false), (4_999, false), (1, true)] {
        clock.advance(Duration::from_millis(advance_ms));
        let t = now_s(&clock);
        let records = client.send(&cdr(&id, t)).await.unwrap().data;
        let tags = client.send(&extract(&id, t - 60, t)).await.unwrap().data;
        let lat = client.send(&latency(&id, t - 60, t)).await.unwrap().data;
        let rounds = client
            .send(&DescribeAICallInteractionRecords {
                sdk_app_id: APP,
                session_id: id.clone(),
            })
            .await
            .unwrap()
            .data;
        let seen = [
            !records.tel_cdr_list.is_empty(),
            !tags.result_list.is_empty(),
            !lat.ai_latency_detail.is_empty(),
        ];
        assert_eq!(seen, [visible; 3], "{advance_ms} ms more");
        // The conversation was there during the call already, and stays.
        assert!(!rounds.interaction_event_list.is_empty());
    }
}

#[tokio::test]
async fn stop_after_play_ends_the_call_once_the_line_is_said() {
    let (_sim, clock, client) = on_manual_clock(mainland(Duration::ZERO)).await;
    let id = dial(&client, 15, "008613012345678").await;
    clock.advance(Duration::from_secs(3));
    let line = "Thanks, goodbye.";
    let push = ControlAIConversation {
        server_push_text: Some(ServerPushText {
            text: Some(line.into()),
            stop_after_play: Some(true),
            ..Default::default()
        }),
        ..ControlAIConversation::push_text(APP, &id, line, false)
    };
    client.send(&push).await.unwrap();
    let status = |client: &Client| {
        let session = DescribeTelSession {
            sdk_app_id: APP,
            session_id: id.clone(),
        };
        let client = client.clone();
        async move {
            let s = client.send(&session).await.unwrap().data.session.unwrap();
            s.session_status.unwrap()
        }
    };
    assert_eq!(
        status(&client).await,
        "inProgress",
        "the line is said first"
    );
    clock.advance(Duration::from_secs(2));
    assert_eq!(status(&client).await, "finished");
    let records = client.send(&cdr(&id, now_s(&clock))).await.unwrap().data;
    let r = &records.tel_cdr_list[0];
    assert_eq!(r.end_status, Some(1));
    assert_eq!(r.hung_up_side.as_deref(), Some("system"));
    assert!(
        r.duration.unwrap() < 8,
        "ended before the callee would: {r:?}"
    );
}

#[tokio::test]
async fn every_action_is_limited_to_twenty_a_second_on_its_own() {
    let (_sim, _clock, client) = on_manual_clock(mainland(Duration::ZERO)).await;
    let id = dial(&client, 15, "008613012345678").await;
    let session = DescribeTelSession {
        sdk_app_id: APP,
        session_id: id.clone(),
    };
    let mut codes = Vec::new();
    for _ in 0..21 {
        let r = client.send(&session).await;
        codes.push(r.err().and_then(|e| e.code().map(String::from)));
    }
    assert!(codes[..20].iter().all(Option::is_none), "{codes:?}");
    assert_eq!(codes[20].as_deref(), Some("RequestLimitExceeded"));
    let other = client
        .send(&cdr(&id, chrono_now_s()))
        .await
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(other, Ok(()), "another action has its own 20");
}

fn chrono_now_s() -> i64 {
    ccc_dial::sim::clock::wall_ms() / 1_000
}

struct Rig {
    sim: SimHandle,
    store: Store,
    dialer: Dialer,
    events: UnboundedReceiver<DialerEvent>,
}

/// Polls every `first_ms` at first, at most `max_ms` apart, and asks for a missing record
/// again after `retry_ms`.
fn polling(first_ms: u64, max_ms: u64, retry_ms: u64) -> WatchConfig {
    WatchConfig {
        interval: Duration::from_millis(first_ms),
        max_interval: Duration::from_millis(max_ms),
        record_retry: Duration::from_millis(retry_ms),
        ..WatchConfig::default()
    }
}

/// Calls that ring and talk briefly, on the wall clock.
fn quick() -> SimConfig {
    SimConfig {
        ring: Duration::from_millis(300),
        talk: Duration::from_millis(900),
        ..SimConfig::default()
    }
}

/// A dialer following calls on the wall clock, polling fast, with a generous client budget.
async fn rig(config: SimConfig, watch: WatchConfig) -> Rig {
    let sim = sim::start(SimConfig {
        clock: Arc::new(SystemClock),
        ..config
    })
    .await
    .unwrap();
    let client = Client::new(ClientConfig::new(sim.url(), sim.credential())).unwrap();
    let store = Store::open_in_memory().unwrap();
    let (tx, events) = unbounded_channel();
    let limiter = Arc::new(RateLimiter::new(200));
    let dialer = Dialer::new(Arc::new(client), store.clone(), limiter, "simulator", tx)
        .with_backoff(Duration::from_millis(10))
        .with_watch(watch);
    Rig {
        sim,
        store,
        dialer,
        events,
    }
}

impl Rig {
    async fn until(&mut self, what: &str, pick: impl Fn(&WatchEvent) -> bool) {
        let wait = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(e) = self.events.recv().await {
                if matches!(&e, DialerEvent::Watch(w) if pick(w)) {
                    return;
                }
            }
        });
        wait.await.unwrap_or_else(|_| panic!("no {what}"));
    }

    async fn reported(&mut self, id: &AttemptId) -> CallReport {
        self.until(
            "report",
            |e| matches!(e, WatchEvent::Report { id: i } if i == id),
        )
        .await;
        let attempt = self.store.get(id).unwrap().unwrap();
        CallReport::from_events(&attempt, &self.store.events(id).unwrap())
    }
}

/// On the default, international flavour with a lagging record: the client asks again until
/// the record is in, and the report says interaction records are not offered there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_waits_for_a_lagging_record_and_reads_not_offered_abroad() {
    let watch = polling(50, 200, 200);
    let config = SimConfig {
        record_lag: Duration::from_millis(1_500),
        ..quick()
    };
    let mut r = rig(config, watch).await;
    let id = r.dialer.dial(request(15, "008613012345678"), None);
    let report = r.reported(&id).await;
    assert_eq!(report.word, Some(CallWord::Answered), "{report:?}");
    assert!(
        r.sim.count("DescribeTelCdr") >= 2,
        "the first ask came before the record"
    );
    let tags: Vec<(&str, &str)> = report
        .tags
        .iter()
        .map(|t| (t.name.as_str(), t.value.as_str()))
        .collect();
    assert_eq!(tags[0], ("Interested", "true"), "{tags:?}");
    assert_eq!(report.interactions, Interactions::NotOffered);
}

/// Polling faster than the service allows meets RequestLimitExceeded; the watch backs off and
/// still brings the call to its report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_backs_off_from_the_rate_limit_without_losing_the_call() {
    let watch = polling(5, 300, 100);
    let config = SimConfig {
        rate_limit_per_sec: 3,
        record_lag: Duration::ZERO,
        ..quick()
    };
    let mut r = rig(config, watch).await;
    let id = r.dialer.dial(request(15, "008613012345678"), None);
    let report = r.reported(&id).await;
    assert_eq!(report.word, Some(CallWord::Answered), "{report:?}");
    let limited = r
        .sim
        .requests()
        .iter()
        .filter(|e| e.verdict == "RequestLimitExceeded")
        .count();
    assert!(limited > 0, "the watch polled faster than 3/s at first");
}

/// "Say, then hang up" from the dialer: ServerPushText with StopAfterPlay ends the call after
/// the line, long before the callee would have.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_words_end_the_call_after_the_line() {
    let watch = polling(50, 200, 100);
    let config = SimConfig {
        talk: Duration::from_secs(60),
        record_lag: Duration::ZERO,
        ..quick()
    };
    let mut r = rig(config, watch).await;
    let id = r.dialer.dial(request(15, "008613012345678"), None);
    r.until(
        "in progress",
        |e| matches!(e, WatchEvent::Status { status, .. } if *status == AttemptStatus::InProgress),
    )
    .await;
    r.dialer
        .steer(&id, PushKind::LastWords, "Thank you, goodbye.", false)
        .await
        .unwrap();
    let report = r.reported(&id).await;
    assert_eq!(report.word, Some(CallWord::Answered), "{report:?}");
    assert_eq!(report.hung_up_side.as_deref(), Some("system"));
    assert!(report.talk_secs.unwrap() < 10, "{report:?}");
    assert_eq!(report.steers[0].kind, PushKind::LastWords);
    let sent = r
        .sim
        .requests()
        .into_iter()
        .find(|e| e.action == "ControlAIConversation")
        .unwrap();
    assert_eq!(sent.body["ServerPushText"]["StopAfterPlay"], true);
}
