//! The dialer screen: a form to fill, a key to dial, and the history of attempts.
//!
//! `app` holds the state and its pure `update`; `view` draws it; `runtime` owns the terminal
//! and carries out the effects `update` asks for.

pub mod app;
pub mod draft;
pub mod input;
pub mod keymap;
pub mod runtime;
pub mod settings;
pub mod time;
pub mod view;

pub use runtime::run;
