//! Running the `ccc-dial` binary as a user would: a temporary home, history and settings,
//! and no Tencent Cloud credentials from the test runner's environment.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use ccc_dial::history::Store;
use ccc_dial::sim::{SIM_SECRET_ID, SIM_SECRET_KEY};

pub const BIN: &str = env!("CARGO_BIN_EXE_ccc-dial");

/// A temporary home for one test.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn history_path(&self) -> PathBuf {
        self.path("history.db")
    }

    /// The history the commands wrote.
    pub fn store(&self) -> Store {
        Store::open(self.history_path()).unwrap().0
    }

    /// `ccc-dial` with this sandbox's home, history and settings and no credentials.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy().into_owned();
            if name.starts_with("TENCENTCLOUD_") || name.starts_with("TCCLI_") {
                cmd.env_remove(name);
            }
        }
        cmd.env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("CCC_DIAL_HISTORY", self.history_path())
            .env("CCC_DIAL_CONFIG", self.path("settings.toml"))
            .stdin(Stdio::null());
        cmd
    }

    /// `ccc-dial` signed with the simulator's credentials and sent to `url`.
    pub fn against(&self, url: &str) -> Command {
        let mut cmd = self.command();
        cmd.env("TENCENTCLOUD_SECRET_ID", SIM_SECRET_ID)
            .env("TENCENTCLOUD_SECRET_KEY", SIM_SECRET_KEY)
            .args(["--endpoint", url]);
        cmd
    }
}

/// Runs `cmd` to its end off the async runtime, so a simulator in this process keeps serving.
pub async fn output(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `ccc-dial sim` in its own process, logging every request to a file, so it outlives the
/// clients it serves.
pub struct StandaloneSim {
    child: Child,
    pub url: String,
    pub log: PathBuf,
}

impl StandaloneSim {
    /// Calls ring and talk for the given seconds.
    pub fn start(dir: &Path, ring: f64, talk: f64) -> StandaloneSim {
        Self::start_with(
            dir,
            &["--ring", &ring.to_string(), "--talk", &talk.to_string()],
        )
    }

    /// With these extra options of `ccc-dial sim`.
    pub fn start_with(dir: &Path, options: &[&str]) -> StandaloneSim {
        let log = dir.join("sim-requests.jsonl");
        let mut child = Command::new(BIN)
            .args(["sim", "--port", "0", "--log"])
            .arg(&log)
            .args(options)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let url = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_string();
        // Keep draining stdout so the simulator never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        StandaloneSim { child, url, log }
    }

    /// Every logged request, parsed.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The callees of the CreateAIAgentCall requests received.
    pub fn callees(&self) -> Vec<String> {
        self.requests()
            .iter()
            .filter(|r| r["action"] == "CreateAIAgentCall")
            .map(|r| r["body"]["Callee"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

impl Drop for StandaloneSim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The caller number of the task tests.
pub const TASK_CALLER: &str = "008601012345678";

/// `task create FILE --yes` on SdkAppId 1400000000 with agent 15, sent to the simulator.
pub fn task_create(sandbox: &Sandbox, sim: &StandaloneSim, file: &str, extra: &[&str]) -> Command {
    let mut cmd = sandbox.against(&sim.url);
    cmd.args(["task", "create"])
        .arg(sandbox.path(file))
        .args(["--sdk-app-id", "1400000000", "--agent", "15"])
        .args(["--caller", TASK_CALLER, "--yes"])
        .args(extra);
    cmd
}

/// Runs [`task_create`] to success (exit 0) and returns the TaskId it printed.
pub fn task_created(sandbox: &Sandbox, sim: &StandaloneSim, file: &str, extra: &[&str]) -> String {
    let out = task_create(sandbox, sim, file, extra).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out).trim().to_string()
}

/// `task results ID --jsonl` (exit 0), one JSON object a callee.
pub fn task_results(sandbox: &Sandbox, sim: &StandaloneSim, id: &str) -> Vec<serde_json::Value> {
    let out = sandbox
        .against(&sim.url)
        .args([
            "task",
            "results",
            id,
            "--sdk-app-id",
            "1400000000",
            "--jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `task watch ID --json`, a look every `interval` seconds, run to the task's end (exit 0).
pub fn task_watch(sandbox: &Sandbox, sim: &StandaloneSim, id: &str, interval: &str) -> Output {
    let out = sandbox
        .against(&sim.url)
        .args(["task", "watch", id, "--sdk-app-id", "1400000000"])
        .args(["--json", "--interval", interval])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    out
}
