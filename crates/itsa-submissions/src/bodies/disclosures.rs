//! The bodies of HMRC's Individuals Disclosures API (2.0): disclosures for a tax year
//! (tax avoidance schemes, voluntary Class 2 NICs) and the Marriage Allowance claim.

use itsa_engine::TaxYear;
use serde::{Deserialize, Serialize};

use super::reliefs::items;
use super::{BodyError, Check, IsoDate, check_pattern, refuse_empty_array};

/// Read a tax year written `YYYY-YY` inside a body: `FORMAT_TAX_YEAR` unless it has
/// HMRC's form (`20[1-9][0-9]-[1-9][0-9]`), `RULE_TAX_YEAR_RANGE_INVALID` unless the two
/// years follow each other.
pub(crate) fn parse_tax_year_field(text: &str, path: &str) -> Result<TaxYear, BodyError> {
    let b = text.as_bytes();
    let form = b.len() == 7
        && b[..2] == *b"20"
        && (b'1'..=b'9').contains(&b[2])
        && b[3].is_ascii_digit()
        && b[4] == b'-'
        && (b'1'..=b'9').contains(&b[5])
        && b[6].is_ascii_digit();
    if !form {
        return Err(BodyError::new(path, "FORMAT_TAX_YEAR", format!("'{text}' is not a tax year of the form 2024-25")));
    }
    TaxYear::parse(text).map_err(|_| {
        BodyError::new(path, "RULE_TAX_YEAR_RANGE_INVALID", format!("'{text}' is not a range of one tax year"))
    })
}

// --- Disclosures ----------------------------------------------------------------------

/// Create and Amend Disclosures: tax avoidance schemes used and the choice to pay Class 2
/// National Insurance voluntarily.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Disclosures {
    pub tax_avoidance: Option<Vec<TaxAvoidance>>,
    pub class2_nics: Option<Class2Nics>,
}

/// A tax avoidance scheme the customer used.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TaxAvoidance {
    /// The scheme's Scheme Reference Number: 8 digits.
    pub srn: String,
    /// The tax year in which the expected advantage arises (`2020-21`).
    pub tax_year: String,
}

/// The voluntary Class 2 National Insurance choice.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Class2Nics {
    /// Whether voluntary Class 2 contributions are to be paid: only `true` is accepted.
    pub class2_voluntary_contributions: Option<bool>,
}

impl Disclosures {
    /// Whether the customer chooses to pay Class 2 National Insurance voluntarily.
    pub fn class2_voluntary_contributions(&self) -> bool {
        self.class2_nics.as_ref().and_then(|c| c.class2_voluntary_contributions) == Some(true)
    }
}

impl Check for Disclosures {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        if *self == Disclosures::default() {
            return Err(BodyError::incorrect_or_empty("/", "the body is empty"));
        }
        refuse_empty_array(&self.tax_avoidance, "taxAvoidance")?;
        for (i, t) in items(&self.tax_avoidance).iter().enumerate() {
            if t.srn.len() != 8 || !t.srn.bytes().all(|b| b.is_ascii_digit()) {
                return Err(BodyError::new(
                    format!("taxAvoidance/{i}/srn"),
                    "FORMAT_SRN_INVALID",
                    format!("'{}' is not a scheme reference number (8 digits)", t.srn),
                ));
            }
            parse_tax_year_field(&t.tax_year, &format!("taxAvoidance/{i}/taxYear"))?;
        }
        if let Some(c) = &self.class2_nics {
            match c.class2_voluntary_contributions {
                None => return Err(BodyError::incorrect_or_empty("class2Nics", "is an empty object")),
                Some(false) => {
                    return Err(BodyError::new(
                        "class2Nics/class2VoluntaryContributions",
                        "RULE_VOLUNTARY_CLASS2_VALUE_INVALID",
                        "voluntary Class 2 contributions can only be set to true",
                    ));
                }
                Some(true) => {}
            }
        }
        Ok(())
    }
}

// --- Marriage Allowance ---------------------------------------------------------------

/// Create Marriage Allowance: the customer's claim to transfer part of their personal
/// allowance to their spouse or civil partner, who is named here. Not tied to a tax year.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MarriageAllowanceClaim {
    /// The recipient's National Insurance number.
    pub spouse_or_civil_partner_nino: String,
    pub spouse_or_civil_partner_first_name: Option<String>,
    pub spouse_or_civil_partner_surname: String,
    pub spouse_or_civil_partner_date_of_birth: Option<IsoDate>,
}

/// A National Insurance number as HMRC's pattern has it: two letters (not D, F, I, Q, U
/// or V first; not D, F, I, O, Q, U or V second; not BG, GB, KN, NK, NT, TN or ZZ), six
/// digits and A to D.
pub(crate) fn is_nino(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 9 || !b[0].is_ascii_uppercase() || !b[1].is_ascii_uppercase() {
        return false;
    }
    let prefix = &s[..2];
    !b"DFIQUV".contains(&b[0])
        && !b"DFIOQUV".contains(&b[1])
        && !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(&prefix)
        && b[2..8].iter().all(u8::is_ascii_digit)
        && (b'A'..=b'D').contains(&b[8])
}

