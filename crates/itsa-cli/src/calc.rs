//! `itsa calc`: the engine from the command line.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use itsa_cases::{CaseLines, calculate_line, read_case};
use itsa_engine::Money;
use itsa_engine::calculation::{Calculation, IncomeTaxCategory, ReliefType};

/// Every line of the file is a case; every case gets one result line, in order.
pub fn run_cases(path: &Path) -> anyhow::Result<ExitCode> {
    let mut input: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(io::BufReader::new(fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?))
    };
    let mut stdout = io::stdout().lock();
    // The results are written into one buffer as they are made, several lines at a time,
    // and the buffer is written out when it is full enough: a line is not made in a
    // buffer of its own and copied into a writer's.
    let mut out = Vec::with_capacity(OUTPUT_CAPACITY);
    // One buffer for every line: a line is read into it, calculated and written out; and
    // one set of inputs, made afresh in it for each case.
    let mut line = String::new();
    let mut cases = CaseLines::default();
    loop {
        line.clear();
        if input.read_line(&mut line).context("cannot read the cases")? == 0 {
            break;
        }
        let case = line.trim_end_matches(['\n', '\r']);
        if case.trim().is_empty() {
            continue;
        }
        cases.append_result_line(&mut out, case);
        out.push(b'\n');
        if out.len() >= OUTPUT_FLUSH {
            stdout.write_all(&out)?;
            out.clear();
        }
    }
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The output is written out once it passes this many bytes ...
const OUTPUT_FLUSH: usize = 64 * 1024;
/// ... from a buffer with room for that and a line or two more, so that it seldom grows.
const OUTPUT_CAPACITY: usize = OUTPUT_FLUSH + 16 * 1024;

/// One case from a file: a readable breakdown, the result object with `--json`, or every
/// figure's trace with `--explain`.
pub fn run_one(path: &Path, json: bool, explain: bool) -> anyhow::Result<ExitCode> {
    let text = fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let line = serde_json::from_str::<serde_json::Value>(&text)
        .with_context(|| format!("{} is not JSON", path.display()))?
        .to_string();
    if json {
        println!("{}", serde_json::to_string_pretty(&calculate_line(&line))?);
        return Ok(ExitCode::SUCCESS);
    }
    let (id, inputs) = read_case(&line).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let calculation = itsa_engine::calculate(&inputs).map_err(|e| anyhow::anyhow!("{id}: {e}"))?;
    if explain {
        print!("{}", explanation(&id, &inputs, &calculation));
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", breakdown(&id, &calculation));
    Ok(ExitCode::SUCCESS)
}

/// Every figure of the calculation with the inputs, parameters (their values for the year
/// and their legal source) and the rule it came from.
pub fn explanation(id: &str, inputs: &itsa_engine::Inputs, c: &Calculation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{id}: tax year {}, {} taxpayer\n", c.tax_year, c.regime.hmrc_name());
    for step in itsa_engine::explain::explain(inputs, c) {
        let _ = writeln!(out, "{}  {}", step.figure, pounds(step.amount));
        let _ = writeln!(out, "    rule: {}", step.rule);
        for input in &step.inputs {
            let _ = writeln!(out, "    from: {input}");
        }
        for name in &step.parameters {
            let value = itsa_engine::Rules::value_text(name, c.tax_year, c.regime).unwrap_or_else(|| "-".into());
            let source = itsa_engine::Rules::parameter(name).map_or("", |p| p.source.as_str());
            let _ = writeln!(out, "    parameter {name} = {value} ({source})");
        }
    }
    out
}

/// Pounds with thousands separators and pence: 12,570.00.
fn pounds(m: Money) -> String {
    let a = m.amount().round_dp(2);
    let negative = a.is_sign_negative() && !a.is_zero();
    let text = format!("{:.2}", a.abs());
    let (whole, pence) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}£{grouped}.{pence}", if negative { "-" } else { "" })
}

fn row(out: &mut String, label: &str, amount: Money) {
    let _ = writeln!(out, "  {label:<52}{:>16}", pounds(amount));
}

fn category(out: &mut String, title: &str, c: &IncomeTaxCategory) {
    let _ = writeln!(out, "  {title}: {} taxable", pounds(c.taxable_income));
    for b in &c.tax_bands {
        let _ = writeln!(
            out,
            "    {:<30}{:>14} at {:>6}%{:>14}",
            b.name.description(),
            pounds(b.income),
            b.rate.as_percent().normalize(),
            pounds(b.tax_amount)
        );
    }
}

