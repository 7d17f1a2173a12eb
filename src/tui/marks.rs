//! The attempts marked in History for Compare. Marks are by attempt id, so they stay while
//! the filter changes what the list shows.

use crate::history::AttemptId;

/// The fewest and most runs Compare shows side by side.
pub const COMPARE_MIN: usize = 2;
pub const COMPARE_MAX: usize = 6;

/// Marked attempts, in the order they were marked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    ids: Vec<AttemptId>,
}

impl Marks {
    /// Marks `id`, or unmarks it when marked; returns whether it is marked now.
    pub fn toggle(&mut self, id: &AttemptId) -> bool {
        if let Some(i) = self.ids.iter().position(|m| m == id) {
            self.ids.remove(i);
            false
        } else {
            self.ids.push(id.clone());
            true
        }
    }

    pub fn contains(&self, id: &AttemptId) -> bool {
        self.ids.contains(id)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn ids(&self) -> &[AttemptId] {
        &self.ids
    }

    /// The marks to compare, or why there are too few or too many.
    pub fn to_compare(&self) -> Result<Vec<AttemptId>, String> {
        match self.ids.len() {
            0 => Err(format!(
                "Nothing to compare: mark {COMPARE_MIN} to {COMPARE_MAX} attempts with Space, then press C"
            )),
            1 => Err(format!(
                "Compare needs at least {COMPARE_MIN} runs: 1 is marked; mark another with Space"
            )),
            n if n > COMPARE_MAX => Err(format!(
                "Compare shows at most {COMPARE_MAX} runs: {n} are marked; unmark {} with Space",
                n - COMPARE_MAX
            )),
            _ => Ok(self.ids.clone()),
        }
    }
}
