//! What the service reports about a finished AI-agent call: extracted tags, latency, and the
//! turn-by-turn interaction records.

use serde::{Deserialize, Serialize};

use super::action;

/// Post-call tags extracted by the agent (configured in the console).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAICallExtractResult {
    pub sdk_app_id: i64,
    pub session_id: String,
    pub start_time: i64,
    pub end_time: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAICallExtractResultResponse {
    #[serde(default)]
    pub result_list: Vec<AICallExtractResultElement>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AICallExtractResultElement {
    /// `Text`, `Selector`, `Boolean` or `Number`.
    pub info_type: Option<String>,
    pub info_name: Option<String>,
    pub info_content: Option<String>,
    pub result: Option<AICallExtractResultInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AICallExtractResultInfo {
    pub text: Option<String>,
    pub chosen: Option<Vec<String>>,
    pub boolean: Option<bool>,
    pub number: Option<f64>,
}

impl AICallExtractResultElement {
    /// The tag's value for display, read from the key its `InfoType` names: the service
    /// answers all four keys, zero-valued where unused.
    pub fn value(&self) -> String {
        let Some(r) = &self.result else {
            return String::new();
        };
        let text = || r.text.clone().unwrap_or_default();
        let chosen = || r.chosen.as_deref().unwrap_or_default().join(", ");
        let boolean = || r.boolean.map(|b| b.to_string()).unwrap_or_default();
        let number = || r.number.map(|n| n.to_string()).unwrap_or_default();
        match self.info_type.as_deref() {
            Some("Text") => text(),
            Some("Selector") => chosen(),
            Some("Boolean") => boolean(),
            Some("Number") => number(),
            // A type this client does not know: the first key that holds something.
            _ => [text(), chosen(), boolean(), number()]
                .into_iter()
                .find(|v| !v.is_empty())
                .unwrap_or_default(),
        }
    }
}

/// Per-round AI latency of one session (milliseconds; -1 means no data).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAILatency {
    pub sdk_app_id: i64,
    pub session_id: String,
    pub start_time: i64,
    pub end_time: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAILatencyResponse {
    #[serde(default, rename = "AILatencyDetail")]
    pub ai_latency_detail: Vec<AILatencyDetail>,
    #[serde(default, rename = "AILatencyStatistics")]
    pub ai_latency_statistics: Option<AILatencyStatistics>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AILatencyDetail {
    pub round_id: Option<String>,
    #[serde(rename = "ASRLatency")]
    pub asr_latency: Option<f64>,
    #[serde(rename = "TTSLatency")]
    pub tts_latency: Option<f64>,
    #[serde(rename = "LLMLatency")]
    pub llm_latency: Option<f64>,
    #[serde(rename = "LLMFirstTokenLatency")]
    pub llm_first_token_latency: Option<f64>,
    #[serde(rename = "ETELatency")]
    pub ete_latency: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AILatencyStatistics {
    #[serde(rename = "ASRLatency")]
    pub asr_latency: Option<LatencyStatistic>,
    #[serde(rename = "TTSLatency")]
    pub tts_latency: Option<LatencyStatistic>,
    #[serde(rename = "LLMLatency")]
    pub llm_latency: Option<LatencyStatistic>,
    #[serde(rename = "ETELatency")]
    pub ete_latency: Option<LatencyStatistic>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct LatencyStatistic {
    pub min_latency: Option<f64>,
    pub middle_latency: Option<f64>,
    #[serde(rename = "P90Latency")]
    pub p90_latency: Option<f64>,
}

/// The interaction event stream of a session. Newest service models only: an endpoint
/// without it answers `InvalidAction`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAICallInteractionRecords {
    pub sdk_app_id: i64,
    pub session_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAICallInteractionRecordsResponse {
    #[serde(default)]
    pub interaction_event_list: Vec<InteractionEvent>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InteractionEvent {
    pub round_id: Option<String>,
    pub round_index: Option<i64>,
    /// A JSON document, as a string.
    pub tags: Option<String>,
    pub messages: Vec<InteractionMessage>,
    pub paths: Vec<InteractionPath>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InteractionMessage {
    /// Unix milliseconds.
    pub timestamp: Option<i64>,
    pub user_reply: Option<UserReply>,
    #[serde(rename = "AISpeak")]
    pub ai_speak: Option<AISpeak>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UserReply {
    #[serde(rename = "ASRTranscript")]
    pub asr_transcript: Option<String>,
    pub matched_intent: Option<String>,
    pub extracted_slots: Option<serde_json::Value>,
    pub branch_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AISpeak {
    pub spoken_text: Option<String>,
    pub spoken_type: Option<String>,
    pub can_be_interrupted: Option<bool>,
    pub latency_metrics: Option<serde_json::Value>,
    pub knowledge_name: Option<String>,
    pub traverse_reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InteractionPath {
    pub node_name: Option<String>,
    pub node_type: Option<String>,
    pub timestamp: Option<i64>,
    #[serde(rename = "APICall")]
    pub api_call: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(kind: &str) -> AICallExtractResultElement {
        let v = serde_json::json!({"InfoType": kind, "InfoName": "n",
            "Result": {"Text": "", "Chosen": ["a", "b"], "Boolean": true, "Number": 9.5}});
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_tag_shows_the_value_of_its_type() {
        assert_eq!(tag("Text").value(), "");
        assert_eq!(tag("Selector").value(), "a, b");
        assert_eq!(tag("Boolean").value(), "true");
        assert_eq!(tag("Number").value(), "9.5");
        assert_eq!(tag("Rating").value(), "a, b");
    }
}

action!(
    DescribeAICallExtractResult,
    DescribeAICallExtractResultResponse
);
action!(DescribeAILatency, DescribeAILatencyResponse);
action!(
    DescribeAICallInteractionRecords,
    DescribeAICallInteractionRecordsResponse
);
