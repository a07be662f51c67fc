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
    women: Vec<Band>,
    band: Vec<Band>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Band {
    born_before: Option<String>,
    years: Option<u32>,
    months: Option<u32>,
    reached_on: Option<String>,
}

/// When a band's members reach state pension age.
#[derive(Debug, Clone, Copy)]
enum Reached {
    Age { years: u32, months: u32 },
    On(Date),
}

struct Row {
    born_before: Option<Date>,
    reached: Reached,
}

/// Who a person is, as far as state pension age depends on it: sex matters only for women
/// born before 6 December 1953.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sex {
    Female,
    /// Also the timetable used when sex is not known.
    #[default]
    Male,
}

struct Tables {
    women: Vec<Row>,
    everyone: Vec<Row>,
}

fn date(text: &str) -> Result<Date, RulesError> {
    Date::parse(text).map_err(|e| RulesError::Data(format!("state_pension_age.toml: {e}")))
}

fn rows(bands: Vec<Band>, open_ended: bool) -> Result<Vec<Row>, RulesError> {
    let bad = |what: &str| RulesError::Data(format!("state_pension_age.toml: {what}"));
    let rows: Vec<Row> = bands
        .into_iter()
        .map(|b| {
            let reached = match (b.years, b.months, b.reached_on) {
                (Some(years), Some(months), None) => Reached::Age { years, months },
                (None, None, Some(on)) => Reached::On(date(&on)?),
                _ => return Err(bad("a band gives either years and months or reached_on")),
            };
            Ok(Row { born_before: b.born_before.as_deref().map(date).transpose()?, reached })
        })
        .collect::<Result<_, RulesError>>()?;
    let open = rows.iter().filter(|r| r.born_before.is_none()).count();
    let ordered = rows.windows(2).all(|w| match (w[0].born_before, w[1].born_before) {
        (Some(a), Some(b)) => a < b,
        (Some(_), None) => true,
        (None, _) => false,
    });
    if open != usize::from(open_ended) || !ordered {
        return Err(bad("bands must rise, and only the last of all may be open"));
    }
    Ok(rows)
}

fn parse() -> Result<Tables, RulesError> {
    let table: Table =
        toml::from_str(STATE_PENSION_AGE_TOML).map_err(|e| RulesError::Data(format!("state_pension_age.toml: {e}")))?;
    Ok(Tables { women: rows(table.women, false)?, everyone: rows(table.band, true)? })
}

static TABLES: LazyLock<Result<Tables, RulesError>> = LazyLock::new(parse);

pub(crate) fn check() -> Result<(), RulesError> {
    TABLES.as_ref().map(|_| ()).map_err(Clone::clone)
}

/// The day someone born on `date_of_birth` reaches state pension age.
pub fn state_pension_age_day(date_of_birth: Date, sex: Sex) -> Option<Date> {
    let tables = TABLES.as_ref().ok()?;
    let within = |r: &&Row| r.born_before.is_none_or(|b| date_of_birth < b);
    let row = match sex {
        Sex::Female => tables.women.iter().find(within),
        Sex::Male => None,
    }
    .or_else(|| tables.everyone.iter().find(within))?;
    Some(match row.reached {
        Reached::Age { years, months } => date_of_birth.add_years_months(years, months),
        Reached::On(day) => day,
    })
}

/// Whether someone born on `date_of_birth` has reached state pension age by `on`.
pub fn state_pension_age_reached(date_of_birth: Date, sex: Sex, on: Date) -> bool {
    state_pension_age_day(date_of_birth, sex).is_some_and(|day| day <= on)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reached(dob: &str, on: &str) -> bool {
        state_pension_age_reached(Date::parse(dob).unwrap(), Sex::Male, Date::parse(on).unwrap())
    }

    fn day(dob: &str, sex: Sex) -> String {
        state_pension_age_day(Date::parse(dob).unwrap(), sex).unwrap().to_string()
    }

    #[test]
    fn follows_the_statutes_tables_of_days() {
        // Pensions Act 1995 Sch 4 para 1: women born before 6 April 1950 at 60, then a
        // day two months later for each month of birth.
        assert_eq!(day("1950-04-05", Sex::Female), "2010-04-05");
        assert_eq!(day("1950-04-06", Sex::Female), "2010-05-06");
        assert_eq!(day("1951-12-25", Sex::Female), "2013-09-06");
        assert_eq!(day("1953-04-05", Sex::Female), "2016-03-06");
        // Pensions Act 2011 Sch 1 Part 1: four months a month from 6 April 1953.
        assert_eq!(day("1953-04-06", Sex::Female), "2016-07-06");
        assert_eq!(day("1953-12-05", Sex::Female), "2018-11-06");
        // Men born before 6 December 1953: 65.
        assert_eq!(day("1953-12-05", Sex::Male), "2018-12-05");
        // Pensions Act 2011 Sch 1 Part 2, for both: from 6 March 2019, two months a month.
        for sex in [Sex::Female, Sex::Male] {
            assert_eq!(day("1953-12-06", sex), "2019-03-06");
            assert_eq!(day("1954-01-05", sex), "2019-03-06");
            assert_eq!(day("1954-01-06", sex), "2019-05-06");
            assert_eq!(day("1954-10-05", sex), "2020-09-06");
            assert_eq!(day("1954-10-06", sex), "2020-10-06", "66 from 6 October 1954");
        }
        // Pensions Act 2014 s26: 66 and some months, then 67.
        assert_eq!(day("1960-06-10", Sex::Female), "2026-09-10");
        assert_eq!(day("1961-03-06", Sex::Male), "2028-03-06");
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
