//! Timestamps as fixed-width UTC text (`2026-11-25T22:16:00.000000Z`) so that SQL string
//! comparison orders them correctly.

use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::StoreError;

const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// Formats an instant as fixed-width UTC text.
pub(crate) fn format(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(FORMAT)
        .unwrap_or_else(|_| String::from("0000-00-00T00:00:00.000000Z"))
}

/// Parses text written by [`format`].
pub(crate) fn parse(s: &str) -> Result<OffsetDateTime, StoreError> {
    PrimitiveDateTime::parse(s, FORMAT)
        .map(PrimitiveDateTime::assume_utc)
        .map_err(|_| StoreError::Corrupt(format!("bad timestamp `{s}`")))
}

/// The current time, truncated to microseconds (what the database keeps).
pub(crate) fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn timestamps_round_trip_and_sort_as_text() {
        let a = datetime!(2026-01-02 03:04:05.123456 UTC);
        let b = datetime!(2026-01-02 03:04:05.9 UTC);
        assert_eq!(parse(&format(a)).ok(), Some(a));
        assert!(format(a) < format(b));
        assert_eq!(format(a), "2026-01-02T03:04:05.123456Z");
    }
}
