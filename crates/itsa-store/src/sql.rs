//! The statements both backends run as they are: SQLite and PostgreSQL both read `$1`
//! placeholders, `ON CONFLICT`, `RETURNING` and partial indexes alike. Only what truly
//! differs (locking, the job claim, the connection) lives in the backend files.

/// A calculation with the declaration made with it (at most one), by id.
pub(crate) const CALCULATION: &str = "SELECT c.*, d.kind AS declaration_kind, d.declared_at AS declared_at \
     FROM calculations c LEFT JOIN declarations d ON d.calculation_id = c.id \
     WHERE c.id = $1";

/// [`CALCULATION`] with the input document it is made of.
pub(crate) const CALCULATION_WITH_INPUT: &str = "SELECT c.*, d.kind AS declaration_kind, d.declared_at AS declared_at, \
     i.document AS input_document \
     FROM calculations c \
     JOIN calculation_inputs i ON i.nino = c.nino AND i.tax_year = c.tax_year AND i.digest = c.input_digest \
     LEFT JOIN declarations d ON d.calculation_id = c.id \
     WHERE c.id = $1";

/// Whether a calculation of the year is in progress (the partial unique index answers).
pub(crate) const IN_PROGRESS: &str =
    "SELECT EXISTS (SELECT 1 FROM calculations WHERE nino = $1 AND tax_year = $2 AND status = 'queued')";

/// The columns a list shows, from `calculations c` and `declarations d`.
macro_rules! summary_columns {
    () => {
        "c.id, c.calculation_type, c.requested_by, c.requested_at, c.completed_at, c.total_due, c.error_count, \
         d.kind AS declaration_kind, d.declared_at AS declared_at"
    };
}

/// The year's computed calculations, newest first, at most `$3`: the index on
/// (nino, tax_year, requested_at, id) read backwards, stopping at the limit.
macro_rules! list_computed {
    () => {
        concat!(
            "SELECT ",
            summary_columns!(),
            " FROM calculations c LEFT JOIN declarations d ON d.calculation_id = c.id \
             WHERE c.nino = $1 AND c.tax_year = $2 AND c.status = 'done' \
             ORDER BY c.requested_at DESC, c.id DESC LIMIT $3",
        )
    };
}

/// The year's undeclared computed calculations of type `$3`, newest first, at most `$4`.
macro_rules! list_undeclared_of_type {
    () => {
        concat!(
            "SELECT ",
            summary_columns!(),
            " FROM calculations c LEFT JOIN declarations d ON d.calculation_id = c.id \
             WHERE c.nino = $1 AND c.tax_year = $2 AND c.calculation_type = $3 AND c.status = 'done' AND d.kind IS NULL \
             ORDER BY c.requested_at DESC, c.id DESC LIMIT $4",
        )
    };
}

/// The year's computed calculations declared as `$3`, newest first, at most `$4`.
macro_rules! list_declared_as {
    () => {
        concat!(
            "SELECT ",
            summary_columns!(),
            " FROM declarations d JOIN calculations c ON c.id = d.calculation_id \
             WHERE d.nino = $1 AND d.tax_year = $2 AND d.kind = $3 AND c.status = 'done' \
             ORDER BY c.requested_at DESC, c.id DESC LIMIT $4",
        )
    };
}

/// A list query's rows as one row for SQLite: a JSON array of arrays, each holding the
/// columns of `summary_columns!` in order. SQLite runs queries on a thread of its own and
/// hands back each row in turn; a list of a hundred rows cost a hundred of those hand-overs,
/// more than the rest of the request together. The array is in no particular order: the
/// inner query's limit chose the rows, and `common::summaries_from_json` puts them newest
/// first (an ordered aggregate sorts them again, for a third of the query's time).
macro_rules! sqlite_one_row {
    ($list:expr) => {
        concat!(
            "SELECT json_group_array(json_array(id, calculation_type, requested_by, requested_at, completed_at, \
             total_due, error_count, declaration_kind, declared_at)) FROM (",
            $list,
            ")"
        )
    };
}
pub(crate) const SQLITE_LIST_COMPUTED: &str = sqlite_one_row!(list_computed!());
pub(crate) const SQLITE_LIST_UNDECLARED_OF_TYPE: &str = sqlite_one_row!(list_undeclared_of_type!());
pub(crate) const SQLITE_LIST_DECLARED_AS: &str = sqlite_one_row!(list_declared_as!());
/// PostgreSQL hands the rows over as they are: its protocol streams them in one reply
/// (there is no hand-over per row), and building a JSON page inside the query cost it
/// more than decoding the columns (a page of a hundred: 0.37 ms against 0.21 ms).
pub(crate) const POSTGRES_LIST_COMPUTED: &str = list_computed!();
pub(crate) const POSTGRES_LIST_UNDECLARED_OF_TYPE: &str = list_undeclared_of_type!();
pub(crate) const POSTGRES_LIST_DECLARED_AS: &str = list_declared_as!();

