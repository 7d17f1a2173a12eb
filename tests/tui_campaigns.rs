//! The Campaigns view: its picture at 80x24 and 160x48 without colours, and what its keys and
//! the service's answers lead to (a task is asked again only while it runs; stop asks first;
//! Enter shows the campaign's calls in History).

mod tui_support;

use ccc_dial::ccc::actions::TaskState;
use ccc_dial::dialer::task_control::TaskVerb;
use ccc_dial::dialer::task_watch::Progress;
use ccc_dial::history::{Campaign, LocalBatch, TaskPart, TaskPartStatus};
use ccc_dial::tui::app::{App, Effect, Msg, Overlay, Pane};
use ccc_dial::tui::bench_msg::BenchEffect;
use ccc_dial::tui::campaigns::{CampaignEffect, CampaignMsg, POLL_MS};
use crossterm::event::KeyCode;
use tui_support::*;

const T0: i64 = 1_800_000_000_000;

fn campaigns() -> Vec<Campaign> {
    let part = |n: u32, task_id: Option<u64>, status| TaskPart {
        task_key: "0123456789abcdef".into(),
        part: n,
        parts: 2,
        name: format!("calls-0123456789ab-{n}of2"),
        endpoint: "simulator".into(),
        source: "calls.csv".into(),
        callees: 10_000,
        status,
        task_id,
        error_code: None,
        error_message: None,
        sdk_app_id: 1_400_000_000,
    };
    vec![
        Campaign::Server {
            part: part(2, None, TaskPartStatus::Queued),
            created_ms: T0 + 60_000,
            home: 0,
        },
        Campaign::Server {
            part: part(1, Some(17_110), TaskPartStatus::Created),
            created_ms: T0 + 30_000,
            home: 1_200,
        },
        Campaign::Local(LocalBatch {
            batch_id: "fedcba9876543210".into(),
            started_ms: T0,
            last_ms: T0 + 5_000,
            attempts: 40,
            live: 4,
            finished: 30,
            failed: 6,
        }),
    ]
}

fn running(total: u64, answered: u64) -> Progress {
    Progress {
        state: "running".into(),
        total,
        initial: total - answered - 10,
        calling: 10,
        answered,
        ..Progress::default()
    }
}

/// The view opened on the three campaigns, the running task's counts in.
fn opened() -> (App, Vec<Effect>) {
    let mut app = app();
    app.color = false;
    let start = app.start();
    load_history(&mut app, 0, 0, vec![], &start);
    let effects = key(&mut app, KeyCode::F(3));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Campaigns(CampaignEffect::Load)]
    ));
    let polls = app.update(Msg::Campaigns(CampaignMsg::Loaded(Ok(campaigns()))));
    (app, polls)
}

fn progress(app: &mut App, state: TaskState, p: Progress) -> Vec<Effect> {
    app.update(Msg::Campaigns(CampaignMsg::Progress {
        task_id: 17_110,
        result: Ok((Some(state), p)),
    }))
}

#[test]
fn campaigns_view_without_colours() {
    let (mut app, _) = opened();
    progress(&mut app, TaskState::Running, running(10_000, 4_210));
    insta::assert_snapshot!("campaigns_80x24", render(&mut app, 80, 24));
    insta::assert_snapshot!("campaigns_160x48", render(&mut app, 160, 48));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('s'));
    insta::assert_snapshot!("campaigns_stop_asks_160x48", render(&mut app, 160, 48));
}

#[test]
fn a_task_is_asked_again_only_while_it_runs() {
    let (mut app, polls) = opened();
    let first = CampaignEffect::Poll {
        sdk_app_id: 1_400_000_000,
        task_id: 17_110,
        after_ms: 0,
    };
    assert_eq!(
        polls,
        [
            Effect::Campaigns(first),
            Effect::Campaigns(CampaignEffect::FollowLive)
        ],
        "only the created task is asked about; the local batch's live calls are followed"
    );
    let again = progress(&mut app, TaskState::Running, running(10_000, 10));
    assert_eq!(
        again,
        [Effect::Campaigns(CampaignEffect::Poll {
            sdk_app_id: 1_400_000_000,
            task_id: 17_110,
            after_ms: POLL_MS,
        })]
    );
    let done = Progress {
        state: "completed".into(),
        total: 10_000,
        answered: 10_000,
        ..Progress::default()
    };
    assert!(progress(&mut app, TaskState::Completed, done.clone()).is_empty());
    assert!(progress(&mut app, TaskState::Paused, done).is_empty());
    // Closed, the view asks nothing more.
    key(&mut app, KeyCode::Esc);
    assert!(progress(&mut app, TaskState::Running, running(10_000, 20)).is_empty());
}

