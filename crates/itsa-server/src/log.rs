//! Logging: one line per event on standard error, written by a thread of its own through
//! a buffer, so that a request never waits on the terminal or pipe behind standard error,
//! and never wakes another thread either. Each thread appends its lines to a buffer of
//! its own ([`SHARDS`] of them, so that threads serving requests side by side do not
//! contend for one lock), which the writer empties and writes out every [`FLUSH_EVERY`]
//! (or as soon as one holds [`WAKE_AT`] bytes). A thread's lines are written in the order
//! it wrote them; lines of different threads logged within the same [`FLUSH_EVERY`] may
//! come out of their timestamps' order. Should the writer fall more than
//! [`SHARD_BYTES`] behind on a buffer, further lines are dropped (never the request) and
//! the number dropped is written once it catches up. Everything buffered is written
//! before the process exits, when the [`Flush`] guard is dropped.
//!
//! The line logged for each request is written here directly ([`request`]) once a writer
//! is [`install`]ed: the same text the subscriber would write, without the subscriber's
//! per-event formatting machinery, which cost a quarter of the service's throughput.

use std::cell::RefCell;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::Method;

/// How often the writer writes out what has been logged.
const FLUSH_EVERY: Duration = Duration::from_millis(10);
/// Buffers: threads take one each in turn, so up to this many log without contending.
const SHARDS: usize = 8;
/// Bytes in one buffer at which a line wakes the writer early.
const WAKE_AT: usize = 64 * 1024;
/// Bytes in one buffer beyond which its lines are dropped.
const SHARD_BYTES: usize = 1024 * 1024;

#[derive(Default)]
struct Pending {
    bytes: Vec<u8>,
    dropped: u64,
}

/// One buffer, on cache lines of its own.
#[derive(Default)]
#[repr(align(128))]
struct Shard(Mutex<Pending>);

#[derive(Default)]
struct Shared {
    shards: [Shard; SHARDS],
    closing: AtomicBool,
    /// Where the writer sleeps between writes.
    asleep: Mutex<()>,
    wake: Condvar,
}

/// Hands each formatted line to the writer thread.
#[derive(Clone)]
pub struct LogWriter {
    shared: Arc<Shared>,
}

