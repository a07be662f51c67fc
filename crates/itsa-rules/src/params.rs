//! The parameter catalogue: `data/parameters.toml`, embedded in the binary and read once.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::RulesError;
use crate::money::{Money, Rate};
use crate::tax_year::{Regime, TaxYear};

pub(crate) const PARAMETERS_TOML: &str = include_str!("../data/parameters.toml");

/// What the data file says about one parameter, apart from its values.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterInfo {
    /// Plain-English name.
    pub label: String,
    /// `GBP`, `percent`, `weeks`, `years`, `count` or `enum`.
    pub unit: String,
    /// The law and the published table the values come from.
    pub source: String,
    /// The regimes that use it; `None` means all.
    #[serde(default)]
    pub regimes: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) values: BTreeMap<String, toml::Value>,
}

const UNITS: [&str; 6] = ["GBP", "percent", "weeks", "years", "count", "enum"];
const NOT_APPLICABLE: &str = "n/a";

impl ParameterInfo {
    pub fn applies_to(&self, regime: Regime) -> bool {
        self.regimes.as_ref().is_none_or(|rs| rs.iter().any(|r| r == regime.as_str()))
    }
}

pub(crate) type Catalogue = BTreeMap<String, ParameterInfo>;

pub(crate) fn parse_catalogue() -> Result<Catalogue, RulesError> {
    let catalogue: Catalogue =
        toml::from_str(PARAMETERS_TOML).map_err(|e| RulesError::Data(format!("parameters.toml: {e}")))?;
    for (name, p) in &catalogue {
        if !UNITS.contains(&p.unit.as_str()) {
            return Err(RulesError::Data(format!("{name}: unknown unit '{}'", p.unit)));
        }
        if p.source.trim().is_empty() || p.label.trim().is_empty() {
            return Err(RulesError::Data(format!("{name}: every parameter needs a label and a source")));
        }
        for regime in p.regimes.iter().flatten() {
            Regime::parse(regime).map_err(|e| RulesError::Data(format!("{name}: {e}")))?;
        }
        for year in p.values.keys() {
            TaxYear::parse(year).map_err(|e| RulesError::Data(format!("{name}: {e}")))?;
        }
    }
    Ok(catalogue)
}

/// Reads the values of one tax year and regime, remembering which parameters it read.
pub(crate) struct YearReader<'a> {
    catalogue: &'a Catalogue,
    year: TaxYear,
    regime: Regime,
    key: String,
    pub(crate) read: RefCell<BTreeSet<&'a str>>,
}

impl<'a> YearReader<'a> {
    pub(crate) fn new(catalogue: &'a Catalogue, year: TaxYear, regime: Regime) -> Self {
        YearReader { catalogue, year, regime, key: year.to_string(), read: RefCell::new(BTreeSet::new()) }
    }

    fn missing(&self, name: &str, why: &str) -> RulesError {
        RulesError::Incomplete {
            tax_year: self.year,
            regime: self.regime,
            parameter: name.to_owned(),
            why: why.to_owned(),
        }
    }

    /// The raw value, `None` for "n/a" or a regime the parameter does not apply to.
    fn raw(&self, name: &str) -> Result<Option<&'a toml::Value>, RulesError> {
        let (stored_name, p) =
            self.catalogue.get_key_value(name).ok_or_else(|| self.missing(name, "not in parameters.toml"))?;
        self.read.borrow_mut().insert(stored_name.as_str());
        if !p.applies_to(self.regime) {
            return Ok(None);
        }
        match p.values.get(&self.key) {
            None => Err(self.missing(name, "no value for this tax year")),
            Some(toml::Value::String(s)) if s == NOT_APPLICABLE => Ok(None),
            Some(v) => Ok(Some(v)),
        }
    }

    fn decimal(&self, name: &str, v: &toml::Value) -> Result<Decimal, RulesError> {
        match v {
            toml::Value::Integer(i) => Ok(Decimal::from(*i)),
            toml::Value::String(s) => Decimal::from_str(s).map_err(|_| self.missing(name, "not a decimal number")),
            toml::Value::Float(_) => Err(self.missing(name, "write fractions as quoted decimals, never floats")),
            _ => Err(self.missing(name, "not a number")),
        }
    }

    fn required<T>(&self, name: &str, value: Option<T>) -> Result<T, RulesError> {
        value.ok_or_else(|| self.missing(name, "required for this tax year and regime, but n/a"))
    }

    pub(crate) fn optional_money(&self, name: &str) -> Result<Option<Money>, RulesError> {
        self.raw(name)?.map(|v| self.decimal(name, v).map(Money::new)).transpose()
    }

    pub(crate) fn money(&self, name: &str) -> Result<Money, RulesError> {
        let v = self.optional_money(name)?;
        self.required(name, v)
    }

    pub(crate) fn optional_rate(&self, name: &str) -> Result<Option<Rate>, RulesError> {
        self.raw(name)?.map(|v| self.decimal(name, v).map(Rate::new)).transpose()
    }

    pub(crate) fn rate(&self, name: &str) -> Result<Rate, RulesError> {
        let v = self.optional_rate(name)?;
        self.required(name, v)
    }

    pub(crate) fn count(&self, name: &str) -> Result<u32, RulesError> {
        match self.raw(name)? {
            Some(toml::Value::Integer(i)) if *i >= 0 => u32::try_from(*i).map_err(|_| self.missing(name, "too large")),
            Some(_) => Err(self.missing(name, "not a whole number")),
            None => Err(self.missing(name, "required for this tax year and regime, but n/a")),
        }
    }

    pub(crate) fn text(&self, name: &str) -> Result<&'a str, RulesError> {
        match self.raw(name)? {
            Some(toml::Value::String(s)) => Ok(s.as_str()),
            Some(_) => Err(self.missing(name, "not text")),
            None => Err(self.missing(name, "required for this tax year and regime, but n/a")),
        }
    }
}
