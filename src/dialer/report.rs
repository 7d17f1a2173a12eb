//! What a call came to, as plain data built from its recorded events: the operator word for
//! its end status, the live status with elapsed time, and the report once it finished. Pure:
//! the same events give the same report, before or after a restart.

use crate::ccc::actions::{
    AILatencyDetail, AILatencyStatistics, InteractionEvent, LatencyStatistic, TelCdrInfo,
};
use crate::history::event::{Fetched, InteractionRecords, SessionChange};
use crate::history::{Attempt, AttemptId, AttemptStatus, CallEvent, Event, PushKind};

pub use super::timeline::describe;
use super::word::{CallWord, elapsed, status_words};

/// A call while it is live: its status, since when, and the timeline so far.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveCall {
    pub id: AttemptId,
    pub status: AttemptStatus,
    /// When the current status began (ms since the epoch, this machine's clock).
    pub since_ms: i64,
}

impl LiveCall {
    pub fn from_events(attempt: &Attempt, events: &[Event]) -> LiveCall {
        let mut call = LiveCall {
            id: attempt.id.clone(),
            status: AttemptStatus::Queued,
            since_ms: attempt.created_at_ms,
        };
        for e in events {
            call.push(e);
        }
        if call.status != attempt.status {
            call.status = attempt.status;
            call.since_ms = attempt.updated_at_ms;
        }
        call
    }

    /// Adds a newly recorded event.
    pub fn push(&mut self, e: &Event) {
        if let Some(s) = e.status
            && s != self.status
        {
            self.status = s;
            self.since_ms = e.at_ms;
        }
    }

    /// `ringing 0:04`, `in progress 1:12`; a final status has no clock.
    pub fn label(&self, now_ms: i64) -> String {
        let words = status_words(self.status);
        if self.status.is_final() || self.status == AttemptStatus::Queued {
            words.to_string()
        } else {
            format!("{words} {}", elapsed(now_ms - self.since_ms))
        }
    }
}

/// One extracted tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub name: String,
    /// `Text`, `Selector`, `Boolean` or `Number`.
    pub kind: String,
    pub value: String,
}

/// Median and 90th percentile of one latency measure, in ms.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stat {
    pub median: Option<f64>,
    pub p90: Option<f64>,
    /// Taken from the service's statistics rather than computed from the rounds.
    pub from_service: bool,
}

impl Stat {
    /// The service's figures when it gave them (-1 means none), else computed from `values`,
    /// leaving out -1 (no data).
    pub fn new(service: Option<&LatencyStatistic>, values: &[Option<f64>]) -> Stat {
        let given = |v: Option<f64>| v.filter(|v| *v >= 0.0);
        if let Some(s) = service
            && let (Some(median), Some(p90)) = (given(s.middle_latency), given(s.p90_latency))
        {
            return Stat {
                median: Some(median),
                p90: Some(p90),
                from_service: true,
            };
        }
        let mut v: Vec<f64> = values.iter().filter_map(|v| given(*v)).collect();
        Stat {
            p90: nearest_rank(&mut v, 0.9),
            median: median(&mut v),
            from_service: false,
        }
    }
}

/// The `k`th smallest value (from 0), found without sorting them all: statistics over a
/// hundred thousand calls pick a few ranks. Leaves the larger values after it.
fn kth(v: &mut [f64], k: usize) -> f64 {
    *v.select_nth_unstable_by(k, f64::total_cmp).1
}

fn median(v: &mut [f64]) -> Option<f64> {
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(kth(v, n / 2)),
        _ => {
            let low = kth(v, n / 2 - 1);
            let high = v[n / 2..].iter().copied().min_by(f64::total_cmp)?;
            Some((low + high) / 2.0)
        }
    }
}

/// The nearest-rank percentile: the smallest value with at least `q` of the values at or below it.
fn nearest_rank(v: &mut [f64], q: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let rank = (q * v.len() as f64).ceil() as usize;
    Some(kth(v, rank.clamp(1, v.len()) - 1))
}

