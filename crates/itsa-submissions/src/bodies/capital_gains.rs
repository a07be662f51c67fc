//! The bodies of HMRC's Individuals Capital Gains Income API 3.0: residential property
//! disposals not reported through the 'Report and pay Capital Gains Tax on UK property'
//! service, overrides of those that were (PPD), and other capital gains and disposals.
//!
//! Each endpoint's schema changed in 2025-26 (def2) and again in 2026-27 (def3); the types
//! hold the fields of every variant and [`Check::check`] refuses those the year lacks.

use itsa_engine::TaxYear;
use serde::{Deserialize, Deserializer, Serialize};

use super::{Amount, BodyError, Check, IsoDate, SignedAmount, check_reference, only_in_years};

/// The first tax year of the second schemas (2025-26).
const DEF2: u16 = 2025;
/// The first tax year of the third schemas (2026-27).
const DEF3: u16 = 2026;

/// Refuse a field that HMRC's schema for `year` requires but that is missing (a field
/// required only from `first`).
fn required_from(present: bool, path: &str, year: TaxYear, first: u16) -> Result<(), BodyError> {
    if !present && year.start_year() >= first {
        return Err(BodyError::incorrect_or_empty(path, format!("is required in HMRC's schema for {year}")));
    }
    Ok(())
}

/// HMRC's pattern for descriptions, references and token names: the reference pattern
/// of 1 to 90 characters, and not only spaces.
fn check_description(value: &str, path: String, code: &'static str) -> Result<(), BodyError> {
    check_reference(value, &path, code, 90)?;
    if value.trim().is_empty() {
        return Err(BodyError::new(path, code, "must not be only spaces"));
    }
    Ok(())
}

/// Exactly one of a net gain and a net loss.
fn check_gain_or_loss(gain: Option<Amount>, loss: Option<Amount>, path: String) -> Result<(), BodyError> {
    if gain.is_some() == loss.is_some() {
        return Err(BodyError::new(
            path,
            "RULE_AMOUNT_GAIN_LOSS",
            "exactly one of amountOfNetGain and amountOfNetLoss must be given",
        ));
    }
    Ok(())
}

/// The acquisition must not be after the disposal, and the disposal must be in the year.
fn check_disposal_dates(
    acquisition: IsoDate,
    disposal: IsoDate,
    year: TaxYear,
    path: &str,
    acquisition_code: &'static str,
    disposal_code: &'static str,
) -> Result<(), BodyError> {
    if acquisition > disposal {
        return Err(BodyError::new(
            path,
            acquisition_code,
            format!("acquisitionDate {} is after disposalDate {}", acquisition.0, disposal.0),
        ));
    }
    if disposal.0 < year.first_day() || disposal.0 > year.last_day() {
        return Err(BodyError::new(
            format!("{path}/disposalDate"),
            disposal_code,
            format!("{} is not in {year}", disposal.0),
        ));
    }
    Ok(())
}

/// A number of disposals: a whole number from 1 to `max`.
fn check_count(value: u64, max: u64, path: String) -> Result<(), BodyError> {
    if !(1..=max).contains(&value) {
        return Err(BodyError::format(path, format!("{value} is not a whole number from 1 to {max}")));
    }
    Ok(())
}

/// A claim, election or notice code of a disposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ClaimOrElectionCode {
    /// Private Residence Relief where Letting Relief does not apply.
    Prr,
    /// Private Residence Relief where Letting Relief applies.
    Let,
    /// Gift Hold-Over Relief.
    Gho,
    /// Rollover Relief.
    Ror,
    /// Provisional Rollover Relief.
    Pro,
    /// Employee shares.
    Esh,
    /// Negligible value claim.
    Nvc,
    /// Social Investment Tax Relief (to 2024-25).
    Sir,
    /// Other claims.
    Oth,
    /// Business Asset Disposal Relief.
    Bad,
    /// Investors' Relief.
    Inv,
    /// Employee Ownership Trust.
    Eot,
    /// Incorporation Relief (cryptoassets, from 2026-27).
    Inc,
}

use ClaimOrElectionCode::*;

/// The codes of a residential property disposal (from 2025-26).
const RESIDENTIAL_CODES: &[ClaimOrElectionCode] = &[Prr, Let, Gho, Ror, Pro, Bad, Nvc, Oth];
/// The codes of an other disposal (to 2024-25).
const DISPOSAL_CODES: &[ClaimOrElectionCode] = &[Prr, Let, Gho, Ror, Pro, Esh, Nvc, Sir, Oth, Bad, Inv];
/// The codes of a cryptoasset disposal (Incorporation Relief from 2026-27).
const CRYPTOASSET_CODES: &[ClaimOrElectionCode] = &[Gho, Ror, Pro, Nvc, Oth, Bad, Inc];
/// The codes of an unlisted shares disposal.
const UNLISTED_SHARES_CODES: &[ClaimOrElectionCode] = &[Gho, Ror, Pro, Nvc, Esh, Oth, Bad, Inv, Eot];
/// The codes of an other gains entry.
const OTHER_GAINS_CODES: &[ClaimOrElectionCode] = &[Prr, Let, Gho, Ror, Pro, Esh, Nvc, Oth, Bad, Inv, Eot];

fn check_codes(
    codes: &Option<Vec<ClaimOrElectionCode>>,
    allowed: &[ClaimOrElectionCode],
    path: &str,
) -> Result<(), BodyError> {
    let Some(codes) = codes else { return Ok(()) };
    let path = format!("{path}/claimOrElectionCodes");
    if codes.is_empty() {
        return Err(BodyError::empty(&path));
    }
    for (i, code) in codes.iter().enumerate() {
        if !allowed.contains(code) {
            return Err(BodyError::new(
                format!("{path}/{i}"),
                "FORMAT_CLAIM_OR_ELECTION_CODES",
                format!("{} is not a code of this kind of disposal", format!("{code:?}").to_uppercase()),
            ));
        }
    }
    Ok(())
}

/// Business Asset Disposal Relief and Investors' Relief cannot both be claimed on one
/// disposal.
fn check_bad_and_inv(codes: &Option<Vec<ClaimOrElectionCode>>, path: &str) -> Result<(), BodyError> {
    if codes.as_ref().is_some_and(|c| c.contains(&Bad) && c.contains(&Inv)) {
        return Err(BodyError::new(
            format!("{path}/claimOrElectionCodes"),
            "RULE_INVALID_CLAIM_DISPOSALS",
            "BAD and INV cannot be claimed on the same disposal: report them as separate disposals",
        ));
    }
    Ok(())
}

