-- The initial schema (SQLite). Keep the tables and columns identical to
-- migrations/postgres/0001_initial.sql; only the column types differ.
-- Times are milliseconds since the Unix epoch; uuids are text; documents are JSON text.

CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    role TEXT NOT NULL,
    nino TEXT,
    clients TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE applications (
    client_id TEXT PRIMARY KEY NOT NULL,
    secret_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    nino TEXT,
    clients TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE income (
    nino TEXT NOT NULL,
    tax_year INTEGER NOT NULL,
    document TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    PRIMARY KEY (nino, tax_year)
);

CREATE TABLE calculations (
    id TEXT PRIMARY KEY NOT NULL,
    nino TEXT NOT NULL,
    tax_year INTEGER NOT NULL,
    calculation_type TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    income_document TEXT NOT NULL,
    income_submitted_at INTEGER NOT NULL,
    correlation_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'done', 'failed')),
    result_document TEXT,
    error_count INTEGER NOT NULL DEFAULT 0,
    completed_at INTEGER,
    computations INTEGER NOT NULL DEFAULT 0,
    computed_by TEXT,
    failure TEXT
);

CREATE INDEX calculations_by_taxpayer ON calculations (nino, tax_year, requested_at);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    calculation_id TEXT NOT NULL REFERENCES calculations (id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running')),
    attempts INTEGER NOT NULL DEFAULT 0,
    run_at INTEGER NOT NULL,
    lease_until INTEGER,
    worker TEXT,
    last_error TEXT,
    correlation_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE INDEX jobs_due ON jobs (state, run_at);
CREATE INDEX jobs_by_calculation ON jobs (calculation_id);

CREATE TABLE declarations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    nino TEXT NOT NULL,
    tax_year INTEGER NOT NULL,
    calculation_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    declared_at INTEGER NOT NULL
);

CREATE INDEX declarations_by_taxpayer ON declarations (nino, tax_year, declared_at);

CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
