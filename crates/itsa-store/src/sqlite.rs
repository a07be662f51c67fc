//! The SQLite backend: one database file in WAL mode, the embedded default.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use tokio::sync::Notify;

use crate::common::{self, CLOCK_PIN_KEY};
use crate::{
    ApplicationRecord, CalculationRecord, ClockPin, CodingOutRecord, DeclarationRecord, IncomeRecord, Job, Millis,
    NewCalculation, Result, Store, TokenRecord, Uuid,
};

/// How long a connection waits for another connection's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections in a file database's pool (SQLite serialises writers; readers run alongside).
const POOL_SIZE: u32 = 4;

/// Every write transaction takes the write lock up front, so that it waits (up to the busy
/// timeout) rather than failing when it would have to upgrade a read lock.
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// The [`Store`] on SQLite. Cloning it is cheap and shares the pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Signalled when a job may have become claimable.
    jobs: Arc<Notify>,
    /// SQLite has one writer at a time. Writers in this process queue here, in order,
    /// instead of meeting at the file lock, where a waiting writer sleeps in growing steps
    /// (SQLite's busy handler) and adds milliseconds to every write under load. Other
    /// processes on the same file still meet at the lock, within the busy timeout.
    writer: Arc<tokio::sync::Mutex<()>>,
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
        let pool = SqlitePoolOptions::new().max_connections(POOL_SIZE).connect_with(options).await?;
        Ok(SqliteStore { pool, jobs: Arc::new(Notify::new()), writer: Arc::new(tokio::sync::Mutex::new(())) })
    }

    /// A private in-memory database, for tests. It lives on a single connection that is
    /// never closed, so it lasts as long as the store.
    pub async fn in_memory() -> Result<Self> {
        let options = SqliteConnectOptions::new().in_memory(true).foreign_keys(true).busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        Ok(SqliteStore { pool, jobs: Arc::new(Notify::new()), writer: Arc::new(tokio::sync::Mutex::new(())) })
    }

    /// The underlying pool, for diagnostics and tests.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

