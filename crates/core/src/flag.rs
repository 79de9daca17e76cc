//! Feature flags: on or off, per user and team, with a percentage rollout.
//!
//! A user's place in a rollout is [`bucket`]: a stable hash of (flag key, user id) reduced to
//! `0..=99`. The hash is written out here (FNV-1a 64 with the MurmurHash3 finaliser), so it gives
//! the same answer on every machine, architecture, Rust version and run: the laptop and the sync
//! server always agree on who is in, and raising a rollout from 10% to 20% keeps the first 10% in.

use serde::{Deserialize, Serialize};

use crate::{CoreError, TeamId, UserId};

/// A feature flag as the sync server hands it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawFeatureFlag")]
pub struct FeatureFlag {
    /// The flag's stable name, e.g. `new-brief`.
    pub key: String,
    /// Master switch: when off, the flag is off for everyone, allow-lists included.
    pub enabled: bool,
    /// Share of users (by [`bucket`]) that get the feature, `0..=100`. Values above 100 count
    /// as 100.
    pub rollout_percent: u8,
    /// Users that always get the feature while it is enabled.
    pub allowed_users: Vec<UserId>,
    /// Teams whose members always get the feature while it is enabled.
    pub allowed_teams: Vec<TeamId>,
}

impl FeatureFlag {
    /// An enabled flag rolled out to `rollout_percent` of users, with empty allow-lists.
    pub fn new(key: impl Into<String>, rollout_percent: u8) -> Result<Self, CoreError> {
        if rollout_percent > 100 {
            return Err(CoreError::BadRollout(rollout_percent));
        }
        Ok(Self {
            key: key.into(),
            enabled: true,
            rollout_percent,
            allowed_users: Vec::new(),
            allowed_teams: Vec::new(),
        })
    }

    /// Whether `user`, a member of `team` (if any), gets the feature.
    ///
    /// Off when the flag is disabled; otherwise on for allowed users and allowed teams, and for
    /// everyone else whose [`bucket`] is below the rollout percentage.
    pub fn is_enabled_for(&self, user: &UserId, team: Option<TeamId>) -> bool {
        if !self.enabled {
            return false;
        }
        if self.allowed_users.contains(user) {
            return true;
        }
        if team.is_some_and(|t| self.allowed_teams.contains(&t)) {
            return true;
        }
        bucket(&self.key, user) < self.rollout_percent.min(100)
    }
}

/// The wire form of a flag, checked before it becomes a [`FeatureFlag`].
#[derive(Deserialize)]
struct RawFeatureFlag {
    key: String,
    enabled: bool,
    rollout_percent: u8,
    #[serde(default)]
    allowed_users: Vec<UserId>,
    #[serde(default)]
    allowed_teams: Vec<TeamId>,
}

impl TryFrom<RawFeatureFlag> for FeatureFlag {
    type Error = CoreError;
    fn try_from(raw: RawFeatureFlag) -> Result<Self, Self::Error> {
        let mut flag = FeatureFlag::new(raw.key, raw.rollout_percent)?;
        flag.enabled = raw.enabled;
        flag.allowed_users = raw.allowed_users;
        flag.allowed_teams = raw.allowed_teams;
        Ok(flag)
    }
}

const FNV_OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64-bit, continuing from `hash`.
fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// MurmurHash3's 64-bit finaliser: spreads FNV's weakly mixed low bits over the whole word.
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The stable hash of a (flag key, user id) pair. A zero byte separates the two so that
/// (`ab`, `c`) and (`a`, `bc`) differ.
fn stable_hash(flag_key: &str, user: &UserId) -> u64 {
    let h = fnv1a(FNV_OFFSET_BASIS, flag_key.as_bytes());
    let h = fnv1a(h, &[0]);
    fmix64(fnv1a(h, user.as_str().as_bytes()))
}

