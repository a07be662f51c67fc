//! The PostgreSQL backend (`DATABASE_URL`), for several nodes sharing one database.

use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions, PgRow};
use sqlx::{Connection, Row};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::common::{self, CLOCK_PIN_KEY, MODE_KEY};
use crate::sql;
use crate::{
    ApplicationRecord, CalculationRecord, CalculationSummary, ClockPin, CodingOutRecord, Completion, Computed,
    Conflict, Declaration, DeclarationRecord, IncomeRecord, Job, Millis, NewCalculation, Requires, Result, Store,
    StoreError, TokenRecord, Uuid, YearState,
};

/// The channel on which a node announces that a job may have become claimable.
const JOBS_CHANNEL: &str = "itsa_jobs";

/// Connections in the pool (one of them held by the listener once a worker waits for jobs).
const POOL_SIZE: u32 = 8;

/// How long a pooled connection may sit idle before it is pinged when next handed out.
const PING_WHEN_IDLE: Duration = Duration::from_secs(1);

/// How long the listener waits before connecting again after losing its connection.
const LISTEN_RETRY: Duration = Duration::from_secs(1);

/// The [`Store`] on PostgreSQL. Cloning it is cheap and shares the pool and the listener.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    wake: Arc<Wake>,
}

/// The wake-up for job waiters: an in-process [`Notify`], fed also by a background task
/// that LISTENs for other nodes' notifications (started by the first waiter, stopped when
/// the last clone of the store is dropped).
#[derive(Debug, Default)]
struct Wake {
    jobs: Arc<Notify>,
    listener: OnceLock<JoinHandle<()>>,
}

impl Drop for Wake {
    fn drop(&mut self) {
        if let Some(listener) = self.listener.get() {
            listener.abort();
        }
    }
}

impl PgStore {
    /// Connect to the database at `url` (`postgres://…`). Call [`Store::migrate`] before use.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_options(PgConnectOptions::from_str(url)?).await
    }

    /// Connect to the database at `url`, keeping every table in `schema` (created if
    /// missing) rather than the default one: for tests and for several tenants sharing one
    /// database. `schema` must be a plain lower-case identifier (`a`–`z`, digits, `_`).
    pub async fn connect_with_schema(url: &str, schema: &str) -> Result<Self> {
        let plain = schema.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && schema.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !plain {
            return Err(StoreError::Invalid(format!("'{schema}' is not a plain schema name")));
        }
        let store = Self::connect_options(PgConnectOptions::from_str(url)?.options([("search_path", schema)])).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"")))
            .execute(&store.pool)
            .await?;
        Ok(store)
    }

    async fn connect_options(options: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            // A pool pings every connection it hands out by default: a round trip to the
            // server before each read or transaction. Only a connection that has sat idle
            // may have been dropped behind the pool's back (a server restart, a firewall),
            // so only such a one is pinged; a failed ping discards it for another.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_WHEN_IDLE {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options)
            .await?;
        Ok(PgStore { pool, wake: Arc::new(Wake::default()) })
    }

    /// The underlying pool, for diagnostics and tests.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// Forward notifications on [`JOBS_CHANNEL`] to `jobs`, reconnecting as needed, until the
/// pool is closed (or the task is aborted).
async fn listen(pool: PgPool, jobs: Arc<Notify>) {
    while !pool.is_closed() {
        if let Ok(mut listener) = PgListener::connect_with(&pool).await
            && listener.listen(JOBS_CHANNEL).await.is_ok()
        {
            // Anything announced while we were not listening was missed: wake the waiters.
            common::signal(&jobs);
            // `Ok(None)` means the connection was lost and is being re-established, so
            // notifications may have been missed: wake the waiters for that too.
            while listener.try_recv().await.is_ok() {
                common::signal(&jobs);
            }
        }
        tokio::time::sleep(LISTEN_RETRY).await;
    }
}

common::row_decoders!(PgRow);