/// One conversational round's latencies (ms); `None` where the service had no data.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyRound {
    pub round_id: Option<String>,
    pub ete: Option<f64>,
    pub asr: Option<f64>,
    pub llm: Option<f64>,
    pub llm_first_token: Option<f64>,
    pub tts: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LatencyReport {
    pub rounds: Vec<LatencyRound>,
    /// End to end: from the callee's last word to the agent's first sound.
    pub ete: Stat,
    pub asr: Stat,
    /// The LLM's first token, which speech starts from: part of end to end.
    pub llm_first_token: Stat,
    /// The LLM's whole answer, spoken while it streams: it may exceed end to end.
    pub llm: Stat,
    pub tts: Stat,
}

impl LatencyReport {
    pub fn new(rounds: &[AILatencyDetail], stats: Option<&AILatencyStatistics>) -> LatencyReport {
        let given = |v: Option<f64>| v.filter(|v| *v >= 0.0);
        let rounds: Vec<LatencyRound> = rounds
            .iter()
            .map(|r| LatencyRound {
                round_id: r.round_id.clone(),
                ete: given(r.ete_latency),
                asr: given(r.asr_latency),
                llm: given(r.llm_latency),
                llm_first_token: given(r.llm_first_token_latency),
                tts: given(r.tts_latency),
            })
            .collect();
        let col = |f: fn(&LatencyRound) -> Option<f64>| rounds.iter().map(f).collect::<Vec<_>>();
        let s = |f: fn(&AILatencyStatistics) -> Option<&LatencyStatistic>| stats.and_then(f);
        LatencyReport {
            ete: Stat::new(s(|s| s.ete_latency.as_ref()), &col(|r| r.ete)),
            asr: Stat::new(s(|s| s.asr_latency.as_ref()), &col(|r| r.asr)),
            // The service gives no statistic for the first token: always from the rounds.
            llm_first_token: Stat::new(None, &col(|r| r.llm_first_token)),
            llm: Stat::new(s(|s| s.llm_latency.as_ref()), &col(|r| r.llm)),
            tts: Stat::new(s(|s| s.tts_latency.as_ref()), &col(|r| r.tts)),
            rounds,
        }
    }
}

/// The turn-by-turn records, where the service offers them.
#[derive(Debug, Clone, PartialEq)]
pub enum Interactions {
    NotFetched,
    /// The endpoint does not have DescribeAICallInteractionRecords (older API models).
    NotOffered,
    Failed(String),
    Records(Vec<InteractionEvent>),
}

/// Something sent into the call (pushed text or an LLM turn) and how it went.
#[derive(Debug, Clone, PartialEq)]
pub struct Steer {
    pub at_ms: i64,
    pub kind: PushKind,
    pub text: String,
    /// `None` when accepted; otherwise what the service or the app said.
    pub refused: Option<String>,
}

/// Who ended the call, from what happened: this app's own hang-up or last words first, then
/// the side the call record names.
#[derive(Debug, Clone, PartialEq)]
pub enum HungUp {
    /// The hang-up key of this app went through.
    FromThisApp,
    /// Last words were sent from this app; the agent ended the call after saying them.
    AfterLastWords,
    /// `user` in the record.
    Callee,
    /// `seat` in the record: the agent's side.
    Agent,
    /// `system` in the record, with its SysHangupReason in words when given.
    System(Option<String>),
    /// A side this version does not know, as the service wrote it.
    Other(String),
}

impl std::fmt::Display for HungUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HungUp::FromThisApp => f.write_str("hung up from this app"),
            HungUp::AfterLastWords => {
                f.write_str("ended by the agent after last words sent from this app")
            }
            HungUp::Callee => f.write_str("hung up by the callee"),
            HungUp::Agent => f.write_str("hung up by the agent"),
            HungUp::System(None) => f.write_str("ended by the system"),
            HungUp::System(Some(why)) => write!(f, "ended by the system: {why}"),
            HungUp::Other(side) => write!(f, "hung up by {side}"),
        }
    }
}

