//! `ccc-dial sweep` against a simulator in its own process: killed after its second call and
//! run again, it dials each variable set exactly once (the simulator's request log says so),
//! waits for each report, and compares the runs.
#![cfg(unix)]

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ccc_dial::history::{AttemptStatus, Filter, Page};
use support::cli::{Sandbox, StandaloneSim, stderr, stdout};

const TONES: [&str; 5] = ["formal", "casual", "terse", "chatty", "calm"];

fn sets_file(sandbox: &Sandbox) -> std::path::PathBuf {
    let path = sandbox.path("sets.csv");
    let mut text = String::from("var.dify-inputs-user,var.dify-inputs-tone\n");
    for tone in TONES {
        text.push_str(&format!("bob,{tone}\n"));
    }
    std::fs::write(&path, text).unwrap();
    path
}

fn sweep(sandbox: &Sandbox, sim: &StandaloneSim, sets: &std::path::Path) -> std::process::Command {
    let mut cmd = sandbox.against(&sim.url);
    cmd.args(["sweep", "--sdk-app-id", "1400000000", "--agent", "16"])
        .args(["--callee", "008613012345678", "--vars-file"])
        .arg(sets);
    cmd
}

/// The tone of each CreateAIAgentCall the simulator received, in order.
fn dialed_tones(sim: &StandaloneSim) -> Vec<String> {
    sim.requests()
        .iter()
        .filter(|r| r["action"] == "CreateAIAgentCall")
        .map(|r| {
            let vars = r["body"]["Variables"].as_array().unwrap();
            let tone = vars
                .iter()
                .find(|v| v["Key"] == "dify-inputs-tone")
                .unwrap();
            tone["Value"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn a_sweep_killed_after_its_second_call_and_rerun_dials_each_set_once() {
    let sandbox = Sandbox::new();
    let sim = StandaloneSim::start(sandbox.dir.path(), 0.2, 0.6);
    let sets = sets_file(&sandbox);

    let mut first = sweep(&sandbox, &sim, &sets)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while dialed_tones(&sim).len() < 2 {
        assert!(Instant::now() < deadline, "no second call within a minute");
        assert!(first.try_wait().unwrap().is_none(), "the sweep ended early");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Killed once the second call's answer is recorded: a kill while its request is in
    // flight leaves it queued, and rightly holds the callee for the rerun.
    let store = sandbox.store();
    let queued = Filter {
        status: Some(AttemptStatus::Queued),
        ..Filter::default()
    };
    while !store.list(&queued, Page::all()).unwrap().is_empty() {
        assert!(Instant::now() < deadline, "the second call stayed queued");
        std::thread::sleep(Duration::from_millis(5));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(dialed_tones(&sim), TONES[..2]);

    let out = sweep(&sandbox, &sim, &sets).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(dialed_tones(&sim), TONES, "each set dialed once, in order");
    let err = stderr(&out);
    assert!(
        err.contains("set 1/5 (line 2): dialed by an earlier run"),
        "{err}"
    );
    assert!(err.contains("set 5/5 (line 6): answered (1 ok)"), "{err}");

    // The comparison of the five runs, each reported.
    let table = stdout(&out);
    let tone = table
        .lines()
        .find(|l| l.contains("var dify-inputs-tone"))
        .unwrap();
    for t in TONES {
        assert!(tone.contains(t), "{table}");
    }
    let outcome = table.lines().find(|l| l.contains("outcome")).unwrap();
    assert_eq!(outcome.matches("answered (1 ok)").count(), 5, "{table}");

    // A third run dials nothing and compares the same five runs.
    let out = sweep(&sandbox, &sim, &sets).arg("--json").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(dialed_tones(&sim).len(), 5);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut per_set: HashMap<String, usize> = HashMap::new();
    for run in v["Runs"].as_array().unwrap() {
        let tone = run["Variables"].as_array().unwrap()[1]["Value"]
            .as_str()
            .unwrap();
        *per_set.entry(tone.to_owned()).or_default() += 1;
        assert_eq!(run["Outcome"], "answered");
    }
    assert_eq!(per_set.len(), 5);
    assert!(per_set.values().all(|n| *n == 1));
    // Each call's summary was kept as its report was recorded, before any statistics ran.
    let conn = rusqlite::Connection::open(sandbox.history_path()).unwrap();
    let kept: i64 = conn
        .query_row(
            "SELECT count(*) FROM summary WHERE word = 'answered' AND ete_ms IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 5);
}

#[test]
fn a_bad_set_stops_the_sweep_before_anything_is_dialed() {
    let sandbox = Sandbox::new();
    let sim = StandaloneSim::start(sandbox.dir.path(), 0.2, 0.6);
    let sets = sandbox.path("sets.csv");
    std::fs::write(&sets, "var.dify-inputs-tone,color\nformal,red\n").unwrap();
    let out = sweep(&sandbox, &sim, &sets).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("var.<name>"), "{}", stderr(&out));
    std::fs::write(&sets, "var.dify-inputs-tone\nformal\n\"x\ny\"\n").unwrap();
    let out = sweep(&sandbox, &sim, &sets)
        .args(["--caller", "12"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was dialed"),
        "{}",
        stderr(&out)
    );
    assert!(dialed_tones(&sim).is_empty());
}
