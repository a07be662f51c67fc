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
    let sql: String = sql.lines().map(|line| line.split("--").next().unwrap()).collect::<Vec<_>>().join("\n");
    let mut schema = Schema::new();
    let mut rest = sql.as_str();
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
    schema
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
    for (sqlite, postgres) in migration_files("sqlite").iter().zip(migration_files("postgres").iter()) {
        let sqlite_tables = created_tables(&std::fs::read_to_string(sqlite).unwrap());
        let postgres_tables = created_tables(&std::fs::read_to_string(postgres).unwrap());
        assert_eq!(sqlite_tables, postgres_tables, "{} differs between the backends", file_name(sqlite));
    }
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
        declared.extend(created_tables(&std::fs::read_to_string(file).unwrap()));
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
