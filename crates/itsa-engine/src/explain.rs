//! Every figure of a calculation traced to what it came from: the inputs, the parameters
//! of `itsa-rules` (with their legal source) and the rule applied.
//!
//! The trace is worked from the calculation and its inputs after the fact, so that the
//! calculation itself pays nothing for it; each step names the figure as HMRC's
//! calculation object does (`taxCalculation.incomeTax.incomeTaxCharged`).

use itsa_rules::{Money, Regime, Rules};

use crate::calculation::{BandName, Calculation, IncomeTaxCategory};
use crate::inputs::Inputs;

/// One figure of the calculation and how it was reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// HMRC's name for the figure, as a path in the v8/v9 calculation object (a bare
    /// name where HMRC's object has no such figure, such as `adjustedNetIncome`).
    pub figure: String,
    pub amount: Money,
    /// The rule applied, with its legal source.
    pub rule: String,
    /// The inputs it came from, each with its amount.
    pub inputs: Vec<String>,
    /// The parameters it used, by name (their values and sources are in `itsa-rules`).
    pub parameters: Vec<&'static str>,
}

struct Trace {
    steps: Vec<Step>,
}

impl Trace {
    fn step(&mut self, figure: impl Into<String>, amount: Money, rule: impl Into<String>) -> &mut Step {
        self.steps.push(Step {
            figure: figure.into(),
            amount,
            rule: rule.into(),
            inputs: Vec::new(),
            parameters: Vec::new(),
        });
        self.steps.last_mut().expect("just pushed")
    }
}

impl Step {
    fn input(&mut self, name: impl Into<String>, amount: Money) -> &mut Self {
        self.inputs.push(format!("{} = {}", name.into(), amount.amount().normalize()));
        self
    }

    fn parameters(&mut self, names: &[&'static str]) -> &mut Self {
        self.parameters.extend_from_slice(names);
        self
    }
}

/// The parameters behind a non-savings band of the regime: its rate and its upper limit.
fn non_savings_parameters(regime: Regime, band: BandName) -> &'static [&'static str] {
    match (regime, band) {
        (Regime::Scotland, BandName::StarterRate) => &["scottish_starter_rate", "scottish_starter_limit"],
        (Regime::Scotland, BandName::BasicRate) => &["scottish_basic_rate", "scottish_basic_limit"],
        (Regime::Scotland, BandName::IntermediateRate) => {
            &["scottish_intermediate_rate", "scottish_intermediate_limit"]
        }
        (Regime::Scotland, BandName::HigherRate) => &["scottish_higher_rate", "scottish_higher_limit"],
        (Regime::Scotland, BandName::AdvancedRate) => &["scottish_advanced_rate", "scottish_advanced_limit"],
        (Regime::Scotland, BandName::AdditionalRate) => &["scottish_top_rate"],
        (_, BandName::BasicRate) => &["basic_rate", "basic_rate_limit"],
        (_, BandName::HigherRate) => &["higher_rate", "basic_rate_limit", "higher_rate_limit"],
        (_, BandName::AdditionalRate) => &["additional_rate", "higher_rate_limit"],
        _ => &[],
    }
}

