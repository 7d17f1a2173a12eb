//! Loading a CSV into a campaign from the Campaigns view: its path (Tab completes, `~` is
//! the home folder), then a preview checked as `task create` checks it (rows, callees,
//! variables per row, bad rows by line, the callees never-twice holds back) beside the
//! task's settings, each checked with the command's own messages; then, confirmed, the
//! server task is created as the command creates it.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent};

use super::input::Input;
use super::sweep::expand_home;
use crate::ccc::actions::CreateAutoCalloutTask;
use crate::cli::batch::{BadRow, Row};
use crate::cli::guard::GuardArgs;
use crate::cli::task::{CreateArgs, DEFAULT_PER_TASK, Target, preview, template};

/// The task's settings as the preview lists them, each with the option of `task create` it
/// stands for and its starting value.
pub const SETTINGS: &[(&str, &str)] = &[
    ("name", "--name"),
    ("caller", "--caller"),
    ("window", "--window"),
    ("work days", "--work-days"),
    ("tries", "--tries"),
    ("retry after", "--retry-interval"),
    ("retry on", "--retry-on"),
    ("not before", "--not-before"),
    ("not after", "--not-after"),
    ("time zone", "--time-zone"),
];

const NAME: usize = 0;
const CALLER: usize = 1;
const NOT_BEFORE: usize = 7;
const TIME_ZONE: usize = 9;

/// What reading or starting a list needs: the file, what the form gives every row, and the
/// settings as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListAsk {
    pub path: PathBuf,
    pub sdk_app_id: String,
    pub agent: String,
    pub settings: Vec<String>,
}

impl ListAsk {
    fn setting(&self, i: usize) -> Option<String> {
        let text = self.settings.get(i).map_or("", |s| s.trim());
        (!text.is_empty()).then(|| text.to_string())
    }

    /// The SdkAppId the form gives, checked as `--sdk-app-id` is.
    pub fn sdk_app_id(&self) -> Result<u64, String> {
        let text = self.sdk_app_id.trim();
        text.parse::<u64>().ok().filter(|v| *v > 0).ok_or_else(|| {
            format!("The form's SdkAppId {text:?} is not a positive number; fill it in the form")
        })
    }

    /// The options `task create` would be given for this list.
    pub fn args(&self) -> Result<CreateArgs, String> {
        if self.agent.trim().is_empty() {
            return Err("The form's AIAgentId is empty; a task has one agent: fill it in".into());
        }
        let tries = self
            .setting(4)
            .map(|t| {
                t.parse::<u64>()
                    .map_err(|_| format!("--tries: {t:?} is not a whole number from 1 to 3"))
            })
            .transpose()?;
        Ok(CreateArgs {
            file: self.path.clone(),
            target: Target {
                sdk_app_id: Some(self.sdk_app_id.trim().to_string()),
                sim: false,
            },
            agent: self.agent.trim().to_string(),
            callers: self.setting(CALLER).map_or_else(Vec::new, |c| {
                c.split(',')
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty())
                    .collect()
            }),
            name: self.setting(NAME),
            not_before: self.setting(NOT_BEFORE).unwrap_or_else(|| "now".into()),
            not_after: self.setting(8),
            time_zone: self
                .setting(TIME_ZONE)
                .unwrap_or_else(|| "Asia/Shanghai".into()),
            window: self.setting(2),
            work_days: self.setting(3),
            tries,
            retry_interval: self.setting(5),
            retry_on: self.setting(6),
            max_ring: None,
            concurrency: None,
            per_task: DEFAULT_PER_TASK,
            yes: true,
            dry_run: false,
            again: false,
            guard: GuardArgs::default(),
        })
    }

    /// The request every part shares, checked as the command checks its options.
    pub fn template(&self, now_s: i64) -> Result<(CreateAutoCalloutTask, chrono_tz::Tz), String> {
        let args = self.args()?;
        if args.callers.is_empty() {
            return Err("--caller is required: the service calls from these numbers".into());
        }
        template(&args, self.sdk_app_id()?, now_s)
    }
}

