//! The bodies of HMRC's Individual Losses API: version 6.0's brought forward losses, loss
//! claims and loss claims order (to 2025-26), and version 7.0's losses and claims of one
//! business (from 2026-27).

use itsa_engine::TaxYear;
use serde::{Deserialize, Serialize};

use super::{Amount, BodyError, Check};

/// Check a business id against HMRC's pattern `^X[A-Z0-9]{1}IS[0-9]{11}$`.
pub(crate) fn check_business_id(value: &str, path: &str) -> Result<(), BodyError> {
    let b = value.as_bytes();
    let ok = b.len() == 15
        && b[0] == b'X'
        && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
        && &b[2..4] == b"IS"
        && b[4..].iter().all(u8::is_ascii_digit);
    if !ok {
        return Err(BodyError::new(
            path,
            "FORMAT_BUSINESS_ID",
            format!("'{value}' is not a business id such as XAIS12345678910"),
        ));
    }
    Ok(())
}

/// Read a tax year written in a body (`2023-24`) and check it is within `first..=last` (start
/// years), with the codes HMRC's Losses API gives.
fn check_body_tax_year(value: &str, path: &str, first: u16, last: u16) -> Result<TaxYear, BodyError> {
    let b = value.as_bytes();
    let shaped = b.len() == 7 && b[4] == b'-' && b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit);
    if !shaped {
        return Err(BodyError::new(path, "FORMAT_TAX_YEAR", format!("'{value}' is not a tax year such as 2023-24")));
    }
    let year = TaxYear::parse(value).map_err(|_| {
        BodyError::new(
            path,
            "RULE_TAX_YEAR_RANGE_INVALID",
            format!("'{value}' is not one tax year: a range of one year is required"),
        )
    })?;
    if year.start_year() < first {
        return Err(BodyError::new(
            path,
            "RULE_TAX_YEAR_NOT_SUPPORTED",
            format!("{year} is before {}, the first tax year supported", TaxYear::starting(first)),
        ));
    }
    if year.start_year() > last {
        return Err(BodyError::new(
            path,
            "RULE_TAX_YEAR_FOR_VERSION_NOT_SUPPORTED",
            format!("this version of the API supports tax years up to {}", TaxYear::starting(last)),
        ));
    }
    Ok(year)
}

/// The last tax year of Individual Losses 6.0 (2025-26).
const LAST_V6_YEAR: u16 = 2025;

/// The income source a brought forward loss belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum BroughtForwardLossType {
    #[serde(rename = "self-employment")]
    SelfEmployment,
    /// A self-employment's loss for Class 4 National Insurance.
    #[serde(rename = "self-employment-class4")]
    SelfEmploymentClass4,
    /// UK furnished holiday lettings (to 2024-25).
    #[serde(rename = "uk-property-fhl")]
    UkPropertyFhl,
    #[serde(rename = "uk-property")]
    UkProperty,
    /// Furnished holiday lettings in the EEA (to 2024-25).
    #[serde(rename = "foreign-property-fhl-eea")]
    ForeignPropertyFhlEea,
    #[serde(rename = "foreign-property")]
    ForeignProperty,
}

/// HMRC's Create a Brought Forward Loss request (Losses 6.0).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BroughtForwardLoss {
    /// The tax year the loss was made in and is brought forward from, `2023-24` (2018-19 to
    /// 2025-26).
    pub tax_year_brought_forward_from: String,
    pub type_of_loss: BroughtForwardLossType,
    /// The business the loss belongs to.
    pub business_id: String,
    pub loss_amount: Amount,
}

impl BroughtForwardLoss {
    /// The tax year brought forward from, if it is well formed.
    pub fn tax_year_brought_forward_from(&self) -> Option<TaxYear> {
        TaxYear::parse(&self.tax_year_brought_forward_from).ok()
    }
}

impl Check for BroughtForwardLoss {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        check_body_tax_year(&self.tax_year_brought_forward_from, "taxYearBroughtForwardFrom", 2018, LAST_V6_YEAR)?;
        check_business_id(&self.business_id, "businessId")?;
        let fhl = matches!(
            self.type_of_loss,
            BroughtForwardLossType::UkPropertyFhl | BroughtForwardLossType::ForeignPropertyFhlEea
        );
        if fhl && year.start_year() >= 2025 {
            return Err(BodyError::new(
                "typeOfLoss",
                "RULE_BFL_NOT_SUPPORTED_FOR_FHL_PROPERTIES",
                "brought forward losses of furnished holiday lettings are not supported from 2025-26",
            ));
        }
        Ok(())
    }
}

