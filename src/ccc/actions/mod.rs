//! Typed requests and responses, one module per part of the API. Field names are the wire
//! names; absent optional fields are omitted, never sent as null; unknown response fields are
//! ignored.

mod agent;
mod call;
mod cdr;
mod control;
mod number;
mod report;
mod session;
mod task;

pub use agent::*;
pub use call::*;
pub use cdr::*;
pub use control::*;
pub use number::*;
pub use report::*;
pub use session::*;
pub use task::*;

use serde::{Serialize, de::DeserializeOwned};

/// A CCC action: its request is `Self`, and it knows its name and the type of its answer.
pub trait Action: Serialize {
    const NAME: &'static str;
    type Response: DeserializeOwned;
}

/// The empty answer of actions that only return a RequestId.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct Empty {}

macro_rules! action {
    ($req:ty, $resp:ty) => {
        impl $crate::ccc::actions::Action for $req {
            const NAME: &'static str = stringify!($req);
            type Response = $resp;
        }
    };
}
pub(crate) use action;
