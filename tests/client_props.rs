//! Property tests: the decoder never panics on any bytes, and request building never panics on
//! any strings or numbers (and always yields JSON that reads back to the same request).

use ccc_dial::ccc::actions::{CreateAIAgentCall, DescribeTelCdr, Variable};
use ccc_dial::ccc::{Client, ClientConfig, decode};
use ccc_dial::credentials::Credential;
use proptest::prelude::*;
use std::sync::LazyLock;

static CLIENT: LazyLock<Client> = LazyLock::new(|| {
    let cred = Credential::new("AKIDprop".into(), "prop-key".into(), None).unwrap();
    Client::new(ClientConfig::new("ccc.intl.tencentcloudapi.com", cred)).unwrap()
});

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decoder_survives_any_bytes(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode::<CreateAIAgentCall>(status, &body, None);
        let _ = decode::<DescribeTelCdr>(status, &body, Some(-3));
    }

    #[test]
    fn decoder_survives_json_like_answers(
        session in proptest::option::of(any::<String>()),
        code in proptest::option::of("[A-Za-z.]{0,30}"),
        request_id in proptest::option::of(any::<String>()),
        noise in any::<i64>(),
    ) {
        let mut response = serde_json::json!({"Noise": noise});
        if let Some(s) = session { response["SessionId"] = s.into(); }
        if let Some(c) = code { response["Error"] = serde_json::json!({"Code": c}); }
        if let Some(r) = request_id { response["RequestId"] = r.into(); }
        let body = serde_json::json!({"Response": response}).to_string();
        let _ = decode::<CreateAIAgentCall>(200, body.as_bytes(), None);
    }

    #[test]
    fn building_requests_never_panics(
        sdk_app_id in any::<i64>(),
        agent in any::<u64>(),
        callee in any::<String>(),
        callers in proptest::collection::vec(any::<String>(), 0..4),
        vars in proptest::collection::vec((any::<String>(), any::<String>()), 0..4),
        ring in proptest::option::of(any::<i64>()),
        ts in any::<i64>(),
    ) {
        let req = CreateAIAgentCall {
            sdk_app_id,
            ai_agent_id: agent,
            callee,
            callers: Some(callers),
            variables: Some(vars.into_iter().map(|(key, value)| Variable { key, value }).collect()),
            max_ring_timeout_second: ring,
            acquire_timeout_second: None,
        };
        let prepared = CLIENT.prepare(&req, ts).unwrap();
        let back: CreateAIAgentCall = serde_json::from_slice(&prepared.body).unwrap();
        prop_assert_eq!(back, req);
        prop_assert!(prepared.header("Authorization").unwrap().starts_with("TC3-HMAC-SHA256 "));
    }
}
