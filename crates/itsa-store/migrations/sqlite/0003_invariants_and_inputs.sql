-- The journey's invariants in the schema, and each calculation's input stored once
-- (SQLite). Keep identical to migrations/postgres/0003_invariants_and_inputs.sql but
-- for types.

-- A taxpayer's year has at most one calculation in progress. Should a database hold
-- more than one (possible before this migration), the oldest stays in progress and
-- the others are marked failed, with their jobs removed.
UPDATE calculations
SET status = 'failed', failure = 'another calculation of the year was already in progress'
WHERE status = 'queued' AND EXISTS (
    SELECT 1 FROM calculations AS older
    WHERE older.nino = calculations.nino AND older.tax_year = calculations.tax_year
      AND older.status = 'queued'
      AND (older.requested_at < calculations.requested_at
           OR (older.requested_at = calculations.requested_at AND older.id < calculations.id))
);
DELETE FROM jobs WHERE calculation_id IN (SELECT id FROM calculations WHERE status <> 'queued');
CREATE UNIQUE INDEX calculations_one_in_progress ON calculations (nino, tax_year) WHERE status = 'queued';

-- A year has at most one final declaration, and a calculation at most one declaration
-- (so each confirmed amendment answers one intent to amend). Later duplicates, possible
-- before this migration, are removed; the first stands.
DELETE FROM declarations
WHERE kind = 'final-declaration' AND EXISTS (
    SELECT 1 FROM declarations AS first
    WHERE first.nino = declarations.nino AND first.tax_year = declarations.tax_year
      AND first.kind = 'final-declaration' AND first.id < declarations.id
);
DELETE FROM declarations
WHERE EXISTS (
    SELECT 1 FROM declarations AS first
    WHERE first.calculation_id = declarations.calculation_id AND first.id < declarations.id
);
CREATE UNIQUE INDEX declarations_one_final_per_year ON declarations (nino, tax_year) WHERE kind = 'final-declaration';
CREATE UNIQUE INDEX declarations_one_per_calculation ON declarations (calculation_id);

-- What calculations are made of, once per distinct document for a taxpayer's year: a
-- calculation names its input by the document's SHA-256 (hex). Inputs copied into
-- calculations before this migration are named by their calculation's id.
CREATE TABLE calculation_inputs (
    nino TEXT NOT NULL,
    tax_year INTEGER NOT NULL,
    digest TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (nino, tax_year, digest)
);
INSERT INTO calculation_inputs (nino, tax_year, digest, document)
SELECT nino, tax_year, 'calculation:' || id, income_document FROM calculations;
ALTER TABLE calculations ADD COLUMN input_digest TEXT NOT NULL DEFAULT '';
UPDATE calculations SET input_digest = 'calculation:' || id;
ALTER TABLE calculations DROP COLUMN income_document;

-- A taxpayer's calculations of one type, newest first, for lists filtered by type.
CREATE INDEX calculations_by_type ON calculations (nino, tax_year, calculation_type, requested_at);

-- The total due beside the result, so that a list reads no documents.
ALTER TABLE calculations ADD COLUMN total_due TEXT;
UPDATE calculations
SET total_due = CAST(json_extract(result_document, '$.totalIncomeTaxAndNicsDue') AS TEXT)
WHERE result_document IS NOT NULL;
