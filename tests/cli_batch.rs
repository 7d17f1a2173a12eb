//! `ccc-dial batch`, run as a user would, against the simulator and its request log.
#![cfg(unix)]

mod support;

use std::collections::HashMap;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use ccc_dial::sim::{self, SimConfig, SimHandle};
use serde_json::Value;
use support::cli::{Sandbox, StandaloneSim, stderr, stdout};

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

/// `n` ordinary callees, one per row.
fn callees(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("0086130{i:08}")).collect()
}

fn csv_of(callees: &[String]) -> String {
    let mut csv = String::from("callee,var.name\n");
    for (i, c) in callees.iter().enumerate() {
        csv.push_str(&format!("{c},person {i}\n"));
    }
    csv
}

fn batch(cmd: &mut Command, file: &std::path::Path) {
    cmd.arg("batch")
        .arg(file)
        .args(["--sdk-app-id", "1400000000", "--agent", "15"]);
}

fn results(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn times_requested(callees: &[String]) -> HashMap<&str, usize> {
    let mut seen = HashMap::new();
    for c in callees {
        *seen.entry(c.as_str()).or_default() += 1;
    }
    seen
}

#[tokio::test(flavor = "multi_thread")]
async fn each_row_once_and_a_rerun_sends_nothing_that_may_have_rung() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    let mut rows = callees(20);
    rows.extend(["00999300003", "00999300001", "00999300002", "00999100001"].map(String::from));
    let mut csv = csv_of(&rows);
    csv.push_str("12,bad row\n");
    let file = sandbox.path("calls.csv");
    std::fs::write(&file, &csv).unwrap();
    let out_path = sandbox.path("results.jsonl");

    let mut cmd = sandbox.against(&sim.url());
    cmd.args(["--timeout", "1"]);
    batch(&mut cmd, &file);
    cmd.arg("--out").arg(&out_path);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("calls.csv:26: skipped: Callee"), "{err}");
    let sent: Vec<String> = sim
        .requests()
        .iter()
        .filter(|r| r.action == "CreateAIAgentCall")
        .map(|r| r.body["Callee"].as_str().unwrap().to_string())
        .collect();
    let counts = times_requested(&sent);
    assert_eq!(counts.len(), rows.len());
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    let by_callee: HashMap<String, String> = results(&out_path)
        .iter()
        .map(|r| {
            (
                r["callee"].as_str().unwrap().to_string(),
                r["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(by_callee[&rows[0]], "accepted");
    assert_eq!(by_callee["00999300003"], "unknown", "HTTP 500");
    assert_eq!(by_callee["00999300001"], "unknown", "timeout");
    assert_eq!(by_callee["00999300002"], "unknown", "dropped");
    assert_eq!(by_callee["00999100001"], "rejected");
    assert_eq!(by_callee["12"], "invalid");

    // The same batch again: nothing is sent, and the unknown rows are listed.
    let mut cmd = sandbox.against(&sim.url());
    cmd.args(["--timeout", "1"]);
    batch(&mut cmd, &file);
    cmd.arg("--out").arg(&out_path);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(sim.count("CreateAIAgentCall"), rows.len());
    let err = stderr(&out);
    for line in [22, 23, 24] {
        assert!(
            err.contains(&format!("line {line}: ")),
            "line {line}: {err}"
        );
    }
    let outcomes: Vec<String> = results(&out_path)
        .iter()
        .map(|r| r["outcome"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        outcomes.iter().filter(|o| *o == "skipped_accepted").count(),
        20
    );
    assert_eq!(
        outcomes.iter().filter(|o| *o == "skipped_unknown").count(),
        3
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rows_that_never_left_are_sent_on_the_rerun() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sandbox = Sandbox::new();
    let rows = callees(3);
    let file = sandbox.path("calls.csv");
    std::fs::write(&file, csv_of(&rows)).unwrap();
    let mut cmd = sandbox.against(&format!("http://127.0.0.1:{port}"));
    batch(&mut cmd, &file);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));

    let sim = simulator().await;
    let mut cmd = sandbox.against(&sim.url());
    batch(&mut cmd, &file);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(sim.count("CreateAIAgentCall"), 3);
}

#[test]
fn killed_mid_batch_and_rerun_no_callee_is_requested_twice() {
    let sandbox = Sandbox::new();
    let sim = StandaloneSim::start(sandbox.dir.path(), 1.0, 1.0);
    let rows = callees(80);
    let file = sandbox.path("calls.csv");
    std::fs::write(&file, csv_of(&rows)).unwrap();

    let mut cmd = sandbox.against(&sim.url);
    batch(&mut cmd, &file);
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while sim.callees().len() < 30 {
        assert!(Instant::now() < deadline, "the batch did not get going");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let before = sim.callees().len();
    assert!(before < rows.len(), "killed too late to tell");

    let mut cmd = sandbox.against(&sim.url);
    batch(&mut cmd, &file);
    let out = cmd.output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0) | Some(4)),
        "{}",
        stderr(&out)
    );
    // A request refused for the request rate placed no call: the dialer sends it again once
    // the window has passed (a loaded machine can bunch a run's requests up).
    let requests = sim.requests();
    let placing: Vec<String> = requests
        .iter()
        .filter(|r| r["action"] == "CreateAIAgentCall" && r["verdict"] != "RequestLimitExceeded")
        .map(|r| r["body"]["Callee"].as_str().unwrap_or_default().to_string())
        .collect();
    let counts = times_requested(&placing);
    let verdicts: Vec<String> = requests
        .iter()
        .filter(|r| r["action"] == "CreateAIAgentCall")
        .map(|r| format!("{} {}", r["body"]["Callee"], r["verdict"]))
        .collect();
    assert!(counts.values().all(|n| *n == 1), "{counts:?}\n{verdicts:?}");
    // Every row was either sent, or is listed as possibly sent by the killed run.
    let err = stderr(&out);
    for c in &rows {
        assert!(
            counts.contains_key(c.as_str()) || err.contains(c.as_str()),
            "{c} neither sent nor listed: {err}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_hundred_rows_at_the_default_rate_meet_no_rate_limit() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    let rows = callees(200);
    let file = sandbox.path("calls.csv");
    std::fs::write(&file, csv_of(&rows)).unwrap();
    let mut cmd = sandbox.against(&sim.url());
    batch(&mut cmd, &file);
    let started = Instant::now();
    let out = output(cmd).await;
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = sim.requests();
    let calls = log.iter().filter(|r| r.action == "CreateAIAgentCall");
    assert_eq!(calls.count(), 200);
    assert!(
        log.iter().all(|r| r.verdict == "ok"),
        "a request was refused"
    );
    // 200 at 20 a second: the first 20 at once, then nine more windows.
    assert!(took >= Duration::from_secs(9), "{took:?}");
}

#[test]
fn ctrl_c_stops_launching_and_says_how_to_resume() {
    let sandbox = Sandbox::new();
    let sim = StandaloneSim::start(sandbox.dir.path(), 1.0, 1.0);
    let rows = callees(100);
    let file = sandbox.path("calls.csv");
    std::fs::write(&file, csv_of(&rows)).unwrap();
    let mut cmd = sandbox.against(&sim.url);
    batch(&mut cmd, &file);
    cmd.args(["--rate", "10"]);
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while sim.callees().len() < 15 {
        assert!(Instant::now() < deadline, "the batch did not get going");
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("run the same command again"), "{err}");
    let sent_then = sim.callees().len();
    assert!(sent_then < rows.len());
    // Everything started was recorded with its outcome: the rerun sends exactly the rest.
    let mut cmd = sandbox.against(&sim.url);
    batch(&mut cmd, &file);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let counts = times_requested(&sim.callees()).len();
    assert_eq!(counts, rows.len());
    assert_eq!(sim.callees().len(), rows.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_prints_every_row_and_sends_nothing() {
    let sim = simulator().await;
    let sandbox = Sandbox::new();
    let file = sandbox.path("calls.csv");
    std::fs::write(&file, csv_of(&callees(2))).unwrap();
    let secret = "batch-secret-key-never-printed";
    let mut cmd = sandbox.command();
    cmd.env("TENCENTCLOUD_SECRET_ID", "AKIDbatch0000000000000001")
        .env("TENCENTCLOUD_SECRET_KEY", secret)
        .args(["--endpoint", &sim.url()]);
    batch(&mut cmd, &file);
    cmd.arg("--dry-run");
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.matches("\nAuthorization: TC3-HMAC-SHA256").count(), 2);
    assert_eq!(text.matches("curl -sS -X POST").count(), 2);
    assert!(text.contains(r#""Variables":[{"Key":"name","Value":"person 1"}]"#));
    assert!(!text.contains(secret) && !stderr(&out).contains(secret));
    assert!(sim.requests().is_empty());
    assert!(!sandbox.history_path().exists());
}

#[test]
fn without_credentials_a_batch_does_not_start() {
    let sandbox = Sandbox::new();
    let file = sandbox.path("calls.csv");
    std::fs::write(&file, csv_of(&callees(2))).unwrap();
    let mut cmd = sandbox.command();
    batch(&mut cmd, &file);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--sim"), "{}", stderr(&out));
}

#[test]
fn check_reads_the_whole_file_without_credentials_and_dials_nothing() {
    let sandbox = Sandbox::new();
    let file = sandbox.path("calls.csv");
    let mut csv = csv_of(&callees(1000));
    csv.push_str("12,bad row\n");
    std::fs::write(&file, &csv).unwrap();
    // No credentials and no endpoint: checking needs neither.
    let mut cmd = sandbox.command();
    batch(&mut cmd, &file);
    cmd.arg("--check");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(":1002: skipped: Callee"), "{err}");
    assert!(
        err.contains("1000 rows to dial, 1 with bad data; nothing was sent"),
        "{err}"
    );
    assert!(stdout(&out).is_empty());
    assert!(!sandbox.history_path().exists());

    // A callee on two rows refuses the whole file, naming both lines.
    let mut rows = callees(3);
    rows.push(rows[0].clone());
    std::fs::write(&file, csv_of(&rows)).unwrap();
    let mut cmd = sandbox.command();
    batch(&mut cmd, &file);
    cmd.arg("--check");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 5: callee 008613000000001 is also on line 2"),
        "{}",
        stderr(&out)
    );

    let mut cmd = sandbox.command();
    batch(&mut cmd, &file);
    cmd.args(["--check", "--dry-run"]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot be used with"),
        "{}",
        stderr(&out)
    );
}