fn check_list<'a, T>(list: &'a Option<Vec<T>>, path: &str) -> Result<&'a [T], BodyError> {
    match list {
        Some(items) if items.is_empty() => Err(BodyError::empty(path)),
        Some(items) => Ok(items),
        None => Ok(&[]),
    }
}

// ---------------------------------------------------------------------------------------
// Residential property disposals (non-PPD)

/// HMRC's Create and Amend CGT Residential Property Disposals (non-PPD) request.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResidentialPropertyDisposals {
    pub disposals: Vec<ResidentialDisposal>,
}

/// One residential property disposal (or a broker's schedule of several entered as one).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResidentialDisposal {
    /// How many disposals the entry covers, 1 to 9999 (from 2025-26, required there).
    pub number_of_disposals: Option<u32>,
    /// The customer's own reference for the disposal.
    pub customer_reference: Option<String>,
    /// When contracts were exchanged: within the tax year.
    pub disposal_date: IsoDate,
    /// When the sale completed: within the tax year.
    pub completion_date: IsoDate,
    pub disposal_proceeds: Amount,
    pub acquisition_date: IsoDate,
    pub acquisition_amount: Amount,
    /// Costs that added value to the property.
    pub improvement_costs: Option<Amount>,
    /// Fees of acquisition and disposal (surveyors, estate agents, solicitors).
    pub additional_costs: Option<Amount>,
    /// Private Residence Relief claimed.
    pub prf_amount: Option<Amount>,
    pub other_relief_amount: Option<Amount>,
    /// Gains eligible for Business Asset Disposal Relief, before losses (from 2025-26).
    pub gains_with_badr: Option<Amount>,
    /// Gains before losses (from 2025-26, required there).
    pub gains_before_losses: Option<Amount>,
    /// Losses of this year's other disposals set against this gain.
    pub losses_from_this_year: Option<Amount>,
    /// Losses of earlier years set against this gain (to 2024-25).
    pub losses_from_previous_year: Option<Amount>,
    /// From 2025-26.
    pub claim_or_election_codes: Option<Vec<ClaimOrElectionCode>>,
    pub amount_of_net_gain: Option<Amount>,
    pub amount_of_net_loss: Option<Amount>,
}

impl ResidentialDisposal {
    fn check(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        let at = |name: &str| format!("{path}/{name}");
        only_in_years(self.number_of_disposals.is_some(), &at("numberOfDisposals"), year, Some(DEF2), None)?;
        only_in_years(self.gains_with_badr.is_some(), &at("gainsWithBadr"), year, Some(DEF2), None)?;
        only_in_years(self.gains_before_losses.is_some(), &at("gainsBeforeLosses"), year, Some(DEF2), None)?;
        only_in_years(self.claim_or_election_codes.is_some(), &at("claimOrElectionCodes"), year, Some(DEF2), None)?;
        only_in_years(
            self.losses_from_previous_year.is_some(),
            &at("lossesFromPreviousYear"),
            year,
            None,
            Some(DEF2 - 1),
        )?;
        required_from(self.number_of_disposals.is_some(), &at("numberOfDisposals"), year, DEF2)?;
        required_from(self.gains_before_losses.is_some(), &at("gainsBeforeLosses"), year, DEF2)?;
        if let Some(n) = self.number_of_disposals {
            check_count(u64::from(n), 9999, at("numberOfDisposals"))?;
            if n <= 1 && self.losses_from_this_year.is_some() {
                return Err(BodyError::new(
                    path,
                    "RULE_INCORRECT_LOSSES_SUBMITTED",
                    "lossesFromThisYear cannot be given when numberOfDisposals is 1",
                ));
            }
        }
        if let Some(reference) = &self.customer_reference {
            check_description(reference, at("customerReference"), "FORMAT_CUSTOMER_REF")?;
        }
        check_codes(&self.claim_or_election_codes, RESIDENTIAL_CODES, path)?;
        check_gain_or_loss(self.amount_of_net_gain, self.amount_of_net_loss, path.to_owned())?;
        check_disposal_dates(
            self.acquisition_date,
            self.disposal_date,
            year,
            path,
            "RULE_ACQUISITION_DATE_AFTER_DISPOSAL_DATE",
            "RULE_DISPOSAL_DATE",
        )?;
        let completion = self.completion_date.0;
        if completion < year.first_day() || completion > year.last_day() {
            return Err(BodyError::new(
                at("completionDate"),
                "RULE_COMPLETION_DATE",
                format!("{completion} is not in {year}"),
            ));
        }
        Ok(())
    }
}

impl Check for ResidentialPropertyDisposals {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if self.disposals.is_empty() {
            return Err(BodyError::empty("disposals"));
        }
        for (i, d) in self.disposals.iter().enumerate() {
            d.check(&format!("disposals/{i}"), year)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// PPD overrides

/// HMRC's Create and Amend 'Report and Pay Capital Gains Tax on Residential Property'
/// Overrides (PPD) request: corrected figures of disposals already reported through that
/// service.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PpdOverrides {
    pub multiple_property_disposals: Option<Vec<MultiplePropertyDisposal>>,
    pub single_property_disposals: Option<Vec<SinglePropertyDisposal>>,
}

/// A PPD return of several property disposals.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MultiplePropertyDisposal {
    /// The reference the PPD service gave the return: 12 letters and digits.
    pub ppd_submission_id: String,
    pub amount_of_net_gain: Option<Amount>,
    pub amount_of_net_loss: Option<Amount>,
    /// Gains eligible for Business Asset Disposal Relief (from 2025-26).
    pub gains_with_badr: Option<Amount>,
    /// Gains eligible for Investors' Relief (from 2025-26).
    pub gains_with_inv: Option<Amount>,
}

/// A PPD return of one property disposal.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SinglePropertyDisposal {
    /// The reference the PPD service gave the return: 12 letters and digits.
    pub ppd_submission_id: String,
    pub completion_date: IsoDate,
    pub disposal_proceeds: Amount,
    /// Required from 2025-26.
    pub acquisition_date: Option<IsoDate>,
    pub acquisition_amount: Amount,
    /// Costs that added value to the property.
    pub improvement_costs: Amount,
    /// Fees of acquisition and disposal.
    pub additional_costs: Amount,
    /// Private Residence Relief claimed.
    pub prf_amount: Amount,
    pub other_relief_amount: Amount,
    pub losses_from_this_year: Option<Amount>,
    pub losses_from_previous_year: Option<Amount>,
    pub amount_of_net_gain: Option<Amount>,
    pub amount_of_net_loss: Option<Amount>,
    /// Gains eligible for Business Asset Disposal Relief (from 2025-26).
    pub gains_with_badr: Option<Amount>,
    /// Gains eligible for Investors' Relief (from 2025-26).
    pub gains_with_inv: Option<Amount>,
}

