-- Lists read a taxpayer's year newest first, ties broken by id, and stop at their limit
-- (SQLite). With an index on requested_at alone, PostgreSQL read every calculation of the
-- year and sorted them for the top 100 (2,050 rows and 4.8 ms for a taxpayer with 2,000
-- calculations, against 0.26 ms reading the index in exactly the list's order), so a
-- list's cost grew with the taxpayer's history. Both backends keep the same indexes.
-- Keep identical to migrations/postgres/0004_lists_in_index_order.sql.
CREATE INDEX calculations_newest ON calculations (nino, tax_year, requested_at, id);
DROP INDEX calculations_by_taxpayer;
CREATE INDEX calculations_newest_by_type ON calculations (nino, tax_year, calculation_type, requested_at, id);
DROP INDEX calculations_by_type;
