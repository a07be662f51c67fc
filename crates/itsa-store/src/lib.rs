//! Persistence for itsa, behind one trait with two backends: SQLite (the embedded
//! default: one file, WAL) and PostgreSQL (`DATABASE_URL`), each with its own migrations
//! folder defining the same schema versions.
//!
//! The store keeps documents it does not interpret (a taxpayer's submitted income, a
//! calculation's rendered result) next to the few columns it needs to find and order
//! them. It knows nothing of tax rules or HMRC's wire formats. Times are milliseconds
//! since the Unix epoch ([`Millis`]), so both backends store them alike.
//!
//! The durable job queue lives in the same database: a calculation and its job are
//! written in one transaction, workers claim jobs with a lease (`FOR UPDATE SKIP LOCKED`
//! on PostgreSQL), and an expired lease makes a job claimable again.

mod any;
mod common;
mod postgres;
mod sql;
mod sqlite;

use std::future::Future;

pub use any::AnyStore;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use uuid::Uuid;

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Invalid(String),
    /// A write that succeeded on its own but was not committed: the transaction it was
    /// part of failed to commit (the error is shared by every write in it).
    #[error("not committed: {0}")]
    NotCommitted(std::sync::Arc<sqlx::Error>),
    /// The write would break an invariant; nothing was written.
    #[error("refused: {0}")]
    Conflict(Conflict),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// What a trigger needs to know of a taxpayer's year, read together in one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearState {
    /// The year's income submission.
    pub income: IncomeRecord,
    /// Whether a calculation of the year is still being computed.
    pub in_progress: bool,
    /// Whether the year has a final declaration.
    pub final_declared: bool,
    /// Whether any coded-out amounts are recorded for the year (see [`Store::coding_out`]).
    pub has_coding_out: bool,
    /// Whether the taxpayer opted out of coding out for the year two years before, if
    /// they said either way.
    pub opted_out_two_years_before: Option<bool>,
}

/// A bearer token as stored: only its SHA-256 hash, never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Lower-case hex SHA-256 of the token.
    pub token_hash: String,
    /// `individual`, `agent` or `supporting-agent`.
    pub role: String,
    /// The taxpayer an individual's token acts as.
    pub nino: Option<String>,
    /// The clients an agent's token acts for.
    pub clients: Vec<String>,
    /// Granted scopes, e.g. `read:self-assessment`.
    pub scopes: Vec<String>,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// An application registered for production use (OAuth client credentials) with the
/// grant it was given: the taxpayer or agent it acts as, and the scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRecord {
    pub client_id: String,
    /// Lower-case hex SHA-256 of the client secret.
    pub secret_hash: String,
    pub name: String,
    pub role: String,
    pub nino: Option<String>,
    pub clients: Vec<String>,
    pub scopes: Vec<String>,
    pub created_at: Millis,
}

/// A taxpayer's income for a tax year, as submitted: an opaque JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomeRecord {
    pub nino: String,
    /// The tax year's first calendar year (2025 for 2025-26).
    pub tax_year: i32,
    pub document: String,
    pub submitted_at: Millis,
}

/// Where a calculation is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalculationStatus {
    /// Stored and waiting for (or being run by) a worker.
    Queued,
    /// Computed: the result document is stored.
    Done,
    /// The worker gave up after its retries; the error is stored.
    Failed,
}

impl CalculationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CalculationStatus::Queued => "queued",
            CalculationStatus::Done => "done",
            CalculationStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "queued" => Ok(CalculationStatus::Queued),
            "done" => Ok(CalculationStatus::Done),
            "failed" => Ok(CalculationStatus::Failed),
            other => Err(StoreError::Invalid(format!("unknown calculation status '{other}'"))),
        }
    }
}