/// A list read and checked, before anything is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRead {
    pub bytes: Vec<u8>,
    pub rows: Vec<Row>,
    /// Rows with bad data, by line.
    pub bad: Vec<BadRow>,
    /// A problem with the whole file (a bad header, a callee on two rows), every line named.
    pub file_error: Option<String>,
    /// Each callee never-twice holds back: its line and why.
    pub held: Vec<(u64, String)>,
    /// The earlier calls could not be checked; creating checks again and stops if it fails.
    pub held_unknown: Option<String>,
}

impl ListRead {
    /// Callees that will be called: the rows less those held back.
    pub fn callees(&self) -> usize {
        self.rows.len().saturating_sub(self.held.len())
    }
}

/// The path as typed, completed as far as the names in its folder agree (`~/li` becomes
/// `~/lists/` when that is the only match); None when nothing matches.
pub fn complete(typed: &str) -> Option<String> {
    let expanded = expand_home(typed);
    let (dir, prefix) = match expanded.rfind('/') {
        Some(i) => (&expanded[..=i], &expanded[i + 1..]),
        None => ("", expanded.as_str()),
    };
    let folder = if dir.is_empty() { "." } else { dir };
    let mut names: Vec<(String, bool)> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().into_string().ok()?;
            let hidden = name.starts_with('.') && !prefix.starts_with('.');
            (name.starts_with(prefix) && !hidden).then(|| (name, e.path().is_dir()))
        })
        .collect();
    names.sort();
    let (first, is_dir) = names.first()?.clone();
    let common = names.iter().fold(first.clone(), |common, (n, _)| {
        common
            .chars()
            .zip(n.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    });
    let slash = if names.len() == 1 && is_dir { "/" } else { "" };
    Some(format!(
        "{}{common}{slash}",
        &typed[..typed.len() - prefix.len()]
    ))
}

/// The file's bytes, or what is wrong with the path in words that say how to fix it.
pub fn read_list(path: &Path) -> Result<Vec<u8>, String> {
    let shown = path.display();
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
            "{shown} does not exist; check the path (Tab completes it)"
        )),
        Err(e) => Err(format!("{shown} cannot be read: {e}")),
        Ok(m) if m.is_dir() => Err(format!(
            "{shown} is a folder; give the CSV file in it (Tab completes its names)"
        )),
        Ok(_) => std::fs::read(path).map_err(|e| format!("{shown} cannot be read: {e}")),
    }
}

/// The load: the path prompt, then the preview of the list read.
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    pub path: Input,
    /// Why the path or the file was refused; the text stays to be fixed.
    pub problem: Option<String>,
    pub reading: bool,
    pub list: Option<Box<ListRead>>,
    pub settings: Vec<Input>,
    /// The setting the keys edit.
    pub field: usize,
    /// The start waits on `y`.
    pub confirm: bool,
    pub starting: bool,
    /// What creating told (the service's text escaped).
    pub told: Vec<String>,
    /// The preview with the settings as they stand, or why it cannot start; made again on
    /// each edit rather than on each frame, as a long list takes a while.
    checked: Result<String, String>,
    sdk_app_id: String,
    agent: String,
}

/// What a key in the load leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadKey {
    Stay,
    /// Back to the list.
    Close,
    Read(ListAsk),
    Start(ListAsk, Vec<u8>),
    /// Run from this machine as `ccc-dial batch`, calling from the caller setting.
    StartBatch(ListAsk, Option<String>),
}

impl Load {
    /// A load for the form's instance and agent, calling from its first caller.
    pub fn new(sdk_app_id: &str, agent: &str, caller: Option<&str>) -> Load {
        let mut settings: Vec<Input> = SETTINGS.iter().map(|_| Input::default()).collect();
        settings[CALLER] = Input::new(caller.unwrap_or(""));
        settings[NOT_BEFORE] = Input::new("now");
        settings[TIME_ZONE] = Input::new("Asia/Shanghai");
        Load {
            path: Input::default(),
            problem: None,
            reading: false,
            list: None,
            settings,
            field: CALLER,
            confirm: false,
            starting: false,
            told: Vec::new(),
            checked: Err("No list read yet".into()),
            sdk_app_id: sdk_app_id.trim().to_string(),
            agent: agent.trim().to_string(),
        }
    }

