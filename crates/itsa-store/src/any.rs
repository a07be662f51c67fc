//! The store chosen at start-up: SQLite by default, PostgreSQL when `DATABASE_URL` says so.

use std::path::Path;
use std::time::Duration;

use crate::{
    ApplicationRecord, CalculationRecord, CalculationSummary, ClockPin, CodingOutRecord, Completion, Computed,
    DeclarationRecord, IncomeRecord, Job, Millis, NewCalculation, PgStore, Requires, Result, SqliteStore, Store,
    StoreError, TokenRecord, Uuid, YearState,
};

/// Either backend, behind the one [`Store`] trait.
#[derive(Debug, Clone)]
pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// The SQLite file used when no database URL is given.
const DEFAULT_SQLITE_FILE: &str = "itsa.sqlite3";

impl AnyStore {
    /// Open the store `database_url` names: `postgres://…` or `postgresql://…` for
    /// PostgreSQL, `sqlite://PATH` for a SQLite file, or, with no URL, the SQLite file
    /// `<data_dir>/itsa.sqlite3`. Call [`Store::migrate`] before use.
    pub async fn open(database_url: Option<&str>, data_dir: &Path) -> Result<AnyStore> {
        let Some(url) = database_url else {
            return Ok(AnyStore::Sqlite(SqliteStore::open(&data_dir.join(DEFAULT_SQLITE_FILE)).await?));
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(AnyStore::Postgres(PgStore::connect(url).await?))
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(StoreError::Invalid("the database URL 'sqlite://' names no file".to_string()));
            }
            Ok(AnyStore::Sqlite(SqliteStore::open(Path::new(path)).await?))
        } else {
            Err(StoreError::Invalid(format!(
                "unsupported database URL (expected postgres://, postgresql:// or sqlite://): {}",
                redact(url)
            )))
        }
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        match self {
            AnyStore::Sqlite(_) => "sqlite",
            AnyStore::Postgres(_) => "postgres",
        }
    }
}

/// A URL without whatever follows its scheme, which may hold a password.
fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, _)) => format!("{scheme}://…"),
        None => "(not a URL)".to_string(),
    }
}

/// Run `$call` on whichever store `$self` holds.
macro_rules! delegate {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($store) => $call.await,
            AnyStore::Postgres($store) => $call.await,
        }
    };
}

impl Store for AnyStore {
    async fn migrate(&self) -> Result<()> {
        delegate!(self, s => s.migrate())
    }

    async fn insert_token(&self, token: &TokenRecord) -> Result<()> {
        delegate!(self, s => s.insert_token(token))
    }

    async fn find_token(&self, token_hash: &str) -> Result<Option<TokenRecord>> {
        delegate!(self, s => s.find_token(token_hash))
    }

    async fn insert_application(&self, application: &ApplicationRecord) -> Result<()> {
        delegate!(self, s => s.insert_application(application))
    }

    async fn find_application(&self, client_id: &str) -> Result<Option<ApplicationRecord>> {
        delegate!(self, s => s.find_application(client_id))
    }

    async fn put_income(&self, income: &IncomeRecord) -> Result<()> {
        delegate!(self, s => s.put_income(income))
    }

    async fn get_income(&self, nino: &str, tax_year: i32) -> Result<Option<IncomeRecord>> {
        delegate!(self, s => s.get_income(nino, tax_year))
    }

    async fn year_state(&self, nino: &str, tax_year: i32) -> Result<Option<YearState>> {
        delegate!(self, s => s.year_state(nino, tax_year))
    }

    async fn insert_calculation(&self, calculation: &NewCalculation, requires: Requires) -> Result<Job> {
        delegate!(self, s => s.insert_calculation(calculation, requires))
    }

    async fn insert_computed_calculation(
        &self,
        calculation: &NewCalculation,
        requires: Requires,
        computed: Computed<'_>,
    ) -> Result<()> {
        delegate!(self, s => s.insert_computed_calculation(calculation, requires, computed))
    }

