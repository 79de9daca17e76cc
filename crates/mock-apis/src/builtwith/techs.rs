//! The technologies BuiltWith reports for a profile, grouped in `Paths`, with first/last
//! detection dates in epoch milliseconds.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::MockConfig;
use crate::data::{
    Analytics, Cdn, Cms, Platform, Profile, Rng, SearchVendor, TagManager, days_ago_ms,
};
use crate::respond::flag;

/// One catalog entry: name, tag, categories, description, link, premium.
struct Tech {
    name: &'static str,
    parent: Option<&'static str>,
    tag: &'static str,
    categories: &'static [&'static str],
    description: &'static str,
    link: &'static str,
}

const fn t(
    name: &'static str,
    tag: &'static str,
    categories: &'static [&'static str],
    link: &'static str,
) -> Tech {
    Tech {
        name,
        parent: None,
        tag,
        categories,
        description: "",
        link,
    }
}

fn vendor_tech(v: SearchVendor) -> Tech {
    let link = match v {
        SearchVendor::Algolia => "https://www.algolia.com",
        SearchVendor::Elasticsearch => "https://www.elastic.co",
        SearchVendor::Swiftype => "https://swiftype.com",
        SearchVendor::Coveo => "https://www.coveo.com",
        SearchVendor::Constructor => "https://constructor.com",
        SearchVendor::Bloomreach => "https://www.bloomreach.com",
        SearchVendor::Lucidworks => "https://lucidworks.com",
        SearchVendor::Searchspring => "https://searchspring.com",
        SearchVendor::Klevu => "https://www.klevu.com",
        SearchVendor::Yext => "https://www.yext.com",
        SearchVendor::Doofinder => "https://www.doofinder.com",
        SearchVendor::Typesense => "https://typesense.org",
        SearchVendor::Meilisearch => "https://www.meilisearch.com",
    };
    Tech {
        description: "Site search and discovery.",
        ..t(v.name(), "widgets", &["Site Search"], link)
    }
}

fn platform_tech(p: Platform) -> Tech {
    match p {
        Platform::Shopify => t(
            "Shopify",
            "shop",
            &["Hosted Solution"],
            "https://www.shopify.com",
        ),
        Platform::Magento => t(
            "Magento",
            "shop",
            &["Open Source"],
            "https://business.adobe.com/products/magento",
        ),
        Platform::SalesforceCommerceCloud => t(
            "Salesforce Commerce Cloud",
            "shop",
            &["Enterprise"],
            "https://www.salesforce.com/commerce",
        ),
        Platform::BigCommerce => t(
            "BigCommerce",
            "shop",
            &["Hosted Solution"],
            "https://www.bigcommerce.com",
        ),
        Platform::WooCommerce => t(
            "WooCommerce",
            "shop",
            &["WordPress Plugins"],
            "https://woocommerce.com",
        ),
    }
}

fn cms_tech(c: Cms) -> Tech {
    match c {
        Cms::WordPress => t(
            "WordPress",
            "cms",
            &["Blog", "Open Source"],
            "https://wordpress.org",
        ),
        Cms::Drupal => t("Drupal", "cms", &["Open Source"], "https://www.drupal.org"),
        Cms::AdobeExperienceManager => t(
            "Adobe Experience Manager",
            "cms",
            &["Enterprise"],
            "https://business.adobe.com/products/experience-manager",
        ),
    }
}

fn tag_manager_tech(m: TagManager) -> Tech {
    match m {
        TagManager::GoogleTagManager => t(
            "Google Tag Manager",
            "widgets",
            &["Tag Management"],
            "https://tagmanager.google.com",
        ),
        TagManager::AdobeLaunch => t(
            "Adobe Experience Platform Launch",
            "widgets",
            &["Tag Management"],
            "https://business.adobe.com",
        ),
        TagManager::Tealium => t(
            "Tealium",
            "widgets",
            &["Tag Management"],
            "https://tealium.com",
        ),
    }
}

fn analytics_tech(a: Analytics) -> Tech {
    match a {
        Analytics::GoogleAnalytics4 => t(
            "Google Analytics 4",
            "analytics",
            &["Audience Measurement"],
            "https://marketingplatform.google.com",
        ),
        Analytics::AdobeAnalytics => t(
            "Adobe Analytics",
            "analytics",
            &["Audience Measurement"],
            "https://business.adobe.com/products/analytics",
        ),
        Analytics::Hotjar => t(
            "Hotjar",
            "analytics",
            &["Visitor Count Tracking"],
            "https://www.hotjar.com",
        ),
    }
}

fn cdn_tech(c: Cdn) -> Tech {
    match c {
        Cdn::Cloudflare => t("Cloudflare", "cdns", &["CDN"], "https://www.cloudflare.com"),
        Cdn::Akamai => t("Akamai", "cdns", &["CDN"], "https://www.akamai.com"),
        Cdn::Fastly => t("Fastly", "cdns", &["CDN"], "https://www.fastly.com"),
        Cdn::Nginx => t("Nginx", "Web Server", &[], "https://nginx.org"),
    }
}

