//! The calculation journey as HMRC runs it in production, independent of API version:
//! in-year calculations, intent to finalise, the final declaration, intent to amend and
//! the confirmed amendment. Every rule answer comes from stored state and the (sandbox
//! pinnable) clock; the version views turn a [`Rule`] into that version's error.

use itsa_engine::TaxYear;
use itsa_store::{
    AnyStore, CalculationRecord, CalculationStatus, CalculationSummary, Computed, Conflict, DeclarationRecord, Millis,
    NewCalculation, Requires, Store, StoreError, Uuid,
};
use serde_json::Value;
use time::{Date, Month, OffsetDateTime, Time};

use crate::clock::{Clock, to_millis};
use crate::render;

/// The kinds of calculation a caller can trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerKind {
    InYear,
    IntentToFinalise,
    IntentToAmend,
}

impl TriggerKind {
    /// The v8/v9 spelling, which is also how itsa stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            TriggerKind::InYear => "in-year",
            TriggerKind::IntentToFinalise => "intent-to-finalise",
            TriggerKind::IntentToAmend => "intent-to-amend",
        }
    }
}

/// The two submissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submission {
    FinalDeclaration,
    ConfirmAmendment,
}

impl Submission {
    pub fn as_str(self) -> &'static str {
        match self {
            Submission::FinalDeclaration => "final-declaration",
            Submission::ConfirmAmendment => "confirm-amendment",
        }
    }
}

/// A business rule that refused the request. `code()` is HMRC's error code; each version
/// decides the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    NotFound,
    NoIncomeSubmissionsExist,
    CalculationInProgress,
    FinalDeclarationReceived,
    TaxYearNotEnded,
    PrematureFinalisation,
    DeclarationNotReceived,
    OutsideAmendmentWindow,
    FinalDeclarationInProgress,
    FinalDeclarationTaxYear,
    RecentSubmissionsExist,
    SubmissionFailed,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::NotFound => "MATCHING_RESOURCE_NOT_FOUND",
            Rule::NoIncomeSubmissionsExist => "RULE_NO_INCOME_SUBMISSIONS_EXIST",
            Rule::CalculationInProgress => "RULE_CALCULATION_IN_PROGRESS",
            Rule::FinalDeclarationReceived => "RULE_FINAL_DECLARATION_RECEIVED",
            Rule::TaxYearNotEnded => "RULE_TAX_YEAR_NOT_ENDED",
            Rule::PrematureFinalisation => "RULE_PREMATURE_FINALISATION",
            Rule::DeclarationNotReceived => "RULE_DECLARATION_NOT_RECEIVED",
            Rule::OutsideAmendmentWindow => "RULE_OUTSIDE_AMENDMENT_WINDOW",
            Rule::FinalDeclarationInProgress => "RULE_FINAL_DECLARATION_IN_PROGRESS",
            Rule::FinalDeclarationTaxYear => "RULE_FINAL_DECLARATION_TAX_YEAR",
            Rule::RecentSubmissionsExist => "RULE_RECENT_SUBMISSIONS_EXIST",
            Rule::SubmissionFailed => "RULE_SUBMISSION_FAILED",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{}", .0.code())]
    Rule(Rule),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("calculation failed: {0}")]
    CalculationFailed(String),
}

impl From<Rule> for ServiceError {
    fn from(rule: Rule) -> Self {
        ServiceError::Rule(rule)
    }
}

/// A write the store refused is the rule HMRC answers with for it.
fn conflict_rule(error: StoreError) -> ServiceError {
    match error {
        StoreError::Conflict(conflict) => ServiceError::Rule(match conflict {
            Conflict::CalculationInProgress => Rule::CalculationInProgress,
            Conflict::AlreadyDeclared => Rule::FinalDeclarationReceived,
            Conflict::NotDeclared => Rule::DeclarationNotReceived,
            Conflict::NewerIncome => Rule::RecentSubmissionsExist,
        }),
        other => ServiceError::Store(other),
    }
}

/// How many calculations a list shows at most: the newest. A taxpayer's year may hold
/// thousands (a vendor may trigger one after every change); a list's work stays bounded.
pub const LIST_LIMIT: u32 = 100;

