//! `ccc-dial call`, run as a user would, against the simulator.
#![cfg(unix)]

mod support;

use std::process::{Command, Output};
use std::time::Duration;

use ccc_dial::history::{AttemptStatus, Filter, Page};
use ccc_dial::sim::{self, SimConfig, SimHandle};
use serde_json::Value;
use support::cli::{Sandbox, StandaloneSim, stderr, stdout};

const APP: &str = "1400000000";

async fn output(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

async fn simulator() -> SimHandle {
    sim::start(SimConfig {
        slow_answer: Duration::from_secs(5),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

fn call(cmd: &mut Command, callee: &str) {
    cmd.args([
        "call",
        "--sdk-app-id",
        APP,
        "--agent",
        "15",
        "--callee",
        callee,
    ]);
}

fn attempts(sandbox: &Sandbox) -> Vec<ccc_dial::history::Attempt> {
    if !sandbox.history_path().exists() {
        return Vec::new();
    }
    sandbox
        .store()
        .list(&Filter::default(), Page::all())
        .unwrap()
}

#[test]
fn without_credentials_it_names_the_ways_to_configure_and_does_not_simulate() {
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.command();
    call(&mut cmd, "008613012345678");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    for way in [
        "TENCENTCLOUD_SECRET_ID",
        "~/.tccli",
        "~/.tencentcloud/credentials",
        "--sim",
    ] {
        assert!(err.contains(way), "{way} missing from: {err}");
    }
    assert!(stdout(&out).is_empty());
    assert!(attempts(&sandbox).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn accepted_call_prints_the_service_ids_and_is_recorded() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.against(&sim.url());
    call(&mut cmd, "+86 130 1234 5678");
    cmd.args(["--caller", "008601012345678", "--var", "name=Ann", "--json"]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let logged = sim.requests();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].body["Callee"], "008613012345678");
    assert_eq!(logged[0].body["Variables"][0]["Value"], "Ann");
    assert_eq!(
        printed["SessionId"].as_str(),
        logged[0].session_id.as_deref()
    );
    assert!(!printed["RequestId"].as_str().unwrap().is_empty());

    let recorded = attempts(&sandbox);
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].status, AttemptStatus::Accepted);
    assert_eq!(
        recorded[0].session_id.as_deref(),
        printed["SessionId"].as_str()
    );
    assert_eq!(
        recorded[0].request_id.as_deref(),
        printed["RequestId"].as_str()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_outcome_has_its_exit_code() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    let run = |callee: &str, extra: &[&str]| {
        let mut cmd = sandbox.against(&sim.url());
        cmd.args(extra);
        call(&mut cmd, callee);
        output(cmd)
    };

    let out = run("00999100001", &[]).await;
    assert_eq!(out.status.code(), Some(3), "rejected: {}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("FailedOperation.CalleeIsBlackUser") && err.contains("hint:"),
        "{err}"
    );

    let out = run("00999300003", &[]).await;
    assert_eq!(out.status.code(), Some(4), "HTTP 500: {}", stderr(&out));
    let out = run("00999300001", &["--timeout", "1"]).await;
    assert_eq!(out.status.code(), Some(4), "timeout: {}", stderr(&out));
    let out = run("00999300004", &[]).await;
    assert_eq!(out.status.code(), Some(4), "malformed: {}", stderr(&out));

    let out = run("not a number", &[]).await;
    assert_eq!(out.status.code(), Some(2), "invalid: {}", stderr(&out));
    assert!(stderr(&out).contains("Callee"), "{}", stderr(&out));

    // Each of the five that reached the simulator was sent exactly once: none is retried.
    assert_eq!(sim.count("CreateAIAgentCall"), 4);
    let statuses: Vec<AttemptStatus> = attempts(&sandbox).iter().map(|a| a.status).collect();
    assert_eq!(statuses.len(), 4);
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == AttemptStatus::Unknown)
            .count(),
        3
    );
}

#[test]
fn nothing_listening_is_not_sent() {
    // A port that was free a moment ago: the connection is refused, nothing leaves.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.against(&format!("http://127.0.0.1:{port}"));
    call(&mut cmd, "008613012345678");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert_eq!(attempts(&sandbox)[0].status, AttemptStatus::NotSent);
}

#[tokio::test(flavor = "multi_thread")]
async fn input_takes_the_documented_example_body() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    // The example of the CreateAIAgentCall documentation, with its deprecated field name.
    let body = r#"{
    "SdkAppId": 1400000000,
    "AIAgentId": 15,
    "Callee": "008613312345678",
    "Callers": [
        "008601012345678"
    ],
    "PromptVariables": [
        {
            "Key": "name",
            "Value": "张三"
        }
    ]
}"#;
    let file = sandbox.path("request.json");
    std::fs::write(&file, body).unwrap();
    let mut cmd = sandbox.against(&sim.url());
    cmd.args(["call", "--input"]).arg(&file);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("SessionId: "), "{}", stdout(&out));
    let sent = &sim.requests()[0].body;
    assert_eq!(sent["Callee"], "008613312345678");
    assert_eq!(sent["Callers"][0], "008601012345678");
    assert_eq!(sent["Variables"][0]["Value"], "张三");

    std::fs::write(&file, r#"{"SdkAppId": 1400000000, "AIAgentID": 15}"#).unwrap();
    let mut cmd = sandbox.against(&sim.url());
    cmd.args(["call", "--input"]).arg(&file);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("\"AIAgentID\""), "{}", stderr(&out));
    assert_eq!(sim.count("CreateAIAgentCall"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_prints_the_signed_request_and_sends_nothing() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    let secret = "dry-run-secret-key-that-must-not-show";
    let mut cmd = sandbox.command();
    cmd.env("TENCENTCLOUD_SECRET_ID", "AKIDdryrun000000000000001")
        .env("TENCENTCLOUD_SECRET_KEY", secret)
        .args(["--endpoint", &sim.url()]);
    call(&mut cmd, "008613012345678");
    cmd.arg("--dry-run");
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with(&format!("POST {}/", sim.url())), "{text}");
    for part in [
        "X-TC-Action: CreateAIAgentCall",
        "Authorization: TC3-HMAC-SHA256 Credential=AKIDdryrun000000000000001/",
        r#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678"}"#,
        "curl -sS -X POST",
        "--data-raw",
    ] {
        assert!(text.contains(part), "{part} missing from:\n{text}");
    }
    assert!(!text.contains(secret) && !stderr(&out).contains(secret));
    assert!(sim.requests().is_empty());
    assert!(attempts(&sandbox).is_empty());
}

#[test]
fn wait_follows_the_call_and_prints_its_record() {
    let sandbox = Sandbox::new();
    let sim = StandaloneSim::start(sandbox.dir.path(), 0.2, 0.3);
    std::fs::write(sandbox.path("settings.toml"), "poll_interval_ms = 200\n").unwrap();
    let mut cmd = sandbox.against(&sim.url);
    call(&mut cmd, "008613012345678");
    cmd.args(["--wait", "--json"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let record = &printed["CallRecord"];
    assert_eq!(record["SessionId"], printed["SessionId"]);
    assert_eq!(record["Callee"], "008613012345678");
    assert!(record["EndStatusString"].is_string(), "{record}");
    let actions: Vec<String> = sim
        .requests()
        .iter()
        .map(|r| r["action"].as_str().unwrap().to_string())
        .collect();
    // Followed through the dialer: the call record, then the AI details.
    let after_session = actions
        .iter()
        .skip_while(|a| *a != "DescribeTelSession")
        .collect::<Vec<_>>();
    assert!(after_session.contains(&&"DescribeTelCdr".to_string()));
    assert!(after_session.contains(&&"DescribeAILatency".to_string()));
    assert_eq!(attempts(&sandbox)[0].status, AttemptStatus::Finished);
}
