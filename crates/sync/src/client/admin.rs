//! The admin endpoints of [`SyncClient`].

use pf_core::{FeatureFlag, TeamId, TerritoryId, UserId};
use reqwest::Method;

use super::SyncClient;
use crate::SyncError;
use crate::wire::{
    AccountsAck, AccountsInput, AssignmentInput, BudgetInput, BudgetView, FlagInput, IssuedToken,
    PriceEntry, RetentionPolicy, SourceLimit, SyncedAccount, Team, TeamInput, Territory,
    TerritoryInput, TokenRequest, User, UserInput,
};

/// Path segments are percent-encoded so a user id like `a/b@x` cannot change the route.
fn seg(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl SyncClient {
    pub async fn list_users(&self) -> Result<Vec<User>, SyncError> {
        self.call::<(), _>(Method::GET, "v1/admin/users", None)
            .await
    }

    pub async fn put_user(&self, user: &UserInput) -> Result<User, SyncError> {
        self.call(Method::POST, "v1/admin/users", Some(user)).await
    }

    /// Deactivates the user: their tokens stop working.
    pub async fn delete_user(&self, user: &UserId) -> Result<User, SyncError> {
        let path = format!("v1/admin/users/{}", seg(user.as_str()));
        self.call::<(), _>(Method::DELETE, &path, None).await
    }

    pub async fn issue_token(
        &self,
        user: &UserId,
        req: &TokenRequest,
    ) -> Result<IssuedToken, SyncError> {
        let path = format!("v1/admin/users/{}/tokens", seg(user.as_str()));
        self.call(Method::POST, &path, Some(req)).await
    }

    pub async fn list_teams(&self) -> Result<Vec<Team>, SyncError> {
        self.call::<(), _>(Method::GET, "v1/admin/teams", None)
            .await
    }

    pub async fn create_team(&self, team: &TeamInput) -> Result<Team, SyncError> {
        self.call(Method::POST, "v1/admin/teams", Some(team)).await
    }

    pub async fn rename_team(&self, id: TeamId, team: &TeamInput) -> Result<Team, SyncError> {
        self.call(Method::PUT, &format!("v1/admin/teams/{id}"), Some(team))
            .await
    }

    pub async fn delete_team(&self, id: TeamId) -> Result<Team, SyncError> {
        self.call::<(), _>(Method::DELETE, &format!("v1/admin/teams/{id}"), None)
            .await
    }

    pub async fn list_territories(&self) -> Result<Vec<Territory>, SyncError> {
        self.call::<(), _>(Method::GET, "v1/admin/territories", None)
            .await
    }

    pub async fn create_territory(&self, t: &TerritoryInput) -> Result<Territory, SyncError> {
        self.call(Method::POST, "v1/admin/territories", Some(t))
            .await
    }

    pub async fn update_territory(
        &self,
        id: TerritoryId,
        t: &TerritoryInput,
    ) -> Result<Territory, SyncError> {
        self.call(Method::PUT, &format!("v1/admin/territories/{id}"), Some(t))
            .await
    }

    pub async fn delete_territory(&self, id: TerritoryId) -> Result<Territory, SyncError> {
        let path = format!("v1/admin/territories/{id}");
        self.call::<(), _>(Method::DELETE, &path, None).await
    }

    pub async fn put_accounts(&self, input: &AccountsInput) -> Result<AccountsAck, SyncError> {
        self.call(Method::POST, "v1/admin/accounts", Some(input))
            .await
    }

    /// Gives an account an owner by hand (admins anywhere, managers within their team).
    pub async fn assign(&self, input: &AssignmentInput) -> Result<SyncedAccount, SyncError> {
        self.call(Method::PUT, "v1/admin/assignments", Some(input))
            .await
    }

    pub async fn list_budgets(&self) -> Result<Vec<BudgetView>, SyncError> {
        self.call::<(), _>(Method::GET, "v1/admin/budgets", None)
            .await
    }

    pub async fn put_budget(
        &self,
        team: TeamId,
        budget: &BudgetInput,
    ) -> Result<BudgetView, SyncError> {
        self.call(
            Method::PUT,
            &format!("v1/admin/budgets/{team}"),
            Some(budget),
        )
        .await
    }

    pub async fn list_prices(&self) -> Result<Vec<PriceEntry>, SyncError> {
        self.call::<(), _>(Method::GET, "v1/admin/prices", None)
            .await
    }

    pub async fn put_price(&self, price: &PriceEntry) -> Result<PriceEntry, SyncError> {
        self.call(Method::PUT, "v1/admin/prices", Some(price)).await
    }

    pub async fn delete_price(
        &self,
        source: &str,
        endpoint: &str,
    ) -> Result<PriceEntry, SyncError> {
        let path = format!("v1/admin/prices/{}/{}", seg(source), seg(endpoint));
        self.call::<(), _>(Method::DELETE, &path, None).await
    }

    pub async fn list_limits(&self) -> Result<Vec<SourceLimit>, SyncError> {
        self.call::<(), _>(Method::GET, "v1/admin/limits", None)
            .await
    }

    pub async fn put_limit(&self, limit: &SourceLimit) -> Result<SourceLimit, SyncError> {
        self.call(Method::PUT, "v1/admin/limits", Some(limit)).await
    }

    pub async fn list_flags(&self) -> Result<Vec<FeatureFlag>, SyncError> {
        self.call::<(), _>(Method::GET, "v1/admin/flags", None)
            .await
    }

    pub async fn put_flag(&self, flag: &FlagInput) -> Result<FeatureFlag, SyncError> {
        self.call(Method::PUT, "v1/admin/flags", Some(flag)).await
    }

    pub async fn delete_flag(&self, key: &str) -> Result<FeatureFlag, SyncError> {
        let path = format!("v1/admin/flags/{}", seg(key));
        self.call::<(), _>(Method::DELETE, &path, None).await
    }

    pub async fn retention(&self) -> Result<RetentionPolicy, SyncError> {
        self.call::<(), _>(Method::GET, "v1/admin/retention", None)
            .await
    }

    pub async fn put_retention(
        &self,
        policy: &RetentionPolicy,
    ) -> Result<RetentionPolicy, SyncError> {
        self.call(Method::PUT, "v1/admin/retention", Some(policy))
            .await
    }
}
