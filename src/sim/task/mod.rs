//! The service's batch engine: CreateAutoCalloutTask and the actions that describe, list,
//! stop, pause and resume a task. Every task call is a simulator session, so call records,
//! AI reports and latency work for task calls as for single ones.

mod engine;
pub mod window;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::Sim;
use super::actions::{Outcome, check_app, page_bounds, pick_caller};
use super::faults::{self, Fault};
use super::fixtures::is_number;
use super::params::{Field, Ty, opt, req};
use super::reply::{ApiError, Reply};
use crate::ccc::actions::{
    AutoCalloutTaskCalleeInfo, AutoCalloutTaskInfo, CreateAutoCalloutTask,
    DescribeAutoCalloutTaskResponse, TaskState,
};
use engine::{CallPlan, CalleeRun, Rules, Run};
use window::{DEFAULT_TIME_ZONE, Schedule};

/// Callees one CreateAutoCalloutTask may carry. Undocumented: DescribeAutoCalloutTask returns
/// every callee in one answer with no paging, and 10,000 callees with a session each already
/// make an answer of about a megabyte.
pub const DEFAULT_MAX_CALLEES: usize = 10_000;
/// Calls a task keeps on at once when no ConcurrencyLimit is given, and the most an agent has.
pub const AGENT_CONCURRENCY: i64 = 10;
/// Undocumented defaults.
const DEFAULT_TRIES: u64 = 1;
const DEFAULT_RETRY_INTERVAL_S: i64 = 600;
const FIRST_TASK_ID: u64 = 17_110;

const VARIABLE: &[Field] = &[req("Key", Ty::Str), req("Value", Ty::Str)];
const TIME_RANGE: &[Field] = &[opt("StartTime", Ty::Str), opt("EndTime", Ty::Str)];
const TAG: &[Field] = &[opt("TagName", Ty::Str), opt("TagValue", Ty::Str)];
const CALLEE_ATTRIBUTE: &[Field] = &[
    req("Callee", Ty::Str),
    opt("UUI", Ty::Str),
    opt("Variables", Ty::ObjList(VARIABLE)),
];
const WORK_TIME: &[Field] = &[
    opt("DayType", Ty::Str),
    opt("DaysOfWeek", Ty::StrList),
    opt("TimeRanges", Ty::ObjList(TIME_RANGE)),
];
const KEY_VALUE: &[Field] = &[
    opt("Key", Ty::Str),
    opt("Value", Ty::Str),
    opt("ValueType", Ty::Str),
];
const HTTP_CALLBACK: &[Field] = &[
    opt("Url", Ty::Str),
    opt("HeaderParams", Ty::ObjList(KEY_VALUE)),
    opt("Params", Ty::ObjList(KEY_VALUE)),
    opt("Returns", Ty::ObjList(KEY_VALUE)),
    opt("Async", Ty::Bool),
    opt("AuthType", Ty::UInt),
    opt("BasicAuth", Ty::Obj(&[opt("BasicToken", Ty::Str)])),
    opt("BearerAuth", Ty::Obj(&[opt("BearerToken", Ty::Str)])),
    opt("CustomAuth", Ty::Obj(KEY_VALUE)),
    opt(
        "Oauth2Auth",
        Ty::Obj(&[
            opt("TokenURL", Ty::Str),
            opt("ClientId", Ty::Str),
            opt("ClientSecret", Ty::Str),
        ]),
    ),
];
const TRIGGER: &[Field] = &[
    opt("InterfaceConfig", Ty::Obj(HTTP_CALLBACK)),
    opt("HangupTypes", Ty::StrList),
    opt("CallTags", Ty::ObjList(TAG)),
    opt("TriggerMode", Ty::Str),
];
const CREATE: &[Field] = &[
    req("SdkAppId", Ty::UInt),
    req("NotBefore", Ty::Int),
    req("Callees", Ty::StrList),
    req("Callers", Ty::StrList),
    opt("IvrId", Ty::UInt),
    opt("Name", Ty::Str),
    opt("Description", Ty::Str),
    opt("NotAfter", Ty::Int),
    opt("Tries", Ty::UInt),
    opt("Variables", Ty::ObjList(VARIABLE)),
    opt("UUI", Ty::Str),
    opt("CalleeAttributes", Ty::ObjList(CALLEE_ATTRIBUTE)),
    opt("TimeZone", Ty::Str),
    opt("AvailableTime", Ty::ObjList(TIME_RANGE)),
    opt("AIAgentId", Ty::Int),
    opt("RetryInterval", Ty::Int),
    opt("MaxRingTimeoutSecond", Ty::Int),
    opt("RetryHangupTypes", Ty::StrList),
    opt("RetryTags", Ty::ObjList(TAG)),
    opt("AvailableWorkTimeConfig", Ty::ObjList(WORK_TIME)),
    opt("TriggerStrategy", Ty::ObjList(TRIGGER)),
    opt("ConcurrencyLimit", Ty::Int),
];
const BY_ID: &[Field] = &[req("SdkAppId", Ty::UInt), req("TaskId", Ty::UInt)];
const BY_ID_SIGNED: &[Field] = &[req("TaskId", Ty::Int), req("SdkAppId", Ty::Int)];
const LIST: &[Field] = &[
    req("SdkAppId", Ty::UInt),
    req("PageSize", Ty::UInt),
    req("PageNumber", Ty::UInt),
];

