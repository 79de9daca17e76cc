//! Bearer tokens. A token is `pfs_<id>_<secret>`: `id` (16 hex digits) finds the row, and the
//! server keeps only sha256 of the whole token, compared in constant time. The secret is 32
//! random bytes; the token is shown once, when issued, and never logged.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const PREFIX: &str = "pfs_";

/// A freshly generated token: its text (for the user, once) and what the server stores.
pub struct NewToken {
    pub text: String,
    pub id: String,
    pub hash: [u8; 32],
}

impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewToken")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Generates a token from the OS's random source.
pub fn generate() -> NewToken {
    let mut rng = rand::rng();
    let id = format!("{:016x}", rng.next_u64());
    let mut secret = [0u8; 32];
    rng.fill_bytes(&mut secret);
    let text = format!("{PREFIX}{id}_{}", URL_SAFE_NO_PAD.encode(secret));
    let hash = digest(&text);
    NewToken { text, id, hash }
}

/// sha256 of the token text.
pub fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// The id part of a well-formed token, or `None` (which the caller answers `auth.bad_token`).
pub fn token_id(text: &str) -> Option<&str> {
    let rest = text.strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let ok = id.len() == 16
        && id.bytes().all(|b| b.is_ascii_hexdigit())
        && (40..=64).contains(&secret.len());
    ok.then_some(id)
}

/// Whether `text` hashes to `stored`, in time independent of where they differ.
pub fn matches(text: &str, stored: &[u8]) -> bool {
    stored.len() == 32 && bool::from(digest(text).as_slice().ct_eq(stored))
}

/// The token from an `Authorization` header value (`Bearer <token>`, scheme case ignored).
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_token_parses_and_matches_only_its_own_hash() {
        let t = generate();
        assert_eq!(token_id(&t.text), Some(t.id.as_str()));
        assert!(matches(&t.text, &t.hash));
        let other = generate();
        assert!(!matches(&other.text, &t.hash));
        assert!(!matches(&t.text, &t.hash[..31]));
        assert_ne!(t.text, other.text);
    }

    #[test]
    fn malformed_tokens_and_headers_are_refused() {
        for bad in [
            "",
            "pfs_",
            "pfs_xyz_abc",
            "Bearer",
            "pfs_0123456789abcdef_short",
        ] {
            assert_eq!(token_id(bad), None, "{bad}");
        }
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
    }

    #[test]
    fn debug_never_shows_the_token_text() {
        let t = generate();
        assert!(!format!("{t:?}").contains(&t.text));
    }
}
