//! Shared helpers of the integration tests.
#![allow(dead_code)]

pub mod cli;
pub mod dialer;
pub mod history;
pub mod sdk;
