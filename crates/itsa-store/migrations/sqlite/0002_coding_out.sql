-- Coding out (SQLite). Keep identical to migrations/postgres/0002_coding_out.sql but for types.

-- Coded-out amounts for a tax year, one document per source: `hmrcHeld` (what HMRC holds)
-- and `user` (the taxpayer's own submission).
CREATE TABLE coding_out (
    nino TEXT NOT NULL,
    tax_year INTEGER NOT NULL,
    source TEXT NOT NULL,
    document TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    PRIMARY KEY (nino, tax_year, source)
);

-- Whether the taxpayer has opted out of coding out for a tax year.
CREATE TABLE coding_out_opt_out (
    nino TEXT NOT NULL,
    tax_year INTEGER NOT NULL,
    opted_out INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (nino, tax_year)
);
