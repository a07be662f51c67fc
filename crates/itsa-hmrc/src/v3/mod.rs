//! Individual Calculations 3.0 (the seed documentation of 2022): request validation and
//! the sandbox's `Gov-Test-Scenario` values.

pub mod requests;
pub mod scenario;

pub use requests::{ListRequest, RetrieveRequest, TriggerRequest};
pub use scenario::Endpoint;
