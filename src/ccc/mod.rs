//! The Contact Center (CCC) API, version 2020-02-10.

pub const API_VERSION: &str = "2020-02-10";
