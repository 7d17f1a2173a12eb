//! The load's requests, off the event loop: reading and checking a list with the callees
//! never-twice holds back, and creating its server task as `task create` does, each line it
//! tells shown in the view (the service's text escaped).

use std::sync::Mutex;

use tokio::sync::mpsc::UnboundedSender;

use super::campaign_load::{ListAsk, ListRead, read_list};
use super::campaigns::CampaignMsg;
use super::msg::Msg;
use crate::ccc::unix_now;
use crate::cli::task::{Checked, Tell, check_rows, create_checked};
use crate::dialer::Dialer;
use crate::printable::escape;

/// The file read, its rows checked, and the held callees looked up (in this history and, as
/// `task create` does, with the service).
pub async fn read(dialer: &Dialer, ask: ListAsk) -> Result<ListRead, String> {
    let app = ask.sdk_app_id()?;
    let args = ask.args()?;
    let path = ask.path.clone();
    let (bytes, checked) = tokio::task::spawn_blocking(move || {
        let bytes = read_list(&path)?;
        let checked = check_rows(&args, app, &bytes);
        Ok::<_, String>((bytes, checked))
    })
    .await
    .map_err(|e| e.to_string())??;
    let (rows, bad, file_error) = match checked {
        Ok((rows, bad)) => (rows, bad, None),
        Err(e) => (Vec::new(), Vec::new(), Some(e)),
    };
    let callees: Vec<String> = rows.iter().map(|r| r.request.callee.clone()).collect();
    let (held, held_unknown) = if callees.is_empty() {
        (Vec::new(), None)
    } else {
        match dialer.held_back(app as i64, &callees, true).await {
            Ok(held) => {
                let lines = rows
                    .iter()
                    .filter_map(|r| {
                        let h = held.get(&r.request.callee)?;
                        Some((r.line, escape(&h.to_string()).into_owned()))
                    })
                    .collect();
                (lines, None)
            }
            Err(e) => (Vec::new(), Some(escape(&e).into_owned())),
        }
    };
    Ok(ListRead {
        bytes,
        rows,
        bad,
        file_error,
        held,
        held_unknown,
    })
}

/// Lines go to the view as they come; the TaskIds are kept.
struct Teller {
    tx: UnboundedSender<Msg>,
    ids: Mutex<Vec<u64>>,
}

impl Tell for Teller {
    fn say(&self, line: String) {
        let _ = self.tx.send(Msg::Campaigns(CampaignMsg::Told(
            escape(&line).into_owned(),
        )));
    }

    fn task(&self, task_id: u64) -> Result<(), (crate::cli::exit::Exit, String)> {
        if let Ok(mut ids) = self.ids.lock() {
            ids.push(task_id);
        }
        Ok(())
    }
}

/// Creates the list's server task from the bytes previewed: checked again, held callees left
/// out, each part claimed and recorded before its request leaves. The TaskIds, or why none
/// was created.
pub async fn start(
    dialer: &Dialer,
    tx: &UnboundedSender<Msg>,
    ask: ListAsk,
    bytes: Vec<u8>,
) -> Result<Vec<u64>, String> {
    let app = ask.sdk_app_id()?;
    let args = ask.args()?;
    let (template, _) = ask.template(unix_now())?;
    let (rows, bad) = check_rows(&args, app, &bytes)?;
    if !bad.is_empty() || rows.is_empty() {
        return Err("The file has bad rows or none; nothing was sent".into());
    }
    let teller = Teller {
        tx: tx.clone(),
        ids: Mutex::new(Vec::new()),
    };
    let checked = Checked {
        bytes,
        rows,
        template,
    };
    let ask_none = |_: usize, _: usize| Ok(true);
    let exit = create_checked(dialer, &args, checked, &ask_none, &teller)
        .await
        .map_err(|(_, why)| escape(&why).into_owned())?;
    let ids = teller.ids.into_inner().unwrap_or_default();
    if ids.is_empty() {
        Err(format!("No task was created (exit {})", exit.code()))
    } else {
        Ok(ids)
    }
}