/// Everything known about a call once it finished, from its events alone.
#[derive(Debug, Clone, PartialEq)]
pub struct CallReport {
    pub id: AttemptId,
    pub callee: String,
    pub status: AttemptStatus,
    pub session_id: Option<String>,
    /// `None` until the call record is in.
    pub word: Option<CallWord>,
    pub end_status: Option<i64>,
    pub end_status_string: Option<String>,
    /// `seat`, `user` or `system`.
    pub hung_up_side: Option<String>,
    pub sys_hangup_reason: Option<i64>,
    pub sys_hangup_reason_string: Option<String>,
    /// Seconds from ringing to answer (or to the end, when unanswered).
    pub ring_secs: Option<i64>,
    /// Seconds talked.
    pub talk_secs: Option<i64>,
    pub record_url: Option<String>,
    pub asr_url: Option<String>,
    /// Why there is no call record, when the watch gave up looking.
    pub record_error: Option<String>,
    pub tags: Vec<Tag>,
    pub latency: Option<LatencyReport>,
    pub interactions: Interactions,
    pub steers: Vec<Steer>,
    /// Whether a hang-up from this app went through.
    pub hung_up_here: bool,
    /// The SessionId was found afterwards in the call records (the dial's answer was lost).
    pub reconciled: bool,
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

impl CallReport {
    pub fn from_events(attempt: &Attempt, events: &[Event]) -> CallReport {
        let mut r = CallReport {
            id: attempt.id.clone(),
            callee: attempt.callee.clone(),
            status: attempt.status,
            session_id: attempt.session_id.clone(),
            word: None,
            end_status: None,
            end_status_string: None,
            hung_up_side: None,
            sys_hangup_reason: None,
            sys_hangup_reason_string: None,
            ring_secs: None,
            talk_secs: None,
            record_url: None,
            asr_url: None,
            record_error: None,
            tags: Vec::new(),
            latency: None,
            interactions: Interactions::NotFetched,
            steers: Vec::new(),
            hung_up_here: false,
            reconciled: false,
        };
        for e in events {
            r.apply(e.at_ms, e.call_event());
        }
        r
    }

    /// Folds one event into the report.
    fn apply(&mut self, at_ms: i64, event: CallEvent) {
        match event {
            CallEvent::Cdr(Fetched::Got(c)) => self.take_record(*c.record),
            CallEvent::Status(SessionChange::Record { call_record }) => {
                self.take_record(*call_record)
            }
            CallEvent::Cdr(Fetched::Failed { error }) => self.record_error = Some(error),
            CallEvent::Extract(Fetched::Got(t)) => {
                self.tags = t
                    .results
                    .into_iter()
                    .map(|t| Tag {
                        value: t.value(),
                        name: t.info_name.unwrap_or_default(),
                        kind: t.info_type.unwrap_or_default(),
                    })
                    .collect();
            }
            CallEvent::Latency(Fetched::Got(l)) => {
                self.latency = Some(LatencyReport::new(&l.rounds, l.statistics.as_ref()));
            }
            CallEvent::Interaction(i) => {
                self.interactions = match i {
                    Fetched::Got(InteractionRecords::Offered { events, .. }) => {
                        Interactions::Records(events)
                    }
                    Fetched::Got(InteractionRecords::NotOffered { .. }) => Interactions::NotOffered,
                    Fetched::Failed { error } => Interactions::Failed(error),
                }
            }
            CallEvent::Push {
                kind, text, result, ..
            } => self.steers.push(Steer {
                at_ms,
                kind,
                text,
                refused: result.refusal(),
            }),
            CallEvent::Hangup(r) if r.ok => self.hung_up_here = true,
            CallEvent::Reconciled { matched: true, .. } => self.reconciled = true,
            _ => {}
        }
    }

