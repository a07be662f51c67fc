//! Group commit for SQLite's one writer.
//!
//! SQLite runs one write transaction at a time, and with `synchronous = FULL` each commit
//! waits for the disk. Writers in this process therefore hand their writes to one task,
//! which runs every write waiting at that moment inside a single transaction, each in its
//! own savepoint, and commits once: one disk flush for the whole group. A write that fails
//! is rolled back to its savepoint alone; the others commit. No caller learns of success
//! before the commit that made its write durable.

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use sqlx::Executor;
use sqlx::sqlite::{SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use crate::{Result, StoreError};

/// The most writes committed together. A group is whatever is waiting when the previous
/// commit ends, so under light load a group is one write.
const MAX_GROUP: usize = 64;

/// Writes waiting for the writer. Callers wait for their answer, so the number waiting is
/// bounded by the requests in flight; this bound only adds back-pressure beyond that.
const QUEUE: usize = 1024;

pub(super) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a write did, and how to tell its caller once the group's fate is known.
struct Outcome {
    /// Whether the write succeeded (if not, its savepoint is rolled back).
    ok: bool,
    /// Answers the caller: with the write's own result if the group committed, or with
    /// the commit's error.
    answer: Answer,
}

type Answer = Box<dyn FnOnce(Option<&Arc<sqlx::Error>>) + Send>;

type Write = Box<dyn for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Outcome> + Send>;

/// The handle writers use; cheap to clone. The task ends when the last handle is dropped.
#[derive(Debug, Clone)]
pub(super) struct Writer {
    writes: mpsc::Sender<Write>,
}

impl Writer {
    /// Start the writer task on `pool` (it takes a connection for each group).
    pub(super) fn start(pool: SqlitePool) -> Self {
        let (writes, queue) = mpsc::channel(QUEUE);
        tokio::spawn(run(pool, queue));
        Writer { writes }
    }

    /// Run `write` in the next group and answer once that group has committed. `write`
    /// runs inside a transaction (`BEGIN IMMEDIATE`): what it reads holds until the commit.
    /// It must not commit or roll back itself.
    pub(super) async fn write<T, F>(&self, write: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Write = Box::new(move |conn| {
            Box::pin(async move {
                let result = write(conn).await;
                Outcome {
                    ok: result.is_ok(),
                    answer: Box::new(move |failed| {
                        let _ = reply.send(match failed {
                            None => result,
                            Some(error) => Err(StoreError::NotCommitted(Arc::clone(error))),
                        });
                    }),
                }
            })
        });
        self.writes.send(job).await.map_err(|_| abandoned())?;
        // A write dropped unrun (its group broke before reaching it) answers nothing.
        answer.await.map_err(|_| abandoned())?
    }
}

#[cfg(test)]
impl Writer {
    /// Writes sent and not yet taken up by the writer.
    fn waiting(&self) -> usize {
        QUEUE - self.writes.capacity()
    }
}

fn abandoned() -> StoreError {
    StoreError::NotCommitted(Arc::new(sqlx::Error::WorkerCrashed))
}

async fn run(pool: SqlitePool, mut queue: mpsc::Receiver<Write>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while queue.recv_many(&mut group, MAX_GROUP).await > 0 {
        commit_group(&pool, group.drain(..)).await;
    }
}

/// Run `group` in one transaction and commit it, then answer every caller.
async fn commit_group(pool: &SqlitePool, group: impl ExactSizeIterator<Item = Write>) {
    let alone = group.len() == 1;
    let mut conn = match pool.acquire().await {
        Ok(conn) => conn,
        Err(error) => return fail(Vec::new(), error),
    };
    if let Err(error) = conn.execute("BEGIN IMMEDIATE").await {
        return fail(Vec::new(), error);
    }
    let mut answers = Vec::with_capacity(group.len());
    let mut broken = None;
    for write in group {
        if broken.is_some() {
            break; // the rest are dropped unrun; their callers hear so
        }
        // A write alone needs no savepoint: if it fails, the whole transaction is rolled back.
        if !alone && let Err(error) = conn.execute("SAVEPOINT w").await {
            broken = Some(error);
            break;
        }
        let Ok(outcome) = Guarded(write(&mut conn)).await else {
            // The panicking write's caller hears that it was dropped.
            broken = Some(sqlx::Error::WorkerCrashed);
            break;
        };
        let settle = match (alone, outcome.ok) {
            (true, _) => Ok(()),
            (false, true) => conn.execute("RELEASE w").await.map(drop),
            (false, false) => conn.execute("ROLLBACK TO w; RELEASE w").await.map(drop),
        };
        answers.push((outcome.ok, outcome.answer));
        if let Err(error) = settle {
            broken = Some(error);
        }
    }
    let all_failed = answers.iter().all(|(ok, _)| !ok);
    let end = match broken {
        Some(error) => Err(error),
        // Nothing to keep: roll back rather than flush an empty commit.
        None if all_failed => conn.execute("ROLLBACK").await.map(drop),
        None => conn.execute("COMMIT").await.map(drop),
    };
    match end {
        Ok(()) => answers.into_iter().for_each(|(_, answer)| answer(None)),
        Err(error) => {
            let _ = conn.execute("ROLLBACK").await;
            fail(answers, error)
        }
    }
}

/// Tell every caller in `answers` that its write did not commit, because of `error`.
fn fail(answers: Vec<(bool, Answer)>, error: sqlx::Error) {
    let error = Arc::new(error);
    for (ok, answer) in answers {
        // A write that failed on its own keeps its own error; one that succeeded is undone.
        if ok { answer(Some(&error)) } else { answer(None) }
    }
}

/// Polls a write, turning a panic into an error: a write that panics breaks its group
/// (every write in it is rolled back) but not the writer, which goes on to the next.
struct Guarded<'c>(BoxFuture<'c, Outcome>);

