//! PAYE tax codes for itsa.
//!
//! - [`TaxCode`]: HMRC's grammar of codes (`1257L`, `S1257L`, `K475`, `BR`, `SD2`, `0T`,
//!   `NT`, `1257L W1` …), read leniently (any case, any spaces) and printed canonically;
//!   [`TaxCode::check_year`] says whether HMRC issues a code in a tax year.
//! - [`explain`]: each part of a code in plain English, with its pay adjustment for the
//!   year, week and month from HMRC's Tables A ([`tables`]).
//! - [`tax_on_payment`]: the tax on a payday on the cumulative or week 1 / month 1
//!   basis, with the rUK, Scottish or Welsh bands of the year from itsa-rules, the K-code
//!   overriding limit and the week 53 rule.
//! - [`coding_out`]: whether HMRC would collect a Self Assessment debt through a code,
//!   and the code that would result.
//! - [`cases`]: the tax-code case format of `shared/taxcodes/FORMAT.md`.
//!
//! Everything is exact decimal arithmetic; every rounding is a named function in
//! [`rounding`] that cites its rule. Rates, bands and limits come from itsa-rules.

mod bands;
pub mod cases;
mod code;
pub mod coding_out;
mod explain;
pub mod json;
mod pay;
pub mod rounding;
pub mod tables;

pub use bands::{PayeBand, basic_rate, paye_bands, rates_above_basic};
pub use code::{
    Basis, BasisMarker, Kind, MAX_K_NUMBER, MAX_SUFFIX_NUMBER, Suffix, TaxCode, TaxCodeError, WELSH_RATES_BEGIN,
};
pub use coding_out::{CodingOut, CodingOutError, CodingOutRequest, DebtKind, Refusal, assess};
pub use explain::{Explanation, Part, emergency_code, explain, pounds, tax_year_of};
pub use itsa_rules::{Date, Money, Rate, Regime, TaxYear};
pub use pay::{PayError, Payment, PaymentTax, banded_tax_to_date, flat_rate, tax_on_payment};
pub use tables::{PayFrequency, Table};
