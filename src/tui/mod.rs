//! The dialer screen: a form to fill, a key to dial, and the history of attempts.
//!
//! `app` holds the state (made of `form`, `attempts`, `picker`, `steer` and `settings`) and its
//! pure `update`, reading keys through `keymap`; `view` draws it; `runtime` owns the terminal
//! and carries out the effects `update` asks for.

pub mod agent_pick;
pub mod app;
pub mod attempts;
pub mod bench;
pub mod bench_msg;
pub mod campaign_batch;
pub mod campaign_load;
pub mod campaign_load_io;
pub mod campaigns;
mod campaigns_io;
mod campaigns_keys;
pub mod compare;
pub mod draft;
pub mod filter;
pub mod flights;
pub mod footer;
pub mod form;
pub mod guard;
pub mod held;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod live_transcript;
pub mod marks;
pub mod mouse;
pub mod msg;
pub mod notes;
pub mod pane;
pub mod picker;
mod picking;
pub mod quit;
pub mod runs;
pub mod runtime;
pub mod settings;
pub mod stats;
pub mod steer;
pub mod sweep;
pub mod theme;
pub mod time;
pub mod undeclared;
pub mod view;
pub mod watcher;

pub use runtime::run;
