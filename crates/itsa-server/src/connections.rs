//! Serving HTTP/1.1 with everything a client controls bounded: how many connections are
//! open, how long one may sit idle between requests, how long a client may take to send a
//! request's head and then its body. A slow or idle client cannot hold a place that
//! another client needs: when every place is taken, the connection that has waited longest
//! without a request in progress is closed to make room for the new one, and only
//! connections whose request is being answered are never taken. The soft limit on open
//! files is raised to fit, so that accepting never fails for want of descriptors.
//!
//! Each connection moves between three phases: idle (no bytes since its last answer),
//! reading a head (bytes have come, the request is not complete), and busy (the request is
//! being answered). Idle and reading a head have a deadline each, and so has a busy
//! connection's request body until it has all arrived. One sweeper task looks over the
//! open connections a few times a second and closes those past their deadline, so that
//! the request path only records its phase.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tower::{Service, ServiceExt};

/// What a client may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections open at once.
    pub max_connections: usize,
    /// From a request's first byte to its complete head.
    pub header_read_timeout: Duration,
    /// From a request's head to the end of its body.
    pub body_read_timeout: Duration,
    /// Between the end of an answer (or the connection's opening) and the next request's
    /// first byte.
    pub idle_timeout: Duration,
}

/// Where a connection is; `since` on the [`coarse`] clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle { since: u64 },
    ReadingHead { since: u64 },
    Busy { since: u64, body_done: bool },
}

impl Phase {
    const SINCE: u64 = (1 << 61) - 1;
    const BODY_DONE: u64 = 1 << 61;

    /// Kind in the top two bits, `body_done` in the next, `since` below.
    fn encode(self) -> u64 {
        match self {
            Phase::Idle { since } => since & Self::SINCE,
            Phase::ReadingHead { since } => (1 << 62) | (since & Self::SINCE),
            Phase::Busy { since, body_done } => {
                (2 << 62) | if body_done { Self::BODY_DONE } else { 0 } | (since & Self::SINCE)
            }
        }
    }

    fn decode(bits: u64) -> Phase {
        let since = bits & Self::SINCE;
        match bits >> 62 {
            0 => Phase::Idle { since },
            1 => Phase::ReadingHead { since },
            _ => Phase::Busy { since, body_done: bits & Self::BODY_DONE != 0 },
        }
    }
}

/// A clock for deadlines of seconds, read on the request path without a system call:
/// milliseconds since the first server started, moved on by each sweeper at every look
/// (and at each accepted connection). A phase's start is therefore stamped at most one
/// sweep interval early, and a connection is closed within one sweep interval of its
/// deadline either way.
mod coarse {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Instant;

    static START: OnceLock<Instant> = OnceLock::new();
    static NOW: AtomicU64 = AtomicU64::new(0);

    /// The time as last moved on.
    pub fn now() -> u64 {
        NOW.load(Ordering::Relaxed)
    }

    /// Move the clock on to the real time, and read it.
    pub fn tick() -> u64 {
        let real = u64::try_from(START.get_or_init(Instant::now).elapsed().as_millis()).unwrap_or(u64::MAX >> 3);
        NOW.fetch_max(real, Ordering::Relaxed).max(real)
    }

    pub fn millis(d: std::time::Duration) -> u64 {
        u64::try_from(d.as_millis()).unwrap_or(u64::MAX >> 3)
    }
}

/// One connection as its reader, its service, the sweeper and the accept loop see it.
struct Watch {
    /// Its [`Phase`], encoded, so that the request path records it without a lock.
    phase: AtomicU64,
    /// Something below changed, or the sweeper found it past its deadline: look again.
    attention: Notify,
    /// It has been asked to make room for a new connection (so it is not asked again).
    evicted: std::sync::atomic::AtomicBool,
    /// The server is stopping: finish the request in progress and close.
    stopping: std::sync::atomic::AtomicBool,
}