    async fn get_calculation(&self, id: Uuid) -> Result<Option<CalculationRecord>> {
        delegate!(self, s => s.get_calculation(id))
    }

    async fn get_calculation_with_input(&self, id: Uuid) -> Result<Option<(CalculationRecord, String)>> {
        delegate!(self, s => s.get_calculation_with_input(id))
    }

    async fn calculation_in_progress(&self, nino: &str, tax_year: i32) -> Result<bool> {
        delegate!(self, s => s.calculation_in_progress(nino, tax_year))
    }

    async fn list_computed(
        &self,
        nino: &str,
        tax_year: i32,
        effective_type: Option<&str>,
        limit: u32,
    ) -> Result<Vec<CalculationSummary>> {
        delegate!(self, s => s.list_computed(nino, tax_year, effective_type, limit))
    }

    async fn complete_calculations(
        &self,
        completions: &[Completion<'_>],
        completed_at: Millis,
        computed_by: &str,
    ) -> Result<Vec<bool>> {
        delegate!(self, s => s.complete_calculations(completions, completed_at, computed_by))
    }

    async fn claim_job(&self, worker: &str, now: Millis, lease_ms: i64) -> Result<Option<Job>> {
        delegate!(self, s => s.claim_job(worker, now, lease_ms))
    }

    async fn fail_job(&self, job: &Job, error: &str, retry_at: Millis, give_up: bool) -> Result<()> {
        delegate!(self, s => s.fail_job(job, error, retry_at, give_up))
    }

    async fn pending_jobs(&self) -> Result<i64> {
        delegate!(self, s => s.pending_jobs())
    }

    async fn insert_declaration(
        &self,
        declaration: &DeclarationRecord,
        requires: Requires,
        income_submitted_at: Millis,
    ) -> Result<()> {
        delegate!(self, s => s.insert_declaration(declaration, requires, income_submitted_at))
    }

    async fn final_declaration(&self, nino: &str, tax_year: i32) -> Result<Option<DeclarationRecord>> {
        delegate!(self, s => s.final_declaration(nino, tax_year))
    }

    async fn put_coding_out(&self, record: &CodingOutRecord, requires: Requires) -> Result<()> {
        delegate!(self, s => s.put_coding_out(record, requires))
    }

    async fn coding_out(&self, nino: &str, tax_year: i32) -> Result<Vec<CodingOutRecord>> {
        delegate!(self, s => s.coding_out(nino, tax_year))
    }

    async fn delete_coding_out(&self, nino: &str, tax_year: i32, source: &str, requires: Requires) -> Result<bool> {
        delegate!(self, s => s.delete_coding_out(nino, tax_year, source, requires))
    }

    async fn set_coding_out_opt_out(&self, nino: &str, tax_year: i32, opted_out: bool, at: Millis) -> Result<bool> {
        delegate!(self, s => s.set_coding_out_opt_out(nino, tax_year, opted_out, at))
    }

    async fn coding_out_opt_out(&self, nino: &str, tax_year: i32) -> Result<Option<bool>> {
        delegate!(self, s => s.coding_out_opt_out(nino, tax_year))
    }

    async fn claim_mode(&self, mode: &str) -> Result<String> {
        delegate!(self, s => s.claim_mode(mode))
    }

    async fn wipe_taxpayer(&self, nino: &str) -> Result<()> {
        delegate!(self, s => s.wipe_taxpayer(nino))
    }

    async fn clock_pin(&self) -> Result<Option<ClockPin>> {
        delegate!(self, s => s.clock_pin())
    }

    async fn set_clock_pin(&self, pin: Option<ClockPin>) -> Result<()> {
        delegate!(self, s => s.set_clock_pin(pin))
    }

    async fn wait_for_jobs(&self, timeout: Duration) {
        delegate!(self, s => s.wait_for_jobs(timeout))
    }
}
