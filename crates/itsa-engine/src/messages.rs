//! Information, warnings and errors that come with a calculation, with HMRC's ids.

/// One message: HMRC's id (where HMRC has one for the situation) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Messages {
    pub info: Vec<Message>,
    pub warnings: Vec<Message>,
    pub errors: Vec<Message>,
}

impl Messages {
    pub fn is_empty(&self) -> bool {
        self.info.is_empty() && self.warnings.is_empty() && self.errors.is_empty()
    }

    pub(crate) fn info(&mut self, id: &'static str, text: String) {
        self.info.push(Message { id, text });
    }

    pub(crate) fn warning(&mut self, id: &'static str, text: String) {
        self.warnings.push(Message { id, text });
    }
}

/// The message ids the engine uses. HMRC's ids where HMRC publishes one for the same
/// situation; itsa's own (prefixed `ITSA`) otherwise.
pub mod ids {
    /// Basic rate limit extended for Gift Aid (HMRC C22201).
    pub const GIFT_AID_BAND_EXTENSION: &str = "C22201";
    /// Class 2 not charged: profits under the small profits threshold (HMRC C22203).
    pub const CLASS2_UNDER_SMALL_PROFITS_THRESHOLD: &str = "C22203";
    /// Basic rate limit extended for pension contributions (HMRC C22208).
    pub const PENSION_BAND_EXTENSION: &str = "C22208";
    /// Class 4 exemption applied for age (HMRC C11317).
    pub const CLASS4_AGE_EXEMPTION: &str = "C11317";
    /// Marriage allowance not given: the taxpayer is liable above the basic rate.
    pub const MARRIAGE_ALLOWANCE_NOT_DUE: &str = "ITSA0001";
    /// A trading or property loss carried forward.
    pub const LOSS_CARRIED_FORWARD: &str = "ITSA0002";
    /// Residential finance costs carried forward.
    pub const FINANCE_COSTS_CARRIED_FORWARD: &str = "ITSA0003";
    /// Class 2 treated as paid (profits between the small and lower profits thresholds, or from 2024-25).
    pub const CLASS2_TREATED_AS_PAID: &str = "ITSA0004";
    /// Relief-at-source pension contributions beyond the relief limit (FA 2004 s190).
    pub const PENSION_CONTRIBUTIONS_OVER_LIMIT: &str = "ITSA0005";
    /// Maintenance payments without relief: neither party born before 6 April 1935 (ITA 2007 s453).
    pub const MAINTENANCE_RELIEF_NOT_DUE: &str = "ITSA0051";
}
