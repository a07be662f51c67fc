//! `itsa taxcode`: PAYE tax codes from the command line (explain a code, work out the tax
//! on a payday, see whether a debt would be coded out). The arithmetic and the words are
//! itsa-taxcode's; this file lays them out.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, anyhow};
use itsa_taxcode::{
    CodingOut, CodingOutRequest, Date, DebtKind, Explanation, Kind, Money, Rate, TaxCode, TaxYear, cases, json, pounds,
};
use rust_decimal::Decimal;

#[derive(clap::Subcommand)]
pub enum TaxcodeCommand {
    /// Explain a PAYE tax code in plain English (or, with --json, as FORMAT.md's object).
    Explain {
        /// The code, as on a payslip or coding notice: 1257L, S1257L, K475, "1257L W1", BR…
        #[arg(value_name = "CODE", required = true, num_args = 1..)]
        code: Vec<String>,
        /// The tax year, 2025-26 form (default: the tax year of today's date).
        #[arg(long, value_name = "YEAR")]
        tax_year: Option<String>,
        /// Print the JSON object of shared/taxcodes/FORMAT.md.
        #[arg(long)]
        json: bool,
    },
    /// Work out the pay adjustment and tax for each case of a JSON Lines file
    /// (shared/taxcodes/FORMAT.md), one result line per case, in order.
    Pay {
        /// The cases file, or - for standard input.
        #[arg(long, value_name = "FILE")]
        cases: PathBuf,
    },
    /// Would HMRC collect a debt through a tax code, and what code would result?
    /// See docs/taxcodes.md.
    CodingOut {
        /// The amount owed, in pounds.
        #[arg(long, value_name = "POUNDS")]
        debt: String,
        /// Expected PAYE income (jobs and UK pensions) for the year, in pounds.
        #[arg(long, value_name = "POUNDS")]
        paye_income: String,
        /// The tax year of the code that would collect it (a 2023-24 balancing payment is
        /// collected through the 2025-26 code).
        #[arg(long, value_name = "YEAR")]
        tax_year: String,
        /// balancing-payment (the default) or other (unpaid Self Assessment, Class 2, tax
        /// credit overpayments).
        #[arg(long, value_name = "KIND", default_value = "balancing-payment")]
        kind: String,
        /// The code the taxpayer would otherwise have (default: the year's emergency code).
        #[arg(long, value_name = "CODE")]
        current_code: Option<String>,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: TaxcodeCommand) -> anyhow::Result<ExitCode> {
    match command {
        TaxcodeCommand::Explain { code, tax_year, json } => explain(&code.join(" "), tax_year.as_deref(), json),
        TaxcodeCommand::Pay { cases } => pay(&cases),
        TaxcodeCommand::CodingOut { debt, paye_income, tax_year, kind, current_code, json } => {
            let request = CodingOutRequest {
                debt: amount("--debt", &debt)?,
                kind: DebtKind::parse(&kind)
                    .ok_or_else(|| anyhow!("--kind must be balancing-payment or other, not '{kind}'"))?,
                paye_income: amount("--paye-income", &paye_income)?,
                tax_year: TaxYear::parse(&tax_year)?,
                current_code: current_code.as_deref().map(TaxCode::parse).transpose()?,
            };
            let answer = itsa_taxcode::assess(&request)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&json::coding_out(&answer))?);
            } else {
                print!("{}", coding_out_letter(&answer));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn explain(code: &str, tax_year: Option<&str>, as_json: bool) -> anyhow::Result<ExitCode> {
    let tax_year = match tax_year {
        Some(text) => TaxYear::parse(text)?,
        None => itsa_taxcode::tax_year_of(today()),
    };
    let explanation = itsa_taxcode::explain(&TaxCode::parse(code)?, tax_year)?;
    if as_json {
        println!("{}", serde_json::to_string_pretty(&json::explanation(&explanation))?);
    } else {
        print!("{}", explanation_letter(&explanation));
    }
    Ok(ExitCode::SUCCESS)
}

fn pay(path: &Path) -> anyhow::Result<ExitCode> {
    let input: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(io::BufReader::new(fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?))
    };
    let mut out = BufWriter::new(io::stdout().lock());
    for line in input.lines() {
        let line = line.context("cannot read the cases")?;
        if line.trim().is_empty() {
            continue;
        }
        serde_json::to_writer(&mut out, &cases::pay_case_line(&line))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Pounds as a person types them: `3000`, `3,000.50`, `£3000`.
fn amount(flag: &str, text: &str) -> anyhow::Result<Money> {
    let cleaned: String = text.trim().trim_start_matches('£').chars().filter(|c| *c != ',').collect();
    Decimal::from_str(&cleaned).map(Money::new).map_err(|_| anyhow!("{flag}: '{text}' is not an amount in pounds"))
}

/// Today's date (UTC) from the system clock.
fn today() -> Date {
    let days = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Date::new(year, month, day).unwrap_or_else(|| Date::new(1970, 1, 1).expect("a date"))
}

const WIDTH: usize = 88;

/// `text` wrapped to the page, every line starting with `indent` (the first with `first`).
fn wrap(out: &mut String, first: &str, indent: &str, text: &str) {
    let mut line = String::from(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            let _ = writeln!(out, "{}", line.trim_end());
            line = String::from(indent);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    let _ = writeln!(out, "{}", line.trim_end());
}

fn regime_words(e: &Explanation) -> &'static str {
    match e.code.regime() {
        itsa_taxcode::Regime::RestOfUk => "England and Northern Ireland",
        itsa_taxcode::Regime::Scotland => "Scottish",
        itsa_taxcode::Regime::Wales => "Welsh",
    }
}

/// The explanation as a short letter: the gist, each part, the rates, what to do next.
pub fn explanation_letter(e: &Explanation) -> String {
    let mut out = String::new();
    let code = e.code;
    let _ = writeln!(out, "Your tax code {code} for {}\n", e.tax_year);
    wrap(&mut out, "", "", &e.summary());

    let _ = writeln!(out, "\nWhat each part means\n");
    let label_width = e.parts.iter().map(|p| p.text.len()).max().unwrap_or(0).max(2) + 3;
    for part in &e.parts {
        let first = format!("  {:<width$}", part.text, width = label_width);
        wrap(&mut out, &first, &" ".repeat(label_width + 2), &part.meaning);
        out.push('\n');
    }

    match code.kind() {
        Kind::NoTax => {}
        Kind::BasicRate | Kind::D0 | Kind::D1 | Kind::D2 | Kind::D3 => {
            let rate = e.flat_rate.map_or_else(String::new, |r| r.to_string());
            wrap(
                &mut out,
                "",
                "",
                &format!(
                    "Every pound from this job or pension is taxed at {rate} (pence are ignored). If this is your \
                     only income, or your main one, the code is probably wrong: ask HMRC to check it."
                ),
            );
        }
        Kind::Suffix | Kind::K => {
            let taxable = match (code.kind(), code.number()) {
                (Kind::K, _) => "pay plus the amount the K code adds",
                (_, Some(0)) => "all your pay from this source",
                _ => "pay above your tax-free amount",
            };
            let _ = writeln!(out, "{} rates for {}, on {taxable}\n", regime_words(e), e.tax_year);
            let mut from = Money::ZERO;
            for band in &e.bands {
                let range = match band.limit {
                    Some(limit) if from.is_zero() => format!("the first {}", pounds(limit)),
                    Some(limit) => format!("{} to {}", pounds(from + Money::pounds(1)), pounds(limit)),
                    None => format!("above {}", pounds(from)),
                };
                let _ = writeln!(out, "  {:<14}{:>5}   {range}", band.name, band.rate.to_string());
                from = band.limit.unwrap_or(from);
            }
            let _ = writeln!(
                out,
                "\n  Your employer spreads these bands over the year: a month's share each month, a\n  week's share each week{}.",
                if code.basis_marker().is_none() {
                    ", and looks at your pay and tax for the whole year so far, so\n  overpaid tax comes back to you through your pay"
                } else {
                    ""
                }
            );
        }
    }

    while out.ends_with("\n\n") {
        out.pop();
    }
    let _ = writeln!(out, "\nGood to know\n");
    if e.is_emergency_code() {
        wrap(
            &mut out,
            "  - ",
            "    ",
            &format!(
                "{} is also the emergency code for {}: what an employer uses when it has no code from HMRC for \
                 you. If that is why you have it, HMRC will send a proper code once it knows about all your jobs \
                 and pensions; any tax overpaid comes back through your pay or after the year ends.",
                e.emergency_code, e.tax_year
            ),
        );
    }
    if code.kind() == Kind::K {
        wrap(
            &mut out,
            "  - ",
            "    ",
            &format!(
                "No more than {} of any one payment can go in tax under a K code. Tax held back by that limit is \
                 collected later in the year, or after it ends.",
                e.overriding_limit
            ),
        );
    }
    wrap(
        &mut out,
        "  - ",
        "    ",
        "With more than one job or pension, usually only the main one gets your tax-free allowance; the others \
         have BR, D or 0T codes.",
    );
    wrap(
        &mut out,
        "  - ",
        "    ",
        "If anything here does not match your circumstances, tell HMRC (online through your personal tax \
         account or the HMRC app). Only HMRC can change a code; your employer must use the one it is given.",
    );
    out
}

/// The coding-out answer as a short letter.
pub fn coding_out_letter(c: &CodingOut) -> String {
    let mut out = String::new();
    let r = &c.request;
    let what = match r.kind {
        DebtKind::BalancingPayment => "a Self Assessment balancing payment",
        DebtKind::Other => "a debt",
    };
    let _ = writeln!(out, "Collecting {} ({what}) through your {} tax code\n", pounds(r.debt), r.tax_year);
    if c.would_code_out() {
        wrap(&mut out, "", "", "Yes: HMRC would normally collect this through your tax code, spread over the year.");
    } else {
        let _ = writeln!(out, "No: HMRC would not collect this through your tax code, because");
        for refusal in &c.refusals {
            wrap(&mut out, "  - ", "    ", &refusal.to_string());
        }
        let _ = writeln!(out, "\nYou would pay it directly to HMRC instead.");
    }

    if let (Some(restriction), Some(new_code), Some(rate)) = (c.restriction, c.new_code, c.marginal_rate) {
        let _ = writeln!(out, "\n{}\n", if c.would_code_out() { "How it works" } else { "How it would have worked" });
        let effective = c.effective_rate.map(|r| Rate::new(r.as_percent().round_dp(2)));
        let how = if effective.is_some_and(|e| (e.as_percent() - rate.as_percent()).abs() >= Decimal::ONE) {
            format!(
                "Your marginal rate is {rate}, but taking that much off reaches into the next band, so HMRC \
                 blends the rates: about {} overall.",
                effective.map_or_else(String::new, |e| e.to_string())
            )
        } else {
            format!("That is {} divided by your marginal rate of {rate}.", pounds(r.debt))
        };
        wrap(
            &mut out,
            "",
            "",
            &format!(
                "With PAYE income of {} and the code {}, HMRC takes {} off your tax-free allowances, so that the \
                 extra tax over the year comes to the amount owed. {how} Your code would become {new_code}.",
                pounds(r.paye_income),
                c.current_code,
                pounds(restriction),
            ),
        );
        if let (Some(before), Some(after), Some(extra)) = (c.annual_tax_before, c.annual_tax_after, c.extra_tax()) {
            out.push('\n');
            let _ = writeln!(out, "  Tax on your PAYE income, current code   {:>12}", pounds(before));
            let _ = writeln!(out, "  Tax on your PAYE income, new code       {:>12}", pounds(after));
            let _ = writeln!(
                out,
                "  Extra over the year                     {:>12}   (about {} a month)",
                pounds(extra),
                pounds(Money::new((extra.amount() / Decimal::from(12)).round_dp(2)))
            );
            out.push('\n');
            wrap(
                &mut out,
                "",
                "",
                "Codes carry whole pounds with the last digit dropped, so the extra tax can differ from the amount \
                 owed by a few pounds; your Self Assessment calculation for the year settles the difference.",
            );
        }
    }

    let _ = writeln!(out, "\nGood to know\n");
    let limit_words = match r.kind {
        DebtKind::BalancingPayment => format!(
            "A balancing payment is coded out only if it is under {} and you already pay tax through PAYE. It \
             also needs your return in on time: online by 30 December (paper by 31 October) after the tax year.",
            pounds(c.limit)
        ),
        DebtKind::Other => format!(
            "Other debts can be coded out up to a limit set by your PAYE income; with {} it is {}.",
            pounds(r.paye_income),
            pounds(c.limit)
        ),
    };
    wrap(&mut out, "  - ", "    ", &limit_words);
    wrap(
        &mut out,
        "  - ",
        "    ",
        "HMRC never codes out an amount that would take more than half your PAYE income in tax, or more than \
         double the tax you normally pay. Class 2 National Insurance cannot be coded out.",
    );
    wrap(
        &mut out,
        "  - ",
        "    ",
        "You can ask HMRC not to collect it this way (the box on the return, or the opt-out in your software) \
         and pay by 31 January instead. If your job or pension ends, anything not collected goes back onto \
         your Self Assessment account.",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_reads_like_a_letter() {
        let e = itsa_taxcode::explain(&TaxCode::parse("S1257L M1").unwrap(), TaxYear::starting(2025)).unwrap();
        let letter = explanation_letter(&e);
        assert!(letter.starts_with("Your tax code S1257L M1 for 2025-26"), "{letter}");
        assert!(letter.contains("Scottish rates for 2025-26"), "{letter}");
        assert!(letter.contains("intermediate"), "{letter}");
        assert!(letter.lines().all(|l| l.chars().count() <= WIDTH), "{letter}");
    }

    #[test]
    fn amounts_as_people_type_them() {
        assert_eq!(amount("--debt", "£3,000.50").unwrap(), Money::new(Decimal::new(300_050, 2)));
        assert!(amount("--debt", "three").is_err());
    }

    #[test]
    fn today_is_a_plausible_date() {
        assert!(today().year() >= 2025);
    }
}
