//! The calculation worker: claims queued calculations from the store's job queue, runs
//! the engine, renders every API view of the result once, and stores it. `itsa serve`
//! runs one in-process; `itsa worker` runs more anywhere that reaches the database.
//!
//! A job is claimed with a lease; if a worker dies mid-job the lease runs out and another
//! worker takes it. Storing the result and finishing the job is one transaction, and a
//! calculation already done is never overwritten, so each calculation is stored once.

use std::sync::Arc;
use std::time::Duration;

use itsa_store::{AnyStore, CalculationRecord, Job, Store};
use tokio::sync::watch;

use crate::clock::{Clock, real_millis};
use crate::config::Mode;
use crate::render;

/// How long a claimed job is reserved for its worker.
const LEASE: Duration = Duration::from_secs(30);
/// How long an idle worker waits for a wake-up before looking again anyway.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// Attempts before a calculation is marked failed.
const MAX_ATTEMPTS: i32 = 5;

pub struct Worker {
    store: Arc<AnyStore>,
    id: String,
    /// For the calculation timestamp: in the sandbox, the pinned clock.
    clock: Clock,
}

impl Worker {
    pub fn new(store: Arc<AnyStore>, id: impl Into<String>, mode: Mode) -> Self {
        let clock = Clock::new(store.clone(), mode);
        Worker { store, id: id.into(), clock }
    }

    /// Work until `shutdown` turns true; a job in hand is finished first.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(worker = %self.id, "worker started");
        while !*shutdown.borrow() {
            match self.run_one().await {
                Ok(true) => continue,
                Ok(false) => {
                    tokio::select! {
                        _ = self.store.wait_for_jobs(IDLE_POLL) => {}
                        _ = shutdown.changed() => {}
                    }
                }
                Err(e) => {
                    tracing::error!(worker = %self.id, error = %e, "worker cannot reach the store; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = shutdown.changed() => {}
                    }
                }
            }
        }
        tracing::info!(worker = %self.id, "worker stopped");
    }

    /// Claim and run one job. `Ok(false)` when there was none.
    pub async fn run_one(&self) -> itsa_store::Result<bool> {
        let Some(job) = self.store.claim_job(&self.id, real_millis(), LEASE.as_millis() as i64).await? else {
            return Ok(false);
        };
        let started = std::time::Instant::now();
        match self.process(&job).await {
            Ok(()) => {
                tracing::info!(
                    correlation_id = %job.correlation_id,
                    calculation_id = %job.calculation_id,
                    worker = %self.id,
                    elapsed_us = started.elapsed().as_micros() as u64,
                    "calculation computed"
                );
            }
            Err(e) => {
                let give_up = job.attempts >= MAX_ATTEMPTS;
                let backoff = Duration::from_millis(250 * 2u64.pow(job.attempts.clamp(0, 10) as u32));
                tracing::warn!(correlation_id = %job.correlation_id, calculation_id = %job.calculation_id, attempt = job.attempts, give_up, error = %e, "calculation failed");
                self.store.fail_job(&job, &e, real_millis() + backoff.as_millis() as i64, give_up).await?;
            }
        }
        Ok(true)
    }

    async fn process(&self, job: &Job) -> Result<(), String> {
        let record: CalculationRecord = self
            .store
            .get_calculation(job.calculation_id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("calculation {} is not stored", job.calculation_id))?;
        let rendered = render::compute(&record);
        self.store
            .complete_calculation(
                job.id,
                record.id,
                &rendered.document,
                rendered.error_count,
                self.clock.now_millis().await,
                &self.id,
            )
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    }
}