/// The user's bucket for a flag, `0..=99`: the same on every machine and every run.
pub fn bucket(flag_key: &str, user: &UserId) -> u8 {
    // The remainder is below 100, so the cast never truncates.
    (stable_hash(flag_key, user) % 100) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn user(name: &str) -> UserId {
        UserId::new(name).expect("a valid user id")
    }

    fn team(n: u128) -> TeamId {
        TeamId::from_uuid(Uuid::from_u128(n))
    }

    fn flag(rollout: u8) -> FeatureFlag {
        FeatureFlag::new("new-brief", rollout).expect("a valid rollout")
    }

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(fnv1a(FNV_OFFSET_BASIS, b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(FNV_OFFSET_BASIS, b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(FNV_OFFSET_BASIS, b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn buckets_are_pinned_golden_values() {
        // If one of these changes, every user's rollout changes: don't change the hash.
        assert_eq!(bucket("new-brief", &user("ana@example.com")), GOLDEN_ANA);
        assert_eq!(bucket("new-brief", &user("bob@example.com")), GOLDEN_BOB);
        assert_eq!(
            bucket("hot-leads", &user("ana@example.com")),
            GOLDEN_ANA_HOT
        );
        assert_eq!(
            stable_hash("new-brief", &user("ana@example.com")),
            GOLDEN_HASH_ANA
        );
    }

    // Computed once, independently of this code, from the FNV-1a + fmix64 definitions.
    const GOLDEN_ANA: u8 = 80;
    const GOLDEN_BOB: u8 = 41;
    const GOLDEN_ANA_HOT: u8 = 48;
    const GOLDEN_HASH_ANA: u64 = 0xd7e4_152e_ecbf_f814;

    #[test]
    fn the_separator_keeps_key_and_user_apart() {
        assert_ne!(stable_hash("ab", &user("c")), stable_hash("a", &user("bc")));
    }

    #[test]
    fn a_disabled_flag_is_off_for_everyone() {
        let ana = user("ana@example.com");
        let mut f = flag(100);
        f.enabled = false;
        f.allowed_users.push(ana.clone());
        f.allowed_teams.push(team(1));
        assert!(!f.is_enabled_for(&ana, Some(team(1))));
        assert!(!f.is_enabled_for(&user("bob@example.com"), None));
    }

    #[test]
    fn allowed_users_and_teams_are_always_on() {
        let mut f = flag(0);
        f.allowed_users.push(user("ana@example.com"));
        f.allowed_teams.push(team(7));
        assert!(f.is_enabled_for(&user("ana@example.com"), None));
        assert!(f.is_enabled_for(&user("bob@example.com"), Some(team(7))));
        assert!(!f.is_enabled_for(&user("bob@example.com"), Some(team(8))));
        assert!(!f.is_enabled_for(&user("bob@example.com"), None));
    }

    fn users(n: usize) -> impl Iterator<Item = UserId> {
        (0..n).map(|i| user(&format!("user{i}@example.com")))
    }

    #[test]
    fn zero_percent_is_nobody_and_hundred_percent_is_everybody() {
        let (none, all) = (flag(0), flag(100));
        for u in users(1_000) {
            assert!(!none.is_enabled_for(&u, None), "{u} in a 0% rollout");
            assert!(all.is_enabled_for(&u, None), "{u} out of a 100% rollout");
        }
    }

    #[test]
    fn thirty_percent_reaches_about_thirty_percent_of_users() {
        let f = flag(30);
        let on = users(10_000).filter(|u| f.is_enabled_for(u, None)).count();
        assert!((2_700..=3_300).contains(&on), "{on} of 10000 users at 30%");
    }

    #[test]
    fn raising_a_rollout_keeps_everyone_already_in() {
        let (ten, twenty) = (flag(10), flag(20));
        for u in users(1_000) {
            assert!(
                !ten.is_enabled_for(&u, None) || twenty.is_enabled_for(&u, None),
                "{u}"
            );
        }
    }

    #[test]
    fn buckets_cover_the_whole_range() {
        let mut seen = [false; 100];
        for u in users(5_000) {
            seen[usize::from(bucket("new-brief", &u))] = true;
        }
        assert!(
            seen.iter().all(|s| *s),
            "some bucket in 0..=99 never occurs"
        );
    }

    #[test]
    fn rollouts_above_100_are_refused() {
        assert_eq!(
            FeatureFlag::new("x", 101).err(),
            Some(CoreError::BadRollout(101))
        );
        let json = r#"{"key":"x","enabled":true,"rollout_percent":150}"#;
        assert!(serde_json::from_str::<FeatureFlag>(json).is_err());
        let json = r#"{"key":"x","enabled":true,"rollout_percent":40,"allowed_users":["a@b.c"]}"#;
        let f: FeatureFlag = serde_json::from_str(json).expect("a valid flag");
        assert_eq!((f.rollout_percent, f.allowed_users.len()), (40, 1));
        let back: FeatureFlag =
            serde_json::from_str(&serde_json::to_string(&f).expect("serialises")).expect("parses");
        assert_eq!(back, f);
    }
}
