//! Helpers shared by both backends: how lists, uuids and the clock pin are encoded in
//! text columns, and the in-process wake-up for job waiters.

use std::time::Duration;

use tokio::sync::Notify;

use crate::{CalculationStatus, ClockPin, Result, StoreError, Uuid};

/// The `settings` key under which the clock pin is stored.
pub(crate) const CLOCK_PIN_KEY: &str = "clock_pin";

/// A list of strings as a JSON array.
pub(crate) fn encode_list(items: &[String]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}

pub(crate) fn decode_list(text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(|e| StoreError::Invalid(format!("bad string list {text:?}: {e}")))
}

pub(crate) fn parse_uuid(text: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|e| StoreError::Invalid(format!("bad uuid {text:?}: {e}")))
}

pub(crate) fn parse_status(text: &str) -> Result<CalculationStatus> {
    CalculationStatus::parse(text)
}

/// The clock pin as a small JSON object.
pub(crate) fn encode_pin(pin: ClockPin) -> String {
    serde_json::json!({ "pinned_now": pin.pinned_now, "pinned_at": pin.pinned_at }).to_string()
}

pub(crate) fn decode_pin(text: &str) -> Result<ClockPin> {
    let bad = || StoreError::Invalid(format!("bad clock pin {text:?}"));
    let value: serde_json::Value = serde_json::from_str(text).map_err(|_| bad())?;
    Ok(ClockPin {
        pinned_now: value["pinned_now"].as_i64().ok_or_else(bad)?,
        pinned_at: value["pinned_at"].as_i64().ok_or_else(bad)?,
    })
}

/// Wake every task waiting for jobs now, and leave a permit so that the next task to
/// start waiting returns at once (it may have checked for jobs just before this signal).
pub(crate) fn signal(notify: &Notify) {
    notify.notify_waiters();
    notify.notify_one();
}

/// Wait for a [`signal`] or until `timeout` passes.
pub(crate) async fn wait(notify: &Notify, timeout: Duration) {
    let _ = tokio::time::timeout(timeout, notify.notified()).await;
}
