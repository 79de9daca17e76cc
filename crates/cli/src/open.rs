//! Opening the store from the command line: flag/env/OS data dir, and a passphrase prompt on a
//! terminal when neither the keyring nor `PARTNERFORGE_PASSPHRASE` can supply the key.

use anyhow::Result;
use pf_store::{KeySource, OpenOptions, Store, StoreError};
use std::io::IsTerminal;
use std::path::Path;
use zeroize::Zeroizing;

pub fn open_store(flag: Option<&Path>) -> Result<Store> {
    let dir = pf_store::resolve_data_dir(flag)?;
    match Store::open(&OpenOptions::new(&dir)) {
        Err(StoreError::NeedPassphrase { path })
            if std::io::stdin().is_terminal() || std::io::stderr().is_terminal() =>
        {
            let creating = !path.exists();
            let prompt = if creating {
                format!(
                    "No OS keyring is available. Choose a passphrase for {}: ",
                    path.display()
                )
            } else {
                format!("Passphrase for {}: ", path.display())
            };
            let pass = Zeroizing::new(rpassword::prompt_password(prompt)?);
            if creating {
                let again = Zeroizing::new(rpassword::prompt_password("Repeat the passphrase: ")?);
                if *again != *pass {
                    anyhow::bail!("the passphrases do not match; nothing was created");
                }
            }
            Ok(Store::open(
                &OpenOptions::new(&dir).key(KeySource::Passphrase(pass.to_string())),
            )?)
        }
        other => Ok(other?),
    }
}