/// The parameters behind a savings or dividend band: its rate, or the allowance charged
/// at nil, and the UK limits that place it. `savings_allowance` is the personal savings
/// allowance the taxpayer has (ITA 2007 s12B), whichever band its nil rate falls in.
fn stacked_parameters(dividends: bool, band: BandName, savings_allowance: &'static str) -> &'static [&'static str] {
    match (dividends, band) {
        (false, BandName::SavingsStarterRate) => &["savings_starting_rate", "savings_starting_rate_limit"],
        (
            false,
            BandName::AllowanceAwardedAtBasicRate
            | BandName::AllowanceAwardedAtHigherRate
            | BandName::AllowanceAwardedAtAdditionalRate,
        ) => match savings_allowance {
            "personal_savings_allowance_basic" => &["personal_savings_allowance_basic"],
            "personal_savings_allowance_higher" => &["personal_savings_allowance_higher"],
            _ => &["personal_savings_allowance_additional"],
        },
        (false, BandName::BasicRate) => &["savings_basic_rate", "basic_rate_limit"],
        (false, BandName::HigherRate) => &["savings_higher_rate", "higher_rate_limit"],
        (false, BandName::AdditionalRate) => &["savings_additional_rate", "higher_rate_limit"],
        (true, BandName::BasicRate) => &["dividend_ordinary_rate", "basic_rate_limit"],
        (true, BandName::HigherRate) => &["dividend_upper_rate", "higher_rate_limit"],
        (true, BandName::AdditionalRate) => &["dividend_additional_rate", "higher_rate_limit"],
        (true, _) => &["dividend_allowance"],
        _ => &[],
    }
}

fn bands(
    trace: &mut Trace,
    regime: Regime,
    savings_allowance: &'static str,
    path: &str,
    category: &IncomeTaxCategory,
    kind: Category,
) {
    for b in &category.tax_bands {
        let parameters = match kind {
            Category::NonSavings => non_savings_parameters(regime, b.name),
            Category::Savings => stacked_parameters(false, b.name, savings_allowance),
            Category::Dividends => stacked_parameters(true, b.name, savings_allowance),
        };
        trace
            .step(
                format!("taxCalculation.incomeTax.{path}.taxBands[{}].taxAmount", b.name.hmrc_name()),
                b.tax_amount,
                format!(
                    "{} of income in the {} at {}%, truncated to the penny (ITA 2007 s6-s13, docs/rounding.md)",
                    b.income,
                    b.name.description(),
                    b.rate.as_percent().normalize()
                ),
            )
            .parameters(parameters);
    }
}

#[derive(Clone, Copy)]
enum Category {
    NonSavings,
    Savings,
    Dividends,
}

/// The trace of `calculation`, worked from `inputs`.
pub fn explain(inputs: &Inputs, calculation: &Calculation) -> Vec<Step> {
    let mut t = Trace { steps: Vec::new() };
    let c = calculation;
    let it = &c.tax_calculation.income_tax;
    let regime = inputs.regime;

    // Income.
    {
        let s = t.step(
            "taxCalculation.incomeTax.totalIncomeReceivedFromAllSources",
            it.total_income_received_from_all_sources,
            "every source's income in whole pounds, rounded down (ITA 2007 s23 step 1; docs/rounding.md)",
        );
        for (n, e) in inputs.employments.iter().enumerate() {
            s.input(format!("employments[{n}] ({}) pay", e.name), e.pay);
            if !e.benefits_in_kind.is_zero() {
                s.input(format!("employments[{n}] ({}) benefits in kind", e.name), e.benefits_in_kind);
            }
        }
        for (n, p) in inputs.pensions.iter().enumerate() {
            s.input(format!("pensions[{n}] ({})", p.name), p.amount);
        }
        if !inputs.state_pension.is_zero() {
            s.input("State Pension", inputs.state_pension);
        }
        for b in &inputs.state_benefits {
            s.input(format!("state benefit {}", b.name), b.amount);
        }
        for b in &c.business_profit_and_loss {
            s.input(
                format!("{} {} taxable profit", b.income_source_type.hmrc_name(), b.income_source_id),
                b.taxable_profit,
            );
            if let Some(tp) = b.transition {
                s.input(
                    format!("self-employment {} transition profit after losses", b.income_source_id),
                    tp.after_losses,
                );
            }
        }
        for a in &inputs.savings_accounts {
            s.input(format!("savings account {} gross interest", a.name), a.gross_interest);
        }
        if !inputs.dividends.is_zero() {
            s.input("UK dividends", inputs.dividends);
        }
        if !inputs.foreign_dividends.is_zero() {
            s.input("foreign dividends", inputs.foreign_dividends);
        }
        if !inputs.other_income.is_zero() {
            s.input("other income", inputs.other_income);
        }
        for r in &inputs.post_cessation_receipts {
            s.input("post-cessation receipt of a ceased trade (ITTOIA 2005 s242)", *r);
        }
        for g in &inputs.life_policy_gains {
            s.input(format!("life policy gain {} ({})", g.name, g.kind.hmrc_name()), g.gain);
        }
        let f = &inputs.foreign;
        if !f.other_uk_dividends.is_zero() {
            s.input("other UK dividends", f.other_uk_dividends);
        }
        for d in &f.other_dividends {
            s.input(format!("{} (dividend income)", d.kind.hmrc_name()), d.gross_amount);
        }
        if let Some(sec) = &f.uk_securities {
            s.input("interest from UK securities", sec.gross_amount);
        }
        for src in &f.sources {
            s.input(format!("{:?} from {} (taxable amount)", src.kind, src.country_code), src.taxable_amount);
        }
        if let Some(b) = &f.benefits_and_gifts {
            s.input("chargeable foreign benefits and gifts", b.total());
        }
        if let Some(g) = f.offshore_income_gains {
            s.input("offshore income gains", g);
        }
        if let Some(e) = &c.employment {
            let f = &e.figures;
            for (what, amount) in [
                ("tips", f.tips),
                ("share scheme income", f.share_schemes),
                ("taxable lump sums", f.lump_sums),
                ("termination payments over the threshold", f.termination_payments),
            ] {
                if !amount.is_zero() {
                    s.input(what, amount);
                }
            }
            if !f.expenses_deducted.is_zero() {
                s.input("less employment expenses", -f.expenses_deducted);
            }
            if !f.payroll_giving_from_earnings.is_zero() {
                s.input("less payroll giving, from earnings (ITEPA 2003 s713(4)(a))", -f.payroll_giving_from_earnings);
            }
            if !f.payroll_giving_from_pensions.is_zero() {
                s.input("less payroll giving, from pensions (ITEPA 2003 s713(4)(c))", -f.payroll_giving_from_pensions);
            }
        }
    }
    if let Some(e) = &c.employment
        && !e.figures.expenses_claimed.is_zero()
    {
        let s = t.step(
            "employmentExpenses.totalEmploymentExpenses",
            e.figures.expenses_claimed,
            "employment expenses, rounded up to whole pounds, deducted from pay, benefits in kind and tips and never below nil (ITEPA 2003 s327-s328, s336-s377)",
        );
        s.input("deducted", e.figures.expenses_deducted);
    }
    if let Some(amount) = c.allowances_and_deductions.payments_to_trade_unions_for_death_benefits {
        t.step(
            "allowancesAndDeductions.paymentsToTradeUnionsForDeathBenefits",
            amount,
            "half the payments to a trade union for death benefits, deducted from net income (ITEPA 2003 s457; ITA 2007 s24)",
        );
    }
    if let Some(l) = &it.lump_sums {
        t.step(
            "taxCalculation.incomeTax.lumpSums.incomeTaxAmount",
            l.income_tax_amount,
            "termination payments over £30,000, less the disability and foreign service reductions, taxed as non-savings income on top of all other income (ITEPA 2003 s403, s404A; ITA 2007 s1012)",
        );
    }
    if let Some(losses) = c.allowances_and_deductions.losses_applied_to_general_income {
        let s = t.step(
            "allowancesAndDeductions.lossesAppliedToGeneralIncome",
            losses,
            "trading losses of the year set against general income on a claim, up to the income and the cap on reliefs (ITA 2007 s64, s24A)",
        );
        for b in inputs.self_employments.iter().filter(|b| b.claims_sideways) {
            s.input(format!("self-employment {} adjusted profit", b.business_id), b.adjusted_profit);
        }
        s.parameters(&["income_tax_relief_cap_minimum", "income_tax_relief_cap_percent"]);
    }
    let d = &c.allowances_and_deductions.deductions;
    let claims = &inputs.relief_claims;
    for (figure, given, claimed, rule, parameters) in [
        (
            "allowancesAndDeductions.qualifyingLoanInterestFromInvestments",
            d.qualifying_loan_interest,
            claims.qualifying_loan_interest,
            "qualifying loan interest, up to the income left and the cap on reliefs (ITA 2007 s383, s24A)",
            &["income_tax_relief_cap_minimum", "income_tax_relief_cap_percent"][..],
        ),
        (
            "allowancesAndDeductions.postCessationTradeReceipts",
            d.post_cessation_relief,
            claims.post_cessation_relief,
            "post-cessation trade relief, up to the income left and the cap on reliefs (ITA 2007 s96, s24A)",
            &["income_tax_relief_cap_minimum", "income_tax_relief_cap_percent"][..],
        ),
        (
            "allowancesAndDeductions.grossAnnuityPayments",
            d.annual_payments.map(|a| a.gross),
            claims.annual_payments,
            "annual payments made, gross, deducted from net income (ITA 2007 s448)",
            &[][..],
        ),
        (
            "allowancesAndDeductions.pensionContributions",
            d.pension_contributions.map(|p| p.total()),
            claims.retirement_annuity_payments
                + claims.employer_scheme_no_tax_relief
                + claims.overseas_scheme_contributions,
            "pension contributions relieved on a claim, up to relevant UK earnings less relief-at-source contributions (FA 2004 s190, s194)",
            &["pension_relief_basic_amount"][..],
        ),
        (
            "allowancesAndDeductions.giftOfInvestmentsAndPropertyToCharity",
            d.gifts_of_investments,
            claims.gifts_of_investments,
            "shares, securities and land given to charity, at their value (ITA 2007 s431)",
            &[][..],
        ),
    ] {
        if let Some(given) = given {
            t.step(figure, given, rule).input("claimed", claimed).parameters(parameters);
        }
    }
    t.step(
        "adjustedNetIncome",
        it.adjusted_net_income,
        "net income less gross Gift Aid and relief-at-source pension contributions (ITA 2007 s58)",
    )
    .input("Gift Aid paid", inputs.gift_aid_paid)
    .input("relief-at-source contributions", inputs.pension_contributions_relief_at_source);
    t.step(
        "allowancesAndDeductions.personalAllowance",
        c.allowances_and_deductions.personal_allowance,
        "the personal allowance less £1 for every £2 of adjusted net income over the threshold (ITA 2007 s35)",
    )
    .parameters(&["personal_allowance", "personal_allowance_taper_threshold", "personal_allowance_taper_divisor"]);
    if let Some(bpa) = c.allowances_and_deductions.blind_persons_allowance {
        t.step("allowancesAndDeductions.blindPersonsAllowance", bpa, "blind person's allowance (ITA 2007 s38)")
            .parameters(&["blind_persons_allowance"]);
    }
    if let Some(m) = c.allowances_and_deductions.marriage_allowance_transfer_out {
        t.step(
            "allowancesAndDeductions.marriageAllowanceTransferOut.transferredOutAmount",
            m.transferred_out_amount,
            "the personal allowance given to a spouse or civil partner (ITA 2007 s55B)",
        )
        .parameters(&["marriage_allowance_transferable_amount"]);
    }
    t.step(
        "taxCalculation.incomeTax.totalTaxableIncome",
        it.total_taxable_income,
        "income less allowances and reliefs, set against each kind of income where they save most tax (ITA 2007 s23 steps 2-3, s25(2))",
    );

    // Tax by band.
    let psa = it.personal_savings_allowance;
    let savings_allowance = match Rules::for_year(inputs.tax_year, regime) {
        Ok(r) if psa == r.personal_savings_allowance_basic => "personal_savings_allowance_basic",
        Ok(r) if psa == r.personal_savings_allowance_higher => "personal_savings_allowance_higher",
        _ => "personal_savings_allowance_additional",
    };
    for (path, category, kind) in [
        ("payPensionsProfit", &it.pay_pensions_profit, Category::NonSavings),
        ("savingsAndGains", &it.savings_and_gains, Category::Savings),
        ("dividends", &it.dividends, Category::Dividends),
        ("gainsOnLifePolicies", &it.gains_on_life_policies, Category::Savings),
    ] {
        if let Some(category) = category {
            bands(&mut t, regime, savings_allowance, path, category, kind);
        }
    }
    t.step(
        "taxCalculation.incomeTax.incomeTaxCharged",
        it.income_tax_charged,
        "the tax of every band (ITA 2007 s23 step 5)",
    );

    // Reductions.
    for r in &c.reliefs.reliefs_claimed {
        let (rule, parameters): (&str, &[&'static str]) = match r.kind {
            crate::calculation::ReliefType::VctSubscriptions => {
                ("ITA 2007 s262-s263", &["vct_relief_rate", "vct_maximum_subscriptions"])
            }
            crate::calculation::ReliefType::EisSubscriptions => (
                "ITA 2007 s158",
                &["eis_relief_rate", "eis_maximum_subscriptions", "eis_maximum_subscriptions_knowledge_intensive"],
            ),
            crate::calculation::ReliefType::SeedEnterpriseInvestment => {
                ("ITA 2007 s257AB", &["seis_relief_rate", "seis_maximum_subscriptions"])
            }
            crate::calculation::ReliefType::CommunityInvestment => {
                ("ITA 2007 s333-s335", &["community_investment_relief_rate"])
            }
            crate::calculation::ReliefType::SocialEnterpriseInvestment => {
                ("ITA 2007 s257JA", &["social_investment_relief_rate", "social_investment_maximum"])
            }
            crate::calculation::ReliefType::MaintenancePayments => {
                ("ITA 2007 s453", &["maintenance_payments_relief_rate", "married_couples_allowance_minimum"])
            }
            crate::calculation::ReliefType::NonDeductibleLoanInterest => {
                ("ITA 2007 s399B", &["non_deductible_loan_interest_relief_rate"])
            }
        };
        t.step(
            format!("reliefs.reliefsClaimed[{}].amountUsed", r.kind.hmrc_name()),
            r.amount_used,
            format!("the rate on the amount claimed up to the year's limit, limited to the tax left ({rule}, s29)"),
        )
        .input("amount claimed", r.amount_claimed)
        .parameters(parameters);
    }
    if let Some(f) = &c.reliefs.residential_finance_costs {
        t.step(
            "reliefs.residentialFinanceCosts.totalResidentialFinanceCostsRelief",
            f.total_residential_finance_costs_relief,
            "the basic rate on the lowest of the costs, the property profits and adjusted total income (ITTOIA 2005 s274A-s274C)",
        )
        .input("residential finance costs", f.amount_claimed())
        .parameters(&["residential_finance_costs_relief_rate", "residential_finance_costs_deductible"]);
    }
    if let Some(tsr) = &c.reliefs.top_slicing_relief {
        t.step(
            "reliefs.topSlicingRelief.amount",
            tsr.amount,
            format!(
                "tax on the gains less tax treated as paid ({}) less that on their annual equivalent ({}) times the years, or the gains over the annual equivalent ({}) (ITTOIA 2005 s535-s537)",
                tsr.liability_on_gain, tsr.annual_equivalent, tsr.relieved_liability
            ),
        )
        .parameters(&["savings_basic_rate"]);
    }
    if let Some(r) = &c.foreign.foreign_tax_credit_relief {
        let s = t.step(
            "reliefs.foreignTaxCreditRelief.totalForeignTaxCreditRelief",
            r.total,
            if r.customer_calculated {
                "the relief the taxpayer worked out, limited to the tax left (ITA 2007 s29)"
            } else {
                "for each source the lesser of the foreign tax and the difference the income makes to the tax, sources in the order giving most relief, limited to the tax left (TIOPA 2010 s18, s36; ITA 2007 s29)"
            },
        );
        for d in &r.details {
            s.input(
                format!(
                    "{:?} from {}: UK tax on the income {}, foreign tax",
                    d.kind, d.country_code, d.uk_liability_on_income
                ),
                d.foreign_tax,
            );
        }
    }
    if let Some(r) = &c.foreign.royalty_payments {
        t.step(
            "taxCalculation.totalRoyaltyPaymentsTaxCharged",
            r.tax_charged,
            "the basic rate on patent royalties paid, deducted from them and charged on the payer (ITA 2007 s903); the gross payments are deducted from income (s448-449)",
        )
        .input("gross royalty payments", r.gross_royalty_payments)
        .parameters(&["royalty_payments_deduction_rate"]);
    }
    if it.total_notional_tax.is_positive() {
        t.step(
            "taxCalculation.incomeTax.totalNotionalTax",
            it.total_notional_tax,
            "basic-rate tax treated as paid on a UK policy gain, never repaid (ITTOIA 2005 s530)",
        )
        .parameters(&["savings_basic_rate"]);
    }
    if it.marriage_allowance_relief.is_positive() {
        t.step(
            "taxCalculation.incomeTax.marriageAllowanceRelief",
            it.marriage_allowance_relief,
            "the transferred allowance at the basic rate (ITA 2007 s55B(3))",
        )
        .parameters(&["marriage_allowance_transferable_amount", "marriage_allowance_relief_rate"]);
    }
    if let Some(g) = &c.gift_aid {
        t.step(
            "giftAid.giftAidCharge",
            g.gift_aid_charge,
            "the basic-rate tax on the gross gifts that the tax charged does not cover (ITA 2007 s424)",
        )
        .input("Gift Aid paid", inputs.gift_aid_paid)
        .parameters(&["gift_aid_gross_up_rate"]);
    }
    t.step(
        "taxCalculation.incomeTax.incomeTaxDueAfterGiftAid",
        it.income_tax_due_after_gift_aid,
        "the tax charged less reliefs and reductions, plus any Gift Aid charge (ITA 2007 s23 steps 6-7)",
    );

    // Charges.
    if let Some(h) = it.high_income_child_benefit_charge {
        t.step(
            "taxCalculation.incomeTax.highIncomeBenefitCharge",
            h.amount,
            "1% of the Child Benefit for every step of adjusted net income over the threshold (ITEPA 2003 s681C)",
        )
        .input("Child Benefit", inputs.child_benefit)
        .parameters(&["hicbc_threshold", "hicbc_taper_step"]);
    }
    if let Some(p) = &it.pension_savings_tax_charges {
        t.step(
            "taxCalculation.incomeTax.totalPensionSavingsTaxCharges",
            p.total_pension_savings_tax_charges,
            "the excess over the annual allowance charged as the top slice of income at the non-savings rates (FA 2004 s227), the unauthorised payments charge and surcharge (s208-s209), the overseas transfer charge (s244A) and the short service refund lump sum charge (s205), each less the tax paid on it",
        )
        .input("pension savings over the annual allowance", inputs.annual_allowance_excess)
        .input("annual allowance charge paid by the scheme", inputs.pension_charges.annual_allowance_tax_paid)
        .parameters(&[
            "unauthorised_payments_charge_rate",
            "unauthorised_payments_surcharge_rate",
            "overseas_transfer_charge_rate",
            "short_service_refund_lower_rate",
            "short_service_refund_lower_limit",
            "short_service_refund_upper_rate",
        ]);
    }
    if let Some(charge) = it.state_pension_lump_sum_charges {
        let step = t.step(
            "taxCalculation.incomeTax.statePensionLumpSumCharges",
            charge,
            "the State Pension lump sum at one rate, nil, basic, higher or additional by where taxable income without it reaches (F(No.2)A 2005 s7(5))",
        );
        for l in &inputs.state_pension_lump_sums {
            step.input("State Pension lump sum", l.amount);
        }
    }
    if let Some(charge) = it.winter_fuel_payment_charge {
        t.step(
            "taxCalculation.incomeTax.winterFuelPaymentCharge",
            charge,
            "the whole Winter Fuel Payment, as total income is over the threshold (ITEPA 2003 s681I)",
        )
        .input("Winter Fuel Payment", inputs.winter_fuel_payment)
        .parameters(&["winter_fuel_payment_charge_threshold"]);
    }
    if c.tax_calculation.total_annuity_payments_tax_charged.is_positive() {
        t.step(
            "taxCalculation.totalAnnuityPaymentsTaxCharged",
            c.tax_calculation.total_annuity_payments_tax_charged,
            "the basic-rate tax deducted from annual payments made, which the payer accounts for (ITA 2007 s900, s448)",
        )
        .parameters(&["annual_payments_deduction_rate"]);
    }
    t.step(
        "taxCalculation.incomeTax.totalIncomeTaxDue",
        it.total_income_tax_due,
        "income tax due with the charges and PAYE underpayments collected through the tax code",
    );

    // National Insurance and student loans.
    if let Some(c2) = &c.tax_calculation.nics.class2 {
        t.step(
            "taxCalculation.nics.class2Nics.amount",
            c2.amount,
            format!("{} weeks at the weekly rate where due or chosen (SSCBA 1992 s11)", c2.weeks),
        )
        .parameters(&["class2_weekly_rate", "class2_small_profits_threshold", "class2_weeks"]);
    }
    if let Some(on) = it.income_tax_charged_on_transition_profits {
        t.step(
            "taxCalculation.incomeTax.incomeTaxChargedOnTransitionProfits",
            on,
            "the tax charged less the tax charged without the transition profits (FA 2022 Sch 1; docs/differences.md 22)",
        )
        .input("income tax charged", it.income_tax_charged);
    }
    if let Some(c4) = c.tax_calculation.nics.class4.as_ref().filter(|c4| c4.profits.losses_used.is_positive()) {
        t.step(
            "taxCalculation.nics.class4Nics.totalClass4LossesUsed",
            c4.profits.losses_used,
            "Class 4 losses brought forward set against the trade's profits, and the year's losses set sideways against other trades' profits (SSCBA 1992 Sch 2 para 3)",
        )
        .input("profits liable to Class 4", c4.profits.liable)
        .input("Class 4 losses available", c4.profits.losses_available);
    }
    if let Some(c4) = &c.tax_calculation.nics.class4 {
        t.step(
            "taxCalculation.nics.class4Nics.totalAmount",
            c4.total_amount,
            "the main rate between the lower and upper profits limits, the additional rate above (SSCBA 1992 s15)",
        )
        .input("trading profits for Class 4", c4.total_income)
        .parameters(&[
            "class4_lower_profits_limit",
            "class4_upper_profits_limit",
            "class4_main_rate",
            "class4_additional_rate",
        ]);
    }
    for s in &c.student_loans {
        t.step(
            format!("studentLoans[{}].studentLoanRepaymentAmountNetOfDeductions", s.plan.description()),
            s.repayment_amount_net_of_deductions,
            format!(
                "{}% of income over the threshold of {}, less the employer's deductions, in whole pounds (Education (Student Loans) (Repayment) Regulations 2009)",
                s.rate.as_percent().normalize(),
                s.threshold
            ),
        );
    }

    // What is due.
    let tc = &c.tax_calculation;
    t.step(
        "taxCalculation.totalTaxDeducted",
        tc.total_tax_deducted,
        "tax deducted at source (PAYE, interest, benefits, and CIS and other tax taken off trading and property income) less underpayments collected through the tax code",
    );
    t.step(
        "taxCalculation.totalIncomeTaxAndNicsDue",
        tc.total_income_tax_and_nics_due,
        "income tax, National Insurance and student loans charged, less tax deducted",
    );
    if let (Some(g), Some(cgt)) = (&inputs.capital_gains, &tc.capital_gains_tax) {
        capital_gains_steps(&mut t, g, cgt);
    }
    t.steps
}

/// Capital gains tax: the gains, the deductions and the tax (TCGA 1992).
fn capital_gains_steps(t: &mut Trace, g: &crate::inputs::CapitalGains, c: &crate::calculation::CapitalGainsTax) {
    let path = "taxCalculation.capitalGainsTax";
    t.step(
        format!("{path}.totalCapitalGainsIncome"),
        c.total_capital_gains_income,
        "the year's gains before losses, each group in whole pounds",
    )
    .input("residential property gains", g.residential_gains)
    .input("other gains", g.other_gains)
    .input("attributed gains", g.attributed_gains)
    .input("gains qualifying for Business Asset Disposal Relief or Investors' Relief", g.relief_gains);
    t.step(
        format!("{path}.annualExemptionAmount"),
        c.annual_exemption_amount,
        "after this year's losses (s2(2)(a)) and losses brought forward down to the exempt amount (s2A), the annual exempt amount (TCGA 1992 s1K), each set against the groups in the way that gives the least tax (s4B)",
    )
    .input("losses of the year", g.losses_of_year)
    .input("losses brought forward", g.losses_brought_forward)
    .parameters(&["cgt_annual_exempt_amount"]);
    t.step(
        format!("{path}.capitalGainsTaxAmount"),
        c.capital_gains_tax_amount,
        "relief gains at the relief rate, using the unused basic rate band first (s169N); then residential and other gains at the lower rate within what is left of the band, the gains it saves most on first (s1I), and at the higher rate above (s1H-s1J)",
    )
    .parameters(&[
        "basic_rate_limit",
        "cgt_business_asset_disposal_relief_rate",
        "cgt_residential_lower_rate",
        "cgt_residential_higher_rate",
        "cgt_lower_rate",
        "cgt_higher_rate",
    ]);
    t.step(
        format!("{path}.capitalGainsTaxDue"),
        c.capital_gains_tax_due,
        "the tax with the taxpayer's adjustments (to 2024-25 they may reduce it; never below nil), less tax already paid on the gains (Real Time Transactions)",
    )
    .input("adjustments", g.adjustments)
    .input("tax already paid", g.tax_already_paid);
}
