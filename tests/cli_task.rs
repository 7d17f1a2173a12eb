//! `ccc-dial task` against a standalone simulator: a whole file is checked before anything
//! is sent, a task is created once however often the command runs, a lost answer or a killed
//! run is reconciled by name, and a small task with retries is watched to its end and its
//! results brought home.

mod support;

use std::collections::HashSet;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use support::cli::{Sandbox, StandaloneSim, stderr, stdout, task_create as create};

const SLOW: &str = "00999300001";
const NO_ANSWER: &str = "00999200202";

fn creates(sim: &StandaloneSim) -> Vec<Value> {
    sim.requests()
        .into_iter()
        .filter(|r| r["action"] == "CreateAutoCalloutTask")
        .collect()
}

/// Waits until the simulator has received `n` CreateAutoCalloutTask requests.
fn wait_for_creates(sim: &StandaloneSim, n: usize) {
    for _ in 0..600 {
        if creates(sim).len() >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the simulator never received {n} CreateAutoCalloutTask");
}

#[test]
fn bad_rows_or_options_stop_everything_before_a_request() {
    let sandbox = Sandbox::new();
    let sim = StandaloneSim::start(sandbox.dir.path(), 1.0, 1.0);
    std::fs::write(
        sandbox.path("list.csv"),
        "callee,var.name\n008613000000001,Ann\nnot-a-number,Bob\n",
    )
    .unwrap();
    let out = create(&sandbox, &sim, "list.csv", &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("list.csv:3:"), "{}", stderr(&out));
    std::fs::write(sandbox.path("ok.csv"), "callee\n008613000000001\n").unwrap();
    let out = create(
        &sandbox,
        &sim,
        "ok.csv",
        &["--retry-on", "no-answer,hold-music"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("\"hold-music\""), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no-answer, reject"),
        "lists the allowed words"
    );
    let out = create(&sandbox, &sim, "ok.csv", &["--tries", "4"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--tries: Tries must be 1 to 3"),
        "names the option typed: {}",
        stderr(&out)
    );
    let out = create(&sandbox, &sim, "ok.csv", &["--retry-interval", "5m"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--retry-interval: "),
        "{}",
        stderr(&out)
    );
    assert!(creates(&sim).is_empty());
    assert!(
        sim.requests().is_empty(),
        "nothing reached the service at all"
    );
}

#[test]
fn typos_in_times_windows_days_and_retries_are_named_before_a_request() {
    let sandbox = Sandbox::new();
    let sim = StandaloneSim::start(sandbox.dir.path(), 1.0, 1.0);
    std::fs::write(sandbox.path("ok.csv"), "callee\n008613000000001\n").unwrap();
    for (options, says) in [
        (&["--window", "9-12"][..], "--window: time \"9\" is not"),
        (&["--window", "09:00-12:00;14:00-18:00"], "--window: time"),
        (&["--window", "18:00-09:00"], "ends before it starts"),
        (
            &["--window", "09:00-12:00,11:00-13:00"],
            "--window: 11:00:00-13:00:00 overlaps 09:00:00-12:00:00",
        ),
        (&["--work-days", "businessday"], "use everyday, business"),
        (&["--work-days", "custom:Mon,Tuz"], "\"Tuz\" is not a day"),
        (&["--retry-on", "noanswer"], "use some of: no-answer"),
        (
            &["--retry-on", "busy"],
            "--retry-on retries nothing with one try per callee: add --tries 2 or 3",
        ),
        (
            &["--retry-interval", "1h", "--tries", "1"],
            "--retry-interval retries nothing with one try",
        ),
        (
            &["--not-before", "tomorrow"],
            "--not-before: \"tomorrow\" is not a time",
        ),
        (&["--not-before", "2026-02-30 09:00"], "--not-before:"),
        (
            &[
                "--not-before",
                "2030-12-01 09:00",
                "--not-after",
                "2030-11-30 09:00",
            ],
            "--not-after 2030-11-30 09:00:00 +08:00 is not after the first moment to call \
             (2030-12-01 09:00:00 +08:00)",
        ),
        (
            &["--not-after", "2020-01-01 09:00"],
            "--not-after 2020-01-01 09:00:00 +08:00",
        ),
        (&["--time-zone", "Asia/Shanghia"], "--time-zone:"),
    ] {
        let out = create(&sandbox, &sim, "ok.csv", options).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{options:?}: {err}");
        assert!(err.contains(says), "{options:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(sim.requests().is_empty(), "nothing reached the service");
    assert!(
        !sandbox.history_path().exists(),
        "no history was even opened"
    );
}

#[test]
fn on_the_built_in_simulator_the_sdk_app_id_is_the_simulators_own() {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.path("ok.csv"), "callee\n008613000000001\n").unwrap();
    let out = sandbox
        .command()
        .args(["task", "create"])
        .arg(sandbox.path("ok.csv"))
        .args([
            "--sim",
            "--agent",
            "15",
            "--caller",
            support::cli::TASK_CALLER,
        ])
        .args(["--not-before", "2030-01-02", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("2030-01-02 00:00:00"),
        "a date alone is its midnight in the task's zone: {}",
        stderr(&out)
    );
}

#[test]
fn concurrency_limit_is_refused_on_the_international_endpoint() {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.path("ok.csv"), "callee\n008613000000001\n").unwrap();
    let out = sandbox
        .command()
        .env("TENCENTCLOUD_SECRET_ID", "AKIDexample")
        .env("TENCENTCLOUD_SECRET_KEY", "not-a-real-key")
        .args([
            "--endpoint",
            "ccc.intl.tencentcloudapi.com",
            "task",
            "create",
        ])
        .arg(sandbox.path("ok.csv"))
        .args([
            "--sdk-app-id",
            "1400000000",
            "--agent",
            "15",
            "--caller",
            support::cli::TASK_CALLER,
        ])
        .args(["--concurrency", "5", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("mainland-only") && stderr(&out).contains("ccc.tencentcloudapi.com"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty(), "no request printed");
}

#[test]
fn running_create_twice_creates_one_task_and_shows_the_preview() {
    let sandbox = Sandbox::new();
    let sim = StandaloneSim::start(sandbox.dir.path(), 1.0, 1.0);
    std::fs::write(
        sandbox.path("list.csv"),
        "callee,var.name,uui\n008613000000001,Ann,row-2\n008613000000002,,\n",
    )
    .unwrap();
    let window = ["--window", "09:00-12:00,14:00-18:00", "--tries", "2"];
    let first = create(&sandbox, &sim, "list.csv", &window)
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let err = stderr(&first);
    assert!(
        err.contains("rows        2 (2 distinct callees, 1 with uui)"),
        "{err}"
    );
    assert!(
        err.contains("09:00:00-12:00:00, 14:00:00-18:00:00 every day"),
        "{err}"
    );
    assert!(err.contains("first call  "), "{err}");
    let id = stdout(&first).trim().to_string();
    let second = create(&sandbox, &sim, "list.csv", &window)
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(stdout(&second).trim(), id, "the same TaskId");
    assert!(stderr(&second).contains("already created"));
    let sent = creates(&sim);
    assert_eq!(sent.len(), 1);
    let body = &sent[0]["body"];
    assert_eq!(body["CalleeAttributes"][0]["UUI"], "row-2");
    assert_eq!(body["CalleeAttributes"][0]["Variables"][0]["Value"], "Ann");
    assert_eq!(body["AvailableTime"][1]["EndTime"], "18:00:00");
    assert_eq!(body["TimeZone"], "Asia/Shanghai");
    let again = create(
        &sandbox,
        &sim,
        "list.csv",
        &[&window[..], &["--again"]].concat(),
    )
    .output()
    .unwrap();
    assert_eq!(
        again.status.code(),
        Some(6),
        "its callees are in the first task"
    );
    assert_eq!(creates(&sim).len(), 1);
    let again = create(
        &sandbox,
        &sim,
        "list.csv",
        &[&window[..], &["--again", "--allow-recent"]].concat(),
    )
    .output()
    .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_ne!(stdout(&again).trim(), id, "--again makes a new task");
    assert_eq!(creates(&sim).len(), 2);
}

#[test]
fn a_create_whose_answer_times_out_is_found_by_name_and_a_rerun_sends_nothing() {
    let sandbox = Sandbox::new();
    let sim = StandaloneSim::start_with(sandbox.dir.path(), &["--slow-answer", "5"]);
    std::fs::write(
        sandbox.path("list.csv"),
        format!("callee\n008613000000001\n{SLOW}\n"),
    )
    .unwrap();
    let first = create(&sandbox, &sim, "list.csv", &["--timeout", "1"])
        .output()
        .unwrap();
    let err = stderr(&first);
    assert_eq!(first.status.code(), Some(0), "{err}");
    assert!(
        err.contains("the answer was lost, but the task exists"),
        "{err}"
    );
    let id = stdout(&first).trim().to_string();
    assert!(id.parse::<u64>().is_ok(), "the reconciled TaskId: {id:?}");
    let lookups = sim
        .requests()
        .iter()
        .filter(|r| r["action"] == "DescribeAutoCalloutTasks")
        .count();
    assert!(lookups >= 1, "looked up by name, not sent again");
    let rerun = create(&sandbox, &sim, "list.csv", &["--timeout", "1"])
        .output()
        .unwrap();
    assert_eq!(rerun.status.code(), Some(0), "{}", stderr(&rerun));
    assert_eq!(stdout(&rerun).trim(), id, "the same TaskId");
    assert!(
        stderr(&rerun).contains("already created"),
        "{}",
        stderr(&rerun)
    );
    assert_eq!(creates(&sim).len(), 1, "one CreateAutoCalloutTask in all");
}

#[test]
fn a_killed_split_run_resumes_and_each_callee_is_in_one_task() {
    let sandbox = Sandbox::new();
    let sim = StandaloneSim::start_with(sandbox.dir.path(), &["--slow-answer", "60"]);
    // Three parts of two; the second's answer never comes in time.
    std::fs::write(
        sandbox.path("big.csv"),
        format!(
            "callee\n008613000000001\n008613000000002\n{SLOW}\n008613000000003\n008613000000004\n008613000000005\n"
        ),
    )
    .unwrap();
    let mut child = create(&sandbox, &sim, "big.csv", &["--per-task", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_creates(&sim, 2);
    child.kill().unwrap();
    child.wait().unwrap();
    let rerun = create(&sandbox, &sim, "big.csv", &["--per-task", "2"])
        .output()
        .unwrap();
    assert_eq!(rerun.status.code(), Some(0), "{}", stderr(&rerun));
    assert!(
        stderr(&rerun).contains("found on the service"),
        "{}",
        stderr(&rerun)
    );
    let printed = stdout(&rerun);
    let ids: Vec<&str> = printed.lines().collect();
    assert_eq!(ids.len(), 3, "three TaskIds: {ids:?}");
    let sent = creates(&sim);
    assert_eq!(sent.len(), 3, "part 2 was never sent twice");
    let mut seen = HashSet::new();
    for body in sent.iter().map(|r| &r["body"]) {
        for c in body["Callees"].as_array().unwrap() {
            assert!(seen.insert(c.as_str().unwrap().to_string()), "{c} twice");
        }
    }
    assert_eq!(seen.len(), 6);
}

#[test]
fn a_task_with_retries_is_watched_to_its_end_and_its_results_come_home() {
    let sandbox = Sandbox::new();
    // Ten minutes of retry interval pass in a second.
    let sim = StandaloneSim::start_with(sandbox.dir.path(), &["--time-scale", "600"]);
    std::fs::write(
        sandbox.path("list.csv"),
        format!("callee,var.name\n008613000000001,Ann\n{NO_ANSWER},Bob\n"),
    )
    .unwrap();
    let options = [
        "--tries",
        "3",
        "--retry-interval",
        "10m",
        "--retry-on",
        "no-answer,busy",
        "--max-ring",
        "20",
    ];
    let out = create(&sandbox, &sim, "list.csv", &options)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    let watch = sandbox
        .against(&sim.url)
        .args(["task", "watch", &id, "--sdk-app-id", "1400000000"])
        .args(["--json", "--interval", "0.2"])
        .output()
        .unwrap();
    assert_eq!(watch.status.code(), Some(0), "{}", stderr(&watch));
    let lines: Vec<Value> = stdout(&watch)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last = lines.last().unwrap();
    assert_eq!(last["state"], "completed");
    assert_eq!(
        (last["answered"].as_u64(), last["unanswered"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(last["sessions"], 4, "one try, and three tries");
    assert!(
        lines.windows(2).all(|w| w[0] != w[1]),
        "one line per change"
    );
    let results = sandbox
        .against(&sim.url)
        .args([
            "task",
            "results",
            &id,
            "--sdk-app-id",
            "1400000000",
            "--jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(results.status.code(), Some(0), "{}", stderr(&results));
    let rows: Vec<Value> = stdout(&results)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            &rows[0]["line"],
            &rows[0]["state"],
            &rows[0]["tries"],
            &rows[0]["end_status"]
        ),
        (
            &Value::from(2),
            &Value::from("answered"),
            &Value::from(1),
            &Value::from("ok")
        )
    );
    assert_eq!(
        (
            &rows[1]["line"],
            &rows[1]["state"],
            &rows[1]["tries"],
            &rows[1]["end_status"]
        ),
        (
            &Value::from(3),
            &Value::from("unanswered"),
            &Value::from(3),
            &Value::from("notAnswer")
        )
    );
    let cdr_pages = sim
        .requests()
        .iter()
        .filter(|r| r["action"] == "DescribeTelCdr" && r["body"].get("SessionIds").is_some())
        .count();
    assert_eq!(
        cdr_pages, 2,
        "four records fit one page: one for watch, one for results"
    );
    assert!(
        stderr(&watch).contains("4 tries brought into the history (1 with an AI report)"),
        "the watch brings tries home as callees finish: {}",
        stderr(&watch)
    );
    assert!(!stderr(&results).contains("brought into"), "nothing twice");
    // The answered try got the AI report a single call gets; the unanswered ones did not.
    for action in [
        "DescribeAICallExtractResult",
        "DescribeAILatency",
        "DescribeAICallInteractionRecords",
    ] {
        let asked: Vec<Value> = sim
            .requests()
            .into_iter()
            .filter(|r| r["action"] == action)
            .collect();
        assert_eq!(asked.len(), 1, "{action}");
        assert_eq!(
            asked[0]["body"]["SessionId"], rows[0]["session_id"],
            "{action}"
        );
    }
    assert!(rows[0]["tags"].is_string(), "{}", rows[0]);
    assert!(rows[0]["ete_median_ms"].is_number(), "{}", rows[0]);
    assert!(rows[1]["tags"].is_null(), "{}", rows[1]);
    let report = sandbox
        .against(&sim.url)
        .args(["history", "show", rows[0]["attempt_id"].as_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    assert!(stdout(&report).contains("latency"), "{}", stdout(&report));
    // Each try is an attempt under the task, on its CSV line, with its record.
    let store = sandbox.store();
    let describe = sim
        .requests()
        .into_iter()
        .rev()
        .find(|r| r["action"] == "DescribeTelCdr")
        .unwrap();
    let sessions = describe["body"]["SessionIds"].as_array().unwrap().clone();
    assert_eq!(sessions.len(), 4);
    let mut rows = Vec::new();
    for s in &sessions {
        let a = store.find(s.as_str().unwrap()).unwrap().expect("at home");
        assert_eq!(a.status.to_string(), "finished");
        let batch = a.batch.expect("under the task");
        assert!(batch.batch_id.starts_with("task:"));
        rows.push((batch.row, a.callee));
    }
    rows.sort();
    assert_eq!(rows[0], (2, "008613000000001".to_string()));
    assert_eq!(
        rows[1..],
        [
            (3, NO_ANSWER.to_string()),
            (3, NO_ANSWER.into()),
            (3, NO_ANSWER.into())
        ]
    );
    let again = sandbox
        .against(&sim.url)
        .args([
            "task",
            "results",
            &id,
            "--sdk-app-id",
            "1400000000",
            "--csv",
        ])
        .output()
        .unwrap();
    assert!(
        stdout(&again).starts_with(
            "line,callee,state,tries,session_id,end_status,duration,attempt_id,tags,ete_median_ms\n2,"
        ),
        "{}",
        stdout(&again)
    );
}

#[test]
fn results_come_home_in_whole_pages_with_one_ai_report_per_answered_try() {
    let sandbox = Sandbox::new();
    let sim = StandaloneSim::start_with(sandbox.dir.path(), &["--time-scale", "600"]);
    let mut csv = format!("callee\n{NO_ANSWER}\n");
    for i in 0..100 {
        csv.push_str(&format!("0086131{i:08}\n"));
    }
    std::fs::write(sandbox.path("list.csv"), csv).unwrap();
    let out = create(&sandbox, &sim, "list.csv", &["--allow-recent"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    let watch = sandbox
        .against(&sim.url)
        .args(["task", "watch", &id, "--sdk-app-id", "1400000000"])
        .args(["--json", "--interval", "0.2"])
        .output()
        .unwrap();
    assert_eq!(watch.status.code(), Some(0), "{}", stderr(&watch));
    let count = |action: &str| {
        sim.requests()
            .iter()
            .filter(|r| r["action"] == action)
            .count()
    };
    let pages = sim
        .requests()
        .iter()
        .filter(|r| r["action"] == "DescribeTelCdr" && r["body"].get("SessionIds").is_some())
        .count();
    assert_eq!(pages, 2, "101 tries: ceil(101/100) record pages");
    assert_eq!(
        count("DescribeAICallExtractResult"),
        100,
        "one per answered try"
    );
    assert_eq!(count("DescribeAILatency"), 100);
    assert_eq!(count("DescribeAICallInteractionRecords"), 100);
    let store = sandbox.store();
    let home = store.count(&ccc_dial::history::Filter::default()).unwrap();
    assert_eq!(home, 101, "every try is an attempt at home");
}

#[test]
fn a_full_stdout_after_the_task_is_created_exits_1_and_the_task_stays_recorded() {
    let sandbox = Sandbox::new();
    let sim = StandaloneSim::start(sandbox.dir.path(), 1.0, 1.0);
    std::fs::write(sandbox.path("list.csv"), "callee\n008613000000001\n").unwrap();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = create(&sandbox, &sim, "list.csv", &[])
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("stdout could not be written"), "{err}");
    assert_eq!(creates(&sim).len(), 1);
    // The task is recorded: the same command again creates nothing and prints its id.
    let again = create(&sandbox, &sim, "list.csv", &[]).output().unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(err.contains(stdout(&again).trim()), "{err}");
    assert_eq!(creates(&sim).len(), 1);
}
