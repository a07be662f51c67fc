//! Individual Calculations 8.0 and 9.0 (the two share their routes and validation):
//! request validation and the sandbox's `Gov-Test-Scenario` values.

pub mod requests;
pub mod scenario;

pub use requests::{ListRequest, RetrieveRequest, SubmitRequest, TriggerRequest};
pub use scenario::{Endpoint, Scenario};
