//! The SQLite backend: one database file in WAL mode, the embedded default.

mod writer;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use tokio::sync::Notify;

use self::writer::Writer;

use crate::common::{self, CLOCK_PIN_KEY, MODE_KEY};
use crate::sql;
use crate::{
    ApplicationRecord, CalculationRecord, CalculationSummary, ClockPin, CodingOutRecord, Completion, Computed,
    ComputedResult, Conflict, Declaration, DeclarationRecord, FINAL_DECLARATION, IncomeRecord, Job, Millis,
    NewCalculation, Requires, Result, Store, StoreError, TokenRecord, Uuid, YearState,
};

/// How long a connection waits for another connection's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections in a file database's pool (SQLite serialises writers; readers run alongside).
const POOL_SIZE: u32 = 4;

/// The [`Store`] on SQLite. Cloning it is cheap and shares the pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Signalled when a job may have become claimable.
    jobs: Arc<Notify>,
    /// SQLite has one writer at a time. Writers in this process hand their writes to one
    /// task, which commits every write waiting at the time together (see [`writer`]),
    /// instead of meeting at the file lock, where a waiting writer sleeps in growing steps
    /// (SQLite's busy handler) and adds milliseconds to every write under load. Other
    /// processes on the same file still meet at the lock, within the busy timeout.
    writer: Writer,
}

impl SqliteStore {
    /// Open (creating it and its directory if need be) the database file at `path`: WAL
    /// journal, `synchronous = FULL`, foreign keys on. Call [`Store::migrate`] before use.
    pub async fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = pool_options().max_connections(POOL_SIZE).connect_with(options).await?;
        Ok(SqliteStore::on(pool))
    }

    /// A private in-memory database, for tests. It lives on a single connection that is
    /// never closed, so it lasts as long as the store.
    pub async fn in_memory() -> Result<Self> {
        let options = SqliteConnectOptions::new().in_memory(true).foreign_keys(true).busy_timeout(BUSY_TIMEOUT);
        let pool = pool_options()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        Ok(SqliteStore::on(pool))
    }

    fn on(pool: SqlitePool) -> Self {
        SqliteStore { writer: Writer::start(pool.clone()), pool, jobs: Arc::new(Notify::new()) }
    }

    /// The underlying pool, for diagnostics and tests.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// The pool's settings common to a file and an in-memory database. A connection is not
/// pinged before each use, as pools do by default for a server that may have gone: this
/// one is a file in the same process, and each ping is a round trip to the connection's
/// thread.
fn pool_options() -> SqlitePoolOptions {
    SqlitePoolOptions::new().test_before_acquire(false)
}

common::row_decoders!(SqliteRow);

/// Refuse with a [`Conflict`] unless the year's final declaration is as `requires` says.
/// Called inside a write, so the answer holds until the write commits.
async fn check(conn: &mut SqliteConnection, nino: &str, tax_year: i32, requires: Requires) -> Result<()> {
    if requires == Requires::Nothing {
        return Ok(());
    }
    let declared: bool =
        sqlx::query_scalar(sql::HAS_FINAL_DECLARATION).bind(nino).bind(tax_year).fetch_one(&mut *conn).await?;
    match (requires, declared) {
        (Requires::NoFinalDeclaration, true) => Err(StoreError::Conflict(Conflict::AlreadyDeclared)),
        (Requires::FinalDeclaration, false) => Err(StoreError::Conflict(Conflict::NotDeclared)),
        _ => Ok(()),
    }
}

impl Store for SqliteStore {
    async fn migrate(&self) -> Result<()> {
        sqlx::migrate!("migrations/sqlite").run(&self.pool).await?;
        Ok(())
    }

