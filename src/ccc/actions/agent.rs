use serde::{Deserialize, Serialize};

use super::action;

/// One page of the AI agents configured under an SdkAppId.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAIAgentInfoList {
    pub sdk_app_id: i64,
    /// At most 100.
    pub page_size: i64,
    /// From 0.
    pub page_number: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAIAgentInfoListResponse {
    #[serde(default, rename = "AIAgentInfoList")]
    pub ai_agent_info_list: Vec<AIAgentInfo>,
    #[serde(default)]
    pub total_count: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AIAgentInfo {
    #[serde(default, rename = "AIAgentId")]
    pub ai_agent_id: u64,
    #[serde(default, rename = "AIAgentName")]
    pub ai_agent_name: String,
    #[serde(default)]
    pub variable_names: Vec<String>,
}

action!(DescribeAIAgentInfoList, DescribeAIAgentInfoListResponse);
