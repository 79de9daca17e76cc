//! The Admin page's commands over an in-process `pf-server`: an admin saves a territory, a
//! budget and a flag and sees them in the overview; a manager assigns an account within the
//! team; an AE's admin writes are refused with the server's `perm.denied`; without a server
//! every call says `desktop.not_logged_in`.

use partnerforge_desktop::commands::{admin, sync as sync_cmd};
use partnerforge_desktop::sync;
use pf_core::UserId;
use pf_server::testing::{Org, TestServer, seed_org};
use pf_sync::{BudgetInput, FlagInput, TerritoryInput, TerritoryRule};

use crate::support::{Shell, code};

async fn logged_in(user: &str) -> (TestServer, Org, Shell) {
    let server = TestServer::start().await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let shell = Shell::new(&[]);
    sync_cmd::log_in(&shell.session(), &server.url(), &org.tokens[user], false)
        .await
        .expect("login");
    (server, org, shell)
}

fn uid(s: &str) -> UserId {
    UserId::new(s).expect("user")
}

fn dach() -> TerritoryInput {
    TerritoryInput {
        name: "dach".into(),
        owner: uid("manager@a.test"),
        members: vec![uid("ae@a.test")],
        rule: TerritoryRule {
            countries: vec!["DE".into(), "AT".into(), "CH".into()],
            ..TerritoryRule::default()
        },
        priority: 1,
    }
}

fn budget() -> BudgetInput {
    BudgetInput {
        monthly_limit_micros: 500_000_000,
        alert_threshold_pct: 75,
        hard_cap_micros: 600_000_000,
        offline_allowance_micros: 5_000_000,
    }
}

