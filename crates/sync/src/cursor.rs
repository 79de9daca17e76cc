//! The `/v1/changes` cursor: an opaque string to clients, a change-log sequence number inside.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a client stands in the server's change log. Clients store it and send it back; only the
/// server reads it. The text is base64url of `pf1:<sequence>`, so a mistyped or foreign cursor is
/// refused (`request.bad_cursor`) rather than read as some other position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cursor(u64);

const PREFIX: &str = "pf1:";

/// A cursor that is not one the server handed out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a sync cursor: `{0}`")]
pub struct BadCursor(pub String);

impl Cursor {
    /// The start of the log: a pull from here is a full sync.
    pub const START: Cursor = Cursor(0);

    /// The cursor just after change `seq` (server side).
    pub fn from_seq(seq: u64) -> Self {
        Self(seq)
    }

    /// The last change sequence this cursor has seen (server side).
    pub fn seq(self) -> u64 {
        self.0
    }

    /// The opaque text form sent over the wire.
    pub fn encode(self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{PREFIX}{}", self.0))
    }

    /// Reads a cursor's text form.
    pub fn decode(text: &str) -> Result<Self, BadCursor> {
        let bad = || BadCursor(text.chars().take(64).collect());
        let raw = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| bad())?;
        let raw = String::from_utf8(raw).map_err(|_| bad())?;
        let digits = raw.strip_prefix(PREFIX).ok_or_else(bad)?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        digits.parse().map(Self).map_err(|_| bad())
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

impl FromStr for Cursor {
    type Err = BadCursor;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::decode(s)
    }
}

impl Serialize for Cursor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Cursor::decode(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_through_their_opaque_text() {
        for seq in [0, 1, 42, u64::MAX] {
            let c = Cursor::from_seq(seq);
            assert_eq!(Cursor::decode(&c.encode()), Ok(c));
            let json = serde_json::to_string(&c).expect("serialises");
            assert_eq!(serde_json::from_str::<Cursor>(&json).ok(), Some(c));
        }
    }

    #[test]
    fn garbage_and_foreign_cursors_are_refused() {
        for text in [
            "",
            "42",
            "!!!",
            "cGYxOg",
            "cGYxOi0x",
            "eHh4OjE",
            "cGYxOjE4NDQ2NzQ0MDczNzA5NTUxNjE2",
        ] {
            assert!(Cursor::decode(text).is_err(), "{text} accepted");
        }
    }

    #[test]
    fn the_text_is_opaque_not_the_bare_number() {
        assert_ne!(Cursor::from_seq(7).encode(), "7");
    }
}