// Storing a calculation: its input (once per distinct input of the year), the calculation
// and its job, written together. The statements share one set of parameters: $1 id, $2
// nino, $3 tax year, $4 type, $5 requested by, $6 requested at, $7 input digest, $8 income
// submitted at, $9 correlation id, $10 input document. A job is due at once (run_at 0:
// requested_at may come from a pinned clock, while workers claim by the real clock). Each
// backend joins them its own way.
macro_rules! insert_input {
    () => {
        "INSERT INTO calculation_inputs (nino, tax_year, digest, document) VALUES ($2, $3, $7, $10) \
         ON CONFLICT (nino, tax_year, digest) DO NOTHING"
    };
}
macro_rules! insert_calculation {
    () => {
        "INSERT INTO calculations (id, nino, tax_year, calculation_type, requested_by, requested_at, \
         input_digest, income_submitted_at, correlation_id, status) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued')"
    };
}
macro_rules! insert_job {
    () => {
        "INSERT INTO jobs (calculation_id, state, attempts, run_at, lease_until, worker, correlation_id, created_at) \
         VALUES ($1, 'queued', 0, 0, NULL, NULL, $9, $6) RETURNING id"
    };
}

/// The calculation, its input and its job, returning the job's id. SQLite runs a string of
/// statements in one call, binding each `$n` to the same parameter.
pub(crate) const SQLITE_INSERT_CALCULATION_AND_JOB: &str =
    concat!(insert_input!(), "; ", insert_calculation!(), "; ", insert_job!());

/// The same as one PostgreSQL statement: every data-modifying `WITH` part runs.
pub(crate) const POSTGRES_INSERT_CALCULATION_AND_JOB: &str =
    concat!("WITH input AS (", insert_input!(), "), calculation AS (", insert_calculation!(), ") ", insert_job!());

// A calculation stored already computed, with no job: the parameters above, then its result
// ($11 document, $12 error count, $13 total due, $14 completed at, $15 computed by). It is
// never in progress, so the year's in-progress index does not see it; it is refused, input
// and all, while another calculation of the year is in progress, and returns a row only if
// stored. Under PostgreSQL's READ COMMITTED a queued calculation inserted concurrently may
// commit beside it; the two are then as if this one had come first.
macro_rules! none_in_progress {
    () => {
        "NOT EXISTS (SELECT 1 FROM calculations WHERE nino = $2 AND tax_year = $3 AND status = 'queued')"
    };
}
macro_rules! insert_input_unless_in_progress {
    () => {
        concat!(
            "INSERT INTO calculation_inputs (nino, tax_year, digest, document) SELECT $2, $3, $7, $10 WHERE ",
            none_in_progress!(),
            " ON CONFLICT (nino, tax_year, digest) DO NOTHING"
        )
    };
}
macro_rules! insert_computed {
    () => {
        concat!(
            "INSERT INTO calculations (id, nino, tax_year, calculation_type, requested_by, requested_at, \
             input_digest, income_submitted_at, correlation_id, status, result_document, error_count, total_due, \
             completed_at, computed_by, computations) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, 'done', $11, $12, $13, $14, $15, 1 WHERE ",
            none_in_progress!(),
            " RETURNING 1"
        )
    };
}

pub(crate) const SQLITE_INSERT_COMPUTED: &str = concat!(insert_input_unless_in_progress!(), "; ", insert_computed!());

pub(crate) const POSTGRES_INSERT_COMPUTED: &str =
    concat!("WITH input AS (", insert_input_unless_in_progress!(), ") ", insert_computed!());

// Storing a result unless one is stored already ($1 document, $2 error count, $3 total
// due, $4 completed at, $5 computed by, $6 calculation id) and deleting its job ($7),
// returning a row only if the result was stored.
macro_rules! complete {
    () => {
        "UPDATE calculations SET status = 'done', result_document = $1, error_count = $2, total_due = $3, \
         completed_at = $4, computed_by = $5, computations = computations + 1, failure = NULL \
         WHERE id = $6 AND status <> 'done' RETURNING 1"
    };
}
pub(crate) const SQLITE_COMPLETE: &str = concat!(complete!(), "; DELETE FROM jobs WHERE id = $7");
pub(crate) const POSTGRES_COMPLETE: &str =
    concat!("WITH done AS (", complete!(), "), finished AS (DELETE FROM jobs WHERE id = $7) SELECT 1 FROM done");

pub(crate) const DELETE_JOB: &str = "DELETE FROM jobs WHERE id = $1";

