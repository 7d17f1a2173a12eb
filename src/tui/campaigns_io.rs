//! The Campaigns view's requests, off the event loop: the list from the history, a look at a
//! server task (after a pause, when it is asked again) and its controls, each answered as a
//! message.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::campaign_batch::BatchLaunch;
use super::campaign_load_io;
use super::campaigns::{CampaignEffect, CampaignMsg, LISTED};
use super::msg::Msg;
use crate::dialer::Dialer;
use crate::dialer::task_control::control_task;

pub fn run(
    dialer: &Dialer,
    tx: &UnboundedSender<Msg>,
    batches: Option<&BatchLaunch>,
    effect: CampaignEffect,
) {
    let (dialer, tx, tx2) = (dialer.clone(), tx.clone(), tx.clone());
    let send = move |m: CampaignMsg| {
        let _ = tx.send(Msg::Campaigns(m));
    };
    match effect {
        CampaignEffect::Load => {
            tokio::task::spawn_blocking(move || {
                let list = dialer
                    .store()
                    .campaigns(dialer.backend_label(), LISTED)
                    .map_err(|e| e.to_string());
                send(CampaignMsg::Loaded(list));
            });
        }
        CampaignEffect::Poll {
            sdk_app_id,
            task_id,
            after_ms,
        } => {
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(after_ms)).await;
                // Each request takes its own place in the budget: a place held here would
                // leave none for the records at a rate of 1 a second.
                let result = dialer.follow_task(sdk_app_id, task_id).await;
                let result = match result {
                    Ok((state, progress, home)) => {
                        if home.tries > 0 {
                            send(CampaignMsg::Home { task_id, home });
                        }
                        Ok((state, progress))
                    }
                    Err(e) => Err(crate::printable::escape(&e.to_string()).into_owned()),
                };
                send(CampaignMsg::Progress { task_id, result });
            });
        }
        CampaignEffect::Read(ask) => {
            tokio::spawn(async move {
                let read = campaign_load_io::read(&dialer, ask).await;
                send(CampaignMsg::Read(read.map(Box::new)));
            });
        }
        CampaignEffect::Start(ask, bytes) => {
            tokio::spawn(async move {
                let started = campaign_load_io::start(&dialer, &tx2, ask, bytes).await;
                send(CampaignMsg::Started(started));
            });
        }
        CampaignEffect::FollowLive => {
            tokio::spawn(async move {
                // Calls already followed are left as they are; a failure shows at the next look.
                let _ = dialer.resume().await;
            });
        }
        CampaignEffect::StartBatch(ask, caller) => {
            let started = match batches {
                Some(launch) => launch.start(&ask, caller.as_deref()),
                None => Err("this dialer cannot run a local batch; use `ccc-dial batch`".into()),
            };
            send(CampaignMsg::BatchStarted(
                started.map_err(|e| crate::printable::escape(&e).into_owned()),
            ));
        }
        CampaignEffect::Control {
            sdk_app_id,
            task_id,
            verb,
        } => {
            tokio::spawn(async move {
                let _permit = dialer.limiter().acquire().await;
                let result = control_task(dialer.client(), sdk_app_id, task_id, verb)
                    .await
                    .map_err(|e| e.to_string());
                send(CampaignMsg::Controlled {
                    task_id,
                    verb,
                    result,
                });
            });
        }
    }
}
