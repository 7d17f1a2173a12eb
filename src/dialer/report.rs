//! What a call came to, as plain data built from its recorded events: the operator word for
//! its end status, the live status with elapsed time, and the report once it finished. Pure:
//! the same events give the same report, before or after a restart.

use serde_json::Value;

use crate::ccc::actions::{
    AICallExtractResultElement, AILatencyDetail, AILatencyStatistics, InteractionEvent,
    LatencyStatistic, TelCdrInfo,
};
use crate::history::{Attempt, AttemptId, AttemptStatus, Event};

/// The short word an operator reads for how a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallWord {
    Answered,
    NoAnswer,
    Busy,
    Rejected,
    Voicemail,
    InvalidNumber,
    Blocked,
    Failed,
}

/// How good an outcome is, for colours; the view picks the colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    Good,
    Warn,
    Bad,
}

impl CallWord {
    pub const ALL: [CallWord; 8] = [
        CallWord::Answered,
        CallWord::NoAnswer,
        CallWord::Busy,
        CallWord::Rejected,
        CallWord::Voicemail,
        CallWord::InvalidNumber,
        CallWord::Blocked,
        CallWord::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallWord::Answered => "answered",
            CallWord::NoAnswer => "no answer",
            CallWord::Busy => "busy",
            CallWord::Rejected => "rejected",
            CallWord::Voicemail => "voicemail",
            CallWord::InvalidNumber => "invalid number",
            CallWord::Blocked => "blocked",
            CallWord::Failed => "failed",
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            CallWord::Answered => Tone::Good,
            CallWord::NoAnswer | CallWord::Busy | CallWord::Rejected | CallWord::Voicemail => {
                Tone::Warn
            }
            CallWord::InvalidNumber | CallWord::Blocked | CallWord::Failed => Tone::Bad,
        }
    }

    /// The word for a CDR EndStatus; codes outside the documented table are `Failed`.
    pub fn from_end_status(code: i64) -> CallWord {
        end_status(code).map_or(CallWord::Failed, |e| e.word)
    }
}

impl std::fmt::Display for CallWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the service's EndStatus table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndStatus {
    pub code: i64,
    pub name: &'static str,
    pub meaning: &'static str,
    pub word: CallWord,
}

const fn row(code: i64, name: &'static str, meaning: &'static str, word: CallWord) -> EndStatus {
    EndStatus {
        code,
        name,
        meaning,
        word,
    }
}

use CallWord::*;

/// The documented EndStatus codes (ref: TelCdrInfo.EndStatus) and the word each maps to.
/// Inbound-only codes are kept so that any record reads sensibly.
pub const END_STATUS: &[EndStatus] = &[
    row(1, "ok", "normal call", Answered),
    row(100, "blackList", "blocklisted by the system", Blocked),
    row(102, "ivrGiveUp", "user gave up during IVR", Failed),
    row(103, "waitingGiveUp", "user gave up while queued", Failed),
    row(104, "ringingGiveUp", "user gave up while ringing", NoAnswer),
    row(105, "noSeatOnline", "no agent online", Failed),
    row(106, "notWorkTime", "outside working hours", Failed),
    row(107, "ivrEnd", "IVR ended with no one served", Failed),
    row(108, "restrictedCallee", "risky number intercepted", Blocked),
    row(109, "tooManyRequest", "outbound frequency control", Blocked),
    row(
        110,
        "restrictedArea",
        "outbound region intercepted",
        Blocked,
    ),
    row(
        111,
        "restrictedTime",
        "outside the allowed calling hours",
        Blocked,
    ),
    row(202, "notAnswer", "callee did not answer", NoAnswer),
    row(203, "userReject", "callee rejected the call", Rejected),
    row(204, "powerOff", "callee's phone is off", NoAnswer),
    row(
        205,
        "numberNotExist",
        "number does not exist",
        InvalidNumber,
    ),
    row(206, "busy", "callee busy", Busy),
    row(
        207,
        "outOfCredit",
        "callee's line is suspended for arrears",
        Failed,
    ),
    row(208, "operatorError", "carrier line error", Failed),
    row(209, "callerCancel", "caller cancelled", NoAnswer),
    row(
        210,
        "notInService",
        "callee out of the service area",
        NoAnswer,
    ),
    row(211, "clientError", "agent client error", Failed),
    row(212, "carrierBlocked", "blocked by the carrier", Blocked),
    row(
        213,
        "callReminder",
        "carrier's call-reminder prompt",
        NoAnswer,
    ),
    row(215, "numberInvalid", "callee number invalid", InvalidNumber),
    row(
        216,
        "callRestricted",
        "carrier's call-restricted prompt",
        Blocked,
    ),
    row(
        217,
        "calleeRestricted",
        "callee restricted by a blocklist",
        Blocked,
    ),
    row(218, "areaRestricted", "callee area restricted", Blocked),
    row(
        219,
        "promptCallForwarding",
        "carrier's call-forwarding prompt",
        NoAnswer,
    ),
    row(
        220,
        "callerCancelWhileRing",
        "cancelled while ringing",
        NoAnswer,
    ),
    row(
        221,
        "callerCancelWithoutRing",
        "callee number abnormal, never rang",
        InvalidNumber,
    ),
    row(222, "voiceMailReached", "reached voicemail", Voicemail),
    row(501, "callConflict", "VoIP user already in a call", Busy),
    row(502, "clientTimeout", "VoIP client timed out", NoAnswer),
    row(503, "voipClientError", "VoIP client error", Failed),
];

