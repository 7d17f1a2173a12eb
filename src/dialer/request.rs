//! What to dial: the form as typed (a draft, kept across restarts) and the validated request.

use serde::{Deserialize, Serialize};

use crate::ccc::actions::{CreateAIAgentCall, Variable};
use crate::history::{Attempt, AttemptId, BatchRef, NewAttempt};
use crate::{phone, variable};

/// The dial form as the user typed it. Nothing here is validated, so nothing typed is lost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DialDraft {
    pub sdk_app_id: String,
    pub agent_id: String,
    /// The picked agent's name, for history and confirmations.
    pub agent_name: Option<String>,
    pub callee: String,
    pub callers: Vec<String>,
    pub variables: Vec<(String, String)>,
    pub max_ring_timeout: String,
    pub acquire_timeout: String,
}

/// Which field a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    SdkAppId,
    AgentId,
    Callee,
    Caller(usize),
    Variable(usize),
    MaxRingTimeout,
    AcquireTimeout,
}

impl Field {
    pub fn label(self) -> String {
        match self {
            Field::SdkAppId => "SdkAppId".into(),
            Field::AgentId => "AIAgentId".into(),
            Field::Callee => "Callee".into(),
            Field::Caller(i) => format!("Caller {}", i + 1),
            Field::Variable(i) => format!("Variable {}", i + 1),
            Field::MaxRingTimeout => "Ring timeout".into(),
            Field::AcquireTimeout => "Queue timeout".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Field,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field.label(), self.message)
    }
}

/// A request that passed validation; numbers are in the service's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialRequest {
    pub sdk_app_id: i64,
    pub agent_id: u64,
    pub agent_name: Option<String>,
    pub callee: String,
    pub callers: Vec<String>,
    pub variables: Vec<(String, String)>,
    pub max_ring_timeout: Option<i64>,
    pub acquire_timeout: Option<i64>,
}

impl DialDraft {
    /// The request, or every problem at once, each tied to its field.
    pub fn validate(&self) -> Result<DialRequest, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut problem = |field, message: String| problems.push(Problem { field, message });

        let sdk_app_id = positive(&self.sdk_app_id, "SdkAppId")
            .map_err(|m| problem(Field::SdkAppId, m))
            .ok();
        let agent_id = positive(&self.agent_id, "AIAgentId")
            .map_err(|m| problem(Field::AgentId, m))
            .ok();
        let callee = if self.callee.trim().is_empty() {
            problem(Field::Callee, "required: the number to call".into());
            None
        } else {
            phone::normalize(&self.callee)
                .map_err(|m| problem(Field::Callee, m))
                .ok()
        };
        let mut callers = Vec::new();
        for (i, c) in self.callers.iter().enumerate() {
            match phone::normalize(c) {
                Ok(n) if callers.contains(&n) => {
                    problem(Field::Caller(i), format!("{n} is listed twice"))
                }
                Ok(n) => callers.push(n),
                Err(m) => problem(Field::Caller(i), m),
            }
        }
        for (i, m) in variable::problems(&self.variables) {
            problem(Field::Variable(i), m);
        }
        let max_ring_timeout = optional_int(&self.max_ring_timeout)
            .and_then(|v| match v {
                Some(s) if s <= 0 => Err("must be a positive number of seconds".into()),
                v => Ok(v),
            })
            .map_err(|m| problem(Field::MaxRingTimeout, m))
            .ok()
            .flatten();
        let acquire_timeout = optional_int(&self.acquire_timeout)
            .and_then(|v| match v {
                Some(s) if !(0..=5).contains(&s) => Err("must be 0 to 5 seconds".into()),
                v => Ok(v),
            })
            .map_err(|m| problem(Field::AcquireTimeout, m))
            .ok()
            .flatten();

        match (sdk_app_id, agent_id, callee) {
            (Some(sdk_app_id), Some(agent_id), Some(callee)) if problems.is_empty() => {
                Ok(DialRequest {
                    sdk_app_id,
                    agent_id: agent_id as u64,
                    agent_name: self.agent_name.clone(),
                    callee,
                    callers,
                    variables: self.variables.clone(),
                    max_ring_timeout,
                    acquire_timeout,
                })
            }
            _ => Err(problems),
        }
    }

    /// The draft with every number that is valid rewritten in the service's form, so the user
    /// sees `+86…` become `0086…`.
    pub fn normalized(&self) -> DialDraft {
        let fix = |n: &String| phone::normalize(n).unwrap_or_else(|_| n.clone());
        DialDraft {
            callee: fix(&self.callee),
            callers: self.callers.iter().map(fix).collect(),
            ..self.clone()
        }
    }

    /// Variables the agent declares that are missing or empty here.
    pub fn empty_declared<'a>(&self, declared: &'a [String]) -> Vec<&'a str> {
        declared
            .iter()
            .filter(|name| {
                !self
                    .variables
                    .iter()
                    .any(|(k, v)| k == *name && !v.trim().is_empty())
            })
            .map(String::as_str)
            .collect()
    }

    /// The form as it was for a past attempt (redial).
    pub fn from_attempt(a: &Attempt) -> DialDraft {
        DialDraft {
            sdk_app_id: a.sdk_app_id.to_string(),
            agent_id: a.agent_id.to_string(),
            agent_name: a.agent_name.clone(),
            callee: a.callee.clone(),
            callers: a.callers.clone(),
            variables: a.variables.clone(),
            max_ring_timeout: a
                .max_ring_timeout
                .map(|v| v.to_string())
                .unwrap_or_default(),
            acquire_timeout: a.acquire_timeout.map(|v| v.to_string()).unwrap_or_default(),
        }
    }
}

