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
use tokio::sync::{Mutex, mpsc, watch};

use crate::clock::{Clock, real_millis};
use crate::config::Mode;
use crate::render;

/// How long a claimed job is reserved for its worker.
pub const LEASE: Duration = Duration::from_secs(30);
/// How long an idle worker waits for a wake-up before looking again anyway.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// Attempts before a calculation is marked failed.
const MAX_ATTEMPTS: i32 = 5;

/// A job handed straight from a trigger to the workers of the same process, with the
/// calculation it is for, so that no worker has to find it in the store first.
pub struct LocalJob {
    pub job: Job,
    pub record: CalculationRecord,
}

/// The hand-over between triggers and the in-process workers. A trigger stores the
/// calculation with its job already leased to [`LocalQueue::worker_id`] and sends it here;
/// should the process stop before a worker runs it, the lease runs out and any worker, here
/// or on another node, claims it from the store.
pub struct LocalQueue {
    sender: mpsc::UnboundedSender<LocalJob>,
    receiver: Arc<Mutex<mpsc::UnboundedReceiver<LocalJob>>>,
    worker_id: String,
}

impl LocalQueue {
    pub fn new(worker_id: impl Into<String>) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        LocalQueue { sender, receiver: Arc::new(Mutex::new(receiver)), worker_id: worker_id.into() }
    }

    /// The name the hand-over leases jobs to.
    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    /// Hand a stored, leased job to the workers; false if none is listening any more.
    pub fn send(&self, job: LocalJob) -> bool {
        self.sender.send(job).is_ok()
    }
}

pub struct Worker {
    store: Arc<AnyStore>,
    id: String,
    /// For the calculation timestamp: in the sandbox, the pinned clock.
    clock: Clock,
    /// Jobs handed over by this process's triggers.
    local: Option<Arc<Mutex<mpsc::UnboundedReceiver<LocalJob>>>>,
}

impl Worker {
    pub fn new(store: Arc<AnyStore>, id: impl Into<String>, mode: Mode) -> Self {
        let clock = Clock::new(store.clone(), mode);
        Worker { store, id: id.into(), clock, local: None }
    }

    /// Also run the jobs this process's triggers hand over.
    pub fn with_local_queue(mut self, queue: &LocalQueue) -> Self {
        self.local = Some(queue.receiver.clone());
        self
    }

    /// A handed-over job, if one is waiting.
    async fn try_local(&self) -> Option<LocalJob> {
        self.local.as_ref()?.lock().await.try_recv().ok()
    }

    /// Wait for a handed-over job (never, without a hand-over).
    async fn next_local(&self) -> Option<LocalJob> {
        match &self.local {
            Some(receiver) => receiver.lock().await.recv().await,
            None => std::future::pending().await,
        }
    }

    /// Work until `shutdown` turns true; a job in hand is finished first.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(worker = %self.id, "worker started");
        while !*shutdown.borrow() {
            if let Some(local) = self.try_local().await {
                self.run_local(local).await;
                continue;
            }
            match self.run_one().await {
                Ok(true) => continue,
                Ok(false) => {
                    tokio::select! {
                        Some(local) = self.next_local() => self.run_local(local).await,
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
        // Jobs already handed over are finished before stopping; they take microseconds.
        while let Some(local) = self.try_local().await {
            self.run_local(local).await;
        }
        tracing::info!(worker = %self.id, "worker stopped");
    }

    /// Run a handed-over job; on failure it goes back to the store's queue with backoff.
    async fn run_local(&self, local: LocalJob) {
        let started = std::time::Instant::now();
        let job = local.job.clone();
        match self.compute_and_store(&job, &local.record).await {
            Ok(()) => tracing::info!(
                correlation_id = %job.correlation_id,
                calculation_id = %job.calculation_id,
                worker = %self.id,
                elapsed_us = started.elapsed().as_micros() as u64,
                "calculation computed"
            ),
            Err(e) => self.give_back(&job, &e).await,
        }
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
            Ok(()) => {
                tracing::info!(
                    correlation_id = %job.correlation_id,
                    calculation_id = %job.calculation_id,
                    worker = %self.id,
                    elapsed_us = started.elapsed().as_micros() as u64,
                    "calculation computed"
                );
            }
            Err(e) => self.give_back(&job, &e).await,
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
        self.compute_and_store(job, &record).await
    }

    /// Run the engine, render the views and store them, finishing the job.
    async fn compute_and_store(&self, job: &Job, record: &CalculationRecord) -> Result<(), String> {
        let rendered = render::compute(record);
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
