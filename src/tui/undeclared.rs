//! Rows of variables the newly picked agent does not declare, left from the agent before:
//! they would be sent to the new one, so the user is asked, and they go unless kept.

/// The question asked after picking another agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undeclared {
    /// The picked agent, as `16 · Support bot`.
    pub agent: String,
    /// The keys of the rows it does not declare, in form order.
    pub keys: Vec<String>,
}

/// The key that keeps the rows; Enter or `d` drops them.
pub const KEEP: char = 'k';

impl Undeclared {
    pub fn text(&self) -> String {
        format!(
            "Agent {} does not declare {}: Enter or d drops them · {KEEP} keeps them (they are sent)",
            self.agent,
            self.keys.join(", ")
        )
    }
}
