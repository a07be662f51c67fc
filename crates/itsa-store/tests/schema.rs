//! The two migrations folders must define the same schema: the same versions, and the same
//! tables with the same columns (types may differ by dialect).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sqlx::Row;

/// Table name → column names.
type Schema = BTreeMap<String, BTreeSet<String>>;

fn migrations_dir(backend: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend)
}

/// The migration files of a backend, sorted by name.
fn migration_files(backend: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(migrations_dir(backend))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// The tables and columns a migration's `CREATE TABLE` statements define (a crude parse
/// that knows just enough SQL for our migrations).
fn created_tables(sql: &str) -> Schema {
    let mut schema = Schema::new();
    apply(sql, &mut schema);
    schema
}

/// What a migration leaves of `schema`: its `CREATE TABLE` statements, then its
/// `ALTER TABLE … ADD COLUMN` and `… DROP COLUMN` statements, in the order of the file.
fn apply(sql: &str, schema: &mut Schema) {
    let sql: String = sql.lines().map(|line| line.split("--").next().unwrap()).collect::<Vec<_>>().join("\n");
    create_tables(&sql, schema);
    for statement in sql.split(';') {
        let words: Vec<&str> = statement.split_whitespace().collect();
        match words.as_slice() {
            ["ALTER", "TABLE", table, "ADD", "COLUMN", column, ..] => {
                let columns = schema.get_mut(*table).unwrap_or_else(|| panic!("ALTER of unknown table {table}"));
                assert!(columns.insert(column.to_string()), "{table}.{column} added twice");
            }
            ["ALTER", "TABLE", table, "DROP", "COLUMN", column, ..] => {
                let columns = schema.get_mut(*table).unwrap_or_else(|| panic!("ALTER of unknown table {table}"));
                assert!(columns.remove(*column), "{table}.{column} dropped but never there");
            }
            ["ALTER", ..] => panic!("the schema test does not understand: {statement}"),
            _ => {}
        }
    }
}

fn create_tables(sql: &str, schema: &mut Schema) {
    let mut rest = sql;
    while let Some(start) = rest.find("CREATE TABLE") {
        rest = &rest[start + "CREATE TABLE".len()..];
        let open = rest.find('(').expect("CREATE TABLE without columns");
        let name = rest[..open].trim().trim_start_matches("IF NOT EXISTS").trim().to_string();
        // The column list runs to the matching parenthesis; split it at top-level commas.
        let mut depth = 0;
        let mut items = vec![String::new()];
        let mut end = open;
        for (i, c) in rest[open..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = open + i;
                break;
            }
            if c == ',' && depth == 1 {
                items.push(String::new());
            } else if depth >= 1 && !(c == '(' && depth == 1) {
                items.last_mut().unwrap().push(c);
            }
        }
        let columns = items
            .iter()
            .filter_map(|item| item.split_whitespace().next())
            .filter(|word| !["PRIMARY", "FOREIGN", "UNIQUE", "CHECK", "CONSTRAINT"].contains(word))
            .map(str::to_string)
            .collect();
        assert!(schema.insert(name.clone(), columns).is_none(), "table {name} created twice");
        rest = &rest[end..];
    }
}

#[test]
fn migration_versions_match() {
    let sqlite: Vec<String> = migration_files("sqlite").iter().map(|p| file_name(p)).collect();
    let postgres: Vec<String> = migration_files("postgres").iter().map(|p| file_name(p)).collect();
    assert!(!sqlite.is_empty(), "no migrations");
    assert_eq!(sqlite, postgres, "both backends must have the same migration versions");
}

#[test]
fn migrations_create_the_same_tables_and_columns() {
    let (mut sqlite_tables, mut postgres_tables) = (Schema::new(), Schema::new());
    for (sqlite, postgres) in migration_files("sqlite").iter().zip(migration_files("postgres").iter()) {
        apply(&std::fs::read_to_string(sqlite).unwrap(), &mut sqlite_tables);
        apply(&std::fs::read_to_string(postgres).unwrap(), &mut postgres_tables);
        assert_eq!(sqlite_tables, postgres_tables, "{} differs between the backends", file_name(sqlite));
    }
}

#[test]
fn the_parse_follows_alterations() {
    let mut schema = created_tables("CREATE TABLE t (a TEXT, b INTEGER);");
    apply("ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT ''; ALTER TABLE t DROP COLUMN a;", &mut schema);
    assert_eq!(schema["t"], BTreeSet::from(["b".to_string(), "c".to_string()]));
}

#[test]
fn the_parse_sees_every_table() {
    let tables = created_tables(&std::fs::read_to_string(migrations_dir("sqlite").join("0001_initial.sql")).unwrap());
    let names: Vec<&str> = tables.keys().map(String::as_str).collect();
    assert_eq!(names, ["applications", "calculations", "declarations", "income", "jobs", "settings", "tokens"],);
    assert!(tables["jobs"].contains("lease_until"));
    assert!(!tables["income"].contains("PRIMARY"));
}

