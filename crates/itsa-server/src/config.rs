//! Configuration: one typed struct, read from an optional TOML file, then `ITSA_*`
//! environment variables, then command-line flags (each overriding the one before).
//! Every default works on a fresh machine: SQLite in `./itsa-data`, sandbox mode,
//! 127.0.0.1:8080.
//!
//! | key (file) | environment | default | meaning |
//! |---|---|---|---|
//! | `bind` | `ITSA_BIND` | `127.0.0.1:8080` | address to listen on |
//! | `data_dir` | `ITSA_DATA_DIR` | `itsa-data` | where the SQLite file lives |
//! | `database_url` | `ITSA_DATABASE_URL` or `DATABASE_URL` | none (SQLite) | `postgres://…` to use PostgreSQL |
//! | `mode` | `ITSA_MODE` | `sandbox` | `sandbox` adds test support; `production` turns it off |
//! | `workers` | `ITSA_WORKERS` | `1` | calculation workers run inside `itsa serve` (0 for none) |
//! | `token_lifetime_seconds` | `ITSA_TOKEN_LIFETIME_SECONDS` | `14400` | how long an issued token lives |
//! | `deprecated_versions` | `ITSA_DEPRECATED_VERSIONS` | none | e.g. `8.0=2026-10-16` marks 8.0 deprecated from that date |
//! | `max_connections` | `ITSA_MAX_CONNECTIONS` | `1024` | connections open at once; when all are taken, the longest-waiting idle one is closed for a new one |
//! | `header_read_timeout_seconds` | `ITSA_HEADER_READ_TIMEOUT_SECONDS` | `10` | from a request's first byte to its complete head |
//! | `body_read_timeout_seconds` | `ITSA_BODY_READ_TIMEOUT_SECONDS` | `10` | from a request's head to the end of its body |
//! | `idle_timeout_seconds` | `ITSA_IDLE_TIMEOUT_SECONDS` | `60` | how long a connection may wait for its next request |
//! | `max_body_bytes` | `ITSA_MAX_BODY_BYTES` | `1048576` | the largest request body read |
//! | `cache_bytes` | `ITSA_CACHE_BYTES` | `67108864` | memory for cached response bodies |

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use time::Date;

/// Whether the sandbox test-support endpoints and Gov-Test-Scenario answers are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Sandbox,
    Production,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sandbox => "sandbox",
            Mode::Production => "production",
        }
    }

    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        match text {
            "sandbox" => Ok(Mode::Sandbox),
            "production" => Ok(Mode::Production),
            other => Err(ConfigError(format!("mode must be sandbox or production, not '{other}'"))),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub mode: Mode,
    pub workers: usize,
    pub token_lifetime_seconds: i64,
    /// API version → the date it was deprecated.
    pub deprecated_versions: BTreeMap<String, Date>,
    /// What a client may take of the server.
    pub limits: crate::connections::Limits,
    /// The largest request body read.
    pub max_body_bytes: usize,
    /// Memory for cached response bodies.
    pub cache_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("itsa-data"),
            database_url: None,
            mode: Mode::Sandbox,
            workers: 1,
            token_lifetime_seconds: 4 * 3600,
            deprecated_versions: BTreeMap::new(),
            limits: crate::connections::Limits {
                max_connections: 1024,
                header_read_timeout: Duration::from_secs(10),
                body_read_timeout: Duration::from_secs(10),
                idle_timeout: Duration::from_secs(60),
            },
            max_body_bytes: 1 << 20,
            cache_bytes: 64 << 20,
        }
    }
}

/// The file's keys; every one optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    mode: Option<Mode>,
    workers: Option<usize>,
    token_lifetime_seconds: Option<i64>,
    deprecated_versions: Option<BTreeMap<String, String>>,
    max_connections: Option<usize>,
    header_read_timeout_seconds: Option<u64>,
    body_read_timeout_seconds: Option<u64>,
    idle_timeout_seconds: Option<u64>,
    max_body_bytes: Option<usize>,
    cache_bytes: Option<usize>,
}

/// Values given on the command line, which win over everything else.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub bind: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub mode: Option<String>,
    pub workers: Option<usize>,
}