/// The parameters of the task actions, or None for another action.
pub(super) fn schema(action: &str) -> Option<&'static [Field]> {
    Some(match action {
        "CreateAutoCalloutTask" => CREATE,
        "DescribeAutoCalloutTask" | "StopAutoCalloutTask" => BY_ID,
        "PauseAutoCalloutTask" | "ResumeAutoCalloutTask" => BY_ID_SIGNED,
        "DescribeAutoCalloutTasks" => LIST,
        _ => return None,
    })
}

struct Task {
    name: String,
    description: String,
    callers: Vec<String>,
    ivr_id: u64,
    not_after_s: Option<i64>,
    max_ring_s: Option<i64>,
    run: Run,
}

/// Every task of the instance, by TaskId.
#[derive(Default)]
pub(super) struct Tasks {
    by_id: BTreeMap<u64, Task>,
}

impl Tasks {
    /// Plays every task's events up to `now_ms`, creating the sessions of the calls it starts.
    pub fn advance(&mut self, now_ms: i64, sessions: &mut super::state::Sessions) {
        for task in self.by_id.values_mut() {
            task.run.advance(now_ms, sessions);
        }
    }
}

pub(super) fn run(sim: &Sim, action: &str, p: &Map<String, Value>, now_ms: i64) -> Outcome {
    if let Err(e) = check_app(sim, p) {
        return Err(e).into();
    }
    let mut tasks = sim.tasks();
    tasks.advance(now_ms, &mut sim.sessions());
    let id = p.get("TaskId").and_then(Value::as_u64).unwrap_or(0);
    match action {
        "CreateAutoCalloutTask" => create(sim, &mut tasks, p, now_ms),
        "DescribeAutoCalloutTasks" => list(&tasks, p, now_ms).into(),
        "DescribeAutoCalloutTask" => find(&mut tasks, id)
            .map(|t| serde_json::to_value(describe(t, now_ms)).unwrap_or_default())
            .into(),
        _ => find(&mut tasks, id)
            .and_then(|t| control(t, action, now_ms))
            .into(),
    }
}

fn find(tasks: &mut Tasks, id: u64) -> Result<&mut Task, ApiError> {
    tasks.by_id.get_mut(&id).ok_or_else(|| {
        ApiError::new(
            "InvalidParameterValue",
            format!("TaskId {id} does not exist; DescribeAutoCalloutTasks lists the tasks."),
        )
    })
}

fn control(task: &mut Task, action: &str, now_ms: i64) -> Result<Value, ApiError> {
    let state = task.run.state(now_ms);
    let allowed = match action {
        "PauseAutoCalloutTask" => matches!(state, TaskState::Initial | TaskState::Running),
        "ResumeAutoCalloutTask" => state == TaskState::Paused,
        _ => matches!(
            state,
            TaskState::Initial | TaskState::Running | TaskState::Paused
        ),
    };
    if !allowed {
        return Err(ApiError::new(
            "UnsupportedOperation",
            format!(
                "{action} is not supported while the task is {} (state {}).",
                state.label(),
                u64::from(state)
            ),
        ));
    }
    match action {
        "PauseAutoCalloutTask" => task.run.pause(),
        "ResumeAutoCalloutTask" => task.run.resume(),
        _ => task.run.stop(now_ms),
    }
    Ok(json!({}))
}

