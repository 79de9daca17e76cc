//! What each role pulls from `/v1/changes` over real HTTP: which accounts, which fields
//! (SDRs get no financials or deal intel), budgets, prices, territories, identity, retention.

use pf_server::testing::{Org, TestBackend, TestServer, seed_org};
use pf_sync::{BudgetInput, ChangeItem, Cursor, PriceEntry, SyncClient};

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

async fn pull(c: &SyncClient) -> Vec<ChangeItem> {
    c.changes_all(Cursor::START, Some(3))
        .await
        .expect("pull")
        .0
        .into_iter()
        .map(|c| c.item)
        .collect()
}

async fn each_role_pulls_only_its_rows_and_fields(backend: TestBackend) {
    let (server, org) = seeded(backend).await;
    // (user, accounts, sees revenue and deal intel, gets budget, gets prices)
    let expect = [
        (
            "admin@a.test",
            vec!["costco.com", "nobody.io", "tesco.co.uk", "zalando.de"],
            true,
            true,
            true,
        ),
        (
            "manager@a.test",
            vec!["tesco.co.uk", "zalando.de"],
            true,
            true,
            true,
        ),
        (
            "ae@a.test",
            vec!["tesco.co.uk", "zalando.de"],
            true,
            false,
            true,
        ),
        (
            "sdr@a.test",
            vec!["tesco.co.uk", "zalando.de"],
            false,
            false,
            true,
        ),
        ("viewer@a.test", vec!["zalando.de"], true, false, false),
        (
            "ae@b.test",
            vec!["costco.com", "tesco.co.uk"],
            true,
            false,
            true,
        ),
    ];
    for (user, accounts, full, budget, prices) in expect {
        let items = pull(&server.client(&org.tokens[user]).expect("client")).await;
        let mut held = std::collections::BTreeMap::new();
        for i in &items {
            match i {
                ChangeItem::Account(a) => {
                    held.insert(a.id, a.clone());
                }
                ChangeItem::AccountRemoved { id } => {
                    held.remove(id);
                }
                _ => {}
            }
        }
        let mut domains: Vec<String> = held.values().map(|a| a.domain.to_string()).collect();
        domains.sort();
        assert_eq!(domains, accounts, "{user}'s accounts");
        for a in held.values() {
            assert_eq!(
                a.attrs.revenue_usd.is_some(),
                full,
                "{user} revenue of {}",
                a.domain
            );
            assert_eq!(
                a.deal_intel.is_some(),
                full,
                "{user} deal intel of {}",
                a.domain
            );
            assert_eq!(
                a.withheld.is_empty(),
                full,
                "{user} withheld of {}",
                a.domain
            );
        }
        assert_eq!(
            items.iter().any(|i| matches!(i, ChangeItem::Budget(_))),
            budget,
            "{user} budget"
        );
        assert_eq!(
            items.iter().any(|i| matches!(i, ChangeItem::Price(_))),
            prices,
            "{user} prices"
        );
        assert!(
            items
                .iter()
                .any(|i| matches!(i, ChangeItem::Me(m) if m.user.as_str() == user)),
            "{user} identity"
        );
        assert!(
            items.iter().any(|i| matches!(i, ChangeItem::Retention(_))),
            "{user} retention"
        );
        let territories: Vec<&str> = items
            .iter()
            .filter_map(|i| match i {
                ChangeItem::Territory(t) => Some(t.name.as_str()),
                _ => None,
            })
            .collect();
        let want_t: &[&str] = match user {
            "admin@a.test" => &["emea", "na"],
            "ae@b.test" => &["na"],
            _ => &["emea"],
        };
        assert_eq!(territories, want_t, "{user}'s territories");
    }
}

pf_server::on_both_backends!(each_role_pulls_only_its_rows_and_fields);