/// Whether the tax year has ended at `now`.
pub fn tax_year_ended(year: TaxYear, now: Millis) -> bool {
    now >= tax_year_end(year)
}

/// Whether the year's amendment window has closed at `now`.
pub fn amendments_closed(year: TaxYear, now: Millis) -> bool {
    now >= amendment_window_end(year)
}

/// The first instant after the tax year: 6 April of its second calendar year, 00:00 UK.
/// (itsa treats UK time as UTC; see docs/differences.md.)
fn tax_year_end(year: TaxYear) -> Millis {
    let day = Date::from_calendar_date(year.start_year() as i32 + 1, Month::April, 6).expect("6 April");
    to_millis(day.with_time(Time::MIDNIGHT).assume_utc())
}

/// The end of the amendment window: 12 months after the 31 January filing date, i.e. the
/// end of 31 January two years after the tax year ends (TMA 1970 s9ZA).
fn amendment_window_end(year: TaxYear) -> Millis {
    let day = Date::from_calendar_date(year.start_year() as i32 + 3, Month::February, 1).expect("1 February");
    to_millis(day.with_time(Time::MIDNIGHT).assume_utc())
}

pub struct Calculations<'a> {
    pub store: &'a AnyStore,
    pub clock: &'a Clock,
    /// The name this node computes triggered calculations under (none: it queues them).
    pub computes_as: Option<&'a str>,
}

impl<'a> Calculations<'a> {
    pub fn of(state: &'a crate::AppState) -> Self {
        Calculations { store: &state.store, clock: &state.clock, computes_as: state.computes_as.as_deref() }
    }

    /// Trigger a calculation: store it, computed or queued for a worker, and answer with
    /// its id.
    pub async fn trigger(
        &self,
        nino: &str,
        year: TaxYear,
        kind: TriggerKind,
        requested_by: &str,
        correlation_id: &str,
    ) -> Result<Uuid, ServiceError> {
        let y = year.start_year() as i32;
        let state = self.store.year_state(nino, y).await?.ok_or(Rule::NoIncomeSubmissionsExist)?;
        // This read gives HMRC's order of answers; the store checks the same again in the
        // transaction that stores the calculation, so no concurrent request gets past it.
        if state.in_progress {
            return Err(Rule::CalculationInProgress.into());
        }
        let declared = state.final_declared;
        let now = self.clock.now_millis().await;
        let requires = match kind {
            TriggerKind::InYear => Requires::Nothing,
            TriggerKind::IntentToFinalise => {
                if declared {
                    return Err(Rule::FinalDeclarationReceived.into());
                }
                if now < tax_year_end(year) {
                    // From 2025-26 HMRC calls finalising early "premature finalisation".
                    let rule =
                        if year.start_year() >= 2025 { Rule::PrematureFinalisation } else { Rule::TaxYearNotEnded };
                    return Err(rule.into());
                }
                Requires::NoFinalDeclaration
            }
            TriggerKind::IntentToAmend => {
                if !declared {
                    return Err(Rule::DeclarationNotReceived.into());
                }
                if now >= amendment_window_end(year) {
                    return Err(Rule::OutsideAmendmentWindow.into());
                }
                Requires::FinalDeclaration
            }
        };
        let input_document = coded_out::with_coded_out_amounts(self.store, nino, year, &state).await?;
        let id = Uuid::new_v4();
        let calculation = NewCalculation {
            id,
            nino: nino.to_owned(),
            tax_year: y,
            calculation_type: kind.as_str().to_owned(),
            requested_by: requested_by.to_owned(),
            requested_at: now,
            input_document,
            income_submitted_at: state.income.submitted_at,
            correlation_id: correlation_id.to_owned(),
        };
        match self.computes_as {
            // A node that computes does so before storing: the engine takes microseconds,
            // and the calculation and its result then share one durable commit. Should
            // the process stop first, nothing was stored and the trigger was not answered.
            Some(computed_by) => {
                let started = std::time::Instant::now();
                let result = render::compute(render::Subject::of_new(&calculation), &calculation.input_document);
                let computed = Computed { result: &result, completed_at: now, computed_by };
                self.store
                    .insert_computed_calculation(&calculation, requires, computed)
                    .await
                    .map_err(conflict_rule)?;
                tracing::info!(
                    correlation_id = %correlation_id,
                    calculation_id = %id,
                    worker = %computed_by,
                    from = "trigger",
                    elapsed_us = started.elapsed().as_micros() as u64,
                    "calculation computed"
                );
            }
            None => {
                self.store.insert_calculation(&calculation, requires).await.map_err(conflict_rule)?;
            }
        }
        Ok(id)
    }