impl Watch {
    fn new() -> Watch {
        Watch {
            phase: AtomicU64::new(Phase::Idle { since: coarse::tick() }.encode()),
            attention: Notify::new(),
            evicted: std::sync::atomic::AtomicBool::new(false),
            stopping: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn phase(&self) -> Phase {
        Phase::decode(self.phase.load(Ordering::Acquire))
    }

    fn set(&self, phase: Phase) {
        self.phase.store(phase.encode(), Ordering::Release);
    }

    /// Change the phase to `update`'s answer, if it gives one.
    fn update(&self, update: impl Fn(Phase) -> Option<Phase>) {
        let _ = self
            .phase
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |bits| update(Phase::decode(bits)).map(Phase::encode));
    }

    /// Bytes arrived: an idle connection is now reading a head.
    fn bytes_arrived(&self) {
        if matches!(self.phase(), Phase::Idle { .. }) {
            self.update(|phase| match phase {
                Phase::Idle { .. } => Some(Phase::ReadingHead { since: coarse::now() }),
                _ => None,
            });
        }
    }

    /// A request's body has all arrived: a busy connection has no deadline left.
    fn body_arrived(&self) {
        self.update(|phase| match phase {
            Phase::Busy { since, body_done: false } => Some(Phase::Busy { since, body_done: true }),
            _ => None,
        });
    }

    fn past_deadline(&self, limits: &Limits, now: u64) -> bool {
        self.deadline(limits).is_some_and(|at| at <= now)
    }

    /// When the current phase runs out, if it does.
    fn deadline(&self, limits: &Limits) -> Option<u64> {
        match self.phase() {
            Phase::Idle { since } => Some(since + coarse::millis(limits.idle_timeout)),
            Phase::ReadingHead { since } => Some(since + coarse::millis(limits.header_read_timeout)),
            Phase::Busy { since, body_done: false } => Some(since + coarse::millis(limits.body_read_timeout)),
            Phase::Busy { body_done: true, .. } => None,
        }
    }

    /// Since when the connection has been without a request in progress, if it is.
    fn waiting_since(&self) -> Option<u64> {
        match self.phase() {
            Phase::Idle { since } | Phase::ReadingHead { since } => Some(since),
            Phase::Busy { .. } => None,
        }
    }
}

/// The open connections, for the accept loop to choose one to close when all places are
/// taken.
#[derive(Default)]
struct Registry {
    open: Mutex<HashMap<u64, Arc<Watch>>>,
    next: AtomicU64,
}

impl Registry {
    fn add(&self, watch: Arc<Watch>) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.open.lock().unwrap_or_else(|e| e.into_inner()).insert(id, watch);
        id
    }

    fn remove(&self, id: u64) {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
    }

    /// Tell every connection past its deadline to close.
    fn sweep(&self, limits: &Limits) {
        let now = coarse::tick();
        for watch in self.open.lock().unwrap_or_else(|e| e.into_inner()).values() {
            if watch.past_deadline(limits, now) {
                watch.attention.notify_one();
            }
        }
    }

    /// Ask every connection to finish its request in progress and close.
    fn stop_all(&self) {
        for watch in self.open.lock().unwrap_or_else(|e| e.into_inner()).values() {
            watch.stopping.store(true, Ordering::Relaxed);
            watch.attention.notify_one();
        }
    }

    /// Ask the connection that has waited longest without a request in progress to close;
    /// false if every connection is busy.
    fn evict_one(&self) -> bool {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let longest = open
            .values()
            .filter(|w| !w.evicted.load(Ordering::Relaxed))
            .filter_map(|w| Some((w.waiting_since()?, w)))
            .min_by_key(|(since, _)| *since);
        match longest {
            Some((_, watch)) => {
                watch.evicted.store(true, Ordering::Relaxed);
                watch.attention.notify_one();
                true
            }
            None => false,
        }
    }
}

