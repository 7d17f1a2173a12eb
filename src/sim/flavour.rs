//! The two published API models: the international one (`tencentcloud-sdk-python-intl-en`,
//! tccli) and the mainland one (`tencentcloud-sdk-python-ccc`). The international model lacks
//! an action and a few fields; a simulator of that flavour refuses and omits them as the
//! service behind that model would.

use serde_json::{Map, Value};

use crate::endpoint::MAINLAND_HOST;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Flavour {
    /// ccc.intl.tencentcloudapi.com
    #[default]
    International,
    /// ccc.tencentcloudapi.com
    Mainland,
}

impl Flavour {
    /// The flavour of the service at `host_or_url`: mainland for its host, else international.
    pub fn of_endpoint(host_or_url: &str) -> Flavour {
        let host = host_or_url
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .split(['/', ':'])
            .next()
            .unwrap_or("");
        if host.eq_ignore_ascii_case(MAINLAND_HOST) {
            Flavour::Mainland
        } else {
            Flavour::International
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Flavour::International => "international",
            Flavour::Mainland => "mainland",
        }
    }

    /// Whether this flavour's model has the action.
    pub fn offers(self, action: &str) -> bool {
        self == Flavour::Mainland || action != "DescribeAICallInteractionRecords"
    }

    /// Whether this flavour's model has the request parameter `name` of `action`.
    pub fn accepts(self, action: &str, name: &str) -> bool {
        self == Flavour::Mainland || (action, name) != ("CreateAIAgentCall", "AcquireTimeoutSecond")
    }

    /// Removes from an answer the fields this flavour's model does not have.
    pub fn shape(self, action: &str, fields: &mut Map<String, Value>) {
        if self == Flavour::Mainland {
            return;
        }
        let (list, absent): (&[&str], &[&str]) = match action {
            "DescribeNumbers" => (&["Numbers"], &["CostType"]),
            "DescribeTelCdr" => (
                &["TelCdrList", "TelCdrs"],
                &["EndStatusV2", "PostIVRKeyPressedEx"],
            ),
            _ => return,
        };
        for name in list {
            if let Some(Value::Array(items)) = fields.get_mut(*name) {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    for field in absent {
                        item.remove(*field);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_endpoint_picks_the_flavour() {
        assert_eq!(
            Flavour::of_endpoint("ccc.tencentcloudapi.com"),
            Flavour::Mainland
        );
        assert_eq!(
            Flavour::of_endpoint("https://ccc.tencentcloudapi.com/"),
            Flavour::Mainland
        );
        assert_eq!(
            Flavour::of_endpoint("ccc.intl.tencentcloudapi.com"),
            Flavour::International
        );
        assert_eq!(
            Flavour::of_endpoint("http://127.0.0.1:18081"),
            Flavour::International
        );
    }

    #[test]
    fn international_answers_lose_mainland_fields() {
        let mut f = json!({"Numbers": [{"Number": "1", "CostType": 1}]});
        let m = f.as_object_mut().unwrap();
        Flavour::Mainland.shape("DescribeNumbers", m);
        assert_eq!(m["Numbers"][0]["CostType"], 1);
        Flavour::International.shape("DescribeNumbers", m);
        assert!(m["Numbers"][0].get("CostType").is_none());
        assert!(!Flavour::International.offers("DescribeAICallInteractionRecords"));
        assert!(!Flavour::International.accepts("CreateAIAgentCall", "AcquireTimeoutSecond"));
        assert!(Flavour::Mainland.accepts("CreateAIAgentCall", "AcquireTimeoutSecond"));
    }
}
