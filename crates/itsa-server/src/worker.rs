//! The calculation worker: claims queued calculations from the store's job queue, runs
//! the engine, renders every API view of the result once, and stores it. `itsa worker`
//! runs workers anywhere that reaches the database; `itsa serve` runs one in-process for
//! the calculations queued by nodes that do not compute (those that do compute their own
//! triggers as they store them, and leave nothing queued).
//!
//! A job is claimed with a lease; if a worker dies mid-job the lease runs out and another
//! worker takes it. Storing the result and finishing the job is one transaction, and a
//! calculation already done is never overwritten, so each calculation is stored once.

use std::sync::Arc;
use std::time::Duration;

use itsa_store::{AnyStore, Job, Store};
use tokio::sync::watch;

use crate::clock::{Clock, real_millis};
use crate::config::Mode;
use crate::render;

/// How long a claimed job is reserved for its worker.
pub const LEASE: Duration = Duration::from_secs(30);
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

    /// The line logged for each computed calculation.
    fn computed(&self, job: &Job, started: std::time::Instant) {
        tracing::info!(
            correlation_id = %job.correlation_id,
            calculation_id = %job.calculation_id,
            worker = %self.id,
            from = "queue",
            elapsed_us = started.elapsed().as_micros() as u64,
            "calculation computed"
        );
    }

    async fn give_back(&self, job: &Job, error: &str) {
        let give_up = job.attempts >= MAX_ATTEMPTS;
        let backoff = Duration::from_millis(250 * 2u64.pow(job.attempts.clamp(0, 10) as u32));
        tracing::warn!(correlation_id = %job.correlation_id, calculation_id = %job.calculation_id, attempt = job.attempts, give_up, error = %error, "calculation failed");
        if let Err(e) = self.store.fail_job(job, error, real_millis() + backoff.as_millis() as i64, give_up).await {
            tracing::error!(error = %e, "cannot return a failed job to the queue; its lease will run out");
        }
    }

    /// Claim and run one job. `Ok(false)` when there was none.
    pub async fn run_one(&self) -> itsa_store::Result<bool> {
        let Some(job) = self.store.claim_job(&self.id, real_millis(), LEASE.as_millis() as i64).await? else {
            return Ok(false);
        };
        let started = std::time::Instant::now();
        match self.process(&job).await {
            Ok(()) => self.computed(&job, started),
            Err(e) => self.give_back(&job, &e).await,
        }
        Ok(true)
    }

    /// Compute a claimed job's calculation and store the result, finishing the job.
    async fn process(&self, job: &Job) -> Result<(), String> {
        let (record, input) = self
            .store
            .get_calculation_with_input(job.calculation_id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("calculation {} is not stored", job.calculation_id))?;
        let result = render::compute(render::Subject::of_stored(&record), &input);
        let completed_at = self.clock.now_millis().await;
        self.store
            .complete_calculation(job.id, record.id, &result, completed_at, &self.id)
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    }
}
