//! The service's own batch engine: CreateAutoCalloutTask and the actions that follow, stop,
//! pause and resume a task. Types derive both ways so the simulator reads requests and writes
//! answers with the same definitions the client sends and decodes.

use serde::{Deserialize, Serialize};

use super::{Empty, Variable, action};

/// Tries a task may make per callee.
pub const TRIES: std::ops::RangeInclusive<u64> = 1..=3;
/// Seconds between tries.
pub const RETRY_INTERVAL_S: std::ops::RangeInclusive<i64> = 600..=86_400;
/// The hang-up codes `RetryHangupTypes` accepts.
pub const RETRY_HANGUP_CODES: &[&str] = &[
    "202", "203", "204", "205", "206", "207", "208", "210", "212", "213", "215", "216", "217",
    "218", "219", "221", "222", "234",
];
/// `AvailableTimeConfig.DaysOfWeek` values.
pub const DAYS_OF_WEEK: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Which service a request goes to: the two differ in the fields they know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// ccc.intl.tencentcloudapi.com
    International,
    /// ccc.tencentcloudapi.com (and the simulator, which serves every field)
    Mainland,
}

impl Flavour {
    pub fn of_host(host: &str) -> Flavour {
        let host = host.split(':').next().unwrap_or(host);
        if host.eq_ignore_ascii_case(crate::endpoint::INTERNATIONAL_HOST) {
            Flavour::International
        } else {
            Flavour::Mainland
        }
    }
}

/// Why a task request would be refused before it is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskRequestError {
    #[error("a task needs at least one callee")]
    NoCallees,
    #[error("a task needs at least one caller number (Callers)")]
    NoCallers,
    #[error("give either an AIAgentId or an IvrId")]
    NoAgentOrIvr,
    #[error("Tries must be 1 to 3, got {0}")]
    Tries(u64),
    #[error("RetryInterval must be 600 to 86400 seconds (10 minutes to 24 hours), got {0}")]
    RetryInterval(i64),
    #[error("hang-up code {0} cannot be retried on; allowed: {codes}", codes = RETRY_HANGUP_CODES.join(","))]
    RetryHangupType(String),
    #[error("NotAfter {after} is not after NotBefore {before}")]
    Window { before: i64, after: i64 },
    #[error("time {0:?} is not a 24-hour HH:MM:SS time such as 09:00:00")]
    TimeOfDay(String),
    #[error("time range {start}-{end} ends before it starts")]
    TimeRange { start: String, end: String },
    #[error("DayType {0:?} is not EveryDay, BusinessDay, Holiday or Custom")]
    DayType(String),
    #[error(
        "day {0:?} is not one of Monday..Sunday, or DaysOfWeek is given without DayType Custom"
    )]
    DayOfWeek(String),
    #[error("MaxRingTimeoutSecond must be a positive number of seconds, got {0}")]
    MaxRing(i64),
    #[error(
        "ConcurrencyLimit is a mainland-only field: the international endpoint ({host}) does not \
         know it. Leave it out, or use the mainland endpoint ccc.tencentcloudapi.com",
        host = crate::endpoint::INTERNATIONAL_HOST
    )]
    MainlandOnly,
}

/// Creates a server-side batch task: the service calls every callee within the windows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAutoCalloutTask {
    pub sdk_app_id: u64,
    /// Unix seconds.
    pub not_before: i64,
    pub callees: Vec<String>,
    pub callers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ivr_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tries: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables: Option<Vec<Variable>>,
    #[serde(rename = "UUI", default, skip_serializing_if = "Option::is_none")]
    pub uui: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callee_attributes: Option<Vec<CalleeAttribute>>,
    /// IANA name, e.g. `Asia/Shanghai`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Wins over `available_work_time_config` when both are given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_time: Option<Vec<TimeRange>>,
    #[serde(rename = "AIAgentId", default, skip_serializing_if = "Option::is_none")]
    pub ai_agent_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_interval: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ring_timeout_second: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_hangup_types: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_tags: Option<Vec<RetryTagItem>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_work_time_config: Option<Vec<AvailableTimeConfig>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_strategy: Option<Vec<TriggerStrategyItem>>,
    /// The agent's concurrency limit; mainland only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency_limit: Option<i64>,
}