fn check_ppd_id(id: &str, path: String) -> Result<(), BodyError> {
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(BodyError::new(
            path,
            "FORMAT_PPD_SUBMISSION_ID",
            format!("'{id}' is not a PPD submission id of 12 letters and digits"),
        ));
    }
    Ok(())
}

/// HMRC refuses dates outside the years 1900 to 2100 here.
fn check_date_range(date: IsoDate, path: String) -> Result<(), BodyError> {
    if !(1900..=2100).contains(&date.0.year()) {
        return Err(BodyError::new(
            path,
            "RULE_DATE_RANGE_INVALID",
            format!("{} is outside the years 1900 to 2100", date.0),
        ));
    }
    Ok(())
}

impl Check for PpdOverrides {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        if self.multiple_property_disposals.is_none() && self.single_property_disposals.is_none() {
            return Err(BodyError::empty("/"));
        }
        let multiple = check_list(&self.multiple_property_disposals, "multiplePropertyDisposals")?;
        let single = check_list(&self.single_property_disposals, "singlePropertyDisposals")?;
        let mut ids: Vec<&str> = Vec::new();
        for (i, d) in multiple.iter().enumerate() {
            let path = format!("multiplePropertyDisposals/{i}");
            let at = |name: &str| format!("{path}/{name}");
            only_in_years(d.gains_with_badr.is_some(), &at("gainsWithBadr"), year, Some(DEF2), None)?;
            only_in_years(d.gains_with_inv.is_some(), &at("gainsWithInv"), year, Some(DEF2), None)?;
            check_ppd_id(&d.ppd_submission_id, at("ppdSubmissionId"))?;
            check_gain_or_loss(d.amount_of_net_gain, d.amount_of_net_loss, path.clone())?;
            ids.push(&d.ppd_submission_id);
        }
        for (i, d) in single.iter().enumerate() {
            let path = format!("singlePropertyDisposals/{i}");
            let at = |name: &str| format!("{path}/{name}");
            only_in_years(d.gains_with_badr.is_some(), &at("gainsWithBadr"), year, Some(DEF2), None)?;
            only_in_years(d.gains_with_inv.is_some(), &at("gainsWithInv"), year, Some(DEF2), None)?;
            required_from(d.acquisition_date.is_some(), &at("acquisitionDate"), year, DEF2)?;
            check_ppd_id(&d.ppd_submission_id, at("ppdSubmissionId"))?;
            check_gain_or_loss(d.amount_of_net_gain, d.amount_of_net_loss, path.clone())?;
            check_date_range(d.completion_date, at("completionDate"))?;
            if let Some(date) = d.acquisition_date {
                check_date_range(date, at("acquisitionDate"))?;
            }
            ids.push(&d.ppd_submission_id);
        }
        for (i, id) in ids.iter().enumerate() {
            if ids[..i].contains(id) {
                return Err(BodyError::new(
                    "/",
                    "RULE_DUPLICATED_PPD_SUBMISSION_ID",
                    format!("the ppdSubmissionId '{id}' is used more than once"),
                ));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Other capital gains and disposals

/// HMRC's Create and Amend Other Capital Gains and Disposals request.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OtherCapitalGains {
    /// Disposals of assets other than residential property (to 2024-25).
    pub disposals: Option<Vec<OtherDisposal>>,
    /// Cryptoasset disposals (from 2025-26).
    pub cryptoassets: Option<Vec<Cryptoasset>>,
    /// Disposals of other property, listed shares and other assets (from 2025-26).
    pub other_gains: Option<Vec<OtherGain>>,
    /// Disposals of unlisted shares (from 2025-26).
    pub unlisted_shares: Option<Vec<UnlistedShares>>,
    /// From 2025-26.
    pub gain_excluded_indexed_securities: Option<GainExcludedIndexedSecurities>,
    /// From 2025-26.
    pub qualifying_asset_holding_company: Option<QualifyingAssetHoldingCompany>,
    pub non_standard_gains: Option<NonStandardGains>,
    pub losses: Option<CgtLosses>,
    /// A signed amount to 2024-25, an object from 2025-26.
    pub adjustments: Option<CgtAdjustments>,
    /// From 2025-26.
    pub lifetime_allowance: Option<LifetimeAllowance>,
}

/// The type of asset of a disposal (to 2024-25).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum DisposalAssetType {
    #[serde(rename = "other-property")]
    OtherProperty,
    #[serde(rename = "unlisted-shares")]
    UnlistedShares,
    #[serde(rename = "listed-shares")]
    ListedShares,
    #[serde(rename = "other-asset")]
    OtherAsset,
}

/// A disposal of an asset other than residential property (to 2024-25).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OtherDisposal {
    pub asset_type: DisposalAssetType,
    pub asset_description: String,
    pub acquisition_date: IsoDate,
    /// Within the tax year.
    pub disposal_date: IsoDate,
    pub disposal_proceeds: Amount,
    /// Costs that can be deducted from the proceeds.
    pub allowable_costs: Amount,
    pub gain: Option<Amount>,
    pub loss: Option<Amount>,
    pub claim_or_election_codes: Option<Vec<ClaimOrElectionCode>>,
    /// The net gain after reliefs.
    pub gain_after_relief: Option<Amount>,
    /// The net loss after reliefs.
    pub loss_after_relief: Option<Amount>,
    /// Tax paid through the CGT Real Time Transactions service.
    pub rtt_tax_paid: Option<Amount>,
}

impl OtherDisposal {
    fn check(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        check_description(&self.asset_description, format!("{path}/assetDescription"), "FORMAT_ASSET_DESCRIPTION")?;
        check_codes(&self.claim_or_election_codes, DISPOSAL_CODES, path)?;
        if self.gain.is_some() && self.loss.is_some() {
            return Err(BodyError::new(path, "RULE_GAIN_LOSS", "only one of gain and loss can be given"));
        }
        if self.gain_after_relief.is_some() && self.loss_after_relief.is_some() {
            return Err(BodyError::new(
                path,
                "RULE_GAIN_AFTER_RELIEF_LOSS_AFTER_RELIEF",
                "only one of gainAfterRelief and lossAfterRelief can be given",
            ));
        }
        check_disposal_dates(
            self.acquisition_date,
            self.disposal_date,
            year,
            path,
            "RULE_ACQUISITION_DATE",
            "RULE_DISPOSAL_DATE_NOT_FUTURE",
        )
    }
}