/// The income source a loss claim is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum LossClaimSource {
    #[serde(rename = "self-employment")]
    SelfEmployment,
    #[serde(rename = "uk-property")]
    UkProperty,
    #[serde(rename = "foreign-property")]
    ForeignProperty,
}

/// How a loss is to be relieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum TypeOfClaim {
    /// Against later profits of the same business.
    #[serde(rename = "carry-forward")]
    CarryForward,
    /// Against general income of the year (or the one before).
    #[serde(rename = "carry-sideways")]
    CarrySideways,
    /// A furnished holiday lettings loss against general income (to 2024-25).
    #[serde(rename = "carry-sideways-fhl")]
    CarrySidewaysFhl,
    /// Carried forward, then against general income.
    #[serde(rename = "carry-forward-to-carry-sideways")]
    CarryForwardToCarrySideways,
}

/// HMRC's Create a Loss Claim request (Losses 6.0).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LossClaim {
    /// The tax year the claim is for, `2023-24` (2019-20 to 2025-26).
    pub tax_year_claimed_for: String,
    pub type_of_loss: LossClaimSource,
    pub type_of_claim: TypeOfClaim,
    /// The business whose loss is claimed.
    pub business_id: String,
}

impl LossClaim {
    /// The tax year claimed for, if it is well formed.
    pub fn tax_year_claimed_for(&self) -> Option<TaxYear> {
        TaxYear::parse(&self.tax_year_claimed_for).ok()
    }
}

impl Check for LossClaim {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        let claimed_for = check_body_tax_year(&self.tax_year_claimed_for, "taxYearClaimedFor", 2019, LAST_V6_YEAR)?;
        check_business_id(&self.business_id, "businessId")?;
        use TypeOfClaim::*;
        let allowed = match self.type_of_loss {
            LossClaimSource::SelfEmployment => matches!(self.type_of_claim, CarryForward | CarrySideways),
            LossClaimSource::UkProperty | LossClaimSource::ForeignProperty => {
                matches!(self.type_of_claim, CarrySideways | CarrySidewaysFhl | CarryForwardToCarrySideways)
            }
        };
        if !allowed {
            return Err(BodyError::new(
                "typeOfClaim",
                "RULE_TYPE_OF_CLAIM_INVALID",
                "this type of claim is not available for this type of loss",
            ));
        }
        if self.type_of_claim == CarrySidewaysFhl && claimed_for.start_year() >= 2025 {
            return Err(BodyError::new(
                "typeOfClaim",
                "RULE_CSFHL_CLAIM_NOT_SUPPORTED",
                "carry-sideways-fhl claims are not supported from 2025-26",
            ));
        }
        Ok(())
    }
}

/// The type of claims whose order is set: only carry-sideways.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum OrderedClaimType {
    #[serde(rename = "carry-sideways")]
    CarrySideways,
}

/// HMRC's Amend Loss Claims Order request (Losses 6.0): the order in which the claims of a
/// type for a tax year are used.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LossClaimsOrder {
    pub type_of_claim: OrderedClaimType,
    /// All the claims of the type for the year, each with its place in the order.
    pub list_of_loss_claims: Vec<OrderedClaim>,
}

/// One claim and its place in the order.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OrderedClaim {
    /// The claim's id, as HMRC made it when the claim was created.
    pub claim_id: String,
    /// Its place in the order: 1 to 99, starting at 1 with no gaps.
    pub sequence: i64,
}

impl Check for LossClaimsOrder {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        if self.list_of_loss_claims.is_empty() {
            return Err(BodyError::incorrect_or_empty("listOfLossClaims", "at least one loss claim is required"));
        }
        for (i, claim) in self.list_of_loss_claims.iter().enumerate() {
            let id = &claim.claim_id;
            if id.len() != 15 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(BodyError::new(
                    format!("listOfLossClaims/{i}/claimId"),
                    "FORMAT_CLAIM_ID",
                    format!("'{id}' is not a claim id of 15 letters and digits"),
                ));
            }
            if !(1..=99).contains(&claim.sequence) {
                return Err(BodyError::format(
                    format!("listOfLossClaims/{i}/sequence"),
                    format!("{} is not a whole number from 1 to 99", claim.sequence),
                ));
            }
        }
        let mut sequence: Vec<i64> = self.list_of_loss_claims.iter().map(|c| c.sequence).collect();
        sequence.sort_unstable();
        if sequence[0] != 1 {
            return Err(BodyError::new(
                "listOfLossClaims",
                "RULE_INVALID_SEQUENCE_START",
                "the sequence must start with 1",
            ));
        }
        if sequence.windows(2).any(|w| w[1] - w[0] != 1) {
            return Err(BodyError::new(
                "listOfLossClaims",
                "RULE_SEQUENCE_ORDER_BROKEN",
                "the sequence must be continuous, with no gaps or repeats",
            ));
        }
        Ok(())
    }
}

