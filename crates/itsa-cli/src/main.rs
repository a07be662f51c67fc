//! `itsa`: the command line of the itsa tax service.

mod calc;

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

#[derive(Subcommand)]
enum Command {
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
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Calc { cases: Some(file), .. } => calc::run_cases(&file),
        Command::Calc { case: Some(file), json, .. } => calc::run_one(&file, json),
        Command::Calc { .. } => unreachable!("clap requires a case or --cases"),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("itsa: {e:#}");
            ExitCode::FAILURE
        }
    }
}