/// A request for a calculation, written when it is triggered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCalculation {
    pub id: Uuid,
    pub nino: String,
    pub tax_year: i32,
    /// HMRC's calculation type: `in-year`, `intent-to-finalise`, `intent-to-amend`, …
    pub calculation_type: String,
    /// `customer`, `agent` or `hmrc`.
    pub requested_by: String,
    pub requested_at: Millis,
    /// What the calculation is made of (the income document at trigger time, with the
    /// coded-out amounts then in force). Stored once per distinct document for the
    /// taxpayer's year, however many calculations are made of it.
    pub input_document: String,
    /// When that income was submitted.
    pub income_submitted_at: Millis,
    /// The request's correlation id, carried to the worker's log lines.
    pub correlation_id: String,
}

/// A declaration made with a calculation, as the calculation sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// `final-declaration` or `confirm-amendment`.
    pub kind: String,
    pub declared_at: Millis,
}

/// A calculation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalculationRecord {
    pub id: Uuid,
    pub nino: String,
    pub tax_year: i32,
    pub calculation_type: String,
    pub requested_by: String,
    pub requested_at: Millis,
    pub income_submitted_at: Millis,
    pub correlation_id: String,
    pub status: CalculationStatus,
    /// The rendered result (an opaque JSON document), once computed.
    pub result_document: Option<String>,
    /// The result's total due, as the decimal text the worker stored.
    pub total_due: Option<String>,
    /// How many error messages the result carries.
    pub error_count: i32,
    pub completed_at: Option<Millis>,
    /// How many times a worker stored a result for it (1 when all is well).
    pub computations: i32,
    /// Which worker stored the result.
    pub computed_by: Option<String>,
    /// Why the worker failed, when it did.
    pub failure: Option<String>,
    /// The declaration made with it, if any (at most one: the schema says so).
    pub declaration: Option<Declaration>,
}

/// What a list of calculations shows of each: no documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalculationSummary {
    pub id: Uuid,
    pub calculation_type: String,
    pub requested_by: String,
    pub requested_at: Millis,
    pub completed_at: Option<Millis>,
    pub total_due: Option<String>,
    pub error_count: i32,
    pub declaration: Option<Declaration>,
}

/// One job's result, for [`Store::complete_calculations`].
#[derive(Debug, Clone, Copy)]
pub struct Completion<'a> {
    pub job_id: i64,
    pub calculation_id: Uuid,
    pub result: &'a ComputedResult,
}

/// A computed result, as the worker stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedResult {
    /// The rendered result (an opaque JSON document).
    pub document: String,
    /// How many error messages it carries.
    pub error_count: i32,
    /// Its total due, as decimal text.
    pub total_due: String,
}

/// A claimed job: run it, then call [`Store::complete_calculation`] or [`Store::fail_job`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub calculation_id: Uuid,
    /// How many times it has been claimed, this claim included.
    pub attempts: i32,
    pub correlation_id: String,
}

/// A final declaration or a confirmed amendment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclarationRecord {
    pub nino: String,
    pub tax_year: i32,
    pub calculation_id: Uuid,
    /// `final-declaration` or `confirm-amendment`.
    pub kind: String,
    pub declared_at: Millis,
}

/// The kind of declaration of which a year has at most one.
pub const FINAL_DECLARATION: &str = "final-declaration";

/// What a write of a taxpayer's year requires of the year's final declaration. The
/// store checks it in the same transaction as the write, so no concurrent declaration
/// can slip between the check and the write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requires {
    Nothing,
    /// The year has no final declaration.
    NoFinalDeclaration,
    /// The year has a final declaration.
    FinalDeclaration,
}

/// A write the store refused because it would break one of the journey's invariants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// A calculation of the taxpayer's year is still being computed (at most one is).
    CalculationInProgress,
    /// The year already has its final declaration, or the calculation a declaration.
    AlreadyDeclared,
    /// The year has no final declaration.
    NotDeclared,
    /// Income was submitted after the calculation was made of it.
    NewerIncome,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Conflict::CalculationInProgress => "a calculation of the year is in progress",
            Conflict::AlreadyDeclared => "already declared",
            Conflict::NotDeclared => "the year has no final declaration",
            Conflict::NewerIncome => "income was submitted after the calculation",
        })
    }
}

