//! Helpers shared by both backends: how lists, uuids and the clock pin are encoded in
//! text columns, and the in-process wake-up for job waiters.

use std::time::Duration;

use tokio::sync::Notify;

use sha2::{Digest, Sha256};

use crate::{CalculationStatus, CalculationSummary, ClockPin, Conflict, Declaration, Millis, Result, StoreError, Uuid};

/// The `settings` key under which the clock pin is stored.
pub(crate) const CLOCK_PIN_KEY: &str = "clock_pin";

/// The `settings` key under which the mode the database is served in is stored.
pub(crate) const MODE_KEY: &str = "mode";

/// The name of a calculation's input document: its SHA-256, in lower-case hex.
pub(crate) fn input_digest(document: &str) -> String {
    Sha256::digest(document.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Bind the ten parameters every statement that stores a calculation takes (sql.rs) to
/// `query`, from the calculation `c` (a `&NewCalculation`, borrowed for the query's life)
/// and its input's digest.
macro_rules! bind_calculation {
    ($query:expr, $c:expr, $digest:expr) => {{
        let c: &crate::NewCalculation = $c;
        $query
            .bind(c.id.to_string())
            .bind(&c.nino)
            .bind(c.tax_year)
            .bind(&c.calculation_type)
            .bind(&c.requested_by)
            .bind(c.requested_at)
            .bind($digest)
            .bind(c.income_submitted_at)
            .bind(&c.correlation_id)
            .bind(&c.input_document)
    }};
}
pub(crate) use bind_calculation;

/// The key of the lock that serialises writes to a taxpayer's year on PostgreSQL
/// (`pg_advisory_xact_lock`): FNV-1a over the NINO and the year. Two years that share a
/// key only wait for each other.
pub(crate) fn journey_lock_key(nino: &str, tax_year: i32) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in nino.bytes().chain(tax_year.to_be_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash as i64
}

/// A unique index turned the write away: `conflict`, or the error as it was.
pub(crate) fn on_unique_violation(error: sqlx::Error, conflict: Conflict) -> StoreError {
    match &error {
        sqlx::Error::Database(e) if e.is_unique_violation() => StoreError::Conflict(conflict),
        _ => StoreError::Database(error),
    }
}

/// Two lists of calculations, each newest first, merged newest first and cut to `limit`.
pub(crate) fn merge_newest(
    mut a: Vec<CalculationSummary>,
    b: Vec<CalculationSummary>,
    limit: u32,
) -> Vec<CalculationSummary> {
    a.extend(b);
    a.sort_by_key(|x| std::cmp::Reverse((x.requested_at, x.id)));
    a.truncate(limit as usize);
    a
}

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

/// The functions that turn a backend's rows (`$row`: `SqliteRow` or `PgRow`) into
/// records: the same column names on both.
macro_rules! row_decoders {
    ($row:ty) => {
        fn token(row: &$row) -> Result<TokenRecord> {
            Ok(TokenRecord {
                token_hash: row.try_get("token_hash")?,
                role: row.try_get("role")?,
                nino: row.try_get("nino")?,
                clients: common::decode_list(row.try_get("clients")?)?,
                scopes: common::decode_list(row.try_get("scopes")?)?,
                created_at: row.try_get("created_at")?,
                expires_at: row.try_get("expires_at")?,
            })
        }

        fn application(row: &$row) -> Result<ApplicationRecord> {
            Ok(ApplicationRecord {
                client_id: row.try_get("client_id")?,
                secret_hash: row.try_get("secret_hash")?,
                name: row.try_get("name")?,
                role: row.try_get("role")?,
                nino: row.try_get("nino")?,
                clients: common::decode_list(row.try_get("clients")?)?,
                scopes: common::decode_list(row.try_get("scopes")?)?,
                created_at: row.try_get("created_at")?,
            })
        }

        fn year_state(row: &$row) -> Result<YearState> {
            Ok(YearState {
                income: income(row)?,
                in_progress: row.try_get("in_progress")?,
                final_declared: row.try_get("final_declared")?,
                has_coding_out: row.try_get("has_coding_out")?,
                opted_out_two_years_before: row.try_get("opted_out_before")?,
            })
        }

        fn income(row: &$row) -> Result<IncomeRecord> {
            Ok(IncomeRecord {
                nino: row.try_get("nino")?,
                tax_year: row.try_get("tax_year")?,
                document: row.try_get("document")?,
                submitted_at: row.try_get("submitted_at")?,
            })
        }

        /// The declaration columns a calculation query joins in (`declaration_kind`, `declared_at`).
        fn joined_declaration(row: &$row) -> Result<Option<Declaration>> {
            let kind: Option<String> = row.try_get("declaration_kind")?;
            Ok(match kind {
                Some(kind) => Some(Declaration { kind, declared_at: row.try_get("declared_at")? }),
                None => None,
            })
        }

        fn calculation(row: &$row) -> Result<CalculationRecord> {
            Ok(CalculationRecord {
                id: common::parse_uuid(row.try_get("id")?)?,
                nino: row.try_get("nino")?,
                tax_year: row.try_get("tax_year")?,
                calculation_type: row.try_get("calculation_type")?,
                requested_by: row.try_get("requested_by")?,
                requested_at: row.try_get("requested_at")?,
                income_submitted_at: row.try_get("income_submitted_at")?,
                correlation_id: row.try_get("correlation_id")?,
                status: common::parse_status(row.try_get("status")?)?,
                result_document: row.try_get("result_document")?,
                total_due: row.try_get("total_due")?,
                error_count: row.try_get("error_count")?,
                completed_at: row.try_get("completed_at")?,
                computations: row.try_get("computations")?,
                computed_by: row.try_get("computed_by")?,
                failure: row.try_get("failure")?,
                declaration: joined_declaration(row)?,
            })
        }

        fn job(row: &$row) -> Result<Job> {
            Ok(Job {
                id: row.try_get("id")?,
                calculation_id: common::parse_uuid(row.try_get("calculation_id")?)?,
                attempts: row.try_get("attempts")?,
                correlation_id: row.try_get("correlation_id")?,
            })
        }

        fn declaration(row: &$row) -> Result<DeclarationRecord> {
            Ok(DeclarationRecord {
                nino: row.try_get("nino")?,
                tax_year: row.try_get("tax_year")?,
                calculation_id: common::parse_uuid(row.try_get("calculation_id")?)?,
                kind: row.try_get("kind")?,
                declared_at: row.try_get("declared_at")?,
            })
        }
    };
}
pub(crate) use row_decoders;

/// One calculation of a list, as a list query's JSON row holds it: an array of the list's
/// columns in order (`sql::SQLITE_LIST_COMPUTED`, `sql::POSTGRES_LIST_COMPUTED`), read into the fields in order.
#[derive(serde::Deserialize)]
struct Listed<'a> {
    #[serde(borrow)]
    id: &'a str,
    calculation_type: String,
    requested_by: String,
    requested_at: Millis,
    completed_at: Option<Millis>,
    total_due: Option<String>,
    error_count: i32,
    declaration_kind: Option<String>,
    declared_at: Option<Millis>,
}

/// The summaries a list query returns as one JSON row, newest first (by time requested,
/// then by id, as the list queries choose them).
pub(crate) fn summaries_from_json(text: &str) -> Result<Vec<CalculationSummary>> {
    let rows: Vec<Listed<'_>> =
        serde_json::from_str(text).map_err(|e| StoreError::Invalid(format!("a list's rows: {e}")))?;
    let mut summaries = rows
        .into_iter()
        .map(|row| {
            let declaration = match (row.declaration_kind, row.declared_at) {
                (Some(kind), Some(declared_at)) => Some(Declaration { kind, declared_at }),
                (None, _) => None,
                (Some(_), None) => return Err(StoreError::Invalid("a declaration without its time".into())),
            };
            Ok(CalculationSummary {
                id: parse_uuid(row.id)?,
                calculation_type: row.calculation_type,
                requested_by: row.requested_by,
                requested_at: row.requested_at,
                completed_at: row.completed_at,
                total_due: row.total_due,
                error_count: row.error_count,
                declaration,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    summaries.sort_unstable_by_key(|s| std::cmp::Reverse((s.requested_at, s.id)));
    Ok(summaries)
}
