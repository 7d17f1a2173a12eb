use serde::{Deserialize, Serialize};

use super::action;

/// One page of the instance's phone numbers.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeNumbers {
    pub sdk_app_id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_number: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeNumbersResponse {
    #[serde(default)]
    pub total_count: Option<u64>,
    #[serde(default)]
    pub numbers: Vec<NumberInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NumberInfo {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub call_out_skill_group_ids: Vec<u64>,
    /// 1 normal, 2 disabled for arrears, 4 disabled by the administrator, 5 disabled for violation.
    #[serde(default)]
    pub state: Option<i64>,
    /// 0 not the instance's own number, 1 own (bring your own); AI-agent calls need own numbers.
    #[serde(default)]
    pub cost_type: Option<i64>,
}

impl NumberInfo {
    /// Why this number cannot place AI-agent calls, or `None` when it can.
    pub fn unusable_reason(&self) -> Option<&'static str> {
        match self.state {
            Some(1) => {}
            Some(2) => return Some("disabled for overdue payment"),
            Some(4) => return Some("disabled by the administrator"),
            Some(5) => return Some("disabled for a violation"),
            Some(_) => return Some("not in normal state"),
            None => return Some("state unknown"),
        }
        match self.cost_type {
            Some(1) => None,
            Some(_) => Some("not an own number (AI-agent calls need own numbers)"),
            None => Some("ownership unknown (AI-agent calls need own numbers)"),
        }
    }
}

action!(DescribeNumbers, DescribeNumbersResponse);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_normal_own_numbers_are_usable() {
        let n = |state, cost_type| NumberInfo {
            number: "008601012345678".into(),
            state,
            cost_type,
            ..Default::default()
        };
        assert_eq!(n(Some(1), Some(1)).unusable_reason(), None);
        assert!(
            n(Some(1), Some(0))
                .unusable_reason()
                .unwrap()
                .contains("own")
        );
        assert!(
            n(Some(2), Some(1))
                .unusable_reason()
                .unwrap()
                .contains("overdue")
        );
        assert!(
            n(Some(4), Some(1))
                .unusable_reason()
                .unwrap()
                .contains("administrator")
        );
        assert!(
            n(Some(5), Some(1))
                .unusable_reason()
                .unwrap()
                .contains("violation")
        );
        assert!(n(None, Some(1)).unusable_reason().is_some());
    }
}