pub(crate) const GIVE_UP: &str =
    "UPDATE calculations SET status = 'failed', failure = $1 WHERE id = $2 AND status <> 'done'";

pub(crate) const RETRY: &str = "UPDATE jobs SET state = 'queued', run_at = $1, lease_until = NULL, \
     worker = NULL, last_error = $2 WHERE id = $3";

pub(crate) const PENDING_JOBS: &str = "SELECT COUNT(*) FROM jobs";

pub(crate) const HAS_FINAL_DECLARATION: &str = "SELECT EXISTS (SELECT 1 FROM declarations \
     WHERE nino = $1 AND tax_year = $2 AND kind = 'final-declaration')";

pub(crate) const FINAL_DECLARATION: &str = "SELECT * FROM declarations \
     WHERE nino = $1 AND tax_year = $2 AND kind = 'final-declaration'";

pub(crate) const INCOME_SUBMITTED_AT: &str = "SELECT submitted_at FROM income WHERE nino = $1 AND tax_year = $2";

pub(crate) const INSERT_DECLARATION: &str = "INSERT INTO declarations (nino, tax_year, calculation_id, kind, \
     declared_at) VALUES ($1, $2, $3, $4, $5)";

pub(crate) const PUT_INCOME: &str = "INSERT INTO income (nino, tax_year, document, submitted_at) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (nino, tax_year) DO UPDATE \
     SET document = excluded.document, submitted_at = excluded.submitted_at";

pub(crate) const GET_INCOME: &str = "SELECT * FROM income WHERE nino = $1 AND tax_year = $2";

/// The income with [`IN_PROGRESS`], [`HAS_FINAL_DECLARATION`], whether there is any coding
/// out and [`OPTED_OUT`] two years before, as one row.
pub(crate) const YEAR_STATE: &str = "SELECT i.*, \
     EXISTS (SELECT 1 FROM calculations WHERE nino = $1 AND tax_year = $2 AND status = 'queued') AS in_progress, \
     EXISTS (SELECT 1 FROM declarations WHERE nino = $1 AND tax_year = $2 AND kind = 'final-declaration') \
       AS final_declared, \
     EXISTS (SELECT 1 FROM coding_out WHERE nino = $1 AND tax_year = $2) AS has_coding_out, \
     (SELECT opted_out FROM coding_out_opt_out WHERE nino = $1 AND tax_year = $2 - 2) AS opted_out_before \
     FROM income i WHERE i.nino = $1 AND i.tax_year = $2";

pub(crate) const PUT_CODING_OUT: &str = "INSERT INTO coding_out (nino, tax_year, source, document, \
     submitted_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (nino, tax_year, source) DO UPDATE \
     SET document = excluded.document, submitted_at = excluded.submitted_at";

pub(crate) const CODING_OUT: &str = "SELECT * FROM coding_out WHERE nino = $1 AND tax_year = $2 ORDER BY source";

pub(crate) const DELETE_CODING_OUT: &str = "DELETE FROM coding_out WHERE nino = $1 AND tax_year = $2 AND source = $3";

/// Opt out: a new row, or a row that said opted in; nothing if already opted out.
pub(crate) const OPT_OUT: &str = "INSERT INTO coding_out_opt_out (nino, tax_year, opted_out, updated_at) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (nino, tax_year) DO UPDATE \
     SET opted_out = excluded.opted_out, updated_at = excluded.updated_at \
     WHERE coding_out_opt_out.opted_out <> excluded.opted_out";

/// Opt back in: only a row that says opted out changes (no row is opted in already).
pub(crate) const OPT_IN: &str = "UPDATE coding_out_opt_out SET opted_out = $3, updated_at = $4 \
     WHERE nino = $1 AND tax_year = $2 AND opted_out <> $3";

pub(crate) const OPTED_OUT: &str = "SELECT opted_out FROM coding_out_opt_out WHERE nino = $1 AND tax_year = $2";

/// What wiping a taxpayer deletes (a calculation's job goes with it: ON DELETE CASCADE).
pub(crate) const WIPE: [&str; 6] = [
    "DELETE FROM income WHERE nino = $1",
    "DELETE FROM calculations WHERE nino = $1",
    "DELETE FROM calculation_inputs WHERE nino = $1",
    "DELETE FROM declarations WHERE nino = $1",
    "DELETE FROM coding_out WHERE nino = $1",
    "DELETE FROM coding_out_opt_out WHERE nino = $1",
];

pub(crate) const SETTING: &str = "SELECT value FROM settings WHERE key = $1";

pub(crate) const PUT_SETTING: &str =
    "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value";

pub(crate) const ADD_SETTING: &str = "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING";

pub(crate) const DELETE_SETTING: &str = "DELETE FROM settings WHERE key = $1";