/// The result of a calculation computed as it is stored, for
/// [`Store::insert_computed_calculation`].
#[derive(Debug, Clone, Copy)]
pub struct Computed<'a> {
    pub result: &'a ComputedResult,
    pub completed_at: Millis,
    pub computed_by: &'a str,
}

/// Coded-out amounts for a tax year from one source: `hmrcHeld` (what HMRC holds) or
/// `user` (the taxpayer's submission); the document is opaque JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodingOutRecord {
    pub nino: String,
    pub tax_year: i32,
    pub source: String,
    pub document: String,
    pub submitted_at: Millis,
}

/// A pinned clock: "now" was `pinned_now` when the real clock read `pinned_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockPin {
    pub pinned_now: Millis,
    pub pinned_at: Millis,
}

/// Everything itsa stores. Both backends implement it and pass the same behavioural tests.
pub trait Store: Send + Sync {
    /// Apply any migrations not yet applied.
    fn migrate(&self) -> impl Future<Output = Result<()>> + Send;

    // Tokens and applications.
    fn insert_token(&self, token: &TokenRecord) -> impl Future<Output = Result<()>> + Send;
    fn find_token(&self, token_hash: &str) -> impl Future<Output = Result<Option<TokenRecord>>> + Send;
    fn insert_application(&self, application: &ApplicationRecord) -> impl Future<Output = Result<()>> + Send;
    fn find_application(&self, client_id: &str) -> impl Future<Output = Result<Option<ApplicationRecord>>> + Send;

    // Income.
    /// Store a taxpayer's income for a year, replacing any earlier submission.
    fn put_income(&self, income: &IncomeRecord) -> impl Future<Output = Result<()>> + Send;
    fn get_income(&self, nino: &str, tax_year: i32) -> impl Future<Output = Result<Option<IncomeRecord>>> + Send;
    /// The year's income with what a trigger checks beside it, in one read; none without
    /// an income submission.
    fn year_state(&self, nino: &str, tax_year: i32) -> impl Future<Output = Result<Option<YearState>>> + Send;

