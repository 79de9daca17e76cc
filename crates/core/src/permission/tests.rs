//! The permission table, case by case: every case is named by the rule it protects.

use super::*;
use uuid::Uuid;

const EMEA: &str = "emea-north";

fn team_a() -> TeamId {
    TeamId::from_uuid(Uuid::from_u128(0xA))
}

fn team_b() -> TeamId {
    TeamId::from_uuid(Uuid::from_u128(0xB))
}

fn user(name: &str) -> UserId {
    UserId::new(name).expect("a valid user id")
}

fn actor(role: Role) -> Actor {
    let name = format!("{role}@example.com");
    Actor::new(user(&name), role, Some(team_a())).with_territories([EMEA])
}

fn scope(owner: Option<&str>, territory: Option<&str>, team: Option<TeamId>) -> AccountScope {
    AccountScope {
        owner: owner.map(user),
        territory: territory.map(str::to_owned),
        team,
    }
}

/// Assigned to the actor of the given role (by owner), worked by team A.
fn own(role: Role) -> AccountScope {
    scope(
        Some(&format!("{role}@example.com")),
        Some("us-west"),
        Some(team_a()),
    )
}

/// In the actors' territory, owned by someone of team B.
fn territory() -> AccountScope {
    scope(Some("bob@example.com"), Some(EMEA), Some(team_b()))
}

/// A teammate's account, outside the actors' territory.
fn teammate() -> AccountScope {
    scope(Some("carl@example.com"), Some("apac"), Some(team_a()))
}

/// Another team's account, outside the actors' territory.
fn foreign() -> AccountScope {
    scope(Some("dave@example.com"), Some("apac"), Some(team_b()))
}

fn every_resource() -> Vec<Resource> {
    let mut all = Vec::new();
    for s in [
        own(Role::Ae),
        own(Role::Sdr),
        territory(),
        teammate(),
        foreign(),
        scope(None, None, None),
    ] {
        all.extend([acc(s.clone()), fin(s.clone()), intel(s)]);
    }
    for team in [team_a(), team_b()] {
        all.extend([budget(team), usage(team)]);
    }
    all.extend(Setting::ALL.map(set));
    all.push(Resource::PrivacyRequests);
    all
}

fn acc(s: AccountScope) -> Resource {
    Resource::Account(s)
}

fn fin(s: AccountScope) -> Resource {
    Resource::Financials(s)
}

fn intel(s: AccountScope) -> Resource {
    Resource::CompetitiveIntel(s)
}

fn budget(team: TeamId) -> Resource {
    Resource::TeamBudget { team }
}

fn usage(team: TeamId) -> Resource {
    Resource::TeamUsage { team }
}

fn set(setting: Setting) -> Resource {
    Resource::Settings { setting }
}

/// Checks a table of (rule, action, resource, allowed) for the standard actor of `role`, and
/// names every rule that does not hold.
fn check(role: Role, cases: &[(&str, Action, Resource, bool)]) {
    let who = actor(role);
    let broken: Vec<&str> = cases
        .iter()
        .filter(|(_, action, resource, allowed)| can(&who, *action, resource) != *allowed)
        .map(|(rule, ..)| *rule)
        .collect();
    assert!(broken.is_empty(), "{role} rules broken: {broken:?}");
}

