//! Each row's outcome: counted for the progress bar, the summary and the exit code, and
//! written to the results as it ends.

use std::collections::HashMap;

use super::results::{self, RowResult};
use crate::cli::exit::Exit;
use crate::dialer::HeldBack;

/// A row whose callee another run on this machine (of this batch or another) is calling
/// right now: its request is in flight there.
pub(super) const HELD_ELSEWHERE: &str = "held_in_flight";

/// Counts per outcome, for the progress bar and the summary.
#[derive(Debug, Default)]
pub(super) struct Tally {
    counts: HashMap<&'static str, u64>,
    pub exit: Option<Exit>,
}

impl Tally {
    pub fn add(&mut self, outcome: &'static str, exit: Exit) {
        *self.counts.entry(outcome).or_default() += 1;
        self.exit = Some(self.exit.map_or(exit, |e| e.worst(exit)));
    }

    pub fn get(&self, outcome: &str) -> u64 {
        self.counts.get(outcome).copied().unwrap_or_default()
    }

    pub fn progress(&self) -> String {
        format!(
            "accepted {} · rejected {} · unknown {} · not sent {}",
            self.get("accepted"),
            self.get("rejected"),
            self.get("unknown"),
            self.get("not_sent")
        )
    }
}

/// Where each row's result goes, and the count of each outcome.
pub(super) struct Outcomes {
    pub output: Option<results::Results>,
    pub tally: Tally,
    /// Why the results could not be written (stdout closed or full): no more rows start.
    pub output_failed: Option<String>,
}

impl Outcomes {
    pub fn add(&mut self, result: &RowResult, outcome: &'static str, exit: Exit) {
        self.tally.add(outcome, exit);
        if let Some(output) = self.output.as_mut()
            && let Err(e) = output.write(result)
        {
            // Every row is in the history whatever happens to its line here.
            self.output = None;
            self.output_failed = Some(e.to_string());
        }
    }
}

/// A request in flight from this machine holds its callee for another run (of this batch
/// or another) calling it now; anything else is an earlier call.
pub(super) fn held_outcome(held: &HeldBack) -> &'static str {
    if held.in_flight_here() {
        HELD_ELSEWHERE
    } else {
        "held"
    }
}

pub(super) fn held_result(line: u64, callee: &str, held: &HeldBack) -> RowResult {
    RowResult {
        line,
        callee: callee.to_owned(),
        outcome: held_outcome(held).into(),
        message: Some(held.to_string()),
        ..Default::default()
    }
}
