use serde::{Deserialize, Serialize};

use super::{Empty, action};

/// Steers a live AI-agent call from the server side.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ControlAIConversation {
    pub session_id: String,
    pub sdk_app_id: i64,
    /// `ServerPushText` or `InvokeLLM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_push_text: Option<ServerPushText>,
    #[serde(rename = "InvokeLLM", skip_serializing_if = "Option::is_none")]
    pub invoke_llm: Option<InvokeLLM>,
}

/// Text for the AI to say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServerPushText {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupt: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_after_play: Option<bool>,
    /// Base64 mono PCM at the TTS rate; overrides `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop_mode: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_history: Option<bool>,
}

/// Content sent to the LLM to trigger a turn.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvokeLLM {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupt: Option<bool>,
}

impl ControlAIConversation {
    pub fn push_text(sdk_app_id: i64, session_id: &str, text: &str, interrupt: bool) -> Self {
        ControlAIConversation {
            session_id: session_id.into(),
            sdk_app_id,
            command: Some("ServerPushText".into()),
            server_push_text: Some(ServerPushText {
                text: Some(text.into()),
                interrupt: Some(interrupt),
                ..Default::default()
            }),
            invoke_llm: None,
        }
    }

    /// ServerPushText with StopAfterPlay: the call ends once the agent has said `text`.
    pub fn push_last_words(sdk_app_id: i64, session_id: &str, text: &str, interrupt: bool) -> Self {
        let mut request = Self::push_text(sdk_app_id, session_id, text, interrupt);
        if let Some(push) = &mut request.server_push_text {
            push.stop_after_play = Some(true);
        }
        request
    }

    pub fn invoke_llm(sdk_app_id: i64, session_id: &str, content: &str, interrupt: bool) -> Self {
        ControlAIConversation {
            session_id: session_id.into(),
            sdk_app_id,
            command: Some("InvokeLLM".into()),
            server_push_text: None,
            invoke_llm: Some(InvokeLLM {
                content: Some(content.into()),
                interrupt: Some(interrupt),
            }),
        }
    }
}

action!(ControlAIConversation, Empty);
