//! Real-looking markup of each site-search vendor: what goes in the page `<head>`, what goes in
//! the search box area, and what goes in the site's own JavaScript bundle. Some sites load the
//! vendor from its CDN with an inline init; others only through their bundle (so a detector has
//! to read the scripts too).

use crate::data::{Rng, SearchVendor, first_label};

/// A vendor's footprint on a site.
#[derive(Debug, Default, Clone)]
pub struct VendorMarkup {
    pub head: String,
    pub searchbox: String,
    /// JavaScript appended to the site's same-site search bundle.
    pub bundle: String,
}

fn hex(r: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b"0123456789abcdef"[r.below(16) as usize]))
        .collect()
}

fn upper(r: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[r.below(36) as usize]))
        .collect()
}

/// The markup of `vendor` on `domain`.
pub fn markup(vendor: SearchVendor, domain: &str) -> VendorMarkup {
    let mut r = Rng::new(domain, "vendor-markup");
    let label = first_label(domain);
    let bundle_only = r.chance(0.35);
    let native_box = "<form class=\"site-search\" role=\"search\" action=\"search\"><input type=\"search\" name=\"q\" placeholder=\"Search\" autocomplete=\"off\"></form>".to_owned();
    match vendor {
        SearchVendor::Algolia => {
            let app = upper(&mut r, 10);
            let key = hex(&mut r, 32);
            let init = format!(
                "window.ALGOLIA_APP_ID = \"{app}\";\nconst searchClient = algoliasearch(\"{app}\", \"{key}\");\nconst search = instantsearch({{ indexName: \"prod_{label}_products\", searchClient, routing: true }});\nsearch.addWidgets([instantsearch.widgets.searchBox({{ container: \"#searchbox\" }}), instantsearch.widgets.hits({{ container: \"#hits\" }})]);\nsearch.start();\n"
            );
            let preconnect = format!("<link rel=\"preconnect\" href=\"https://{app}-dsn.algolia.net\" crossorigin>\n");
            let searchbox = "<div id=\"searchbox\" class=\"ais-SearchBox\"></div><div id=\"hits\"></div>".to_owned();
            if bundle_only {
                VendorMarkup {
                    head: preconnect,
                    searchbox,
                    bundle: format!("/*! algoliasearch-lite.umd.js | 4.24.0 | (c) Algolia, inc. | https://github.com/algolia/algoliasearch-client-javascript */\n!function(e,t){{e.algoliasearch=t()}}(this,function(){{return function(a,k){{return{{appId:a,hosts:[a+\"-dsn.algolia.net\"]}}}}}});\n{init}"),
                }
            } else {
                VendorMarkup {
                    head: format!("{preconnect}<script src=\"https://cdn.jsdelivr.net/npm/algoliasearch@4.24.0/dist/algoliasearch-lite.umd.js\"></script>\n<script src=\"https://cdn.jsdelivr.net/npm/instantsearch.js@4.74.0/dist/instantsearch.production.min.js\"></script>\n<script>\n{init}</script>\n"),
                    searchbox,
                    bundle: String::new(),
                }
            }
        }
        SearchVendor::Elasticsearch => {
            let cluster = hex(&mut r, 12);
            if bundle_only {
                VendorMarkup {
                    head: String::new(),
                    searchbox: "<div id=\"search-ui-root\" class=\"sui-layout\"></div>".to_owned(),
                    bundle: format!("/*! @elastic/search-ui v1.21.2 | Apache-2.0 */\n/*! @elastic/search-ui-elasticsearch-connector v1.21.2 */\nconst connector = new ElasticsearchAPIConnector({{ host: \"https://{label}-{cluster}.es.us-east-1.aws.found.io\", index: \"{label}-products\" }});\nconst config = {{ apiConnector: connector, searchQuery: {{ search_fields: {{ title: {{}} }} }} }};\nfunction query(body) {{ return fetch(\"https://{label}-{cluster}.es.us-east-1.aws.found.io/{label}-products/_search\", {{ method: \"POST\", body: JSON.stringify(body) }}); }}\n"),
                }
            } else {
                VendorMarkup {
                    head: format!("<script>\nwindow.siteSearch = {{\n  endpoint: \"/api/catalog/{label}-products/_search\",\n  query: function (q) {{\n    return fetch(this.endpoint, {{ method: \"POST\", headers: {{ \"Content-Type\": \"application/json\" }},\n      body: JSON.stringify({{ size: 24, query: {{ multi_match: {{ query: q, fields: [\"name^3\", \"brand\", \"description\"] }} }} }}) }});\n  }}\n}};\n</script>\n"),
                    searchbox: native_box,
                    bundle: String::new(),
                }
            }
        }
        SearchVendor::Swiftype => {
            let key = upper(&mut r, 20);
            VendorMarkup {
                head: format!("<script type=\"text/javascript\">\n(function(w,d,t,u,n,s,e){{w['SwiftypeObject']=n;w[n]=w[n]||function(){{(w[n].q=w[n].q||[]).push(arguments);}};s=d.createElement(t);e=d.getElementsByTagName(t)[0];s.async=1;s.src=u;e.parentNode.insertBefore(s,e);}})(window,document,'script','//s.swiftypecdn.com/install/v2/st.js','_st');\n_st('install','{key}','2.0.0');\n</script>\n"),
                searchbox: "<input type=\"text\" class=\"st-default-search-input\" placeholder=\"Search\">".to_owned(),
                bundle: String::new(),
            }
        }
        SearchVendor::Coveo => {
            let org = format!("{label}{}", hex(&mut r, 6));
            let token = format!("xx{}-{}-{}", hex(&mut r, 8), hex(&mut r, 4), hex(&mut r, 12));
            if bundle_only {
                VendorMarkup {
                    head: "<script type=\"module\" src=\"https://static.cloud.coveo.com/atomic/v2/atomic.esm.js\"></script>\n<link rel=\"stylesheet\" href=\"https://static.cloud.coveo.com/atomic/v2/themes/coveo.css\">\n".to_owned(),
                    searchbox: "<atomic-search-interface id=\"search\"><atomic-search-box></atomic-search-box></atomic-search-interface>".to_owned(),
                    bundle: format!("(async () => {{ await customElements.whenDefined(\"atomic-search-interface\"); const el = document.querySelector(\"#search\"); await el.initialize({{ organizationId: \"{org}\", accessToken: \"{token}\" }}); el.executeFirstSearch(); }})();\n"),
                }
            } else {
                VendorMarkup {
                    head: format!("<link rel=\"stylesheet\" href=\"https://static.cloud.coveo.com/searchui/v2.10116/css/CoveoFullSearch.css\">\n<script class=\"coveo-script\" src=\"https://static.cloud.coveo.com/searchui/v2.10116/js/CoveoJsSearch.Lazy.min.js\"></script>\n<script>\n/* coveo-search-ui */\ndocument.addEventListener(\"DOMContentLoaded\", function () {{\n  Coveo.SearchEndpoint.configureCloudV2Endpoint(\"{org}\", \"{token}\");\n  Coveo.initSearchbox(document.getElementById(\"searchbox\"), \"search\");\n}});\n</script>\n"),
                    searchbox: "<div id=\"searchbox\" class=\"CoveoSearchbox\" data-enable-omnibox=\"true\"></div>".to_owned(),
                    bundle: String::new(),
                }
            }
        }
        SearchVendor::Constructor => {
            let key = format!("key_{}", upper(&mut r, 16));
            VendorMarkup {
                head: format!("<script src=\"https://cnstrc.com/js/cust/{label}_{}.js\" async></script>\n", upper(&mut r, 6)),
                searchbox: "<div data-cnstrc-search-form><input data-cnstrc-search-input type=\"search\" name=\"q\"></div>".to_owned(),
                bundle: format!("import ConstructorioClient from \"@constructor-io/constructorio-client-javascript\";\nconst cio = new ConstructorioClient({{ apiKey: \"{key}\", serviceUrl: \"https://ac.cnstrc.com\" }});\nexport function autocomplete(q) {{ return cio.autocomplete.getAutocompleteResults(q); }}\n"),
            }
        }
        SearchVendor::Bloomreach => {
            let acct = r.range(6_000, 7_999);
            VendorMarkup {
                head: format!("<script>\nvar br_data = br_data || {{}};\nbr_data.acct_id = \"{acct}\";\nbr_data.ptype = \"homepage\";\nbr_data.domain_key = \"{label}\";\n(function () {{ var brtrk = document.createElement(\"script\"); brtrk.async = true; brtrk.src = \"//cdns.brsrvr.com/v1/br-trk-{acct}.js\"; document.head.appendChild(brtrk); }})();\n</script>\n"),
                searchbox: native_box,
                bundle: format!("const BR_SEARCH = \"https://core.dxpapi.com/api/v1/core/?account_id={acct}&domain_key={label}&request_type=search&search_type=keyword\";\nexport const search = (q) => fetch(BR_SEARCH + \"&q=\" + encodeURIComponent(q));\n"),
            }
        }
        SearchVendor::Lucidworks => VendorMarkup {
            head: format!("<script>\nwindow.fusionConfig = {{ app: \"{label}\", queryProfile: \"{label}-products\", endpoint: \"https://{label}.b.lucidworks.cloud/api/apps/{label}/query/{label}-products\" }};\n</script>\n"),
            searchbox: native_box,
            bundle: "/* Lucidworks Fusion query client */\nexport function fusionQuery(q) { const c = window.fusionConfig; return fetch(c.endpoint + \"?q=\" + encodeURIComponent(q)); }\n".to_owned(),
        },
        SearchVendor::Searchspring => {
            let site = hex(&mut r, 6);
            VendorMarkup {
                head: format!("<script src=\"https://snapui.searchspring.io/{site}/bundle.js\" id=\"searchspring-context\" defer>\n  shopper = {{ id: \"\" }};\n</script>\n"),
                searchbox: "<div class=\"ss__autocomplete\"></div><form action=\"search\"><input type=\"search\" name=\"q\" class=\"searchspring-ac\"></form>".to_owned(),
                bundle: String::new(),
            }
        }
        SearchVendor::Klevu => {
            let key = format!("klevu-{}", r.range(100_000_000_000, 999_999_999_999));
            VendorMarkup {
                head: format!("<script src=\"https://js.klevu.com/core/v2/klevu.js\"></script>\n<script>\nklevu.interactive(function () {{\n  var options = {{ url: {{ protocol: \"https:\", search: \"https://eucs29v2.ksearchnet.com/cs/v2/search\" }}, search: {{ minChars: 0, searchBoxSelector: \"input[name=q]\", apiKey: \"{key}\" }} }};\n  klevu(options);\n}});\nvar klevu_pageCategory = \"home\";\n</script>\n"),
                searchbox: native_box,
                bundle: String::new(),
            }
        }
        SearchVendor::Yext => VendorMarkup {
            head: format!("<link rel=\"preconnect\" href=\"https://liveapi-cached.yext.com\">\n<script src=\"https://assets.sitescdn.net/answers-search-bar/v1.5/answers.min.js\" defer></script>\n<script>\nfunction initAnswers() {{\n  ANSWERS.init({{ apiKey: \"{}\", experienceKey: \"{label}-search\", businessId: \"{}\", locale: \"en\",\n    onReady: function () {{ ANSWERS.addComponent(\"SearchBar\", {{ container: \".search-bar\", redirectUrl: \"search\" }}); }} }});\n}}\n</script>\n", hex(&mut r, 32), r.range(1_000_000, 3_999_999)),
            searchbox: "<div class=\"search-bar\"></div>".to_owned(),
            bundle: "const YEXT_SEARCH = \"https://cdn.yextapis.com/v2/accounts/me/search/vertical/query\";\n".to_owned(),
        },
        SearchVendor::Doofinder => VendorMarkup {
            head: format!("<script>\nconst dfLayerOptions = {{ installationId: \"{}-{}-{}-{}-{}\", zone: \"us1\" }};\n(function (l, a, y, e, r, s) {{ r = l.createElement(a); r.onload = e; r.async = 1; r.src = y; s = l.getElementsByTagName(a)[0]; s.parentNode.insertBefore(r, s); }})(document, \"script\", \"https://cdn.doofinder.com/livelayer/1/js/loader.min.js\", function () {{ doofinderLoader.load(dfLayerOptions); }});\n</script>\n", hex(&mut r, 8), hex(&mut r, 4), hex(&mut r, 4), hex(&mut r, 4), hex(&mut r, 12)),
            searchbox: native_box,
            bundle: String::new(),
        },
        SearchVendor::Typesense => {
            let node = format!("{}-1.a1.typesense.net", hex(&mut r, 10));
            VendorMarkup {
                head: "<script src=\"https://cdn.jsdelivr.net/npm/typesense@1.8.2/dist/typesense.min.js\"></script>\n".to_owned(),
                searchbox: native_box,
                bundle: format!("const client = new Typesense.Client({{ nodes: [{{ host: \"{node}\", port: 443, protocol: \"https\" }}], apiKey: \"{}\", connectionTimeoutSeconds: 2 }});\nexport const search = (q) => client.collections(\"products\").documents().search({{ q, query_by: \"name\" }});\n", hex(&mut r, 32)),
            }
        }
        SearchVendor::Meilisearch => VendorMarkup {
            head: "<script src=\"https://cdn.jsdelivr.net/npm/meilisearch@0.41.0/dist/bundles/meilisearch.umd.js\"></script>\n".to_owned(),
            searchbox: native_box,
            bundle: format!("const meili = new MeiliSearch({{ host: \"https://ms-{}-{}.nyc.meilisearch.io\", apiKey: \"{}\" }});\nexport const search = (q) => meili.index(\"products\").search(q);\n", hex(&mut r, 12), r.range(1000, 9999), hex(&mut r, 32)),
        },
    }
}
