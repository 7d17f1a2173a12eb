//! `ccc-dial sim` as a user runs it: the first line names the address, a signed call works,
//! and SIGTERM stops it cleanly.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use ccc_dial::credentials::Credential;
use ccc_dial::sim;
use ccc_dial::tc3::{self, Request};
use serde_json::Value;

#[tokio::test]
async fn standalone_server_prints_its_address_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.jsonl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ccc-dial"))
        .args(["sim", "--port", "0", "--log"])
        .arg(&log)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let url = first
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line was {first:?}"))
        .to_string();
    let port: u16 = url
        .strip_prefix("http://127.0.0.1:")
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(port, 0);
    let mut second = String::new();
    out.read_line(&mut second).unwrap();
    assert!(second.contains(sim::SIM_SECRET_ID), "{second:?}");

    let cred =
        Credential::new(sim::SIM_SECRET_ID.into(), sim::SIM_SECRET_KEY.into(), None).unwrap();
    let host = format!("127.0.0.1:{port}");
    let body = br#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678"}"#;
    let ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let signed = tc3::sign(
        &cred,
        &Request::post_json(&host, "CreateAIAgentCall", ts, body),
    );
    let mut req = reqwest::Client::new().post(&url).body(&body[..]);
    for (n, v) in &signed.headers {
        req = req.header(n, v);
    }
    let v: Value = serde_json::from_str(&req.send().await.unwrap().text().await.unwrap()).unwrap();
    assert!(v["Response"]["SessionId"].is_string(), "{v}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(logged.lines().count(), 1);
    assert!(logged.contains("\"verdict\":\"ok\""));
}

#[test]
fn a_bad_fixtures_file_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.json");
    std::fs::write(&path, r#"{"SdkAppId": 1, "AIAgents": [], "Numbers": []}"#).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ccc-dial"))
        .args(["sim", "--port", "0", "--fixtures"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("AIAgents is empty"), "{err}");
}

/// The lines `ccc-dial [global] sim --port 0 [args]` prints before serving; it is then stopped.
fn banner(global: &[&str], args: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ccc-dial"))
        .args(global)
        .args(["sim", "--port", "0"])
        .args(args)
        .env("CCC_DIAL_CONFIG", dir.path().join("settings.toml"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let lines: Vec<String> = out
        .lines()
        .map(Result::unwrap)
        .take_while(|l| !l.starts_with("stop with"))
        .collect();
    child.kill().unwrap();
    child.wait().unwrap();
    lines
}

#[test]
fn the_flavour_follows_the_endpoint_unless_given_and_the_lag_is_told() {
    let model = |lines: Vec<String>| {
        lines
            .into_iter()
            .find(|l| l.starts_with("API model:"))
            .unwrap_or_default()
    };
    assert!(model(banner(&[], &[])).contains("international"));
    let mainland = ["--endpoint", "ccc.tencentcloudapi.com"];
    assert!(model(banner(&mainland, &[])).contains("mainland"));
    assert!(model(banner(&mainland, &["--flavour", "international"])).contains("international"));
    let lines = banner(&[], &["--record-lag", "0.5"]).join("\n");
    assert!(
        lines.contains("records appear 0.5 s after a call ends"),
        "{lines}"
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_ccc-dial"))
        .args(["sim", "--port", "0", "--record-lag=-1"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("--record-lag must be a number of seconds"),
        "{err}"
    );
}
