//! What goes wrong around a run rather than in the service: a file that cannot be read, a
//! second Ctrl-C, stdout closed or full after a call was accepted, a history that cannot be
//! written mid-batch, two batches over the same callees at once. Run as a user would, on a
//! simulator started here.
#![cfg(unix)]

mod support;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use ccc_dial::history::batch::RunLock;
use ccc_dial::sim::{self, SimConfig, SimHandle};
use support::cli::{Sandbox, output, stderr};

async fn simulator(talk: Duration) -> SimHandle {
    sim::start(SimConfig {
        ring: Duration::from_millis(20),
        talk,
        record_lag: Duration::ZERO,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

/// Whether this user is kept out of a file without read permission (root is not).
fn permissions_bind(dir: &std::path::Path) -> bool {
    let probe = dir.join("probe");
    std::fs::write(&probe, "x").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::read(&probe).is_err()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_input_file_exits_1_and_says_why() {
    let sim = simulator(Duration::from_millis(30)).await;
    let sandbox = Sandbox::new();
    let directory = sandbox.path("a-directory.json");
    std::fs::create_dir(&directory).unwrap();
    let locked = sandbox.path("locked.json");
    std::fs::write(
        &locked,
        r#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678"}"#,
    )
    .unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut cases = vec![
        (sandbox.path("missing.json"), "No such file"),
        (directory, "directory"),
    ];
    if permissions_bind(sandbox.dir.path()) {
        cases.push((locked, "Permission denied"));
    }
    for (file, why) in cases {
        let mut cmd = sandbox.against(&sim.url());
        cmd.args(["call", "--input"]).arg(&file);
        let out = output(cmd).await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{}: {err}", file.display());
        assert!(
            err.contains(&format!("cannot read the request file {}", file.display())),
            "{err}"
        );
        assert!(err.contains(why), "{err}");
        let out = output(batch(&sandbox, &sim.url(), &file)).await;
        let err = stderr(&out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "batch {}: {err}",
            file.display()
        );
        assert!(err.contains("cannot read the batch file"), "{err}");
        assert!(err.contains(why), "{err}");
    }
    assert_eq!(sim.count("CreateAIAgentCall"), 0);
}

/// The rows the summary on stderr counts for `label` (0 when the line is left out).
fn count(stderr: &str, label: &str) -> u64 {
    stderr
        .lines()
        .find(|l| l.starts_with(label))
        .and_then(|l| l.split_whitespace().last())
        .map_or(0, |n| n.parse().unwrap())
}

fn callees(from: usize, n: usize) -> Vec<String> {
    (from..from + n).map(|i| format!("0086132{i:08}")).collect()
}

fn csv_of(callees: &[String]) -> String {
    let mut csv = String::from("callee\n");
    for c in callees {
        csv.push_str(c);
        csv.push('\n');
    }
    csv
}

fn batch(sandbox: &Sandbox, url: &str, file: &std::path::Path) -> std::process::Command {
    let mut cmd = sandbox.against(url);
    cmd.arg("batch").arg(file).args(LINE);
    cmd
}

/// The SdkAppId and agent every call here uses.
const LINE: [&str; 4] = ["--sdk-app-id", "1400000000", "--agent", "15"];

/// An attempt to `callee` that another run has in flight right now: recorded `queued` a
/// moment ago, on the same line (SdkAppId, endpoint) as `like`.
fn in_flight_elsewhere(
    store: &ccc_dial::history::Store,
    like: &ccc_dial::history::Attempt,
    callee: &str,
    batch: Option<ccc_dial::history::BatchRef>,
) -> ccc_dial::history::AttemptId {
    let id = ccc_dial::history::AttemptId::new();
    let mut draft = ccc_dial::dialer::DialDraft::from_attempt(like);
    draft.callee = callee.into();
    let request = draft.validate().unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let attempt = request.new_attempt(id.clone(), now, &like.endpoint, "{}".into(), batch);
    store.record_queued(&attempt).unwrap();
    id
}

#[tokio::test(flavor = "multi_thread")]
async fn a_callee_another_run_is_calling_is_held_back_by_that_run_never_unknown() {
    let sim = simulator(Duration::from_millis(30)).await;
    let sandbox = Sandbox::new();
    let rows = callees(0, 4);
    // A first call on the line, to learn how the endpoint is recorded.
    let mut first = sandbox.against(&sim.url());
    first
        .arg("call")
        .args(LINE)
        .arg("--callee")
        .arg(&callees(90, 1)[0]);
    assert_eq!(output(first).await.status.code(), Some(0));
    let store = sandbox.store();
    let like = store
        .list(&Default::default(), ccc_dial::history::Page::all())
        .unwrap()[0]
        .clone();

    // The same file, run elsewhere: its line 3 (the second callee) is in flight there.
    let file = sandbox.path("calls.csv");
    std::fs::write(&file, csv_of(&rows)).unwrap();
    let batch_id = ccc_dial::history::batch::batch_id(&ccc_dial::history::batch::BatchKey {
        file: csv_of(&rows).as_bytes(),
        sdk_app_id: "1400000000",
        agent: Some("15"),
        callers: &[],
        endpoint: &like.endpoint,
    });
    // That run is live: it holds the batch's lock.
    let _other_run = RunLock::join(&sandbox.history_path(), &batch_id).unwrap();
    let same_batch = in_flight_elsewhere(
        &store,
        &like,
        &rows[1],
        Some(ccc_dial::history::BatchRef { batch_id, row: 3 }),
    );
    // Another file, run elsewhere, is calling the third callee.
    let other_file = in_flight_elsewhere(&store, &like, &rows[2], None);

    let out = output(batch(&sandbox, &sim.url(), &file)).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(
        err.contains(&format!(
            "line 3: not dialed: {}: in flight in another run of this batch (attempt {})",
            rows[1],
            &same_batch.as_str()[..8]
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("line 4: not dialed: {} was called at", rows[2]))
            && err.contains(&format!(
                "(in flight) from this machine, attempt {}",
                &other_file.as_str()[..8]
            )),
        "{err}"
    );
    assert!(!err.contains("unknown earlier"), "{err}");
    assert!(!err.contains("dialed by an earlier run"), "{err}");
    assert_eq!(
        count(&err, "held back: in flight in another run"),
        2,
        "{err}"
    );
    assert_eq!(count(&err, "outcome unknown"), 0, "{err}");
    let dialed: Vec<String> = sim
        .requests()
        .iter()
        .filter(|r| r.action == "CreateAIAgentCall" && r.verdict == "ok")
        .map(|r| r.body["Callee"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        !dialed.contains(&rows[1]) && !dialed.contains(&rows[2]),
        "{dialed:?}"
    );
    assert!(
        dialed.contains(&rows[0]) && dialed.contains(&rows[3]),
        "{dialed:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_batches_over_overlapping_callees_at_once_dial_each_once_and_say_who_holds_what() {
    let sim = simulator(Duration::from_millis(30)).await;
    for round in 0..8 {
        let sandbox = Sandbox::new();
        let (a, b) = (sandbox.path("a.csv"), sandbox.path("b.csv"));
        let base = 1000 + round * 100;
        std::fs::write(&a, csv_of(&callees(base, 8))).unwrap();
        std::fs::write(&b, csv_of(&callees(base + 4, 8))).unwrap();
        let (ra, rb) = tokio::join!(
            output(batch(&sandbox, &sim.url(), &a)),
            output(batch(&sandbox, &sim.url(), &b)),
        );
        for out in [&ra, &rb] {
            let err = stderr(out);
            assert!(
                matches!(out.status.code(), Some(0 | 6)),
                "round {round}: {err}"
            );
            assert_eq!(count(&err, "outcome unknown"), 0, "round {round}: {err}");
            assert_eq!(count(&err, "unknown earlier"), 0, "round {round}: {err}");
            assert!(!err.contains("earlier run"), "round {round}: {err}");
        }
        let mut counts = std::collections::HashMap::<String, usize>::new();
        for r in sim.requests() {
            if r.action == "CreateAIAgentCall" && r.verdict == "ok" {
                *counts
                    .entry(r.body["Callee"].as_str().unwrap().to_string())
                    .or_default() += 1;
            }
        }
        for c in callees(base, 12) {
            assert_eq!(counts.get(&c), Some(&1), "round {round}: {c}");
        }
    }
}

/// The simulator's callee whose answer is held back for `SimConfig::slow_answer`.
const SLOW: &str = "00999300001";

/// A command running in the background, its stderr gathered as it comes.
struct Running {
    child: std::process::Child,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Running {
    fn start(mut cmd: std::process::Command) -> Running {
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (pipe, sink) = (child.stderr.take().unwrap(), stderr.clone());
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        Running { child, stderr }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn interrupt(&self) {
        let sent = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// Waits until `what` holds, failing after a generous while with stderr shown.
    fn until(&self, what: &str, mut done: impl FnMut() -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while !done() {
            assert!(
                std::time::Instant::now() < deadline,
                "never {what}; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The exit code and stdout, once it ended.
    fn finish(self) -> (Option<i32>, String, String) {
        let out = self.child.wait_with_output().unwrap();
        // The stderr thread ends with the pipe.
        std::thread::sleep(Duration::from_millis(100));
        let err = self.stderr.lock().unwrap().clone();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            err,
        )
    }
}

fn attempt_of(sandbox: &Sandbox, callee: &str) -> Option<ccc_dial::history::Attempt> {
    let store = ccc_dial::history::Store::open(sandbox.history_path())
        .ok()?
        .0;
    let all = store
        .list(&Default::default(), ccc_dial::history::Page::all())
        .ok()?;
    all.into_iter().find(|a| a.callee == callee)
}

fn queued(sandbox: &Sandbox) -> Vec<String> {
    let store = sandbox.store();
    let all = store
        .list(&Default::default(), ccc_dial::history::Page::all())
        .unwrap();
    all.into_iter()
        .filter(|a| a.status == ccc_dial::history::AttemptStatus::Queued)
        .map(|a| a.callee)
        .collect()
}

/// Sends Ctrl-C once `SLOW` is in flight, then again once the first was told.
fn twice_while_slow_is_in_flight(run: &Running, sandbox: &Sandbox, told: &str) {
    run.until("sent the slow row", || {
        attempt_of(sandbox, SLOW)
            .is_some_and(|a| a.status == ccc_dial::history::AttemptStatus::Queued)
    });
    run.interrupt();
    run.until("told the first Ctrl-C", || run.stderr().contains(told));
    run.interrupt();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_ctrl_c_stops_waiting_and_records_the_rows_in_flight_unknown() {
    let sim = sim::start(SimConfig {
        slow_answer: Duration::from_secs(300),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    for (rows, left) in [
        (
            vec![
                SLOW.to_string(),
                callees(200, 1)[0].clone(),
                callees(201, 1)[0].clone(),
            ],
            true,
        ),
        (vec![SLOW.to_string()], false),
    ] {
        let sandbox = Sandbox::new();
        let file = sandbox.path("calls.csv");
        std::fs::write(&file, csv_of(&rows)).unwrap();
        let mut cmd = sandbox.against(&sim.url());
        cmd.args(["--timeout", "600", "batch"])
            .arg(&file)
            .args(LINE);
        // One row a second: the others wait their turn while the slow one is in flight.
        cmd.args(["--rate", "1"]);
        let run = Running::start(cmd);
        twice_while_slow_is_in_flight(&run, &sandbox, "interrupted: starting no more rows");
        let (code, _, err) = run.finish();
        assert_eq!(code, Some(130), "{err}");
        assert!(
            err.contains(&format!("line 2: {SLOW} unknown: stopped waiting")),
            "{err}"
        );
        let slow = attempt_of(&sandbox, SLOW).unwrap();
        assert_eq!(slow.status, ccc_dial::history::AttemptStatus::Unknown);
        assert_eq!(slow.error_code.as_deref(), Some("interrupted"));
        assert_eq!(queued(&sandbox), Vec::<String>::new());
        assert_eq!(
            err.contains("to resume, run the same command again"),
            left,
            "{err}"
        );
        assert_eq!(err.contains("nothing is left to send"), !left, "{err}");
    }
    // `call`: the same, before the answer came.
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.against(&sim.url());
    cmd.args(["--timeout", "600", "call"])
        .args(LINE)
        .args(["--callee", SLOW]);
    let run = Running::start(cmd);
    twice_while_slow_is_in_flight(
        &run,
        &sandbox,
        "interrupted: waiting for the service's answer",
    );
    let (code, _, err) = run.finish();
    assert_eq!(code, Some(130), "{err}");
    assert!(
        err.contains("stopped waiting: the outcome is unknown"),
        "{err}"
    );
    let slow = attempt_of(&sandbox, SLOW).unwrap();
    assert_eq!(slow.status, ccc_dial::history::AttemptStatus::Unknown);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_ctrl_c_stops_following_a_call_with_wait_which_stays_recorded() {
    let sim = simulator(Duration::from_secs(300)).await;
    let sandbox = Sandbox::new();
    let callee = callees(300, 1)[0].clone();
    let mut cmd = sandbox.against(&sim.url());
    cmd.arg("call")
        .args(LINE)
        .args(["--callee", &callee, "--wait"]);
    let run = Running::start(cmd);
    run.until("accepted", || run.stderr().contains("accepted: SessionId"));
    run.interrupt();
    run.until("told the first Ctrl-C", || {
        run.stderr().contains("interrupted: the call goes on")
    });
    run.interrupt();
    let (code, out, err) = run.finish();
    assert_eq!(code, Some(130), "{err}");
    let attempt = attempt_of(&sandbox, &callee).unwrap();
    let session = attempt.session_id.unwrap();
    assert!(out.contains(&format!("SessionId: {session}")), "{out}");
    assert!(err.contains("stopped following"), "{err}");
    assert!(attempt.status != ccc_dial::history::AttemptStatus::Unknown);
}

#[tokio::test(flavor = "multi_thread")]
async fn stdout_closed_or_full_after_a_call_exits_1_and_the_call_stays_recorded() {
    let sim = simulator(Duration::from_millis(30)).await;
    let sandbox = Sandbox::new();
    // `call | true`: the reader is gone before the answer.
    let callee = callees(400, 1)[0].clone();
    let mut cmd = sandbox.against(&sim.url());
    cmd.arg("call").args(LINE).args(["--callee", &callee]);
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("stdout could not be written"), "{err}");
    let a = attempt_of(&sandbox, &callee).unwrap();
    assert_eq!(a.status, ccc_dial::history::AttemptStatus::Accepted);
    assert!(a.session_id.is_some());

    // `--json >/dev/full`, and a dry run there.
    let callee = callees(401, 1)[0].clone();
    for extra in [&["--json"][..], &["--dry-run"][..]] {
        let mut cmd = sandbox.against(&sim.url());
        cmd.arg("call")
            .args(LINE)
            .args(["--callee", &callee])
            .args(extra);
        cmd.stdout(std::fs::File::create("/dev/full").unwrap());
        let out = output(cmd).await;
        assert_eq!(out.status.code(), Some(1), "{extra:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("stdout could not be written"),
            "{}",
            stderr(&out)
        );
    }
    let a = attempt_of(&sandbox, &callee).unwrap();
    assert_eq!(a.status, ccc_dial::history::AttemptStatus::Accepted);
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_into_a_closed_pipe_stops_starting_rows_and_records_every_row_started() {
    let sim = simulator(Duration::from_millis(30)).await;
    let sandbox = Sandbox::new();
    let rows = callees(500, 60);
    let file = sandbox.path("calls.csv");
    std::fs::write(&file, csv_of(&rows)).unwrap();
    // `batch … | head -1`
    let mut cmd = batch(&sandbox, &sim.url(), &file);
    cmd.args(["--format", "csv", "--rate", "5"]);
    let run = Running::start(cmd);
    let mut child = run;
    let pipe = child.child.stdout.take().unwrap();
    let first = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut line = String::new();
        std::io::BufReader::new(pipe).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    assert!(first.starts_with("line,callee,outcome"), "{first}");
    let (code, _, err) = tokio::task::spawn_blocking(move || child.finish())
        .await
        .unwrap();
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("the results could not be written"), "{err}");
    assert_eq!(queued(&sandbox), Vec::<String>::new());
    let store = sandbox.store();
    let recorded = store
        .list(&Default::default(), ccc_dial::history::Page::all())
        .unwrap();
    assert!(recorded.len() < rows.len(), "it went on dialing: {err}");
    assert_eq!(recorded.len(), sim.count("CreateAIAgentCall"), "{err}");
    assert!(
        recorded
            .iter()
            .all(|a| a.status == ccc_dial::history::AttemptStatus::Accepted)
    );

    // `--dry-run >/dev/full` prints nothing it could, and sends nothing.
    let mut cmd = batch(&sandbox, &sim.url(), &file);
    cmd.arg("--dry-run")
        .stdout(std::fs::File::create("/dev/full").unwrap());
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_mid_batch_settles_rows_in_flight_and_names_every_call_not_recorded() {
    let sim = simulator(Duration::from_millis(30)).await;
    let sandbox = Sandbox::new();
    // A history with a past, as a user's would have.
    let mut first = sandbox.against(&sim.url());
    first
        .arg("call")
        .args(LINE)
        .arg("--callee")
        .arg(&callees(700, 1)[0]);
    assert_eq!(output(first).await.status.code(), Some(0));
    let rows = callees(600, 60);
    let file = sandbox.path("calls.csv");
    std::fs::write(&file, csv_of(&rows)).unwrap();
    // The disk fills up: no file this run writes may grow more than 96 KiB past the largest
    // the history has (the file, or the log a call leaves), so the log fills after a few
    // rows. Writing past it fails (EFBIG) rather than ending the process.
    let history = sandbox.history_path();
    let largest = ["", "-wal"]
        .iter()
        .map(|side| {
            let mut p = history.clone().into_os_string();
            p.push(side);
            std::fs::metadata(p).map_or(0, |m| m.len())
        })
        .max()
        .unwrap_or(0);
    let blocks = u32::try_from((largest + 96 * 1024) / 512).unwrap();
    let cmd = on_a_full_disk(batch(&sandbox, &sim.url(), &file), blocks);
    let out = output(cmd).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("the history could not record calls"), "{err}");

    let store = sandbox.store();
    let recorded = store
        .list(&Default::default(), ccc_dial::history::Page::all())
        .unwrap();
    let placed: Vec<(String, String)> = sim
        .requests()
        .iter()
        .filter(|r| r.action == "CreateAIAgentCall" && r.verdict == "ok")
        .map(|r| {
            let callee = r.body["Callee"].as_str().unwrap().to_string();
            (callee, r.session_id.clone().unwrap_or_default())
        })
        .collect();
    assert!(
        placed.len() > 1 && placed.len() < rows.len(),
        "{} placed: {err}",
        placed.len()
    );
    for (callee, session) in &placed {
        let a = recorded.iter().find(|a| &a.callee == callee);
        let in_history = a.is_some_and(|a| a.session_id.as_deref() == Some(session.as_str()));
        let line = rows.iter().position(|c| c == callee).map(|i| i + 2);
        let named = line.is_some_and(|line| {
            err.contains(&format!(
                "{session} {callee} line {line}: accepted not recorded"
            ))
        });
        assert!(
            in_history || named,
            "{callee} ({session}) neither recorded nor named: {err}"
        );
    }
    // Whatever is left queued did leave: a row never sent is never recorded as in flight.
    for callee in queued(&sandbox) {
        assert!(
            placed.iter().any(|(c, _)| *c == callee),
            "{callee} queued, never sent"
        );
    }
}

/// `cmd` as if the disk filled up once its files reach `blocks` of 512 bytes: writing past
/// that fails (EFBIG) rather than ending the process.
fn on_a_full_disk(inner: std::process::Command, blocks: u32) -> std::process::Command {
    let mut cmd = std::process::Command::new("sh");
    let script = format!("trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\"");
    cmd.args(["-c", &script])
        .arg(inner.get_program())
        .args(inner.get_args());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.stdin(std::process::Stdio::null());
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn history_lists_shows_and_plans_a_prune_on_a_full_disk_or_a_read_only_file() {
    let sim = simulator(Duration::from_millis(30)).await;
    let sandbox = Sandbox::new();
    let callee = callees(800, 1)[0].clone();
    let mut first = sandbox.against(&sim.url());
    first.arg("call").args(LINE).arg("--callee").arg(&callee);
    assert_eq!(output(first).await.status.code(), Some(0));
    let id = attempt_of(&sandbox, &callee).unwrap().id;
    let check = |how: &str, wrap: &dyn Fn(std::process::Command) -> std::process::Command| {
        for (args, expect) in [
            (vec!["history"], callee.clone()),
            (vec!["history", "show", &id.as_str()[..8]], callee.clone()),
            (
                vec!["history", "prune", "--older-than", "30d"],
                "Deleted 0 attempts".to_string(),
            ),
        ] {
            let mut cmd = sandbox.command();
            cmd.args(&args);
            let out = wrap(cmd).output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{how}: {args:?}: {}",
                stderr(&out)
            );
            assert!(text.contains(&expect), "{how}: {args:?}: {text}");
        }
    };
    check("a full disk", &|cmd| on_a_full_disk(cmd, 0));
    if permissions_bind(sandbox.dir.path()) {
        let history = sandbox.history_path();
        std::fs::set_permissions(&history, std::fs::Permissions::from_mode(0o400)).unwrap();
        std::fs::set_permissions(sandbox.dir.path(), std::fs::Permissions::from_mode(0o500))
            .unwrap();
        check("a read-only file", &|cmd| cmd);
        std::fs::set_permissions(sandbox.dir.path(), std::fs::Permissions::from_mode(0o700))
            .unwrap();
    }
}