    async fn insert_token(&self, token: &TokenRecord) -> Result<()> {
        let token = token.clone();
        self.writer
            .write(move |conn| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO tokens (token_hash, role, nino, clients, scopes, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(token.token_hash)
                    .bind(token.role)
                    .bind(token.nino)
                    .bind(common::encode_list(&token.clients))
                    .bind(common::encode_list(&token.scopes))
                    .bind(token.created_at)
                    .bind(token.expires_at)
                    .execute(&mut *conn)
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    async fn find_token(&self, token_hash: &str) -> Result<Option<TokenRecord>> {
        let row = sqlx::query("SELECT * FROM tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(token).transpose()
    }

    async fn insert_application(&self, application: &ApplicationRecord) -> Result<()> {
        let application = application.clone();
        self.writer
            .write(move |conn| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO applications \
                         (client_id, secret_hash, name, role, nino, clients, scopes, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(application.client_id)
                    .bind(application.secret_hash)
                    .bind(application.name)
                    .bind(application.role)
                    .bind(application.nino)
                    .bind(common::encode_list(&application.clients))
                    .bind(common::encode_list(&application.scopes))
                    .bind(application.created_at)
                    .execute(&mut *conn)
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    async fn find_application(&self, client_id: &str) -> Result<Option<ApplicationRecord>> {
        let row = sqlx::query("SELECT * FROM applications WHERE client_id = $1")
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(application).transpose()
    }

    async fn put_income(&self, income: &IncomeRecord) -> Result<()> {
        let income = income.clone();
        self.writer
            .write(move |conn| {
                Box::pin(async move {
                    sqlx::query(sql::PUT_INCOME)
                        .bind(income.nino)
                        .bind(income.tax_year)
                        .bind(income.document)
                        .bind(income.submitted_at)
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                })
            })
            .await
    }

    async fn get_income(&self, nino: &str, tax_year: i32) -> Result<Option<IncomeRecord>> {
        let row = sqlx::query(sql::GET_INCOME).bind(nino).bind(tax_year).fetch_optional(&self.pool).await?;
        row.as_ref().map(income).transpose()
    }

    async fn year_state(&self, nino: &str, tax_year: i32) -> Result<Option<YearState>> {
        let row = sqlx::query(sql::YEAR_STATE).bind(nino).bind(tax_year).fetch_optional(&self.pool).await?;
        row.as_ref().map(year_state).transpose()
    }

    async fn insert_calculation(&self, calculation: &NewCalculation, requires: Requires) -> Result<Job> {
        let digest = common::input_digest(&calculation.input_document);
        let c = calculation.clone();
        let job_id: i64 = self
            .writer
            .write(move |conn| {
                Box::pin(async move {
                    check(conn, &c.nino, c.tax_year, requires).await?;
                    // All three rows in one round trip to the connection's thread; only
                    // the job's insert returns a row. Drained to the end, so every
                    // statement runs.
                    let ids: Vec<i64> = common::bind_calculation!(
                        sqlx::query_scalar(sql::SQLITE_INSERT_CALCULATION_AND_JOB),
                        &c,
                        digest
                    )
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(|e| common::on_unique_violation(e, Conflict::CalculationInProgress))?;
                    match ids[..] {
                        [id] => Ok(id),
                        _ => Err(StoreError::Invalid(format!("storing a calculation returned {} job ids", ids.len()))),
                    }
                })
            })
            .await?;
        common::signal(&self.jobs);
        Ok(Job {
            id: job_id,
            calculation_id: calculation.id,
            attempts: 0,
            correlation_id: calculation.correlation_id.clone(),
        })
    }

    async fn insert_computed_calculation(
        &self,
        calculation: &NewCalculation,
        requires: Requires,
        computed: Computed<'_>,
    ) -> Result<()> {
        let digest = common::input_digest(&calculation.input_document);
        let c = calculation.clone();
        let result = computed.result.clone();
        let (completed_at, computed_by) = (computed.completed_at, computed.computed_by.to_owned());
        self.writer
            .write(move |conn| {
                Box::pin(async move {
                    check(conn, &c.nino, c.tax_year, requires).await?;
                    // Both statements in one round trip; a row comes back if the
                    // calculation was stored.
                    let stored: Vec<i64> =
                        common::bind_calculation!(sqlx::query_scalar(sql::SQLITE_INSERT_COMPUTED), &c, digest)
                            .bind(result.document)
                            .bind(result.error_count)
                            .bind(result.total_due)
                            .bind(completed_at)
                            .bind(computed_by)
                            .fetch_all(&mut *conn)
                            .await?;
                    if stored.is_empty() {
                        return Err(StoreError::Conflict(Conflict::CalculationInProgress));
                    }
                    Ok(())
                })
            })
            .await
    }

    async fn get_calculation(&self, id: Uuid) -> Result<Option<CalculationRecord>> {
        let row = sqlx::query(sql::CALCULATION).bind(id.to_string()).fetch_optional(&self.pool).await?;
        row.as_ref().map(calculation).transpose()
    }

    async fn get_calculation_with_input(&self, id: Uuid) -> Result<Option<(CalculationRecord, String)>> {
        let row = sqlx::query(sql::CALCULATION_WITH_INPUT).bind(id.to_string()).fetch_optional(&self.pool).await?;
        row.as_ref().map(|row| Ok((calculation(row)?, row.try_get("input_document")?))).transpose()
    }

    async fn calculation_in_progress(&self, nino: &str, tax_year: i32) -> Result<bool> {
        Ok(sqlx::query_scalar(sql::IN_PROGRESS).bind(nino).bind(tax_year).fetch_one(&self.pool).await?)
    }

    async fn list_computed(
        &self,
        nino: &str,
        tax_year: i32,
        effective_type: Option<&str>,
        limit: u32,
    ) -> Result<Vec<CalculationSummary>> {
        let fetch = |sql: &'static str, kind: Option<&str>| {
            let query = sqlx::query_scalar::<_, String>(sql).bind(nino.to_owned()).bind(tax_year);
            let query = match kind {
                Some(kind) => query.bind(kind.to_owned()),
                None => query,
            };
            async move { common::summaries_from_json(&query.bind(i64::from(limit)).fetch_one(&self.pool).await?) }
        };
        match effective_type {
            None => fetch(sql::SQLITE_LIST_COMPUTED, None).await,
            Some(kind) => Ok(common::merge_newest(
                fetch(sql::SQLITE_LIST_UNDECLARED_OF_TYPE, Some(kind)).await?,
                fetch(sql::SQLITE_LIST_DECLARED_AS, Some(kind)).await?,
                limit,
            )),
        }
    }

    async fn complete_calculations(
        &self,
        completions: &[Completion<'_>],
        completed_at: Millis,
        computed_by: &str,
    ) -> Result<Vec<bool>> {
        let completions: Vec<(i64, Uuid, ComputedResult)> =
            completions.iter().map(|c| (c.job_id, c.calculation_id, c.result.clone())).collect();
        let computed_by = computed_by.to_owned();
        self.writer
            .write(move |conn| {
                Box::pin(async move {
                    let mut stored = Vec::with_capacity(completions.len());
                    for (job_id, calculation_id, result) in completions {
                        // One round trip; a row comes back if the result was stored.
                        let done: Vec<i64> = sqlx::query_scalar(sql::SQLITE_COMPLETE)
                            .bind(result.document)
                            .bind(result.error_count)
                            .bind(result.total_due)
                            .bind(completed_at)
                            .bind(&computed_by)
                            .bind(calculation_id.to_string())
                            .bind(job_id)
                            .fetch_all(&mut *conn)
                            .await?;
                        stored.push(!done.is_empty());
                    }
                    Ok(stored)
                })
            })
            .await
    }

    async fn claim_job(&self, worker: &str, now: Millis, lease_ms: i64) -> Result<Option<Job>> {
        let worker = worker.to_owned();
        self.writer
            .write(move |conn| {
                Box::pin(async move {
                    // SQLite runs one writer at a time: the claim is exclusive.
                    let row = sqlx::query(
                        "UPDATE jobs SET state = 'running', lease_until = $1, attempts = attempts + 1, \
                         worker = $2 \
                         WHERE id = (SELECT id FROM jobs \
                                     WHERE (state = 'queued' AND run_at <= $3) \
                                        OR (state = 'running' AND lease_until < $3) \
                                     ORDER BY id LIMIT 1) \
                         RETURNING id, calculation_id, attempts, correlation_id",
                    )
                    .bind(now.saturating_add(lease_ms))
                    .bind(worker)
                    .bind(now)
                    .fetch_optional(&mut *conn)
                    .await?;
                    row.as_ref().map(job).transpose()
                })
            })
            .await
    }

    async fn fail_job(&self, job: &Job, error: &str, retry_at: Millis, give_up: bool) -> Result<()> {
        let (job_id, calculation_id, error) = (job.id, job.calculation_id, error.to_owned());
        self.writer
            .write(move |conn| {
                Box::pin(async move {
                    if give_up {
                        sqlx::query(sql::DELETE_JOB).bind(job_id).execute(&mut *conn).await?;
                        sqlx::query(sql::GIVE_UP)
                            .bind(error)
                            .bind(calculation_id.to_string())
                            .execute(&mut *conn)
                            .await?;
                    } else {
                        sqlx::query(sql::RETRY).bind(retry_at).bind(error).bind(job_id).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            .await?;
        common::signal(&self.jobs);
        Ok(())
    }

    async fn pending_jobs(&self) -> Result<i64> {
        Ok(sqlx::query_scalar(sql::PENDING_JOBS).fetch_one(&self.pool).await?)
    }

    async fn insert_declaration(
        &self,
        declaration: &DeclarationRecord,
        requires: Requires,
        income_submitted_at: Millis,
    ) -> Result<()> {
        let d = declaration.clone();
        self.writer
            .write(move |conn| {
                Box::pin(async move {
                    check(conn, &d.nino, d.tax_year, requires).await?;
                    let submitted: Option<Millis> = sqlx::query_scalar(sql::INCOME_SUBMITTED_AT)
                        .bind(&d.nino)
                        .bind(d.tax_year)
                        .fetch_optional(&mut *conn)
                        .await?;
                    if submitted.is_some_and(|at| at > income_submitted_at) {
                        return Err(StoreError::Conflict(Conflict::NewerIncome));
                    }
                    sqlx::query(sql::INSERT_DECLARATION)
                        .bind(d.nino)
                        .bind(d.tax_year)
                        .bind(d.calculation_id.to_string())
                        .bind(d.kind)
                        .bind(d.declared_at)
                        .execute(&mut *conn)
                        .await
                        .map_err(|e| common::on_unique_violation(e, Conflict::AlreadyDeclared))?;
                    Ok(())
                })
            })
            .await
    }

    async fn final_declaration(&self, nino: &str, tax_year: i32) -> Result<Option<DeclarationRecord>> {
        let row = sqlx::query(sql::FINAL_DECLARATION).bind(nino).bind(tax_year).fetch_optional(&self.pool).await?;
        debug_assert!(row.as_ref().is_none_or(|r| r.get::<String, _>("kind") == FINAL_DECLARATION));
        row.as_ref().map(declaration).transpose()
    }

    async fn put_coding_out(&self, record: &CodingOutRecord, requires: Requires) -> Result<()> {
        let r = record.clone();
        self.writer
            .write(move |conn| {
                Box::pin(async move {
                    check(conn, &r.nino, r.tax_year, requires).await?;
                    sqlx::query(sql::PUT_CODING_OUT)
                        .bind(r.nino)
                        .bind(r.tax_year)
                        .bind(r.source)
                        .bind(r.document)
                        .bind(r.submitted_at)
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                })
            })
            .await
    }

    async fn coding_out(&self, nino: &str, tax_year: i32) -> Result<Vec<CodingOutRecord>> {
        let rows = sqlx::query(sql::CODING_OUT).bind(nino).bind(tax_year).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(CodingOutRecord {
                    nino: row.try_get("nino")?,
                    tax_year: row.try_get("tax_year")?,
                    source: row.try_get("source")?,
                    document: row.try_get("document")?,
                    submitted_at: row.try_get("submitted_at")?,
                })
            })
            .collect()
    }

    async fn delete_coding_out(&self, nino: &str, tax_year: i32, source: &str, requires: Requires) -> Result<bool> {
        let (nino, source) = (nino.to_owned(), source.to_owned());
        self.writer
            .write(move |conn| {
                Box::pin(async move {
                    check(conn, &nino, tax_year, requires).await?;
                    let done = sqlx::query(sql::DELETE_CODING_OUT)
                        .bind(nino)
                        .bind(tax_year)
                        .bind(source)
                        .execute(&mut *conn)
                        .await?;
                    Ok(done.rows_affected() > 0)
                })
            })
            .await
    }

    async fn set_coding_out_opt_out(&self, nino: &str, tax_year: i32, opted_out: bool, at: Millis) -> Result<bool> {
        let statement = if opted_out { sql::OPT_OUT } else { sql::OPT_IN };
        let nino = nino.to_owned();
        self.writer
            .write(move |conn| {
                Box::pin(async move {
                    let done = sqlx::query(statement)
                        .bind(nino)
                        .bind(tax_year)
                        .bind(opted_out)
                        .bind(at)
                        .execute(&mut *conn)
                        .await?;
                    Ok(done.rows_affected() > 0)
                })
            })
            .await
    }

    async fn coding_out_opt_out(&self, nino: &str, tax_year: i32) -> Result<Option<bool>> {
        Ok(sqlx::query_scalar(sql::OPTED_OUT).bind(nino).bind(tax_year).fetch_optional(&self.pool).await?)
    }

    async fn claim_mode(&self, mode: &str) -> Result<String> {
        let mode = mode.to_owned();
        self.writer
            .write(move |conn| {
                Box::pin(async move {
                    sqlx::query(sql::ADD_SETTING).bind(MODE_KEY).bind(mode).execute(&mut *conn).await?;
                    Ok(sqlx::query_scalar(sql::SETTING).bind(MODE_KEY).fetch_one(&mut *conn).await?)
                })
            })
            .await
    }

    async fn wipe_taxpayer(&self, nino: &str) -> Result<()> {
        let nino = nino.to_owned();
        self.writer
            .write(move |conn| {
                Box::pin(async move {
                    for statement in sql::WIPE {
                        sqlx::query(statement).bind(&nino).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            .await
    }

    async fn clock_pin(&self) -> Result<Option<ClockPin>> {
        let value: Option<String> =
            sqlx::query_scalar(sql::SETTING).bind(CLOCK_PIN_KEY).fetch_optional(&self.pool).await?;
        value.as_deref().map(common::decode_pin).transpose()
    }

    async fn set_clock_pin(&self, pin: Option<ClockPin>) -> Result<()> {
        self.writer
            .write(move |conn| {
                Box::pin(async move {
                    match pin {
                        Some(pin) => sqlx::query(sql::PUT_SETTING).bind(CLOCK_PIN_KEY).bind(common::encode_pin(pin)),
                        None => sqlx::query(sql::DELETE_SETTING).bind(CLOCK_PIN_KEY),
                    }
                    .execute(&mut *conn)
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    async fn wait_for_jobs(&self, timeout: Duration) {
        common::wait(&self.jobs, timeout).await;
    }
}
