//! The kernel: what every fazhi module shares and nothing else.
//!
//! Pure code only: no database, no HTTP, no files beyond the calendar data compiled in.
//! Everything here is deterministic and unit- or property-tested.

pub mod calendar;
pub mod collate;
pub mod crypto;
pub mod error;
pub mod figures;
pub mod identifiers;
pub mod ids;
pub mod money;
pub mod numbering;
pub mod org;
pub mod password;
pub mod settings;
pub mod text;
pub mod time;

pub use calendar::{Calendar, CalendarError, DayKind, Deadline, PeriodUnit};
pub use error::ErrorCode;
pub use identifiers::{DivisionCode, DocNumber, IdNumber, IdentifierError, Uscc};
pub use money::Money;
pub use org::{OrgKind, Permission, Role};
