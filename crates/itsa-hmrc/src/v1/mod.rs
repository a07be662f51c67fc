//! Individual Calculations 1.0 (the seed documentation of autumn 2019): request
//! validation and the sandbox's `Gov-Test-Scenario` values.

pub mod requests;
pub mod scenario;

pub use requests::{CrystalliseRequest, MessageFilter, MessageType, MessagesRequest};
pub use scenario::{Endpoint, Scenario};