/// What the SQLite catalogue holds after migrating.
async fn sqlite_catalogue() -> Schema {
    let db = common::SqliteDb::new().await;
    let rows = sqlx::query(
        "SELECT m.name AS table_name, p.name AS column_name \
         FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(db.store.pool())
    .await
    .unwrap();
    let mut schema = Schema::new();
    for row in rows {
        schema.entry(row.get("table_name")).or_default().insert(row.get("column_name"));
    }
    db.finish().await;
    schema
}

#[tokio::test]
async fn migrated_databases_have_the_same_tables_and_columns() {
    let sqlite = sqlite_catalogue().await;
    let mut declared = Schema::new();
    for file in migration_files("sqlite") {
        apply(&std::fs::read_to_string(file).unwrap(), &mut declared);
    }
    assert_eq!(sqlite, declared);

    let Some(db) = common::PgDb::new().await else { return };
    let rows = sqlx::query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(db.store.pool())
    .await
    .unwrap();
    let mut postgres = Schema::new();
    for row in rows {
        postgres.entry(row.get("table_name")).or_default().insert(row.get("column_name"));
    }
    db.finish().await;
    assert_eq!(postgres, sqlite);
}

/// A database written before the invariants were in the schema: two calculations of one
/// year queued at once, a year declared twice, and calculations carrying their own copy of
/// the income. Migrating keeps the first of each duplicate, moves every input to the
/// inputs table and keeps each total due beside its result.
const BEFORE_0003: &str = "
    INSERT INTO calculations (id, nino, tax_year, calculation_type, requested_by, requested_at, income_document,
        income_submitted_at, correlation_id, status, result_document, error_count, completed_at, computations)
    VALUES
        ('00000000-0000-4000-8000-000000000001', 'AA123456A', 2025, 'intent-to-finalise', 'customer', 10,
         '{\"income\":1}', 5, 'c1', 'done', '{\"totalIncomeTaxAndNicsDue\":1234.56}', 0, 11, 1),
        ('00000000-0000-4000-8000-000000000002', 'AA123456A', 2025, 'in-year', 'customer', 20,
         '{\"income\":2}', 5, 'c2', 'queued', NULL, 0, NULL, 0),
        ('00000000-0000-4000-8000-000000000003', 'AA123456A', 2025, 'in-year', 'customer', 30,
         '{\"income\":3}', 5, 'c3', 'queued', NULL, 0, NULL, 0);
    INSERT INTO jobs (calculation_id, state, attempts, run_at, correlation_id, created_at) VALUES
        ('00000000-0000-4000-8000-000000000002', 'queued', 0, 0, 'c2', 20),
        ('00000000-0000-4000-8000-000000000003', 'queued', 0, 0, 'c3', 30);
    INSERT INTO declarations (nino, tax_year, calculation_id, kind, declared_at) VALUES
        ('AA123456A', 2025, '00000000-0000-4000-8000-000000000001', 'final-declaration', 40),
        ('AA123456A', 2025, '00000000-0000-4000-8000-000000000001', 'final-declaration', 41);
";

/// Check what a database written as [`BEFORE_0003`] holds once migrated (by `store`, a
/// new connection: connections that knew the old schema may have stale statements).
async fn check_migrated_data<S: itsa_store::Store>(store: &S) {
    store.migrate().await.unwrap();
    let id = |n: u8| itsa_store::Uuid::parse_str(&format!("00000000-0000-4000-8000-00000000000{n}")).unwrap();
    let declared = store.get_calculation(id(1)).await.unwrap().unwrap();
    assert_eq!(declared.total_due.as_deref(), Some("1234.56"));
    assert_eq!(declared.declaration.as_ref().map(|d| d.declared_at), Some(40), "the first declaration stands");
    let (_, input) = store.get_calculation_with_input(id(1)).await.unwrap().unwrap();
    assert_eq!(input, r#"{"income":1}"#);
    let first_queued = store.get_calculation(id(2)).await.unwrap().unwrap();
    assert_eq!(first_queued.status, itsa_store::CalculationStatus::Queued);
    let second_queued = store.get_calculation(id(3)).await.unwrap().unwrap();
    assert_eq!(second_queued.status, itsa_store::CalculationStatus::Failed);
    assert_eq!(store.pending_jobs().await.unwrap(), 1);
}

fn first_two(mut migrator: sqlx::migrate::Migrator) -> sqlx::migrate::Migrator {
    migrator.migrations = std::borrow::Cow::Owned(migrator.migrations[..2].to_vec());
    migrator
}

#[tokio::test]
async fn migrating_keeps_what_was_stored() {
    let dir = std::env::temp_dir().join(format!("itsa-store-migrate-{}", itsa_store::Uuid::new_v4().simple()));
    let file = dir.join("old.sqlite3");
    let old = itsa_store::SqliteStore::open(&file).await.unwrap();
    first_two(sqlx::migrate!("migrations/sqlite")).run(old.pool()).await.unwrap();
    sqlx::raw_sql(BEFORE_0003).execute(old.pool()).await.unwrap();
    old.pool().close().await;
    let store = itsa_store::SqliteStore::open(&file).await.unwrap();
    check_migrated_data(&store).await;
    let inputs: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM calculation_inputs").fetch_one(store.pool()).await.unwrap();
    assert_eq!(inputs, 3);
    store.pool().close().await;
    let _ = std::fs::remove_dir_all(&dir);

    let Some(db) = common::PgDb::new_unmigrated().await else { return };
    first_two(sqlx::migrate!("migrations/postgres")).run(db.store.pool()).await.unwrap();
    sqlx::raw_sql(BEFORE_0003).execute(db.store.pool()).await.unwrap();
    let store = db.second_node().await;
    check_migrated_data(&store).await;
    let inputs: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM calculation_inputs").fetch_one(store.pool()).await.unwrap();
    assert_eq!(inputs, 3);
    store.pool().close().await;
    db.finish().await;
}