/// Cryptoasset disposals (from 2025-26).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Cryptoasset {
    /// How many disposals the entry covers, 1 to 99999999999.
    pub number_of_disposals: u64,
    pub asset_description: String,
    /// The name of the cryptoasset token.
    pub token_name: String,
    pub acquisition_date: IsoDate,
    /// Within the tax year.
    pub disposal_date: IsoDate,
    pub disposal_proceeds: Amount,
    /// Costs that can be deducted from the proceeds.
    pub allowable_costs: Amount,
    /// Gains eligible for Business Asset Disposal Relief, before losses.
    pub gains_with_badr: Option<Amount>,
    pub gains_before_losses: Amount,
    /// Allowable losses of the disposal.
    pub losses: Option<Amount>,
    /// Incorporation Relief (INC) only from 2026-27.
    pub claim_or_election_codes: Option<Vec<ClaimOrElectionCode>>,
    pub amount_of_net_gain: Option<Amount>,
    pub amount_of_net_loss: Option<Amount>,
    /// Tax paid through the CGT Real Time Transactions service.
    pub rtt_tax_paid: Option<Amount>,
}

impl Cryptoasset {
    fn check(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        let at = |name: &str| format!("{path}/{name}");
        check_count(self.number_of_disposals, 99_999_999_999, at("numberOfDisposals"))?;
        check_description(&self.asset_description, at("assetDescription"), "FORMAT_ASSET_DESCRIPTION")?;
        check_description(&self.token_name, at("tokenName"), "FORMAT_TOKEN_NAME")?;
        let codes = if year.start_year() >= DEF3 { CRYPTOASSET_CODES } else { &CRYPTOASSET_CODES[..6] };
        check_codes(&self.claim_or_election_codes, codes, path)?;
        check_gain_or_loss(self.amount_of_net_gain, self.amount_of_net_loss, path.to_owned())?;
        check_disposal_dates(
            self.acquisition_date,
            self.disposal_date,
            year,
            path,
            "RULE_ACQUISITION_DATE",
            "RULE_DISPOSAL_DATE_NOT_FUTURE",
        )
    }
}

/// The type of asset of an other gains entry (from 2025-26).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum OtherGainAssetType {
    #[serde(rename = "other-property")]
    OtherProperty,
    #[serde(rename = "listed-shares")]
    ListedShares,
    #[serde(rename = "other-assets")]
    OtherAssets,
    #[serde(rename = "non-uk-residential-property")]
    NonUkResidentialProperty,
}

/// A disposal of other property, listed shares or other assets (from 2025-26).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OtherGain {
    pub asset_type: OtherGainAssetType,
    /// How many disposals the entry covers, 1 to 99999999999.
    pub number_of_disposals: u64,
    pub asset_description: String,
    /// Required for listed shares.
    pub company_name: Option<String>,
    pub company_registration_number: Option<String>,
    pub acquisition_date: IsoDate,
    /// Within the tax year.
    pub disposal_date: IsoDate,
    pub disposal_proceeds: Amount,
    /// Costs that can be deducted from the proceeds.
    pub allowable_costs: Amount,
    /// Gains eligible for Business Asset Disposal Relief, before losses.
    pub gains_with_badr: Option<Amount>,
    /// Gains eligible for Investors' Relief, before losses.
    pub gains_with_inv: Option<Amount>,
    pub gains_before_losses: Amount,
    /// Allowable losses of the disposal.
    pub losses: Option<Amount>,
    pub claim_or_election_codes: Option<Vec<ClaimOrElectionCode>>,
    pub amount_of_net_gain: Option<Amount>,
    pub amount_of_net_loss: Option<Amount>,
    /// Tax paid through the CGT Real Time Transactions service.
    pub rtt_tax_paid: Option<Amount>,
}