/// Which claim is applied first when a loss is set against general income of both the
/// previous and the current year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum ApplyFirst {
    #[serde(rename = "carry-sideways")]
    CarrySideways,
    #[serde(rename = "carry-back")]
    CarryBack,
}

/// HMRC's Create or Amend Losses and Claims request (Losses 7.0, from 2026-27): one
/// business's loss claims and brought forward losses for a tax year.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LossesAndClaims {
    pub claims: Option<LossClaims>,
    pub losses: Option<BroughtForwardLosses>,
}

/// The claims made for this year's loss.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LossClaims {
    pub carry_back: Option<CarryBack>,
    pub carry_sideways: Option<CarrySideways>,
    pub preference_order: Option<PreferenceOrder>,
    pub carry_forward: Option<CarryForward>,
}

/// This year's trading loss carried back.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CarryBack {
    /// Set against general income of the previous year (ITA 2007 s64).
    pub previous_year_general_income: Option<Amount>,
    /// An early years loss set against general income of earlier years (s72).
    pub early_year_losses: Option<Amount>,
    /// A terminal loss set against profits of the three previous years (s89).
    pub terminal_losses: Option<Amount>,
}

/// This year's trading loss set against this year's general income.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CarrySideways {
    /// Set against general income of the current year (s64).
    pub current_year_general_income: Option<Amount>,
}

/// The order of the carry-back and carry-sideways claims against general income.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PreferenceOrder {
    pub apply_first: Option<ApplyFirst>,
}

/// Trading losses carried forward against future profits of the same trade (s83).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CarryForward {
    /// This year's loss carried forward.
    pub current_year_losses: Option<Amount>,
    /// Earlier years' losses carried forward.
    pub previous_years_losses: Option<Amount>,
}

/// Losses brought forward from earlier years.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BroughtForwardLosses {
    /// Brought forward losses set against this year's profits.
    pub brought_forward_losses: Option<Amount>,
}

