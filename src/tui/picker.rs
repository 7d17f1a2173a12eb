//! The picker: an agent or an own number to choose from a list, filtered by what is typed.

use crossterm::event::{KeyCode, KeyEvent};

use super::input::Input;
use super::msg::Effect;
use crate::ccc::actions::{AIAgentInfo, NumberInfo};

/// Agents fetched per DescribeAIAgentInfoList request (the API's maximum).
pub const AGENT_PAGE: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKind {
    Agents,
    Numbers,
}

#[derive(Debug, Clone)]
pub struct Picker {
    pub kind: PickerKind,
    pub filter: Input,
    pub agents: Vec<AIAgentInfo>,
    pub numbers: Vec<NumberInfo>,
    pub selected: usize,
    pub loading: bool,
    pub error: Option<String>,
}

/// What a key in the picker comes to.
pub enum Picked {
    Stay,
    Close,
    Agent(AIAgentInfo),
    Number(NumberInfo),
}

impl Picker {
    pub fn new(kind: PickerKind) -> Picker {
        Picker {
            kind,
            filter: Input::default(),
            agents: Vec::new(),
            numbers: Vec::new(),
            selected: 0,
            loading: true,
            error: None,
        }
    }

    /// The picker of `kind` for the instance typed as `sdk_app_id`, and the request that
    /// fills it; `None` while the SdkAppId is not a number (the lists are per instance).
    pub fn open(kind: PickerKind, sdk_app_id: &str) -> Option<(Picker, Effect)> {
        let sdk_app_id = sdk_app_id.trim().parse::<i64>().ok()?;
        let load = match kind {
            PickerKind::Agents => Effect::LoadAgents {
                sdk_app_id,
                page_number: 0,
            },
            PickerKind::Numbers => Effect::LoadNumbers { sdk_app_id },
        };
        Some((Picker::new(kind), load))
    }

    /// Indices of the items that match the filter, in list order.
    pub fn matches(&self) -> Vec<usize> {
        let needle = self.filter.text().trim().to_lowercase();
        let hit = |text: String| needle.is_empty() || text.to_lowercase().contains(&needle);
        match self.kind {
            PickerKind::Agents => (0..self.agents.len())
                .filter(|&i| {
                    let a = &self.agents[i];
                    hit(format!("{} {}", a.ai_agent_id, a.ai_agent_name))
                })
                .collect(),
            PickerKind::Numbers => (0..self.numbers.len())
                .filter(|&i| hit(self.numbers[i].number.clone()))
                .collect(),
        }
    }

    /// Takes a page of agents. Returns whether another page is to be fetched.
    pub fn on_agents(&mut self, result: Result<(Vec<AIAgentInfo>, Option<i64>), String>) -> bool {
        if self.kind != PickerKind::Agents {
            return false;
        }
        match result {
            Err(e) => {
                self.loading = false;
                self.error = Some(e);
                false
            }
            Ok((agents, total)) => {
                let full = agents.len() as i64 == AGENT_PAGE;
                self.agents.extend(agents);
                let more = full && total.is_none_or(|t| (self.agents.len() as i64) < t);
                self.loading = more;
                more
            }
        }
    }

    pub fn on_numbers(&mut self, result: Result<Vec<NumberInfo>, String>) {
        if self.kind == PickerKind::Numbers {
            self.loading = false;
            match result {
                Ok(numbers) => self.numbers = numbers,
                Err(e) => self.error = Some(e),
            }
        }
    }

    /// The keys of the picker, shown in its title: arrows move, Enter picks, Esc closes, the
    /// rest filter.
    pub fn on_key(&mut self, key: KeyEvent) -> Picked {
        let matches = self.matches();
        match key.code {
            KeyCode::Esc => return Picked::Close,
            KeyCode::Up => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down => {
                self.selected = (self.selected + 1).min(matches.len().saturating_sub(1))
            }
            KeyCode::Enter => {
                if let Some(&i) = matches.get(self.selected) {
                    return match self.kind {
                        PickerKind::Agents => Picked::Agent(self.agents[i].clone()),
                        PickerKind::Numbers => Picked::Number(self.numbers[i].clone()),
                    };
                }
            }
            _ => {
                if self.filter.handle(key) {
                    self.selected = 0;
                }
            }
        }
        Picked::Stay
    }
}
