//! Picking an agent: its declared variables join the form as empty rows, and the rows of the
//! agent before that the new one does not declare are offered for dropping.

use crossterm::event::{KeyCode, KeyEvent};

use super::app::{App, Overlay};
use super::msg::{Effect, Level};
use super::undeclared::{KEEP, Undeclared};
use crate::ccc::actions::AIAgentInfo;

impl App {
    /// Fills the agent and adds its declared variables as empty rows. Switching from another
    /// agent asks about the rows the new one does not declare.
    pub fn pick_agent(&mut self, agent: AIAgentInfo) -> Vec<Effect> {
        let previous = self.form.draft.agent_id.trim().to_string();
        let switched = !previous.is_empty() && previous != agent.ai_agent_id.to_string();
        let keys: Vec<String> = self
            .form
            .draft
            .variables
            .iter()
            .map(|(k, _)| k.clone())
            .filter(|k| !k.trim().is_empty() && !agent.variable_names.contains(k))
            .collect();
        let name = format!("{} · {}", agent.ai_agent_id, agent.ai_agent_name);
        let note = self.form.pick_agent(agent);
        self.notify(Level::Info, note);
        if switched && !keys.is_empty() {
            self.overlay = Some(Overlay::Undeclared(Undeclared { agent: name, keys }));
        }
        vec![self.form.save()]
    }

    /// Enter, `d` or Esc drop the rows; `k` keeps them. Other keys leave the question up.
    pub(super) fn on_undeclared_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(Overlay::Undeclared(q)) = &self.overlay else {
            return Vec::new();
        };
        let keys = q.keys.clone();
        match key.code {
            KeyCode::Char(KEEP) => {
                self.overlay = None;
                self.notify(Level::Info, format!("Kept {}", keys.join(", ")));
                Vec::new()
            }
            KeyCode::Enter | KeyCode::Esc | KeyCode::Char('d') => {
                self.overlay = None;
                self.notify(
                    Level::Info,
                    format!("Dropped {}; Ctrl-Z brings them back", keys.join(", ")),
                );
                self.form.drop_variables(&keys)
            }
            _ => Vec::new(),
        }
    }
}
