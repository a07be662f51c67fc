//! Employments in the calculation object: each employment's particulars, benefits in kind
//! item by item and lump sums; `employmentExpenses` and `shareSchemesIncome`.

use itsa_engine::calculation::{EmploymentIncome, EmploymentOrPensionDetail};
use itsa_engine::employment::{EmploymentRecord, LumpSums, TaxedLumpSum};
use itsa_engine::{Date, Money};

use crate::key;
use crate::views::json::{
    Borrowed, Field, Node, Obj, is_uuid, money, money_if_not_zero, non_empty_array, object, object_if_any,
};

/// One employment or pension. Its id is HMRC's employment id when it has one (a custom
/// employment's), or its name when that is a UUID; otherwise the name is the employer's.
pub(super) fn detail(d: &EmploymentOrPensionDetail) -> impl Field {
    let r = &d.record;
    let id = r.id.as_deref().filter(|id| is_uuid(id)).or_else(|| is_uuid(&d.name).then_some(d.name.as_str()));
    let employer_name = (!is_uuid(&d.name)).then_some(d.name.as_str());
    let student_loans = object_if_any(move |o| {
        o.opt(key!("uglDeductionAmount"), money_if_not_zero(d.student_loan_deductions))
            .opt(key!("pglDeductionAmount"), money_if_not_zero(d.postgraduate_loan_deductions))
    });
    object(move |o| {
        o.opt(key!("incomeSourceId"), id.map(Borrowed))
            .set(key!("source"), r.source.hmrc_name())
            .set(key!("occupationalPension"), d.occupational_pension)
            .opt(key!("employerRef"), r.employer_ref.as_deref().map(Borrowed))
            .opt(key!("employerName"), employer_name.map(Borrowed))
            .opt(key!("payrollId"), r.payroll_id.as_deref().map(Borrowed))
            .opt(key!("offPayrollWorker"), r.off_payroll_worker)
            .opt(key!("startDate"), r.start_date.map(date))
            .opt(key!("dateEmploymentEnded"), r.date_ended.map(date))
            .set(key!("taxablePayToDate"), money(d.taxable_pay_to_date))
            .set(key!("totalTaxToDate"), money(d.total_tax_to_date))
            .opt(key!("lumpSums"), r.lump_sums.as_ref().map(lump_sums))
            .set(key!("studentLoans"), student_loans)
            .opt(key!("benefitsInKind"), benefits_in_kind(d.benefits_in_kind, r))
    })
}

fn date(d: Date) -> Node {
    Node::from(d.to_string())
}

/// `benefitsInKind`: the total, and each benefit as `apportioned<Name>` (the amount given
/// for the year: itsa does not apportion benefits between employments or periods).
fn benefits_in_kind(total: Money, r: &EmploymentRecord) -> Option<Node> {
    if total.is_zero() && r.benefits.is_empty() {
        return None;
    }
    let detail = r
        .benefits
        .iter()
        .fold(Obj::new(), |o, (name, amount)| o.set(apportioned(name), money(*amount)))
        .some_if_not_empty();
    Some(
        Obj::new()
            .set(key!("totalBenefitsInKindReceived"), money(total))
            .opt(key!("benefitsInKindDetail"), detail)
            .build(),
    )
}

/// HMRC's name of a benefit's apportioned amount: `car` is `apportionedCar`.
fn apportioned(name: &str) -> &'static str {
    const NAMES: [(&str, &str); 28] = [
        ("accommodation", "apportionedAccommodation"),
        ("assets", "apportionedAssets"),
        ("assetTransfer", "apportionedAssetTransfer"),
        ("beneficialLoan", "apportionedBeneficialLoan"),
        ("car", "apportionedCar"),
        ("carFuel", "apportionedCarFuel"),
        ("educationalServices", "apportionedEducationalServices"),
        ("entertaining", "apportionedEntertaining"),
        ("expenses", "apportionedExpenses"),
        ("medicalInsurance", "apportionedMedicalInsurance"),
        ("telephone", "apportionedTelephone"),
        ("service", "apportionedService"),
        ("taxableExpenses", "apportionedTaxableExpenses"),
        ("van", "apportionedVan"),
        ("vanFuel", "apportionedVanFuel"),
        ("mileage", "apportionedMileage"),
        ("nonQualifyingRelocationExpenses", "apportionedNonQualifyingRelocationExpenses"),
        ("nurseryPlaces", "apportionedNurseryPlaces"),
        ("otherItems", "apportionedOtherItems"),
        ("paymentsOnEmployeesBehalf", "apportionedPaymentsOnEmployeesBehalf"),
        ("personalIncidentalExpenses", "apportionedPersonalIncidentalExpenses"),
        ("qualifyingRelocationExpenses", "apportionedQualifyingRelocationExpenses"),
        ("employerProvidedProfessionalSubscriptions", "apportionedEmployerProvidedProfessionalSubscriptions"),
        ("employerProvidedServices", "apportionedEmployerProvidedServices"),
        ("incomeTaxPaidByDirector", "apportionedIncomeTaxPaidByDirector"),
        ("travelAndSubsistence", "apportionedTravelAndSubsistence"),
        ("vouchersAndCreditCards", "apportionedVouchersAndCreditCards"),
        ("nonCash", "apportionedNonCash"),
    ];
    NAMES.iter().find(|(n, _)| *n == name).map_or("apportionedOtherItems", |(_, a)| a)
}

