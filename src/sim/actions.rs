//! The actions the simulator serves, after the signature and the parameter types were checked.

use std::ops::RangeInclusive;

use serde_json::{Map, Value, json};

use super::Sim;
use super::faults::{self, Fault};
use super::fixtures::is_number;
use super::interaction;
use super::reply::{ApiError, Reply};
use super::session::{Phase, Pushed, Script, Session, derived_ids, secs};

/// Most records a page may hold.
const MAX_PAGE_SIZE: i64 = 100;
/// How far back DescribeTelCdr may look, and the widest window it accepts.
const CDR_MAX_AGE_S: i64 = 180 * 86_400;
const CDR_MAX_WINDOW_S: i64 = 90 * 86_400;
/// How long the agent takes to say a pushed line: a floor plus a time per character.
const SPEAK_MIN_MS: i64 = 500;
const SPEAK_MS_PER_CHAR: i64 = 60;

pub struct Outcome {
    pub reply: Reply,
    /// The session created, if any.
    pub created: Option<String>,
}

impl From<Result<Value, ApiError>> for Outcome {
    fn from(r: Result<Value, ApiError>) -> Self {
        Outcome {
            reply: r.map_or_else(Reply::Error, Reply::ok),
            created: None,
        }
    }
}

pub fn run(sim: &Sim, action: &str, p: &Map<String, Value>, now_ms: i64) -> Outcome {
    if let Err(e) = check_app(sim, p) {
        return Err(e).into();
    }
    match action {
        "CreateAIAgentCall" => create_ai_agent_call(sim, p, now_ms),
        "DescribeAIAgentInfoList" => describe_agents(sim, p).into(),
        "DescribeNumbers" => describe_numbers(sim, p).into(),
        "DescribeTelSession" => with_session(sim, p, |s| {
            let s = s.ok_or_else(|| not_found(action, text(p, "SessionId")))?;
            Ok(json!({"Session": s.tel_session(now_ms)}))
        })
        .into(),
        "HangUpCall" => hang_up(sim, p, now_ms).into(),
        "DescribeTelCdr" => describe_tel_cdr(sim, p, now_ms).into(),
        "DescribePSTNActiveSessionList" => super::active::describe(sim, p, now_ms).into(),
        "DescribeAICallExtractResult" => extract_result(sim, p, now_ms).into(),
        "DescribeAILatency" => latency(sim, p, now_ms).into(),
        "ControlAIConversation" => control(sim, p, now_ms).into(),
        "DescribeAICallInteractionRecords" => with_session(sim, p, |s| {
            let s = s.ok_or_else(|| not_found(action, text(p, "SessionId")))?;
            // The conversation so far, from the answer on: during the call too, unlike the
            // record, tags and latency, which come a lag after the end.
            let list = if s.accepted_ms().is_some_and(|a| now_ms >= a) {
                interaction::records(s, now_ms)
            } else {
                json!([])
            };
            Ok(json!({"InteractionEventList": list}))
        })
        .into(),
        other => Err(ApiError::new(
            "InvalidAction",
            format!("The action `{other}` is not served."),
        ))
        .into(),
    }
}

fn int(p: &Map<String, Value>, name: &str) -> Option<i64> {
    p.get(name).and_then(Value::as_i64)
}

fn text<'a>(p: &'a Map<String, Value>, name: &str) -> &'a str {
    p.get(name).and_then(Value::as_str).unwrap_or("")
}

