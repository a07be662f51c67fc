//! HMRC's income-submission endpoints that a taxpayer's year is made of: for each, its API
//! and version, method and path, the ids it takes and makes, and the tax years HMRC's
//! validators accept.

use itsa_engine::TaxYear;

/// The kind of id an endpoint's path takes besides the NINO and tax year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    /// A business of this type (`None`: any business).
    Business(Option<BusinessType>),
    /// An id that an earlier submission to this endpoint created.
    Created(&'static str, Endpoint),
    /// `taxYearClaimedFor` of the loss claims order: a tax year.
    TaxYearClaimedFor,
}

/// HMRC's `typeOfBusiness`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BusinessType {
    SelfEmployment,
    UkProperty,
    ForeignProperty,
}

impl BusinessType {
    pub const fn hmrc_name(self) -> &'static str {
        match self {
            BusinessType::SelfEmployment => "self-employment",
            BusinessType::UkProperty => "uk-property",
            BusinessType::ForeignProperty => "foreign-property",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [BusinessType::SelfEmployment, BusinessType::UkProperty, BusinessType::ForeignProperty]
            .into_iter()
            .find(|t| t.hmrc_name() == text)
    }
}

/// When an endpoint takes figures for a tax year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterYearEnd {
    /// Any time.
    No,
    /// Only once the tax year has ended (HMRC answers `RULE_TAX_YEAR_NOT_ENDED` before).
    Yes,
    /// Only once the year has ended, except for these state benefit types.
    ExceptBenefits(&'static [&'static str]),
}

/// One endpoint as HMRC documents it.
#[derive(Debug, Clone, Copy)]
pub struct EndpointInfo {
    /// The name submission cases use.
    pub name: &'static str,
    /// HMRC's API and version: `self-employment-business/5.0`.
    pub api: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub takes: Option<Takes>,
    /// The response field that holds the id the endpoint makes.
    pub creates: Option<&'static str>,
    /// First and last tax years accepted, as start years (2025 is 2025-26); `None`: no
    /// limit, the endpoint is not tied to a tax year.
    pub first_year: Option<u16>,
    pub last_year: Option<u16>,
    pub after_year_end: AfterYearEnd,
}

macro_rules! endpoints {
    ($($variant:ident => $name:literal, $api:literal, $method:literal, $path:literal, $takes:expr, $creates:expr,
        $first:expr, $last:expr, $after:expr;)*) => {
        /// An HMRC endpoint that carries a taxpayer's figures.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Endpoint { $($variant),* }

        impl Endpoint {
            pub const ALL: &'static [Endpoint] = &[$(Endpoint::$variant),*];

            pub const fn info(self) -> EndpointInfo {
                match self {
                    $(Endpoint::$variant => EndpointInfo {
                        name: $name,
                        api: $api,
                        method: $method,
                        path: $path,
                        takes: $takes,
                        creates: $creates,
                        first_year: $first,
                        last_year: $last,
                        after_year_end: $after,
                    }),*
                }
            }
        }
    };
}

use AfterYearEnd::{No, Yes};
use BusinessType::{ForeignProperty as FP, SelfEmployment as SE, UkProperty as UKP};

const BUSINESS_SE: Option<Takes> = Some(Takes::Business(Some(SE)));
const BUSINESS_UKP: Option<Takes> = Some(Takes::Business(Some(UKP)));
const BUSINESS_FP: Option<Takes> = Some(Takes::Business(Some(FP)));
const ANY_BUSINESS: Option<Takes> = Some(Takes::Business(None));
const BSAS: Option<Takes> = Some(Takes::Created("calculationId", Endpoint::BsasTrigger));
const EMPLOYMENT: Option<Takes> = Some(Takes::Created("employmentId", Endpoint::EmploymentCreate));

