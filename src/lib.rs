//! ccc-dial: launch, watch and record Tencent Cloud Contact Center AI-agent outbound calls.

pub mod backend;
pub mod ccc;
pub mod cli;
pub mod config;
pub mod credentials;
pub mod dialer;
pub mod endpoint;
pub mod fsutil;
pub mod history;
pub mod phone;
pub mod printable;
pub mod results;
pub mod session;
pub mod sim;
pub mod sweep;
pub mod tc3;
pub mod tui;
pub mod variable;
