//! A site's homepage and its same-site assets: the search vendor's markup, the e-commerce
//! platform, CMS generator tags, tag manager, analytics, plus the response headers and cookies
//! each of those leaves. Script and style references are relative (`static/js/app.js`), so they
//! resolve under `/website/{domain}/` as they would under `https://{domain}/`.

use crate::data::{Analytics, Cdn, Cms, Platform, Profile, Rng, TagManager, first_label};

use super::vendors;

/// One same-site file.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Path relative to the site root, without a leading slash.
    pub path: String,
    pub content_type: &'static str,
    pub body: String,
}

/// A rendered homepage.
#[derive(Debug, Clone)]
pub struct Page {
    pub html: String,
    pub assets: Vec<Asset>,
    pub headers: Vec<(&'static str, String)>,
    pub cookies: Vec<String>,
}

fn hex(r: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b"0123456789abcdef"[r.below(16) as usize]))
        .collect()
}

fn upper(r: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[r.below(32) as usize]))
        .collect()
}

fn js(path: String, body: String) -> Asset {
    Asset {
        path,
        content_type: "application/javascript; charset=utf-8",
        body,
    }
}

/// The homepage of a profile as served for `host`.
pub fn page(p: &Profile, host: &str, year: i32) -> Page {
    let mut r = Rng::new(&p.domain, "page");
    let label = first_label(&p.domain);
    let build = hex(&mut r, 8);
    let mut head = String::new();
    let mut scripts = String::new();
    let mut headers: Vec<(&'static str, String)> = Vec::new();
    let mut cookies: Vec<String> = Vec::new();
    let mut assets: Vec<Asset> = Vec::new();
    let mut app_js = format!(
        "/* {} storefront build {build} */\n(function(){{ document.documentElement.classList.add(\"js\"); }})();\n",
        p.company
    );

    match p.cms {
        Some(Cms::WordPress) => {
            head.push_str("<meta name=\"generator\" content=\"WordPress 6.5.2\">\n");
            scripts.push_str(
                "<script src=\"wp-includes/js/jquery/jquery.min.js?ver=3.7.1\"></script>\n",
            );
            assets.push(js("wp-includes/js/jquery/jquery.min.js".into(), "/*! jQuery v3.7.1 | (c) OpenJS Foundation and other contributors | jquery.org/license */\n".into()));
            headers.push((
                "link",
                format!("<https://{host}/wp-json/>; rel=\"https://api.w.org/\""),
            ));
            headers.push(("x-powered-by", "PHP/8.2.18".into()));
        }
        Some(Cms::Drupal) => {
            head.push_str(
                "<meta name=\"Generator\" content=\"Drupal 10 (https://www.drupal.org)\">\n",
            );
            scripts.push_str(&format!("<script type=\"application/json\" data-drupal-selector=\"drupal-settings-json\">{{\"path\":{{\"baseUrl\":\"/\"}},\"ajaxPageState\":{{\"theme\":\"{label}_theme\"}}}}</script>\n"));
            headers.push(("x-generator", "Drupal 10 (https://www.drupal.org)".into()));
            headers.push(("x-drupal-cache", "HIT".into()));
        }
        Some(Cms::AdobeExperienceManager) => {
            let path =
                format!("etc.clientlibs/{label}/clientlibs/clientlib-site.lc-{build}-lc.min.js");
            scripts.push_str(&format!("<script src=\"{path}\"></script>\n"));
            assets.push(js(
                path,
                "/* AEM clientlib-site */\nwindow.Granite = window.Granite || {};\n".into(),
            ));
            headers.push(("x-dispatcher", "dispatcher1useast1".into()));
            headers.push(("x-vhost", "publish".into()));
        }
        None => {}
    }

    match p.platform {
        Some(Platform::Shopify) => {
            let shop = r.range(100_000, 999_999);
            scripts.push_str(&format!("<script>window.Shopify = window.Shopify || {{}}; Shopify.shop = \"{label}.myshopify.com\"; Shopify.locale = \"en\"; Shopify.currency = {{\"active\":\"USD\",\"rate\":\"1.0\"}}; Shopify.theme = {{\"name\":\"Dawn\",\"id\":{shop}21,\"theme_store_id\":887,\"role\":\"main\"}};</script>\n<script src=\"https://cdn.shopify.com/s/files/1/0{shop}/t/12/assets/global.js?v=1712345678\" defer></script>\n<link rel=\"stylesheet\" href=\"https://cdn.shopify.com/s/files/1/0{shop}/t/12/assets/base.css?v=1712345678\">\n"));
            headers.push(("x-shopify-stage", "production".into()));
            headers.push(("x-sorting-hat-podid", r.range(100, 400).to_string()));
            headers.push(("powered-by", "Shopify".into()));
            cookies.push(format!(
                "_shopify_y={}; Path=/; Max-Age=31536000; SameSite=Lax",
                hex(&mut r, 16)
            ));
            cookies.push("localization=US; Path=/; Max-Age=31536000".into());
        }
        Some(Platform::Magento) => {
            let v = r.range(1_690_000_000, 1_719_999_999);
            let path =
                format!("static/version{v}/frontend/Magento/luma/en_US/requirejs/require.js");
            scripts.push_str(&format!("<script>var BASE_URL = 'https://{host}/'; var require = {{ \"baseUrl\": \"https://{host}/static/version{v}/frontend/Magento/luma/en_US\" }};</script>\n<script src=\"{path}\"></script>\n<script type=\"text/x-magento-init\">{{\"*\": {{\"mage/cookies\": {{\"expires\": null, \"path\": \"/\", \"domain\": \".{host}\", \"secure\": true}}, \"Magento_Theme/js/responsive\": {{}}}}}}</script>\n"));
            assets.push(js(path, "/* RequireJS for Magento_Theme */\nvar requirejs, require, define;\nrequire.config({ map: { \"*\": { \"mage/cookies\": \"mage/cookies\" } } });\n".into()));
            headers.push(("x-powered-by", "PHP/8.2.12".into()));
            headers.push(("x-magento-cache-debug", "HIT".into()));
            cookies.push(format!("PHPSESSID={}; Path=/; HttpOnly", hex(&mut r, 26)));
            cookies.push("mage-cache-sessid=true; Path=/".into());
        }
        Some(Platform::SalesforceCommerceCloud) => {
            let site = format!("Sites-{}-Site", label.replace('-', ""));
            let path = format!(
                "on/demandware.static/{site}/-/en_US/v{}/js/main.js",
                r.range(1_700_000_000, 1_719_999_999)
            );
            scripts.push_str(&format!("<script src=\"{path}\" defer></script>\n<link rel=\"preconnect\" href=\"https://{host}/on/demandware.store/{site}/en_US\">\n"));
            assets.push(js(path, "/* SFRA main.js */\nwindow.sfra = { urls: { cart: \"/on/demandware.store/Sites-Site/en_US/Cart-Show\" } };\n".into()));
            headers.push(("x-dw-request-base-id", hex(&mut r, 20)));
            cookies.push(format!("dwsid={}; Path=/; HttpOnly", upper(&mut r, 40)));
            cookies.push(format!(
                "dwanonymous_{}={}; Path=/; Max-Age=15552000",
                hex(&mut r, 32),
                upper(&mut r, 24)
            ));
        }
        Some(Platform::BigCommerce) => {
            let store = hex(&mut r, 10);
            scripts.push_str(&format!("<script>var BCData = {{\"csrf_token\":\"{}\",\"product_attributes\":{{}}}};</script>\n<script src=\"https://cdn11.bigcommerce.com/s-{store}/stencil/{}/dist/theme-bundle.main.js\" defer></script>\n", hex(&mut r, 32), hex(&mut r, 8)));
            headers.push(("x-bc-storefront-request-id", hex(&mut r, 16)));
            cookies.push(format!(
                "SHOP_SESSION_TOKEN={}; Path=/; HttpOnly; SameSite=Lax",
                hex(&mut r, 26)
            ));
            cookies.push(format!(
                "fornax_anonymousId={}-{}; Path=/",
                hex(&mut r, 8),
                hex(&mut r, 12)
            ));
        }
        Some(Platform::WooCommerce) => {
            head.push_str("<meta name=\"generator\" content=\"WooCommerce 8.9.1\">\n");
            let path = "wp-content/plugins/woocommerce/assets/js/frontend/cart-fragments.min.js"
                .to_owned();
            scripts.push_str(&format!("<script>var wc_add_to_cart_params = {{\"ajax_url\":\"\\/wp-admin\\/admin-ajax.php\",\"wc_ajax_url\":\"\\/?wc-ajax=%%endpoint%%\"}};</script>\n<script src=\"{path}?ver=8.9.1\" defer></script>\n<link rel=\"stylesheet\" href=\"wp-content/plugins/woocommerce/assets/css/woocommerce.css?ver=8.9.1\">\n"));
            assets.push(js(path, "/* WooCommerce cart fragments */\njQuery(function($){ if (typeof wc_cart_fragments_params === \"undefined\") { return false; } });\n".into()));
            cookies.push("woocommerce_recently_viewed=; Path=/".into());
        }
        None => {}
    }

    match p.tag_manager {
        Some(TagManager::GoogleTagManager) => {
            let id = format!("GTM-{}", upper(&mut r, 7));
            head.push_str(&format!("<script>window.dataLayer = window.dataLayer || []; window.dataLayer.push({{'gtm.start': new Date().getTime(), event: 'gtm.js'}});</script>\n<script async src=\"https://www.googletagmanager.com/gtm.js?id={id}\"></script>\n"));
            scripts.push_str(&format!("<noscript><iframe src=\"https://www.googletagmanager.com/ns.html?id={id}\" height=\"0\" width=\"0\" style=\"display:none;visibility:hidden\"></iframe></noscript>\n"));
        }
        Some(TagManager::AdobeLaunch) => {
            head.push_str(&format!("<script src=\"https://assets.adobedtm.com/{}/{}/launch-{}.min.js\" async></script>\n", hex(&mut r, 12), hex(&mut r, 12), hex(&mut r, 12)));
        }
        Some(TagManager::Tealium) => {
            head.push_str(&format!("<script>var utag_data = {{ page_type: \"home\", site_section: \"{label}\" }};</script>\n<script src=\"https://tags.tiqcdn.com/utag/{label}/main/prod/utag.js\" async></script>\n"));
        }
        None => {}
    }
    for a in &p.analytics {
        match a {
            Analytics::GoogleAnalytics4 => {
                let id = format!("G-{}", upper(&mut r, 10));
                head.push_str(&format!("<script async src=\"https://www.googletagmanager.com/gtag/js?id={id}\"></script>\n<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}} gtag('js', new Date()); gtag('config', '{id}');</script>\n"));
            }
            Analytics::AdobeAnalytics if p.tag_manager != Some(TagManager::AdobeLaunch) => {
                head.push_str(&format!("<script src=\"https://assets.adobedtm.com/extensions/EP{}/AppMeasurement.min.js\" async></script>\n", hex(&mut r, 32)));
            }
            Analytics::AdobeAnalytics => {
                app_js.push_str("window.s = window.s || {}; s.pageName = \"home\"; /* AppMeasurement via Launch */\n");
            }
            Analytics::Hotjar => {
                head.push_str(&format!("<script>(function(h,o,t,j,a,r){{h.hj=h.hj||function(){{(h.hj.q=h.hj.q||[]).push(arguments)}};h._hjSettings={{hjid:{},hjsv:6}};a=o.getElementsByTagName('head')[0];r=o.createElement('script');r.async=1;r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;a.appendChild(r);}})(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');</script>\n", r.range(1_000_000, 4_999_999)));
            }
        }
    }

    let vendor = p
        .search
        .map(|v| vendors::markup(v, &p.domain))
        .unwrap_or_default();
    head.push_str(&vendor.head);
    let searchbox = if p.search.is_some() {
        vendor.searchbox.clone()
    } else {
        "<form class=\"site-search\" role=\"search\" action=\"search\"><input type=\"search\" name=\"q\" placeholder=\"Search\"></form>".to_owned()
    };
    let app_path = format!("static/js/app.{build}.js");
    scripts.push_str(&format!("<script src=\"{app_path}\" defer></script>\n"));
    if !vendor.bundle.is_empty() {
        let path = format!("static/js/search.{}.js", hex(&mut r, 8));
        scripts.push_str(&format!("<script src=\"{path}\" defer></script>\n"));
        assets.push(js(path, vendor.bundle.clone()));
    }
    assets.push(js(app_path, app_js));
    let css = format!("static/css/site.{build}.css");
    assets.push(Asset {
        path: css.clone(),
        content_type: "text/css; charset=utf-8",
        body:
            "body{margin:0;font-family:system-ui,sans-serif}.site-header{display:flex;gap:1rem}\n"
                .into(),
    });
    assets.push(Asset {
        path: "robots.txt".into(),
        content_type: "text/plain; charset=utf-8",
        body: format!("User-agent: *\nDisallow: /checkout\nSitemap: https://{host}/sitemap.xml\n"),
    });

    match p.cdn {
        Cdn::Cloudflare => {
            headers.push(("server", "cloudflare".into()));
            headers.push(("cf-ray", format!("{}-IAD", hex(&mut r, 16))));
            headers.push(("cf-cache-status", "DYNAMIC".into()));
            cookies.push(format!(
                "__cf_bm={}; Path=/; HttpOnly; Secure; SameSite=None",
                upper(&mut r, 43)
            ));
        }
        Cdn::Akamai => {
            headers.push(("server", "AkamaiGHost".into()));
            headers.push((
                "akamai-grn",
                format!(
                    "0.{}.{}",
                    hex(&mut r, 8),
                    r.range(1_700_000_000, 1_799_999_999)
                ),
            ));
            headers.push(("server-timing", "cdn-cache; desc=HIT, edge; dur=1".into()));
            cookies.push(format!(
                "ak_bmsc={}~000000000000000000000000000000; Path=/; HttpOnly",
                upper(&mut r, 32)
            ));
        }
        Cdn::Fastly => {
            headers.push(("via", "1.1 varnish".into()));
            headers.push((
                "x-served-by",
                format!("cache-iad-kiad{}-IAD", r.range(7_000_000, 7_999_999)),
            ));
            headers.push(("x-fastly-request-id", hex(&mut r, 40)));
        }
        Cdn::Nginx => headers.push(("server", "nginx/1.24.0".into())),
    }

    let title = format!("{} | Official Site", p.company);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<meta name=\"description\" content=\"Shop {company} online.\">\n<meta property=\"og:site_name\" content=\"{company}\">\n<meta property=\"og:url\" content=\"https://{host}/\">\n<link rel=\"canonical\" href=\"https://{host}/\">\n<link rel=\"stylesheet\" href=\"{css}\">\n{head}</head>\n<body class=\"home\">\n<header class=\"site-header\">\n<a class=\"logo\" href=\"./\">{company}</a>\n<nav><a href=\"new\">New</a> <a href=\"deals\">Deals</a> <a href=\"stores\">Stores</a></nav>\n{searchbox}\n</header>\n<main>\n<h1>Welcome to {company}</h1>\n<section class=\"product-grid\">\n{products}</section>\n</main>\n<footer><p>&copy; {year} {company}. All rights reserved.</p><a href=\"careers\">Careers</a> <a href=\"investors\">Investor Relations</a></footer>\n{scripts}</body>\n</html>\n",
        company = p.company,
        products = (1..=6)
            .map(|i| format!(
                "<article class=\"product\"><a href=\"p/{label}-item-{i}\">Item {i}</a></article>\n"
            ))
            .collect::<String>(),
    );
    Page {
        html,
        assets,
        headers,
        cookies,
    }
}