    /// A taxpayer's computed calculations for a year, newest first (at most
    /// [`LIST_LIMIT`]), optionally of one effective type. Calculations still
    /// being computed are not listed.
    pub async fn list(
        &self,
        nino: &str,
        year: TaxYear,
        kind: Option<&str>,
    ) -> Result<Vec<CalculationSummary>, ServiceError> {
        Ok(self.store.list_computed(nino, year.start_year() as i32, kind, LIST_LIMIT).await?)
    }

    /// One computed calculation of the taxpayer's for the year. Not found while it is
    /// still being computed, or if it belongs to someone or some year else.
    pub async fn get(&self, nino: &str, year: TaxYear, id: Uuid) -> Result<CalculationRecord, ServiceError> {
        let record = self.store.get_calculation(id).await?.ok_or(Rule::NotFound)?;
        if record.nino != nino || record.tax_year != year.start_year() as i32 {
            return Err(Rule::NotFound.into());
        }
        match record.status {
            CalculationStatus::Queued => Err(Rule::NotFound.into()),
            CalculationStatus::Failed => {
                Err(ServiceError::CalculationFailed(record.failure.clone().unwrap_or_default()))
            }
            CalculationStatus::Done => Ok(record),
        }
    }

    /// One computed calculation of the taxpayer's, whatever its tax year (version 1.0
    /// names a calculation by its id alone). Not found as for [`Calculations::get`].
    pub async fn find(&self, nino: &str, id: Uuid) -> Result<CalculationRecord, ServiceError> {
        let record = self.store.get_calculation(id).await?.ok_or(Rule::NotFound)?;
        if record.nino != nino {
            return Err(Rule::NotFound.into());
        }
        self.get(nino, TaxYear::starting(record.tax_year as u16), id).await
    }

    /// The stored result document of a computed calculation, with the part one API
    /// version reads (`"v1"`, `"v3"`, `"v8"`). A result stored before that version's part
    /// existed is rendered again from the calculation's stored input (the engine is
    /// deterministic), in memory only: a stored result is never rewritten.
    pub async fn document(&self, record: &CalculationRecord, part: &str) -> Result<Value, ServiceError> {
        let unreadable =
            || ServiceError::CalculationFailed(format!("calculation {} has no readable result", record.id));
        let stored = render::document(record).ok_or_else(unreadable)?;
        if stored.get(part).is_some() {
            return Ok(stored);
        }
        let (_, input) = self.store.get_calculation_with_input(record.id).await?.ok_or_else(unreadable)?;
        serde_json::from_str(&render::compute(render::Subject::of_stored(record), &input).document)
            .map_err(|_| unreadable())
    }

    /// Submit a final declaration or confirm an amendment with a calculation.
    pub async fn submit(
        &self,
        nino: &str,
        year: TaxYear,
        id: Uuid,
        submission: Submission,
    ) -> Result<(), ServiceError> {
        let y = year.start_year() as i32;
        let record = self.store.get_calculation(id).await?.ok_or(Rule::NotFound)?;
        if record.nino != nino || record.tax_year != y {
            return Err(Rule::NotFound.into());
        }
        if record.status == CalculationStatus::Queued {
            return Err(Rule::FinalDeclarationInProgress.into());
        }
        // These reads give HMRC's order of answers; the store checks the declaration and
        // the income again in the transaction that records the declaration, and the schema
        // allows one final declaration a year and one declaration a calculation.
        let declared = self.store.final_declaration(nino, y).await?.is_some();
        let now = self.clock.now_millis().await;
        let requires = match submission {
            Submission::FinalDeclaration => {
                if declared {
                    return Err(Rule::FinalDeclarationReceived.into());
                }
                if now < tax_year_end(year) {
                    return Err(Rule::FinalDeclarationTaxYear.into());
                }
                if record.calculation_type != TriggerKind::IntentToFinalise.as_str() {
                    return Err(Rule::SubmissionFailed.into());
                }
                Requires::NoFinalDeclaration
            }
            Submission::ConfirmAmendment => {
                if !declared {
                    return Err(Rule::DeclarationNotReceived.into());
                }
                if record.declaration.is_some() {
                    return Err(Rule::FinalDeclarationReceived.into());
                }
                if now >= amendment_window_end(year) {
                    return Err(Rule::OutsideAmendmentWindow.into());
                }
                if record.calculation_type != TriggerKind::IntentToAmend.as_str() {
                    return Err(Rule::SubmissionFailed.into());
                }
                Requires::FinalDeclaration
            }
        };
        let income = self.store.get_income(nino, y).await?;
        if income.is_some_and(|i| i.submitted_at > record.income_submitted_at) {
            return Err(Rule::RecentSubmissionsExist.into());
        }
        if record.status == CalculationStatus::Failed || record.error_count > 0 {
            return Err(Rule::SubmissionFailed.into());
        }
        let declaration = DeclarationRecord {
            nino: nino.to_owned(),
            tax_year: y,
            calculation_id: id,
            kind: submission.as_str().to_owned(),
            declared_at: now,
        };
        self.store.insert_declaration(&declaration, requires, record.income_submitted_at).await.map_err(conflict_rule)
    }
}

