//! The audit log is written in the transaction of the change it records, on both backends:
//! when the log cannot take an entry (here a trigger refuses every insert), the admin's change
//! is refused too and nothing of it is kept; once the log works again, the same change is made
//! and recorded, with who, what and the old and new values.

#[path = "support/concrete.rs"]
mod concrete;

use concrete::Concrete;
use pf_server::testing::{Org, TestBackend, TestServer, seed_org};
use pf_server::{ServeConfig, on_both_backends};
use pf_sync::{AuditQuery, BudgetInput, FlagInput, SyncClient, TeamInput};

const REFUSE_SQLITE: &str = "CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is unavailable'); END;";
const REFUSE_POSTGRES: &str = "CREATE FUNCTION audit_refuses() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'the audit log is unavailable'; END $$;
    CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_refuses();";

fn budget(limit: u64) -> BudgetInput {
    BudgetInput {
        monthly_limit_micros: limit,
        alert_threshold_pct: 80,
        hard_cap_micros: limit * 2,
        offline_allowance_micros: 0,
    }
}

fn flag() -> FlagInput {
    FlagInput {
        key: "new_brief".into(),
        enabled: true,
        rollout_percent: 50,
        allowed_users: vec![],
        allowed_teams: vec![],
    }
}

async fn entries(admin: &SyncClient, action: &str) -> Vec<pf_sync::AuditEntry> {
    let q = AuditQuery {
        action: Some(action.into()),
        ..AuditQuery::default()
    };
    admin.audit(&q).await.expect("audit")
}

/// A server over a fresh store of `backend` with the seeded organisation, and its admin.
async fn seeded(backend: TestBackend) -> (Concrete, TestServer, Org, SyncClient) {
    let concrete = Concrete::new(backend).await;
    let server = TestServer::start_with(concrete.shared(), ServeConfig::default())
        .await
        .expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let admin = server.client(&org.tokens["admin@a.test"]).expect("client");
    (concrete, server, org, admin)
}

async fn a_change_the_audit_log_cannot_record_is_not_made(backend: TestBackend) {
    let (concrete, _server, org, admin) = seeded(backend).await;
    admin
        .put_budget(org.team_a, &budget(100))
        .await
        .expect("a first budget");
    let teams_before = admin.list_teams().await.expect("teams").len();

    let refuse = match backend {
        TestBackend::Sqlite => REFUSE_SQLITE,
        TestBackend::Postgres => REFUSE_POSTGRES,
    };
    concrete.raw(refuse).await.expect("break the audit log");
    let err = admin
        .put_budget(org.team_a, &budget(900))
        .await
        .expect_err("a budget change the log cannot record");
    assert_eq!(err.status(), Some(500), "{err}");
    let err = admin.put_flag(&flag()).await.expect_err("a flag change");
    assert_eq!(err.status(), Some(500), "{err}");
    let team = TeamInput {
        name: "Ghost team".into(),
    };
    admin.create_team(&team).await.expect_err("a new team");

    let budgets = admin.list_budgets().await.expect("budgets");
    let a = budgets
        .iter()
        .find(|b| b.team == org.team_a)
        .expect("team a");
    assert_eq!(a.monthly_limit_micros, 100, "the refused budget was kept");
    assert!(admin.list_flags().await.expect("flags").is_empty());
    assert_eq!(admin.list_teams().await.expect("teams").len(), teams_before);

    let mend = match backend {
        TestBackend::Sqlite => "DROP TRIGGER audit_refuses",
        TestBackend::Postgres => "DROP TRIGGER audit_refuses ON audit_log",
    };
    concrete.raw(mend).await.expect("mend the audit log");
    let view = admin
        .put_budget(org.team_a, &budget(900))
        .await
        .expect("the same change, recorded");
    assert_eq!(view.monthly_limit_micros, 900);
    admin.put_flag(&flag()).await.expect("the flag");
    let changes = entries(&admin, "budget.change").await;
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(changes[1].target, format!("team:{}", org.team_a));
    assert_eq!(changes[1].detail["old"]["monthly_limit_micros"], 100);
    assert_eq!(changes[1].detail["new"]["monthly_limit_micros"], 900);
    assert_eq!(
        changes[1].actor.as_ref().map(|u| u.as_str()),
        Some("admin@a.test")
    );
    let flags = entries(&admin, "flag.change").await;
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0].target, "flag:new_brief");
    assert!(entries(&admin, "team.change").await.is_empty());
}

async fn a_refused_change_writes_no_audit_entry(backend: TestBackend) {
    let (_concrete, server, org, admin) = seeded(backend).await;
    let ae = server.client(&org.tokens["ae@a.test"]).expect("client");
    ae.put_budget(org.team_a, &budget(5))
        .await
        .expect_err("an AE may not set budgets");
    admin
        .delete_flag("no-such-flag")
        .await
        .expect_err("nothing to delete");
    assert!(entries(&admin, "budget.change").await.is_empty());
    assert!(entries(&admin, "flag.change").await.is_empty());
}

on_both_backends!(
    a_change_the_audit_log_cannot_record_is_not_made,
    a_refused_change_writes_no_audit_entry
);
