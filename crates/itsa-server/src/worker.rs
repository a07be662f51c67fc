//! The calculation worker: claims queued calculations from the store's job queue, runs
//! the engine, renders every API view of the result once, and stores it. `itsa serve`
//! runs one in-process; `itsa worker` runs more anywhere that reaches the database.
//!
//! A job is claimed with a lease; if a worker dies mid-job the lease runs out and another
//! worker takes it. Storing the result and finishing the job is one transaction, and a
//! calculation already done is never overwritten, so each calculation is stored once.

use std::sync::Arc;
use std::time::Duration;

use itsa_store::{AnyStore, CalculationRecord, Completion, ComputedResult, Job, Store};
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
/// The most handed-over results stored in one transaction.
const BURST: usize = 64;

/// How many handed-over calculations may wait for this process's workers; a trigger that
/// finds the hand-over full queues its calculation in the store instead.
pub const HAND_OVER_CAPACITY: usize = 1024;

/// A job handed straight from a trigger to the workers of the same process, with the
/// calculation it is for and its input, so that no worker has to find it in the store first.
pub struct LocalJob {
    pub job: Job,
    pub record: CalculationRecord,
    pub input: String,
}

/// The hand-over between triggers and the in-process workers. A trigger reserves a place
/// ([`LocalQueue::reserve`]), stores the calculation with its job already leased to
/// [`LocalQueue::worker_id`], and sends it; should the process stop before a worker runs
/// it, the lease runs out and any worker, here or on another node, claims it from the store.
/// Clones share the one queue.
#[derive(Clone)]
pub struct LocalQueue {
    sender: mpsc::Sender<LocalJob>,
    receiver: Arc<Mutex<mpsc::Receiver<LocalJob>>>,
    worker_id: String,
}

/// A place in the hand-over, reserved before the calculation is stored, so that a stored,
/// leased job always has a worker waiting for it.
pub struct Slot<'a> {
    permit: mpsc::Permit<'a, LocalJob>,
    worker_id: &'a str,
}

impl Slot<'_> {
    /// The worker name to lease the job to.
    pub fn worker_id(&self) -> &str {
        self.worker_id
    }

    pub fn send(self, job: LocalJob) {
        self.permit.send(job);
    }
}

impl LocalQueue {
    pub fn new(worker_id: impl Into<String>) -> Self {
        let (sender, receiver) = mpsc::channel(HAND_OVER_CAPACITY);
        LocalQueue { sender, receiver: Arc::new(Mutex::new(receiver)), worker_id: worker_id.into() }
    }

    /// The name the hand-over leases jobs to.
    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    /// A place for one job, if the hand-over has room and its workers still run.
    pub fn reserve(&self) -> Option<Slot<'_>> {
        let permit = self.sender.try_reserve().ok()?;
        Some(Slot { permit, worker_id: &self.worker_id })
    }

    /// Stop taking jobs: the workers are stopping. Jobs already sent are still run.
    pub async fn close(&self) {
        self.receiver.lock().await.close();
    }
}

pub struct Worker {
    store: Arc<AnyStore>,
    id: String,
    /// For the calculation timestamp: in the sandbox, the pinned clock.
    clock: Clock,
    /// Jobs handed over by this process's triggers.
    local: Option<Arc<Mutex<mpsc::Receiver<LocalJob>>>>,
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

    /// Run a handed-over job, and with it every other job already waiting in the
    /// hand-over (at most [`BURST`]): their results are stored in one transaction, one
    /// durable commit for the lot. On failure each goes back to the store's queue with
    /// backoff.
    async fn run_local(&self, first: LocalJob) {
        let started = std::time::Instant::now();
        let mut burst = vec![first];
        while burst.len() < BURST
            && let Some(more) = self.try_local().await
        {
            burst.push(more);
        }
        match self.compute_and_store(&burst).await {
            Ok(()) => {
                for local in &burst {
                    self.computed(&local.job, "hand-over", burst.len(), started);
                }
            }
            Err(error) => {
                for local in &burst {
                    self.give_back(&local.job, &error).await;
                }
            }
        }
    }

    /// The line logged for each computed calculation.
    fn computed(&self, job: &Job, from: &'static str, burst: usize, started: std::time::Instant) {
        tracing::info!(
            correlation_id = %job.correlation_id,
            calculation_id = %job.calculation_id,
            worker = %self.id,
            from,
            burst,
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
            Ok(()) => self.computed(&job, "queue", 1, started),
            Err(e) => self.give_back(&job, &e).await,
        }
        Ok(true)
    }

    async fn process(&self, job: &Job) -> Result<(), String> {
        let (record, input) = self
            .store
            .get_calculation_with_input(job.calculation_id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("calculation {} is not stored", job.calculation_id))?;
        self.compute_and_store(&[LocalJob { job: job.clone(), record, input }]).await
    }

    /// Run the engine for each job and render its views, then store every result in one
    /// transaction, finishing the jobs.
    async fn compute_and_store(&self, jobs: &[LocalJob]) -> Result<(), String> {
        let results: Vec<ComputedResult> = jobs.iter().map(|j| render::compute(&j.record, &j.input)).collect();
        let completions: Vec<Completion> = jobs
            .iter()
            .zip(&results)
            .map(|(j, result)| Completion { job_id: j.job.id, calculation_id: j.record.id, result })
            .collect();
        let completed_at = self.clock.now_millis().await;
        self.store.complete_calculations(&completions, completed_at, &self.id).await.map_err(|e| e.to_string())?;
        Ok(())
    }
}
