//! The requests (this laptop's, and the server's with each laptop's report for an admin) and
//! the audit log (this laptop's, and the server's for an admin), filterable by action.

use leptos::prelude::*;
use std::collections::BTreeMap;

use super::Privacy;
use crate::api::AuditLine;
use crate::components::states::EmptyState;

fn total(records: &BTreeMap<String, u64>) -> String {
    let n: u64 = records.values().sum();
    if n == 0 {
        return "nothing held".into();
    }
    let parts: Vec<String> = records.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{n} ({})", parts.join(", "))
}

fn day(at: &str) -> String {
    at.chars().take(16).collect::<String>().replace('T', " ")
}

#[component]
pub(super) fn Requests(state: Privacy) -> impl IntoView {
    let local = move || {
        state
            .data
            .with(|d| d.as_ref().map(|d| d.local.clone()).unwrap_or_default())
    };
    let server = move || {
        state
            .data
            .with(|d| d.as_ref().map(|d| d.server.clone()).unwrap_or_default())
    };
    view! {
        <section class="card" aria-labelledby="privacy-requests-title">
            <h3 id="privacy-requests-title" class="card-title">"Requests on this laptop"</h3>
            {move || {
                let rows = local();
                if rows.is_empty() {
                    return view! { <EmptyState title="No privacy requests yet" /> }.into_any();
                }
                let rows = rows.into_iter().map(|r| {
                    let status = r.status.clone();
                    view! {
                        <tr data-status=status.clone() data-kind=r.kind.clone()>
                            <td>{r.kind.clone()}</td>
                            <td><span class=format!("pill pill-{status}")>{status.clone()}</span></td>
                            <td>{r.subject.clone()}</td>
                            <td>{r.origin.clone()}</td>
                            <td>{day(&r.filed_at)}</td>
                            <td>{total(&r.records)}</td>
                        </tr>
                    }
                }).collect::<Vec<_>>();
                view! {
                    <table id="privacy-requests" class="table">
                        <thead><tr>
                            <th scope="col">"Kind"</th><th scope="col">"Status"</th>
                            <th scope="col">"Subject"</th><th scope="col">"Origin"</th>
                            <th scope="col">"When"</th><th scope="col">"Records"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }.into_any()
            }}
            {move || {
                let rows = server();
                (!rows.is_empty()).then(|| {
                    let rows = rows.into_iter().map(|r| {
                        let done = r.laptops.iter().filter(|l| l.reported_at.is_some()).count();
                        let status = r.status.clone();
                        view! {
                            <tr data-status=status.clone()>
                                <td>{r.kind.clone()}</td>
                                <td><span class=format!("pill pill-{status}")>{status.clone()}</span></td>
                                <td>{r.subject.clone()}</td>
                                <td>{r.filed_by.clone()}</td>
                                <td>{format!("{done} of {} reported", r.laptops.len())}</td>
                                <td>{total(&r.server_records)}</td>
                            </tr>
                        }
                    }).collect::<Vec<_>>();
                    view! {
                        <h4 class="card-subtitle">"On the sync server"</h4>
                        <table id="privacy-server-requests" class="table">
                            <thead><tr>
                                <th scope="col">"Kind"</th><th scope="col">"Status"</th>
                                <th scope="col">"Subject"</th><th scope="col">"Filed by"</th>
                                <th scope="col">"Laptops"</th><th scope="col">"Server records"</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }
                })
            }}
        </section>
    }
}

fn audit_rows(lines: Vec<AuditLine>, filter: &str) -> Vec<AnyView> {
    lines
        .into_iter()
        .rev()
        .filter(|l| filter.is_empty() || l.action.starts_with(filter))
        .take(200)
        .map(|l| {
            view! {
                <tr data-action=l.action.clone()>
                    <td>{day(&l.at)}</td>
                    <td>{l.actor.clone().unwrap_or_else(|| "system".into())}</td>
                    <td><code>{l.action.clone()}</code></td>
                    <td>{l.target.clone()}</td>
                    <td class="audit-detail">{l.detail.to_string()}</td>
                </tr>
            }
            .into_any()
        })
        .collect()
}

#[component]
pub(super) fn AuditLog(state: Privacy) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let table = move |server: bool| {
        let lines = state.data.with(|d| {
            d.as_ref()
                .map(|d| {
                    if server {
                        d.server_audit.clone()
                    } else {
                        d.audit.clone()
                    }
                })
                .unwrap_or_default()
        });
        let f = filter.get();
        let rows = audit_rows(lines, f.trim());
        let id = if server {
            "server-audit-log"
        } else {
            "audit-log"
        };
        view! {
            <table id=id class="table audit-table">
                <thead><tr>
                    <th scope="col">"When"</th><th scope="col">"Who"</th>
                    <th scope="col">"Action"</th><th scope="col">"Record"</th><th scope="col">"Detail"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    };
    let has_server = move || {
        state
            .data
            .with(|d| d.as_ref().is_some_and(|d| !d.server_audit.is_empty()))
    };
    view! {
        <section class="card" aria-labelledby="audit-title">
            <div class="card-head">
                <h3 id="audit-title" class="card-title">"Audit log"</h3>
                <input
                    id="audit-filter"
                    type="search"
                    placeholder="Filter by action, e.g. privacy. or key.change"
                    prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev))
                />
            </div>
            <p class="card-note">"Append-only: who did what to which record on this laptop, newest first."</p>
            {move || table(false)}
            {move || has_server().then(|| view! {
                <h4 class="card-subtitle">"On the sync server"</h4>
                {move || table(true)}
            })}
        </section>
    }
}
