//! The Stats screen's state: which attempts it covers, and their statistics once gathered.
//! Opened from History over its filter, or by any screen with a filter of its own (a
//! campaign's batch, say) through [`App::open_stats`](super::app::App).

use crate::history::Filter;
use crate::results::stats::Stats;

#[derive(Debug, Clone)]
pub struct StatsView {
    pub filter: Filter,
    /// What the filter covers, for the title: `all attempts`, `/prompt-v2`.
    pub scope: String,
    /// `None` while they are gathered.
    pub stats: Option<Box<Stats>>,
}

impl StatsView {
    pub fn gathering(filter: Filter, scope: String) -> StatsView {
        StatsView {
            filter,
            scope,
            stats: None,
        }
    }
}