/// One callee's own UUI and variables, overriding the task's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CalleeAttribute {
    pub callee: String,
    #[serde(rename = "UUI", default, skip_serializing_if = "Option::is_none")]
    pub uui: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables: Option<Vec<Variable>>,
}

/// A daily window, 24-hour `HH:MM:SS`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimeRange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
}

/// Windows that apply on some days: `EveryDay` (default), `BusinessDay`, `Holiday`, `Custom`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AvailableTimeConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_type: Option<String>,
    /// Only with DayType `Custom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_of_week: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_ranges: Option<Vec<TimeRange>>,
}

/// A post-call tag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RetryTagItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_value: Option<String>,
}

/// An HTTP push made when a callee's hang-up type or call tags match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TriggerStrategyItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface_config: Option<HttpCallbackConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hangup_types: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_tags: Option<Vec<RetryTagItem>>,
    /// `ONCE_PER_NUMBER` or `ALWAYS_ON_MATCH`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_mode: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HttpCallbackConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_params: Option<Vec<KeyValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Vec<KeyValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<Vec<KeyValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#async: Option<bool>,
    /// 0 none, 1 one of the auth fields below.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_type: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic_auth: Option<BasicAuth>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer_auth: Option<BearerAuth>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_auth: Option<KeyValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth2_auth: Option<OauthConfig>,
}

/// `HeaderParams`, `HttpParams` and `ReturnKey` (Key only) share this shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyValue {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BasicAuth {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic_token: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BearerAuth {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer_token: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OauthConfig {
    #[serde(rename = "TokenURL", default, skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAutoCalloutTaskResponse {
    pub task_id: u64,
}

impl CreateAutoCalloutTask {
    /// The documented limits, checked before anything is sent (the simulator applies the same).
    pub fn validate(&self) -> Result<(), TaskRequestError> {
        if self.callees.is_empty() {
            return Err(TaskRequestError::NoCallees);
        }
        if self.callers.is_empty() {
            return Err(TaskRequestError::NoCallers);
        }
        if self.ai_agent_id.is_none() && self.ivr_id.is_none() {
            return Err(TaskRequestError::NoAgentOrIvr);
        }
        if let Some(t) = self.tries.filter(|t| !TRIES.contains(t)) {
            return Err(TaskRequestError::Tries(t));
        }
        if let Some(i) = self
            .retry_interval
            .filter(|i| !RETRY_INTERVAL_S.contains(i))
        {
            return Err(TaskRequestError::RetryInterval(i));
        }
        for code in self.retry_hangup_types.iter().flatten() {
            if !RETRY_HANGUP_CODES.contains(&code.as_str()) {
                return Err(TaskRequestError::RetryHangupType(code.clone()));
            }
        }
        if let Some(after) = self.not_after.filter(|a| *a <= self.not_before) {
            return Err(TaskRequestError::Window {
                before: self.not_before,
                after,
            });
        }
        if let Some(m) = self.max_ring_timeout_second.filter(|m| *m <= 0) {
            return Err(TaskRequestError::MaxRing(m));
        }
        for range in self.available_time.iter().flatten() {
            range.seconds()?;
        }
        for config in self.available_work_time_config.iter().flatten() {
            config.validate()?;
        }
        Ok(())
    }

    /// Refuses fields the target service does not know, rather than sending them.
    pub fn check_flavour(&self, flavour: Flavour) -> Result<(), TaskRequestError> {
        if flavour == Flavour::International && self.concurrency_limit.is_some() {
            return Err(TaskRequestError::MainlandOnly);
        }
        Ok(())
    }
}