/// A breakdown a person can follow from income to the amount due.
pub fn breakdown(id: &str, c: &Calculation) -> String {
    let tc = &c.tax_calculation;
    let it = &tc.income_tax;
    let mut out = String::new();
    let _ = writeln!(out, "{id}: tax year {}, {} taxpayer\n", c.tax_year, c.regime.hmrc_name());

    let _ = writeln!(out, "Income");
    row(&mut out, "Total income received", it.total_income_received_from_all_sources);
    if let Some(losses) = c.allowances_and_deductions.losses_applied_to_general_income {
        row(&mut out, "Less: trading losses set against other income", -losses);
    }
    let d = &c.allowances_and_deductions.deductions;
    for (name, amount) in [
        ("Less: qualifying loan interest", d.qualifying_loan_interest),
        ("Less: post-cessation trade relief", d.post_cessation_relief),
        ("Less: annual payments made (gross)", d.annual_payments.map(|a| a.gross)),
        ("Less: pension contributions relieved on a claim", d.pension_contributions.map(|p| p.total())),
        ("Less: gifts of shares, securities and land to charity", d.gifts_of_investments),
    ] {
        if let Some(amount) = amount.filter(|a| a.is_positive()) {
            row(&mut out, name, -amount);
        }
    }
    row(&mut out, "Adjusted net income", it.adjusted_net_income);
    let a = &c.allowances_and_deductions;
    row(&mut out, "Personal allowance", a.personal_allowance);
    if let Some(t) = a.marriage_allowance_transfer_out {
        row(&mut out, "Marriage allowance given to your partner", -t.transferred_out_amount);
    }
    if let Some(b) = a.blind_persons_allowance {
        row(&mut out, "Blind person's allowance", b);
    }
    row(&mut out, "Allowances and deductions set against income", it.total_allowances_and_deductions);
    row(&mut out, "Taxable income", it.total_taxable_income);

    let _ = writeln!(out, "\nIncome tax");
    for (title, cat) in [
        ("Pay, pensions and profits", &it.pay_pensions_profit),
        ("Savings", &it.savings_and_gains),
        ("Dividends", &it.dividends),
    ] {
        if let Some(cat) = cat {
            category(&mut out, title, cat);
        }
    }
    if let Some(gains) = &it.gains_on_life_policies {
        category(&mut out, "Life policy gains", gains);
    }
    row(&mut out, "Income tax charged", it.income_tax_charged);
    for r in &c.reliefs.reliefs_claimed {
        let name = match r.kind {
            ReliefType::VctSubscriptions => "venture capital trust relief",
            ReliefType::EisSubscriptions => "enterprise investment scheme relief",
            ReliefType::SeedEnterpriseInvestment => "seed enterprise investment scheme relief",
            ReliefType::CommunityInvestment => "community investment tax relief",
            ReliefType::SocialEnterpriseInvestment => "social investment tax relief",
            ReliefType::MaintenancePayments => "maintenance payments relief",
            ReliefType::NonDeductibleLoanInterest => "non-deductible loan interest relief",
        };
        row(&mut out, &format!("Less: {name}"), -r.amount_used);
    }
    if let Some(fc) = &c.reliefs.residential_finance_costs {
        row(&mut out, "Less: finance costs relief", -fc.total_residential_finance_costs_relief);
    }
    if let Some(t) = c.reliefs.top_slicing_relief.filter(|t| t.amount.is_positive()) {
        row(&mut out, "Less: top slicing relief", -t.amount);
    }
    if it.total_notional_tax.is_positive() {
        row(&mut out, "Less: tax treated as paid on the policy gain", -it.total_notional_tax);
    }
    if !it.marriage_allowance_relief.is_zero() {
        row(&mut out, "Less: marriage allowance relief", -it.marriage_allowance_relief);
    }
    if let Some(g) = c.gift_aid.filter(|g| g.gift_aid_charge.is_positive()) {
        row(&mut out, "Add: Gift Aid tax charge", g.gift_aid_charge);
    }
    row(&mut out, "Income tax due", it.income_tax_due_after_gift_aid);
    if let Some(h) = it.high_income_child_benefit_charge {
        row(&mut out, &format!("High Income Child Benefit Charge ({}%)", h.charge_percentage), h.amount);
    }
    if let Some(p) = &it.pension_savings_tax_charges {
        row(&mut out, "Pension savings tax charges (less tax paid)", p.total_pension_savings_tax_charges);
    }
    if let Some(charge) = it.state_pension_lump_sum_charges {
        row(&mut out, "State Pension lump sum charge", charge);
    }
    if let Some(charge) = it.winter_fuel_payment_charge {
        row(&mut out, "Winter Fuel Payment charge", charge);
    }
    if it.paye_underpayments_coded_out.is_positive() {
        row(&mut out, "PAYE underpayments collected through your code", it.paye_underpayments_coded_out);
    }
    if tc.total_annuity_payments_tax_charged.is_positive() {
        row(&mut out, "Tax deducted from annual payments you made", tc.total_annuity_payments_tax_charged);
    }

    if let Some(class4) = &tc.nics.class4 {
        let _ = writeln!(out, "\nNational Insurance");
        if let Some(class2) = tc.nics.class2 {
            row(
                &mut out,
                &format!("Class 2 ({} weeks at {})", class2.weeks, pounds(class2.weekly_rate)),
                class2.amount,
            );
        }
        row(&mut out, "Class 4", class4.total_amount);
    }
    if !c.student_loans.is_empty() {
        let _ = writeln!(out, "\nStudent loans");
        for s in &c.student_loans {
            row(
                &mut out,
                &format!(
                    "{} ({}% over {})",
                    s.plan.description(),
                    s.rate.as_percent().normalize(),
                    pounds(s.threshold)
                ),
                s.repayment_amount_net_of_deductions,
            );
        }
    }

    let _ = writeln!(out, "\nTotals");
    row(&mut out, "Income tax, NICs and student loans charged", tc.total_income_tax_nics_charged);
    row(&mut out, "Tax deducted at source", tc.total_tax_deducted_before_coding_out);
    if tc.sa_underpayments_coded_out.is_positive() {
        row(&mut out, "Less: Self Assessment debt collected through your code", -tc.sa_underpayments_coded_out);
    }
    row(&mut out, "Total due", tc.total_income_tax_and_nics_due);

    let notes = c.messages.info.iter().chain(&c.messages.warnings).chain(&c.messages.errors);
    let mut first = true;
    for m in notes {
        if first {
            let _ = writeln!(out, "\nNotes");
            first = false;
        }
        let _ = writeln!(out, "  [{}] {}", m.id, m.text);
    }
    out
}
