//! The sync API's request bodies (`pf_sync::wire`) from arbitrary bytes: the first byte picks
//! the request type, the rest is the JSON body the server would read with `serde_json`. Never
//! panics; a body that deserialises serialises to JSON that deserialises to an equal value, and
//! that JSON is stable (serialising again gives the same text). The last choice is the opaque
//! `/v1/changes` cursor: a decoded cursor encodes back to one that decodes to the same sequence.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pf_sync::wire::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

fn round_trip<T>(body: &[u8])
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let Ok(value) = serde_json::from_slice::<T>(body) else {
        return;
    };
    let json = serde_json::to_string(&value)
        .unwrap_or_else(|e| panic!("{value:?} does not serialise: {e}"));
    let back: T = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("{json} (from {value:?}) does not deserialise: {e}"));
    assert_eq!(back, value, "{json} is not the body it came from");
    let again = serde_json::to_string(&back).unwrap_or_default();
    assert_eq!(again, json, "serialising is not stable");
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, body)) = data.split_first() else {
        return;
    };
    match kind % 17 {
        0 => round_trip::<UsageBatch>(body),
        1 => round_trip::<ReserveRequest>(body),
        2 => round_trip::<CommitRequest>(body),
        3 => round_trip::<ReleaseRequest>(body),
        4 => round_trip::<LeaseRequest>(body),
        5 => round_trip::<AccountsInput>(body),
        6 => round_trip::<TerritoryInput>(body),
        7 => round_trip::<BudgetInput>(body),
        8 => round_trip::<FlagInput>(body),
        9 => round_trip::<UserInput>(body),
        10 => round_trip::<TeamInput>(body),
        11 => round_trip::<TokenRequest>(body),
        12 => round_trip::<RetentionPolicy>(body),
        13 => round_trip::<AssignmentInput>(body),
        14 => round_trip::<PriceEntry>(body),
        15 => round_trip::<SourceLimit>(body),
        _ => {
            let Ok(text) = std::str::from_utf8(body) else {
                return;
            };
            if let Ok(cursor) = pf_sync::Cursor::decode(text) {
                let again = pf_sync::Cursor::decode(&cursor.encode())
                    .unwrap_or_else(|e| panic!("{text:?} re-encodes to a bad cursor: {e:?}"));
                assert_eq!(again.seq(), cursor.seq());
            }
        }
    }
});