/// A list's row, its columns read by position (`sql::summary_columns!`): a list decodes a
/// hundred rows, and finding each column by name cost as much as decoding it.
fn summary(row: &PgRow) -> Result<CalculationSummary> {
    let kind: Option<String> = row.try_get(7)?;
    Ok(CalculationSummary {
        id: common::parse_uuid(row.try_get(0)?)?,
        calculation_type: row.try_get(1)?,
        requested_by: row.try_get(2)?,
        requested_at: row.try_get(3)?,
        completed_at: row.try_get(4)?,
        total_due: row.try_get(5)?,
        error_count: row.try_get(6)?,
        declaration: match kind {
            Some(kind) => Some(Declaration { kind, declared_at: row.try_get(8)? }),
            None => None,
        },
    })
}

type Transaction = sqlx::Transaction<'static, sqlx::Postgres>;

impl PgStore {
    /// A transaction holding the lock on a taxpayer's year (released when it ends), so
    /// that the checks made inside it hold until it commits: every write of the year's
    /// income, calculations, declarations and coding out takes it first.
    async fn write(&self, nino: &str, tax_year: i32) -> Result<Transaction> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(common::journey_lock_key(nino, tax_year))
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

/// Refuse with a [`Conflict`] unless the year's final declaration is as `requires` says.
async fn check(tx: &mut Transaction, nino: &str, tax_year: i32, requires: Requires) -> Result<()> {
    if requires == Requires::Nothing {
        return Ok(());
    }
    let declared: bool =
        sqlx::query_scalar(sql::HAS_FINAL_DECLARATION).bind(nino).bind(tax_year).fetch_one(&mut **tx).await?;
    match (requires, declared) {
        (Requires::NoFinalDeclaration, true) => Err(StoreError::Conflict(Conflict::AlreadyDeclared)),
        (Requires::FinalDeclaration, false) => Err(StoreError::Conflict(Conflict::NotDeclared)),
        _ => Ok(()),
    }
}

impl Store for PgStore {
    async fn migrate(&self) -> Result<()> {
        sqlx::migrate!("migrations/postgres").run(&self.pool).await?;
        Ok(())
    }

