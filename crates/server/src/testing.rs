//! Test and bench support: a server on a free loopback port over a fresh store of either backend
//! (a temporary SQLite file, or a new database on the PostgreSQL server `PF_TEST_DATABASE_URL`
//! names), [`on_both_backends!`](crate::on_both_backends) to run a test on each, and a small
//! seeded organisation with one user of every role. Not used by the binary.

use pf_core::{AccountId, Domain, Role, TeamId, TerritoryId, UserId};
use pf_sync::{
    AccountAttrs, AccountInput, DealIntel, SyncClient, TerritoryInput, TerritoryRule, TokenRequest,
    UserInput,
};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::{PgStore, ServeConfig, ServerError, ServerStore, SqliteStore, issue_token};

/// The PostgreSQL server tests run against: a URL whose role may `CREATE DATABASE`
/// (`scripts/postgres.sh` starts one). Each test gets a database of its own, dropped afterwards.
pub const TEST_DATABASE_ENV: &str = "PF_TEST_DATABASE_URL";

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

impl TestBackend {
    /// A fresh, empty store: a temporary SQLite file, or a new database on the server that
    /// [`TEST_DATABASE_ENV`] names (an error when it is unset: the test fails, loudly).
    pub async fn fresh(self) -> Result<Arc<dyn ServerStore>, ServerError> {
        Ok(match self {
            TestBackend::Sqlite => Arc::new(SqliteStore::open_temp()?),
            TestBackend::Postgres => Arc::new(fresh_postgres().await?),
        })
    }
}

/// A [`PgStore`] in a new database on [`TEST_DATABASE_ENV`]'s server, dropped with the store.
pub async fn fresh_postgres() -> Result<PgStore, ServerError> {
    match std::env::var(TEST_DATABASE_ENV) {
        Ok(url) if !url.trim().is_empty() => PgStore::open_temp(url.trim()).await,
        _ => Err(ServerError::Invalid(format!(
            "{TEST_DATABASE_ENV} is not set: the PostgreSQL tests need a server \
             (scripts/test.sh starts one with scripts/postgres.sh)"
        ))),
    }
}

/// Defines, for each `async fn NAME(backend: TestBackend)` named, the tests `NAME::sqlite` and
/// `NAME::postgres`. The PostgreSQL ones are `#[ignore]`d so that a plain `cargo test` without a
/// database does not pretend they passed; `--include-ignored` (as `scripts/test.sh` runs) runs
/// them, and they fail loudly when `PF_TEST_DATABASE_URL` is missing.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::testing::TestBackend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs PF_TEST_DATABASE_URL (scripts/test.sh starts PostgreSQL)"]
            async fn postgres() {
                super::$name($crate::testing::TestBackend::Postgres).await
            }
        }
    )*};
}

/// A running server; stopped when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    pub store: Arc<dyn ServerStore>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ServerError>>>,
}

impl TestServer {
    /// A server over a fresh temporary SQLite store on 127.0.0.1:0.
    pub async fn start() -> Result<Self, ServerError> {
        Self::start_with(Arc::new(SqliteStore::open_temp()?), ServeConfig::default()).await
    }

    /// A server over a fresh store of `backend` on 127.0.0.1:0.
    pub async fn start_on(backend: TestBackend) -> Result<Self, ServerError> {
        Self::start_with(backend.fresh().await?, ServeConfig::default()).await
    }

