//! Where `task create` tells what it does while it creates: the command writes to its
//! streams, the dialer shows the lines in its Campaigns view.

use super::service::{Failed, print_line};

/// Where creating tells what it does: the command writes to its streams, the dialer shows
/// the lines in its Campaigns view.
pub trait Tell: Sync {
    /// A line of progress (stderr for the command).
    fn say(&self, line: String);
    /// A task that exists and is recorded (the command's output).
    fn task(&self, task_id: u64) -> Result<(), Failed>;
}

/// The command's streams: lines on stderr, TaskIds on stdout.
pub(super) struct Streams;

impl Tell for Streams {
    fn say(&self, line: String) {
        eprintln!("{line}");
    }

    fn task(&self, id: u64) -> Result<(), Failed> {
        print_line(
            &id.to_string(),
            &format!("task {id} exists and is recorded"),
        )
    }
}