    async fn insert_token(&self, token: &TokenRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO tokens (token_hash, role, nino, clients, scopes, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&token.token_hash)
        .bind(&token.role)
        .bind(&token.nino)
        .bind(common::encode_list(&token.clients))
        .bind(common::encode_list(&token.scopes))
        .bind(token.created_at)
        .bind(token.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn find_token(&self, token_hash: &str) -> Result<Option<TokenRecord>> {
        let row = sqlx::query("SELECT * FROM tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(token).transpose()
    }

    async fn insert_application(&self, application: &ApplicationRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO applications (client_id, secret_hash, name, role, nino, clients, scopes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&application.client_id)
        .bind(&application.secret_hash)
        .bind(&application.name)
        .bind(&application.role)
        .bind(&application.nino)
        .bind(common::encode_list(&application.clients))
        .bind(common::encode_list(&application.scopes))
        .bind(application.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn find_application(&self, client_id: &str) -> Result<Option<ApplicationRecord>> {
        let row = sqlx::query("SELECT * FROM applications WHERE client_id = $1")
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(application).transpose()
    }

    async fn put_income(&self, income: &IncomeRecord) -> Result<()> {
        let mut tx = self.write(&income.nino, income.tax_year).await?;
        sqlx::query(sql::PUT_INCOME)
            .bind(&income.nino)
            .bind(income.tax_year)
            .bind(&income.document)
            .bind(income.submitted_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
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
        let insert = common::bind_calculation!(
            sqlx::query_scalar(sql::POSTGRES_INSERT_CALCULATION_AND_JOB),
            calculation,
            digest
        );
        // A check holds only under the year's lock; without one, nothing is read.
        let mut tx = match requires {
            Requires::Nothing => self.pool.begin().await?,
            _ => self.write(&calculation.nino, calculation.tax_year).await?,
        };
        check(&mut tx, &calculation.nino, calculation.tax_year, requires).await?;
        let job_id: i64 = insert
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| common::on_unique_violation(e, Conflict::CalculationInProgress))?;
        notify_nodes(&mut tx).await?;
        tx.commit().await?;
        common::signal(&self.wake.jobs);
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
        let insert =
            common::bind_calculation!(sqlx::query_scalar::<_, i32>(sql::POSTGRES_INSERT_COMPUTED), calculation, digest)
                .bind(&computed.result.document)
                .bind(computed.result.error_count)
                .bind(&computed.result.total_due)
                .bind(computed.completed_at)
                .bind(computed.computed_by);
        let stored = if requires == Requires::Nothing {
            // Nothing to check: one statement, atomic on its own, is the whole write.
            insert.fetch_optional(&self.pool).await?
        } else {
            let mut tx = self.write(&calculation.nino, calculation.tax_year).await?;
            check(&mut tx, &calculation.nino, calculation.tax_year, requires).await?;
            let stored = insert.fetch_optional(&mut *tx).await?;
            tx.commit().await?;
            stored
        };
        match stored {
            Some(_) => Ok(()),
            None => Err(StoreError::Conflict(Conflict::CalculationInProgress)),
        }
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
            let query = sqlx::query(sql).bind(nino.to_owned()).bind(tax_year);
            let query = match kind {
                Some(kind) => query.bind(kind.to_owned()),
                None => query,
            };
            async move { query.bind(i64::from(limit)).fetch_all(&self.pool).await?.iter().map(summary).collect() }
        };
        match effective_type {
            None => fetch(sql::POSTGRES_LIST_COMPUTED, None).await,
            Some(kind) => Ok(common::merge_newest(
                fetch(sql::POSTGRES_LIST_UNDECLARED_OF_TYPE, Some(kind)).await?,
                fetch(sql::POSTGRES_LIST_DECLARED_AS, Some(kind)).await?,
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
        let complete = |c: &Completion<'_>| {
            sqlx::query_scalar::<_, i32>(sql::POSTGRES_COMPLETE)
                .bind(c.result.document.clone())
                .bind(c.result.error_count)
                .bind(c.result.total_due.clone())
                .bind(completed_at)
                .bind(computed_by.to_owned())
                .bind(c.calculation_id.to_string())
                .bind(c.job_id)
        };
        if let [one] = completions {
            // One statement, atomic on its own.
            return Ok(vec![complete(one).fetch_optional(&self.pool).await?.is_some()]);
        }
        let mut tx = self.pool.begin().await?;
        let mut stored = Vec::with_capacity(completions.len());
        for c in completions {
            stored.push(complete(c).fetch_optional(&mut *tx).await?.is_some());
        }
        tx.commit().await?;
        Ok(stored)
    }

    async fn claim_job(&self, worker: &str, now: Millis, lease_ms: i64) -> Result<Option<Job>> {
        // One statement; SKIP LOCKED lets concurrent claimers pass over each other's rows.
        let row = sqlx::query(
            "UPDATE jobs SET state = 'running', lease_until = $1, attempts = attempts + 1, worker = $2 \
             WHERE id = (SELECT id FROM jobs \
                         WHERE (state = 'queued' AND run_at <= $3) OR (state = 'running' AND lease_until < $3) \
                         ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) \
             RETURNING id, calculation_id, attempts, correlation_id",
        )
        .bind(now.saturating_add(lease_ms))
        .bind(worker)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(job).transpose()
    }

    async fn fail_job(&self, job: &Job, error: &str, retry_at: Millis, give_up: bool) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        if give_up {
            sqlx::query(sql::DELETE_JOB).bind(job.id).execute(&mut *tx).await?;
            sqlx::query(sql::GIVE_UP).bind(error).bind(job.calculation_id.to_string()).execute(&mut *tx).await?;
        } else {
            sqlx::query(sql::RETRY).bind(retry_at).bind(error).bind(job.id).execute(&mut *tx).await?;
        }
        notify_nodes(&mut tx).await?;
        tx.commit().await?;
        common::signal(&self.wake.jobs);
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
        let mut tx = self.write(&declaration.nino, declaration.tax_year).await?;
        check(&mut tx, &declaration.nino, declaration.tax_year, requires).await?;
        let submitted: Option<Millis> = sqlx::query_scalar(sql::INCOME_SUBMITTED_AT)
            .bind(&declaration.nino)
            .bind(declaration.tax_year)
            .fetch_optional(&mut *tx)
            .await?;
        if submitted.is_some_and(|at| at > income_submitted_at) {
            return Err(StoreError::Conflict(Conflict::NewerIncome));
        }
        sqlx::query(sql::INSERT_DECLARATION)
            .bind(&declaration.nino)
            .bind(declaration.tax_year)
            .bind(declaration.calculation_id.to_string())
            .bind(&declaration.kind)
            .bind(declaration.declared_at)
            .execute(&mut *tx)
            .await
            .map_err(|e| common::on_unique_violation(e, Conflict::AlreadyDeclared))?;
        tx.commit().await?;
        Ok(())
    }

    async fn final_declaration(&self, nino: &str, tax_year: i32) -> Result<Option<DeclarationRecord>> {
        let row = sqlx::query(sql::FINAL_DECLARATION).bind(nino).bind(tax_year).fetch_optional(&self.pool).await?;
        row.as_ref().map(declaration).transpose()
    }

    async fn put_coding_out(&self, record: &CodingOutRecord, requires: Requires) -> Result<()> {
        let mut tx = self.write(&record.nino, record.tax_year).await?;
        check(&mut tx, &record.nino, record.tax_year, requires).await?;
        sqlx::query(sql::PUT_CODING_OUT)
            .bind(&record.nino)
            .bind(record.tax_year)
            .bind(&record.source)
            .bind(&record.document)
            .bind(record.submitted_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
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
        let mut tx = self.write(nino, tax_year).await?;
        check(&mut tx, nino, tax_year, requires).await?;
        let done = sqlx::query(sql::DELETE_CODING_OUT).bind(nino).bind(tax_year).bind(source).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_coding_out_opt_out(&self, nino: &str, tax_year: i32, opted_out: bool, at: Millis) -> Result<bool> {
        let statement = if opted_out { sql::OPT_OUT } else { sql::OPT_IN };
        let done =
            sqlx::query(statement).bind(nino).bind(tax_year).bind(opted_out).bind(at).execute(&self.pool).await?;
        Ok(done.rows_affected() > 0)
    }

    async fn coding_out_opt_out(&self, nino: &str, tax_year: i32) -> Result<Option<bool>> {
        Ok(sqlx::query_scalar(sql::OPTED_OUT).bind(nino).bind(tax_year).fetch_optional(&self.pool).await?)
    }

    async fn claim_mode(&self, mode: &str) -> Result<String> {
        sqlx::query(sql::ADD_SETTING).bind(MODE_KEY).bind(mode).execute(&self.pool).await?;
        Ok(sqlx::query_scalar(sql::SETTING).bind(MODE_KEY).fetch_one(&self.pool).await?)
    }

    async fn wipe_taxpayer(&self, nino: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for statement in sql::WIPE {
            sqlx::query(statement).bind(nino).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn clock_pin(&self) -> Result<Option<ClockPin>> {
        let value: Option<String> =
            sqlx::query_scalar(sql::SETTING).bind(CLOCK_PIN_KEY).fetch_optional(&self.pool).await?;
        value.as_deref().map(common::decode_pin).transpose()
    }

    async fn set_clock_pin(&self, pin: Option<ClockPin>) -> Result<()> {
        match pin {
            Some(pin) => sqlx::query(sql::PUT_SETTING).bind(CLOCK_PIN_KEY).bind(common::encode_pin(pin)),
            None => sqlx::query(sql::DELETE_SETTING).bind(CLOCK_PIN_KEY),
        }
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn wait_for_jobs(&self, timeout: Duration) {
        let wake = &self.wake;
        wake.listener.get_or_init(|| tokio::spawn(listen(self.pool.clone(), wake.jobs.clone())));
        // Without a working listener this is a plain sleep: the caller polls.
        common::wait(&wake.jobs, timeout).await;
    }
}

/// Tell every node (including this one's listener) that a job may have become claimable,
/// when `tx` commits.
async fn notify_nodes(tx: &mut Transaction) -> Result<()> {
    sqlx::query("SELECT pg_notify($1, '')").bind(JOBS_CHANNEL).execute(&mut **tx).await?;
    Ok(())
}
