//! The whole matrix of role x endpoint over real HTTP, each role on a freshly seeded server: the
//! status of every endpoint (rows and fields of the change feed: `role_rows.rs`).

use pf_server::testing::{Org, TestBackend, TestServer, seed_org};
use pf_sync::{BudgetInput, PriceEntry};
use serde_json::{Value, json};

const ROLES: [&str; 5] = [
    "admin@a.test",
    "manager@a.test",
    "ae@a.test",
    "sdr@a.test",
    "viewer@a.test",
];

async fn seeded(backend: TestBackend) -> (TestServer, Org) {
    let server = TestServer::start_on(backend).await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let admin = server.client(&org.tokens["admin@a.test"]).expect("client");
    let budget = BudgetInput {
        monthly_limit_micros: 1_000_000,
        alert_threshold_pct: 80,
        hard_cap_micros: 2_000_000,
        offline_allowance_micros: 5_000_000,
    };
    admin.put_budget(org.team_a, &budget).await.expect("budget");
    let price = PriceEntry {
        source: "builtwith".into(),
        endpoint: "domain".into(),
        price_micros: 1_000,
    };
    admin.put_price(&price).await.expect("price");
    (server, org)
}

async fn call(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    method: &str,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = http
        .request(method.clone(), format!("{base}{path}"))
        .bearer_auth(token);
    if method != reqwest::Method::GET && method != reqwest::Method::DELETE {
        req = req.json(body);
    }
    let resp = req.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// (endpoint, method, path, body, expected status for admin, manager, ae, sdr, viewer).
fn matrix(org: &Org) -> Vec<(&'static str, &'static str, String, Value, [u16; 5])> {
    let (a, b) = (org.team_a, org.team_b);
    let zalando = org.accounts["zalando.de"];
    let costco = org.accounts["costco.com"];
    let usage = json!({"records": [{"id": uuid(), "source": "builtwith", "endpoint": "domain",
        "cost_micros": 0, "status": "ok", "at": "2026-01-01T00:00:00Z"}]});
    let territory =
        json!({"name": "apac", "owner": "manager@a.test", "rule": {"regions": ["APAC"]}});
    vec![
        (
            "me",
            "GET",
            "v1/me".into(),
            json!(null),
            [200, 200, 200, 200, 200],
        ),
        (
            "changes",
            "GET",
            "v1/changes".into(),
            json!(null),
            [200, 200, 200, 200, 200],
        ),
        (
            "usage",
            "POST",
            "v1/usage".into(),
            usage,
            [200, 200, 200, 200, 403],
        ),
        (
            "reserve",
            "POST",
            "v1/budget/reserve".into(),
            json!({"source": "builtwith", "endpoint": "domain"}),
            [409, 200, 200, 200, 403],
        ),
        (
            "reserve_foreign_account",
            "POST",
            "v1/budget/reserve".into(),
            json!({"source": "builtwith", "endpoint": "domain", "account": costco}),
            [409, 403, 403, 403, 403],
        ),
        (
            "lease",
            "POST",
            "v1/ratelimit/lease".into(),
            json!({"source": "builtwith", "calls": 1}),
            [200, 200, 200, 200, 403],
        ),
        (
            "list_users",
            "GET",
            "v1/admin/users".into(),
            json!(null),
            [200, 200, 403, 403, 403],
        ),
        (
            "put_user",
            "POST",
            "v1/admin/users".into(),
            json!({"id": "new@a.test", "role": "ae", "team": a}),
            [200, 403, 403, 403, 403],
        ),
        (
            "issue_token",
            "POST",
            "v1/admin/users/ae@b.test/tokens".into(),
            json!({}),
            [200, 403, 403, 403, 403],
        ),
        (
            "list_teams",
            "GET",
            "v1/admin/teams".into(),
            json!(null),
            [200, 200, 403, 403, 403],
        ),
        (
            "create_team",
            "POST",
            "v1/admin/teams".into(),
            json!({"name": "Team C"}),
            [200, 403, 403, 403, 403],
        ),
        (
            "list_territories",
            "GET",
            "v1/admin/territories".into(),
            json!(null),
            [200, 200, 403, 403, 403],
        ),
        (
            "create_territory",
            "POST",
            "v1/admin/territories".into(),
            territory,
            [200, 403, 403, 403, 403],
        ),
        (
            "update_territory",
            "PUT",
            format!("v1/admin/territories/{}", org.na),
            json!({"name": "na-west", "owner": "manager@b.test", "rule": {"regions": ["NA"]}}),
            [200, 403, 403, 403, 403],
        ),
        (
            "put_accounts",
            "POST",
            "v1/admin/accounts".into(),
            json!({"accounts": [{"domain": "newco.com", "name": "NewCo"}]}),
            [200, 403, 403, 403, 403],
        ),
        (
            "assign_in_team",
            "PUT",
            "v1/admin/assignments".into(),
            json!({"account": zalando, "owner": "ae@a.test"}),
            [200, 200, 403, 403, 403],
        ),
        (
            "assign_other_team",
            "PUT",
            "v1/admin/assignments".into(),
            json!({"account": costco, "owner": "ae@a.test"}),
            [200, 403, 403, 403, 403],
        ),
        (
            "list_budgets",
            "GET",
            "v1/admin/budgets".into(),
            json!(null),
            [200, 200, 200, 200, 200],
        ),
        (
            "put_budget_own_team",
            "PUT",
            format!("v1/admin/budgets/{a}"),
            json!({"monthly_limit_micros": 5, "hard_cap_micros": 9}),
            [200, 403, 403, 403, 403],
        ),
        (
            "put_budget_other_team",
            "PUT",
            format!("v1/admin/budgets/{b}"),
            json!({"monthly_limit_micros": 5, "hard_cap_micros": 9}),
            [200, 403, 403, 403, 403],
        ),
        (
            "list_prices",
            "GET",
            "v1/admin/prices".into(),
            json!(null),
            [200, 200, 200, 200, 403],
        ),
        (
            "put_price",
            "PUT",
            "v1/admin/prices".into(),
            json!({"source": "similarweb", "endpoint": "traffic", "price_micros": 9}),
            [200, 403, 403, 403, 403],
        ),
        (
            "list_limits",
            "GET",
            "v1/admin/limits".into(),
            json!(null),
            [200, 200, 200, 200, 403],
        ),
        (
            "put_limit",
            "PUT",
            "v1/admin/limits".into(),
            json!({"source": "builtwith", "max_calls": 10, "window_secs": 60}),
            [200, 403, 403, 403, 403],
        ),
        (
            "list_flags",
            "GET",
            "v1/admin/flags".into(),
            json!(null),
            [200, 200, 403, 403, 403],
        ),
        (
            "put_flag",
            "PUT",
            "v1/admin/flags".into(),
            json!({"key": "new-brief", "enabled": true, "rollout_percent": 50}),
            [200, 403, 403, 403, 403],
        ),
        (
            "get_retention",
            "GET",
            "v1/admin/retention".into(),
            json!(null),
            [200, 200, 200, 200, 200],
        ),
        (
            "put_retention",
            "PUT",
            "v1/admin/retention".into(),
            json!({"executives_days": 30, "history_days": 60, "usage_days": 90, "hiring_signals_days": 7}),
            [200, 403, 403, 403, 403],
        ),
        (
            "delete_price",
            "DELETE",
            "v1/admin/prices/builtwith/domain".into(),
            json!(null),
            [200, 403, 403, 403, 403],
        ),
        (
            "delete_team",
            "DELETE",
            format!("v1/admin/teams/{b}"),
            json!(null),
            [200, 403, 403, 403, 403],
        ),
        (
            "delete_user",
            "DELETE",
            "v1/admin/users/ae@b.test".into(),
            json!(null),
            [200, 403, 403, 403, 403],
        ),
    ]
}

fn uuid() -> String {
    pf_sync::UsageId::new().to_string()
}

async fn every_role_gets_the_right_status_from_every_endpoint(backend: TestBackend) {
    let http = reqwest::Client::new();
    let mut wrong = Vec::new();
    for (i, user) in ROLES.iter().enumerate() {
        let (server, org) = seeded(backend).await;
        for (name, method, path, body, want) in matrix(&org) {
            let (status, v) = call(
                &http,
                &server.url(),
                &org.tokens[*user],
                method,
                &path,
                &body,
            )
            .await;
            if status != want[i] {
                wrong.push(format!("{user} {name}: {status} (want {}) {v}", want[i]));
            }
            if status >= 400 && v["code"].as_str().is_none() {
                wrong.push(format!("{user} {name}: error without a code: {v}"));
            }
        }
    }
    assert!(wrong.is_empty(), "matrix mismatches:\n{}", wrong.join("\n"));
}

async fn budgets_listed_are_only_those_the_role_may_read(backend: TestBackend) {
    let (server, org) = seeded(backend).await;
    for (user, want) in [
        (ROLES[0], 1),
        (ROLES[1], 1),
        (ROLES[2], 0),
        (ROLES[3], 0),
        (ROLES[4], 0),
        ("manager@b.test", 0),
    ] {
        let c = server.client(&org.tokens[user]).expect("client");
        assert_eq!(
            c.list_budgets().await.expect("budgets").len(),
            want,
            "{user}"
        );
    }
}

pf_server::on_both_backends!(
    every_role_gets_the_right_status_from_every_endpoint,
    budgets_listed_are_only_those_the_role_may_read
);
