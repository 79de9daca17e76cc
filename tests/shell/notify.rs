//! Which engine events become desktop notifications, and what they say.

use partnerforge_desktop::notify::notification_for;
use pf_core::{NewAccount, SourceId, UserId};
use pf_engine::{EngineEvent, JobStatus};
use time::macros::datetime;

use crate::support::{Shell, USER, domain};

fn hot(domain_name: &str, reasons: &[&str]) -> EngineEvent {
    EngineEvent::HotLeadDetected {
        domain: domain(domain_name),
        score: 82,
        priority: "hot".into(),
        reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
    }
}

fn add_account(shell: &Shell, domain_name: &str, name: &str, owner: &str) {
    let account = NewAccount {
        domain: Some(domain(domain_name)),
        name: Some(name.into()),
        owner: Some(UserId::new(owner).expect("user id")),
        ..NewAccount::default()
    };
    shell
        .session()
        .with_store(|s| s.upsert_account(&account))
        .expect("add account");
}

#[test]
fn hot_leads_notify_the_owner_once_a_day_with_escaped_text() {
    let shell = Shell::new(&[]);
    let session = shell.session();
    let now = datetime!(2026-03-04 15:30 UTC);

    let n = notification_for(
        &session,
        &hot(
            "costco.com",
            &[
                "Dropped <Coveo> & hiring",
                "Traffic up",
                "New CTO",
                "Fourth",
            ],
        ),
        now,
    )
    .expect("an unassigned account is the local user's");
    assert_eq!(n.kind, "hot_lead");
    assert_eq!(n.key, "hot_lead:costco.com:2026-03-04");
    assert_eq!(n.domain, domain("costco.com"));
    assert_eq!(n.created_at, now);
    assert!(n.title.contains("Costco Wholesale"), "{n:?}");
    assert!(n.title.contains("82"), "{n:?}");
    assert!(
        n.body.contains("Dropped &lt;Coveo&gt; &amp; hiring"),
        "{n:?}"
    );
    assert!(!n.body.contains('<') && !n.body.contains("& "), "{n:?}");
    assert!(n.body.contains("New CTO"), "{n:?}");
    assert!(!n.body.contains("Fourth"), "at most three reasons: {n:?}");

    // The same day is the same key (shown once); another day is another.
    let later = notification_for(
        &session,
        &hot("costco.com", &[]),
        now + time::Duration::hours(3),
    )
    .expect("same day");
    assert_eq!(later.key, n.key);
    assert_eq!(later.body, "Open the brief to see why.");
    let tomorrow = notification_for(
        &session,
        &hot("costco.com", &[]),
        now + time::Duration::days(1),
    )
    .expect("next day");
    assert_eq!(tomorrow.key, "hot_lead:costco.com:2026-03-05");

    // Someone else's account is not the user's business; the user's own account is.
    add_account(
        &shell,
        "rivalowned.com",
        "Rival Owned",
        "someone.else@example.com",
    );
    assert_eq!(
        notification_for(&session, &hot("rivalowned.com", &["x"]), now),
        None
    );
    add_account(&shell, "mine.com", "Mine Inc", USER);
    let mine = notification_for(&session, &hot("mine.com", &["x"]), now).expect("mine");
    assert!(mine.title.contains("Mine Inc"), "{mine:?}");
    // An account that is not stored is nobody's.
    assert_eq!(
        notification_for(&session, &hot("nosuchshop.com", &["x"]), now),
        None
    );
}

#[test]
fn competitor_drops_notify_and_other_events_do_not() {
    let shell = Shell::new(&[]);
    let session = shell.session();
    let now = datetime!(2026-03-04 15:30 UTC);

    let replaced = EngineEvent::CompetitorDropped {
        domain: domain("target.com"),
        vendor: "Coveo".into(),
        now: Some("Algolia".into()),
    };
    let n = notification_for(&session, &replaced, now).expect("a drop notifies");
    assert_eq!(n.kind, "competitor_dropped");
    assert_eq!(n.key, "competitor_dropped:target.com:2026-03-04");
    assert!(
        n.title.contains("Target") && n.title.contains("Coveo"),
        "{n:?}"
    );
    assert!(
        n.body.contains("Algolia") && n.body.contains("target.com"),
        "{n:?}"
    );

    let gone = EngineEvent::CompetitorDropped {
        domain: domain("target.com"),
        vendor: "<b>Search & Co</b>".into(),
        now: None,
    };
    let n = notification_for(&session, &gone, now).expect("a drop notifies");
    assert!(
        n.body.contains("&lt;b&gt;Search &amp; Co&lt;/b&gt;"),
        "{n:?}"
    );
    assert!(!n.body.contains('<'), "{n:?}");
    assert!(n.body.contains("no site search"), "{n:?}");

    add_account(
        &shell,
        "rivalowned.com",
        "Rival Owned",
        "someone.else@example.com",
    );
    let theirs = EngineEvent::CompetitorDropped {
        domain: domain("rivalowned.com"),
        vendor: "Coveo".into(),
        now: None,
    };
    assert_eq!(notification_for(&session, &theirs, now), None);

    let costco = domain("costco.com");
    let others = [
        EngineEvent::EnrichmentStarted {
            job: "j".into(),
            domains: 1,
        },
        EngineEvent::EnrichmentCompleted {
            job: "j".into(),
            status: JobStatus::Complete,
            done: 1,
            failed: 0,
            spent_micros: 0,
        },
        EngineEvent::DomainCompleted {
            job: "j".into(),
            domain: costco.clone(),
            status: JobStatus::Complete,
        },
        EngineEvent::TechChanged {
            domain: costco.clone(),
            summary: "Coveo removed".into(),
        },
        EngineEvent::BudgetThreshold {
            spent_micros: 90,
            limit_micros: 100,
            threshold: 0.8,
        },
        EngineEvent::BudgetExhausted {
            needed_micros: 10,
            left_micros: 0,
        },
        EngineEvent::CircuitOpened {
            source: SourceId::new("website").expect("id"),
            reason: "down".into(),
        },
        EngineEvent::CallMade {
            source: SourceId::new("website").expect("id"),
            endpoint: "homepage".into(),
            cost_micros: 0,
            status: "ok".into(),
        },
    ];
    for event in &others {
        assert_eq!(notification_for(&session, event, now), None, "{event:?}");
    }
}

#[test]
fn the_owner_check_ignores_how_the_configured_user_is_spelled() {
    // The engine reads `user` as a user id (trimmed, lower-cased) and owners are stored that
    // way: `AE@Example.com ` in config.toml is the same person as the owner `ae@example.com`.
    let spelled = format!(" {} ", USER.to_uppercase());
    let shell = Shell::new(&[("user".to_owned(), spelled)]);
    add_account(&shell, "mine.com", "Mine Inc", USER);
    let now = datetime!(2026-03-04 15:30 UTC);
    let mine = notification_for(&shell.session(), &hot("mine.com", &["x"]), now);
    assert!(
        mine.is_some_and(|n| n.title.contains("Mine Inc")),
        "the user's own account is theirs whatever the case"
    );
    add_account(
        &shell,
        "rivalowned.com",
        "Rival Owned",
        "someone.else@example.com",
    );
    assert_eq!(
        notification_for(&shell.session(), &hot("rivalowned.com", &["x"]), now),
        None
    );
}