impl Config {
    /// Load: defaults, then the file (if given, or `itsa.toml` in the working directory if
    /// present), then the environment, then the overrides.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Config, ConfigError> {
        let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
        Self::load_with(file, overrides, env)
    }

    fn load_with(
        file: Option<&Path>,
        overrides: &Overrides,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        let default_file = PathBuf::from("itsa.toml");
        let path = file.map(Path::to_path_buf).or_else(|| default_file.exists().then_some(default_file));
        if let Some(path) = path {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
            let f: FileConfig = toml::from_str(&text).map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
            if let Some(v) = f.bind {
                config.bind = parse_bind(&v)?;
            }
            if let Some(v) = f.data_dir {
                config.data_dir = v;
            }
            config.database_url = f.database_url.or(config.database_url);
            if let Some(v) = f.mode {
                config.mode = v;
            }
            if let Some(v) = f.workers {
                config.workers = v;
            }
            if let Some(v) = f.token_lifetime_seconds {
                config.token_lifetime_seconds = v;
            }
            if let Some(v) = f.deprecated_versions {
                for (version, date) in v {
                    config.deprecated_versions.insert(version, parse_date(&date)?);
                }
            }
            let limits = &mut config.limits;
            set(&mut limits.max_connections, f.max_connections);
            set(&mut limits.header_read_timeout, f.header_read_timeout_seconds.map(Duration::from_secs));
            set(&mut limits.body_read_timeout, f.body_read_timeout_seconds.map(Duration::from_secs));
            set(&mut limits.idle_timeout, f.idle_timeout_seconds.map(Duration::from_secs));
            set(&mut config.max_body_bytes, f.max_body_bytes);
            set(&mut config.cache_bytes, f.cache_bytes);
        }
        if let Some(v) = env("ITSA_BIND") {
            config.bind = parse_bind(&v)?;
        }
        if let Some(v) = env("ITSA_DATA_DIR") {
            config.data_dir = PathBuf::from(v);
        }
        if let Some(v) = env("ITSA_DATABASE_URL").or_else(|| env("DATABASE_URL")) {
            config.database_url = Some(v);
        }
        if let Some(v) = env("ITSA_MODE") {
            config.mode = Mode::parse(&v)?;
        }
        if let Some(v) = env("ITSA_WORKERS") {
            config.workers = v.parse().map_err(|_| ConfigError(format!("ITSA_WORKERS must be a number, not '{v}'")))?;
        }
        if let Some(v) = env("ITSA_TOKEN_LIFETIME_SECONDS") {
            config.token_lifetime_seconds = v
                .parse()
                .map_err(|_| ConfigError(format!("ITSA_TOKEN_LIFETIME_SECONDS must be a number, not '{v}'")))?;
        }
        if let Some(v) = env("ITSA_DEPRECATED_VERSIONS") {
            for pair in v.split(',').filter(|p| !p.trim().is_empty()) {
                let (version, date) = pair
                    .split_once('=')
                    .ok_or_else(|| ConfigError(format!("ITSA_DEPRECATED_VERSIONS: '{pair}' is not VERSION=DATE")))?;
                config.deprecated_versions.insert(version.trim().to_owned(), parse_date(date.trim())?);
            }
        }
        let limits = &mut config.limits;
        set(&mut limits.max_connections, number(&env, "ITSA_MAX_CONNECTIONS")?);
        let seconds = |key| number(&env, key).map(|n| n.map(Duration::from_secs));
        set(&mut limits.header_read_timeout, seconds("ITSA_HEADER_READ_TIMEOUT_SECONDS")?);
        set(&mut limits.body_read_timeout, seconds("ITSA_BODY_READ_TIMEOUT_SECONDS")?);
        set(&mut limits.idle_timeout, seconds("ITSA_IDLE_TIMEOUT_SECONDS")?);
        set(&mut config.max_body_bytes, number(&env, "ITSA_MAX_BODY_BYTES")?);
        set(&mut config.cache_bytes, number(&env, "ITSA_CACHE_BYTES")?);
        if let Some(v) = &overrides.bind {
            config.bind = parse_bind(v)?;
        }
        if let Some(v) = &overrides.data_dir {
            config.data_dir = v.clone();
        }
        if let Some(v) = &overrides.database_url {
            config.database_url = Some(v.clone());
        }
        if let Some(v) = &overrides.mode {
            config.mode = Mode::parse(v)?;
        }
        if let Some(v) = overrides.workers {
            config.workers = v;
        }
        if config.token_lifetime_seconds < 3600 {
            return Err(ConfigError("token_lifetime_seconds must be at least 3600".into()));
        }
        let limits = &config.limits;
        if limits.max_connections == 0 {
            return Err(ConfigError("max_connections must be at least 1".into()));
        }
        for (key, timeout) in [
            ("header_read_timeout_seconds", limits.header_read_timeout),
            ("body_read_timeout_seconds", limits.body_read_timeout),
            ("idle_timeout_seconds", limits.idle_timeout),
        ] {
            if timeout.is_zero() {
                return Err(ConfigError(format!("{key} must be at least 1")));
            }
        }
        Ok(config)
    }
}

fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *field = value;
    }
}

/// A whole number from the environment variable `key`, if set.
fn number<T: std::str::FromStr>(env: &impl Fn(&str) -> Option<String>, key: &str) -> Result<Option<T>, ConfigError> {
    env(key).map(|v| v.parse().map_err(|_| ConfigError(format!("{key} must be a whole number, not '{v}'")))).transpose()
}

fn parse_bind(text: &str) -> Result<SocketAddr, ConfigError> {
    text.parse().map_err(|_| ConfigError(format!("'{text}' is not an address like 127.0.0.1:8080")))
}

fn parse_date(text: &str) -> Result<Date, ConfigError> {
    Date::parse(text, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| ConfigError(format!("'{text}' is not a date like 2026-10-16")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_work_without_anything() {
        let c = Config::load_with(None, &Overrides::default(), |_| None).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.mode, Mode::Sandbox);
        assert!(c.database_url.is_none());
    }

    #[test]
    fn environment_beats_defaults_and_flags_beat_environment() {
        let env = |k: &str| match k {
            "ITSA_BIND" => Some("0.0.0.0:9000".to_owned()),
            "DATABASE_URL" => Some("postgres://x/y".to_owned()),
            "ITSA_MODE" => Some("production".to_owned()),
            "ITSA_DEPRECATED_VERSIONS" => Some("8.0=2026-10-16".to_owned()),
            _ => None,
        };
        let c = Config::load_with(None, &Overrides::default(), env).unwrap();
        assert_eq!(
            (c.bind.port(), c.mode, c.database_url.as_deref()),
            (9000, Mode::Production, Some("postgres://x/y"))
        );
        assert_eq!(c.deprecated_versions.len(), 1);
        let flags = Overrides { mode: Some("sandbox".into()), bind: Some("127.0.0.1:1".into()), ..Default::default() };
        let c = Config::load_with(None, &flags, env).unwrap();
        assert_eq!((c.bind.port(), c.mode), (1, Mode::Sandbox));
    }

    #[test]
    fn limits_come_from_the_file_and_the_environment() {
        let dir = std::env::temp_dir().join(format!("itsa-config-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("itsa.toml");
        std::fs::write(&file, "max_connections = 50\nidle_timeout_seconds = 5\ncache_bytes = 1000\n").unwrap();
        let env = |k: &str| (k == "ITSA_IDLE_TIMEOUT_SECONDS").then(|| "7".to_owned());
        let c = Config::load_with(Some(&file), &Overrides::default(), env).unwrap();
        assert_eq!(c.limits.max_connections, 50);
        assert_eq!(c.limits.idle_timeout, Duration::from_secs(7), "the environment beats the file");
        assert_eq!(c.limits.header_read_timeout, Duration::from_secs(10), "the default");
        assert_eq!(c.cache_bytes, 1000);
        let zero = |k: &str| (k == "ITSA_HEADER_READ_TIMEOUT_SECONDS").then(|| "0".to_owned());
        assert!(Config::load_with(None, &Overrides::default(), zero).is_err());
        let words = |k: &str| (k == "ITSA_MAX_CONNECTIONS").then(|| "many".to_owned());
        let err = Config::load_with(None, &Overrides::default(), words).unwrap_err();
        assert!(err.to_string().contains("ITSA_MAX_CONNECTIONS"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_values_are_refused_clearly() {
        let env = |k: &str| (k == "ITSA_MODE").then(|| "staging".to_owned());
        let err = Config::load_with(None, &Overrides::default(), env).unwrap_err();
        assert!(err.to_string().contains("sandbox or production"), "{err}");
    }
}
