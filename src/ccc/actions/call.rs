use serde::{Deserialize, Serialize};

use super::action;

/// Starts one outbound call with a console-configured AI agent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAIAgentCall {
    pub sdk_app_id: i64,
    #[serde(rename = "AIAgentId")]
    pub ai_agent_id: u64,
    pub callee: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callers: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables: Option<Vec<Variable>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ring_timeout_second: Option<i64>,
    /// Seconds to queue when the agent's concurrency is used up (0..=5; newest models only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquire_timeout_second: Option<i64>,
}

/// A prompt or dify variable passed to the agent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Variable {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAIAgentCallResponse {
    #[serde(default)]
    pub session_id: Option<String>,
}

action!(CreateAIAgentCall, CreateAIAgentCallResponse);
