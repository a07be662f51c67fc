//! "Now", which the sandbox can pin (`PUT /test-support/clock`) for every node sharing a
//! database: the pin is stored, and the pinned clock runs on at normal speed from the
//! moment it was set.

use std::sync::Arc;
use std::time::{Duration, Instant};

use itsa_store::{AnyStore, ClockPin, Millis, Store};
use time::OffsetDateTime;
use tokio::sync::Mutex;

use crate::config::Mode;

/// How long a node trusts its copy of the pin before reading it again, so that a pin set
/// through another node takes effect here within this time.
const PIN_REFRESH: Duration = Duration::from_millis(500);

pub struct Clock {
    store: Arc<AnyStore>,
    mode: Mode,
    cached: Mutex<Option<(Instant, Option<ClockPin>)>>,
}

pub fn real_millis() -> Millis {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as Millis
}

pub fn from_millis(millis: Millis) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(millis as i128 * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

pub fn to_millis(t: OffsetDateTime) -> Millis {
    (t.unix_timestamp_nanos() / 1_000_000) as Millis
}

impl Clock {
    pub fn new(store: Arc<AnyStore>, mode: Mode) -> Self {
        Clock { store, mode, cached: Mutex::new(None) }
    }

    /// The current instant: the real time, or in sandbox mode the pinned time run on.
    pub async fn now_millis(&self) -> Millis {
        let real = real_millis();
        if self.mode == Mode::Production {
            return real;
        }
        match self.pin().await {
            Some(pin) => pin.pinned_now + (real - pin.pinned_at),
            None => real,
        }
    }

    pub async fn now(&self) -> OffsetDateTime {
        from_millis(self.now_millis().await)
    }

    async fn pin(&self) -> Option<ClockPin> {
        let mut cached = self.cached.lock().await;
        if let Some((read_at, pin)) = *cached
            && read_at.elapsed() < PIN_REFRESH
        {
            return pin;
        }
        // A store that cannot be read leaves the last known pin in force.
        let pin = match self.store.clock_pin().await {
            Ok(pin) => pin,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the clock pin");
                cached.and_then(|(_, pin)| pin)
            }
        };
        *cached = Some((Instant::now(), pin));
        pin
    }

    /// Pin "now" to `now` (or release the pin with `None`).
    pub async fn set(&self, now: Option<OffsetDateTime>) -> Result<(), itsa_store::StoreError> {
        let pin = now.map(|t| ClockPin { pinned_now: to_millis(t), pinned_at: real_millis() });
        self.store.set_clock_pin(pin).await?;
        *self.cached.lock().await = Some((Instant::now(), pin));
        Ok(())
    }
}