#[test]
fn stop_asks_first_and_pause_resume_go_at_once() {
    let (mut app, _) = opened();
    // The first line is a task still being created: nothing to steer.
    assert!(key(&mut app, KeyCode::Char('p')).is_empty());
    key(&mut app, KeyCode::Down);
    let control = |verb| {
        [Effect::Campaigns(CampaignEffect::Control {
            sdk_app_id: 1_400_000_000,
            task_id: 17_110,
            verb,
        })]
    };
    assert_eq!(key(&mut app, KeyCode::Char('p')), control(TaskVerb::Pause));
    assert_eq!(key(&mut app, KeyCode::Char('r')), control(TaskVerb::Resume));
    assert!(key(&mut app, KeyCode::Char('s')).is_empty(), "asks first");
    assert!(key(&mut app, KeyCode::Char('n')).is_empty(), "not stopped");
    assert!(key(&mut app, KeyCode::Char('s')).is_empty());
    assert_eq!(key(&mut app, KeyCode::Char('y')), control(TaskVerb::Stop));
    // Seen paused, nothing is asked until the task is steered.
    let paused = Progress {
        state: "paused".into(),
        ..running(10_000, 10)
    };
    assert!(progress(&mut app, TaskState::Paused, paused).is_empty());
    let after = app.update(Msg::Campaigns(CampaignMsg::Controlled {
        task_id: 17_110,
        verb: TaskVerb::Stop,
        result: Ok("req-1".into()),
    }));
    assert!(
        matches!(
            after.as_slice(),
            [Effect::Campaigns(CampaignEffect::Poll { after_ms: 0, .. })]
        ),
        "looks again at once: {after:?}"
    );
    assert!(app.log.iter().any(|n| n.text.contains("stop sent")));
}

#[test]
fn enter_shows_the_campaigns_calls_in_history() {
    let (mut app, _) = opened();
    // A part not created yet has no TaskId: its batch id finds what it has.
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(app.history.filter, "batch:task:0123456789abcdef:2");
    assert!(matches!(effects.first(), Some(Effect::QueryHistory { .. })));
    key(&mut app, KeyCode::F(3));
    app.update(Msg::Campaigns(CampaignMsg::Loaded(Ok(campaigns()))));
    key(&mut app, KeyCode::Down);
    let effects = key(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    assert_eq!(app.focus, Pane::History);
    assert_eq!(app.history.filter, "task:17110");
    let Some(Effect::QueryHistory { filter, .. }) = effects.first() else {
        panic!("the list is asked for: {effects:?}");
    };
    assert_eq!(filter.task_id, Some(17_110), "{filter:?}");
    // A local batch: by its batch id.
    key(&mut app, KeyCode::F(3));
    app.update(Msg::Campaigns(CampaignMsg::Loaded(Ok(campaigns()))));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.history.filter, "batch:fedcba9876543210");
}

#[test]
fn s_opens_the_campaigns_statistics() {
    let (mut app, _) = opened();
    key(&mut app, KeyCode::Down);
    let effects = key(&mut app, KeyCode::Char('S'));
    let [Effect::Bench(BenchEffect::GatherStats(filter))] = effects.as_slice() else {
        panic!("the statistics are gathered: {effects:?}");
    };
    assert_eq!(filter.task_id, Some(17_110));
    assert!(matches!(app.overlay, Some(Overlay::Stats(_))));
    let (mut app, _) = opened();
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    let effects = key(&mut app, KeyCode::Char('S'));
    let [Effect::Bench(BenchEffect::GatherStats(filter))] = effects.as_slice() else {
        panic!("the statistics are gathered: {effects:?}");
    };
    assert_eq!(filter.batch.as_deref(), Some("fedcba9876543210"));
}

#[test]
fn tries_brought_home_are_counted_and_told() {
    let (mut app, _) = opened();
    progress(&mut app, TaskState::Running, running(10_000, 4_210));
    let home = ccc_dial::dialer::task_home::Home {
        tries: 40,
        reports: 12,
    };
    assert!(
        app.update(Msg::Campaigns(CampaignMsg::Home {
            task_id: 17_110,
            home
        }))
        .is_empty()
    );
    let Some(Overlay::Campaigns(c)) = &app.overlay else {
        panic!("the view stays open");
    };
    assert!(matches!(c.list[1], Campaign::Server { home: 1_240, .. }));
    assert!(
        app.log
            .iter()
            .any(|n| n.text
                == "Task 17110: 40 tries brought into the history (12 with an AI report)")
    );
}