/// Raise the soft limit on open files (to the hard limit at most) so that `connections`
/// connections and `reserve` other files fit; returns how many connections fit.
#[cfg(unix)]
pub fn fit_open_files(connections: usize, reserve: usize) -> usize {
    let wanted = (connections + reserve) as libc::rlim_t;
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes the limit into the struct it is given, which lives here.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return connections;
    }
    if limit.rlim_cur < wanted {
        let raised = libc::rlimit { rlim_cur: wanted.min(limit.rlim_max), rlim_max: limit.rlim_max };
        // SAFETY: setrlimit reads the struct it is given, which lives here.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            limit.rlim_cur = raised.rlim_cur;
        }
    }
    let fit = (limit.rlim_cur as usize).saturating_sub(reserve).max(1);
    if fit < connections {
        tracing::warn!(
            max_connections = connections,
            open_file_limit = limit.rlim_cur,
            serving = fit,
            "the open-file limit allows fewer connections than configured"
        );
    }
    fit.min(connections)
}

#[cfg(not(unix))]
pub fn fit_open_files(connections: usize, _reserve: usize) -> usize {
    connections
}

/// Connections the kernel may hold, complete, before they are accepted (capped by the
/// system's own maximum): a burst of new clients waits there rather than being turned
/// away and retrying a second later.
const LISTEN_BACKLOG: u32 = 4096;

/// A listener on `address` with [`LISTEN_BACKLOG`].
pub fn listen(address: std::net::SocketAddr) -> io::Result<TcpListener> {
    let socket = match address {
        std::net::SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        std::net::SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serve `app` on `listener` within `limits` until `shutdown` resolves; then stop
/// accepting, let every request in progress finish (for at most `drain`), and return.
pub async fn serve<App>(
    listener: TcpListener,
    app: App,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
    drain: Duration,
) -> io::Result<()>
where
    App: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    App::Future: Send,
{
    let places = Arc::new(Semaphore::new(limits.max_connections));
    let registry = Arc::new(Registry::default());
    let sweeper = tokio::spawn(sweep(registry.clone(), limits));
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = place(&places, &registry) => permit,
            () = &mut shutdown => break,
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a connection reset before it was accepted:
                    // nothing to do but try again shortly.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let watch = Arc::new(Watch::new());
        let id = registry.add(watch.clone());
        let (app, registry) = (app.clone(), registry.clone());
        tokio::spawn(async move {
            run_connection(stream, app, watch, limits).await;
            // Out of the registry before the place is given back, so that the accept loop
            // never asks a closed connection to make room.
            registry.remove(id);
            drop(permit);
        });
    }
    drop(listener);
    registry.stop_all();
    sweeper.abort();
    // Every connection holds a place until it ends: all places back means all ended.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(drain, places.acquire_many(all)).await.is_err() {
        tracing::warn!("connections still open after {drain:?}; closing them");
    }
    Ok(())
}

/// How often the sweeper looks: an eighth of the shortest deadline, between 25 ms and
/// half a second, so a connection is closed within that of its deadline.
fn sweep_interval(limits: &Limits) -> Duration {
    let shortest = limits.header_read_timeout.min(limits.body_read_timeout).min(limits.idle_timeout);
    (shortest / 8).clamp(Duration::from_millis(25), Duration::from_millis(500))
}

async fn sweep(registry: Arc<Registry>, limits: Limits) {
    let mut ticks = tokio::time::interval(sweep_interval(&limits));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        registry.sweep(&limits);
    }
}

/// A place for one more connection: a free one, or one made by closing the connection
/// that has waited longest without a request; if every connection is busy, wait (asking
/// again now and then, as one may have stopped being busy).
async fn place(places: &Arc<Semaphore>, registry: &Registry) -> OwnedSemaphorePermit {
    loop {
        if let Ok(permit) = places.clone().try_acquire_owned() {
            return permit;
        }
        registry.evict_one();
        tokio::select! {
            permit = places.clone().acquire_owned() => return permit.expect("the semaphore is never closed"),
            () = tokio::time::sleep(EVICT_AGAIN) => {}
        }
    }
}