    /// Who ended the call; `None` while nothing says so.
    pub fn hung_up(&self) -> Option<HungUp> {
        if self.hung_up_here {
            return Some(HungUp::FromThisApp);
        }
        let side = self.hung_up_side.as_deref();
        let last_words = self
            .steers
            .iter()
            .any(|s| s.kind == PushKind::LastWords && s.refused.is_none());
        if last_words && side != Some("user") {
            return Some(HungUp::AfterLastWords);
        }
        Some(match side? {
            "user" => HungUp::Callee,
            "seat" => HungUp::Agent,
            "system" => HungUp::System(self.sys_hangup_words()),
            other => HungUp::Other(other.to_string()),
        })
    }

    /// The reason's words with its code, the code alone, or nothing for 0.
    fn sys_hangup_words(&self) -> Option<String> {
        match (self.sys_hangup_reason, &self.sys_hangup_reason_string) {
            (Some(c), Some(s)) => Some(format!("{s} ({c})")),
            (Some(0) | None, None) => None,
            (Some(c), None) => Some(format!("reason {c}")),
            (None, Some(s)) => Some(s.clone()),
        }
    }

    fn take_record(&mut self, c: TelCdrInfo) {
        let ts = |t: Option<i64>| t.filter(|t| *t > 0);
        let (ring, accept, ended) = (
            ts(c.ring_timestamp),
            ts(c.accept_timestamp),
            ts(c.ended_timestamp),
        );
        self.ring_secs = ring.and_then(|r| accept.or(ended).map(|to| (to - r).max(0)));
        self.talk_secs = match accept {
            Some(a) => c.duration.or(ended.map(|e| e - a)).map(|d| d.max(0)),
            None => Some(0),
        };
        self.word = Some(
            c.end_status
                .map_or(CallWord::Failed, CallWord::from_end_status),
        );
        self.end_status = c.end_status;
        self.end_status_string = non_empty(c.end_status_string);
        self.hung_up_side = non_empty(c.hung_up_side);
        self.sys_hangup_reason = c.sys_hangup_reason;
        self.sys_hangup_reason_string = non_empty(c.sys_hangup_reason_string);
        self.record_url = non_empty(c.record_url);
        self.asr_url = non_empty(c.asr_url);
        self.record_error = None;
        if self.session_id.is_none() {
            self.session_id = non_empty(c.session_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialer::word::CallWord::*;
    use serde_json::{Value, json};

    #[test]
    fn stats_prefer_the_service_and_ignore_missing_values() {
        let service = LatencyStatistic {
            min_latency: Some(100.0),
            middle_latency: Some(300.0),
            p90_latency: Some(900.0),
        };
        let values = [Some(1.0), Some(-1.0), None, Some(3.0), Some(2.0), Some(4.0)];
        let s = Stat::new(Some(&service), &values);
        assert_eq!(
            (s.median, s.p90, s.from_service),
            (Some(300.0), Some(900.0), true)
        );
        let missing = LatencyStatistic {
            middle_latency: Some(-1.0),
            p90_latency: Some(-1.0),
            ..Default::default()
        };
        let s = Stat::new(Some(&missing), &values);
        // 1, 2, 3, 4: median 2.5; P90 by nearest rank is the 4th value.
        assert_eq!(
            (s.median, s.p90, s.from_service),
            (Some(2.5), Some(4.0), false)
        );
        let s = Stat::new(None, &[Some(-1.0)]);
        assert_eq!((s.median, s.p90), (None, None));
        let ten: Vec<_> = (1..=10).map(|v| Some(f64::from(v) * 10.0)).collect();
        let s = Stat::new(None, &ten);
        assert_eq!((s.median, s.p90), (Some(55.0), Some(90.0)));
    }

    fn attempt(status: AttemptStatus) -> Attempt {
        Attempt {
            id: AttemptId::from("6bb56a09-0000-4000-8000-000000000000"),
            created_at_ms: 1_000,
            updated_at_ms: 9_000,
            endpoint: "simulator".into(),
            sdk_app_id: 1_400_000_000,
            agent_id: 15,
            agent_name: None,
            callee: "008613012345678".into(),
            callers: vec![],
            variables: vec![],
            max_ring_timeout: None,
            acquire_timeout: None,
            request_json: "{}".into(),
            batch: None,
            status,
            session_id: Some("s-1".into()),
            request_id: None,
            response_json: None,
            error_code: None,
            error_message: None,
            claim_override: None,
        }
    }

    fn event(seq: i64, at_ms: i64, kind: &str, status: Option<AttemptStatus>, d: Value) -> Event {
        Event {
            attempt_id: AttemptId::from("6bb56a09-0000-4000-8000-000000000000"),
            seq,
            at_ms,
            kind: kind.into(),
            status,
            detail: d,
        }
    }

    /// A whole call: ringing, a refused push, talk, an LLM turn, a hang-up, the record and
    /// the AI details.
    fn whole_call() -> Vec<Event> {
        use AttemptStatus::*;
        vec![
            event(1, 1_000, "queued", Some(Queued), json!({})),
            event(2, 1_100, "accepted", Some(Accepted), json!({})),
            event(
                3,
                1_500,
                "status",
                Some(Ringing),
                json!({"status": "ringing"}),
            ),
            event(
                4,
                2_000,
                "push",
                None,
                json!({"kind": "push_text", "text": "hi",
                "interrupt": false, "ok": false, "code": "FailedOperation.SessionNotInControlState",
                "message": "not in control", "hint": "the call is not in progress"}),
            ),
            event(
                5,
                4_000,
                "status",
                Some(InProgress),
                json!({"status": "inProgress"}),
            ),
            event(
                6,
                5_000,
                "push",
                None,
                json!({"kind": "invoke_llm", "text": "offer", "ok": true}),
            ),
            event(7, 6_000, "hangup", None, json!({"ok": true})),
            event(8, 6_500, "status", None, json!({"status": "finished"})),
            event(
                9,
                7_000,
                "cdr",
                Some(Finished),
                json!({"record": {
                "SessionId": "s-1", "EndStatus": 1, "EndStatusString": "ok", "HungUpSide": "system",
                "RingTimestamp": 100, "AcceptTimestamp": 103, "EndedTimestamp": 110, "Duration": 7,
                "RecordURL": "https://r/x.mp3", "AsrUrl": "", "SysHangupReason": 0}}),
            ),
            event(
                10,
                7_100,
                "extract",
                None,
                json!({"results": [
                {"InfoType": "Text", "InfoName": "name", "Result": {"Text": "Alice"}},
                {"InfoType": "Boolean", "InfoName": "interested", "Result": {"Boolean": true}}]}),
            ),
            event(
                11,
                7_200,
                "latency",
                None,
                json!({"rounds": [
                {"RoundId": "a", "ETELatency": 800.0, "ASRLatency": 200.0, "LLMLatency": -1.0, "TTSLatency": 100.0},
                {"RoundId": "b", "ETELatency": 1000.0, "ASRLatency": 300.0, "LLMLatency": 500.0,
                 "LLMFirstTokenLatency": 150.0, "TTSLatency": 120.0}],
                "statistics": null}),
            ),
            event(12, 7_300, "interaction", None, json!({"offered": false})),
        ]
    }

    #[test]
    fn the_report_rebuilds_from_events_alone() {
        use AttemptStatus::*;
        let events = whole_call();
        let r = CallReport::from_events(&attempt(Finished), &events);
        assert_eq!(r.word, Some(Answered));
        assert_eq!(r.hung_up_side.as_deref(), Some("system"));
        assert_eq!((r.ring_secs, r.talk_secs), (Some(3), Some(7)));
        assert_eq!(r.record_url.as_deref(), Some("https://r/x.mp3"));
        assert_eq!(r.asr_url, None);
        assert_eq!(
            r.tags,
            vec![
                Tag {
                    name: "name".into(),
                    kind: "Text".into(),
                    value: "Alice".into()
                },
                Tag {
                    name: "interested".into(),
                    kind: "Boolean".into(),
                    value: "true".into()
                },
            ]
        );
        let lat = r.latency.as_ref().unwrap();
        assert_eq!(lat.ete.median, Some(900.0));
        assert_eq!(lat.llm.median, Some(500.0));
        assert_eq!(lat.llm_first_token.median, Some(150.0));
        assert_eq!(lat.rounds[1].llm_first_token, Some(150.0));
        assert_eq!(lat.rounds[0].llm, None);
        assert_eq!(r.interactions, Interactions::NotOffered);
        assert_eq!(r.steers.len(), 2);
        assert!(
            r.steers[0]
                .refused
                .as_deref()
                .unwrap()
                .contains("not in progress")
        );
        assert_eq!(r.steers[1].refused, None);
        assert!(r.hung_up_here && !r.reconciled);
        // The record says "system", but the hang-up from this app is what happened.
        assert_eq!(r.hung_up(), Some(HungUp::FromThisApp));
        assert_eq!(r.hung_up().unwrap().to_string(), "hung up from this app");
        assert_eq!(describe(&events[2]), "status → ringing");
        assert_eq!(describe(&events[8]), "call record: answered (ok)");
        assert_eq!(
            describe(&events[1]),
            "accepted: the service placed the call"
        );

        let live = LiveCall::from_events(&attempt(InProgress), &events[..5]);
        assert_eq!(live.status, InProgress);
        assert_eq!(live.since_ms, 4_000);
        assert_eq!(live.label(76_000), "in progress 1:12");
    }

    #[test]
    fn the_hung_up_side_follows_what_happened() {
        let record = |side: &str, reason: i64| {
            event(
                9,
                7_000,
                "cdr",
                Some(AttemptStatus::Finished),
                json!({"record": {"EndStatus": 1, "HungUpSide": side, "SysHangupReason": reason}}),
            )
        };
        let side = |events: &[Event]| {
            CallReport::from_events(&attempt(AttemptStatus::Finished), events).hung_up()
        };
        assert_eq!(side(&[record("user", 0)]), Some(HungUp::Callee));
        assert_eq!(side(&[record("seat", 0)]), Some(HungUp::Agent));
        assert_eq!(side(&[record("system", 0)]), Some(HungUp::System(None)));
        assert_eq!(
            side(&[record("system", 3)]).unwrap().to_string(),
            "ended by the system: reason 3"
        );
        let last_words = event(
            6,
            5_000,
            "push",
            None,
            json!({"kind": "push_text_then_end", "text": "bye", "ok": true}),
        );
        assert_eq!(
            side(&[last_words.clone(), record("system", 0)]),
            Some(HungUp::AfterLastWords)
        );
        // The callee hanging up during the last words is the callee's.
        assert_eq!(side(&[last_words, record("user", 0)]), Some(HungUp::Callee));
        let refused_hangup = event(7, 6_000, "hangup", None, json!({"ok": false}));
        assert_eq!(
            side(&[refused_hangup, record("user", 0)]),
            Some(HungUp::Callee)
        );
        assert_eq!(side(&[]), None);
    }

    #[test]
    fn a_missing_record_is_said_so() {
        let events = vec![event(
            1,
            1,
            "cdr",
            Some(AttemptStatus::Finished),
            json!({"error": "no call record after 10 tries", "tries": 10}),
        )];
        let r = CallReport::from_events(&attempt(AttemptStatus::Finished), &events);
        assert_eq!(r.word, None);
        assert_eq!(
            r.record_error.as_deref(),
            Some("no call record after 10 tries")
        );
    }
}