/// `lumpSums` of one employment.
fn lump_sums(l: &LumpSums) -> Node {
    let taxed = |t: &TaxedLumpSum, exempt: bool| {
        Obj::new()
            .set(key!("amount"), money(t.amount))
            .opt(key!("exemptAmount"), t.exempt_amount.filter(|_| exempt).map(money))
            .opt(key!("taxPaid"), t.tax_paid.map(money))
            .opt(key!("taxTakenOffInEmployment"), t.tax_taken_off_in_employment)
            .build()
    };
    let detail = Obj::new()
        .opt(key!("taxableLumpSumsAndCertainIncome"), l.taxable_lump_sums.as_ref().map(|t| taxed(t, false)))
        .opt(key!("benefitFromEmployerFinancedRetirementScheme"), l.retirement_scheme.as_ref().map(|t| taxed(t, true)))
        .opt(
            key!("redundancyCompensationPaymentsOverExemption"),
            l.redundancy_over_exemption.as_ref().map(|t| taxed(t, false)),
        )
        .opt(
            key!("redundancyCompensationPaymentsUnderExemption"),
            l.redundancy_under_exemption.map(|a| Obj::new().set(key!("amount"), money(a)).build()),
        )
        .build();
    let tax_paid = l.total_tax_paid();
    Obj::new()
        .set(key!("totalLumpSum"), money(l.total()))
        .opt(key!("totalTaxPaid"), money_if_not_zero(tax_paid))
        .set(key!("lumpSumsDetail"), detail)
        .build()
}

/// `employmentExpenses`: the expenses as claimed, each and in total.
pub(super) fn employment_expenses(e: &EmploymentIncome) -> Option<Node> {
    let expenses = e.expenses.as_ref()?;
    let detail = expenses
        .named()
        .into_iter()
        .fold(Obj::new(), |o, (name, amount)| o.opt(name, amount.map(money)))
        .some_if_not_empty();
    Some(
        Obj::new()
            .set(key!("totalEmploymentExpenses"), money(expenses.total()))
            .opt(key!("employmentExpensesDetail"), detail)
            .build(),
    )
}

/// Whether `name` fits `shareSchemeDetail[].employerName`'s pattern `^[A-Za-z0-9 \-,.&'/]{1,105}$`.
fn is_share_scheme_employer_name(name: &str) -> bool {
    (1..=105).contains(&name.chars().count())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || " -,.&'/".contains(c))
}

/// `shareSchemesIncome`: each option or award and the total taxed.
pub(super) fn share_schemes_income(e: &EmploymentIncome) -> Option<Node> {
    let items: Vec<Node> = e
        .share_schemes
        .iter()
        .map(|s| {
            Obj::new()
                .set(key!("type"), s.kind.hmrc_name())
                .opt(key!("employerName"), Some(s.employer_name.clone()).filter(|n| is_share_scheme_employer_name(n)))
                .opt(key!("employerRef"), s.employer_ref.clone())
                .set(key!("taxableAmount"), money(s.taxable_amount))
                .build()
        })
        .collect();
    let detail = non_empty_array(items)?;
    Some(
        Obj::new()
            .set(key!("totalIncome"), money(e.figures.share_schemes))
            .set(key!("shareSchemeDetail"), detail)
            .build(),
    )
}