fn strings(p: &Map<String, Value>, name: &str) -> Vec<String> {
    p.get(name)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn invalid(message: String) -> ApiError {
    ApiError::new("InvalidParameterValue", message)
}

pub(super) fn check_app(sim: &Sim, p: &Map<String, Value>) -> Result<(), ApiError> {
    let want = sim.fixtures.sdk_app_id;
    match p.get("SdkAppId").and_then(Value::as_i64) {
        Some(id) if id == want => Ok(()),
        got => Err(ApiError::new(
            "InvalidParameterValue.InstanceNotExist",
            format!(
                "The SDKAppID {} does not exist. The simulator serves SdkAppId {want}.",
                got.map_or_else(|| "given".to_string(), |g| g.to_string())
            ),
        )),
    }
}

pub(super) fn page_bounds(
    number: Option<i64>,
    size: Option<i64>,
    default_size: i64,
) -> Result<(usize, usize), ApiError> {
    let size = size.unwrap_or(default_size);
    let number = number.unwrap_or(0);
    if !(1..=MAX_PAGE_SIZE).contains(&size) {
        return Err(invalid(format!(
            "PageSize must be between 1 and {MAX_PAGE_SIZE}, got {size}."
        )));
    }
    if number < 0 {
        return Err(invalid(format!("PageNumber starts from 0, got {number}.")));
    }
    Ok((number as usize, size as usize))
}

fn page<T: Clone>(items: &[T], (number, size): (usize, usize)) -> Vec<T> {
    items
        .iter()
        .skip(number.saturating_mul(size))
        .take(size)
        .cloned()
        .collect()
}

fn create_ai_agent_call(sim: &Sim, p: &Map<String, Value>, now_ms: i64) -> Outcome {
    let placed = match plan_call(sim, p) {
        Ok(placed) => placed,
        Err(e) => return Err(e).into(),
    };
    let (agent_id, agent_name, caller, callee, max_ring_ms, variables) = placed;
    let fault = faults::for_callee(&callee);
    if let Some(Fault::Reject {
        code,
        message,
        creates_session: false,
    }) = fault
    {
        return Err(ApiError::new(code, message)).into();
    }
    let ending = match fault {
        Some(Fault::Ends(e)) => Some(e),
        _ => None,
    };
    let uuid = uuid::Uuid::new_v4();
    let mut sessions = sim.sessions();
    // The service documents both forms (a dashed UUID, and 32 hex digits): serve both.
    let id = if sessions.created().is_multiple_of(2) {
        uuid.hyphenated().to_string()
    } else {
        uuid.simple().to_string()
    };
    let (room_id, record_id) = derived_ids(&id);
    let session = Session {
        room_id,
        record_id,
        id,
        agent_id,
        agent_name,
        caller,
        callee,
        variables,
        created_ms: now_ms,
        script: Script::new(ending, sim.ring_ms, sim.talk_ms, max_ring_ms),
        hung_up_ms: None,
        pushed: Vec::new(),
    };
    let id = session.id.clone();
    sessions.insert(session);
    sessions.save();
    drop(sessions);
    let mut fields = Map::new();
    fields.insert("SessionId".into(), json!(id));
    let reply = match fault {
        Some(Fault::Reject { code, message, .. }) => Reply::Error(ApiError::new(code, message)),
        Some(Fault::Transport(t)) => Reply::Fault(t, fields),
        _ => Reply::Ok(fields),
    };
    Outcome {
        reply,
        created: Some(id),
    }
}

type PlannedCall = (
    u64,
    String,
    String,
    String,
    Option<i64>,
    Vec<(String, String)>,
);

/// Checks what a CreateAIAgentCall asks for and picks the caller number.
fn plan_call(sim: &Sim, p: &Map<String, Value>) -> Result<PlannedCall, ApiError> {
    let agent_id = p.get("AIAgentId").and_then(Value::as_u64).unwrap_or(0);
    let Some(agent) = sim.fixtures.agent(agent_id) else {
        return Err(invalid(format!(
            "AIAgentId {agent_id} does not exist in SdkAppId {}; DescribeAIAgentInfoList lists the agents.",
            sim.fixtures.sdk_app_id
        )));
    };
    let callee = text(p, "Callee");
    if !is_number(callee) {
        return Err(invalid(format!(
            "Callee {callee:?} is not a valid number; write 00 + country code + number, e.g. 008613012345678."
        )));
    }
    if let Some(t) = int(p, "AcquireTimeoutSecond")
        && !(0..=5).contains(&t)
    {
        return Err(invalid(format!(
            "AcquireTimeoutSecond must be between 0 and 5, got {t}."
        )));
    }
    let max_ring = int(p, "MaxRingTimeoutSecond");
    if let Some(m) = max_ring
        && m <= 0
    {
        return Err(invalid(format!(
            "MaxRingTimeoutSecond must be a positive number of seconds, got {m}."
        )));
    }
    let caller = pick_caller(sim, &strings(p, "Callers"))?;
    let variables = ["Variables", "PromptVariables"]
        .iter()
        .filter_map(|k| p.get(*k).and_then(Value::as_array))
        .flatten()
        .map(|v| (text_of(v, "Key"), text_of(v, "Value")))
        .collect();
    Ok((
        agent.id,
        agent.name.clone(),
        caller,
        callee.to_string(),
        max_ring.map(|s| s.saturating_mul(1_000)),
        variables,
    ))
}

fn text_of(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

/// The first usable caller of the request's pool, or of the instance when none is given.
pub(super) fn pick_caller(sim: &Sim, callers: &[String]) -> Result<String, ApiError> {
    let numbers = &sim.fixtures.numbers;
    if callers.is_empty() {
        return numbers
            .iter()
            .find(|n| n.unusable_reason().is_none())
            .map(|n| n.number.clone())
            .ok_or_else(|| {
                ApiError::new(
                    "FailedOperation.NoCallOutNumber",
                    "No available outbound call numbers: the instance has no own number in State 1.",
                )
            });
    }
    let mut reasons = Vec::new();
    for c in callers {
        match sim.fixtures.number(c) {
            Some(n) => match n.unusable_reason() {
                None => return Ok(c.clone()),
                Some(why) => reasons.push(format!("{c} {why}")),
            },
            None => reasons.push(format!("{c} is not a number of this instance")),
        }
    }
    Err(ApiError::new(
        "FailedOperation.NoCallOutNumber",
        format!(
            "No available outbound call numbers: {}. DescribeNumbers lists the usable ones (State 1, CostType 1).",
            reasons.join("; ")
        ),
    ))
}

fn describe_agents(sim: &Sim, p: &Map<String, Value>) -> Result<Value, ApiError> {
    let bounds = page_bounds(int(p, "PageNumber"), int(p, "PageSize"), 20)?;
    let list: Vec<Value> = page(&sim.fixtures.agents, bounds)
        .into_iter()
        .map(|a| json!({"AIAgentId": a.id, "AIAgentName": a.name, "VariableNames": a.variable_names}))
        .collect();
    Ok(json!({"AIAgentInfoList": list, "TotalCount": sim.fixtures.agents.len()}))
}

fn describe_numbers(sim: &Sim, p: &Map<String, Value>) -> Result<Value, ApiError> {
    let bounds = page_bounds(int(p, "PageNumber"), int(p, "PageSize"), 20)?;
    let list: Vec<Value> = page(&sim.fixtures.numbers, bounds)
        .into_iter()
        .map(|n| {
            json!({"Number": n.number, "CallOutSkillGroupIds": n.skill_group_ids,
                   "State": n.state, "CostType": n.cost_type})
        })
        .collect();
    Ok(json!({"TotalCount": sim.fixtures.numbers.len(), "Numbers": list}))
}

/// How `action` refuses a SessionId it does not know: FailedOperation.SessionNotExists only
/// where the action documents it, InvalidParameterValue elsewhere.
fn not_found(action: &str, id: &str) -> ApiError {
    match action {
        "ControlAIConversation" | "DescribeAICallInteractionRecords" => ApiError::new(
            "FailedOperation.SessionNotExists",
            format!("Session {id:?} does not exist."),
        ),
        _ => invalid(format!("SessionId {id:?} does not exist.")),
    }
}

/// Runs `f` on the session the request names, if this simulator (or its state file) knows it.
fn with_session<T>(sim: &Sim, p: &Map<String, Value>, f: impl FnOnce(Option<&Session>) -> T) -> T {
    let mut sessions = sim.sessions();
    f(sessions.find(text(p, "SessionId")))
}

fn hang_up(sim: &Sim, p: &Map<String, Value>, now_ms: i64) -> Result<Value, ApiError> {
    let id = text(p, "SessionId");
    let mut sessions = sim.sessions();
    let session = sessions
        .get_mut(id)
        .ok_or_else(|| not_found("HangUpCall", id))?;
    session.hang_up(now_ms);
    sessions.save();
    Ok(json!({}))
}

fn describe_tel_cdr(sim: &Sim, p: &Map<String, Value>, now_ms: i64) -> Result<Value, ApiError> {
    let (start, end) = (
        int(p, "StartTimeStamp").unwrap_or(0),
        int(p, "EndTimeStamp").unwrap_or(0),
    );
    if start > end {
        return Err(invalid(format!(
            "StartTimeStamp {start} is after EndTimeStamp {end}."
        )));
    }
    if end - start >= CDR_MAX_WINDOW_S {
        return Err(invalid(
            "The range between EndTimeStamp and StartTimeStamp must be less than 90 days.".into(),
        ));
    }
    if start < secs(now_ms) - CDR_MAX_AGE_S {
        return Err(invalid(
            "StartTimeStamp may be at most 180 days in the past.".into(),
        ));
    }
    let bounds = page_bounds(int(p, "PageNumber"), int(p, "PageSize"), 20)?;
    let phones = strings(p, "Phones");
    let ids = strings(p, "SessionIds");
    let mut sessions = sim.sessions();
    let matching: Vec<Value> = sessions
        .in_order()
        .filter(|s| s.reported(now_ms, sim.record_lag_ms))
        .filter(|s| (start..=end).contains(&s.start_s()))
        .filter(|s| phones.is_empty() || phones.iter().any(|n| *n == s.caller || *n == s.callee))
        .filter(|s| ids.is_empty() || ids.contains(&s.id))
        .map(Session::cdr)
        .collect();
    let list = page(&matching, bounds);
    // `TelCdrs` is the legacy name of the same list, still in both models.
    Ok(json!({"TotalCount": matching.len(), "TelCdrs": list, "TelCdrList": list}))
}

/// The StartTime..EndTime window (Unix seconds) of the AI report actions.
fn window(p: &Map<String, Value>) -> Result<RangeInclusive<i64>, ApiError> {
    let (start, end) = (
        int(p, "StartTime").unwrap_or(0),
        int(p, "EndTime").unwrap_or(0),
    );
    if start > end {
        return Err(invalid(format!(
            "StartTime {start} is after EndTime {end}."
        )));
    }
    Ok(start..=end)
}

/// Whether the AI reports of `s` are found with this request: the call started within the
/// window (seconds; a window in milliseconds finds nothing) and its reports are in.
fn reports_found(sim: &Sim, s: &Session, window: &RangeInclusive<i64>, now_ms: i64) -> bool {
    window.contains(&s.start_s()) && s.reported(now_ms, sim.record_lag_ms)
}

/// A tag as the service answers it: all four result keys, zero-valued where unused.
fn full_tag(tag: &Value) -> Value {
    let mut tag = tag.clone();
    let mut result = json!({"Text": "", "Chosen": [], "Boolean": false, "Number": 0.0});
    if let (Some(full), Some(Value::Object(given))) = (result.as_object_mut(), tag.get("Result")) {
        full.extend(given.clone());
    }
    tag["Result"] = result;
    tag
}

fn extract_result(sim: &Sim, p: &Map<String, Value>, now_ms: i64) -> Result<Value, ApiError> {
    let window = window(p)?;
    // An unknown session finds nothing, as a window that misses the call does.
    with_session(sim, p, |s| {
        let tags: Vec<Value> = s
            .filter(|s| reports_found(sim, s, &window, now_ms) && s.accepted_ms().is_some())
            .and_then(|s| {
                let agent = sim.fixtures.agent(s.agent_id)?;
                Some(
                    s.persona()
                        .tags(&agent.extract_results)
                        .iter()
                        .map(full_tag)
                        .collect(),
                )
            })
            .unwrap_or_default();
        Ok(json!({"ResultList": tags}))
    })
}

fn latency(sim: &Sim, p: &Map<String, Value>, now_ms: i64) -> Result<Value, ApiError> {
    let window = window(p)?;
    with_session(sim, p, |s| {
        let found = s.filter(|s| reports_found(sim, s, &window, now_ms));
        let rounds: Vec<(super::session::Latency, String)> = found
            .map(|s| {
                (0..s.rounds(now_ms).len())
                    .map(|i| (s.latency(i), s.round_id(i)))
                    .collect()
            })
            .unwrap_or_default();
        let detail: Vec<Value> = rounds
            .iter()
            .map(|(l, round_id)| {
                json!({"RoundId": round_id, "ASRLatency": l.asr, "TTSLatency": l.tts,
                       "LLMLatency": l.llm, "LLMFirstTokenLatency": l.first_token, "ETELatency": l.ete})
            })
            .collect();
        let stat = |f: fn(&super::session::Latency) -> i64| {
            let mut v: Vec<i64> = rounds.iter().map(|(l, _)| f(l)).collect();
            v.sort_unstable();
            let at = |q: f64| v.get(((v.len() - 1) as f64 * q).round() as usize).copied();
            // The median of an even count is the mean of the middle two.
            let middle = |n: usize| match v[(n - 1) / 2] + v[n / 2] {
                sum if sum % 2 == 0 => json!(sum / 2),
                sum => json!(sum as f64 / 2.0),
            };
            match v.first() {
                None => json!({"MinLatency": -1, "MiddleLatency": -1, "P90Latency": -1}),
                Some(min) => {
                    json!({"MinLatency": min, "MiddleLatency": middle(v.len()), "P90Latency": at(0.9)})
                }
            }
        };
        Ok(json!({
            "AILatencyDetail": detail,
            "AILatencyStatistics": {
                "ASRLatency": stat(|l| l.asr), "TTSLatency": stat(|l| l.tts),
                "LLMLatency": stat(|l| l.llm), "ETELatency": stat(|l| l.ete),
            }
        }))
    })
}

fn control(sim: &Sim, p: &Map<String, Value>, now_ms: i64) -> Result<Value, ApiError> {
    let command = text(p, "Command");
    let stop_after_play = p
        .get("ServerPushText")
        .and_then(|v| v.get("StopAfterPlay"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let pushed = match command {
        "ServerPushText" => {
            let push = p
                .get("ServerPushText")
                .ok_or_else(|| missing("ServerPushText"))?;
            match (push.get("Text").and_then(Value::as_str), push.get("Audio")) {
                (_, Some(Value::String(a))) if !a.is_empty() => "[audio]".to_string(),
                (Some(t), _) if !t.is_empty() => t.to_string(),
                _ => return Err(missing("ServerPushText.Text")),
            }
        }
        "InvokeLLM" => p
            .get("InvokeLLM")
            .and_then(|v| v.get("Content"))
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| missing("InvokeLLM.Content"))?
            .to_string(),
        other => {
            return Err(invalid(format!(
                "Command must be ServerPushText or InvokeLLM, got {other:?}."
            )));
        }
    };
    let id = text(p, "SessionId");
    let mut sessions = sim.sessions();
    let session = sessions
        .get_mut(id)
        .ok_or_else(|| not_found("ControlAIConversation", id))?;
    let phase = session.phase(now_ms);
    if phase != Phase::InProgress {
        return Err(ApiError::new(
            "FailedOperation.SessionNotInControlState",
            format!(
                "Session not in control status: it is {}; only a call in progress can be controlled.",
                phase.wire()
            ),
        ));
    }
    if stop_after_play {
        // The agent says the line, then the call ends.
        let said_ms = SPEAK_MIN_MS + SPEAK_MS_PER_CHAR * pushed.chars().count() as i64;
        session.hang_up_at(now_ms, now_ms + said_ms);
    }
    session.pushed.push(Pushed {
        at_ms: now_ms,
        command: command.to_string(),
        text: pushed,
        stop_after_play,
    });
    sessions.save();
    Ok(json!({}))
}

fn missing(name: &str) -> ApiError {
    ApiError::new(
        "MissingParameter",
        format!("The request is missing a required parameter `{name}`."),
    )
}
