//! The form: the draft being filled, which field or row is selected, what is being typed,
//! and the problems of the last refused dial. It answers the keys of the form's panes.

use crossterm::event::KeyEvent;

use super::input::Input;
use super::keymap::{Action, plain_char};
use super::layout::{Shape, problem_rows};
use super::msg::Effect;
use super::pane::Pane;
use crate::ccc::actions::AIAgentInfo;
use crate::dialer::{DialDraft, Field, Problem};
use crate::history::Attempt;
use crate::{phone, variable};

/// A text of the draft being typed into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    SdkAppId,
    AgentId,
    MaxRing,
    Acquire,
    Callee,
    Caller(usize),
    VarKey(usize),
    VarValue(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Editing {
    pub target: Target,
    pub input: Input,
}

#[derive(Debug, Clone, Default)]
pub struct Form {
    pub draft: DialDraft,
    /// The selected field of the Agent (0 SdkAppId, 1 AIAgentId) and Options panes.
    pub agent_field: usize,
    pub options_field: usize,
    pub caller_row: usize,
    pub var_row: usize,
    /// 0 the key column, 1 the value column.
    pub var_col: usize,
    pub editing: Option<Editing>,
    /// The problems of the last refused dial, kept current as fields change.
    pub problems: Vec<Problem>,
    /// VariableNames of the agent picked for this form.
    pub declared: Vec<String>,
    /// The draft before each edit and row deletion, newest last, for Ctrl-Z.
    undo: Vec<DialDraft>,
}

/// Edits Ctrl-Z can take back.
const UNDO_DEPTH: usize = 50;

impl Form {
    pub fn new(draft: DialDraft) -> Form {
        Form {
            draft,
            ..Form::default()
        }
    }

    /// Saving the draft as it stands.
    pub fn save(&self) -> Effect {
        Effect::SaveDraft(self.draft.clone())
    }

    pub fn problem(&self, field: Field) -> Option<&str> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }

    pub fn pane_has_problem(&self, pane: Pane) -> bool {
        self.problems.iter().any(|p| Pane::of(p.field) == pane)
    }

    /// Declared variables of the picked agent still without a value.
    pub fn empty_declared(&self) -> Vec<&str> {
        self.draft.empty_declared(&self.declared)
    }

    /// What of the form changes the layout, with panes `width` wide inside their borders.
    pub fn shape(&self, width: u16) -> Shape {
        let rows = |message: &str| problem_rows(message, width).len() as u16;
        let problems = |fields: &[Field]| {
            fields
                .iter()
                .filter_map(|f| self.problem(*f))
                .map(rows)
                .sum::<u16>()
        };
        let caller_problems = self
            .problems
            .iter()
            .filter(|p| matches!(p.field, Field::Caller(_)))
            .map(|p| rows(&p.message))
            .sum::<u16>();
        Shape {
            agent_problems: problems(&[Field::SdkAppId, Field::AgentId]),
            options_problems: problems(&[Field::MaxRingTimeout, Field::AcquireTimeout]),
            callee_problems: problems(&[Field::Callee]),
            caller_lines: self.draft.callers.len().max(1) as u16 + caller_problems,
            ..Shape::default()
        }
    }

    /// A form pane's key. Returns the effects, or `None` when the action is not the form's.
    pub fn on_key(&mut self, focus: Pane, action: Action, key: &KeyEvent) -> Option<Vec<Effect>> {
        let n = match focus {
            Pane::Callers => self.draft.callers.len(),
            _ => self.draft.variables.len(),
        };
        match action {
            Action::Up | Action::Down => self.move_within(focus, action == Action::Down),
            Action::ScrollUp | Action::ScrollDown => {
                self.move_within(focus, action == Action::ScrollDown)
            }
            Action::First | Action::Last => {
                for _ in 0..n {
                    self.move_within(focus, action == Action::Last);
                }
            }
            Action::Edit => {
                if focus == Pane::Variables && self.is_declared(self.var_row) {
                    self.var_col = 1;
                }
                self.start_editing(focus, None)
            }
            // The first key on a field that is not being typed into replaces it.
            Action::TypeNumber => self.start_typing(focus, "", plain_char(key)),
            Action::ClearField => self.start_typing(focus, "", None),
            Action::Undo => return Some(self.undo()),
            Action::AddRow if focus == Pane::Callers => {
                self.draft.callers.push(String::new());
                self.caller_row = self.draft.callers.len() - 1;
                self.start_editing(focus, None);
            }
            Action::AddRow => self.add_variable("", 0),
            Action::DeleteRow if focus == Pane::Callers && self.caller_row < n => {
                self.remember();
                self.draft.callers.remove(self.caller_row);
                self.caller_row = self.caller_row.min(n.saturating_sub(2));
                return Some(self.changed());
            }
            Action::DeleteRow if focus == Pane::Variables && self.var_row < n => {
                self.remember();
                self.draft.variables.remove(self.var_row);
                self.var_row = self.var_row.min(n.saturating_sub(2));
                return Some(self.changed());
            }
            Action::MoveRowUp | Action::MoveRowDown => {
                let i = self.caller_row;
                let j = if action == Action::MoveRowUp {
                    i.checked_sub(1)
                } else {
                    Some(i + 1)
                };
                if let Some(j) = j.filter(|j| *j < n && i < n) {
                    self.draft.callers.swap(i, j);
                    self.caller_row = j;
                    return Some(self.changed());
                }
            }
            Action::KeyColumn => self.var_col = 0,
            Action::ValueColumn => self.var_col = 1,
            Action::AddVariable(key, col) => self.add_variable(key, col),
            Action::DeleteRow => {}
            _ => return None,
        }
        Some(Vec::new())
    }

    /// The draft changed: marks follow, and it is saved.
    fn changed(&mut self) -> Vec<Effect> {
        self.revalidate();
        vec![self.save()]
    }

    pub fn move_within(&mut self, focus: Pane, down: bool) {
        let step = |v: &mut usize, len: usize| {
            *v = if down {
                (*v + 1).min(len.saturating_sub(1))
            } else {
                v.saturating_sub(1)
            }
        };
        match focus {
            Pane::Agent => step(&mut self.agent_field, 2),
            Pane::Options => step(&mut self.options_field, 2),
            Pane::Callers => step(&mut self.caller_row, self.draft.callers.len()),
            Pane::Variables => step(&mut self.var_row, self.draft.variables.len()),
            Pane::Callee | Pane::History => {}
        }
    }

    fn selected_target(&self, focus: Pane) -> Option<Target> {
        Some(match focus {
            Pane::Agent if self.agent_field == 0 => Target::SdkAppId,
            Pane::Agent => Target::AgentId,
            Pane::Options if self.options_field == 0 => Target::MaxRing,
            Pane::Options => Target::Acquire,
            Pane::Callee => Target::Callee,
            Pane::Callers if self.caller_row < self.draft.callers.len() => {
                Target::Caller(self.caller_row)
            }
            Pane::Variables if self.var_row < self.draft.variables.len() => {
                if self.var_col == 0 {
                    Target::VarKey(self.var_row)
                } else {
                    Target::VarValue(self.var_row)
                }
            }
            _ => return None,
        })
    }

    fn start_editing(&mut self, focus: Pane, first: Option<char>) {
        let Some(target) = self.selected_target(focus) else {
            return;
        };
        self.start_typing(focus, &self.text_of(target), first);
    }

    /// Starts typing into the selected field, holding `text` and then `first`.
    fn start_typing(&mut self, focus: Pane, text: &str, first: Option<char>) {
        let Some(target) = self.selected_target(focus) else {
            return;
        };
        self.remember();
        let mut input = Input::new(text);
        if let Some(c) = first {
            input.insert_str(c.encode_utf8(&mut [0u8; 4]));
        }
        self.editing = Some(Editing { target, input });
        self.sync_editing();
    }

    /// Keeps the draft as it is, for Ctrl-Z.
    fn remember(&mut self) {
        if self.undo.last() != Some(&self.draft) {
            self.undo.push(self.draft.clone());
        }
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
    }

    /// Takes back the last edit or row deletion.
    pub fn undo(&mut self) -> Vec<Effect> {
        self.editing = None;
        let Some(before) = self.undo.pop() else {
            return Vec::new();
        };
        self.draft = before;
        self.caller_row = self
            .caller_row
            .min(self.draft.callers.len().saturating_sub(1));
        self.var_row = self
            .var_row
            .min(self.draft.variables.len().saturating_sub(1));
        self.changed()
    }

    fn is_declared(&self, row: usize) -> bool {
        self.draft
            .variables
            .get(row)
            .is_some_and(|(k, _)| self.declared.contains(k))
    }

    /// While typing a variable: Tab from its key goes to its value, Shift-Tab back. Returns
    /// false when the move leaves the row.
    pub fn tab_within_row(&mut self, forward: bool) -> bool {
        let row = match self.editing.as_ref().map(|e| e.target) {
            Some(Target::VarKey(row)) if forward => row,
            Some(Target::VarValue(row)) if !forward => row,
            _ => return false,
        };
        self.finish_editing();
        if row < self.draft.variables.len() {
            self.var_row = row;
            self.var_col = usize::from(forward);
            self.start_editing(Pane::Variables, None);
        }
        true
    }

    /// The draft as it is sent: variables with an empty value are left out (the service
    /// takes them as unset), with the keys left out and where each kept row was. A repeated
    /// key stays, to be reported.
    pub fn sendable(&self) -> (DialDraft, Vec<String>, Vec<usize>) {
        let mut draft = self.draft.clone();
        let mut left_out = Vec::new();
        let mut kept = Vec::new();
        let dups = variable::duplicate_keys(&self.draft.variables);
        draft.variables.clear();
        for (i, (k, v)) in self.draft.variables.iter().enumerate() {
            if v.trim().is_empty() && !k.trim().is_empty() && !dups.contains(&k.as_str()) {
                left_out.push(k.clone());
            } else {
                kept.push(i);
                draft.variables.push((k.clone(), v.clone()));
            }
        }
        (draft, left_out, kept)
    }

    /// A key typed into the field being edited.
    pub fn type_key(&mut self, key: KeyEvent) {
        let Some(editing) = &mut self.editing else {
            return;
        };
        let target = editing.target;
        // Typing at the end (a paste above all) adds the same character to the draft, so
        // each key costs the same however long the text: the draft is not copied whole.
        match editing.input.appends(&key) {
            Some(c) if target != Target::AgentId => {
                editing.input.handle(key);
                if let Some(slot) = self.slot(target) {
                    slot.push(c);
                }
                self.revalidate();
            }
            _ if editing.input.handle(key) => self.sync_editing(),
            _ => {}
        }
    }

    /// Copies the input being typed into the draft, so nothing typed is lost.
    fn sync_editing(&mut self) {
        let Some(editing) = &self.editing else { return };
        let (target, text) = (editing.target, editing.input.text().to_string());
        if target == Target::AgentId && text != self.draft.agent_id {
            // A typed id is not the picked agent any more.
            self.draft.agent_name = None;
            self.declared.clear();
        }
        self.set_text(target, text);
        self.revalidate();
    }

    /// Ends typing: numbers are shown in the service's form, rows left wholly empty go.
    /// Returns what the user should know of it, if anything.
    pub fn finish_editing(&mut self) -> Option<String> {
        let editing = self.editing.take()?;
        let mut note = None;
        match editing.target {
            Target::Callee | Target::Caller(_) => {
                let text = self.text_of(editing.target);
                if let Ok(n) = phone::normalize(&text)
                    && n != text
                {
                    note = Some(format!("{} is written {n}", text.trim()));
                    self.set_text(editing.target, n);
                }
                if let Target::Caller(i) = editing.target
                    && text.trim().is_empty()
                {
                    self.draft.callers.remove(i);
                    self.caller_row = self
                        .caller_row
                        .min(self.draft.callers.len().saturating_sub(1));
                }
            }
            Target::VarKey(i) | Target::VarValue(i)
                if self.draft.variables[i].0.is_empty() && self.draft.variables[i].1.is_empty() =>
            {
                self.draft.variables.remove(i);
                self.var_row = self
                    .var_row
                    .min(self.draft.variables.len().saturating_sub(1));
            }
            _ => {}
        }
        self.revalidate();
        note
    }

    pub fn text_of(&self, target: Target) -> String {
        let d = &self.draft;
        match target {
            Target::SdkAppId => d.sdk_app_id.clone(),
            Target::AgentId => d.agent_id.clone(),
            Target::MaxRing => d.max_ring_timeout.clone(),
            Target::Acquire => d.acquire_timeout.clone(),
            Target::Callee => d.callee.clone(),
            Target::Caller(i) => d.callers.get(i).cloned().unwrap_or_default(),
            Target::VarKey(i) => d.variables.get(i).map(|v| v.0.clone()).unwrap_or_default(),
            Target::VarValue(i) => d.variables.get(i).map(|v| v.1.clone()).unwrap_or_default(),
        }
    }

    fn set_text(&mut self, target: Target, text: String) {
        if let Some(slot) = self.slot(target) {
            *slot = text;
        }
    }

    /// The draft's text that `target` edits.
    fn slot(&mut self, target: Target) -> Option<&mut String> {
        let d = &mut self.draft;
        match target {
            Target::SdkAppId => Some(&mut d.sdk_app_id),
            Target::AgentId => Some(&mut d.agent_id),
            Target::MaxRing => Some(&mut d.max_ring_timeout),
            Target::Acquire => Some(&mut d.acquire_timeout),
            Target::Callee => Some(&mut d.callee),
            Target::Caller(i) => d.callers.get_mut(i),
            Target::VarKey(i) => d.variables.get_mut(i).map(|v| &mut v.0),
            Target::VarValue(i) => d.variables.get_mut(i).map(|v| &mut v.1),
        }
    }

    /// After a refused dial, the marks follow the fixes as they are typed.
    pub fn revalidate(&mut self) {
        if !self.problems.is_empty() {
            self.problems = self.draft.validate().err().unwrap_or_default();
        }
    }

    /// Adds a row with `key` (or goes to the row that has it) and starts typing in `col`.
    fn add_variable(&mut self, key: &str, col: usize) {
        let existing = (key != variable::DIFY_INPUT_PREFIX && !key.is_empty())
            .then(|| self.draft.variables.iter().position(|(k, _)| k == key))
            .flatten();
        self.var_row = existing.unwrap_or_else(|| {
            self.draft.variables.push((key.to_string(), String::new()));
            self.draft.variables.len() - 1
        });
        self.var_col = col;
        self.start_editing(Pane::Variables, None);
    }

    /// Fills the agent and adds its declared variables as empty rows. Returns the notice.
    pub fn pick_agent(&mut self, agent: AIAgentInfo) -> String {
        self.remember();
        self.draft.agent_id = agent.ai_agent_id.to_string();
        self.draft.agent_name = Some(agent.ai_agent_name.clone());
        for name in &agent.variable_names {
            if !self.draft.variables.iter().any(|(k, _)| k == name) {
                self.draft.variables.push((name.clone(), String::new()));
            }
        }
        self.declared = agent.variable_names;
        self.revalidate();
        let added = if self.declared.is_empty() {
            String::new()
        } else {
            format!("; fill its variables: {}", self.declared.join(", "))
        };
        format!(
            "Agent {} · {}{added}",
            agent.ai_agent_id, agent.ai_agent_name
        )
    }

    /// Removes the rows of `keys` (Ctrl-Z brings them back).
    pub fn drop_variables(&mut self, keys: &[String]) -> Vec<Effect> {
        self.remember();
        self.draft.variables.retain(|(k, _)| !keys.contains(k));
        self.var_row = self
            .var_row
            .min(self.draft.variables.len().saturating_sub(1));
        self.changed()
    }

    pub fn pick_number(&mut self, number: String) -> Vec<Effect> {
        match self.draft.callers.iter().position(|c| *c == number) {
            Some(i) => self.caller_row = i,
            None => {
                self.draft.callers.push(number);
                self.caller_row = self.draft.callers.len() - 1;
            }
        }
        self.changed()
    }

    /// The form filled from an earlier attempt, to dial it again.
    pub fn load(&mut self, attempt: &Attempt) {
        self.remember();
        self.draft = DialDraft::from_attempt(attempt);
        self.declared.clear();
        self.problems.clear();
        self.caller_row = 0;
        self.var_row = 0;
    }
}
