//! `pf_store::parse_csv` (the import preview) on arbitrary bytes: never panics; a file-level
//! problem is an error, otherwise every data row read is counted once, as accepted (with a
//! domain) or rejected (with a reason), and line numbers come after the header and never go back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = pf_store::parse_csv(data) else {
        return;
    };
    let counted = parsed.accepted.len() + parsed.rejected.len();
    assert_eq!(
        parsed.rows,
        u64::try_from(counted).unwrap_or(u64::MAX),
        "rows read != accepted + rejected"
    );
    for (line, account) in &parsed.accepted {
        assert!(
            *line >= 2,
            "an accepted row on line {line}, at or before the header"
        );
        assert!(account.domain.is_some(), "an accepted row without a domain");
    }
    for r in &parsed.rejected {
        assert!(
            !r.reason.trim().is_empty(),
            "a row rejected without a reason"
        );
    }
    let lines: Vec<u64> = parsed.accepted.iter().map(|(l, _)| *l).collect();
    assert!(
        lines.windows(2).all(|w| w[0] < w[1]),
        "accepted lines out of order: {lines:?}"
    );
    // Every accepted row's domain is already normalised.
    for (_, account) in &parsed.accepted {
        if let Some(d) = &account.domain {
            assert_eq!(pf_core::Domain::parse(d.as_str()).ok().as_ref(), Some(d));
        }
    }
});
