//! TLS: with a certificate configured the server speaks HTTPS (rustls), and a client that trusts
//! the certificate syncs over it.

use pf_server::testing::{TestBackend, TestServer, seed_org};
use pf_server::{ServeConfig, TlsFiles};

async fn the_server_speaks_https_when_given_a_certificate(backend: TestBackend) {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("certificate");
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).expect("write cert");
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).expect("write key");
    let store = backend.fresh().await.expect("store");
    let config = ServeConfig {
        tls: Some(TlsFiles {
            cert: cert_path,
            key: key_path,
        }),
        ..ServeConfig::default()
    };
    let server = TestServer::start_with(store, config).await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    let root = reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).expect("root");
    let http = reqwest::Client::builder()
        .tls_certs_only([root])
        .resolve("localhost", server.addr)
        .build()
        .expect("https client");
    let url = format!("https://localhost:{}/", server.addr.port());
    let client = pf_sync::SyncClient::with_http(http, &url, org.tokens["ae@a.test"].clone())
        .expect("client");
    let me = client.me().await.expect("me over https");
    assert_eq!(me.user.as_str(), "ae@a.test");
    let plain = reqwest::get(format!("http://{}/healthz", server.addr)).await;
    assert!(
        plain.is_err() || plain.is_ok_and(|r| !r.status().is_success()),
        "plain HTTP is not served"
    );
}

pf_server::on_both_backends!(the_server_speaks_https_when_given_a_certificate);