    /// A server over `store` with `config` (its `listen` port is replaced by a free one).
    pub async fn start_with(
        store: Arc<dyn ServerStore>,
        mut config: ServeConfig,
    ) -> Result<Self, ServerError> {
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        let (stop, stopped) = oneshot::channel::<()>();
        let (bound_tx, bound) = oneshot::channel();
        let task = tokio::spawn(crate::serve(
            Arc::clone(&store),
            config,
            move |addr| {
                let _ = bound_tx.send(addr);
            },
            async {
                let _ = stopped.await;
            },
        ));
        let addr = bound
            .await
            .map_err(|_| ServerError::Internal("the test server did not start".into()))?;
        Ok(Self {
            addr,
            store,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// A client acting with `token`.
    pub fn client(&self, token: &str) -> Result<SyncClient, ServerError> {
        SyncClient::new(&self.url(), token).map_err(|e| ServerError::Internal(e.to_string()))
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) -> Result<(), ServerError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task
                .await
                .map_err(|e| ServerError::Internal(e.to_string()))?,
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The seeded organisation: two teams, one user of every role in team A (plus an AE and a
/// manager in team B), two territories and four accounts:
/// - `zalando.de` (EMEA): territory `emea` (owner `manager@a.test`, members `ae@a.test`,
///   `sdr@a.test`), team A;
/// - `tesco.co.uk` (EMEA) owned by hand by `ae@b.test`: team B, but in territory `emea`;
/// - `costco.com` (NA): territory `na` (owner `manager@b.test`, member `ae@b.test`), team B;
/// - `nobody.io` (APAC): no territory, no owner.
pub struct Org {
    pub team_a: TeamId,
    pub team_b: TeamId,
    pub emea: TerritoryId,
    pub na: TerritoryId,
    /// Token by user id (`admin@a.test`, `manager@a.test`, `ae@a.test`, `sdr@a.test`,
    /// `viewer@a.test`, `ae@b.test`, `manager@b.test`).
    pub tokens: HashMap<String, String>,
    /// Account id by domain.
    pub accounts: HashMap<String, AccountId>,
}

fn uid(s: &str) -> Result<UserId, ServerError> {
    UserId::new(s).map_err(|e| ServerError::Invalid(e.to_string()))
}

fn domain(s: &str) -> Result<Domain, ServerError> {
    Domain::parse(s).map_err(|e| ServerError::Invalid(e.to_string()))
}

fn account(d: &str, name: &str, region: &str) -> Result<AccountInput, ServerError> {
    Ok(AccountInput {
        domain: domain(d)?,
        name: name.into(),
        attrs: AccountAttrs {
            region: Some(region.into()),
            industry: Some("retail".into()),
            employees: Some(10_000),
            revenue_usd: Some(5_000_000_000),
            ..AccountAttrs::default()
        },
        deal_intel: Some(DealIntel {
            incumbent_vendor: Some("Elasticsearch".into()),
            contract_value_usd: Some(250_000),
            ..DealIntel::default()
        }),
    })
}

/// Creates (or replaces) a user and issues them a token; answers the token.
pub async fn add_user(
    store: &dyn ServerStore,
    id: &str,
    role: Role,
    team: Option<TeamId>,
    display_name: Option<&str>,
) -> Result<String, ServerError> {
    let user = uid(id)?;
    store
        .put_user(UserInput {
            id: user.clone(),
            role,
            team,
            display_name: display_name.map(str::to_owned),
        })
        .await?;
    Ok(issue_token(store, user, TokenRequest::default())
        .await?
        .token)
}

/// Seeds [`Org`] into `store`.
pub async fn seed_org(store: &dyn ServerStore) -> Result<Org, ServerError> {
    let team_a = store.create_team("Enterprise East".into()).await?.id;
    let team_b = store.create_team("Mid-market West".into()).await?.id;
    let people = [
        ("admin@a.test", Role::Admin, None),
        ("manager@a.test", Role::Manager, Some(team_a)),
        ("ae@a.test", Role::Ae, Some(team_a)),
        ("sdr@a.test", Role::Sdr, Some(team_a)),
        ("viewer@a.test", Role::Viewer, Some(team_a)),
        ("ae@b.test", Role::Ae, Some(team_b)),
        ("manager@b.test", Role::Manager, Some(team_b)),
    ];
    let mut tokens = HashMap::new();
    for (id, role, team) in people {
        tokens.insert(id.to_owned(), add_user(store, id, role, team, None).await?);
    }
    let rule = |region: &str| TerritoryRule {
        regions: vec![region.into()],
        ..TerritoryRule::default()
    };
    let emea = store
        .create_territory(TerritoryInput {
            name: "emea".into(),
            owner: uid("manager@a.test")?,
            members: vec![uid("ae@a.test")?, uid("sdr@a.test")?],
            rule: rule("EMEA"),
            priority: 0,
        })
        .await?
        .id;
    let na = store
        .create_territory(TerritoryInput {
            name: "na".into(),
            owner: uid("manager@b.test")?,
            members: vec![uid("ae@b.test")?],
            rule: rule("NA"),
            priority: 0,
        })
        .await?
        .id;
    let inputs = vec![
        account("zalando.de", "Zalando", "EMEA")?,
        account("tesco.co.uk", "Tesco", "EMEA")?,
        account("costco.com", "Costco", "NA")?,
        account("nobody.io", "Nobody", "APAC")?,
    ];
    let domains: Vec<String> = inputs.iter().map(|a| a.domain.to_string()).collect();
    let ids = store.put_accounts(inputs).await?;
    let accounts: HashMap<String, AccountId> = domains.into_iter().zip(ids).collect();
    let tesco = accounts
        .get("tesco.co.uk")
        .copied()
        .ok_or_else(|| ServerError::Internal("tesco not stored".into()))?;
    store
        .assign(
            pf_sync::AssignmentInput {
                account: tesco,
                owner: Some(uid("ae@b.test")?),
            },
            Box::new(|_, _| true),
        )
        .await?;
    Ok(Org {
        team_a,
        team_b,
        emea,
        na,
        tokens,
        accounts,
    })
}