fn token(row: &SqliteRow) -> Result<TokenRecord> {
    Ok(TokenRecord {
        token_hash: row.try_get("token_hash")?,
        role: row.try_get("role")?,
        nino: row.try_get("nino")?,
        clients: common::decode_list(row.try_get("clients")?)?,
        scopes: common::decode_list(row.try_get("scopes")?)?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

fn application(row: &SqliteRow) -> Result<ApplicationRecord> {
    Ok(ApplicationRecord {
        client_id: row.try_get("client_id")?,
        secret_hash: row.try_get("secret_hash")?,
        name: row.try_get("name")?,
        role: row.try_get("role")?,
        nino: row.try_get("nino")?,
        clients: common::decode_list(row.try_get("clients")?)?,
        scopes: common::decode_list(row.try_get("scopes")?)?,
        created_at: row.try_get("created_at")?,
    })
}

fn income(row: &SqliteRow) -> Result<IncomeRecord> {
    Ok(IncomeRecord {
        nino: row.try_get("nino")?,
        tax_year: row.try_get("tax_year")?,
        document: row.try_get("document")?,
        submitted_at: row.try_get("submitted_at")?,
    })
}

fn calculation(row: &SqliteRow) -> Result<CalculationRecord> {
    Ok(CalculationRecord {
        id: common::parse_uuid(row.try_get("id")?)?,
        nino: row.try_get("nino")?,
        tax_year: row.try_get("tax_year")?,
        calculation_type: row.try_get("calculation_type")?,
        requested_by: row.try_get("requested_by")?,
        requested_at: row.try_get("requested_at")?,
        income_document: row.try_get("income_document")?,
        income_submitted_at: row.try_get("income_submitted_at")?,
        correlation_id: row.try_get("correlation_id")?,
        status: common::parse_status(row.try_get("status")?)?,
        result_document: row.try_get("result_document")?,
        error_count: row.try_get("error_count")?,
        completed_at: row.try_get("completed_at")?,
        computations: row.try_get("computations")?,
        computed_by: row.try_get("computed_by")?,
        failure: row.try_get("failure")?,
    })
}

fn job(row: &SqliteRow) -> Result<Job> {
    Ok(Job {
        id: row.try_get("id")?,
        calculation_id: common::parse_uuid(row.try_get("calculation_id")?)?,
        attempts: row.try_get("attempts")?,
        correlation_id: row.try_get("correlation_id")?,
    })
}

fn declaration(row: &SqliteRow) -> Result<DeclarationRecord> {
    Ok(DeclarationRecord {
        nino: row.try_get("nino")?,
        tax_year: row.try_get("tax_year")?,
        calculation_id: common::parse_uuid(row.try_get("calculation_id")?)?,
        kind: row.try_get("kind")?,
        declared_at: row.try_get("declared_at")?,
    })
}

impl SqliteStore {
    /// Store a calculation and its job in one transaction: queued for any worker, or, with
    /// `claim`, already leased to that worker. Returns the job's id for a claimed insert.
    async fn insert(&self, calculation: &NewCalculation, claim: Option<(&str, Millis)>) -> Result<Option<i64>> {
        let _write = self.writer.lock().await;
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        sqlx::query(
            "INSERT INTO calculations (id, nino, tax_year, calculation_type, requested_by, requested_at, \
             income_document, income_submitted_at, correlation_id, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued')",
        )
        .bind(calculation.id.to_string())
        .bind(&calculation.nino)
        .bind(calculation.tax_year)
        .bind(&calculation.calculation_type)
        .bind(&calculation.requested_by)
        .bind(calculation.requested_at)
        .bind(&calculation.income_document)
        .bind(calculation.income_submitted_at)
        .bind(&calculation.correlation_id)
        .execute(&mut *tx)
        .await?;
        // A queued job is due at once (run_at 0): requested_at may come from a pinned
        // clock, while workers claim by the real clock.
        let job_id = match claim {
            None => {
                sqlx::query(
                    "INSERT INTO jobs (calculation_id, state, attempts, run_at, correlation_id, created_at) \
                     VALUES ($1, 'queued', 0, 0, $2, $3)",
                )
                .bind(calculation.id.to_string())
                .bind(&calculation.correlation_id)
                .bind(calculation.requested_at)
                .execute(&mut *tx)
                .await?;
                None
            }
            Some((worker, lease_until)) => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO jobs (calculation_id, state, attempts, run_at, lease_until, worker, correlation_id, created_at) \
                     VALUES ($1, 'running', 1, 0, $2, $3, $4, $5) RETURNING id",
                )
                .bind(calculation.id.to_string())
                .bind(lease_until)
                .bind(worker)
                .bind(&calculation.correlation_id)
                .bind(calculation.requested_at)
                .fetch_one(&mut *tx)
                .await?;
                Some(id)
            }
        };
        tx.commit().await?;
        if claim.is_none() {
            common::signal(&self.jobs);
        }
        Ok(job_id)
    }
}

impl Store for SqliteStore {
    async fn migrate(&self) -> Result<()> {
        sqlx::migrate!("migrations/sqlite").run(&self.pool).await?;
        Ok(())
    }

    async fn insert_token(&self, token: &TokenRecord) -> Result<()> {
        let _write = self.writer.lock().await;
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
        let _write = self.writer.lock().await;
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
        let _write = self.writer.lock().await;
        sqlx::query(
            "INSERT INTO income (nino, tax_year, document, submitted_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (nino, tax_year) DO UPDATE \
             SET document = excluded.document, submitted_at = excluded.submitted_at",
        )
        .bind(&income.nino)
        .bind(income.tax_year)
        .bind(&income.document)
        .bind(income.submitted_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn get_income(&self, nino: &str, tax_year: i32) -> Result<Option<IncomeRecord>> {
        let row = sqlx::query("SELECT * FROM income WHERE nino = $1 AND tax_year = $2")
            .bind(nino)
            .bind(tax_year)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(income).transpose()
    }

    async fn insert_calculation(&self, calculation: &NewCalculation) -> Result<()> {
        self.insert(calculation, None).await.map(|_| ())
    }

    async fn insert_claimed_calculation(
        &self,
        calculation: &NewCalculation,
        worker: &str,
        lease_until: Millis,
    ) -> Result<Job> {
        let id = self.insert(calculation, Some((worker, lease_until))).await?;
        Ok(Job {
            id: id.expect("a claimed insert returns its job"),
            calculation_id: calculation.id,
            attempts: 1,
            correlation_id: calculation.correlation_id.clone(),
        })
    }

    async fn get_calculation(&self, id: Uuid) -> Result<Option<CalculationRecord>> {
        let row = sqlx::query("SELECT * FROM calculations WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(calculation).transpose()
    }

    async fn list_calculations(
        &self,
        nino: &str,
        tax_year: i32,
        calculation_type: Option<&str>,
    ) -> Result<Vec<CalculationRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM calculations \
             WHERE nino = $1 AND tax_year = $2 AND ($3 IS NULL OR calculation_type = $3) \
             ORDER BY requested_at DESC, id DESC",
        )
        .bind(nino)
        .bind(tax_year)
        .bind(calculation_type)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(calculation).collect()
    }

    async fn complete_calculation(
        &self,
        job_id: i64,
        calculation_id: Uuid,
        result_document: &str,
        error_count: i32,
        completed_at: Millis,
        computed_by: &str,
    ) -> Result<bool> {
        let _write = self.writer.lock().await;
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        let stored = sqlx::query(
            "UPDATE calculations SET status = 'done', result_document = $1, error_count = $2, \
             completed_at = $3, computed_by = $4, computations = computations + 1, failure = NULL \
             WHERE id = $5 AND status <> 'done'",
        )
        .bind(result_document)
        .bind(error_count)
        .bind(completed_at)
        .bind(computed_by)
        .bind(calculation_id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        sqlx::query("DELETE FROM jobs WHERE id = $1").bind(job_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn claim_job(&self, worker: &str, now: Millis, lease_ms: i64) -> Result<Option<Job>> {
        let _write = self.writer.lock().await;
        // One statement, and SQLite runs one writer at a time: the claim is exclusive.
        let row = sqlx::query(
            "UPDATE jobs SET state = 'running', lease_until = $1, attempts = attempts + 1, worker = $2 \
             WHERE id = (SELECT id FROM jobs \
                         WHERE (state = 'queued' AND run_at <= $3) OR (state = 'running' AND lease_until < $3) \
                         ORDER BY id LIMIT 1) \
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
        let _write = self.writer.lock().await;
        if give_up {
            let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
            sqlx::query("DELETE FROM jobs WHERE id = $1").bind(job.id).execute(&mut *tx).await?;
            sqlx::query("UPDATE calculations SET status = 'failed', failure = $1 WHERE id = $2 AND status <> 'done'")
                .bind(error)
                .bind(job.calculation_id.to_string())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        } else {
            sqlx::query(
                "UPDATE jobs SET state = 'queued', run_at = $1, lease_until = NULL, worker = NULL, last_error = $2 \
                 WHERE id = $3",
            )
            .bind(retry_at)
            .bind(error)
            .bind(job.id)
            .execute(&self.pool)
            .await?;
        }
        common::signal(&self.jobs);
        Ok(())
    }

    async fn pending_jobs(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM jobs").fetch_one(&self.pool).await?)
    }

    async fn insert_declaration(&self, declaration: &DeclarationRecord) -> Result<()> {
        let _write = self.writer.lock().await;
        sqlx::query(
            "INSERT INTO declarations (nino, tax_year, calculation_id, kind, declared_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&declaration.nino)
        .bind(declaration.tax_year)
        .bind(declaration.calculation_id.to_string())
        .bind(&declaration.kind)
        .bind(declaration.declared_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn declarations(&self, nino: &str, tax_year: i32) -> Result<Vec<DeclarationRecord>> {
        let rows = sqlx::query("SELECT * FROM declarations WHERE nino = $1 AND tax_year = $2 ORDER BY declared_at, id")
            .bind(nino)
            .bind(tax_year)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(declaration).collect()
    }

    async fn put_coding_out(&self, record: &CodingOutRecord) -> Result<()> {
        let _write = self.writer.lock().await;
        sqlx::query(
            "INSERT INTO coding_out (nino, tax_year, source, document, submitted_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (nino, tax_year, source) DO UPDATE \
             SET document = excluded.document, submitted_at = excluded.submitted_at",
        )
        .bind(&record.nino)
        .bind(record.tax_year)
        .bind(&record.source)
        .bind(&record.document)
        .bind(record.submitted_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn coding_out(&self, nino: &str, tax_year: i32) -> Result<Vec<CodingOutRecord>> {
        let rows = sqlx::query("SELECT * FROM coding_out WHERE nino = $1 AND tax_year = $2 ORDER BY source")
            .bind(nino)
            .bind(tax_year)
            .fetch_all(&self.pool)
            .await?;
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

    async fn delete_coding_out(&self, nino: &str, tax_year: i32, source: &str) -> Result<bool> {
        let _write = self.writer.lock().await;
        let done = sqlx::query("DELETE FROM coding_out WHERE nino = $1 AND tax_year = $2 AND source = $3")
            .bind(nino)
            .bind(tax_year)
            .bind(source)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_coding_out_opt_out(&self, nino: &str, tax_year: i32, opted_out: bool, at: Millis) -> Result<()> {
        let _write = self.writer.lock().await;
        sqlx::query(
            "INSERT INTO coding_out_opt_out (nino, tax_year, opted_out, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (nino, tax_year) DO UPDATE SET opted_out = excluded.opted_out, updated_at = excluded.updated_at",
        )
        .bind(nino)
        .bind(tax_year)
        .bind(opted_out)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn coding_out_opt_out(&self, nino: &str, tax_year: i32) -> Result<Option<bool>> {
        Ok(sqlx::query_scalar("SELECT opted_out FROM coding_out_opt_out WHERE nino = $1 AND tax_year = $2")
            .bind(nino)
            .bind(tax_year)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn wipe_taxpayer(&self, nino: &str) -> Result<()> {
        let _write = self.writer.lock().await;
        let mut tx = self.pool.begin_with(BEGIN_WRITE).await?;
        // Deleting a calculation deletes its job (ON DELETE CASCADE).
        for sql in [
            "DELETE FROM income WHERE nino = $1",
            "DELETE FROM calculations WHERE nino = $1",
            "DELETE FROM declarations WHERE nino = $1",
            "DELETE FROM coding_out WHERE nino = $1",
            "DELETE FROM coding_out_opt_out WHERE nino = $1",
        ] {
            sqlx::query(sql).bind(nino).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn clock_pin(&self) -> Result<Option<ClockPin>> {
        let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(CLOCK_PIN_KEY)
            .fetch_optional(&self.pool)
            .await?;
        value.as_deref().map(common::decode_pin).transpose()
    }

    async fn set_clock_pin(&self, pin: Option<ClockPin>) -> Result<()> {
        let _write = self.writer.lock().await;
        match pin {
            Some(pin) => sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(CLOCK_PIN_KEY)
            .bind(common::encode_pin(pin)),
            None => sqlx::query("DELETE FROM settings WHERE key = $1").bind(CLOCK_PIN_KEY),
        }
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn wait_for_jobs(&self, timeout: Duration) {
        common::wait(&self.jobs, timeout).await;
    }
}
