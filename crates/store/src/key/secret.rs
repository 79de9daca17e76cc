//! Secrets in the OS keyring. On Linux the Secret Service is used where a session bus offers
//! one, else the kernel keyring (keyutils); elsewhere the platform's default store.

use zeroize::Zeroizing;

use crate::StoreError;
use crate::key::KEYRING_SERVICE;

fn unavailable(e: &keyring::Error) -> StoreError {
    // keyring's messages name the store and what failed, never the secret.
    StoreError::KeyringUnavailable {
        reason: e.to_string(),
    }
}

/// The candidate stores for one account name, in order of preference.
fn entries(user: &str) -> Vec<keyring::Entry> {
    let mut out = Vec::new();
    #[cfg(target_os = "linux")]
    {
        if let Ok(c) =
            keyring::secret_service::SsCredential::new_with_target(None, KEYRING_SERVICE, user)
        {
            out.push(keyring::Entry::new_with_credential(Box::new(c)));
        }
        if let Ok(c) =
            keyring::keyutils::KeyutilsCredential::new_with_target(None, KEYRING_SERVICE, user)
        {
            out.push(keyring::Entry::new_with_credential(Box::new(c)));
        }
    }
    #[cfg(not(target_os = "linux"))]
    if let Ok(e) = keyring::Entry::new(KEYRING_SERVICE, user) {
        out.push(e);
    }
    out
}

/// Reads a secret. `Ok(None)` when a store works but holds no such entry.
pub(crate) fn get(user: &str) -> Result<Option<Zeroizing<String>>, StoreError> {
    let mut last_failure = None;
    let mut any_store_worked = false;
    for entry in entries(user) {
        match entry.get_password() {
            Ok(p) => return Ok(Some(Zeroizing::new(p))),
            Err(keyring::Error::NoEntry) => any_store_worked = true,
            Err(e) => last_failure = Some(unavailable(&e)),
        }
    }
    match (any_store_worked, last_failure) {
        (true, _) => Ok(None),
        (false, Some(e)) => Err(e),
        (false, None) => Err(StoreError::KeyringUnavailable {
            reason: "no keyring store on this platform".into(),
        }),
    }
}

/// Writes a secret into the first store that accepts it.
pub(crate) fn set(user: &str, secret: &str) -> Result<(), StoreError> {
    let mut last_failure = None;
    for entry in entries(user) {
        match entry.set_password(secret) {
            Ok(()) => {
                // Read back: some stores accept writes they cannot serve (a locked collection).
                if entry.get_password().is_ok_and(|p| p == secret) {
                    return Ok(());
                }
            }
            Err(e) => last_failure = Some(unavailable(&e)),
        }
    }
    Err(last_failure.unwrap_or(StoreError::KeyringUnavailable {
        reason: "no keyring store accepted the secret".into(),
    }))
}

/// Removes a secret from every store that has it.
pub(crate) fn delete(user: &str) -> Result<bool, StoreError> {
    let mut removed = false;
    for entry in entries(user) {
        match entry.delete_credential() {
            Ok(()) => removed = true,
            Err(keyring::Error::NoEntry) => {}
            Err(e) => tracing::debug!(error = %e, "keyring store could not delete an entry"),
        }
    }
    Ok(removed)
}