/// How long the accept loop waits for a connection it asked to make room before asking
/// again.
const EVICT_AGAIN: Duration = Duration::from_millis(100);

async fn run_connection<App>(stream: TcpStream, app: App, watch: Arc<Watch>, limits: Limits)
where
    App: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    App::Future: Send,
{
    let io = TokioIo::new(Watched { stream, watch: watch.clone() });
    let service_watch = watch.clone();
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let (app, watch) = (app.clone(), service_watch.clone());
        async move {
            let body_done = request.body().is_end_stream();
            watch.set(Phase::Busy { since: coarse::now(), body_done });
            let request: Request = request.map(|body| Body::new(WatchedBody { body, watch: watch.clone() }));
            let response = match app.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            watch.set(Phase::Idle { since: coarse::now() });
            Ok::<_, Infallible>(response)
        }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        // The watcher below keeps the head's deadline (and the idle one).
        .header_read_timeout(None)
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(connection);
    let mut closing = false;
    loop {
        tokio::select! {
            ended = connection.as_mut() => {
                if let Err(e) = ended {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            () = watch.attention.notified() => {
                if watch.past_deadline(&limits, coarse::tick()) {
                    tracing::debug!(phase = ?watch.phase(), "closing a connection that ran out of time");
                    return;
                }
                if watch.evicted.load(Ordering::Relaxed) {
                    if watch.waiting_since().is_some() {
                        tracing::debug!("closing a waiting connection to make room for a new one");
                        return;
                    }
                    // Busy after all: it may be asked again once it waits.
                    watch.evicted.store(false, Ordering::Relaxed);
                }
                if watch.stopping.load(Ordering::Relaxed) && !closing {
                    // Finish the request in progress, if any, then close.
                    connection.as_mut().graceful_shutdown();
                    closing = true;
                }
            }
        }
    }
}

/// A connection's stream, telling its watcher when bytes arrive.
struct Watched {
    stream: TcpStream,
    watch: Arc<Watch>,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.watch.bytes_arrived();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// A request's body, telling its connection's watcher when it has all arrived.
struct WatchedBody {
    body: Incoming,
    watch: Arc<Watch>,
}

impl WatchedBody {
    fn done(&self) {
        self.watch.body_arrived();
    }
}

impl HttpBody for WatchedBody {
    type Data = hyper::body::Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.body).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.body.is_end_stream() {
            self.done();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phase_reads_back_as_it_was_recorded() {
        for since in [0, 1, 59_999, Phase::SINCE] {
            for phase in [
                Phase::Idle { since },
                Phase::ReadingHead { since },
                Phase::Busy { since, body_done: false },
                Phase::Busy { since, body_done: true },
            ] {
                assert_eq!(Phase::decode(phase.encode()), phase);
            }
        }
    }

    #[test]
    fn deadlines_follow_the_phase() {
        let limits = Limits {
            max_connections: 1,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(60),
        };
        let watch = Watch::new();
        watch.set(Phase::Idle { since: 1_000 });
        assert_eq!(watch.deadline(&limits), Some(61_000));
        watch.bytes_arrived();
        let Phase::ReadingHead { since } = watch.phase() else { panic!("reading a head: {:?}", watch.phase()) };
        assert_eq!(watch.deadline(&limits), Some(since + 10_000));
        watch.bytes_arrived();
        assert_eq!(watch.phase(), Phase::ReadingHead { since }, "more bytes of the head leave its start alone");
        watch.set(Phase::Busy { since: 5_000, body_done: false });
        assert!(watch.past_deadline(&limits, 25_000) && !watch.past_deadline(&limits, 24_999));
        watch.body_arrived();
        assert_eq!(watch.deadline(&limits), None, "a request being answered has no deadline");
        assert_eq!(watch.waiting_since(), None);
    }
}
