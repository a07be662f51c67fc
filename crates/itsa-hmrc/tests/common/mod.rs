//! Shared by the schema tests: a spread of taxpayers touching every part of the views.
//! Schema loading lives in itsa-testkit.

#![allow(dead_code)]

use itsa_engine::inputs::{
    BusinessTaxDeducted, Employment, MarriageAllowance, Pension, SavingsAccount, SelfEmployment, StateBenefit,
    StudentLoanPlan, UkProperty,
};
use itsa_engine::{Date, Inputs, Money, Regime, TaxYear};
#[allow(unused_imports)]
pub use itsa_testkit::{list_schemas, retrieve_schemas};

/// `shared/hmrc-api/individual-calculations`, or `None` (the test is skipped).
pub fn shared_dir() -> Option<std::path::PathBuf> {
    itsa_testkit::calculations_api_dir()
}

pub fn m(pounds: i64) -> Money {
    Money::pounds(pounds)
}

pub fn pence(amount: &str) -> Money {
    Money::new(amount.parse().unwrap())
}

/// 30 September of the year: half way through, for an in-year calculation.
pub fn mid_year(year: TaxYear) -> Date {
    Date::parse(&format!("{}-09-30", year.start_year())).unwrap()
}

/// A spread of taxpayers touching every part of the view.
pub fn cases(year: TaxYear, regime: Regime) -> Vec<(&'static str, Inputs)> {
    let new = || Inputs::new(year, regime);
    let mut cases = Vec::new();

    cases.push(("no income", new()));

    let mut employee = new();
    employee.employments.push(Employment {
        name: "Acme Widgets Ltd".into(),
        pay: pence("52340.67"),
        benefits_in_kind: m(1_250),
        tax_deducted: pence("8123.40"),
        student_loan_deductions: m(1_100),
        postgraduate_loan_deductions: m(300),
        ..Default::default()
    });
    employee.savings_accounts.push(SavingsAccount {
        name: "SAVINGS00000001".into(),
        gross_interest: m(1_500),
        tax_deducted: m(0),
    });
    employee.savings_accounts.push(SavingsAccount {
        name: "Old bond".into(),
        gross_interest: pence("250.50"),
        tax_deducted: pence("50.10"),
    });
    employee.dividends = m(3_000);
    employee.gift_aid_paid = m(800);
    employee.pension_contributions_relief_at_source = pence("2500.25");
    employee.student_loan_plans = vec![StudentLoanPlan::Plan2, StudentLoanPlan::Postgraduate];
    employee.child_benefit = pence("2212.60");
    employee.coded_out.sa_underpayments = pence("420.00");
    employee.coded_out.paye_underpayments = pence("130.55");
    cases.push(("employee with savings, dividends, gift aid, pension, loans, child benefit, coding out", employee));

    // Every relief and deduction of itsa_engine::reliefs, with the detail of each investment.
    let mut claimant = new();
    claimant.date_of_birth = Some(Date::parse("1934-06-01").unwrap());
    claimant.pensions.push(Pension { name: "Mutual pension".into(), amount: m(48_000), tax_deducted: m(6_000) });
    claimant.employments.push(Employment { name: "Part time".into(), pay: m(9_000), ..Default::default() });
    claimant.gift_aid_paid = m(400);
    claimant.pension_contributions_relief_at_source = m(1_000);
    claimant.investment_subscriptions.vct = m(2_000);
    {
        use itsa_engine::calculation::ReliefType;
        use itsa_engine::reliefs::ReliefDetail;
        let c = &mut claimant.relief_claims;
        c.retirement_annuity_payments = pence("300.50");
        c.employer_scheme_no_tax_relief = m(200);
        c.overseas_scheme_contributions = m(100);
        c.one_off_pension_contributions = m(250);
        c.gifts_of_investments = pence("1200.10");
        c.qualifying_loan_interest = m(450);
        c.post_cessation_relief = m(300);
        c.annual_payments = m(600);
        c.community_investment = m(10_000);
        c.social_investment = m(1_000);
        c.maintenance_payments = m(2_500);
        c.maintenance_party_born_before_1935 = true;
        let detail = |kind, amount, reference: &str| ReliefDetail {
            kind,
            amount_claimed: m(amount),
            unique_investment_ref: Some(reference.into()),
            name: Some("Fund".into()),
            company_name: None,
            customer_reference: None,
        };
        c.details = vec![
            detail(ReliefType::VctSubscriptions, 2_000, "VCT1"),
            detail(ReliefType::CommunityInvestment, 10_000, "CITR1"),
            detail(ReliefType::SocialEnterpriseInvestment, 1_000, "SI1"),
            ReliefDetail {
                kind: ReliefType::MaintenancePayments,
                amount_claimed: m(2_500),
                unique_investment_ref: None,
                name: None,
                company_name: None,
                customer_reference: Some("MAINT".into()),
            },
        ];
    }
    cases.push(("reliefs and deductions of every kind", claimant));

    let mut traders = new();
    traders.date_of_birth = Some(Date::parse("1980-05-17").unwrap());
    traders.self_employments.push(SelfEmployment {
        business_id: "XAIS12345678901".into(),
        adjusted_profit: pence("45210.90"),
        losses_brought_forward: m(2_000),
        claims_sideways: false,
        ..Default::default()
    });
    traders.self_employments.push(SelfEmployment {
        business_id: "XAIS12345678902".into(),
        adjusted_profit: m(-3_400),
        losses_brought_forward: m(700),
        claims_sideways: false,
        ..Default::default()
    });
    traders.uk_property = Some(UkProperty {
        business_id: "XPIS12345678901".into(),
        profit: m(18_000),
        residential_finance_costs: pence("6400.40"),
        finance_costs_brought_forward: m(1_000),
        losses_brought_forward: m(500),
        ..Default::default()
    });
    traders.other_income = m(650);
    traders.state_benefits.push(StateBenefit {
        name: "jobSeekersAllowance".into(),
        amount: m(1_200),
        tax_deducted: m(40),
        income_source_id: Some("00000000-0000-4000-8000-000000000001".into()),
        hmrc_held: false,
    });
    traders.state_benefits.push(StateBenefit {
        name: "incapacityBenefit".into(),
        amount: m(900),
        tax_deducted: m(0),
        income_source_id: Some("00000000-0000-4000-9000-000000000001".into()),
        hmrc_held: true,
    });
    traders.student_loan_plans = vec![StudentLoanPlan::Plan1];
    traders.class2_voluntary = true;
    traders.business_tax_deducted = BusinessTaxDeducted {
        cis: pence("1840.40"),
        trading_income: m(120),
        uk_property: pence("310.20"),
        foreign_property: m(0),
    };
    traders.post_cessation_receipts = vec![pence("1500.60"), m(250)];
    cases.push((
        "two trades (one a loss) and property with finance costs, tax taken off, post-cessation receipts",
        traders,
    ));

    let mut small_trader = new();
    small_trader.self_employments.push(SelfEmployment {
        business_id: "XAIS00000000004".into(),
        adjusted_profit: m(4_000),
        losses_brought_forward: m(0),
        claims_sideways: false,
        ..Default::default()
    });
    small_trader.class2_voluntary = true;
    small_trader.marriage_allowance = MarriageAllowance::Transferor;
    cases.push(("small trader paying Class 2 voluntarily, marriage allowance transferor", small_trader));

    let mut pensioner = new();
    pensioner.date_of_birth = Some(Date::parse("1950-01-01").unwrap());
    pensioner.state_pension = pence("11502.40");
    pensioner.state_pension_sources.push(StateBenefit {
        name: "statePension".into(),
        amount: pence("11502.40"),
        tax_deducted: pence("75.30"),
        income_source_id: Some("00000000-0000-4000-9000-000000000002".into()),
        hmrc_held: true,
    });
    pensioner.state_pension_lump_sums.push(StateBenefit {
        name: "statePensionLumpSum".into(),
        amount: m(8_000),
        tax_deducted: m(1_600),
        income_source_id: Some("00000000-0000-4000-8000-000000000002".into()),
        hmrc_held: false,
    });
    pensioner.winter_fuel_payment = m(200);
    pensioner.pensions.push(Pension { name: "Teachers' Pension".into(), amount: m(15_000), tax_deducted: m(600) });
    pensioner.self_employments.push(SelfEmployment {
        business_id: "XAIS00000000003".into(),
        adjusted_profit: m(12_000),
        losses_brought_forward: m(0),
        claims_sideways: false,
        ..Default::default()
    });
    pensioner.savings_accounts.push(SavingsAccount {
        name: "Premium account".into(),
        gross_interest: m(2_000),
        tax_deducted: m(0),
    });
    pensioner.blind_persons_allowance = true;
    pensioner.marriage_allowance = MarriageAllowance::Recipient;
    cases.push((
        "pensioner over State Pension age trading, blind person's allowance, marriage allowance recipient",
        pensioner,
    ));

    let mut high = new();
    high.employments.push(Employment {
        name: "0f9e8d7c-6b5a-4c3d-8e1f-2a3b4c5d6e7f".into(),
        pay: m(182_000),
        benefits_in_kind: m(9_000),
        tax_deducted: m(62_000),
        student_loan_deductions: m(0),
        postgraduate_loan_deductions: m(0),
        ..Default::default()
    });
    high.dividends = m(50_000);
    high.savings_accounts.push(SavingsAccount {
        name: "SAVINGS00000002".into(),
        gross_interest: m(10_000),
        tax_deducted: m(0),
    });
    high.gift_aid_paid = m(10_000);
    high.child_benefit = m(2_000);
    high.student_loan_plans = vec![StudentLoanPlan::Plan4, StudentLoanPlan::Plan5];
    cases.push(("additional-rate employee with large dividends and gift aid", high));

    let mut in_year = new();
    in_year.income_to_date = Some(mid_year(year));
    in_year.employments.push(Employment {
        name: "City Council".into(),
        pay: m(14_000),
        benefits_in_kind: m(0),
        tax_deducted: m(1_600),
        student_loan_deductions: m(0),
        postgraduate_loan_deductions: m(0),
        ..Default::default()
    });
    in_year.self_employments.push(SelfEmployment {
        business_id: "XAIS12345678901".into(),
        adjusted_profit: m(9_000),
        losses_brought_forward: m(0),
        claims_sideways: false,
        ..Default::default()
    });
    in_year.uk_property = Some(UkProperty {
        business_id: "XPIS12345678901".into(),
        profit: m(4_000),
        residential_finance_costs: m(1_000),
        finance_costs_brought_forward: m(0),
        losses_brought_forward: m(0),
        ..Default::default()
    });
    in_year.savings_accounts.push(SavingsAccount {
        name: "Easy saver".into(),
        gross_interest: m(400),
        tax_deducted: m(0),
    });
    in_year.dividends = m(1_500);
    in_year.state_pension = m(0);
    in_year.other_income = m(300);
    in_year.student_loan_plans = vec![StudentLoanPlan::Plan2];
    cases.push(("in-year calculation with an end-of-year estimate", in_year));

    let mut property_loss = new();
    property_loss.uk_property = Some(UkProperty {
        business_id: "XPIS12345678901".into(),
        profit: m(-2_500),
        residential_finance_costs: m(3_000),
        finance_costs_brought_forward: m(0),
        losses_brought_forward: m(1_000),
        ..Default::default()
    });
    property_loss.pensions.push(Pension { name: "Aviva".into(), amount: m(20_000), tax_deducted: m(1_500) });
    cases.push(("property loss and finance costs carried forward", property_loss));

    // PAYE repaid beyond what was deducted, on pay and on a pension, in year: the tax
    // deducted is below nil, the year's and the estimate's.
    let mut refunded = new();
    refunded.income_to_date = Some(mid_year(year));
    refunded.employments.push(Employment {
        name: "Seasonal Ltd".into(),
        pay: m(4_000),
        tax_deducted: pence("-310.25"),
        ..Default::default()
    });
    refunded.pensions.push(Pension { name: "Small pension".into(), amount: m(3_000), tax_deducted: m(-40) });
    cases.push(("PAYE repaid beyond the tax deducted, in year", refunded));

    // UK and foreign property with residential finance costs beyond adjusted total income
    // (shared between the businesses), foreign tax with and without a claim to credit,
    // a country with a loss and UK tax paid on the foreign income.
    let mut landlord = new();
    landlord.employments.push(Employment { name: "Part time".into(), pay: m(6_000), ..Default::default() });
    landlord.uk_property = Some(UkProperty {
        business_id: "XPIS12345678901".into(),
        profit: pence("12000.50"),
        residential_finance_costs: pence("7500.25"),
        finance_costs_brought_forward: m(600),
        ..Default::default()
    });
    let country = |code: &str, profit: i64, costs: &str, foreign_tax: i64, claims_credit: bool| {
        itsa_engine::inputs::ForeignPropertyCountry {
            country_code: code.into(),
            profit: m(profit),
            residential_finance_costs: pence(costs),
            finance_costs_brought_forward: m(250),
            foreign_tax: m(foreign_tax),
            claims_credit,
        }
    };
    landlord.foreign_property = Some(itsa_engine::inputs::ForeignProperty {
        business_id: "XFIS12345678901".into(),
        profit: m(9_500),
        countries: vec![
            country("FRA", 7_000, "2400.10", 1_400, true),
            country("ESP", 3_500, "900", 200, false),
            country("ITA", -1_000, "0", 0, true),
        ],
        accounts: Some(itsa_engine::losses::BusinessAccounts {
            total_income: m(14_000),
            total_expenses: m(4_000),
            total_deductions: m(500),
            ..Default::default()
        }),
    });
    landlord.business_tax_deducted.foreign_property = pence("120.40");
    cases.push(("UK and foreign property with finance costs and foreign tax", landlord));

    // Payroll giving beyond the earnings, the rest off a pension.
    let mut giver = new();
    giver.employments.push(Employment { name: "Part time".into(), pay: m(1_000), ..Default::default() });
    giver.pensions.push(Pension { name: "Works pension".into(), amount: m(26_000), tax_deducted: m(2_700) });
    giver.employment_extras.payroll_giving = m(1_500);
    cases.push(("payroll giving beyond the earnings, the rest off a pension", giver));

    let mut investor = new();
    investor.employments.push(Employment {
        name: "Harbour Bank plc".into(),
        pay: m(160_000),
        benefits_in_kind: m(0),
        tax_deducted: m(55_000),
        student_loan_deductions: m(0),
        postgraduate_loan_deductions: m(0),
        ..Default::default()
    });
    investor.self_employments.push(SelfEmployment {
        business_id: "XAIS12345678901".into(),
        adjusted_profit: m(-30_000),
        losses_brought_forward: m(0),
        claims_sideways: true,
        ..Default::default()
    });
    investor.foreign_property = Some(itsa_engine::inputs::ForeignProperty {
        business_id: "XFIS12345678901".into(),
        profit: m(6_000),
        ..Default::default()
    });
    investor.foreign_dividends = m(2_500);
    investor.investment_subscriptions.eis = m(20_000);
    investor.investment_subscriptions.vct = m(10_000);
    investor.annual_allowance_excess = m(12_000);
    {
        use itsa_engine::inputs::AmountAndTaxPaid;
        let at = |amount: i64, tax_paid: i64| Some(AmountAndTaxPaid { amount: m(amount), tax_paid: m(tax_paid) });
        let charges = &mut investor.pension_charges;
        charges.annual_allowance_tax_paid = m(2_000);
        charges.unauthorised_surcharge = at(3_000, 100);
        charges.unauthorised_no_surcharge = at(1_500, 0);
        charges.overseas_transfer = at(10_000, 2_500);
        charges.short_service_refund = at(22_000, 0);
        // Calculated to 2022-23 only (def1's excessOfLifeTimeAllowance).
        charges.lifetime_allowance_lump_sum = at(5_000, 2_750);
        charges.lifetime_allowance_other = at(4_000, 0);
    }
    investor.life_policy_gains = vec![itsa_engine::inputs::LifePolicyGain {
        kind: itsa_engine::inputs::PolicyKind::CapitalRedemption,
        name: "BOND-7".into(),
        gain: m(40_000),
        years: 8,
        tax_treated_as_paid: true,
        ..Default::default()
    }];
    cases.push(("losses sideways, investment reliefs, a policy gain and the annual allowance charge", investor));

    // Every employment figure: a custom employment's particulars, benefits item by item,
    // lump sums with and without an employment, tips, share schemes, expenses and trade
    // union death benefits.
    use itsa_engine::employment::*;
    let mut employee_extras = new();
    let taxed = |amount: i64, tax: i64| TaxedLumpSum {
        amount: m(amount),
        exempt_amount: None,
        tax_paid: Some(m(tax)),
        tax_taken_off_in_employment: Some(false),
    };
    employee_extras.employments.push(Employment {
        name: "Harbour Freight Ltd".into(),
        pay: m(48_000),
        benefits_in_kind: m(5_200),
        tax_deducted: m(9_000),
        student_loan_deductions: m(900),
        postgraduate_loan_deductions: m(200),
        record: EmploymentRecord {
            id: Some("00000000-0000-4000-8000-000000000001".into()),
            source: Source::Customer,
            employer_ref: Some("120/HF881".into()),
            payroll_id: Some("HF-00417".into()),
            start_date: Some(Date::parse("2015-09-01").unwrap()),
            date_ended: Some(Date::parse(&format!("{}-12-31", year.start_year())).unwrap()),
            off_payroll_worker: Some(false),
            benefits: vec![("car", m(4_000)), ("medicalInsurance", m(1_200))],
            lump_sums: Some(LumpSums {
                employer_name: "Harbour Freight Ltd".into(),
                employer_ref: Some("120/HF881".into()),
                taxable_lump_sums: Some(taxed(5_000, 1_000)),
                retirement_scheme: Some(TaxedLumpSum { exempt_amount: Some(m(500)), ..taxed(2_000, 300) }),
                redundancy_over_exemption: Some(taxed(12_000, 2_400)),
                redundancy_under_exemption: Some(m(30_000)),
            }),
        },
    });
    employee_extras.employment_extras = EmploymentExtras {
        tips: pence("642.18"),
        share_schemes: vec![ShareScheme {
            kind: ShareSchemeKind::ShareOption,
            employer_name: "Northfield Engineering Ltd".into(),
            employer_ref: Some("475/NF2291".into()),
            taxable_amount: m(4_250),
        }],
        lump_sums: vec![LumpSums {
            employer_name: "Old Quay Ltd".into(),
            employer_ref: Some("321/OQ1".into()),
            taxable_lump_sums: Some(taxed(1_000, 200)),
            ..Default::default()
        }],
        disability_deduction: m(1_000),
        foreign_service_deduction: m(0),
        expenses: Some(EmploymentExpenses {
            professional_subscriptions: Some(m(295)),
            flat_rate_job_expenses: Some(m(140)),
            ..Default::default()
        }),
        trade_union_death_benefits: pence("18.25"),
        payroll_giving: pence("240.50"),
    };
    employee_extras.savings_accounts.push(SavingsAccount {
        name: "SAVINGS00000002".into(),
        gross_interest: m(3_000),
        tax_deducted: m(0),
    });
    cases.push(("every employment figure", employee_extras));

    // Capital gains in every group, with losses of the year and brought forward, share
    // loss relief against income, an adjustment (to 2024-25 one that reduces the tax) and
    // tax already paid.
    let mut investor_in_gains = new();
    investor_in_gains.employments.push(Employment {
        name: "Harbour Lights plc".into(),
        pay: m(41_000),
        tax_deducted: m(5_946),
        ..Default::default()
    });
    investor_in_gains.capital_gains = Some(itsa_engine::inputs::CapitalGains {
        residential_gains: pence("38000.75"),
        other_gains: m(9_500),
        attributed_gains: m(1_200),
        relief_gains: m(20_000),
        losses_of_year: pence("2500.20"),
        losses_brought_forward: m(4_000),
        adjustments: if year.start_year() < 2025 { pence("-150.25") } else { pence("150.25") },
        tax_already_paid: m(300),
        share_losses_against_income: m(1_500),
    });
    cases.push(("capital gains in every group", investor_in_gains));

    // More capital gains tax paid than is due: overpaid, and a negative total.
    let mut overpaid = new();
    overpaid.capital_gains = Some(itsa_engine::inputs::CapitalGains {
        other_gains: m(8_000),
        tax_already_paid: m(2_000),
        ..Default::default()
    });
    cases.push(("capital gains tax overpaid", overpaid));

    cases
}
