//! Test databases: a SQLite file in a fresh temporary directory, and (when `DATABASE_URL`
//! is set) a fresh PostgreSQL schema, each migrated and removed again afterwards.

#![allow(dead_code)]

use std::path::PathBuf;

use itsa_store::{PgStore, SqliteStore, Store, Uuid};

/// A migrated SQLite store in its own temporary directory.
pub struct SqliteDb {
    pub store: SqliteStore,
    pub dir: PathBuf,
}

impl SqliteDb {
    pub async fn new() -> SqliteDb {
        let dir = std::env::temp_dir().join(format!("itsa-store-test-{}", Uuid::new_v4().simple()));
        let store = SqliteStore::open(&dir.join("nested").join("itsa.sqlite3")).await.expect("open sqlite");
        store.migrate().await.expect("migrate sqlite");
        SqliteDb { store, dir }
    }

    pub async fn finish(self) {
        self.store.pool().close().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `DATABASE_URL`, or `None` after recording that the test is skipped.
pub fn database_url() -> Option<String> {
    itsa_testkit::database_url()
}

/// A migrated PostgreSQL store in a schema of its own.
pub struct PgDb {
    pub store: PgStore,
    pub url: String,
    pub schema: String,
}

impl PgDb {
    /// `None` (the test is skipped) when `DATABASE_URL` is not set.
    pub async fn new() -> Option<PgDb> {
        let db = Self::new_unmigrated().await?;
        db.store.migrate().await.expect("migrate postgres");
        Some(db)
    }

    /// A PostgreSQL store in a schema of its own, with no tables yet.
    pub async fn new_unmigrated() -> Option<PgDb> {
        let url = database_url()?;
        let schema = format!("itsa_test_{}", Uuid::new_v4().simple());
        let store = PgStore::connect_with_schema(&url, &schema).await.expect("connect to postgres");
        Some(PgDb { store, url, schema })
    }

    /// Another store on the same schema, as a second node would have.
    pub async fn second_node(&self) -> PgStore {
        PgStore::connect_with_schema(&self.url, &self.schema).await.expect("connect to postgres")
    }

    pub async fn finish(self) {
        self.store.pool().close().await;
        drop(self.store);
        let admin = PgStore::connect(&self.url).await.expect("connect to postgres");
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA \"{}\" CASCADE", self.schema)))
            .execute(admin.pool())
            .await
            .expect("drop test schema");
        admin.pool().close().await;
    }
}

/// Define, for each named `async fn name<S: Store + Clone + 'static>(store: S)`, a module
/// `name` with a `sqlite` and a `postgres` test running it.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    let db = $crate::common::SqliteDb::new().await;
                    super::$name(db.store.clone()).await;
                    db.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    let Some(db) = $crate::common::PgDb::new().await else { return };
                    super::$name(db.store.clone()).await;
                    db.finish().await;
                }
            }
        )*
    };
}
