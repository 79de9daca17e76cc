//! Usage records pushed by laptops, on PostgreSQL: a batch is stored in one `INSERT ... SELECT
//! FROM UNNEST ... ON CONFLICT (id) DO NOTHING RETURNING id`, so a record already stored (a
//! retried push, or the same push racing itself) is a duplicate and counts nothing twice. Records
//! paid without a reservation add to the team's spend, month by month, under the budget lock.

use deadpool_postgres::GenericClient;
use pf_core::{TeamId, UserId};
use pf_sync::{UsageAck, UsageRecord};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;

use super::ctx::query;
use super::spend::add_spend;
use crate::store::model::i;
use crate::store::{Result, month_of, to_ms};

/// Stores usage records once each (one statement for the batch); records paid without a
/// reservation add to the team's spend, month by month.
pub(super) async fn record_usage<C: GenericClient>(
    c: &C,
    user: &UserId,
    team: Option<TeamId>,
    records: Vec<UsageRecord>,
    now: OffsetDateTime,
) -> Result<UsageAck> {
    if records.is_empty() {
        return Ok(UsageAck {
            accepted: 0,
            duplicates: 0,
        });
    }
    let mut text: [Vec<Option<String>>; 6] = Default::default();
    let mut nums: [Vec<i64>; 3] = Default::default();
    for r in &records {
        text[0].push(Some(r.id.to_string()));
        text[1].push(Some(r.source.clone()));
        text[2].push(Some(r.endpoint.clone()));
        text[3].push(r.domain.clone());
        text[4].push(Some(r.status.clone()));
        text[5].push(r.reservation.map(|x| x.to_string()));
        nums[0].push(i(r.cost_micros)?);
        nums[1].push(i(r.duration_ms)?);
        nums[2].push(to_ms(r.at));
    }
    let [ids, sources, endpoints, domains, statuses, reservations] = &text;
    let [costs, durations, ats] = &nums;
    let mut inserted: HashSet<String> = query(
        c,
        "INSERT INTO usage (id, user_id, team_id, source, endpoint, domain, cost_micros, status,
             duration_ms, at, reservation_id, received_at)
         SELECT v.id, $1::text, $2::text, v.source, v.endpoint, v.domain, v.cost, v.status,
             v.duration, v.at, v.reservation, $3::bigint
         FROM UNNEST($4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[],
             $10::bigint[], $11::bigint[], $12::text[])
             AS v(id, source, endpoint, domain, cost, status, duration, at, reservation)
         ON CONFLICT (id) DO NOTHING RETURNING id",
        &[
            &user.as_str(),
            &team.map(|t| t.to_string()),
            &to_ms(now),
            ids,
            sources,
            endpoints,
            domains,
            costs,
            statuses,
            durations,
            ats,
            reservations,
        ],
    )
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<std::result::Result<_, _>>()?;
    let mut ack = UsageAck {
        accepted: 0,
        duplicates: 0,
    };
    // Spend without a reservation, by month in the order months first appear.
    let mut months: Vec<(String, Vec<u64>)> = Vec::new();
    let mut month_at: HashMap<String, usize> = HashMap::new();
    for r in &records {
        if !inserted.remove(&r.id.to_string()) {
            ack.duplicates += 1;
            continue;
        }
        ack.accepted += 1;
        if team.is_some() && r.reservation.is_none() && r.cost_micros > 0 {
            let month = month_of(r.at);
            let n = *month_at.entry(month.clone()).or_insert_with(|| {
                months.push((month, Vec::new()));
                months.len() - 1
            });
            months[n].1.push(r.cost_micros);
        }
    }
    if let Some(team) = team {
        for (month, amounts) in months {
            add_spend(c, team, &month, &amounts, now).await?;
        }
    }
    Ok(ack)
}