/// HMRC's `^.{0,160}$`.
fn check_company_name(name: Option<&str>, path: String) -> Result<(), BodyError> {
    if let Some(name) = name
        && (name.chars().count() > 160
            || name.chars().any(|c| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')))
    {
        return Err(BodyError::new(
            path,
            "FORMAT_COMPANY_NAME",
            "a company name is at most 160 characters on one line",
        ));
    }
    Ok(())
}

/// HMRC's `^(?:\d{8}|[A-Za-z]{2}\d{6})$`.
fn check_company_number(number: &Option<String>, path: String) -> Result<(), BodyError> {
    if let Some(number) = number {
        let b = number.as_bytes();
        let ok = b.len() == 8
            && (b.iter().all(u8::is_ascii_digit)
                || (b[..2].iter().all(u8::is_ascii_alphabetic) && b[2..].iter().all(u8::is_ascii_digit)));
        if !ok {
            return Err(BodyError::new(
                path,
                "FORMAT_COMPANY_REGISTRATION_NUMBER",
                format!("'{number}' is not a company registration number (8 digits, or 2 letters and 6 digits)"),
            ));
        }
    }
    Ok(())
}

impl OtherGain {
    fn check(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        let at = |name: &str| format!("{path}/{name}");
        check_count(self.number_of_disposals, 99_999_999_999, at("numberOfDisposals"))?;
        check_description(&self.asset_description, at("assetDescription"), "FORMAT_ASSET_DESCRIPTION")?;
        check_company_name(self.company_name.as_deref(), at("companyName"))?;
        check_company_number(&self.company_registration_number, at("companyRegistrationNumber"))?;
        check_codes(&self.claim_or_election_codes, OTHER_GAINS_CODES, path)?;
        if self.asset_type == OtherGainAssetType::ListedShares && self.company_name.is_none() {
            return Err(BodyError::new(path, "RULE_MISSING_COMPANY_NAME", "companyName is required for listed shares"));
        }
        let codes = self.claim_or_election_codes.as_deref().unwrap_or_default();
        let invalid = match self.asset_type {
            OtherGainAssetType::ListedShares => codes.iter().any(|c| matches!(c, Prr | Let)),
            OtherGainAssetType::NonUkResidentialProperty => codes.contains(&Inv),
            _ => false,
        };
        if invalid {
            return Err(BodyError::new(
                path,
                "RULE_INVALID_CLAIM_OR_ELECTION_CODES",
                "PRR and LET do not apply to listed shares, nor INV to non-UK residential property",
            ));
        }
        check_bad_and_inv(&self.claim_or_election_codes, path)?;
        check_gain_or_loss(self.amount_of_net_gain, self.amount_of_net_loss, path.to_owned())?;
        check_disposal_dates(
            self.acquisition_date,
            self.disposal_date,
            year,
            path,
            "RULE_ACQUISITION_DATE",
            "RULE_DISPOSAL_DATE_NOT_FUTURE",
        )
    }
}

/// A disposal of unlisted shares (from 2025-26).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UnlistedShares {
    /// How many disposals the entry covers, 1 to 99999999999.
    pub number_of_disposals: u64,
    pub asset_description: String,
    pub company_name: String,
    pub company_registration_number: Option<String>,
    pub acquisition_date: IsoDate,
    /// Within the tax year.
    pub disposal_date: IsoDate,
    pub disposal_proceeds: Amount,
    /// Costs that can be deducted from the proceeds.
    pub allowable_costs: Amount,
    /// Gains eligible for Business Asset Disposal Relief, before losses.
    pub gains_with_badr: Option<Amount>,
    /// Gains eligible for Investors' Relief, before losses.
    pub gains_with_inv: Option<Amount>,
    pub gains_before_losses: Amount,
    /// Allowable losses of the disposal.
    pub losses: Option<Amount>,
    pub claim_or_election_codes: Option<Vec<ClaimOrElectionCode>>,
    /// Gains reported through the CGT Real Time Transactions service.
    pub gains_reported_on_rtt: Option<Amount>,
    /// The part of the gains above the lifetime limit of the relief.
    pub gains_exceeding_lifetime_limit: Option<Amount>,
    /// Gains eligible for Seed Enterprise Investment Scheme relief.
    pub gains_under_seis: Option<Amount>,
    /// The loss set against this year's general income.
    pub loss_used_against_general_income: Option<Amount>,
    /// EIS or SEIS relief due for this year.
    pub eis_or_seis_relief_due_current_year: Option<Amount>,
    /// Losses set against the previous year's general income.
    pub losses_used_against_general_income_previous_year: Option<Amount>,
    /// EIS or SEIS relief due from the previous year.
    pub eis_or_seis_relief_due_previous_year: Option<Amount>,
    /// Tax paid through the CGT Real Time Transactions service.
    pub rtt_tax_paid: Option<Amount>,
}

impl UnlistedShares {
    fn check(&self, path: &str, year: TaxYear) -> Result<(), BodyError> {
        let at = |name: &str| format!("{path}/{name}");
        check_count(self.number_of_disposals, 99_999_999_999, at("numberOfDisposals"))?;
        check_description(&self.asset_description, at("assetDescription"), "FORMAT_ASSET_DESCRIPTION")?;
        check_company_name(Some(&self.company_name), at("companyName"))?;
        check_company_number(&self.company_registration_number, at("companyRegistrationNumber"))?;
        check_codes(&self.claim_or_election_codes, UNLISTED_SHARES_CODES, path)?;
        check_bad_and_inv(&self.claim_or_election_codes, path)?;
        check_disposal_dates(
            self.acquisition_date,
            self.disposal_date,
            year,
            path,
            "RULE_ACQUISITION_DATE",
            "RULE_DISPOSAL_DATE_NOT_FUTURE",
        )
    }
}

/// Gains from excluded indexed securities (from 2025-26).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GainExcludedIndexedSecurities {
    pub gains_from_excluded_securities: Option<Amount>,
}

/// Gains and losses of Qualifying Asset Holding Company disposals (from 2025-26).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct QualifyingAssetHoldingCompany {
    pub gains_from_qahc_before_losses: Option<Amount>,
    pub losses_from_qahc: Option<Amount>,
}

/// Gains not from disposals reported above.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NonStandardGains {
    /// Carried interest gains (to 2024-25).
    pub carried_interest_gain: Option<Amount>,
    /// Tax paid on them through Real Time Transactions (to 2024-25).
    pub carried_interest_rtt_tax_paid: Option<Amount>,
    /// Attributed gains, against which personal losses cannot be set.
    pub attributed_gains: Option<Amount>,
    pub attributed_gains_rtt_tax_paid: Option<Amount>,
    /// Gains of any other asset type not reported elsewhere.
    pub other_gains: Option<Amount>,
    pub other_gains_rtt_tax_paid: Option<Amount>,
}

/// Capital losses of other disposals and non-standard gains.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CgtLosses {
    /// Losses brought forward and used this year.
    pub brought_forward_losses_used_in_current_year: Option<Amount>,
    /// Trading losses set against this year's chargeable gains.
    pub set_against_in_year_gains: Option<Amount>,
    /// Losses set against this year's general income (to 2024-25).
    pub set_against_in_year_general_income: Option<Amount>,
    /// Losses set against the previous year's general income.
    pub set_against_earlier_year: Option<Amount>,
    /// This year's losses carried forward (from 2025-26).
    pub losses_to_carry_forward: Option<Amount>,
}

/// Adjustments to the Capital Gains Tax payable, whose shape changed in 2025-26.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CgtAdjustments {
    /// To 2024-25: an amount that reduces or increases the tax.
    Amount(SignedAmount),
    /// From 2025-26.
    Detail(AdjustmentAmount),
}

/// The adjustment from 2025-26.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AdjustmentAmount {
    /// An amount that increases the tax.
    pub adjustment_amount: Option<Amount>,
}

impl<'de> Deserialize<'de> for CgtAdjustments {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let adjustments = if value.is_number() {
            SignedAmount::deserialize(value).map(CgtAdjustments::Amount)
        } else {
            AdjustmentAmount::deserialize(value).map(CgtAdjustments::Detail)
        };
        adjustments.map_err(serde::de::Error::custom)
    }
}

/// Business Asset Disposal Relief and Investors' Relief claimed to date (from 2025-26).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LifetimeAllowance {
    /// Business Asset Disposal Relief (and Entrepreneurs' Relief) claimed to date.
    pub lifetime_allowance_badr: Option<Amount>,
    /// Investors' Relief claimed to date.
    pub lifetime_allowance_inv: Option<Amount>,
}