// The tables stay one case a line, so they read as tables.
#[rustfmt::skip]
#[test]
fn manager_rules() {
    use Action::*;
    use Setting::*;
    check(Role::Manager, &[
        ("manager_edits_team_account", Edit, acc(teammate()), true),
        ("manager_enriches_team_account", Enrich, acc(teammate()), true),
        ("manager_deletes_team_account", Delete, acc(teammate()), true),
        ("manager_reassigns_team_account", Assign, acc(teammate()), true),
        ("manager_exports_team_account", Export, acc(teammate()), true),
        ("manager_reads_team_financials", Read, fin(teammate()), true),
        ("manager_reads_team_deal_intel", Read, intel(teammate()), true),
        ("manager_reads_own_territory_account", Read, acc(territory()), true),
        ("manager_not_other_teams_account", Read, acc(foreign()), false),
        ("manager_not_other_teams_financials", Read, fin(foreign()), false),
        ("manager_never_administers_account", Administer, acc(teammate()), false),
        ("manager_sets_team_budget", Edit, budget(team_a()), true),
        ("manager_reads_team_usage", Read, usage(team_a()), true),
        ("manager_exports_team_usage", Export, usage(team_a()), true),
        ("manager_cannot_rewrite_usage", Edit, usage(team_a()), false),
        ("manager_not_other_teams_budget", Read, budget(team_b()), false),
        ("manager_not_other_teams_usage", Read, usage(team_b()), false),
        ("manager_reads_settings", Read, set(Roles), true),
        ("manager_settings_read_only", Edit, set(Flags), false),
        ("manager_cannot_administer_retention", Administer, set(Retention), false),
        ("manager_cannot_change_price_list", Edit, set(PriceList), false),
        ("manager_no_privacy_requests", Read, Resource::PrivacyRequests, false),
        ("manager_no_privacy_erasure", Delete, Resource::PrivacyRequests, false),
    ]);
}

#[rustfmt::skip]
#[test]
fn ae_rules() {
    use Action::*;
    let mine = || own(Role::Ae);
    check(Role::Ae, &[
        ("ae_reads_assigned_account", Read, acc(mine()), true),
        ("ae_edits_assigned_account", Edit, acc(mine()), true),
        ("ae_enriches_assigned_account", Enrich, acc(mine()), true),
        ("ae_reads_territory_account", Read, acc(territory()), true),
        ("ae_enriches_territory_account", Enrich, acc(territory()), true),
        ("ae_reads_assigned_financials", Read, fin(mine()), true),
        ("ae_reads_assigned_deal_intel", Read, intel(mine()), true),
        ("ae_reads_territory_deal_intel", Read, intel(territory()), true),
        ("ae_not_teammates_account", Read, acc(teammate()), false),
        ("ae_not_other_teams_account", Read, acc(foreign()), false),
        ("ae_not_unassigned_account", Read, acc(scope(None, None, None)), false),
        ("ae_not_others_financials", Read, fin(teammate()), false),
        ("ae_cannot_delete_assigned_account", Delete, acc(mine()), false),
        ("ae_cannot_export_assigned_account", Export, acc(mine()), false),
        ("ae_cannot_reassign_account", Assign, acc(mine()), false),
        ("ae_no_team_budget", Read, budget(team_a()), false),
        ("ae_no_team_usage", Read, usage(team_a()), false),
        ("ae_no_settings", Read, set(Setting::Territories), false),
        ("ae_no_privacy_requests", Read, Resource::PrivacyRequests, false),
    ]);
}

#[rustfmt::skip]
#[test]
fn sdr_rules() {
    use Action::*;
    let mine = || own(Role::Sdr);
    check(Role::Sdr, &[
        ("sdr_reads_assigned_account", Read, acc(mine()), true),
        ("sdr_edits_assigned_account", Edit, acc(mine()), true),
        ("sdr_enriches_territory_account", Enrich, acc(territory()), true),
        ("sdr_never_financials", Read, fin(mine()), false),
        ("sdr_never_territory_financials", Read, fin(territory()), false),
        ("sdr_never_deal_intel", Read, intel(mine()), false),
        ("sdr_never_enriches_deal_intel", Enrich, intel(mine()), false),
        ("sdr_not_teammates_account", Read, acc(teammate()), false),
        ("sdr_cannot_delete_account", Delete, acc(mine()), false),
        ("sdr_no_team_budget", Read, budget(team_a()), false),
        ("sdr_no_settings", Read, set(Setting::Roles), false),
    ]);
}

#[rustfmt::skip]
#[test]
fn viewer_rules() {
    use Action::*;
    check(Role::Viewer, &[
        ("viewer_reads_team_account", Read, acc(teammate()), true),
        ("viewer_reads_team_financials", Read, fin(teammate()), true),
        ("viewer_never_edits", Edit, acc(teammate()), false),
        ("viewer_never_enriches", Enrich, acc(teammate()), false),
        ("viewer_never_deletes", Delete, acc(teammate()), false),
        ("viewer_never_exports", Export, acc(teammate()), false),
        ("viewer_not_other_teams_account", Read, acc(foreign()), false),
        ("viewer_sees_by_team_not_territory", Read, acc(territory()), false),
        ("viewer_no_team_usage", Read, usage(team_a()), false),
        ("viewer_no_settings", Read, set(Setting::Flags), false),
    ]);
}

