//! `itsa`: the command line of the itsa tax service.

mod admin;
mod calc;
mod taxcode;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "itsa",
    version,
    about = "A self-hostable HMRC Making Tax Digital income tax calculation service that computes the tax"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the service keeps its data and how it runs (each also readable from `ITSA_*`
/// environment variables and an `itsa.toml` file; see docs/configuration.md).
#[derive(clap::Args, Debug, Clone, Default)]
struct ServiceArgs {
    /// A TOML configuration file (default: ./itsa.toml if it exists).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Directory for the embedded SQLite database.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…); without it, SQLite in the data directory.
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

impl ServiceArgs {
    fn load(
        &self,
        bind: Option<String>,
        mode: Option<String>,
        workers: Option<usize>,
    ) -> anyhow::Result<itsa_server::config::Config> {
        let overrides = itsa_server::config::Overrides {
            bind,
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            mode,
            workers,
        };
        Ok(itsa_server::config::Config::load(self.config.as_deref(), &overrides)?)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP service (with an in-process calculation worker).
    Serve {
        #[command(flatten)]
        service: ServiceArgs,
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
        /// sandbox (default: test support on) or production.
        #[arg(long, value_name = "MODE")]
        mode: Option<String>,
        /// Calculation workers to run in-process (default 1; 0 for none).
        #[arg(long, value_name = "N")]
        workers: Option<usize>,
    },
    /// Run calculation workers only, against the configured database.
    Worker {
        #[command(flatten)]
        service: ServiceArgs,
        /// How many workers (default 1).
        #[arg(long, value_name = "N", default_value_t = 1)]
        count: usize,
    },
    /// Create or update the database schema, then exit.
    Migrate {
        #[command(flatten)]
        service: ServiceArgs,
    },
    /// Administration: register applications for production use.
    Admin {
        #[command(flatten)]
        service: ServiceArgs,
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Calculate the tax for one case file, or for a JSON Lines file of cases.
    ///
    /// With --cases, every line of FILE (or standard input for -) is one case in the
    /// format of docs/cases.md, and one result line is written per case, in order.
    /// Otherwise CASE is a JSON file holding one case, and a readable breakdown is printed
    /// (or, with --json, the result object).
    Calc {
        /// A JSON Lines file of cases, or - for standard input.
        #[arg(long, value_name = "FILE", conflicts_with = "case")]
        cases: Option<PathBuf>,
        /// A file holding one case (JSON).
        #[arg(value_name = "CASE", required_unless_present = "cases")]
        case: Option<PathBuf>,
        /// Print the result object as JSON instead of a breakdown.
        #[arg(long, conflicts_with = "explain")]
        json: bool,
        /// Print every figure with the inputs, parameters and rule it came from.
        #[arg(long, conflicts_with = "cases")]
        explain: bool,
    },
    /// PAYE tax codes: explain a code, tax a payday, see whether a debt would be coded out.
    Taxcode {
        #[command(subcommand)]
        command: taxcode::TaxcodeCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Calc { cases: Some(file), .. } => calc::run_cases(&file),
        Command::Calc { case: Some(file), json, explain, .. } => calc::run_one(&file, json, explain),
        Command::Calc { .. } => unreachable!("clap requires a case or --cases"),
        Command::Taxcode { command } => taxcode::run(command),
        Command::Serve { service, bind, mode, workers } => service.load(bind, mode, workers).and_then(|config| {
            let _flush = logging();
            runtime()?.block_on(itsa_server::serve(config))?;
            Ok(ExitCode::SUCCESS)
        }),
        Command::Worker { service, count } => service.load(None, None, None).and_then(|config| {
            let _flush = logging();
            runtime()?.block_on(itsa_server::run_workers(config, count))?;
            Ok(ExitCode::SUCCESS)
        }),
        Command::Migrate { service } => service.load(None, None, None).and_then(|config| {
            let _flush = logging();
            let store = runtime()?.block_on(itsa_server::open_store(&config))?;
            println!("database schema is up to date ({})", store.backend_name());
            Ok(ExitCode::SUCCESS)
        }),
        Command::Admin { service, command } => service.load(None, None, None).and_then(|config| {
            runtime()?.block_on(admin::run(&config, command))?;
            Ok(ExitCode::SUCCESS)
        }),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("itsa: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

/// One line per event on standard error, written through a buffer by a thread of its own
/// (`itsa_server::log`), the per-request lines included; `RUST_LOG` sets the level
/// (default info). Keep the guard until exit: it writes out what is queued.
fn logging() -> itsa_server::log::Flush {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let (writer, flush) = itsa_server::log::standard_error();
    itsa_server::log::install(writer.clone());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(move || writer.clone())
        .with_target(false)
        .with_ansi(ansi)
        .try_init();
    flush
}