fn flag() -> FlagInput {
    FlagInput {
        key: "new-brief".into(),
        enabled: true,
        rollout_percent: 30,
        allowed_users: vec![uid("ae@a.test")],
        allowed_teams: vec![],
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_server_admin_calls_say_not_logged_in() {
    let shell = Shell::new(&[]);
    let session = shell.session();
    assert_eq!(
        code(admin::overview(&session).await),
        "desktop.not_logged_in"
    );
    assert_eq!(
        code(admin::save_flag_in(&session, &flag()).await),
        "desktop.not_logged_in"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_saves_a_territory_budget_and_flag_and_sees_them() {
    let (_server, org, shell) = logged_in("admin@a.test").await;
    let session = shell.session();

    let created = admin::save_territory_in(&session, None, &dach())
        .await
        .expect("create territory");
    let renamed = TerritoryInput {
        name: "dach-north".into(),
        ..dach()
    };
    admin::save_territory_in(&session, Some(created.id), &renamed)
        .await
        .expect("update territory");
    admin::save_budget_in(&session, org.team_a, &budget())
        .await
        .expect("budget");
    admin::save_flag_in(&session, &flag()).await.expect("flag");

    let view = admin::overview(&session).await.expect("overview");
    assert_eq!(view.role, pf_core::Role::Admin);
    let territory = view
        .territories
        .iter()
        .find(|t| t.id == created.id)
        .expect("listed");
    assert_eq!(territory.name, "dach-north");
    assert_eq!(territory.rule.countries.len(), 3);
    let b = view
        .budgets
        .iter()
        .find(|b| b.team == org.team_a)
        .expect("budget listed");
    assert_eq!(
        (b.monthly_limit_micros, b.alert_threshold_pct),
        (500_000_000, 75)
    );
    let f = view
        .flags
        .iter()
        .find(|f| f.key == "new-brief")
        .expect("flag listed");
    assert_eq!((f.enabled, f.rollout_percent), (true, 30));
    assert!(view.users.len() >= 7, "an admin sees every user");
    assert!(view.teams.len() >= 2);

    admin::delete_territory_in(&session, created.id)
        .await
        .expect("delete");
    let view = admin::overview(&session).await.expect("overview");
    assert!(view.territories.iter().all(|t| t.id != created.id));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_assigns_an_account_within_the_team() {
    let (server, org, shell) = logged_in("manager@a.test").await;
    let session = shell.session();
    server
        .client(&org.tokens["admin@a.test"])
        .expect("admin")
        .put_budget(org.team_a, &budget())
        .await
        .expect("budget");
    sync::run_once(&shell.state)
        .await
        .expect("sync")
        .expect("configured");
    let synced = admin::synced_org(&session).expect("synced org");
    assert!(synced.territories.iter().any(|t| t == "emea"), "{synced:?}");
    let team_budget = synced
        .team_budget
        .expect("the team's budget came with the sync");
    assert_eq!(team_budget.monthly_limit_micros, 500_000_000);
    let rows = partnerforge_desktop::commands::accounts::list(&session).expect("rows");
    let zalando = rows
        .iter()
        .find(|r| r.domain == "zalando.de")
        .expect("zalando");
    assert_eq!(zalando.territory.as_deref(), Some("emea"));
    assert_eq!(
        code(admin::assign_in(&session, "unsynced-co.com", Some("ae@a.test")).await),
        "desktop.not_synced"
    );
    let account = admin::assign_in(&session, "zalando.de", Some("ae@a.test"))
        .await
        .expect("assign");
    assert_eq!(account.owner, Some(uid("ae@a.test")));
    let back = admin::assign_in(&session, "zalando.de", None)
        .await
        .expect("hand back to the rules");
    assert_eq!(back.assigned_by, pf_sync::AssignedBy::Territory);

    let view = admin::overview(&session).await.expect("overview");
    assert!(!view.users.is_empty(), "the manager sees the team");
    assert!(
        view.users
            .iter()
            .all(|u| u.team.map(|t| t.to_string()) == view.team),
        "only the manager's team"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ae_is_refused_admin_writes_with_perm_denied() {
    let (_server, org, shell) = logged_in("ae@a.test").await;
    let session = shell.session();
    assert_eq!(
        code(admin::save_territory_in(&session, None, &dach()).await),
        "perm.denied"
    );
    assert_eq!(
        code(admin::delete_territory_in(&session, org.emea).await),
        "perm.denied"
    );
    assert_eq!(
        code(admin::save_budget_in(&session, org.team_a, &budget()).await),
        "perm.denied"
    );
    assert_eq!(
        code(admin::save_flag_in(&session, &flag()).await),
        "perm.denied"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_team_crossing_its_alert_threshold_reaches_the_managers_app() {
    let (server, org, shell) = logged_in("manager@a.test").await;
    let session = shell.session();
    server
        .client(&org.tokens["admin@a.test"])
        .expect("admin")
        .put_budget(org.team_a, &budget())
        .await
        .expect("budget");
    // An AE of the team spends 80% of the 500 USD limit (the threshold is 75%).
    let ae = server.client(&org.tokens["ae@a.test"]).expect("ae");
    let reservation = ae
        .reserve(&pf_sync::ReserveRequest {
            source: "builtwith".into(),
            endpoint: "domain-api".into(),
            calls: 1,
            amount_micros: Some(400_000_000),
            account: None,
            ttl_secs: None,
        })
        .await
        .expect("reserve");
    ae.commit(&pf_sync::CommitRequest {
        reservation: reservation.id,
        actual_micros: 400_000_000,
    })
    .await
    .expect("commit");

    sync::run_once(&shell.state)
        .await
        .expect("sync")
        .expect("configured");
    let synced = admin::synced_org(&session).expect("synced org");
    assert_eq!(synced.budget_alerts.len(), 1, "{synced:?}");
    let view = &synced.budget_alerts[0];
    assert_eq!(
        view.team_name.as_deref(),
        Some("Enterprise East"),
        "named, not by its id"
    );
    let alert = &view.alert;
    assert_eq!(alert.team, org.team_a);
    assert_eq!(alert.threshold_pct, 75);
    assert!(alert.spent_micros >= 375_000_000, "{alert:?}");
}
