//! Logging: one line per event on standard error, written by a thread of its own through
//! a buffer, so that a request never waits on the terminal or pipe behind standard error,
//! and never wakes another thread either. Lines are appended to a shared buffer, which the
//! writer takes and writes out every [`FLUSH_EVERY`] (or as soon as it holds
//! [`WAKE_AT`] bytes). Should the writer fall more than [`MAXIMUM_BYTES`] behind, further
//! lines are dropped (never the request) and the number dropped is written once it
//! catches up. Everything buffered is written before the process exits, when the
//! [`Flush`] guard is dropped.
//!
//! The line logged for each request is written here directly ([`request`]) once a writer
//! is [`install`]ed: the same text the subscriber would write, without the subscriber's
//! per-event formatting machinery, which cost a quarter of the service's throughput.

use std::cell::RefCell;
use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::Method;

/// How often the writer writes out what has been logged.
const FLUSH_EVERY: Duration = Duration::from_millis(10);
/// Buffered bytes at which a line wakes the writer early.
const WAKE_AT: usize = 256 * 1024;
/// Buffered bytes beyond which lines are dropped.
const MAXIMUM_BYTES: usize = 4 * 1024 * 1024;

#[derive(Default)]
struct Pending {
    bytes: Vec<u8>,
    dropped: u64,
    closing: bool,
}

#[derive(Default)]
struct Shared {
    pending: Mutex<Pending>,
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
        if let Ok(mut pending) = self.shared.pending.lock() {
            pending.closing = true;
        }
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
        let (dropped, closing) = {
            let Ok(mut pending) = shared.pending.lock() else { return };
            if pending.bytes.is_empty() && !pending.closing {
                pending = match shared.wake.wait_timeout(pending, FLUSH_EVERY) {
                    Ok((pending, _)) => pending,
                    Err(_) => return,
                };
            }
            std::mem::swap(&mut taken, &mut pending.bytes);
            (std::mem::take(&mut pending.dropped), pending.closing)
        };
        let _ = out.write_all(&taken);
        if dropped > 0 {
            let _ = writeln!(out, "itsa: {dropped} log lines dropped: the log could not be written fast enough");
        }
        let _ = out.flush();
        taken.clear();
        if closing {
            return;
        }
        // Let lines gather before the next write.
        std::thread::sleep(FLUSH_EVERY);
    }
}

impl LogWriter {
    /// Queue one line (or drop it, counted, when the writer is too far behind).
    fn append(&self, line: &[u8]) {
        let Ok(mut pending) = self.shared.pending.lock() else { return };
        if pending.bytes.len() + line.len() > MAXIMUM_BYTES {
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
        let _ = writeln!(
            line.text,
            "  INFO request correlation_id={correlation_id} method={method} path={path} status={status} elapsed_us={elapsed_us}"
        );
        writer.append(&line.text);
    });
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
        let _ = write!(self.text, "{:06}Z", since.subsec_micros());
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
        // No writer thread: the buffer fills up.
        let mut writer = LogWriter { shared: Arc::new(Shared::default()) };
        let line: Vec<u8> = std::iter::repeat_n(b'x', 1023).chain([b'\n']).collect();
        for _ in 0..(MAXIMUM_BYTES / line.len() + 3) {
            writer.write_all(&line).unwrap();
        }
        assert_eq!(writer.shared.pending.lock().unwrap().dropped, 3, "the writer never waits");
        writer.shared.pending.lock().unwrap().closing = true;
        let sink = Sink::default();
        write_lines(&writer.shared, sink.clone());
        let text = sink.text();
        assert_eq!(
            text.len(),
            MAXIMUM_BYTES + "itsa: 3 log lines dropped: the log could not be written fast enough\n".len()
        );
        assert!(text.ends_with("itsa: 3 log lines dropped: the log could not be written fast enough\n"));
    }
}
