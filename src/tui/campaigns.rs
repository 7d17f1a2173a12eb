//! The Campaigns view (F3, Alt-7): the local batches and server tasks of this machine, each
//! with its progress and state. A server task's counts come from the service, asked again
//! only while it runs (one DescribeAutoCalloutTask per task every few seconds, inside the
//! request budget); nothing is polled while idle. Pause, resume and stop a server task (stop
//! asks first); Enter shows a campaign's calls in History, S their statistics.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent};

use super::campaign_batch::BatchStarted;
use super::campaign_load::{ListAsk, ListRead, Load, LoadKey};
use crate::ccc::actions::TaskState;
use crate::dialer::task_control::TaskVerb;
use crate::dialer::task_home::Home;
use crate::dialer::task_watch::Progress;
use crate::history::Campaign;

/// How long a running task's counts are left before they are asked again.
pub const POLL_MS: u64 = 3_000;
/// Campaigns listed at most.
pub const LISTED: usize = 200;

/// What the view asks the runtime for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignEffect {
    /// The campaigns in the history.
    Load,
    /// One look at a server task, after `after_ms`.
    Poll {
        sdk_app_id: u64,
        task_id: u64,
        after_ms: u64,
    },
    Control {
        sdk_app_id: u64,
        task_id: u64,
        verb: TaskVerb,
    },
    /// Read and check a list, and which of its callees are held back.
    Read(ListAsk),
    /// Create the server task of this list (its bytes as previewed).
    Start(ListAsk, Vec<u8>),
    StartBatch(ListAsk, Option<String>),
    /// Take up the watch of every call the history has as live and no one here follows.
    FollowLive,
}

/// What the runtime brings back.
#[derive(Debug, Clone)]
pub enum CampaignMsg {
    Loaded(Result<Vec<Campaign>, String>),
    Progress {
        task_id: u64,
        result: Result<(Option<TaskState>, Progress), String>,
    },
    Controlled {
        task_id: u64,
        verb: TaskVerb,
        result: Result<String, String>,
    },
    /// The finished tries of an ended task brought into the history.
    Home {
        task_id: u64,
        home: Home,
    },
    Read(Result<Box<ListRead>, String>),
    /// A line of what creating does.
    Told(String),
    /// The TaskIds created (or found created before), or why none was.
    Started(Result<Vec<u64>, String>),
    BatchStarted(Result<BatchStarted, String>),
}

/// What a key in the view leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum CampaignsKey {
    Stay(Vec<CampaignEffect>),
    Close,
    /// Show these calls in History: the filter that finds them, as typed after `/`.
    Open(String),
    /// Statistics over these calls: the same filter.
    Stats(String),
    /// Tell the user.
    Say(String),
    /// Load a CSV: the App gives the form's instance, agent and caller.
    LoadList,
}

#[derive(Debug, Clone, Default)]
pub struct Campaigns {
    pub list: Vec<Campaign>,
    /// The service's view of each server task, by TaskId.
    pub live: HashMap<u64, (Option<TaskState>, Progress)>,
    pub selected: usize,
    /// The task a stop waits on a second key for.
    pub confirm_stop: Option<u64>,
    pub loading: bool,
    pub error: Option<String>,
    /// A CSV being loaded: its path, then its preview.
    pub load: Option<Load>,
    /// Tasks with a look under way, so none is asked twice at once.
    polling: Vec<u64>,
}

/// The History filter of a campaign's calls: a created server task's tries by its TaskId,
/// otherwise the batch id its attempts carry.
pub fn calls_filter(c: &Campaign) -> String {
    match c.task_id() {
        Some(id) => format!("task:{id}"),
        None => format!("batch:{}", c.batch_id()),
    }
}

impl Campaigns {
    pub fn opened() -> (Campaigns, CampaignEffect) {
        let c = Campaigns {
            loading: true,
            ..Campaigns::default()
        };
        (c, CampaignEffect::Load)
    }

    pub fn selected(&self) -> Option<&Campaign> {
        self.list.get(self.selected)
    }

    fn poll(&mut self, campaign: &Campaign, after_ms: u64) -> Option<CampaignEffect> {
        let Campaign::Server { part, .. } = campaign else {
            return None;
        };
        let task_id = campaign.task_id()?;
        if self.polling.contains(&task_id) {
            return None;
        }
        self.polling.push(task_id);
        Some(CampaignEffect::Poll {
            sdk_app_id: part.sdk_app_id.max(0) as u64,
            task_id,
            after_ms,
        })
    }

