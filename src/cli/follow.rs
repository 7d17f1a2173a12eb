//! `call --wait`: follows one accepted call to its end and fetches its call record.

use std::time::Duration;

use crate::ccc::actions::{DescribeTelCdr, DescribeTelSession, TelCdrInfo};
use crate::ccc::{ApiError, Client, unix_now};

/// How often to ask, and how many failed asks in a row end the wait.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    pub poll: Duration,
    pub max_failures: u32,
    /// How long the call record may take to appear once the session has finished.
    pub record_deadline: Duration,
}

impl Default for Pace {
    fn default() -> Self {
        Pace {
            poll: Duration::from_secs(1),
            max_failures: 5,
            record_deadline: Duration::from_secs(120),
        }
    }
}

/// Polls DescribeTelSession until the session is `finished`, calling `on_status` at each
/// change, then DescribeTelCdr for this SessionId until its record appears.
pub async fn follow(
    client: &Client,
    sdk_app_id: i64,
    session_id: &str,
    pace: Pace,
    mut on_status: impl FnMut(&str),
) -> Result<TelCdrInfo, String> {
    let started_s = unix_now();
    let mut last = String::new();
    let mut failures = 0;
    loop {
        let ask = DescribeTelSession {
            sdk_app_id,
            session_id: session_id.to_string(),
        };
        match client.send(&ask).await {
            Ok(reply) => {
                failures = 0;
                let status = reply
                    .data
                    .session
                    .and_then(|s| s.session_status)
                    .unwrap_or_default();
                if !status.is_empty() && status != last {
                    on_status(&status);
                    last = status;
                }
                if last.eq_ignore_ascii_case("finished") {
                    break;
                }
            }
            Err(e) => give_up_after(&mut failures, pace.max_failures, &e)?,
        }
        tokio::time::sleep(pace.poll).await;
    }

    let deadline = tokio::time::Instant::now() + pace.record_deadline;
    loop {
        let ask = DescribeTelCdr {
            // The record is filed under the call's start; a few minutes either side of the
            // accept covers clock differences.
            start_time_stamp: started_s - 300,
            end_time_stamp: unix_now() + 60,
            sdk_app_id,
            page_size: 10,
            page_number: 0,
            session_ids: Some(vec![session_id.to_string()]),
            ..Default::default()
        };
        match client.send(&ask).await {
            Ok(reply) => {
                failures = 0;
                if let Some(record) = reply
                    .data
                    .tel_cdr_list
                    .into_iter()
                    .find(|r| r.session_id.as_deref() == Some(session_id))
                {
                    return Ok(record);
                }
            }
            Err(e) => give_up_after(&mut failures, pace.max_failures, &e)?,
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(format!(
                "the call finished, but its record did not appear within {} s; look it up later \
                 with DescribeTelCdr, SessionId {session_id}",
                pace.record_deadline.as_secs()
            ));
        }
        tokio::time::sleep(pace.poll).await;
    }
}

fn give_up_after(failures: &mut u32, max: u32, e: &ApiError) -> Result<(), String> {
    *failures += 1;
    if *failures >= max {
        return Err(format!("{e} ({})", e.hint()));
    }
    Ok(())
}