/// Writes out everything buffered when dropped.
pub struct Flush {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Flush {
    fn drop(&mut self) {
        self.shared.closing.store(true, Ordering::Release);
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A writer for the subscriber, and the guard that flushes it at exit.
pub fn standard_error() -> (LogWriter, Flush) {
    writing_to(io::stderr())
}

fn writing_to(out: impl Write + Send + 'static) -> (LogWriter, Flush) {
    let shared = Arc::new(Shared::default());
    let thread = std::thread::Builder::new()
        .name("log".into())
        .spawn({
            let shared = shared.clone();
            move || write_lines(&shared, out)
        })
        .expect("start the log writer");
    (LogWriter { shared: shared.clone() }, Flush { shared, thread: Some(thread) })
}

fn write_lines(shared: &Shared, mut out: impl Write) {
    let mut taken = Vec::with_capacity(64 * 1024);
    loop {
        // Read before emptying the buffers: every line logged before the guard was
        // dropped is then in this round's.
        let closing = shared.closing.load(Ordering::Acquire);
        let mut dropped = 0;
        for shard in &shared.shards {
            let Ok(mut pending) = shard.0.lock() else { continue };
            taken.extend_from_slice(&pending.bytes);
            pending.bytes.clear();
            dropped += std::mem::take(&mut pending.dropped);
        }
        let _ = out.write_all(&taken);
        if dropped > 0 {
            let _ = writeln!(out, "itsa: {dropped} log lines dropped: the log could not be written fast enough");
        }
        let _ = out.flush();
        taken.clear();
        if closing {
            return;
        }
        // Let lines gather before the next write; a wake-up missed between the check
        // above and this wait costs at most one FLUSH_EVERY.
        if let Ok(asleep) = shared.asleep.lock() {
            let _ = shared.wake.wait_timeout(asleep, FLUSH_EVERY);
        }
    }
}

/// The buffer this thread logs to.
fn shard_of_this_thread() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    SHARD.with(|shard| *shard)
}

impl LogWriter {
    /// Queue one line (or drop it, counted, when the writer is too far behind).
    fn append(&self, line: &[u8]) {
        let shard = &self.shared.shards[shard_of_this_thread()];
        let Ok(mut pending) = shard.0.lock() else { return };
        if pending.bytes.len() + line.len() > SHARD_BYTES {
            pending.dropped += 1;
            return;
        }
        let before = pending.bytes.len();
        pending.bytes.extend_from_slice(line);
        if before < WAKE_AT && pending.bytes.len() >= WAKE_AT {
            self.shared.wake.notify_one();
        }
    }
}

impl Write for LogWriter {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        self.append(line);
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Where [`request`] writes its lines, once installed.
static REQUESTS: OnceLock<LogWriter> = OnceLock::new();

/// Write the per-request lines to `writer` (the one the subscriber writes to).
pub fn install(writer: LogWriter) {
    let _ = REQUESTS.set(writer);
}

/// Log one served request at level INFO, as the subscriber would print
/// `tracing::info!(correlation_id, method, path, status, elapsed_us, "request")`:
///
/// `2026-12-04T15:33:20.561441Z  INFO request correlation_id=… method=GET path=/… status=200 elapsed_us=128`
pub(crate) fn request(correlation_id: &str, method: &Method, path: &str, status: u16, elapsed_us: u64) {
    if !tracing::enabled!(target: "itsa_server", tracing::Level::INFO) {
        return;
    }
    let Some(writer) = REQUESTS.get() else {
        tracing::info!(target: "itsa_server", correlation_id, method = %method, path, status, elapsed_us, "request");
        return;
    };
    LINE.with_borrow_mut(|line| {
        line.text.clear();
        line.timestamp(SystemTime::now());
        // Written piece by piece: `write!`'s formatting machinery cost as much as the rest.
        let text = &mut line.text;
        text.extend_from_slice(b"  INFO request correlation_id=");
        text.extend_from_slice(correlation_id.as_bytes());
        text.extend_from_slice(b" method=");
        text.extend_from_slice(method.as_str().as_bytes());
        text.extend_from_slice(b" path=");
        text.extend_from_slice(path.as_bytes());
        text.extend_from_slice(b" status=");
        decimal(text, u64::from(status), 1);
        text.extend_from_slice(b" elapsed_us=");
        decimal(text, elapsed_us, 1);
        text.push(b'\n');
        writer.append(&line.text);
    });
}

/// `value` in decimal digits, zero-padded to at least `width` (at most 20).
fn decimal(text: &mut Vec<u8>, mut value: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    while value > 0 || digits.len() - start < width.max(1) {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
    }
    text.extend_from_slice(&digits[start..]);
}

thread_local! {
    static LINE: RefCell<Line> = RefCell::new(Line { text: Vec::with_capacity(256), second: u64::MAX, prefix: [0; 20] });
}

/// A thread's line being written, and the timestamp's text up to the second, which
/// changes once a second.
struct Line {
    text: Vec<u8>,
    second: u64,
    prefix: [u8; 20],
}

impl Line {
    /// RFC 3339 in UTC to the microsecond, as the subscriber writes it:
    /// `2026-12-04T15:33:20.561441Z`.
    fn timestamp(&mut self, now: SystemTime) {
        let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
        let second = since.as_secs();
        if second != self.second {
            self.second = second;
            let at = time::OffsetDateTime::UNIX_EPOCH + since;
            let mut prefix = &mut self.prefix[..];
            let _ = write!(
                prefix,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.",
                at.year(),
                u8::from(at.month()),
                at.day(),
                at.hour(),
                at.minute(),
                at.second()
            );
        }
        self.text.extend_from_slice(&self.prefix);
        decimal(&mut self.text, u64::from(since.subsec_micros()), 6);
        self.text.push(b'Z');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink the test can read back.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Sink {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    impl Write for Sink {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_is_written_in_order_before_exit() {
        let sink = Sink::default();
        let (mut writer, flush) = writing_to(sink.clone());
        for n in 0..10_000 {
            writer.write_all(format!("line {n}\n").as_bytes()).unwrap();
        }
        drop(flush);
        let expected: String = (0..10_000).map(|n| format!("line {n}\n")).collect();
        assert_eq!(sink.text(), expected);
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for value in [0, 7, 10, 200, 404, 99_999, 1_000_000, u64::MAX] {
            let mut text = Vec::new();
            decimal(&mut text, value, 1);
            assert_eq!(String::from_utf8(text).unwrap(), value.to_string());
            let mut padded = Vec::new();
            decimal(&mut padded, value, 6);
            assert_eq!(String::from_utf8(padded).unwrap(), format!("{value:06}"));
        }
    }

    #[test]
    fn timestamps_are_rfc_3339_in_utc_to_the_microsecond() {
        let mut line = Line { text: Vec::new(), second: u64::MAX, prefix: [0; 20] };
        // 2026-12-04T15:33:20.561441Z, and the last day of a leap February.
        line.timestamp(UNIX_EPOCH + Duration::from_micros(1_796_398_400_561_441));
        line.text.push(b' ');
        line.timestamp(UNIX_EPOCH + Duration::from_secs(951_868_799));
        assert_eq!(String::from_utf8(line.text).unwrap(), "2026-12-04T15:33:20.561441Z 2000-02-29T23:59:59.000000Z");
    }

    #[test]
    fn a_writer_that_falls_behind_drops_lines_and_says_how_many() {
        // No writer thread: this thread's buffer fills up.
        let mut writer = LogWriter { shared: Arc::new(Shared::default()) };
        let line: Vec<u8> = std::iter::repeat_n(b'x', 1023).chain([b'\n']).collect();
        for _ in 0..(SHARD_BYTES / line.len() + 3) {
            writer.write_all(&line).unwrap();
        }
        let shard = &writer.shared.shards[shard_of_this_thread()];
        assert_eq!(shard.0.lock().unwrap().dropped, 3, "the writer never waits");
        writer.shared.closing.store(true, Ordering::Release);
        let sink = Sink::default();
        write_lines(&writer.shared, sink.clone());
        let text = sink.text();
        assert_eq!(
            text.len(),
            SHARD_BYTES + "itsa: 3 log lines dropped: the log could not be written fast enough\n".len()
        );
        assert!(text.ends_with("itsa: 3 log lines dropped: the log could not be written fast enough\n"));
    }

    #[test]
    fn each_threads_lines_are_written_in_its_order() {
        let sink = Sink::default();
        let (writer, flush) = writing_to(sink.clone());
        std::thread::scope(|scope| {
            for t in 0..(2 * SHARDS) {
                let mut writer = writer.clone();
                scope.spawn(move || {
                    for n in 0..2_000 {
                        writer.write_all(format!("{t} {n}\n").as_bytes()).unwrap();
                    }
                });
            }
        });
        drop(flush);
        let text = sink.text();
        let mut next = vec![0; 2 * SHARDS];
        for line in text.lines() {
            let (t, n) = line.split_once(' ').unwrap();
            let (t, n): (usize, usize) = (t.parse().unwrap(), n.parse().unwrap());
            assert_eq!(n, next[t], "thread {t}'s lines in order");
            next[t] += 1;
        }
        assert_eq!(next, vec![2_000; 2 * SHARDS], "every line written");
    }
}