/// Seconds since midnight of a 24-hour `HH:MM:SS` time.
pub fn time_of_day(text: &str) -> Result<u32, TaskRequestError> {
    let bad = || TaskRequestError::TimeOfDay(text.to_string());
    let parts: Vec<&str> = text.split(':').collect();
    let [h, m, s] = parts.as_slice() else {
        return Err(bad());
    };
    let num = |p: &str, max: u32| {
        (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
            .filter(|v| *v <= max)
            .ok_or_else(bad)
    };
    Ok(num(h, 23)? * 3600 + num(m, 59)? * 60 + num(s, 59)?)
}

impl TimeRange {
    pub fn new(start: &str, end: &str) -> Self {
        TimeRange {
            start_time: Some(start.into()),
            end_time: Some(end.into()),
        }
    }

    /// Start and end in seconds since midnight; a missing end means the end of the day.
    pub fn seconds(&self) -> Result<(u32, u32), TaskRequestError> {
        let start = time_of_day(self.start_time.as_deref().unwrap_or("00:00:00"))?;
        let end = time_of_day(self.end_time.as_deref().unwrap_or("23:59:59"))?;
        if end <= start {
            return Err(TaskRequestError::TimeRange {
                start: self.start_time.clone().unwrap_or_default(),
                end: self.end_time.clone().unwrap_or_default(),
            });
        }
        Ok((start, end))
    }
}

impl AvailableTimeConfig {
    fn validate(&self) -> Result<(), TaskRequestError> {
        let day_type = self.day_type.as_deref().unwrap_or("EveryDay");
        if !["EveryDay", "BusinessDay", "Holiday", "Custom"].contains(&day_type) {
            return Err(TaskRequestError::DayType(day_type.into()));
        }
        for day in self.days_of_week.iter().flatten() {
            if day_type != "Custom" || !DAYS_OF_WEEK.contains(&day.as_str()) {
                return Err(TaskRequestError::DayOfWeek(day.clone()));
            }
        }
        for range in self.time_ranges.iter().flatten() {
            range.seconds()?;
        }
        Ok(())
    }
}

/// A task's state (`State`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "u64", into = "u64")]
pub enum TaskState {
    /// Created, calling not started.
    Initial,
    Running,
    /// Every call is done.
    Completed,
    /// NotAfter passed (or stopped), but some calls are still on.
    Ending,
    /// Ended before completion: expired or stopped.
    Terminated,
    /// Paused; may be resumed.
    Paused,
    /// A value this version does not know.
    Other(u64),
}

impl From<u64> for TaskState {
    fn from(v: u64) -> Self {
        match v {
            0 => TaskState::Initial,
            1 => TaskState::Running,
            2 => TaskState::Completed,
            3 => TaskState::Ending,
            4 => TaskState::Terminated,
            5 => TaskState::Paused,
            other => TaskState::Other(other),
        }
    }
}

impl From<TaskState> for u64 {
    fn from(s: TaskState) -> u64 {
        match s {
            TaskState::Initial => 0,
            TaskState::Running => 1,
            TaskState::Completed => 2,
            TaskState::Ending => 3,
            TaskState::Terminated => 4,
            TaskState::Paused => 5,
            TaskState::Other(v) => v,
        }
    }
}

impl TaskState {
    pub fn label(self) -> String {
        match self {
            TaskState::Initial => "initial".into(),
            TaskState::Running => "running".into(),
            TaskState::Completed => "completed".into(),
            TaskState::Ending => "ending".into(),
            TaskState::Terminated => "terminated".into(),
            TaskState::Paused => "paused".into(),
            TaskState::Other(v) => format!("state {v}"),
        }
    }

    /// No call will start any more.
    pub fn is_final(self) -> bool {
        matches!(self, TaskState::Completed | TaskState::Terminated)
    }
}

/// One callee's state in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "u64", into = "u64")]
pub enum CalleeState {
    Initial,
    Answered,
    Unanswered,
    Calling,
    PendingRetry,
    Other(u64),
}

impl From<u64> for CalleeState {
    fn from(v: u64) -> Self {
        match v {
            0 => CalleeState::Initial,
            1 => CalleeState::Answered,
            2 => CalleeState::Unanswered,
            3 => CalleeState::Calling,
            4 => CalleeState::PendingRetry,
            other => CalleeState::Other(other),
        }
    }
}

impl From<CalleeState> for u64 {
    fn from(s: CalleeState) -> u64 {
        match s {
            CalleeState::Initial => 0,
            CalleeState::Answered => 1,
            CalleeState::Unanswered => 2,
            CalleeState::Calling => 3,
            CalleeState::PendingRetry => 4,
            CalleeState::Other(v) => v,
        }
    }
}

impl CalleeState {
    pub fn label(self) -> String {
        match self {
            CalleeState::Initial => "initial".into(),
            CalleeState::Answered => "answered".into(),
            CalleeState::Unanswered => "unanswered".into(),
            CalleeState::Calling => "calling".into(),
            CalleeState::PendingRetry => "pending retry".into(),
            CalleeState::Other(v) => format!("state {v}"),
        }
    }

    /// The task will not call this callee again.
    pub fn is_final(self) -> bool {
        matches!(self, CalleeState::Answered | CalleeState::Unanswered)
    }
}

/// A task's settings, state and every callee with its sessions (no paging).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAutoCalloutTask {
    pub sdk_app_id: u64,
    pub task_id: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DescribeAutoCalloutTaskResponse {
    pub name: Option<String>,
    pub description: Option<String>,
    pub not_before: Option<i64>,
    pub not_after: Option<i64>,
    pub callers: Option<Vec<String>>,
    pub callees: Vec<AutoCalloutTaskCalleeInfo>,
    pub ivr_id: Option<u64>,
    pub state: Option<TaskState>,
    pub max_ring_timeout_second: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AutoCalloutTaskCalleeInfo {
    pub callee: String,
    pub state: CalleeState,
    /// One SessionId per try.
    #[serde(default)]
    pub sessions: Vec<String>,
}

/// A page of the instance's tasks; no filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAutoCalloutTasks {
    pub sdk_app_id: u64,
    pub page_size: u64,
    /// From 0.
    pub page_number: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DescribeAutoCalloutTasksResponse {
    pub total_count: u64,
    pub tasks: Vec<AutoCalloutTaskInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AutoCalloutTaskInfo {
    pub task_id: u64,
    pub name: Option<String>,
    pub callee_count: Option<u64>,
    pub callers: Option<Vec<String>>,
    pub not_before: Option<i64>,
    pub not_after: Option<i64>,
    pub ivr_id: Option<u64>,
    pub state: Option<TaskState>,
    pub max_ring_timeout_second: Option<i64>,
}

/// Stops a task: no new calls; calls in progress end on their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StopAutoCalloutTask {
    pub sdk_app_id: u64,
    pub task_id: u64,
}

/// Pauses a running task (state 5). Its ids are `int64` on the wire, unlike Stop's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PauseAutoCalloutTask {
    pub task_id: i64,
    pub sdk_app_id: i64,
}

/// Resumes a paused task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResumeAutoCalloutTask {
    pub task_id: i64,
    pub sdk_app_id: i64,
}

