//! The two published API models: the international one (`tencentcloud-sdk-python-intl-en`,
//! tccli) and the mainland one (`tencentcloud-sdk-python-ccc`). The international model lacks
//! an action and a few fields; a simulator of that flavour refuses and omits them as the
//! service behind that model would.

use serde_json::{Map, Value};

pub use crate::endpoint::Flavour;

impl Flavour {
    /// Whether this flavour's model has the action.
    pub fn offers(self, action: &str) -> bool {
        self == Flavour::Mainland || action != "DescribeAICallInteractionRecords"
    }

    /// Whether this flavour's model has the request parameter `name` of `action`.
    pub fn accepts(self, action: &str, name: &str) -> bool {
        self == Flavour::Mainland
            || !matches!(
                (action, name),
                ("CreateAIAgentCall", "AcquireTimeoutSecond")
                    | ("CreateAutoCalloutTask", "ConcurrencyLimit")
            )
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
        for (endpoint, flavour) in [
            ("ccc.tencentcloudapi.com", Flavour::Mainland),
            ("https://ccc.tencentcloudapi.com/", Flavour::Mainland),
            ("ccc.intl.tencentcloudapi.com", Flavour::International),
            ("http://127.0.0.1:18081", Flavour::International),
        ] {
            assert_eq!(Flavour::of_endpoint(endpoint), flavour, "{endpoint}");
        }
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
        assert!(!Flavour::International.accepts("CreateAutoCalloutTask", "ConcurrencyLimit"));
        assert!(Flavour::Mainland.accepts("CreateAutoCalloutTask", "ConcurrencyLimit"));
    }
}