impl Check for LossesAndClaims {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        if self.claims.is_none() && self.losses.is_none() {
            return Err(BodyError::empty("/"));
        }
        if let Some(losses) = &self.losses
            && losses.brought_forward_losses.is_none()
        {
            return Err(BodyError::empty("losses"));
        }
        let Some(claims) = &self.claims else { return Ok(()) };
        if claims.carry_back.is_none()
            && claims.carry_sideways.is_none()
            && claims.preference_order.is_none()
            && claims.carry_forward.is_none()
        {
            return Err(BodyError::empty("claims"));
        }
        if let Some(c) = &claims.carry_back
            && c.previous_year_general_income.is_none()
            && c.early_year_losses.is_none()
            && c.terminal_losses.is_none()
        {
            return Err(BodyError::empty("claims/carryBack"));
        }
        if let Some(c) = &claims.carry_sideways
            && c.current_year_general_income.is_none()
        {
            return Err(BodyError::empty("claims/carrySideways"));
        }
        if let Some(p) = &claims.preference_order
            && p.apply_first.is_none()
        {
            return Err(BodyError::empty("claims/preferenceOrder"));
        }
        if let Some(c) = &claims.carry_forward
            && c.current_year_losses.is_none()
            && c.previous_years_losses.is_none()
        {
            return Err(BodyError::empty("claims/carryForward"));
        }
        let both = claims.carry_back.as_ref().is_some_and(|c| c.previous_year_general_income.is_some())
            && claims.carry_sideways.as_ref().is_some_and(|c| c.current_year_general_income.is_some());
        let ordered = claims.preference_order.as_ref().is_some_and(|p| p.apply_first.is_some());
        if both && !ordered {
            return Err(BodyError::new(
                "claims",
                "RULE_MISSING_PREFERENCE_ORDER",
                "a preference order is required when both previousYearGeneralIncome and currentYearGeneralIncome are given",
            ));
        }
        if ordered && !both {
            return Err(BodyError::new(
                "claims/preferenceOrder/applyFirst",
                "RULE_PREFERENCE_ORDER_NOT_ALLOWED",
                "a preference order is only given when both previousYearGeneralIncome and currentYearGeneralIncome are",
            ));
        }
        if claims.carry_back.as_ref().is_some_and(|c| c.terminal_losses.is_some()) && claims.carry_forward.is_some() {
            return Err(BodyError::new(
                "claims",
                "RULE_CARRY_FORWARD_AND_TERMINAL_LOSS_NOT_ALLOWED",
                "carry forward claims cannot be made with a terminal loss claim",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: serde::de::DeserializeOwned>(json: &str) -> T {
        serde_json::from_str(json).unwrap()
    }

    fn unknown<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) {
        let e = serde_json::from_str::<T>(json).unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }

    const BFL: &str = r#"{"taxYearBroughtForwardFrom": "2023-24", "typeOfLoss": "self-employment-class4",
        "businessId": "XAIS12345678910", "lossAmount": 2345.67}"#;

    #[test]
    fn brought_forward_loss() {
        let b: BroughtForwardLoss = read(BFL);
        assert_eq!(b.type_of_loss, BroughtForwardLossType::SelfEmploymentClass4);
        assert_eq!(b.tax_year_brought_forward_from(), Some(TaxYear::starting(2023)));
        b.check(TaxYear::starting(2024)).unwrap();
        unknown::<BroughtForwardLoss>(&BFL.replace(r#""lossAmount""#, r#""lossType": "income", "lossAmount""#));
        // The body names the business by its id: a placeholder must have been replaced.
        let alias: BroughtForwardLoss = read(&BFL.replace("XAIS12345678910", "{se1}"));
        assert_eq!(alias.check(TaxYear::starting(2024)).unwrap_err().code, "FORMAT_BUSINESS_ID");
        let fhl: BroughtForwardLoss = read(&BFL.replace("self-employment-class4", "uk-property-fhl"));
        fhl.check(TaxYear::starting(2024)).unwrap();
        assert_eq!(fhl.check(TaxYear::starting(2025)).unwrap_err().code, "RULE_BFL_NOT_SUPPORTED_FOR_FHL_PROPERTIES");
        for (year, code) in [
            ("2023-25", "RULE_TAX_YEAR_RANGE_INVALID"),
            ("2023/24", "FORMAT_TAX_YEAR"),
            ("2017-18", "RULE_TAX_YEAR_NOT_SUPPORTED"),
            ("2026-27", "RULE_TAX_YEAR_FOR_VERSION_NOT_SUPPORTED"),
        ] {
            let b: BroughtForwardLoss = read(&BFL.replace("2023-24", year));
            assert_eq!(b.check(TaxYear::starting(2024)).unwrap_err().code, code, "{year}");
        }
    }

    const CLAIM: &str = r#"{"taxYearClaimedFor": "2024-25", "typeOfLoss": "uk-property",
        "typeOfClaim": "carry-forward-to-carry-sideways", "businessId": "XPIS12356589871"}"#;

    #[test]
    fn loss_claim() {
        let c: LossClaim = read(CLAIM);
        assert_eq!(c.type_of_claim, TypeOfClaim::CarryForwardToCarrySideways);
        assert_eq!(c.tax_year_claimed_for(), Some(TaxYear::starting(2024)));
        c.check(TaxYear::starting(2024)).unwrap();
        unknown::<LossClaim>(&CLAIM.replace(r#""businessId""#, r#""claimId": "x", "businessId""#));
        let se: LossClaim = read(&CLAIM.replace("uk-property", "self-employment"));
        assert_eq!(se.check(TaxYear::starting(2024)).unwrap_err().code, "RULE_TYPE_OF_CLAIM_INVALID");
        let se: LossClaim = read(
            &CLAIM
                .replace("uk-property", "self-employment")
                .replace("carry-forward-to-carry-sideways", "carry-forward"),
        );
        se.check(TaxYear::starting(2024)).unwrap();
        let fhl: LossClaim = read(&CLAIM.replace("carry-forward-to-carry-sideways", "carry-sideways-fhl"));
        fhl.check(TaxYear::starting(2024)).unwrap();
        let fhl: LossClaim =
            read(&CLAIM.replace("carry-forward-to-carry-sideways", "carry-sideways-fhl").replace("2024-25", "2025-26"));
        assert_eq!(fhl.check(TaxYear::starting(2025)).unwrap_err().code, "RULE_CSFHL_CLAIM_NOT_SUPPORTED");
        let early: LossClaim = read(&CLAIM.replace("2024-25", "2018-19"));
        assert_eq!(early.check(TaxYear::starting(2024)).unwrap_err().code, "RULE_TAX_YEAR_NOT_SUPPORTED");
    }

    const ORDER: &str = r#"{"typeOfClaim": "carry-sideways", "listOfLossClaims": [
        {"claimId": "1234567890ABCDE", "sequence": 2},
        {"claimId": "1234567890ABDE0", "sequence": 3},
        {"claimId": "1234567890ABEF1", "sequence": 1}]}"#;

    #[test]
    fn loss_claims_order() {
        let o: LossClaimsOrder = read(ORDER);
        assert_eq!(o.list_of_loss_claims[2].sequence, 1);
        o.check(TaxYear::starting(2024)).unwrap();
        unknown::<LossClaimsOrder>(&ORDER.replace(r#""sequence": 3"#, r#""sequence": 3, "typeOfLoss": "uk-property""#));
        assert!(serde_json::from_str::<LossClaimsOrder>(&ORDER.replace("carry-sideways", "carry-forward")).is_err());
        let code = |from: &str, to: &str| {
            read::<LossClaimsOrder>(&ORDER.replace(from, to)).check(TaxYear::starting(2024)).unwrap_err().code
        };
        assert_eq!(code(r#""sequence": 1"#, r#""sequence": 4"#), "RULE_INVALID_SEQUENCE_START");
        assert_eq!(code(r#""sequence": 3"#, r#""sequence": 4"#), "RULE_SEQUENCE_ORDER_BROKEN");
        assert_eq!(code(r#""sequence": 3"#, r#""sequence": 2"#), "RULE_SEQUENCE_ORDER_BROKEN");
        assert_eq!(code(r#""sequence": 3"#, r#""sequence": 100"#), "FORMAT_VALUE");
        assert_eq!(code("1234567890ABDE0", "{claim2}"), "FORMAT_CLAIM_ID");
        let none: LossClaimsOrder = read(r#"{"typeOfClaim": "carry-sideways", "listOfLossClaims": []}"#);
        assert_eq!(none.check(TaxYear::starting(2024)).unwrap_err().code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    const LOSSES_AND_CLAIMS: &str = r#"{
        "claims": {
            "carryBack": {"previousYearGeneralIncome": 5000.99, "earlyYearLosses": 1200},
            "carrySideways": {"currentYearGeneralIncome": 800.50},
            "preferenceOrder": {"applyFirst": "carry-sideways"},
            "carryForward": {"currentYearLosses": 300, "previousYearsLosses": 150.25}
        },
        "losses": {"broughtForwardLosses": 4500}
    }"#;

    #[test]
    fn losses_and_claims() {
        let year = TaxYear::starting(2026);
        let b: LossesAndClaims = read(LOSSES_AND_CLAIMS);
        assert_eq!(
            b.claims.as_ref().unwrap().preference_order.as_ref().unwrap().apply_first,
            Some(ApplyFirst::CarrySideways)
        );
        b.check(year).unwrap();
        unknown::<LossesAndClaims>(
            &LOSSES_AND_CLAIMS.replace(r#""broughtForwardLosses""#, r#""lossType": 1, "broughtForwardLosses""#),
        );
        let code = |json: &str| read::<LossesAndClaims>(json).check(year).unwrap_err().code;
        assert_eq!(code("{}"), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        assert_eq!(code(r#"{"claims": {"carrySideways": {}}}"#), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        assert_eq!(
            code(&LOSSES_AND_CLAIMS.replace(r#""preferenceOrder": {"applyFirst": "carry-sideways"},"#, "")),
            "RULE_MISSING_PREFERENCE_ORDER"
        );
        assert_eq!(
            code(
                r#"{"claims": {"carrySideways": {"currentYearGeneralIncome": 1}, "preferenceOrder": {"applyFirst": "carry-back"}}}"#
            ),
            "RULE_PREFERENCE_ORDER_NOT_ALLOWED"
        );
        assert_eq!(
            code(r#"{"claims": {"carryBack": {"terminalLosses": 10}, "carryForward": {"currentYearLosses": 5}}}"#),
            "RULE_CARRY_FORWARD_AND_TERMINAL_LOSS_NOT_ALLOWED"
        );
    }
}
