//! A taxpayer's year written back as a submission case (SUBMISSION-CASES.md): what
//! [`TaxpayerYear::parse_case`] reads, field for field.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::case::{HmrcHeld, TaxpayerYear};
use crate::{Body, CalculationType};

/// Serialise a body, leaving out the fields it does not have.
fn body_json(body: &Body) -> Value {
    macro_rules! each {
        ($($variant:ident),*) => {
            match body { $(Body::$variant(b) => to_value(b)),* }
        };
    }
    each!(
        SePeriod,
        SeCumulative,
        SeAnnual,
        UkPropertyPeriod,
        UkPropertyCumulative,
        UkPropertyAnnual,
        ForeignPropertyPeriod,
        ForeignPropertyDetails,
        ForeignPropertyCumulative,
        ForeignPropertyAnnual,
        BusinessQuarterlyPeriodType,
        BusinessAccountingType,
        BusinessPeriodsOfAccount,
        BsasTrigger,
        BsasSeAdjust,
        BsasUkPropertyAdjust,
        BsasForeignPropertyAdjust,
        LossesBroughtForward,
        LossClaim,
        LossClaimsOrder,
        LossesAndClaims,
        Cis,
        SavingsAccountCreate,
        SavingsAccountAnnual,
        SavingsOther,
        DividendsUk,
        DividendsOther,
        DividendsDirectorship,
        EmploymentCreate,
        EmploymentFinancialDetails,
        NonPayeIncome,
        EmploymentOther,
        EmploymentBikStudentLoans,
        EmploymentExpenses,
        OtherExpenses,
        PensionsIncome,
        StateBenefitCreate,
        StateBenefitAmounts,
        ReliefsPensions,
        ReliefsCharitableGiving,
        ReliefsInvestment,
        ReliefsOther,
        ReliefsForeign,
        Disclosures,
        MarriageAllowance,
        ChargesPensions,
        ChargesHicbc,
        ChargesWinterFuel,
        CodingOut,
        OtherIncome,
        ForeignIncome,
        InsurancePolicies,
        CgtResidentialProperty,
        CgtPpdOverrides,
        CgtOtherGains
    )
}

/// `value` as JSON without its absent (`null`) fields.
fn to_value(value: &impl Serialize) -> Value {
    let mut v = serde_json::to_value(value).expect("a body serialises");
    drop_nulls(&mut v);
    v
}

fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

impl HmrcHeld {
    /// The `hmrc_held` object of a submission case.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("regime".into(), json!(self.regime.as_str()));
        if let Some(d) = self.date_of_birth {
            m.insert("date_of_birth".into(), json!(d.0.to_string()));
        }
        if self.sex == itsa_engine::Sex::Female {
            m.insert("sex".into(), json!("female"));
        }
        if !self.student_loan_plans.is_empty() {
            let plans: Vec<&str> =
                self.student_loan_plans.iter().map(|p| crate::case::student_loan_plan_name(*p)).collect();
            m.insert("student_loan_plans".into(), json!(plans));
        }
        if self.blind {
            m.insert("blind".into(), json!(true));
        }
        let marriage = match self.marriage_allowance {
            itsa_engine::inputs::MarriageAllowance::None => None,
            itsa_engine::inputs::MarriageAllowance::Transferor => Some("transferor"),
            itsa_engine::inputs::MarriageAllowance::Recipient => Some("recipient"),
        };
        if let Some(ma) = marriage {
            m.insert("marriage_allowance".into(), json!(ma));
        }
        if !self.employments.is_empty() {
            m.insert("employments".into(), to_value(&self.employments));
        }
        if !self.state_benefits.is_empty() {
            m.insert("state_benefits".into(), to_value(&self.state_benefits));
        }
        if let Some(c) = &self.coded_out {
            m.insert("coded_out".into(), to_value(c));
        }
        if let Some(c) = self.child_benefit_received {
            m.insert("child_benefit_received".into(), to_value(&c));
        }
        Value::Object(m)
    }
}

impl TaxpayerYear {
    /// The year as a submission case line with `id`.
    pub fn to_case_json(&self, id: &str) -> Value {
        let mut case = Map::new();
        case.insert("id".into(), json!(id));
        case.insert("tax_year".into(), json!(self.tax_year.to_string()));
        if self.calculation_type == CalculationType::InYear {
            case.insert("calculation_type".into(), json!("in-year"));
        }
        case.insert("hmrc_held".into(), self.hmrc_held.to_json());
        if !self.businesses.is_empty() {
            let businesses: Vec<Value> = self
                .businesses
                .iter()
                .map(|b| {
                    let mut m = Map::new();
                    m.insert("alias".into(), json!(b.alias));
                    m.insert("typeOfBusiness".into(), json!(b.type_of_business.hmrc_name()));
                    let optional = [
                        ("tradingName", b.trading_name.clone()),
                        ("accountingType", b.accounting_type.clone()),
                        ("commencementDate", b.commencement_date.map(|d| d.to_string())),
                        ("cessationDate", b.cessation_date.map(|d| d.to_string())),
                    ];
                    for (key, value) in optional {
                        if let Some(v) = value {
                            m.insert(key.into(), json!(v));
                        }
                    }
                    Value::Object(m)
                })
                .collect();
            case.insert("businesses".into(), Value::Array(businesses));
        }
        let submissions: Vec<Value> = self
            .submissions
            .iter()
            .map(|s| {
                let mut m = Map::new();
                m.insert("endpoint".into(), json!(s.endpoint.name()));
                let mut ids = Map::new();
                if let Some(i) = s.business {
                    ids.insert("businessId".into(), json!(self.businesses[i].alias));
                }
                if let (Some(t), Some(crate::endpoint::Takes::Created(key, _))) = (&s.target, s.endpoint.info().takes) {
                    ids.insert(key.into(), json!(t.alias));
                }
                if !ids.is_empty() {
                    m.insert("ids".into(), Value::Object(ids));
                }
                if let Some(c) = &s.created {
                    m.insert("creates".into(), json!(c.alias));
                }
                m.insert("body".into(), body_json(&s.body));
                Value::Object(m)
            })
            .collect();
        case.insert("submissions".into(), Value::Array(submissions));
        Value::Object(case)
    }
}
