//! The dialer's side of the Campaigns view: opening it, its keys and its messages.

use crossterm::event::KeyEvent;

use super::app::{App, Overlay};
use super::campaign_load::Load;
use super::campaigns::{CampaignEffect, CampaignMsg, Campaigns, CampaignsKey};
use super::filter::parse;
use super::msg::{Effect, Level};
use super::pane::Pane;

impl App {
    pub(super) fn open_campaigns(&mut self) -> Vec<Effect> {
        let (campaigns, effect) = Campaigns::opened();
        self.overlay = Some(Overlay::Campaigns(Box::new(campaigns)));
        vec![Effect::Campaigns(effect)]
    }

    pub(super) fn on_campaigns_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let Some(Overlay::Campaigns(c)) = &mut self.overlay else {
            return Vec::new();
        };
        match c.on_key(key, self.now_ms.div_euclid(1_000)) {
            CampaignsKey::LoadList => {
                let d = &self.form.draft;
                c.load = Some(Load::new(
                    &d.sdk_app_id,
                    &d.agent_id,
                    d.callers.first().map(String::as_str),
                ));
                Vec::new()
            }
            CampaignsKey::Stay(effects) => effects.into_iter().map(Effect::Campaigns).collect(),
            CampaignsKey::Close => {
                self.overlay = None;
                Vec::new()
            }
            CampaignsKey::Say(text) => {
                self.notify(Level::Info, text);
                Vec::new()
            }
            CampaignsKey::Open(filter) => {
                self.overlay = None;
                self.focus = Pane::History;
                self.detail_open = false;
                let effect = self.history.filter_by(&filter, self.now_ms);
                effect.into_iter().collect()
            }
            CampaignsKey::Stats(text) => match parse(&text, self.now_ms) {
                Ok(filter) => self.open_stats(filter, text),
                Err(e) => {
                    self.notify(Level::Error, e.to_string());
                    Vec::new()
                }
            },
        }
    }

    /// The list read again when the history changes, so a local batch's rows count up live.
    pub(super) fn campaigns_on_history_changed(&self) -> Option<Effect> {
        match &self.overlay {
            Some(Overlay::Campaigns(c)) if c.load.is_none() => {
                Some(Effect::Campaigns(CampaignEffect::Load))
            }
            _ => None,
        }
    }

    /// A message of the view; dropped once it is closed, which ends any polling.
    pub(super) fn on_campaigns_msg(&mut self, msg: CampaignMsg) -> Vec<Effect> {
        if let CampaignMsg::Controlled {
            task_id,
            verb,
            result,
        } = &msg
        {
            match result {
                Ok(request_id) => self.notify(
                    Level::Success,
                    format!(
                        "Task {task_id}: {} sent (RequestId {request_id})",
                        verb.as_str()
                    ),
                ),
                Err(e) => self.notify(
                    Level::Error,
                    format!("Task {task_id}: {} failed: {e}", verb.as_str()),
                ),
            }
        }
        match &msg {
            CampaignMsg::Home { task_id, home } => self.notify(
                Level::Success,
                format!(
                    "Task {task_id}: {} tries brought into the history ({} with an AI report)",
                    home.tries, home.reports
                ),
            ),
            CampaignMsg::Started(Ok(ids)) => {
                let ids: Vec<String> = ids.iter().map(u64::to_string).collect();
                self.notify(
                    Level::Success,
                    format!(
                        "Task {} created and recorded; followed here",
                        ids.join(", ")
                    ),
                );
            }
            CampaignMsg::Started(Err(why)) => {
                self.notify(Level::Error, format!("The task was not created: {why}"));
            }
            CampaignMsg::BatchStarted(Ok(started)) => self.notify(
                Level::Success,
                format!(
                    "Local batch started; its output goes to {}; if it stops, resume it with: {}",
                    started.log.display(),
                    started.resume
                ),
            ),
            CampaignMsg::BatchStarted(Err(why)) => {
                self.notify(Level::Error, format!("The batch did not start: {why}"));
            }
            _ => {}
        }
        let Some(Overlay::Campaigns(c)) = &mut self.overlay else {
            return Vec::new();
        };
        c.on_msg(msg, self.now_ms.div_euclid(1_000))
            .into_iter()
            .map(Effect::Campaigns)
            .collect()
    }
}