/// A name as HMRC's server accepts it: 1 to 35 of letters, digits and ` ,.()/&'-`.
fn check_partner_name(value: &str, path: &str, code: &'static str) -> Result<(), BodyError> {
    check_pattern(value, path, code, (1, 35), |c| c.is_ascii_alphanumeric() || " ,.()/&'-".contains(c))
}

impl Check for MarriageAllowanceClaim {
    fn check(&self, _year: TaxYear) -> Result<(), BodyError> {
        if !is_nino(&self.spouse_or_civil_partner_nino) {
            return Err(BodyError::new(
                "spouseOrCivilPartnerNino",
                "FORMAT_SPOUSE_OR_CIVIL_PARTNERS_NINO",
                format!("'{}' is not a National Insurance number", self.spouse_or_civil_partner_nino),
            ));
        }
        if let Some(first) = &self.spouse_or_civil_partner_first_name {
            check_partner_name(first, "spouseOrCivilPartnerFirstName", "FORMAT_SPOUSE_OR_CIVIL_PARTNERS_FIRST_NAME")?;
        }
        check_partner_name(
            &self.spouse_or_civil_partner_surname,
            "spouseOrCivilPartnerSurname",
            "FORMAT_SPOUSE_OR_CIVIL_PARTNERS_SURNAME",
        )?;
        if let Some(IsoDate(d)) = self.spouse_or_civil_partner_date_of_birth
            && !(1900..=2100).contains(&d.year())
        {
            return Err(BodyError::new(
                "spouseOrCivilPartnerDateOfBirth",
                "FORMAT_SPOUSE_OR_CIVIL_PARTNERS_DATE_OF_BIRTH",
                format!("{d} is not a date of birth from 1900 to 2100"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(start: u16) -> TaxYear {
        TaxYear::starting(start)
    }

    #[test]
    fn disclosures_parse_and_check() {
        let body: Disclosures = serde_json::from_str(
            r#"{"taxAvoidance": [{"srn": "14211123", "taxYear": "2023-24"}],
                "class2Nics": {"class2VoluntaryContributions": true}}"#,
        )
        .unwrap();
        body.check(year(2024)).unwrap();
        assert!(body.class2_voluntary_contributions());
        let e =
            serde_json::from_str::<Disclosures>(r#"{"class2Nics": {"class2VoluntaryContributions": true, "x": 1}}"#);
        assert!(e.unwrap_err().to_string().contains("unknown field"));

        let no: Disclosures =
            serde_json::from_str(r#"{"class2Nics": {"class2VoluntaryContributions": false}}"#).unwrap();
        assert_eq!(no.check(year(2024)).unwrap_err().code, "RULE_VOLUNTARY_CLASS2_VALUE_INVALID");
        for (tax_year, code) in [("2023-25", "RULE_TAX_YEAR_RANGE_INVALID"), ("2023", "FORMAT_TAX_YEAR")] {
            let body: Disclosures = serde_json::from_str(&format!(
                r#"{{"taxAvoidance": [{{"srn": "14211123", "taxYear": "{tax_year}"}}]}}"#
            ))
            .unwrap();
            let e = body.check(year(2024)).unwrap_err();
            assert_eq!((e.path.as_str(), e.code), ("taxAvoidance/0/taxYear", code));
        }
        let srn: Disclosures =
            serde_json::from_str(r#"{"taxAvoidance": [{"srn": "1421112", "taxYear": "2023-24"}]}"#).unwrap();
        assert_eq!(srn.check(year(2024)).unwrap_err().code, "FORMAT_SRN_INVALID");
        let empty: Disclosures = serde_json::from_str("{}").unwrap();
        assert_eq!(empty.check(year(2024)).unwrap_err().code, "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    #[test]
    fn marriage_allowance_parses_and_checks() {
        let body: MarriageAllowanceClaim = serde_json::from_str(
            r#"{"spouseOrCivilPartnerNino": "AA999999A", "spouseOrCivilPartnerFirstName": "Mary-Jane",
                "spouseOrCivilPartnerSurname": "O'Neil", "spouseOrCivilPartnerDateOfBirth": "1985-04-06"}"#,
        )
        .unwrap();
        body.check(year(2025)).unwrap();
        let e = serde_json::from_str::<MarriageAllowanceClaim>(
            r#"{"spouseOrCivilPartnerNino": "AA999999A", "spouseOrCivilPartnerSurname": "X", "nino": "x"}"#,
        );
        assert!(e.unwrap_err().to_string().contains("unknown field"));
        for bad in ["GB123456A", "DA123456A", "AO123456A", "AA123456E", "AA12345A", "aa123456A"] {
            let mut c = body.clone();
            c.spouse_or_civil_partner_nino = bad.into();
            assert_eq!(c.check(year(2025)).unwrap_err().code, "FORMAT_SPOUSE_OR_CIVIL_PARTNERS_NINO", "{bad}");
        }
        let mut long = body.clone();
        long.spouse_or_civil_partner_surname = "S".repeat(36);
        assert_eq!(long.check(year(2025)).unwrap_err().code, "FORMAT_SPOUSE_OR_CIVIL_PARTNERS_SURNAME");
        assert!(serde_json::from_str::<MarriageAllowanceClaim>(r#"{"spouseOrCivilPartnerSurname": "X"}"#).is_err());
    }
}
