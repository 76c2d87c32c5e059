//! The coordinator's figures, computed on the coordinator's device (the server never sees a
//! record):
//! - `caseload`: what is open and by whom;
//! - `figures`: the counts of each period, from one pass over the records;
//! - `dashboard`: the last months' figures as series for charts;
//! - `tables`: the partnership report of a period;
//! - `suppress`: hides the small counts of a report that leaves the team;
//! - `csv`: writes it as Swedish Excel opens it;
//! - `export`: the team's records themselves as rows for CSV, one kind a file.

pub mod caseload;
pub mod csv;
pub mod dashboard;
pub mod export;
pub mod figures;
pub mod period;
pub mod suppress;
pub mod tables;

pub use figures::{persons_in_scope, tally, FollowUpState, PersonsInScope, Tally};
pub use period::{Period, PeriodError};
pub use suppress::{CellId, Shown, DEFAULT_THRESHOLD, THRESHOLDS};
pub use tables::{Line, MedianOf, Report, ReportError, Table, Topic};
