//! Logging: one line per event on standard error, written by a thread of its own through
//! a buffer, so that a request never waits on the terminal or pipe behind standard error,
//! and never wakes another thread either. Lines are appended to a shared buffer, which the
//! writer takes and writes out every [`FLUSH_EVERY`] (or as soon as it holds
//! [`WAKE_AT`] bytes). Should the writer fall more than [`MAXIMUM_BYTES`] behind, further
//! lines are dropped (never the request) and the number dropped is written once it
//! catches up. Everything buffered is written before the process exits, when the
//! [`Flush`] guard is dropped.

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

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

impl Write for LogWriter {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        let Ok(mut pending) = self.shared.pending.lock() else { return Ok(line.len()) };
        if pending.bytes.len() + line.len() > MAXIMUM_BYTES {
            pending.dropped += 1;
            return Ok(line.len());
        }
        let before = pending.bytes.len();
        pending.bytes.extend_from_slice(line);
        if before < WAKE_AT && pending.bytes.len() >= WAKE_AT {
            self.shared.wake.notify_one();
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogWriter {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
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