    // Calculations and their jobs.
    /// Store a calculation and its job, queued for any worker, in one transaction, if
    /// `requires` holds and no other calculation of the year is in progress ([`Conflict`]
    /// otherwise). Returns the job.
    fn insert_calculation(
        &self,
        calculation: &NewCalculation,
        requires: Requires,
    ) -> impl Future<Output = Result<Job>> + Send;
    /// Store a calculation already computed, with its result and no job, in one
    /// transaction, if `requires` holds and no other calculation of the year is in
    /// progress ([`Conflict`] otherwise): one durable commit for the whole calculation.
    fn insert_computed_calculation(
        &self,
        calculation: &NewCalculation,
        requires: Requires,
        computed: Computed<'_>,
    ) -> impl Future<Output = Result<()>> + Send;
    fn get_calculation(&self, id: Uuid) -> impl Future<Output = Result<Option<CalculationRecord>>> + Send;
    /// A calculation with the input document it is made of, for the worker.
    fn get_calculation_with_input(
        &self,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<(CalculationRecord, String)>>> + Send;
    /// Whether a calculation of the taxpayer's year is still being computed.
    fn calculation_in_progress(&self, nino: &str, tax_year: i32) -> impl Future<Output = Result<bool>> + Send;
    /// A taxpayer's computed calculations for a year, newest first, at most `limit` of
    /// them, optionally only those whose effective type (the declaration's kind, if
    /// declared, else the calculation's type) is `effective_type`.
    fn list_computed(
        &self,
        nino: &str,
        tax_year: i32,
        effective_type: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<CalculationSummary>>> + Send;
    /// Store a result and finish the job, in one transaction. Returns false, leaving the
    /// stored result as it was (and only removing the job), if the calculation was
    /// already done.
    fn complete_calculation(
        &self,
        job_id: i64,
        calculation_id: Uuid,
        result: &ComputedResult,
        completed_at: Millis,
        computed_by: &str,
    ) -> impl Future<Output = Result<bool>> + Send {
        async move {
            let stored = self
                .complete_calculations(&[Completion { job_id, calculation_id, result }], completed_at, computed_by)
                .await?;
            Ok(stored.first().copied().unwrap_or(false))
        }
    }
    /// Store several results and finish their jobs, all in one transaction (one durable
    /// commit for a burst of results). Says for each, in order, whether it was stored:
    /// false for a calculation already done, whose job is only removed.
    fn complete_calculations(
        &self,
        completions: &[Completion<'_>],
        completed_at: Millis,
        computed_by: &str,
    ) -> impl Future<Output = Result<Vec<bool>>> + Send;
    /// Claim the oldest job that is due (queued and due, or whose lease has expired),
    /// leasing it to `worker` until `now + lease_ms`.
    fn claim_job(&self, worker: &str, now: Millis, lease_ms: i64) -> impl Future<Output = Result<Option<Job>>> + Send;
    /// Give a job back after a failure: retry at `retry_at`, or, when `give_up`, mark the
    /// calculation failed with `error`.
    fn fail_job(
        &self,
        job: &Job,
        error: &str,
        retry_at: Millis,
        give_up: bool,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Jobs not yet finished (queued or running).
    fn pending_jobs(&self) -> impl Future<Output = Result<i64>> + Send;

    // Declarations.
    /// Record a declaration, in one transaction with its checks: `requires` of the
    /// year's final declaration, no income submitted after `income_submitted_at` (when
    /// the calculation's income was submitted), and the schema's own: one final
    /// declaration per year, one declaration per calculation. [`Conflict`] otherwise.
    fn insert_declaration(
        &self,
        declaration: &DeclarationRecord,
        requires: Requires,
        income_submitted_at: Millis,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The year's final declaration, if it has one.
    fn final_declaration(
        &self,
        nino: &str,
        tax_year: i32,
    ) -> impl Future<Output = Result<Option<DeclarationRecord>>> + Send;

    // Coding out.
    /// Store a source's coded-out amounts for a year, replacing that source's earlier
    /// ones, if `requires` holds.
    fn put_coding_out(&self, record: &CodingOutRecord, requires: Requires) -> impl Future<Output = Result<()>> + Send;
    /// Every source's coded-out amounts for a year.
    fn coding_out(&self, nino: &str, tax_year: i32) -> impl Future<Output = Result<Vec<CodingOutRecord>>> + Send;
    /// Remove a source's amounts, if `requires` holds; false if there were none.
    fn delete_coding_out(
        &self,
        nino: &str,
        tax_year: i32,
        source: &str,
        requires: Requires,
    ) -> impl Future<Output = Result<bool>> + Send;
    /// Record that the taxpayer has opted out of coding out for a year (or back in), in
    /// one statement; false, changing nothing, if that was already so (never having said
    /// is being opted in).
    fn set_coding_out_opt_out(
        &self,
        nino: &str,
        tax_year: i32,
        opted_out: bool,
        at: Millis,
    ) -> impl Future<Output = Result<bool>> + Send;
    /// Whether the taxpayer has opted out for a year (`None`: never said, which is opted in).
    fn coding_out_opt_out(&self, nino: &str, tax_year: i32) -> impl Future<Output = Result<Option<bool>>> + Send;

    // The service.
    /// The mode (`sandbox` or `production`) the database was first served in, recording
    /// `mode` if none is recorded yet.
    fn claim_mode(&self, mode: &str) -> impl Future<Output = Result<String>> + Send;

    // Test support.
    /// Remove everything stored about a taxpayer (tokens excepted).
    fn wipe_taxpayer(&self, nino: &str) -> impl Future<Output = Result<()>> + Send;
    fn clock_pin(&self) -> impl Future<Output = Result<Option<ClockPin>>> + Send;
    fn set_clock_pin(&self, pin: Option<ClockPin>) -> impl Future<Output = Result<()>> + Send;

    /// Wait until a job may have become claimable (a trigger here or, on PostgreSQL, on
    /// another node), or until `timeout` passes. Never fails: a missed wake-up costs one
    /// polling interval.
    fn wait_for_jobs(&self, timeout: std::time::Duration) -> impl Future<Output = ()> + Send;
}
