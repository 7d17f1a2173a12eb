//! The Contact Center (CCC) API, version 2020-02-10.

pub mod actions;
pub mod catalog;
mod client;
mod error;
pub mod paginate;
pub mod tls;

pub use client::{
    Client, ClientConfig, DEFAULT_LANGUAGE, DEFAULT_TIMEOUT, MAX_RESPONSE_BYTES, Prepared, Reply,
    decode, unix_now,
};
pub use error::{ApiError, Class, Outcome, Retry};

pub const API_VERSION: &str = "2020-02-10";