    pub fn ask(&self) -> ListAsk {
        ListAsk {
            path: PathBuf::from(expand_home(self.path.text().trim())),
            sdk_app_id: self.sdk_app_id.clone(),
            agent: self.agent.clone(),
            settings: self.settings.iter().map(|i| i.text().to_string()).collect(),
        }
    }

    /// The preview of the list with the settings as they stand, or why it cannot start.
    pub fn preview(&self) -> &Result<String, String> {
        &self.checked
    }

    fn recheck(&mut self, now_s: i64) {
        self.checked = self.check(now_s);
    }

    fn check(&self, now_s: i64) -> Result<String, String> {
        let Some(list) = &self.list else {
            return Err("No list read yet".into());
        };
        let (template, zone) = self.ask().template(now_s)?;
        let parts = list.rows.len().div_ceil(DEFAULT_PER_TASK).max(1);
        Ok(preview(&template, &list.rows, parts, zone, now_s))
    }

    /// Why the list cannot be started as it stands, if it cannot.
    pub fn refusal(&self) -> Option<String> {
        let list = self.list.as_ref()?;
        if let Some(e) = &list.file_error {
            return Some(format!("The file cannot be used: {e}"));
        }
        if !list.bad.is_empty() {
            return Some(format!(
                "{} rows have bad data; fix them in the file and load it again (nothing was sent)",
                list.bad.len()
            ));
        }
        if list.rows.is_empty() {
            return Some("The file has no rows".into());
        }
        if list.callees() == 0 {
            return Some("Every callee is held back: nothing to call".into());
        }
        self.checked.clone().err()
    }

    pub fn on_key(&mut self, key: &KeyEvent, now_s: i64) -> LoadKey {
        if self.starting || self.reading {
            return LoadKey::Stay;
        }
        if self.confirm {
            self.confirm = false;
            return match key.code {
                KeyCode::Char('y' | 'Y') => {
                    self.starting = true;
                    self.told.clear();
                    let bytes = self.list.as_ref().map(|l| l.bytes.clone());
                    LoadKey::Start(self.ask(), bytes.unwrap_or_default())
                }
                KeyCode::Char('b' | 'B') => {
                    self.starting = true;
                    self.told.clear();
                    let ask = self.ask();
                    let caller = ask.setting(CALLER);
                    LoadKey::StartBatch(ask, caller)
                }
                _ => {
                    self.told = vec!["Not started".into()];
                    LoadKey::Stay
                }
            };
        }
        match &self.list {
            None => self.on_path_key(key),
            Some(_) => self.on_preview_key(key, now_s),
        }
    }

    fn on_path_key(&mut self, key: &KeyEvent) -> LoadKey {
        match key.code {
            KeyCode::Esc => LoadKey::Close,
            KeyCode::Tab => {
                match complete(self.path.text()) {
                    Some(done) => {
                        self.path = Input::new(&done);
                        self.problem = None;
                    }
                    None => self.problem = Some("No file or folder starts so".into()),
                }
                LoadKey::Stay
            }
            KeyCode::Enter if self.path.text().trim().is_empty() => {
                self.problem = Some("Type the path of a CSV with a callee column".into());
                LoadKey::Stay
            }
            KeyCode::Enter => {
                self.reading = true;
                self.problem = None;
                LoadKey::Read(self.ask())
            }
            _ => {
                if self.path.handle(*key) {
                    self.problem = None;
                }
                LoadKey::Stay
            }
        }
    }

