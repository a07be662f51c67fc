//! A taxpayer's year as HMRC receives it: the data HMRC already holds (PAYE, benefits,
//! date of birth, residence), the businesses the taxpayer has signed up, and the request
//! bodies of HMRC's income-submission APIs, each typed from HMRC's request schema and
//! checked by HMRC's rules. [`to_inputs`] turns a year into the engine's `Inputs`.
//!
//! This crate does no I/O and knows nothing of HTTP: the command line reads submission
//! cases into it, and the service stores and reads the same types.

pub mod amount;
pub mod bodies;
pub mod case;
pub mod endpoint;
mod to_inputs;
mod write;

use itsa_engine::TaxYear;
use serde_json::Value;

use bodies::*;
pub use case::{
    Business, CalculationType, HeldBenefit, HeldCodedOut, HeldEmployment, HmrcHeld, Named, Submission, TaxpayerYear,
};
pub use endpoint::{BusinessType, Endpoint};
pub use to_inputs::{held_benefit_id, to_inputs, to_inputs_in, write_held_benefit_id};

/// Why a year could not be read or turned into inputs: HMRC's error code where HMRC would
/// refuse it, and a message that names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SubmissionError {
    pub code: &'static str,
    pub message: String,
}

impl SubmissionError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        SubmissionError { code, message: message.into() }
    }
}

/// The code of a submission that itsa accepts as HMRC would but does not calculate yet:
/// the year is refused rather than calculated without it.
pub const NOT_CALCULATED: &str = "INPUT_NOT_CALCULATED";

macro_rules! bodies {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        /// A request body, typed by its endpoint.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Body { $($variant($ty)),* }

        impl Body {
            /// Read `value` as the body of `endpoint`; `context` names it in errors.
            pub fn read(endpoint: Endpoint, value: Value, context: &str) -> Result<Body, SubmissionError> {
                Ok(match endpoint {
                    $(Endpoint::$variant => Body::$variant(case::typed(value, context)?)),*
                })
            }

            /// Read JSON text as the body of `endpoint`; `context` names it in errors.
            pub fn read_text(endpoint: Endpoint, text: &str, context: &str) -> Result<Body, SubmissionError> {
                Ok(match endpoint {
                    $(Endpoint::$variant => Body::$variant(case::typed_text(text, context)?)),*
                })
            }

            /// HMRC's checks of the body for `year` beyond its types.
            pub fn check(&self, year: TaxYear) -> Result<(), BodyError> {
                match self {
                    $(Body::$variant(b) => b.check(year)),*
                }
            }

            pub fn endpoint(&self) -> Endpoint {
                match self {
                    $(Body::$variant(_) => Endpoint::$variant),*
                }
            }
        }
    };
}

bodies! {
    SePeriod(self_employment::PeriodSummary),
    SeCumulative(self_employment::CumulativePeriodSummary),
    SeAnnual(self_employment::AnnualSubmission),
    UkPropertyPeriod(property::UkPropertyPeriodSummary),
    UkPropertyCumulative(property::UkPropertyCumulativeSummary),
    UkPropertyAnnual(property::UkPropertyAnnualSubmission),
    ForeignPropertyPeriod(property::ForeignPropertyPeriodSummary),
    ForeignPropertyDetails(property::ForeignPropertyDetails),
    ForeignPropertyCumulative(property::ForeignPropertyCumulativeSummary),
    ForeignPropertyAnnual(property::ForeignPropertyAnnualSubmission),
    BusinessQuarterlyPeriodType(business_details::QuarterlyPeriodType),
    BusinessAccountingType(business_details::AccountingTypeUpdate),
    BusinessPeriodsOfAccount(business_details::PeriodsOfAccount),
    BsasTrigger(bsas::BsasTrigger),
    BsasSeAdjust(bsas::SelfEmploymentAdjustments),
    BsasUkPropertyAdjust(bsas::UkPropertyAdjustments),
    BsasForeignPropertyAdjust(bsas::ForeignPropertyAdjustments),
    LossesBroughtForward(losses::BroughtForwardLoss),
    LossClaim(losses::LossClaim),
    LossClaimsOrder(losses::LossClaimsOrder),
    LossesAndClaims(losses::LossesAndClaims),
    Cis(cis::CisDeductions),
    SavingsAccountCreate(savings::SavingsAccountCreate),
    SavingsAccountAnnual(savings::SavingsAccountAnnual),
    SavingsOther(savings::OtherSavings),
    DividendsUk(dividends::UkDividends),
    DividendsOther(dividends::OtherDividends),
    DividendsDirectorship(dividends::DirectorshipDividends),
    EmploymentCreate(employments::CustomEmployment),
    EmploymentFinancialDetails(employments::EmploymentFinancialDetails),
    NonPayeIncome(employments::NonPayeIncome),
    EmploymentOther(employments::OtherEmploymentIncome),
    EmploymentBikStudentLoans(employments::StudentLoanBenefitInKind),
    EmploymentExpenses(expenses::EmploymentExpenses),
    OtherExpenses(expenses::OtherExpenses),
    PensionsIncome(pensions_income::PensionsIncome),
    StateBenefitCreate(state_benefits::StateBenefitCreate),
    StateBenefitAmounts(state_benefits::StateBenefitAmounts),
    ReliefsPensions(reliefs::PensionReliefs),
    ReliefsCharitableGiving(reliefs::CharitableGiving),
    ReliefsInvestment(reliefs::InvestmentReliefs),
    ReliefsOther(reliefs::OtherReliefs),
    ReliefsForeign(reliefs::ForeignReliefs),
    Disclosures(disclosures::Disclosures),
    MarriageAllowance(disclosures::MarriageAllowanceClaim),
    ChargesPensions(charges::PensionCharges),
    ChargesHicbc(charges::HighIncomeChildBenefitCharge),
    ChargesWinterFuel(charges::WinterFuelPaymentCharge),
    CodingOut(accounts::CodingOutUnderpayments),
    OtherIncome(other_income::OtherIncome),
    ForeignIncome(foreign_income::ForeignIncome),
    InsurancePolicies(insurance_policies::InsurancePolicies),
    CgtResidentialProperty(capital_gains::ResidentialPropertyDisposals),
    CgtPpdOverrides(capital_gains::PpdOverrides),
    CgtOtherGains(capital_gains::OtherCapitalGains),
}