// The tax years are those HMRC's validators accept, which for a few endpoints start
// earlier than the published path parameters say (SUBMISSION-CASES.md "First tax years").
endpoints! {
    SePeriod => "se-period", "self-employment-business/5.0", "POST",
        "/individuals/business/self-employment/{nino}/{businessId}/period", BUSINESS_SE, Some("periodId"),
        Some(2017), Some(2024), No;
    SeCumulative => "se-cumulative", "self-employment-business/5.0", "PUT",
        "/individuals/business/self-employment/{nino}/{businessId}/cumulative/{taxYear}", BUSINESS_SE, None,
        Some(2025), None, No;
    SeAnnual => "se-annual", "self-employment-business/5.0", "PUT",
        "/individuals/business/self-employment/{nino}/{businessId}/annual/{taxYear}", BUSINESS_SE, None,
        Some(2017), None, No;
    UkPropertyPeriod => "uk-property-period", "property-business/6.0", "POST",
        "/individuals/business/property/uk/{nino}/{businessId}/period/{taxYear}", BUSINESS_UKP, Some("submissionId"),
        Some(2022), Some(2024), No;
    UkPropertyCumulative => "uk-property-cumulative", "property-business/6.0", "PUT",
        "/individuals/business/property/uk/{nino}/{businessId}/cumulative/{taxYear}", BUSINESS_UKP, None,
        Some(2025), None, No;
    UkPropertyAnnual => "uk-property-annual", "property-business/6.0", "PUT",
        "/individuals/business/property/uk/{nino}/{businessId}/annual/{taxYear}", BUSINESS_UKP, None,
        Some(2022), None, No;
    ForeignPropertyPeriod => "foreign-property-period", "property-business/6.0", "POST",
        "/individuals/business/property/foreign/{nino}/{businessId}/period/{taxYear}", BUSINESS_FP, Some("submissionId"),
        Some(2022), Some(2024), No;
    ForeignPropertyDetails => "foreign-property-details", "property-business/6.0", "POST",
        "/individuals/business/property/foreign/{nino}/{businessId}/details/{taxYear}", BUSINESS_FP, Some("propertyId"),
        Some(2026), None, No;
    ForeignPropertyCumulative => "foreign-property-cumulative", "property-business/6.0", "PUT",
        "/individuals/business/property/foreign/{nino}/{businessId}/cumulative/{taxYear}", BUSINESS_FP, None,
        Some(2025), None, No;
    ForeignPropertyAnnual => "foreign-property-annual", "property-business/6.0", "PUT",
        "/individuals/business/property/foreign/{nino}/{businessId}/annual/{taxYear}", BUSINESS_FP, None,
        Some(2022), None, No;
    BusinessQuarterlyPeriodType => "business-quarterly-period-type", "business-details/2.0", "PUT",
        "/individuals/business/details/{nino}/{businessId}/{taxYear}", ANY_BUSINESS, None,
        Some(2025), None, No;
    BusinessAccountingType => "business-accounting-type", "business-details/2.0", "PUT",
        "/individuals/business/details/{nino}/{businessId}/{taxYear}/accounting-type", ANY_BUSINESS, None,
        Some(2025), None, No;
    BusinessPeriodsOfAccount => "business-periods-of-account", "business-details/2.0", "PUT",
        "/individuals/business/details/{nino}/{businessId}/{taxYear}/periods-of-account", ANY_BUSINESS, None,
        Some(2025), None, No;
    BsasTrigger => "bsas-trigger", "self-assessment-bsas/7.0", "POST",
        "/individuals/self-assessment/adjustable-summary/{nino}/trigger", None, Some("calculationId"),
        None, None, No;
    BsasSeAdjust => "bsas-se-adjust", "self-assessment-bsas/7.0", "POST",
        "/individuals/self-assessment/adjustable-summary/{nino}/self-employment/{calculationId}/adjust/{taxYear}", BSAS, None,
        None, None, No;
    BsasUkPropertyAdjust => "bsas-uk-property-adjust", "self-assessment-bsas/7.0", "POST",
        "/individuals/self-assessment/adjustable-summary/{nino}/uk-property/{calculationId}/adjust/{taxYear}", BSAS, None,
        None, None, No;
    BsasForeignPropertyAdjust => "bsas-foreign-property-adjust", "self-assessment-bsas/7.0", "POST",
        "/individuals/self-assessment/adjustable-summary/{nino}/foreign-property/{calculationId}/adjust/{taxYear}", BSAS, None,
        None, None, No;
    LossesBroughtForward => "losses-brought-forward", "individual-losses/6.0", "POST",
        "/individuals/losses/{nino}/brought-forward-losses/tax-year/brought-forward-from/{taxYear}", None, Some("lossId"),
        Some(2018), Some(2025), Yes;
    LossClaim => "loss-claim", "individual-losses/6.0", "POST",
        "/individuals/losses/{nino}/loss-claims", None, Some("claimId"),
        Some(2019), Some(2025), No;
    LossClaimsOrder => "loss-claims-order", "individual-losses/6.0", "PUT",
        "/individuals/losses/{nino}/loss-claims/order/{taxYearClaimedFor}", Some(Takes::TaxYearClaimedFor), None,
        Some(2019), Some(2025), No;
    LossesAndClaims => "losses-and-claims", "individual-losses/7.0", "PUT",
        "/individuals/losses/{nino}/businesses/{businessId}/loss-claims/{taxYear}", ANY_BUSINESS, None,
        Some(2026), None, Yes;
    Cis => "cis", "cis-deductions/3.0", "POST",
        "/individuals/deductions/cis/{nino}/amendments", None, Some("submissionId"),
        None, None, Yes;
    SavingsAccountCreate => "savings-account-create", "individuals-savings-income/2.0", "POST",
        "/individuals/savings-income/uk-accounts/{nino}", None, Some("savingsAccountId"),
        None, None, No;
    SavingsAccountAnnual => "savings-account-annual", "individuals-savings-income/2.0", "PUT",
        "/individuals/savings-income/uk-accounts/{nino}/{taxYear}/{savingsId}",
        Some(Takes::Created("savingsId", Endpoint::SavingsAccountCreate)), None,
        Some(2017), None, No;
    SavingsOther => "savings-other", "individuals-savings-income/2.0", "PUT",
        "/individuals/savings-income/other/{nino}/{taxYear}", None, None,
        Some(2021), None, No;
    DividendsUk => "dividends-uk", "individuals-dividends-income/2.0", "PUT",
        "/individuals/dividends-income/uk/{nino}/{taxYear}", None, None,
        Some(2017), None, No;
    DividendsOther => "dividends-other", "individuals-dividends-income/2.0", "PUT",
        "/individuals/dividends-income/{nino}/{taxYear}", None, None,
        Some(2019), None, No;
    DividendsDirectorship => "dividends-directorship", "individuals-dividends-income/2.0", "PUT",
        "/individuals/dividends-income/directorship/{nino}/{taxYear}/{employmentId}", EMPLOYMENT, None,
        Some(2025), None, No;
    EmploymentCreate => "employment-create", "individuals-employments-income/2.0", "POST",
        "/individuals/employments-income/{nino}/{taxYear}", None, Some("employmentId"),
        Some(2019), None, Yes;
    EmploymentFinancialDetails => "employment-financial-details", "individuals-employments-income/2.0", "PUT",
        "/individuals/employments-income/{nino}/{taxYear}/{employmentId}/financial-details", EMPLOYMENT, None,
        Some(2019), None, Yes;
    NonPayeIncome => "non-paye-income", "individuals-employments-income/2.0", "PUT",
        "/individuals/employments-income/non-paye/{nino}/{taxYear}", None, None,
        Some(2019), None, Yes;
    EmploymentOther => "employment-other", "individuals-employments-income/2.0", "PUT",
        "/individuals/employments-income/other/{nino}/{taxYear}", None, None,
        Some(2019), None, No;
    EmploymentBikStudentLoans => "employment-bik-student-loans", "individuals-employments-income/2.0", "PUT",
        "/individuals/employments-income/{nino}/{taxYear}/{employmentId}/benefit-in-kind/student-loans", EMPLOYMENT, None,
        Some(2025), None, No;
    EmploymentExpenses => "employment-expenses", "individuals-expenses/3.0", "PUT",
        "/individuals/expenses/employments/{nino}/{taxYear}", None, None,
        Some(2022), None, Yes;
    OtherExpenses => "other-expenses", "individuals-expenses/3.0", "PUT",
        "/individuals/expenses/other/{nino}/{taxYear}", None, None,
        Some(2022), None, No;
    PensionsIncome => "pensions-income", "individuals-pensions-income/2.0", "PUT",
        "/individuals/pensions-income/{nino}/{taxYear}", None, None,
        Some(2021), None, No;
    StateBenefitCreate => "state-benefit-create", "individuals-state-benefits/2.0", "POST",
        "/individuals/state-benefits/{nino}/{taxYear}", None, Some("benefitId"),
        Some(2019), None, AfterYearEnd::ExceptBenefits(&["employmentSupportAllowance", "jobSeekersAllowance"]);
    StateBenefitAmounts => "state-benefit-amounts", "individuals-state-benefits/2.0", "PUT",
        "/individuals/state-benefits/{nino}/{taxYear}/{benefitId}/amounts",
        Some(Takes::Created("benefitId", Endpoint::StateBenefitCreate)), None,
        Some(2019), None, AfterYearEnd::ExceptBenefits(&["employmentSupportAllowance", "jobSeekersAllowance"]);
    ReliefsPensions => "reliefs-pensions", "individuals-reliefs/3.0", "PUT",
        "/individuals/reliefs/pensions/{nino}/{taxYear}", None, None,
        Some(2020), None, No;
    ReliefsCharitableGiving => "reliefs-charitable-giving", "individuals-reliefs/3.0", "PUT",
        "/individuals/reliefs/charitable-giving/{nino}/{taxYear}", None, None,
        Some(2017), None, No;
    ReliefsInvestment => "reliefs-investment", "individuals-reliefs/3.0", "PUT",
        "/individuals/reliefs/investment/{nino}/{taxYear}", None, None,
        Some(2022), None, No;
    ReliefsOther => "reliefs-other", "individuals-reliefs/3.0", "PUT",
        "/individuals/reliefs/other/{nino}/{taxYear}", None, None,
        Some(2022), None, No;
    ReliefsForeign => "reliefs-foreign", "individuals-reliefs/3.0", "PUT",
        "/individuals/reliefs/foreign/{nino}/{taxYear}", None, None,
        Some(2022), None, No;
    Disclosures => "disclosures", "individuals-disclosures/2.0", "PUT",
        "/individuals/disclosures/{nino}/{taxYear}", None, None,
        Some(2019), None, No;
    MarriageAllowance => "marriage-allowance", "individuals-disclosures/2.0", "POST",
        "/individuals/disclosures/marriage-allowance/{nino}", None, None,
        None, None, No;
    ChargesPensions => "charges-pensions", "individuals-charges/3.0", "PUT",
        "/individuals/charges/pensions/{nino}/{taxYear}", None, None,
        Some(2021), None, No;
    ChargesHicbc => "charges-hicbc", "individuals-charges/3.0", "PUT",
        "/individuals/charges/high-income-child-benefit/{nino}/{taxYear}", None, None,
        Some(2025), None, No;
    ChargesWinterFuel => "charges-winter-fuel", "individuals-charges/3.0", "PUT",
        "/individuals/charges/winter-fuel-payment/{nino}/{taxYear}", None, None,
        Some(2026), None, Yes;
    CodingOut => "coding-out", "self-assessment-accounts/4.0", "PUT",
        "/accounts/self-assessment/{nino}/{taxYear}/collection/tax-code", None, None,
        Some(2021), None, Yes;
    OtherIncome => "other-income", "individuals-other-income/2.0", "PUT",
        "/individuals/other-income/{nino}/{taxYear}", None, None,
        Some(2021), Some(2025), No;
    ForeignIncome => "foreign-income", "individuals-foreign-income/2.0", "PUT",
        "/individuals/foreign-income/{nino}/{taxYear}", None, None,
        Some(2021), None, No;
    InsurancePolicies => "insurance-policies", "individuals-insurance-policies-income/2.0", "PUT",
        "/individuals/insurance-policies-income/{nino}/{taxYear}", None, None,
        Some(2021), None, No;
    CgtResidentialProperty => "cgt-residential-property", "individuals-capital-gains-income/3.0", "PUT",
        "/individuals/disposals-income/residential-property/{nino}/{taxYear}", None, None,
        Some(2021), None, No;
    CgtPpdOverrides => "cgt-ppd-overrides", "individuals-capital-gains-income/3.0", "PUT",
        "/individuals/disposals-income/residential-property/{nino}/{taxYear}/ppd", None, None,
        Some(2021), None, Yes;
    CgtOtherGains => "cgt-other-gains", "individuals-capital-gains-income/3.0", "PUT",
        "/individuals/disposals-income/other-gains/{nino}/{taxYear}", None, None,
        Some(2021), None, No;
}

