//! Reaching PostgreSQL: parsing `DATABASE_URL` and describing where it points without its
//! password (for logs and errors), and a throwaway database for one test or bench run:
//! `CREATE DATABASE pf_test_<random>` on the server an admin URL points to, and
//! `DROP DATABASE ... WITH (FORCE)` when it goes, so tests can run in parallel on one PostgreSQL
//! server without seeing each other's rows or locks.

use std::time::Duration;
use tokio_postgres::config::Host;
use tokio_postgres::{Config, NoTls};

use crate::ServerError;
use crate::store::Result;

/// Parses a `postgres://` URL. The error never repeats the URL (it may hold a password).
pub fn parse_url(url: &str) -> Result<tokio_postgres::Config> {
    url.parse().map_err(|e| {
        ServerError::Invalid(format!("DATABASE_URL is not a valid PostgreSQL URL ({e})"))
    })
}

/// `user@host:port/database` of a configuration: where it points, never its password.
pub fn describe(config: &tokio_postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    format!(
        "{}@{}:{}/{}",
        config.get_user().unwrap_or("(default user)"),
        if hosts.is_empty() {
            "localhost".to_owned()
        } else {
            hosts.join(",")
        },
        if ports.is_empty() {
            "5432".to_owned()
        } else {
            ports.join(",")
        },
        config
            .get_dbname()
            .or(config.get_user())
            .unwrap_or("(default database)")
    )
}

/// The innermost cause of an error (a pool's error wraps the driver's, which wraps the OS's).
pub(super) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut inner = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    inner.to_string()
}

/// A database that is dropped when this is.
pub(super) struct TempDatabase {
    admin: Config,
    name: String,
}

async fn connect(config: &Config) -> Result<tokio_postgres::Client> {
    let (client, connection) = config.connect(NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "temporary database admin connection ended");
        }
    });
    Ok(client)
}

impl TempDatabase {
    /// Creates a new empty database through `admin` (its role needs `CREATEDB`); returns it and
    /// the configuration that connects to it.
    pub async fn create(mut admin: Config) -> Result<(Self, Config)> {
        if admin.get_connect_timeout().is_none() {
            admin.connect_timeout(Duration::from_secs(10));
        }
        let name = format!("pf_test_{:016x}", rand::random::<u64>());
        connect(&admin)
            .await
            .map_err(|e| {
                ServerError::Internal(format!(
                    "connecting to PostgreSQL at {} to create a test database: {e}",
                    describe(&admin)
                ))
            })?
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await?;
        let mut config = admin.clone();
        config.dbname(&name);
        Ok((Self { admin, name }, config))
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        // Drop may run inside an async runtime that cannot block: do the work on a thread of its
        // own, with a runtime of its own, and wait for it.
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let dropper = std::thread::spawn(move || -> Result<()> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                connect(&admin)
                    .await?
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await?;
                Ok(())
            })
        });
        match dropper.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop the test database {}: {e}", self.name),
            Err(_) => eprintln!("dropping the test database {} panicked", self.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_described_without_its_password() {
        let config = parse_url("postgres://pf:s3cret@db.internal:6543/partnerforge")
            .unwrap_or_else(|e| panic!("{e}"));
        let d = describe(&config);
        assert_eq!(d, "pf@db.internal:6543/partnerforge");
        assert!(!d.contains("s3cret"));
        let bad = parse_url("postgres://pf:s3cret@db/x?port=notaport")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            bad.contains("not a valid") && !bad.contains("s3cret"),
            "{bad}"
        );
    }
}