#[rustfmt::skip]
#[test]
fn admin_rules() {
    use Action::*;
    check(Role::Admin, &[
        ("admin_reads_other_teams_account", Read, acc(foreign()), true),
        ("admin_changes_roles", Administer, set(Setting::Roles), true),
        ("admin_erases_privacy_request", Delete, Resource::PrivacyRequests, true),
        ("admin_sets_any_budget", Edit, budget(team_b()), true),
    ]);
}

#[test]
fn admin_can_do_everything_even_without_a_team() {
    let admin = Actor::new(user("root@example.com"), Role::Admin, None);
    for resource in every_resource() {
        for action in Action::ALL {
            assert!(
                can(&admin, action, &resource),
                "admin denied {action:?} on {resource:?}"
            );
        }
    }
}

#[test]
fn only_admins_administer_or_touch_privacy_requests() {
    for role in [Role::Manager, Role::Ae, Role::Sdr, Role::Viewer] {
        for resource in every_resource() {
            assert!(
                !can(&actor(role), Action::Administer, &resource),
                "{role} administers"
            );
        }
        for action in Action::ALL {
            assert!(
                !can(&actor(role), action, &Resource::PrivacyRequests),
                "{role} {action:?}"
            );
        }
    }
}

#[test]
fn actors_without_a_team_never_match_resources_without_a_team() {
    let nobody = scope(Some("carl@example.com"), None, None);
    for role in [Role::Manager, Role::Viewer] {
        let lone = Actor::new(user("lone@example.com"), role, None);
        assert!(
            !can(&lone, Action::Read, &Resource::Account(nobody.clone())),
            "{role}"
        );
    }
}

/// Each lesser role may do at most what the greater one may, given the same user, team and
/// territories: SDR within AE, AE within Manager, Viewer within Manager.
#[test]
fn roles_are_nested() {
    let pairs = [
        (Role::Sdr, Role::Ae),
        (Role::Ae, Role::Manager),
        (Role::Viewer, Role::Manager),
    ];
    for (lesser, greater) in pairs {
        let same_user = |role| Actor {
            role,
            ..actor(Role::Ae)
        };
        for resource in every_resource() {
            for action in Action::ALL {
                if can(&same_user(lesser), action, &resource) {
                    assert!(
                        can(&same_user(greater), action, &resource),
                        "{lesser} may {action:?} {resource:?} but {greater} may not"
                    );
                }
            }
        }
    }
}

#[test]
fn roles_have_stable_lower_case_names() {
    for role in Role::ALL {
        assert_eq!(role.to_string().parse::<Role>().ok(), Some(role));
        let json = serde_json::to_string(&role).expect("serialises");
        assert_eq!(json, format!("\"{role}\""));
        assert_eq!(serde_json::from_str::<Role>(&json).ok(), Some(role));
    }
    assert_eq!(" AE ".parse::<Role>().ok(), Some(Role::Ae));
    let err = "owner".parse::<Role>().expect_err("not a role");
    assert_eq!(err, CoreError::UnknownRole("owner".into()));
    assert_eq!(err.code(), "core.unknown_role");
}

#[test]
fn account_scope_is_taken_from_the_account() {
    let account: Account = serde_json::from_value(serde_json::json!({
        "id": "0190c3a0-0000-7000-8000-000000000001",
        "domain": "costco.com",
        "name": "Costco",
        "owner": "ana@example.com",
        "territory": EMEA,
        "tags": [],
        "created_at": "2024-07-01T00:00:00Z",
        "updated_at": "2024-07-01T00:00:00Z"
    }))
    .expect("a valid account");
    let s = AccountScope::of(&account, Some(team_b()));
    assert_eq!(
        s,
        scope(Some("ana@example.com"), Some(EMEA), Some(team_b()))
    );
    let ana = Actor::new(user("ana@example.com"), Role::Sdr, Some(team_a()));
    assert!(can(&ana, Action::Enrich, &Resource::Account(s)));
}