fn describe(task: &Task, now_ms: i64) -> DescribeAutoCalloutTaskResponse {
    DescribeAutoCalloutTaskResponse {
        name: Some(task.name.clone()),
        description: Some(task.description.clone()),
        not_before: Some(task.run.rules.not_before_ms.div_euclid(1_000)),
        not_after: task.not_after_s,
        callers: Some(task.callers.clone()),
        callees: task
            .run
            .callees
            .iter()
            .map(|c| AutoCalloutTaskCalleeInfo {
                callee: c.number.clone(),
                state: c.state,
                sessions: c.sessions.clone(),
            })
            .collect(),
        ivr_id: Some(task.ivr_id),
        state: Some(task.run.state(now_ms)),
        max_ring_timeout_second: Some(task.max_ring_s.unwrap_or(0)),
    }
}

fn list(tasks: &Tasks, p: &Map<String, Value>, now_ms: i64) -> Result<Value, ApiError> {
    let int = |k: &str| p.get(k).and_then(Value::as_i64);
    let (number, size) = page_bounds(int("PageNumber"), int("PageSize"), 20)?;
    let page: Vec<AutoCalloutTaskInfo> = tasks
        .by_id
        .iter()
        .skip(number.saturating_mul(size))
        .take(size)
        .map(|(id, t)| AutoCalloutTaskInfo {
            task_id: *id,
            name: Some(t.name.clone()),
            callee_count: Some(t.run.callees.len() as u64),
            callers: Some(t.callers.clone()),
            not_before: Some(t.run.rules.not_before_ms.div_euclid(1_000)),
            not_after: t.not_after_s,
            ivr_id: Some(t.ivr_id),
            state: Some(t.run.state(now_ms)),
            max_ring_timeout_second: Some(t.max_ring_s.unwrap_or(0)),
        })
        .collect();
    Ok(json!({"TotalCount": tasks.by_id.len(), "Tasks": page}))
}

fn invalid(message: String) -> ApiError {
    ApiError::new("InvalidParameterValue", message)
}

fn create(sim: &Sim, tasks: &mut Tasks, p: &Map<String, Value>, now_ms: i64) -> Outcome {
    let request: CreateAutoCalloutTask = match serde_json::from_value(Value::Object(p.clone())) {
        Ok(r) => r,
        Err(e) => return Err(ApiError::new("InvalidParameter", e.to_string())).into(),
    };
    let task = match plan_task(sim, &request) {
        Ok(t) => t,
        Err(e) => return Err(e).into(),
    };
    let id = tasks
        .by_id
        .last_key_value()
        .map_or(FIRST_TASK_ID, |(k, _)| k + 1);
    tasks.by_id.insert(id, task);
    tasks.advance(now_ms, &mut sim.sessions());
    let mut fields = Map::new();
    fields.insert("TaskId".into(), json!(id));
    // A fault callee in the list spoils the answer, as it does CreateAIAgentCall's; the task
    // exists all the same, which is what reconciling by name is for.
    let fault = request
        .callees
        .iter()
        .find_map(|c| match faults::for_callee(c) {
            Some(Fault::Transport(t)) => Some(Reply::Fault(t, fields.clone())),
            Some(Fault::Reject {
                code,
                message,
                creates_session: true,
            }) => Some(Reply::Error(ApiError::new(code, message))),
            _ => None,
        });
    Outcome {
        reply: fault.unwrap_or(Reply::Ok(fields)),
        created: None,
    }
}

