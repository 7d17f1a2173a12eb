//! Exit codes of the headless commands. Each outcome has its own, so a script can tell a call
//! that may have rung (unknown) from one that never left (not sent) without reading stderr.

use crate::ccc::Outcome;

/// The code a headless command exits with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Accepted (with `--wait`, followed to its end); a batch: every row accepted.
    Accepted = 0,
    /// Could not start: no credentials, an unusable history or settings, a file that cannot be
    /// read or written, or `--wait` lost track of an accepted call; stdout could not be
    /// written after a call; a batch's history or results could not be written mid-run.
    Failure = 1,
    /// Invalid input: bad options, a bad request file; a batch: rows with bad data (skipped).
    Invalid = 2,
    /// The service rejected the request (its code and a hint are on stderr).
    Rejected = 3,
    /// Sent, but no valid answer came back: a phone may be ringing. Do not simply retry.
    Unknown = 4,
    /// Nothing reached the service (network down, connection refused): safe to run again.
    NotSent = 5,
    /// Not dialed: the callee was called within the recent-call window, or a call to them is
    /// in flight or of unknown outcome (`--allow-recent` dials anyway).
    Held = 6,
    /// Ctrl-C: a batch stopped starting rows (run it again to resume), or a second Ctrl-C
    /// stopped waiting for a call (recorded unknown when no answer had come).
    Interrupted = 130,
}

impl Exit {
    pub fn code(self) -> i32 {
        self as i32
    }

    pub fn of_outcome(outcome: Outcome) -> Exit {
        match outcome {
            Outcome::Accepted => Exit::Accepted,
            Outcome::Rejected => Exit::Rejected,
            Outcome::Unknown => Exit::Unknown,
            Outcome::NotSent => Exit::NotSent,
        }
    }

    /// How much a code matters to whoever reads a batch's result: a call that may have rung
    /// unseen first, then what can be resumed, then what needs fixing.
    fn weight(self) -> u8 {
        match self {
            Exit::Accepted => 0,
            Exit::Invalid => 1,
            Exit::Rejected => 2,
            Exit::Held => 3,
            Exit::NotSent => 4,
            Exit::Failure => 5,
            Exit::Unknown => 6,
            Exit::Interrupted => 7,
        }
    }

    /// The code for a batch with both outcomes.
    pub fn worst(self, other: Exit) -> Exit {
        if other.weight() > self.weight() {
            other
        } else {
            self
        }
    }
}

/// The table shown by `--help` and in the README.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    accepted (with --wait: the call was followed to its end); batch: every row accepted
  1    could not start: no credentials, unusable history or settings, a file that cannot be
       read or written; --wait lost track of an accepted call; stdout could not be written
       after the call (it is recorded); batch: the history or the results could not be
       written mid-run (no more rows start; what was not recorded is listed)
  2    invalid input (bad options or request); batch: some rows had bad data and were skipped
  3    rejected by the service (its error code and a hint are on stderr)
  4    outcome unknown: sent, but no valid answer came back; a phone may have rung.
       Check the call records before dialing again
  5    not sent: nothing reached the service (e.g. connection refused); safe to run again
  6    held back, nothing sent: the callee was called within the recent-call window, or a
       call to them is in flight or of unknown outcome; --allow-recent dials anyway
  130  batch interrupted by Ctrl-C (run the same command again to resume, when rows are
       left); a second Ctrl-C stopped waiting for a call: recorded unknown if no answer came
A batch exits with the most serious code among its rows: 130, 4, 1, 5, 6, 3, 2, then 0.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_the_worst_wins() {
        let all = [
            Exit::Accepted,
            Exit::Failure,
            Exit::Invalid,
            Exit::Rejected,
            Exit::Unknown,
            Exit::NotSent,
            Exit::Held,
            Exit::Interrupted,
        ];
        let codes: std::collections::HashSet<i32> = all.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), all.len());
        assert_eq!(Exit::Accepted.worst(Exit::Rejected), Exit::Rejected);
        assert_eq!(Exit::Unknown.worst(Exit::NotSent), Exit::Unknown);
        assert_eq!(Exit::NotSent.worst(Exit::Rejected), Exit::NotSent);
        assert_eq!(Exit::Invalid.worst(Exit::Accepted), Exit::Invalid);
        assert_eq!(Exit::Held.worst(Exit::Rejected), Exit::Held);
        assert_eq!(Exit::Held.worst(Exit::NotSent), Exit::NotSent);
        for e in all {
            assert!(
                EXIT_CODES_HELP.contains(&format!("  {}  ", e.code()))
                    || EXIT_CODES_HELP.contains(&format!("  {}    ", e.code())),
                "{e:?}"
            );
        }
    }
}