action!(CreateAutoCalloutTask, CreateAutoCalloutTaskResponse);
action!(DescribeAutoCalloutTask, DescribeAutoCalloutTaskResponse);
action!(DescribeAutoCalloutTasks, DescribeAutoCalloutTasksResponse);
action!(StopAutoCalloutTask, Empty);
action!(PauseAutoCalloutTask, Empty);
action!(ResumeAutoCalloutTask, Empty);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn task() -> CreateAutoCalloutTask {
        CreateAutoCalloutTask {
            sdk_app_id: 1_400_000_000,
            not_before: 1_777_641_412,
            callees: vec!["008613675881491".into()],
            callers: vec!["0086075533614747".into()],
            ai_agent_id: Some(973),
            ..Default::default()
        }
    }

    #[test]
    fn the_request_uses_the_wire_names_and_omits_what_is_unset() {
        let t = CreateAutoCalloutTask {
            name: Some("n".into()),
            uui: Some("u".into()),
            time_zone: Some("Asia/Shanghai".into()),
            available_time: Some(vec![TimeRange::new("09:00:00", "12:00:00")]),
            callee_attributes: Some(vec![CalleeAttribute {
                callee: "008613675881491".into(),
                uui: Some("row-2".into()),
                variables: Some(vec![Variable {
                    key: "name".into(),
                    value: "Ann".into(),
                }]),
            }]),
            ..task()
        };
        assert_eq!(
            serde_json::to_value(&t).unwrap(),
            json!({"SdkAppId": 1400000000, "NotBefore": 1777641412,
                   "Callees": ["008613675881491"], "Callers": ["0086075533614747"],
                   "Name": "n", "UUI": "u",
                   "CalleeAttributes": [{"Callee": "008613675881491", "UUI": "row-2",
                                         "Variables": [{"Key": "name", "Value": "Ann"}]}],
                   "TimeZone": "Asia/Shanghai",
                   "AvailableTime": [{"StartTime": "09:00:00", "EndTime": "12:00:00"}],
                   "AIAgentId": 973})
        );
    }

    #[test]
    fn the_official_trigger_strategy_example_round_trips() {
        let example = json!([{"InterfaceConfig": {"Url": "https://example.com/hook",
            "HeaderParams": [{"Key": "taskid", "Value": "{taskId}"}],
            "Params": [{"Key": "callStatus", "Value": "{callStatus}"}], "Async": false},
            "HangupTypes": ["202", "203", "206"],
            "CallTags": [{"TagName": "test123", "TagValue": "345"}],
            "TriggerMode": "ALWAYS_ON_MATCH"}]);
        let items: Vec<TriggerStrategyItem> = serde_json::from_value(example.clone()).unwrap();
        assert_eq!(serde_json::to_value(&items).unwrap(), example);
    }

    #[test]
    fn documented_limits_are_refused_with_what_to_fix() {
        assert_eq!(task().validate(), Ok(()));
        let bad = |t: CreateAutoCalloutTask| t.validate().unwrap_err();
        assert_eq!(
            bad(CreateAutoCalloutTask {
                tries: Some(4),
                ..task()
            }),
            TaskRequestError::Tries(4)
        );
        assert_eq!(
            bad(CreateAutoCalloutTask {
                retry_interval: Some(599),
                ..task()
            }),
            TaskRequestError::RetryInterval(599)
        );
        let e = bad(CreateAutoCalloutTask {
            retry_hangup_types: Some(vec!["209".into()]),
            ..task()
        });
        assert!(e.to_string().contains("202,203,204"), "{e}");
        assert_eq!(
            bad(CreateAutoCalloutTask {
                ai_agent_id: None,
                ..task()
            }),
            TaskRequestError::NoAgentOrIvr
        );
        assert_eq!(
            bad(CreateAutoCalloutTask {
                available_time: Some(vec![TimeRange::new("9:00", "12:00:00")]),
                ..task()
            }),
            TaskRequestError::TimeOfDay("9:00".into())
        );
        assert!(matches!(
            bad(CreateAutoCalloutTask {
                available_work_time_config: Some(vec![AvailableTimeConfig {
                    day_type: Some("EveryDay".into()),
                    days_of_week: Some(vec!["Monday".into()]),
                    time_ranges: None,
                }]),
                ..task()
            }),
            TaskRequestError::DayOfWeek(_)
        ));
        assert!(matches!(
            bad(CreateAutoCalloutTask {
                not_after: Some(1),
                ..task()
            }),
            TaskRequestError::Window { .. }
        ));
    }

    #[test]
    fn concurrency_limit_is_refused_on_the_international_endpoint_only() {
        let t = CreateAutoCalloutTask {
            concurrency_limit: Some(5),
            ..task()
        };
        let intl = Flavour::of_host("ccc.intl.tencentcloudapi.com");
        assert_eq!(intl, Flavour::International);
        let e = t.check_flavour(intl).unwrap_err();
        assert!(e.to_string().contains("ccc.tencentcloudapi.com"), "{e}");
        assert_eq!(
            t.check_flavour(Flavour::of_host("ccc.tencentcloudapi.com")),
            Ok(())
        );
        assert_eq!(t.check_flavour(Flavour::of_host("127.0.0.1:8080")), Ok(()));
        assert_eq!(task().check_flavour(intl), Ok(()));
    }

    #[test]
    fn states_decode_from_integers_and_keep_unknown_ones() {
        let r: DescribeAutoCalloutTaskResponse = serde_json::from_value(json!({
            "Name": "foobar", "NotBefore": 1729905740, "NotAfter": null, "State": 5,
            "Callers": ["008610086"], "IvrId": 1,
            "Callees": [{"State": 4, "Callee": "008613912345678", "Sessions": ["a", "b"]},
                        {"State": 9, "Callee": "008613912345679", "Sessions": []}]
        }))
        .unwrap();
        assert_eq!(r.state, Some(TaskState::Paused));
        assert_eq!(r.not_after, None);
        assert_eq!(r.callees[0].state, CalleeState::PendingRetry);
        assert_eq!(r.callees[0].sessions, ["a", "b"]);
        assert_eq!(r.callees[1].state, CalleeState::Other(9));
        assert_eq!(serde_json::to_value(TaskState::Terminated).unwrap(), 4);
    }

    #[test]
    fn pause_and_resume_send_their_ids_task_first() {
        let p = PauseAutoCalloutTask {
            task_id: 16498,
            sdk_app_id: 1400692008,
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"TaskId":16498,"SdkAppId":1400692008}"#
        );
    }
}