    /// A message for the view; the effects it leads to.
    pub fn on_msg(&mut self, msg: CampaignMsg, now_s: i64) -> Vec<CampaignEffect> {
        match msg {
            CampaignMsg::Loaded(Ok(list)) => self.on_loaded(list),
            CampaignMsg::Loaded(Err(e)) => {
                self.loading = false;
                self.error = Some(e);
                Vec::new()
            }
            CampaignMsg::Progress { task_id, result } => {
                self.polling.retain(|t| *t != task_id);
                match result {
                    Ok((state, progress)) => {
                        self.live.insert(task_id, (state, progress));
                        // Only a task still calling is asked again.
                        let running = state.is_none_or(|s| !s.is_final() && s != TaskState::Paused);
                        let campaign = self.list.iter().find(|c| c.task_id() == Some(task_id));
                        match (running, campaign.cloned()) {
                            (true, Some(c)) => self.poll(&c, POLL_MS).into_iter().collect(),
                            _ => Vec::new(),
                        }
                    }
                    Err(e) => {
                        self.error = Some(format!("task {task_id}: {e}"));
                        Vec::new()
                    }
                }
            }
            CampaignMsg::Home { task_id, home } => {
                for c in &mut self.list {
                    if let Campaign::Server {
                        part,
                        home: at_home,
                        ..
                    } = c
                        && part.task_id == Some(task_id)
                    {
                        *at_home += home.tries as u64;
                    }
                }
                Vec::new()
            }
            CampaignMsg::Read(read) => {
                if let Some(load) = &mut self.load {
                    load.on_read(read, now_s);
                }
                Vec::new()
            }
            CampaignMsg::Told(line) => {
                if let Some(load) = &mut self.load {
                    load.told.push(line);
                }
                Vec::new()
            }
            CampaignMsg::Started(Ok(_)) => {
                // The new task is the newest campaign: listed first, and followed.
                self.load = None;
                self.selected = 0;
                self.loading = true;
                vec![CampaignEffect::Load]
            }
            CampaignMsg::BatchStarted(Ok(_)) => {
                // Its rows show as the batch records them: the history is watched.
                self.load = None;
                self.selected = 0;
                self.loading = true;
                vec![CampaignEffect::Load]
            }
            CampaignMsg::BatchStarted(Err(why)) | CampaignMsg::Started(Err(why)) => {
                if let Some(load) = &mut self.load {
                    let mut told = std::mem::take(&mut load.told);
                    told.push(why);
                    load.on_started(told);
                }
                Vec::new()
            }
            CampaignMsg::Controlled { task_id, .. } => {
                // The state changed on the service: look again now.
                let campaign = self.list.iter().find(|c| c.task_id() == Some(task_id));
                campaign
                    .cloned()
                    .and_then(|c| self.poll(&c, 0))
                    .into_iter()
                    .collect()
            }
        }
    }

    /// The list read again: running tasks are asked about, and a local batch's live calls,
    /// placed by another process, are followed from here.
    fn on_loaded(&mut self, list: Vec<Campaign>) -> Vec<CampaignEffect> {
        self.loading = false;
        self.error = None;
        self.list = list;
        self.selected = self.selected.min(self.list.len().saturating_sub(1));
        let list = self.list.clone();
        let mut effects: Vec<CampaignEffect> =
            list.iter().filter_map(|c| self.poll(c, 0)).collect();
        if list
            .iter()
            .any(|c| matches!(c, Campaign::Local(b) if b.live > 0))
        {
            effects.push(CampaignEffect::FollowLive);
        }
        effects
    }

    pub fn on_key(&mut self, key: &KeyEvent, now_s: i64) -> CampaignsKey {
        if let Some(load) = &mut self.load {
            return match load.on_key(key, now_s) {
                LoadKey::Stay => CampaignsKey::Stay(Vec::new()),
                LoadKey::Close => {
                    self.load = None;
                    CampaignsKey::Stay(Vec::new())
                }
                LoadKey::Read(ask) => CampaignsKey::Stay(vec![CampaignEffect::Read(ask)]),
                LoadKey::Start(ask, bytes) => {
                    CampaignsKey::Stay(vec![CampaignEffect::Start(ask, bytes)])
                }
                LoadKey::StartBatch(ask, caller) => {
                    CampaignsKey::Stay(vec![CampaignEffect::StartBatch(ask, caller)])
                }
            };
        }
        if let Some(task_id) = self.confirm_stop.take() {
            return match key.code {
                KeyCode::Char('y' | 'Y') | KeyCode::Enter => self.control(task_id, TaskVerb::Stop),
                _ => CampaignsKey::Say(format!("Task {task_id} not stopped")),
            };
        }
        let last = self.list.len().saturating_sub(1);
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::F(3) => CampaignsKey::Close,
            KeyCode::Up | KeyCode::Char('k') => {
                self.selected = self.selected.saturating_sub(1);
                CampaignsKey::Stay(Vec::new())
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(last);
                CampaignsKey::Stay(Vec::new())
            }
            KeyCode::Enter => match self.selected() {
                Some(c) => CampaignsKey::Open(calls_filter(c)),
                None => CampaignsKey::Stay(Vec::new()),
            },
            KeyCode::Char('S') => match self.selected() {
                Some(c) => CampaignsKey::Stats(calls_filter(c)),
                None => CampaignsKey::Stay(Vec::new()),
            },
            KeyCode::Char('l') => CampaignsKey::LoadList,
            KeyCode::Char('g') => {
                self.loading = true;
                CampaignsKey::Stay(vec![CampaignEffect::Load])
            }
            KeyCode::Char(c @ ('p' | 'r' | 's')) => {
                let Some(task_id) = self.selected().and_then(Campaign::task_id) else {
                    return CampaignsKey::Say(
                        "Pause, resume and stop are for server tasks that were created".into(),
                    );
                };
                match c {
                    'p' => self.control(task_id, TaskVerb::Pause),
                    'r' => self.control(task_id, TaskVerb::Resume),
                    _ => {
                        self.confirm_stop = Some(task_id);
                        CampaignsKey::Stay(Vec::new())
                    }
                }
            }
            _ => CampaignsKey::Stay(Vec::new()),
        }
    }

    fn control(&mut self, task_id: u64, verb: TaskVerb) -> CampaignsKey {
        let sdk_app_id = match self.list.iter().find(|c| c.task_id() == Some(task_id)) {
            Some(Campaign::Server { part, .. }) => part.sdk_app_id.max(0) as u64,
            _ => return CampaignsKey::Stay(Vec::new()),
        };
        CampaignsKey::Stay(vec![CampaignEffect::Control {
            sdk_app_id,
            task_id,
            verb,
        }])
    }
}