    fn on_preview_key(&mut self, key: &KeyEvent, now_s: i64) -> LoadKey {
        let last = SETTINGS.len() - 1;
        match key.code {
            // Back to the path, the list forgotten.
            KeyCode::Esc => {
                self.list = None;
                self.told.clear();
                LoadKey::Stay
            }
            KeyCode::Up | KeyCode::BackTab => {
                self.field = self.field.checked_sub(1).unwrap_or(last);
                LoadKey::Stay
            }
            KeyCode::Down | KeyCode::Tab => {
                self.field = if self.field == last {
                    0
                } else {
                    self.field + 1
                };
                LoadKey::Stay
            }
            KeyCode::Enter => {
                // `now` is now: the times are resolved again before the question.
                self.recheck(now_s);
                self.told = match self.refusal() {
                    Some(why) => vec![why],
                    None => {
                        self.confirm = true;
                        Vec::new()
                    }
                };
                LoadKey::Stay
            }
            _ => {
                if self.settings[self.field].handle(*key) {
                    self.told.clear();
                    self.recheck(now_s);
                }
                LoadKey::Stay
            }
        }
    }

    /// The list read, or why it could not be: the path stays to be fixed.
    pub fn on_read(&mut self, read: Result<Box<ListRead>, String>, now_s: i64) {
        self.reading = false;
        match read {
            Ok(list) => {
                if self.settings[NAME].text().is_empty() {
                    let stem = self
                        .ask()
                        .path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned());
                    self.settings[NAME] = Input::new(&stem.unwrap_or_default());
                }
                self.list = Some(list);
                self.problem = None;
                self.recheck(now_s);
            }
            Err(why) => self.problem = Some(why),
        }
    }

    /// How creating ended: the preview stays with what was told.
    pub fn on_started(&mut self, told: Vec<String>) {
        self.starting = false;
        self.told = told;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_completes_as_far_as_the_names_agree() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("lists")).unwrap();
        std::fs::write(dir.path().join("lists/calls-a.csv"), "callee\n").unwrap();
        std::fs::write(dir.path().join("lists/calls-b.csv"), "callee\n").unwrap();
        let base = dir.path().display().to_string();
        assert_eq!(
            complete(&format!("{base}/li")),
            Some(format!("{base}/lists/"))
        );
        assert_eq!(
            complete(&format!("{base}/lists/c")),
            Some(format!("{base}/lists/calls-"))
        );
        assert_eq!(complete(&format!("{base}/nothing")), None);
    }

    #[test]
    fn a_wrong_path_says_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let missing = read_list(&dir.path().join("gone.csv")).unwrap_err();
        assert!(missing.ends_with("gone.csv does not exist; check the path (Tab completes it)"));
        let folder = read_list(dir.path()).unwrap_err();
        assert!(
            folder.contains("is a folder; give the CSV file in it"),
            "{folder}"
        );
        std::fs::write(dir.path().join("a.csv"), "callee\n1\n").unwrap();
        assert_eq!(
            read_list(&dir.path().join("a.csv")).unwrap(),
            b"callee\n1\n"
        );
    }

    #[test]
    fn settings_are_checked_with_the_commands_messages() {
        let mut load = Load::new("1400000000", "15", Some("008601012345678"));
        let ask = |l: &Load| l.ask();
        assert!(ask(&load).template(1_800_000_000).is_ok());
        load.settings[4] = Input::new("4");
        let e = ask(&load).template(1_800_000_000).unwrap_err();
        assert!(e.contains("Tries"), "{e}");
        load.settings[4] = Input::new("x");
        let e = ask(&load).template(1_800_000_000).unwrap_err();
        assert_eq!(e, "--tries: \"x\" is not a whole number from 1 to 3");
        load.settings[4] = Input::default();
        load.settings[2] = Input::new("12:00-09:00");
        assert!(
            ask(&load)
                .template(0)
                .unwrap_err()
                .starts_with("--window: ")
        );
        load.settings[2] = Input::default();
        load.settings[6] = Input::new("caller-cancel");
        assert!(
            ask(&load)
                .template(0)
                .unwrap_err()
                .starts_with("--retry-on: \"caller-cancel\"")
        );
        load.settings[6] = Input::default();
        load.settings[CALLER] = Input::default();
        assert_eq!(
            ask(&load).template(0).unwrap_err(),
            "--caller is required: the service calls from these numbers"
        );
    }
}
