//! The instance the simulator pretends to be: its SdkAppId, AI agents and numbers.
//! The default is `assets/sim-fixtures.json`, built in; `--fixtures FILE` replaces it.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

const DEFAULT_FIXTURES: &str = include_str!("../../assets/sim-fixtures.json");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    #[serde(rename = "SdkAppId")]
    pub sdk_app_id: i64,
    #[serde(rename = "AIAgents")]
    pub agents: Vec<Agent>,
    #[serde(rename = "Numbers")]
    pub numbers: Vec<Number>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    #[serde(rename = "AIAgentId")]
    pub id: u64,
    #[serde(rename = "AIAgentName")]
    pub name: String,
    #[serde(rename = "VariableNames", default)]
    pub variable_names: Vec<String>,
    /// Post-call tags (`AICallExtractResultElement`) returned for this agent's answered calls.
    #[serde(rename = "ExtractResults", default)]
    pub extract_results: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Number {
    #[serde(rename = "Number")]
    pub number: String,
    #[serde(rename = "CallOutSkillGroupIds", default)]
    pub skill_group_ids: Vec<u64>,
    /// 1 normal, 2 disabled for arrears, 4 disabled by an administrator, 5 disabled for violation.
    #[serde(rename = "State")]
    pub state: i64,
    /// 0 a platform number, 1 an own (bring-your-own) number; AI-agent calls need own numbers.
    #[serde(rename = "CostType")]
    pub cost_type: i64,
}

impl Number {
    /// Why this number cannot place an AI-agent call, if it cannot.
    pub fn unusable_reason(&self) -> Option<&'static str> {
        match (self.state, self.cost_type) {
            (_, 0) => Some("is not an own number (CostType 0); AI-agent calls need own numbers"),
            (2, _) => Some("is disabled for arrears (State 2)"),
            (4, _) => Some("is disabled by an administrator (State 4)"),
            (5, _) => Some("is disabled for violation (State 5)"),
            (1, 1) => None,
            _ => Some("is not in service"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FixturesError {
    #[error("cannot read the fixtures file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the fixtures file {path} is not valid: {source} (see assets/sim-fixtures.json for the format)"
    )]
    Parse {
        path: String,
        source: serde_json::Error,
    },
    #[error("the fixtures file {path} is not valid: {problem}")]
    Invalid { path: String, problem: String },
}

impl Default for Fixtures {
    fn default() -> Self {
        Self::parse(DEFAULT_FIXTURES, "assets/sim-fixtures.json")
            .expect("the built-in fixtures are valid (checked by a test)")
    }
}

impl Fixtures {
    pub fn load(path: &Path) -> Result<Self, FixturesError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| FixturesError::Read {
            path: shown.clone(),
            source,
        })?;
        Self::parse(&text, &shown)
    }

    pub fn parse(text: &str, path: &str) -> Result<Self, FixturesError> {
        let f: Fixtures = serde_json::from_str(text).map_err(|source| FixturesError::Parse {
            path: path.to_string(),
            source,
        })?;
        f.check().map_err(|problem| FixturesError::Invalid {
            path: path.to_string(),
            problem,
        })?;
        Ok(f)
    }

    fn check(&self) -> Result<(), String> {
        if self.agents.is_empty() {
            return Err("AIAgents is empty; list at least one agent".into());
        }
        let mut ids = HashSet::new();
        for a in &self.agents {
            if !ids.insert(a.id) {
                return Err(format!("AIAgentId {} appears twice", a.id));
            }
        }
        let mut numbers = HashSet::new();
        for n in &self.numbers {
            if !is_number(&n.number) {
                return Err(format!(
                    "number {:?} is not written 00 + country code + digits",
                    n.number
                ));
            }
            if !numbers.insert(n.number.as_str()) {
                return Err(format!("number {} appears twice", n.number));
            }
            if ![1, 2, 4, 5].contains(&n.state) {
                return Err(format!("number {}: State must be 1, 2, 4 or 5", n.number));
            }
            if ![0, 1].contains(&n.cost_type) {
                return Err(format!("number {}: CostType must be 0 or 1", n.number));
            }
        }
        Ok(())
    }

    pub fn agent(&self, id: u64) -> Option<&Agent> {
        self.agents.iter().find(|a| a.id == id)
    }

    pub fn number(&self, number: &str) -> Option<&Number> {
        self.numbers.iter().find(|n| n.number == number)
    }
}

/// The service's number format: `00`, a country code and the number, digits only.
pub fn is_number(s: &str) -> bool {
    s.len() >= 7 && s.starts_with("00") && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_fixtures_hold_the_documented_example() {
        let f = Fixtures::default();
        assert_eq!(f.sdk_app_id, 1_400_000_000);
        assert!(f.agent(15).is_some());
        for caller in ["008601012345678", "008601012345679"] {
            assert_eq!(f.number(caller).unwrap().unusable_reason(), None);
        }
        for state in [1, 2, 4, 5] {
            assert!(f.numbers.iter().any(|n| n.state == state), "State {state}");
        }
        for cost in [0, 1] {
            assert!(
                f.numbers.iter().any(|n| n.cost_type == cost),
                "CostType {cost}"
            );
        }
        assert!(
            f.agents
                .iter()
                .any(|a| a.variable_names.iter().any(|v| v == "dify-inputs-user"))
        );
    }

    #[test]
    fn bad_fixtures_say_what_is_wrong() {
        let dup = r#"{"SdkAppId":1,"AIAgents":[{"AIAgentId":1,"AIAgentName":"a"},{"AIAgentId":1,"AIAgentName":"b"}],"Numbers":[]}"#;
        let e = Fixtures::parse(dup, "f.json").unwrap_err().to_string();
        assert!(e.contains("AIAgentId 1 appears twice"), "{e}");
        let plus = r#"{"SdkAppId":1,"AIAgents":[{"AIAgentId":1,"AIAgentName":"a"}],"Numbers":[{"Number":"+8613012345678","State":1,"CostType":1}]}"#;
        let e = Fixtures::parse(plus, "f.json").unwrap_err().to_string();
        assert!(e.contains("00 + country code"), "{e}");
        let e = Fixtures::parse("{", "f.json").unwrap_err().to_string();
        assert!(e.contains("f.json"), "{e}");
    }
}