impl DialRequest {
    /// The history record of an attempt at this request; `request_json` is the body as sent.
    pub fn new_attempt(
        &self,
        id: AttemptId,
        created_at_ms: i64,
        endpoint: impl Into<String>,
        request_json: String,
        batch: Option<BatchRef>,
    ) -> NewAttempt {
        NewAttempt {
            id,
            created_at_ms,
            endpoint: endpoint.into(),
            sdk_app_id: self.sdk_app_id,
            agent_id: self.agent_id,
            agent_name: self.agent_name.clone(),
            callee: self.callee.clone(),
            callers: self.callers.clone(),
            variables: self.variables.clone(),
            max_ring_timeout: self.max_ring_timeout,
            acquire_timeout: self.acquire_timeout,
            request_json,
            batch,
        }
    }

    /// The API request; empty lists are omitted rather than sent empty.
    pub fn to_action(&self) -> CreateAIAgentCall {
        CreateAIAgentCall {
            sdk_app_id: self.sdk_app_id,
            ai_agent_id: self.agent_id,
            callee: self.callee.clone(),
            callers: (!self.callers.is_empty()).then(|| self.callers.clone()),
            variables: (!self.variables.is_empty()).then(|| {
                self.variables
                    .iter()
                    .map(|(key, value)| Variable {
                        key: key.clone(),
                        value: value.clone(),
                    })
                    .collect()
            }),
            max_ring_timeout_second: self.max_ring_timeout,
            acquire_timeout_second: self.acquire_timeout,
        }
    }

    /// A request read from the API's own JSON body (`ccc-dial call --input`).
    pub fn from_action(a: &CreateAIAgentCall) -> DialDraft {
        DialDraft {
            sdk_app_id: a.sdk_app_id.to_string(),
            agent_id: a.ai_agent_id.to_string(),
            agent_name: None,
            callee: a.callee.clone(),
            callers: a.callers.clone().unwrap_or_default(),
            variables: a
                .variables
                .iter()
                .flatten()
                .map(|v| (v.key.clone(), v.value.clone()))
                .collect(),
            max_ring_timeout: a
                .max_ring_timeout_second
                .map(|v| v.to_string())
                .unwrap_or_default(),
            acquire_timeout: a
                .acquire_timeout_second
                .map(|v| v.to_string())
                .unwrap_or_default(),
        }
    }
}

fn positive(text: &str, what: &str) -> Result<i64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("required: the {what}, a positive whole number"));
    }
    match t.parse::<i64>() {
        Ok(v) if v > 0 => Ok(v),
        _ => Err(format!("{t:?} is not a positive whole number")),
    }
}

fn optional_int(text: &str) -> Result<Option<i64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i64>()
        .map(Some)
        .map_err(|_| format!("{t:?} is not a whole number of seconds"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> DialDraft {
        DialDraft {
            sdk_app_id: "1400000000".into(),
            agent_id: "15".into(),
            callee: "+86 130 1234 5678".into(),
            callers: vec!["008601012345678".into()],
            variables: vec![("name".into(), "张三".into())],
            max_ring_timeout: "30".into(),
            ..Default::default()
        }
    }

    #[test]
    fn valid_draft_becomes_the_api_request() {
        let req = draft().validate().unwrap();
        assert_eq!(req.callee, "008613012345678");
        let body = serde_json::to_string(&req.to_action()).unwrap();
        assert_eq!(
            body,
            r#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678","Callers":["008601012345678"],"Variables":[{"Key":"name","Value":"张三"}],"MaxRingTimeoutSecond":30}"#
        );
        assert_eq!(draft().normalized().callee, "008613012345678");
    }

    #[test]
    fn every_problem_is_listed_with_its_field() {
        let bad = DialDraft {
            sdk_app_id: "abc".into(),
            agent_id: "0".into(),
            callee: "".into(),
            callers: vec![
                "12".into(),
                "008601012345678".into(),
                "008601012345678".into(),
            ],
            variables: vec![
                ("".into(), "x".into()),
                ("welcome-message-delay".into(), "-2".into()),
            ],
            max_ring_timeout: "0".into(),
            acquire_timeout: "6".into(),
            ..Default::default()
        };
        let fields: Vec<Field> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                Field::SdkAppId,
                Field::AgentId,
                Field::Callee,
                Field::Caller(0),
                Field::Caller(2),
                Field::Variable(0),
                Field::Variable(1),
                Field::MaxRingTimeout,
                Field::AcquireTimeout
            ]
        );
    }

    #[test]
    fn empty_options_and_lists_are_omitted() {
        let d = DialDraft {
            callers: vec![],
            variables: vec![],
            max_ring_timeout: "".into(),
            ..draft()
        };
        let body = serde_json::to_string(&d.validate().unwrap().to_action()).unwrap();
        assert_eq!(
            body,
            r#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678"}"#
        );
    }

    #[test]
    fn declared_variables_still_empty_are_flagged() {
        let declared = vec!["name".to_string(), "city".to_string()];
        let mut d = draft();
        d.variables.push(("city".into(), "  ".into()));
        assert_eq!(d.empty_declared(&declared), vec!["city"]);
    }

    #[test]
    fn api_body_round_trips_through_the_draft() {
        let req = draft().validate().unwrap();
        let back = DialRequest::from_action(&req.to_action())
            .validate()
            .unwrap();
        assert_eq!(back, req);
    }
}
