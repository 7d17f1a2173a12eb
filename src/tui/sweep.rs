//! The sweep prompt: the path of a variables file to run the form over, and the sweep
//! running meanwhile. A second sweep waits for the first: one phone, one call at a time.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};

use super::input::Input;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SweepPrompt {
    pub path: Input,
    /// Why the last path was refused; the prompt stays open to fix it.
    pub problem: Option<String>,
}

/// What a key did to the prompt.
#[derive(Debug, Clone, PartialEq)]
pub enum Prompted {
    Stay,
    Close,
    Run(PathBuf),
}

impl SweepPrompt {
    pub fn on_key(&mut self, key: KeyEvent) -> Prompted {
        match key.code {
            KeyCode::Esc => Prompted::Close,
            KeyCode::Enter => {
                let path = self.path.text().trim();
                if path.is_empty() {
                    self.problem = Some(
                        "Type the path of a CSV with one var.NAME column per variable, one row per set"
                            .into(),
                    );
                    return Prompted::Stay;
                }
                Prompted::Run(PathBuf::from(expand_home(path)))
            }
            _ => {
                if self.path.handle(key) {
                    self.problem = None;
                }
                Prompted::Stay
            }
        }
    }
}

/// `~/sets.csv` as the shell would read it.
pub(super) fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => format!("{}/{rest}", home.to_string_lossy()),
        _ => path.to_owned(),
    }
}
