//! The signer against the official Python SDK: for generated inputs, every header we would
//! send equals the one the SDK builds for the same body.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use ccc_dial::credentials::Credential;
use ccc_dial::tc3::{self, Request};
use serde_json::{Value, json};

/// A small deterministic generator (xorshift), so a failure is reproducible.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
    fn text(&mut self) -> String {
        const PARTS: &[&str] = &[
            "Alice",
            "张三",
            "😀",
            "🇨🇳",
            "\"quoted\"",
            "back\\slash",
            "line\nbreak",
            "tab\t",
            "\u{0}",
            "\u{1f}",
            "é",
            "Ω",
            "</script>",
            " ",
            "",
            "dify",
            "\u{2028}",
            "ß",
            "𝄞",
        ];
        (0..self.below(5)).map(|_| self.pick(PARTS)).collect()
    }
}

fn params(g: &mut Gen) -> Value {
    let mut p = serde_json::Map::new();
    p.insert("SdkAppId".into(), json!(1_400_000_000u64 + g.below(1000)));
    p.insert("AIAgentId".into(), json!(g.below(100_000)));
    p.insert(
        "Callee".into(),
        json!(format!(
            "0086{}",
            13_000_000_000u64 + g.below(1_000_000_000)
        )),
    );
    match g.below(3) {
        0 => {}
        1 => {
            p.insert("Callers".into(), json!([]));
        }
        _ => {
            p.insert(
                "Callers".into(),
                json!(["008601012345678", "008601012345679"]),
            );
        }
    }
    let vars: Vec<Value> = (0..g.below(4))
        .map(|_| json!({"Key": g.text(), "Value": g.text()}))
        .collect();
    p.insert("Variables".into(), Value::Array(vars));
    if g.below(2) == 0 {
        p.insert("MaxRingTimeoutSecond".into(), json!(g.below(120)));
    }
    Value::Object(p)
}

#[test]
fn headers_equal_the_official_sdk_for_generated_inputs() {
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let midnight = 1_700_006_400i64;
    let cases: Vec<Value> = (0..240)
        .map(|i| {
            let ts = match i % 3 {
                0 => midnight + g.below(5) as i64 - 2,
                1 => midnight - 86_400 * g.below(3000) as i64 + g.below(86_400) as i64,
                _ => 1_551_113_065,
            };
            let mut case = json!({
                "secret_id": format!("AKID{}", g.below(u64::MAX)),
                "secret_key": format!("key{}{}", g.below(u64::MAX), g.pick(&["", "/+=", "EXAMPLE"])),
                "endpoint": g.pick(&["ccc.tencentcloudapi.com", "ccc.intl.tencentcloudapi.com", "127.0.0.1:18081"]),
                "action": g.pick(&["CreateAIAgentCall", "DescribeTelSession", "HangUpCall"]),
                "params": params(&mut g),
                "timestamp": ts,
                "language": g.pick(&["en-US", "zh-CN"]),
            });
            if g.below(2) == 0 {
                case["token"] = json!(format!("tok-{}", g.below(u64::MAX)));
            }
            if g.below(2) == 0 {
                case["region"] = json!(g.pick(&["ap-singapore", "ap-guangzhou"]));
            }
            case
        })
        .collect();

    let mut child = Command::new(support::sdk::python())
        .arg(support::sdk::script("sign.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        for c in &cases {
            writeln!(stdin, "{c}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "sign.py failed");
    let answers: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), cases.len());

    for (case, sdk) in cases.iter().zip(&answers) {
        let body = sdk["body"].as_str().unwrap();
        let cred = Credential::new(
            case["secret_id"].as_str().unwrap().into(),
            case["secret_key"].as_str().unwrap().into(),
            case["token"].as_str().map(String::from),
        )
        .unwrap();
        let host = case["endpoint"].as_str().unwrap();
        let req = Request {
            region: case["region"].as_str(),
            language: case["language"].as_str(),
            ..Request::post_json(
                host,
                case["action"].as_str().unwrap(),
                case["timestamp"].as_i64().unwrap(),
                body.as_bytes(),
            )
        };
        let ours = tc3::sign(&cred, &req);
        // The client's path (the key kept per day) sends exactly these headers.
        assert_eq!(tc3::Signer::new(cred.clone()).headers(&req), ours.headers);
        let sdk_headers = sdk["headers"].as_object().unwrap();
        for (name, value) in &ours.headers {
            assert_eq!(
                sdk_headers.get(name).and_then(Value::as_str),
                Some(value),
                "header {name} differs for case {case}"
            );
        }
        // Every header the SDK signs or needs is one we send too (its client tag and trace id aside).
        for name in sdk_headers.keys() {
            if name != "X-TC-RequestClient" && name != "X-TC-TraceId" {
                assert!(
                    ours.headers.iter().any(|(n, _)| n == name),
                    "we do not send {name}"
                );
            }
        }
        // Our own compact body carries the same JSON value as the SDK's.
        let compact = serde_json::to_vec(&case["params"]).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&compact).unwrap(),
            serde_json::from_str::<Value>(body).unwrap()
        );
    }
}