impl Future for Guarded<'_> {
    type Output = std::thread::Result<Outcome>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match panic::catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(outcome)) => Poll::Ready(Ok(outcome)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use tokio::task::JoinHandle;

    async fn pool() -> SqlitePool {
        let options = SqliteConnectOptions::new().in_memory(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (k INTEGER PRIMARY KEY)").execute(&pool).await.unwrap();
        pool
    }

    /// Insert `k`, then fail if `fail`.
    fn insert(writer: &Writer, k: i64, fail: bool) -> JoinHandle<Result<i64>> {
        let writer = writer.clone();
        tokio::spawn(async move {
            writer
                .write(move |conn| {
                    Box::pin(async move {
                        sqlx::query("INSERT INTO t (k) VALUES ($1)").bind(k).execute(&mut *conn).await?;
                        if fail {
                            return Err(StoreError::Invalid(format!("refused {k}")));
                        }
                        Ok(k)
                    })
                })
                .await
        })
    }

    async fn keys(pool: &SqlitePool) -> Vec<i64> {
        sqlx::query_scalar("SELECT k FROM t ORDER BY k").fetch_all(pool).await.unwrap()
    }

    /// Start a write that holds the writer until `release` is sent, and wait until it runs.
    async fn hold(writer: &Writer) -> (oneshot::Sender<()>, JoinHandle<Result<()>>) {
        let (release, held) = oneshot::channel::<()>();
        let (started, running) = oneshot::channel::<()>();
        let writer = writer.clone();
        let task = tokio::spawn(async move {
            writer
                .write(move |_conn| {
                    Box::pin(async move {
                        let _ = started.send(());
                        let _ = held.await;
                        Ok(())
                    })
                })
                .await
        });
        running.await.unwrap();
        (release, task)
    }

    async fn until_waiting(writer: &Writer, n: usize) {
        while writer.waiting() < n {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn writes_waiting_together_commit_together_and_fail_alone() {
        let pool = pool().await;
        let writer = Writer::start(pool.clone());
        let (release, held) = hold(&writer).await;
        // These four wait behind the held write, so they make one group.
        let writes =
            [insert(&writer, 1, false), insert(&writer, 2, true), insert(&writer, 3, false), insert(&writer, 4, true)];
        until_waiting(&writer, 4).await;
        release.send(()).unwrap();
        held.await.unwrap().unwrap();
        let mut answers = Vec::new();
        for write in writes {
            answers.push(write.await.unwrap().map_err(|e| e.to_string()));
        }
        assert_eq!(answers, [Ok(1), Err("refused 2".into()), Ok(3), Err("refused 4".into())]);
        // The failed writes were rolled back to their savepoints; the others committed.
        assert_eq!(keys(&pool).await, [1, 3]);
    }

    #[tokio::test]
    async fn a_write_alone_that_fails_leaves_nothing() {
        let pool = pool().await;
        let writer = Writer::start(pool.clone());
        assert!(insert(&writer, 7, true).await.unwrap().is_err());
        assert_eq!(insert(&writer, 8, false).await.unwrap().unwrap(), 8);
        assert_eq!(keys(&pool).await, [8]);
    }

    #[tokio::test]
    async fn a_write_that_breaks_the_group_undoes_the_whole_group() {
        let pool = pool().await;
        let writer = Writer::start(pool.clone());
        let (release, held) = hold(&writer).await;
        let before = insert(&writer, 1, false);
        // A statement that ends the transaction behind the writer's back (the store's own
        // writes never do) breaks the group.
        let breaker = {
            let writer = writer.clone();
            tokio::spawn(async move {
                writer
                    .write(|conn| {
                        Box::pin(async move {
                            sqlx::query("ROLLBACK").execute(&mut *conn).await?;
                            Ok(())
                        })
                    })
                    .await
            })
        };
        let after = insert(&writer, 3, false);
        until_waiting(&writer, 3).await;
        release.send(()).unwrap();
        held.await.unwrap().unwrap();
        // Every write of the group hears it did not commit, and none did: the one before the
        // breaker was rolled back with it, the one after was never run.
        let answers = [before.await.unwrap().map(drop), breaker.await.unwrap(), after.await.unwrap().map(drop)];
        for answer in answers {
            assert!(matches!(answer, Err(StoreError::NotCommitted(_))), "{answer:?}");
        }
        assert!(keys(&pool).await.is_empty());
        // And the writer goes on.
        assert_eq!(insert(&writer, 5, false).await.unwrap().unwrap(), 5);
    }

    #[tokio::test]
    async fn a_panicking_write_fails_its_group_and_the_writer_goes_on() {
        let pool = pool().await;
        let writer = Writer::start(pool.clone());
        let (release, held) = hold(&writer).await;
        let good = insert(&writer, 1, false);
        let panics = {
            let writer = writer.clone();
            tokio::spawn(async move {
                writer
                    .write::<(), _>(|conn| {
                        Box::pin(async move {
                            sqlx::query("INSERT INTO t (k) VALUES (2)").execute(&mut *conn).await?;
                            panic!("a write that panics");
                        })
                    })
                    .await
            })
        };
        until_waiting(&writer, 2).await;
        release.send(()).unwrap();
        held.await.unwrap().unwrap();
        assert!(matches!(good.await.unwrap(), Err(StoreError::NotCommitted(_))));
        assert!(matches!(panics.await.unwrap(), Err(StoreError::NotCommitted(_))));
        assert!(keys(&pool).await.is_empty(), "the whole group was rolled back");
        assert_eq!(insert(&writer, 3, false).await.unwrap().unwrap(), 3);
        assert_eq!(keys(&pool).await, [3]);
    }
}
