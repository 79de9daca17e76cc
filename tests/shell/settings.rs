//! Settings: only the editable keys, validated before anything is written.

use partnerforge_desktop::commands::settings;
use pf_engine::Config;

use crate::support::{Shell, code};

fn config_file(shell: &Shell) -> Vec<u8> {
    std::fs::read(shell.dir.path().join(pf_engine::config::CONFIG_FILE)).expect("config.toml")
}

#[test]
fn settings_refuse_bad_values_without_touching_config_toml_and_save_good_ones() {
    let shell = Shell::new(&[]);
    let session = shell.session();

    let initial = settings::view(&session).expect("view");
    assert_eq!(initial.hot, 75, "the documented default");
    assert!(initial.notifications);
    assert_eq!(
        initial.sources.len(),
        pf_engine::sources::builtin().len(),
        "every builtin source is listed"
    );

    let saved = settings::set(&session, "scoring.hot", "80").expect("a good threshold");
    assert_eq!(saved.hot, 80);
    assert_eq!(settings::view(&session).expect("view").hot, 80);
    let on_disk = Config::load(shell.dir.path()).expect("reload");
    assert_eq!(on_disk.get("scoring.hot").as_deref(), Some("80"));
    assert_eq!(
        on_disk.get("user").as_deref(),
        Some(crate::support::USER),
        "the rest of the file is kept"
    );
    let before = config_file(&shell);

    let refused: &[(&str, &str, &str)] = &[
        ("user", "mallory@example.com", "desktop.not_editable"),
        ("gateway.timeout_secs", "1", "desktop.not_editable"),
        (
            "sources.builtwith.api_key",
            "secret",
            "desktop.not_editable",
        ),
        ("sources.builtwith.enabled", "true", "desktop.not_editable"),
        (
            "sources..base_url",
            "http://127.0.0.1/",
            "desktop.not_editable",
        ),
        ("nonsense", "1", "desktop.not_editable"),
        ("", "", "desktop.not_editable"),
        ("sources.website.base_url", "not a url", "engine.config"),
        (
            "sources.website.base_url",
            "ftp://example.com/",
            "engine.config",
        ),
        ("sources.website.base_url", "", "engine.config"),
        ("notifications.enabled", "yes", "engine.config"),
        ("notifications.enabled", "1", "engine.config"),
        ("notifications.enabled", "", "engine.config"),
        ("scoring.hot", "-5", "engine.config"),
        ("scoring.hot", "garbage", "engine.config"),
        ("scoring.warm", "12.5", "engine.config"),
        ("scoring.cool", "", "engine.config"),
        ("budget.monthly_limit_usd", "lots", "engine.config"),
    ];
    for (key, value, expected) in refused {
        assert_eq!(
            code(settings::set(&session, key, value)),
            *expected,
            "{key} = {value:?}"
        );
        assert_eq!(
            config_file(&shell),
            before,
            "config.toml changed after refusing {key} = {value:?}"
        );
    }
    let after = settings::view(&session).expect("view after refusals");
    assert_eq!(after.hot, 80);
    assert_eq!((after.warm, after.cool), (initial.warm, initial.cool));
    assert!(after.notifications);
    assert!(session.engine().is_ok(), "the engine survived the refusals");

    // Good values of the other kinds are saved too.
    let view = settings::set(&session, "notifications.enabled", " false ").expect("bool");
    assert!(!view.notifications);
    let url = "http://127.0.0.1:9/website";
    let view = settings::set(&session, "sources.website.base_url", url).expect("url");
    let website = view
        .sources
        .iter()
        .find(|s| s.id == "website")
        .expect("website listed");
    assert_eq!(website.base_url, url);
    let on_disk = Config::load(shell.dir.path()).expect("reload");
    assert_eq!(
        on_disk.get("notifications.enabled").as_deref(),
        Some("false")
    );
    assert_eq!(
        on_disk.get("sources.website.base_url").as_deref(),
        Some(url)
    );
    assert_eq!(on_disk.get("scoring.hot").as_deref(), Some("80"));
}