fn plan_task(sim: &Sim, r: &CreateAutoCalloutTask) -> Result<Task, ApiError> {
    r.validate().map_err(|e| invalid(format!("{e}.")))?;
    check_callees(sim, r)?;
    let (agent_id, agent_name) = task_agent(sim, r)?;
    let concurrency = task_concurrency(r)?;
    let zone = match r.time_zone.as_deref() {
        Some(name) => window::zone(name).map_err(|e| invalid(format!("{e}.")))?,
        None => DEFAULT_TIME_ZONE,
    };
    let schedule = Schedule::new(
        zone,
        r.available_time.as_deref(),
        r.available_work_time_config.as_deref(),
    )
    .map_err(|e| invalid(format!("{e}.")))?;
    let caller = pick_caller(sim, &r.callers)?;
    let rules = Rules {
        not_before_ms: r.not_before.saturating_mul(1_000),
        not_after_ms: r.not_after.map(|a| a.saturating_mul(1_000)),
        tries: r.tries.unwrap_or(DEFAULT_TRIES),
        retry_interval_ms: r.retry_interval.unwrap_or(DEFAULT_RETRY_INTERVAL_S) * 1_000,
        retry_codes: r
            .retry_hangup_types
            .iter()
            .flatten()
            .filter_map(|c| c.parse().ok())
            .collect(),
        schedule,
        concurrency: concurrency as usize,
    };
    let plan = CallPlan {
        agent_id,
        agent_name,
        caller,
        ring_ms: sim.ring_ms,
        talk_ms: sim.talk_ms,
        max_ring_ms: r.max_ring_timeout_second.map(|s| s.saturating_mul(1_000)),
        variables: variable_pairs(&r.variables),
    };
    Ok(Task {
        name: r.name.clone().unwrap_or_default(),
        description: r.description.clone().unwrap_or_default(),
        callers: r.callers.clone(),
        ivr_id: r.ivr_id.unwrap_or(0),
        not_after_s: r.not_after,
        max_ring_s: r.max_ring_timeout_second,
        run: Run::new(rules, plan, callee_runs(r)),
    })
}

/// The callee list within the simulator's size limit, every entry a dialable number.
fn check_callees(sim: &Sim, r: &CreateAutoCalloutTask) -> Result<(), ApiError> {
    if r.callees.len() > sim.max_task_callees {
        return Err(invalid(format!(
            "Callees holds {} numbers; a task takes at most {}. Split the list into several tasks.",
            r.callees.len(),
            sim.max_task_callees
        )));
    }
    if let Some(bad) = r.callees.iter().find(|c| !is_number(c)) {
        return Err(invalid(format!(
            "Callee {bad:?} is not a valid number; write 00 + country code + number, e.g. 008613012345678."
        )));
    }
    Ok(())
}

/// The AI agent's id and name, or id 0 and an IVR label when the task runs an IVR instead.
fn task_agent(sim: &Sim, r: &CreateAutoCalloutTask) -> Result<(u64, String), ApiError> {
    let Some(a) = r.ai_agent_id else {
        return Ok((0, format!("IVR {}", r.ivr_id.unwrap_or(0))));
    };
    let agent = u64::try_from(a)
        .ok()
        .and_then(|a| sim.fixtures.agent(a))
        .ok_or_else(|| {
            invalid(format!(
                "AIAgentId {a} does not exist in SdkAppId {}; DescribeAIAgentInfoList lists the agents.",
                sim.fixtures.sdk_app_id
            ))
        })?;
    Ok((agent.id, agent.name.clone()))
}

/// The requested concurrency, defaulting to and capped by the agent's own limit.
fn task_concurrency(r: &CreateAutoCalloutTask) -> Result<i64, ApiError> {
    let concurrency = r.concurrency_limit.unwrap_or(AGENT_CONCURRENCY);
    if concurrency > AGENT_CONCURRENCY {
        return Err(ApiError::new(
            "LimitExceeded.OutOfQuotaMaxCount",
            format!(
                "ConcurrencyLimit {concurrency} exceeds the agent's concurrency limit {AGENT_CONCURRENCY}."
            ),
        ));
    }
    if concurrency < 1 {
        return Err(invalid(format!(
            "ConcurrencyLimit must be at least 1, got {concurrency}."
        )));
    }
    Ok(concurrency)
}

/// One run per callee, each with the variables its `CalleeAttributes` entry gives it.
fn callee_runs(r: &CreateAutoCalloutTask) -> Vec<CalleeRun> {
    let attributes = r.callee_attributes.as_deref().unwrap_or_default();
    r.callees
        .iter()
        .map(|number| CalleeRun {
            number: number.clone(),
            variables: attributes
                .iter()
                .find(|a| a.callee == *number)
                .map(|a| variable_pairs(&a.variables))
                .unwrap_or_default(),
            sessions: Vec::new(),
            state: crate::ccc::actions::CalleeState::Initial,
        })
        .collect()
}

fn variable_pairs(vars: &Option<Vec<crate::ccc::actions::Variable>>) -> Vec<(String, String)> {
    vars.iter()
        .flatten()
        .map(|v| (v.key.clone(), v.value.clone()))
        .collect()
}
