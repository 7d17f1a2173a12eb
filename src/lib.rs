//! ccc-dial: launch, watch and record Tencent Cloud Contact Center AI-agent outbound calls.

pub mod ccc;
pub mod cli;
pub mod credentials;
pub mod sim;
pub mod tc3;