impl Endpoint {
    /// The endpoint a submission case names.
    pub fn from_name(name: &str) -> Option<Endpoint> {
        Endpoint::ALL.iter().copied().find(|e| e.info().name == name)
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Whether HMRC's validators accept `year` on this endpoint.
    pub fn accepts_year(self, year: TaxYear) -> bool {
        let info = self.info();
        let start = year.start_year();
        info.first_year.is_none_or(|f| start >= f) && info.last_year.is_none_or(|l| start <= l)
    }

    /// Whether the endpoint is tied to the path's tax year.
    pub fn has_tax_year(self) -> bool {
        self.info().path.contains("{taxYear}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        for e in Endpoint::ALL {
            assert_eq!(Endpoint::from_name(e.name()), Some(*e));
        }
        assert_eq!(Endpoint::ALL.len(), 55);
        assert_eq!(Endpoint::from_name("se-periods"), None);
    }

    #[test]
    fn years_follow_hmrcs_validators() {
        let y = |s: &str| TaxYear::parse(s).unwrap();
        assert!(Endpoint::SeCumulative.accepts_year(y("2025-26")));
        assert!(!Endpoint::SeCumulative.accepts_year(y("2024-25")));
        assert!(Endpoint::SePeriod.accepts_year(y("2024-25")));
        assert!(!Endpoint::SePeriod.accepts_year(y("2025-26")));
        assert!(Endpoint::ReliefsCharitableGiving.accepts_year(y("2017-18")));
        assert!(!Endpoint::OtherIncome.accepts_year(y("2026-27")));
        assert!(Endpoint::SavingsAccountCreate.accepts_year(y("2026-27")));
        // Capital gains from 2021-22, the minimum of HMRC's path parameter.
        for e in [Endpoint::CgtResidentialProperty, Endpoint::CgtPpdOverrides, Endpoint::CgtOtherGains] {
            assert!(!e.accepts_year(y("2020-21")));
            assert!(e.accepts_year(y("2021-22")));
        }
    }
}
