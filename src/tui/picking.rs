//! Opening the agent and number pickers, and taking the pages of agents as they arrive.

use super::app::{App, Level, Overlay};
use super::msg::Effect;
use super::pane::Pane;
use super::picker::{Picker, PickerKind};
use crate::ccc::actions::AIAgentInfo;

impl App {
    pub(super) fn open_picker(&mut self) -> Vec<Effect> {
        let kind = match self.focus {
            Pane::Agent => PickerKind::Agents,
            _ => PickerKind::Numbers,
        };
        let Some((picker, load)) = Picker::open(kind, &self.form.draft.sdk_app_id) else {
            self.focus = Pane::Agent;
            self.form.agent_field = 0;
            self.notify(
                Level::Error,
                "Enter the SdkAppId first: the lists are per instance",
            );
            return Vec::new();
        };
        self.overlay = Some(Overlay::Picker(picker));
        vec![load]
    }

    pub(super) fn on_agents(
        &mut self,
        page_number: i64,
        result: Result<(Vec<AIAgentInfo>, Option<i64>), String>,
    ) -> Vec<Effect> {
        let Some(Overlay::Picker(p)) = &mut self.overlay else {
            return Vec::new();
        };
        match self.form.draft.sdk_app_id.trim().parse::<i64>() {
            Ok(sdk_app_id) if p.on_agents(result) => vec![Effect::LoadAgents {
                sdk_app_id,
                page_number: page_number + 1,
            }],
            _ => Vec::new(),
        }
    }
}
