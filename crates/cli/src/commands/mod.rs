//! One file per command family.

pub mod admin;
pub mod audit;
pub mod backup;
pub mod calendar;
pub mod laws;
pub mod ledgers;
pub mod report;
pub mod search;
pub mod serve;
pub mod stats;
pub mod validate;

/// Reads a date typed on the command line; the error says which argument and why.
pub fn date_arg(text: &str) -> Result<chrono::NaiveDate, String> {
    kernel::time::parse_date(text)
}