/// The table row of a code, if documented.
pub fn end_status(code: i64) -> Option<&'static EndStatus> {
    END_STATUS.iter().find(|e| e.code == code)
}

/// `m:ss`, or `h:mm:ss` from an hour; negative spans read `0:00`.
pub fn elapsed(ms: i64) -> String {
    let s = ms.max(0) / 1_000;
    let (h, m, s) = (s / 3_600, s / 60 % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// The status as an operator reads it.
pub fn status_words(status: AttemptStatus) -> &'static str {
    match status {
        AttemptStatus::Queued => "queued",
        AttemptStatus::Accepted => "accepted",
        AttemptStatus::Rejected => "rejected",
        AttemptStatus::NotSent => "not sent",
        AttemptStatus::Unknown => "outcome unknown",
        AttemptStatus::Ringing => "ringing",
        AttemptStatus::SeatJoining => "seat joining",
        AttemptStatus::InProgress => "in progress",
        AttemptStatus::Finished => "finished",
    }
}

/// One line of a call's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub at_ms: i64,
    pub kind: String,
    pub text: String,
}

impl TimelineEntry {
    pub fn from_event(e: &Event) -> TimelineEntry {
        TimelineEntry {
            at_ms: e.at_ms,
            kind: e.kind.clone(),
            text: describe(e),
        }
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn failure_text(d: &Value) -> String {
    let message = str_of(d, "message").unwrap_or("failed");
    match str_of(d, "hint").filter(|h| !h.is_empty()) {
        Some(hint) => format!("{message} ({hint})"),
        None => message.to_string(),
    }
}

/// One event in words, for the timeline.
pub fn describe(e: &Event) -> String {
    let d = &e.detail;
    let ok = d.get("ok").and_then(Value::as_bool).unwrap_or(false);
    match e.kind.as_str() {
        "status" => match str_of(d, "status").and_then(|s| s.parse().ok()) {
            Some(s) => status_words(s).to_string(),
            None => str_of(d, "status").unwrap_or("status").to_string(),
        },
        "hangup" if ok => "hung up".into(),
        "hangup" => format!("hang-up failed: {}", failure_text(d)),
        "push" => {
            let what = match str_of(d, "kind") {
                Some("invoke_llm") => "asked the LLM",
                _ => "pushed text",
            };
            let text = str_of(d, "text").unwrap_or("");
            if ok {
                format!("{what} \u{201c}{text}\u{201d}")
            } else {
                format!(
                    "{what} \u{201c}{text}\u{201d}: refused, {}",
                    failure_text(d)
                )
            }
        }
        "cdr" => match record_of(d) {
            Some(r) => {
                let word = r.end_status.map_or(Failed, CallWord::from_end_status);
                format!(
                    "call record: {word} ({})",
                    r.end_status_string.as_deref().unwrap_or("no end status")
                )
            }
            None => format!(
                "no call record: {}",
                str_of(d, "error").unwrap_or("not found")
            ),
        },
        "extract" => match d.get("results").and_then(Value::as_array) {
            Some(r) => format!("{} extracted tag(s)", r.len()),
            None => format!("tags: {}", str_of(d, "error").unwrap_or("none")),
        },
        "latency" => match d.get("rounds").and_then(Value::as_array) {
            Some(r) => format!("latency of {} round(s)", r.len()),
            None => format!("latency: {}", str_of(d, "error").unwrap_or("none")),
        },
        "interaction" => match d.get("events").and_then(Value::as_array) {
            Some(r) => format!("{} interaction round(s)", r.len()),
            None if d.get("offered") == Some(&Value::Bool(false)) => {
                "interaction records not offered here".into()
            }
            None => format!(
                "interaction records: {}",
                str_of(d, "error").unwrap_or("none")
            ),
        },
        "reconciled" => match str_of(d, "session_id") {
            Some(s) if d.get("matched") == Some(&Value::Bool(true)) => {
                format!("reconciled to session {s}")
            }
            _ => {
                let n = d
                    .get("candidates")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                format!("reconcile found {n} matching call(s)")
            }
        },
        other => match e.status {
            Some(s) => format!("{other}: {}", status_words(s)),
            None => other.to_string(),
        },
    }
}

fn record_of(detail: &Value) -> Option<TelCdrInfo> {
    detail
        .get("record")
        .and_then(|r| serde_json::from_value(r.clone()).ok())
}

/// A call while it is live: its status, since when, and the timeline so far.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveCall {
    pub id: AttemptId,
    pub status: AttemptStatus,
    /// When the current status began (ms since the epoch, this machine's clock).
    pub since_ms: i64,
    pub timeline: Vec<TimelineEntry>,
}

impl LiveCall {
    pub fn from_events(attempt: &Attempt, events: &[Event]) -> LiveCall {
        let mut call = LiveCall {
            id: attempt.id.clone(),
            status: AttemptStatus::Queued,
            since_ms: attempt.created_at_ms,
            timeline: Vec::with_capacity(events.len()),
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
        self.timeline.push(TimelineEntry::from_event(e));
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
        v.sort_by(f64::total_cmp);
        Stat {
            median: median(&v),
            p90: nearest_rank(&v, 0.9),
            from_service: false,
        }
    }
}

fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// The nearest-rank percentile: the smallest value with at least `q` of the values at or below it.
fn nearest_rank(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
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
    pub ete: Stat,
    pub asr: Stat,
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
    /// `push_text` or `invoke_llm`.
    pub kind: String,
    pub text: String,
    /// `None` when accepted; otherwise what the service or the app said.
    pub refused: Option<String>,
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
    pub timeline: Vec<TimelineEntry>,
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
            timeline: events.iter().map(TimelineEntry::from_event).collect(),
        };
        for e in events {
            r.apply(e);
        }
        r
    }