const COMMON: [Tech; 7] = [
    t(
        "Google Font API",
        "widgets",
        &["Fonts"],
        "https://fonts.google.com",
    ),
    t(
        "Facebook Pixel",
        "analytics",
        &["Conversion Optimization"],
        "https://www.facebook.com/business",
    ),
    t(
        "reCAPTCHA",
        "widgets",
        &["Captcha"],
        "https://www.google.com/recaptcha",
    ),
    t(
        "New Relic",
        "analytics",
        &["Application Performance"],
        "https://newrelic.com",
    ),
    t(
        "Optimizely",
        "analytics",
        &["A/B Testing"],
        "https://www.optimizely.com",
    ),
    t(
        "Klaviyo",
        "mx",
        &["Marketing Automation"],
        "https://www.klaviyo.com",
    ),
    t(
        "Apple Pay",
        "payment",
        &["Payments Processor"],
        "https://www.apple.com/apple-pay",
    ),
];
const ALWAYS: [Tech; 6] = [
    t(
        "jQuery",
        "javascript",
        &["JavaScript Library"],
        "https://jquery.com",
    ),
    Tech {
        parent: Some("jQuery"),
        ..t("jQuery 3.6.0", "javascript", &[], "https://jquery.com")
    },
    t("SSL by Default", "ssl", &[], "https://builtwith.com"),
    t("HTML5 DocType", "docinfo", &[], "https://builtwith.com"),
    t(
        "Viewport Meta",
        "docinfo",
        &["Mobile Optimization"],
        "https://builtwith.com",
    ),
    t("Open Graph Protocol", "docinfo", &[], "https://ogp.me"),
];

fn entry(
    tech: &Tech,
    first: i64,
    last: i64,
    q: &HashMap<String, String>,
    config: &MockConfig,
) -> Value {
    let mut v = json!({
        "Name": tech.name,
        "Tag": tech.tag,
        "IsPremium": if tech.categories.contains(&"Enterprise") { "yes" } else { "no" },
        "FirstDetected": days_ago_ms(config.as_of, first),
        "LastDetected": days_ago_ms(config.as_of, last),
    });
    if let Some(obj) = v.as_object_mut() {
        obj.insert(
            "Categories".into(),
            if tech.categories.is_empty() {
                Value::Null
            } else {
                json!(tech.categories)
            },
        );
        if let Some(p) = tech.parent {
            obj.insert("Parent".into(), json!(p));
        }
        if !flag(q, "HIDETEXT") && !flag(q, "HIDEDL") {
            obj.insert("Description".into(), json!(tech.description));
            obj.insert("Link".into(), json!(tech.link));
        }
    }
    v
}

/// The `Paths` of a profile: the root domain with every technology, sometimes a `www` path
/// repeating a few (readers must dedupe by name).
pub fn paths(config: &MockConfig, q: &HashMap<String, String>, p: &Profile) -> Vec<Value> {
    let mut r = Rng::new(&p.domain, "techs");
    let live_only = flag(q, "LIVEONLY");
    let mut techs: Vec<(Tech, i64, i64)> = Vec::new();
    let mut live = |tech: Tech, first: Option<i64>, r: &mut Rng| {
        let first = first.unwrap_or_else(|| r.range(120, 3000) as i64);
        techs.push((tech, first, r.range(0, 14) as i64));
    };
    if let Some(v) = p.search {
        // A replacement shows up shortly before its predecessor's last sighting.
        let replaced = p
            .search_history
            .iter()
            .filter(|h| h.last_days_ago > 30)
            .map(|h| h.last_days_ago)
            .min();
        let first = replaced.map(|last| last + r.range(5, 30) as i64);
        live(vendor_tech(v), first, &mut r);
    }
    if let Some(pl) = p.platform {
        live(platform_tech(pl), None, &mut r);
    }
    if let Some(c) = p.cms {
        live(cms_tech(c), None, &mut r);
    }
    if let Some(m) = p.tag_manager {
        live(tag_manager_tech(m), None, &mut r);
    }
    for a in &p.analytics {
        live(analytics_tech(*a), None, &mut r);
    }
    live(cdn_tech(p.cdn), None, &mut r);
    for tech in COMMON {
        if r.chance(0.45) {
            live(tech, None, &mut r);
        }
    }
    for tech in ALWAYS {
        live(tech, None, &mut r);
    }
    for h in &p.search_history {
        techs.push((vendor_tech(h.vendor), h.first_days_ago, h.last_days_ago));
    }
    if live_only {
        techs.retain(|(_, _, last)| *last <= 30);
    }
    let root: Vec<Value> = techs
        .iter()
        .map(|(tech, f, l)| entry(tech, *f, *l, q, config))
        .collect();
    let mut out = vec![json!({
        "FirstIndexed": days_ago_ms(config.as_of, r.range(2000, 4000) as i64),
        "LastIndexed": days_ago_ms(config.as_of, r.range(0, 5) as i64),
        "Domain": p.domain, "Url": "", "SubDomain": "", "Technologies": root,
    })];
    if r.chance(0.4) {
        let some: Vec<Value> = techs
            .iter()
            .take(3)
            .map(|(tech, f, l)| entry(tech, *f, *l, q, config))
            .collect();
        out.push(json!({
            "FirstIndexed": days_ago_ms(config.as_of, r.range(800, 2000) as i64),
            "LastIndexed": days_ago_ms(config.as_of, r.range(0, 10) as i64),
            "Domain": p.domain, "Url": "", "SubDomain": "www", "Technologies": some,
        }));
    }
    out
}
