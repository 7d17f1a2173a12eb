//! A checked list started as a local batch: `ccc-dial batch` run beside the dialer, on the
//! same service and the same history, so its rows take the same per-callee claims as every
//! other call, its attempts show in History and Campaigns as they are recorded, and a run cut
//! short resumes from the command line. Its output goes to a log beside the history.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::campaign_load::ListAsk;

/// How the dialer starts a batch: its own program, pointed at the dialer's service.
#[derive(Debug, Clone)]
pub struct BatchLaunch {
    program: PathBuf,
    /// The options that pick the service and credentials, as the dialer was given them, or
    /// `--sim`: the built-in simulator, whose sessions are kept beside the history and whose
    /// calls are recorded under the simulator as the dialer's are.
    service: Vec<OsString>,
    history: PathBuf,
}

/// A batch started: where its output goes, and how to resume it by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchStarted {
    pub log: PathBuf,
    pub resume: String,
}

impl BatchLaunch {
    /// For the dialer's live service: `endpoint` with the options the dialer was started with
    /// (`--profile`, `--region`, `--timeout`).
    pub fn live(
        program: PathBuf,
        endpoint: &str,
        options: Vec<OsString>,
        history: PathBuf,
    ) -> BatchLaunch {
        let mut service: Vec<OsString> = vec!["--endpoint".into(), endpoint.into()];
        service.extend(options);
        BatchLaunch {
            program,
            service,
            history,
        }
    }

    /// For the built-in simulator.
    pub fn simulator(program: PathBuf, history: PathBuf) -> BatchLaunch {
        BatchLaunch {
            program,
            service: vec!["--sim".into()],
            history,
        }
    }

    /// The batch's arguments after the program: `batch FILE`, the service, and what the form
    /// gives every row.
    pub fn arguments(&self, ask: &ListAsk, caller: Option<&str>) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec!["batch".into(), ask.path.clone().into_os_string()];
        args.extend(self.service.iter().cloned());
        args.extend(["--sdk-app-id".into(), ask.sdk_app_id.trim().into()]);
        if !ask.agent.trim().is_empty() {
            args.extend(["--agent".into(), ask.agent.trim().into()]);
        }
        for c in caller.into_iter().flat_map(|c| c.split(',')) {
            if !c.trim().is_empty() {
                args.extend(["--caller".into(), c.trim().into()]);
            }
        }
        args
    }

    /// Starts the batch in its own process group (the dialer's keys never reach it), its
    /// output appended to a log beside the history.
    pub fn start(&self, ask: &ListAsk, caller: Option<&str>) -> Result<BatchStarted, String> {
        use std::os::unix::process::CommandExt;
        let (log, out) = new_log(&self.history, &ask.path)?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let args = self.arguments(ask, caller);
        let mut command = Command::new(&self.program);
        command
            .args(&args)
            .env("CCC_DIAL_HISTORY", &self.history)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);
        let child = command
            .spawn()
            .map_err(|e| format!("the batch could not start: {e}"))?;
        // Reaped off the event loop, so it never lingers as a zombie.
        std::thread::spawn(move || {
            let mut child = child;
            let _ = child.wait();
        });
        let shown: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        Ok(BatchStarted {
            log,
            resume: format!("ccc-dial {}", shown.join(" ")),
        })
    }
}

/// A log of its own, `<history dir>/batch-<list>-<unix ms>[-n].log`: two runs never share one.
fn new_log(history: &Path, list: &Path) -> Result<(PathBuf, std::fs::File), String> {
    let stem = list
        .file_stem()
        .map_or_else(|| "list".into(), |s| s.to_string_lossy().into_owned());
    let dir = history.parent().unwrap_or(Path::new("."));
    let base = format!("batch-{stem}-{}", crate::dialer::now_ms());
    for n in 0..100 {
        let name = match n {
            0 => format!("{base}.log"),
            n => format!("{base}-{n}.log"),
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(format!(
                    "the batch's log {} cannot be written: {e}",
                    path.display()
                ));
            }
        }
    }
    Err(format!("no new log name is free in {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_batch_is_given_the_dialers_service_and_the_forms_values() {
        let launch = BatchLaunch::live(
            "/bin/ccc-dial".into(),
            "https://ccc.tencentcloudapi.com",
            vec!["--profile".into(), "work".into()],
            "/h/history.db".into(),
        );
        let ask = ListAsk {
            path: "/lists/calls.csv".into(),
            sdk_app_id: " 1400000000".into(),
            agent: "15 ".into(),
            settings: Vec::new(),
        };
        let args: Vec<String> = launch
            .arguments(&ask, Some("0086101, 0086102"))
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            [
                "batch",
                "/lists/calls.csv",
                "--endpoint",
                "https://ccc.tencentcloudapi.com",
                "--profile",
                "work",
                "--sdk-app-id",
                "1400000000",
                "--agent",
                "15",
                "--caller",
                "0086101",
                "--caller",
                "0086102"
            ]
        );
        let dir = tempfile::tempdir().unwrap();
        let history = dir.path().join("history.db");
        let (one, _) = new_log(&history, Path::new("/lists/calls.csv")).unwrap();
        let (two, _) = new_log(&history, Path::new("/lists/calls.csv")).unwrap();
        assert!(one.starts_with(dir.path()) && one.to_string_lossy().contains("batch-calls-"));
        assert_ne!(one, two, "two runs never share a log");
    }
}