    fn apply(&mut self, e: &Event) {
        let d = &e.detail;
        let ok = d.get("ok").and_then(Value::as_bool).unwrap_or(false);
        match e.kind.as_str() {
            "cdr" => match record_of(d) {
                Some(c) => self.take_record(c),
                None => self.record_error = str_of(d, "error").map(String::from),
            },
            "extract" => {
                if let Some(list) = d.get("results") {
                    let list: Vec<AICallExtractResultElement> =
                        serde_json::from_value(list.clone()).unwrap_or_default();
                    self.tags = list
                        .into_iter()
                        .map(|t| Tag {
                            value: t.value(),
                            name: t.info_name.unwrap_or_default(),
                            kind: t.info_type.unwrap_or_default(),
                        })
                        .collect();
                }
            }
            "latency" => {
                if let Some(rounds) = d.get("rounds") {
                    let rounds: Vec<AILatencyDetail> =
                        serde_json::from_value(rounds.clone()).unwrap_or_default();
                    let stats: Option<AILatencyStatistics> = d
                        .get("statistics")
                        .and_then(|s| serde_json::from_value(s.clone()).ok());
                    self.latency = Some(LatencyReport::new(&rounds, stats.as_ref()));
                }
            }
            "interaction" => {
                self.interactions = if let Some(list) = d.get("events") {
                    Interactions::Records(serde_json::from_value(list.clone()).unwrap_or_default())
                } else if d.get("offered") == Some(&Value::Bool(false)) {
                    Interactions::NotOffered
                } else {
                    Interactions::Failed(str_of(d, "error").unwrap_or("failed").to_string())
                }
            }
            "push" => self.steers.push(Steer {
                at_ms: e.at_ms,
                kind: str_of(d, "kind").unwrap_or("push_text").to_string(),
                text: str_of(d, "text").unwrap_or("").to_string(),
                refused: (!ok).then(|| failure_text(d)),
            }),
            "hangup" if ok => self.hung_up_here = true,
            "reconciled" if d.get("matched") == Some(&Value::Bool(true)) => self.reconciled = true,
            _ => {}
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
        self.word = Some(c.end_status.map_or(Failed, CallWord::from_end_status));
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

    /// `no answer (202 notAnswer)`, or where the call stands when there is no record yet.
    pub fn outcome_line(&self) -> String {
        match (self.word, self.end_status) {
            (Some(w), Some(code)) => format!(
                "{w} ({code} {})",
                self.end_status_string.as_deref().unwrap_or("")
            )
            .replace(" )", ")"),
            (Some(w), None) => w.to_string(),
            (None, _) => status_words(self.status).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_documented_end_status_has_its_word() {
        let expected: &[(i64, &str, CallWord)] = &[
            (1, "ok", Answered),
            (100, "blackList", Blocked),
            (102, "ivrGiveUp", Failed),
            (103, "waitingGiveUp", Failed),
            (104, "ringingGiveUp", NoAnswer),
            (105, "noSeatOnline", Failed),
            (106, "notWorkTime", Failed),
            (107, "ivrEnd", Failed),
            (108, "restrictedCallee", Blocked),
            (109, "tooManyRequest", Blocked),
            (110, "restrictedArea", Blocked),
            (111, "restrictedTime", Blocked),
            (202, "notAnswer", NoAnswer),
            (203, "userReject", Rejected),
            (204, "powerOff", NoAnswer),
            (205, "numberNotExist", InvalidNumber),
            (206, "busy", Busy),
            (207, "outOfCredit", Failed),
            (208, "operatorError", Failed),
            (209, "callerCancel", NoAnswer),
            (210, "notInService", NoAnswer),
            (211, "clientError", Failed),
            (212, "carrierBlocked", Blocked),
            (213, "callReminder", NoAnswer),
            (215, "numberInvalid", InvalidNumber),
            (216, "callRestricted", Blocked),
            (217, "calleeRestricted", Blocked),
            (218, "areaRestricted", Blocked),
            (219, "promptCallForwarding", NoAnswer),
            (220, "callerCancelWhileRing", NoAnswer),
            (221, "callerCancelWithoutRing", InvalidNumber),
            (222, "voiceMailReached", Voicemail),
            (501, "callConflict", Busy),
            (502, "clientTimeout", NoAnswer),
            (503, "voipClientError", Failed),
        ];
        assert_eq!(END_STATUS.len(), expected.len());
        for (code, name, word) in expected {
            let row = end_status(*code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(row.name, *name, "{code}");
            assert_eq!(CallWord::from_end_status(*code), *word, "{code} {name}");
        }
        for unknown in [0, -1, 2, 101, 214, 234, 504, 9999] {
            assert_eq!(CallWord::from_end_status(unknown), Failed, "{unknown}");
        }
        // Every word is reachable, with its own name and a tone.
        for w in CallWord::ALL {
            assert!(END_STATUS.iter().any(|e| e.word == w), "{w}");
        }
        assert_eq!(Answered.tone(), Tone::Good);
        assert_eq!(Voicemail.tone(), Tone::Warn);
        assert_eq!(Blocked.tone(), Tone::Bad);
        assert_eq!(InvalidNumber.as_str(), "invalid number");
    }

    #[test]
    fn elapsed_reads_minutes_and_hours() {
        assert_eq!(elapsed(0), "0:00");
        assert_eq!(elapsed(4_999), "0:04");
        assert_eq!(elapsed(72_000), "1:12");
        assert_eq!(elapsed(3_723_000), "1:02:03");
        assert_eq!(elapsed(-5_000), "0:00");
    }

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

    #[test]
    fn the_report_rebuilds_from_events_alone() {
        use AttemptStatus::*;
        let events = vec![
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
                {"RoundId": "b", "ETELatency": 1000.0, "ASRLatency": 300.0, "LLMLatency": 500.0, "TTSLatency": 120.0}],
                "statistics": null}),
            ),
            event(12, 7_300, "interaction", None, json!({"offered": false})),
        ];
        let r = CallReport::from_events(&attempt(Finished), &events);
        assert_eq!(r.word, Some(Answered));
        assert_eq!(r.outcome_line(), "answered (1 ok)");
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
        assert_eq!(r.timeline.len(), 12);
        assert_eq!(r.timeline[2].text, "ringing");
        assert_eq!(r.timeline[8].text, "call record: answered (ok)");

        let live = LiveCall::from_events(&attempt(InProgress), &events[..5]);
        assert_eq!(live.status, InProgress);
        assert_eq!(live.since_ms, 4_000);
        assert_eq!(live.label(76_000), "in progress 1:12");
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
        assert_eq!(r.outcome_line(), "finished");
    }
}
