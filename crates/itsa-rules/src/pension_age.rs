//! State pension age by date of birth (`data/state_pension_age.toml`).

use std::sync::LazyLock;

use serde::Deserialize;

use crate::RulesError;
use crate::date::Date;

const STATE_PENSION_AGE_TOML: &str = include_str!("../data/state_pension_age.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    #[allow(dead_code)]
    label: String,
    #[allow(dead_code)]
    source: String,
    band: Vec<Band>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Band {
    born_before: Option<String>,
    years: u32,
    months: u32,
}

struct Row {
    born_before: Option<Date>,
    years: u32,
    months: u32,
}

fn parse() -> Result<Vec<Row>, RulesError> {
    let table: Table =
        toml::from_str(STATE_PENSION_AGE_TOML).map_err(|e| RulesError::Data(format!("state_pension_age.toml: {e}")))?;
    let rows: Vec<Row> = table
        .band
        .into_iter()
        .map(|b| {
            let born_before = b
                .born_before
                .map(|d| Date::parse(&d).map_err(|e| RulesError::Data(format!("state_pension_age.toml: {e}"))))
                .transpose()?;
            Ok(Row { born_before, years: b.years, months: b.months })
        })
        .collect::<Result<_, RulesError>>()?;
    let open_ended = rows.iter().filter(|r| r.born_before.is_none()).count();
    let ordered = rows.windows(2).all(|w| match (w[0].born_before, w[1].born_before) {
        (Some(a), Some(b)) => a < b,
        (Some(_), None) => true,
        (None, _) => false,
    });
    if open_ended != 1 || !ordered {
        return Err(RulesError::Data("state_pension_age.toml: bands must rise, ending in one open band".into()));
    }
    Ok(rows)
}

static TABLE: LazyLock<Result<Vec<Row>, RulesError>> = LazyLock::new(parse);

pub(crate) fn check() -> Result<(), RulesError> {
    TABLE.as_ref().map(|_| ()).map_err(Clone::clone)
}

/// Whether someone born on `date_of_birth` has reached state pension age by `on`.
pub fn state_pension_age_reached(date_of_birth: Date, on: Date) -> bool {
    let Ok(rows) = TABLE.as_ref() else { return false };
    let row =
        rows.iter().find(|r| r.born_before.is_none_or(|b| date_of_birth < b)).expect("the table ends in an open band");
    date_of_birth.add_years_months(row.years, row.months) <= on
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reached(dob: &str, on: &str) -> bool {
        state_pension_age_reached(Date::parse(dob).unwrap(), Date::parse(on).unwrap())
    }

    #[test]
    fn follows_the_timetable() {
        check().unwrap();
        assert!(reached("1950-01-01", "2015-01-01"));
        assert!(!reached("1958-06-01", "2024-04-06"));
        assert!(reached("1958-06-01", "2024-06-01"));
        assert!(!reached("1960-06-10", "2026-04-06"), "born June 1960: 66 years 3 months");
        assert!(reached("1960-06-10", "2026-09-10"));
        assert!(!reached("1965-01-01", "2031-04-06"), "67 from March 1961");
    }
}