impl Check for OtherCapitalGains {
    fn check(&self, year: TaxYear) -> Result<(), BodyError> {
        let new = Some(DEF2);
        let old = Some(DEF2 - 1);
        only_in_years(self.disposals.is_some(), "disposals", year, None, old)?;
        only_in_years(self.cryptoassets.is_some(), "cryptoassets", year, new, None)?;
        only_in_years(self.other_gains.is_some(), "otherGains", year, new, None)?;
        only_in_years(self.unlisted_shares.is_some(), "unlistedShares", year, new, None)?;
        let excluded = self.gain_excluded_indexed_securities.as_ref();
        only_in_years(excluded.is_some(), "gainExcludedIndexedSecurities", year, new, None)?;
        let qahc = self.qualifying_asset_holding_company.as_ref();
        only_in_years(qahc.is_some(), "qualifyingAssetHoldingCompany", year, new, None)?;
        only_in_years(self.lifetime_allowance.is_some(), "lifetimeAllowance", year, new, None)?;
        let nothing = self.disposals.is_none()
            && self.cryptoassets.is_none()
            && self.other_gains.is_none()
            && self.unlisted_shares.is_none()
            && excluded.is_none()
            && qahc.is_none()
            && self.non_standard_gains.is_none()
            && self.losses.is_none()
            && self.adjustments.is_none()
            && self.lifetime_allowance.is_none();
        if nothing {
            return Err(BodyError::empty("/"));
        }
        for (i, d) in check_list(&self.disposals, "disposals")?.iter().enumerate() {
            d.check(&format!("disposals/{i}"), year)?;
        }
        for (i, c) in check_list(&self.cryptoassets, "cryptoassets")?.iter().enumerate() {
            c.check(&format!("cryptoassets/{i}"), year)?;
        }
        for (i, g) in check_list(&self.other_gains, "otherGains")?.iter().enumerate() {
            g.check(&format!("otherGains/{i}"), year)?;
        }
        for (i, s) in check_list(&self.unlisted_shares, "unlistedShares")?.iter().enumerate() {
            s.check(&format!("unlistedShares/{i}"), year)?;
        }
        if excluded.is_some_and(|e| e.gains_from_excluded_securities.is_none()) {
            return Err(BodyError::empty("gainExcludedIndexedSecurities"));
        }
        if qahc.is_some_and(|q| q.gains_from_qahc_before_losses.is_none() && q.losses_from_qahc.is_none()) {
            return Err(BodyError::empty("qualifyingAssetHoldingCompany"));
        }
        if let Some(l) = &self.lifetime_allowance
            && l.lifetime_allowance_badr.is_none()
            && l.lifetime_allowance_inv.is_none()
        {
            return Err(BodyError::empty("lifetimeAllowance"));
        }
        if let Some(n) = &self.non_standard_gains {
            only_in_years(n.carried_interest_gain.is_some(), "nonStandardGains/carriedInterestGain", year, None, old)?;
            let paid = n.carried_interest_rtt_tax_paid.is_some();
            only_in_years(paid, "nonStandardGains/carriedInterestRttTaxPaid", year, None, old)?;
            let gains = [n.carried_interest_gain, n.attributed_gains, n.other_gains];
            let all = [n.attributed_gains_rtt_tax_paid, n.other_gains_rtt_tax_paid, n.carried_interest_rtt_tax_paid];
            if gains.iter().chain(&all).all(Option::is_none) {
                return Err(BodyError::empty("nonStandardGains"));
            }
            if year.start_year() < DEF2 && gains.iter().all(Option::is_none) {
                return Err(BodyError::new(
                    "nonStandardGains",
                    "RULE_INCORRECT_NON_STANDARD_GAINS",
                    "at least one of carriedInterestGain, attributedGains and otherGains must be given",
                ));
            }
        }
        if let Some(l) = &self.losses {
            let general = l.set_against_in_year_general_income.is_some();
            only_in_years(general, "losses/setAgainstInYearGeneralIncome", year, None, old)?;
            only_in_years(l.losses_to_carry_forward.is_some(), "losses/lossesToCarryForward", year, new, None)?;
            let fields = [
                l.brought_forward_losses_used_in_current_year,
                l.set_against_in_year_gains,
                l.set_against_in_year_general_income,
                l.set_against_earlier_year,
                l.losses_to_carry_forward,
            ];
            if fields.iter().all(Option::is_none) {
                return Err(BodyError::empty("losses"));
            }
        }
        match &self.adjustments {
            Some(CgtAdjustments::Amount(_)) => {
                only_in_years(true, "adjustments", year, None, old).map_err(|e| BodyError {
                    message: format!("{}: from 2025-26 adjustments is an object", e.message),
                    ..e
                })?;
            }
            Some(CgtAdjustments::Detail(detail)) => {
                only_in_years(true, "adjustments", year, new, None).map_err(|e| BodyError {
                    message: format!("{}: to 2024-25 adjustments is an amount", e.message),
                    ..e
                })?;
                if detail.adjustment_amount.is_none() {
                    return Err(BodyError::empty("adjustments"));
                }
            }
            None => {}
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

    fn code<T: serde::de::DeserializeOwned + Check>(json: &str, year: u16) -> &'static str {
        read::<T>(json).check(TaxYear::starting(year)).unwrap_err().code
    }

    const RESIDENTIAL_2025: &str = r#"{"disposals": [{
        "numberOfDisposals": 3,
        "customerReference": "CGT-Flat 2 (Rue d'Été)",
        "disposalDate": "2025-09-04",
        "completionDate": "2025-10-08",
        "disposalProceeds": 450000,
        "acquisitionDate": "2015-04-06",
        "acquisitionAmount": 300000.50,
        "improvementCosts": 15000,
        "additionalCosts": 5000.99,
        "prfAmount": 20000,
        "otherReliefAmount": 1000,
        "gainsWithBadr": 0,
        "gainsBeforeLosses": 108999.51,
        "lossesFromThisYear": 2000,
        "claimOrElectionCodes": ["PRR", "OTH"],
        "amountOfNetGain": 106999.51
    }]}"#;

    const RESIDENTIAL_2024: &str = r#"{"disposals": [{
        "customerReference": "CGTDISPOSAL01",
        "disposalDate": "2024-06-04",
        "completionDate": "2024-07-08",
        "disposalProceeds": 250000,
        "acquisitionDate": "2010-02-01",
        "acquisitionAmount": 180000,
        "lossesFromPreviousYear": 500,
        "amountOfNetLoss": 1200
    }]}"#;

    #[test]
    fn residential_property_disposals() {
        let b: ResidentialPropertyDisposals = read(RESIDENTIAL_2025);
        assert_eq!(b.disposals[0].claim_or_election_codes.as_deref(), Some(&[Prr, Oth][..]));
        b.check(TaxYear::starting(2025)).unwrap();
        b.check(TaxYear::starting(2026)).unwrap_err();
        read::<ResidentialPropertyDisposals>(&RESIDENTIAL_2025.replace("2025-", "2026-"))
            .check(TaxYear::starting(2026))
            .unwrap();
        read::<ResidentialPropertyDisposals>(RESIDENTIAL_2024).check(TaxYear::starting(2024)).unwrap();
        unknown::<ResidentialPropertyDisposals>(
            &RESIDENTIAL_2024.replace(r#""acquisitionAmount""#, r#""propertyId": "x", "acquisitionAmount""#),
        );
        // 2024-25's schema has no numberOfDisposals; from 2025-26 it is required and there
        // is no lossesFromPreviousYear.
        let with_count =
            RESIDENTIAL_2024.replace(r#""customerReference""#, r#""numberOfDisposals": 1, "customerReference""#);
        assert_eq!(code::<ResidentialPropertyDisposals>(&with_count, 2024), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        let moved = RESIDENTIAL_2024.replace("2024-0", "2025-0");
        assert_eq!(code::<ResidentialPropertyDisposals>(&moved, 2025), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        let rule =
            |from: &str, to: &str| code::<ResidentialPropertyDisposals>(&RESIDENTIAL_2025.replace(from, to), 2025);
        assert_eq!(rule(r#""amountOfNetGain""#, r#""amountOfNetLoss": 5, "amountOfNetGain""#), "RULE_AMOUNT_GAIN_LOSS");
        assert_eq!(rule(r#""numberOfDisposals": 3"#, r#""numberOfDisposals": 1"#), "RULE_INCORRECT_LOSSES_SUBMITTED");
        assert_eq!(rule(r#""numberOfDisposals": 3"#, r#""numberOfDisposals": 10000"#), "FORMAT_VALUE");
        assert_eq!(rule("2025-09-04", "2026-04-06"), "RULE_DISPOSAL_DATE");
        assert_eq!(rule("2025-10-08", "2026-04-08"), "RULE_COMPLETION_DATE");
        assert_eq!(rule("2015-04-06", "2025-09-05"), "RULE_ACQUISITION_DATE_AFTER_DISPOSAL_DATE");
        assert_eq!(rule("CGT-Flat 2 (Rue d'Été)", "a/b"), "FORMAT_CUSTOMER_REF");
        assert_eq!(rule(r#"["PRR", "OTH"]"#, r#"["ESH"]"#), "FORMAT_CLAIM_OR_ELECTION_CODES");
        assert!(
            serde_json::from_str::<ResidentialPropertyDisposals>(&RESIDENTIAL_2025.replace("\"PRR\"", "\"XYZ\""))
                .is_err()
        );
        assert_eq!(
            code::<ResidentialPropertyDisposals>(r#"{"disposals": []}"#, 2025),
            "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED"
        );
    }

    const PPD_2025: &str = r#"{
        "multiplePropertyDisposals": [
            {"ppdSubmissionId": "AB0000000092", "amountOfNetGain": 1234.78, "gainsWithBadr": 100, "gainsWithInv": 50}
        ],
        "singlePropertyDisposals": [
            {"ppdSubmissionId": "AB0000000098", "completionDate": "2025-08-09", "disposalProceeds": 454.24,
             "acquisitionDate": "2021-03-08", "acquisitionAmount": 3434.45, "improvementCosts": 233.45,
             "additionalCosts": 423.34, "prfAmount": 2324.67, "otherReliefAmount": 3434.23,
             "lossesFromThisYear": 436.23, "lossesFromPreviousYear": 234.23, "amountOfNetLoss": 4567.89,
             "gainsWithBadr": 1, "gainsWithInv": 2}
        ]
    }"#;

    #[test]
    fn ppd_overrides() {
        read::<PpdOverrides>(PPD_2025).check(TaxYear::starting(2025)).unwrap();
        unknown::<PpdOverrides>(
            &PPD_2025.replace(r#""amountOfNetGain""#, r#""completionDate": "2025-01-01", "amountOfNetGain""#),
        );
        // gainsWithBadr and gainsWithInv start in 2025-26.
        assert_eq!(code::<PpdOverrides>(PPD_2025, 2024), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        let old = r#"{"singlePropertyDisposals": [{"ppdSubmissionId": "AB0000000098", "completionDate": "2024-08-09",
            "disposalProceeds": 454.24, "acquisitionAmount": 3434.45, "improvementCosts": 233.45, "additionalCosts": 423.34,
            "prfAmount": 2324.67, "otherReliefAmount": 3434.23, "amountOfNetGain": 4567.89}]}"#;
        read::<PpdOverrides>(old).check(TaxYear::starting(2024)).unwrap();
        assert_eq!(code::<PpdOverrides>(old, 2025), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        let rule = |from: &str, to: &str| code::<PpdOverrides>(&PPD_2025.replace(from, to), 2025);
        assert_eq!(rule("AB0000000098", "AB0000000092"), "RULE_DUPLICATED_PPD_SUBMISSION_ID");
        assert_eq!(rule("AB0000000098", "AB-000000098"), "FORMAT_PPD_SUBMISSION_ID");
        assert_eq!(rule(r#""amountOfNetLoss": 4567.89,"#, ""), "RULE_AMOUNT_GAIN_LOSS");
        assert_eq!(rule("2021-03-08", "1899-03-08"), "RULE_DATE_RANGE_INVALID");
        assert_eq!(code::<PpdOverrides>("{}", 2025), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }

    const OTHER_2024: &str = r#"{
        "disposals": [{"assetType": "listed-shares", "assetDescription": "Shares in Acme plc",
            "acquisitionDate": "2019-05-01", "disposalDate": "2024-11-12", "disposalProceeds": 12000,
            "allowableCosts": 8000, "gain": 4000, "claimOrElectionCodes": ["SIR", "OTH"], "gainAfterRelief": 3500,
            "rttTaxPaid": 200}],
        "nonStandardGains": {"carriedInterestGain": 1000, "carriedInterestRttTaxPaid": 100, "attributedGains": 50,
            "attributedGainsRttTaxPaid": 5, "otherGains": 20, "otherGainsRttTaxPaid": 2},
        "losses": {"broughtForwardLossesUsedInCurrentYear": 300, "setAgainstInYearGains": 10,
            "setAgainstInYearGeneralIncome": 20, "setAgainstEarlierYear": 30},
        "adjustments": -250.75
    }"#;

    const OTHER_2026: &str = r#"{
        "cryptoassets": [{"numberOfDisposals": 12, "assetDescription": "Bitcoin", "tokenName": "BTC",
            "acquisitionDate": "2020-01-01", "disposalDate": "2026-06-30", "disposalProceeds": 50000,
            "allowableCosts": 20000, "gainsWithBadr": 0, "gainsBeforeLosses": 30000, "losses": 1000,
            "claimOrElectionCodes": ["INC"], "amountOfNetGain": 29000, "rttTaxPaid": 100}],
        "otherGains": [{"assetType": "listed-shares", "numberOfDisposals": 2, "assetDescription": "Shares",
            "companyName": "Acme Holdings plc", "companyRegistrationNumber": "SC123456",
            "acquisitionDate": "2018-02-03", "disposalDate": "2026-08-01", "disposalProceeds": 9000,
            "allowableCosts": 4000, "gainsWithBadr": 100, "gainsWithInv": 0, "gainsBeforeLosses": 5000, "losses": 0,
            "claimOrElectionCodes": ["BAD", "EOT"], "amountOfNetGain": 5000, "rttTaxPaid": 0}],
        "unlistedShares": [{"numberOfDisposals": 1, "assetDescription": "Family company", "companyName": "Small Co Ltd",
            "companyRegistrationNumber": "01234567", "acquisitionDate": "2012-01-01", "disposalDate": "2027-01-15",
            "disposalProceeds": 100000, "allowableCosts": 1000, "gainsWithBadr": 99000, "gainsWithInv": 0,
            "gainsBeforeLosses": 99000, "losses": 0, "claimOrElectionCodes": ["BAD"], "gainsReportedOnRtt": 1,
            "gainsExceedingLifetimeLimit": 2, "gainsUnderSeis": 3, "lossUsedAgainstGeneralIncome": 4,
            "eisOrSeisReliefDueCurrentYear": 5, "lossesUsedAgainstGeneralIncomePreviousYear": 6,
            "eisOrSeisReliefDuePreviousYear": 7, "rttTaxPaid": 8}],
        "gainExcludedIndexedSecurities": {"gainsFromExcludedSecurities": 199.99},
        "qualifyingAssetHoldingCompany": {"gainsFromQahcBeforeLosses": 1000, "lossesFromQahc": 10},
        "nonStandardGains": {"attributedGains": 50, "attributedGainsRttTaxPaid": 5, "otherGains": 20, "otherGainsRttTaxPaid": 2},
        "losses": {"broughtForwardLossesUsedInCurrentYear": 300, "setAgainstInYearGains": 10, "setAgainstEarlierYear": 30,
            "lossesToCarryForward": 40},
        "adjustments": {"adjustmentAmount": 12.5},
        "lifetimeAllowance": {"lifetimeAllowanceBadr": 100000, "lifetimeAllowanceInv": 0}
    }"#;

    #[test]
    fn other_capital_gains() {
        let b: OtherCapitalGains = read(OTHER_2024);
        assert!(matches!(b.adjustments, Some(CgtAdjustments::Amount(a)) if a.money().is_negative()));
        b.check(TaxYear::starting(2024)).unwrap();
        let b: OtherCapitalGains = read(OTHER_2026);
        assert_eq!(
            b.adjustments,
            Some(CgtAdjustments::Detail(AdjustmentAmount { adjustment_amount: Some(read("12.5")) }))
        );
        b.check(TaxYear::starting(2026)).unwrap();
        unknown::<OtherCapitalGains>(
            &OTHER_2026.replace(r#""lossesFromQahc""#, r#""gainsFromQahc": 1, "lossesFromQahc""#),
        );
        unknown::<OtherCapitalGains>(&OTHER_2024.replace(r#""gain": 4000"#, r#""gain": 4000, "tokenName": "x""#));
        assert!(serde_json::from_str::<OtherCapitalGains>(&OTHER_2026.replace("12.5}", "12.5, \"x\": 1}")).is_err());
        // The 2024-25 body in 2025-26, and the other way round.
        assert_eq!(code::<OtherCapitalGains>(OTHER_2024, 2025), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        assert_eq!(code::<OtherCapitalGains>(OTHER_2026, 2024), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        // INC is a cryptoasset code from 2026-27 only.
        let in_2025 = OTHER_2026.replace("2026-", "2025-").replace("2027-", "2026-");
        assert_eq!(code::<OtherCapitalGains>(&in_2025, 2025), "FORMAT_CLAIM_OR_ELECTION_CODES");
        read::<OtherCapitalGains>(&in_2025.replace(r#"["INC"]"#, r#"["GHO"]"#)).check(TaxYear::starting(2025)).unwrap();
        let rule = |from: &str, to: &str| code::<OtherCapitalGains>(&OTHER_2026.replace(from, to), 2026);
        assert_eq!(rule(r#"["BAD", "EOT"]"#, r#"["BAD", "INV"]"#), "RULE_INVALID_CLAIM_DISPOSALS");
        assert_eq!(rule(r#"["BAD", "EOT"]"#, r#"["PRR"]"#), "RULE_INVALID_CLAIM_OR_ELECTION_CODES");
        assert_eq!(rule(r#""companyName": "Acme Holdings plc","#, ""), "RULE_MISSING_COMPANY_NAME");
        assert_eq!(rule("SC123456", "SC12345"), "FORMAT_COMPANY_REGISTRATION_NUMBER");
        assert_eq!(rule(r#""tokenName": "BTC""#, r#""tokenName": "   ""#), "FORMAT_TOKEN_NAME");
        assert_eq!(rule(r#""amountOfNetGain": 29000,"#, ""), "RULE_AMOUNT_GAIN_LOSS");
        assert_eq!(rule("2026-06-30", "2027-06-30"), "RULE_DISPOSAL_DATE_NOT_FUTURE");
        assert_eq!(rule("2018-02-03", "2026-08-02"), "RULE_ACQUISITION_DATE");
        let rule = |from: &str, to: &str| code::<OtherCapitalGains>(&OTHER_2024.replace(from, to), 2024);
        assert_eq!(rule(r#""gain": 4000"#, r#""gain": 4000, "loss": 1"#), "RULE_GAIN_LOSS");
        assert_eq!(
            rule(r#""gainAfterRelief": 3500"#, r#""gainAfterRelief": 3500, "lossAfterRelief": 1"#),
            "RULE_GAIN_AFTER_RELIEF_LOSS_AFTER_RELIEF"
        );
        let no_gains = r#"{"nonStandardGains": {"carriedInterestRttTaxPaid": 100}}"#;
        assert_eq!(code::<OtherCapitalGains>(no_gains, 2024), "RULE_INCORRECT_NON_STANDARD_GAINS");
        assert_eq!(code::<OtherCapitalGains>("{}", 2024), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
        assert_eq!(code::<OtherCapitalGains>(r#"{"losses": {}}"#, 2024), "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED");
    }
}