/// How coded-out amounts reach a calculation.
mod coded_out {
    use itsa_engine::TaxYear;
    use itsa_hmrc::accounts;
    use itsa_store::{AnyStore, Store, StoreError, YearState};
    use rust_decimal::Decimal;
    use serde_json::Value;

    use crate::coding_out::{HMRC_HELD, USER};

    /// The income document a calculation is made of: the submitted income with the
    /// year's coded-out amounts in force. Those are the taxpayer's own submission if there
    /// is one, otherwise what HMRC holds. A Self Assessment balancing payment is coded out
    /// two years after the year it is for; if the taxpayer opted out of coding out for that
    /// year, it is not collected through this year's code, so none is counted.
    pub async fn with_coded_out_amounts(
        store: &AnyStore,
        nino: &str,
        year: TaxYear,
        state: &YearState,
    ) -> Result<String, StoreError> {
        let income = &state.income.document;
        let opted_out = state.opted_out_two_years_before.unwrap_or(false);
        if !state.has_coding_out && !opted_out {
            return Ok(income.to_owned());
        }
        let records =
            if state.has_coding_out { store.coding_out(nino, year.start_year() as i32).await? } else { Vec::new() };
        let latest =
            records.iter().find(|r| r.source == USER).or_else(|| records.iter().find(|r| r.source == HMRC_HELD));
        if latest.is_none() && !opted_out {
            return Ok(income.to_owned());
        }
        let Ok(mut case) = serde_json::from_str::<Value>(income) else { return Ok(income.to_owned()) };
        if let Some(record) = latest
            && let Ok(amounts) = serde_json::from_str::<Value>(&record.document)
        {
            let number = |d: Decimal| itsa_hmrc::json_number(d);
            case["sa_underpayment_coded_out"] = number(accounts::total(&amounts, "selfAssessmentUnderpayment"));
            case["paye_underpayment_coded_out"] = number(accounts::total(&amounts, "payeUnderpayment"));
        }
        if opted_out {
            case["sa_underpayment_coded_out"] = Value::from(0);
        }
        Ok(case.to_string())
    }
}

/// The current tax year on a date (6 April boundary).
pub fn tax_year_on(now: OffsetDateTime) -> TaxYear {
    let date = now.date();
    let year = date.year() as u16;
    if (date.month() as u8, date.day()) >= (4, 6) { TaxYear::starting(year) } else { TaxYear::starting(year - 1) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn windows_fall_where_the_law_puts_them() {
        let y = TaxYear::starting(2025);
        assert_eq!(crate::clock::from_millis(tax_year_end(y)), datetime!(2026-04-06 00:00 UTC));
        assert_eq!(crate::clock::from_millis(amendment_window_end(y)), datetime!(2028-02-01 00:00 UTC));
        assert_eq!(tax_year_on(datetime!(2026-04-05 23:59 UTC)), TaxYear::starting(2025));
        assert_eq!(tax_year_on(datetime!(2026-04-06 00:00 UTC)), TaxYear::starting(2026));
    }
}
