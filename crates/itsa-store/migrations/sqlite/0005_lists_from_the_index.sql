-- A list is answered from its index alone (SQLite). Every column a list shows is in the
-- index, after the columns it is read in order by, so no calculation's row is read. In
-- SQLite a row keeps the columns added later (total_due, and error_count and completed_at
-- too) after its result document, and reaching them meant walking the document's
-- overflow pages: most of a list's time, for a hundred rows. Both backends keep the same
-- indexes. Keep identical to migrations/postgres/0005_lists_from_the_index.sql.
CREATE INDEX calculations_listed ON calculations
    (nino, tax_year, requested_at, id, status, calculation_type, requested_by, completed_at, total_due, error_count);
DROP INDEX calculations_newest;
CREATE INDEX calculations_listed_by_type ON calculations
    (nino, tax_year, calculation_type, requested_at, id, status, requested_by, completed_at, total_due, error_count);
DROP INDEX calculations_newest_by_type;
