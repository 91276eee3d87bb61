//! The errors key storage can report, each a plain sentence with a next step.

/// Why a key could not be read, stored or removed.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum KeyStoreError {
    /// No usable system keyring: no Secret Service on the session bus, no D-Bus session, or the
    /// keyring is locked and could not be unlocked.
    #[error(
        "No system keyring available: {detail}. Atelier keeps API keys only in the system \
         keyring. Install and start a Secret Service such as GNOME Keyring (package \
         gnome-keyring) or KWallet, make sure it is unlocked, then try again."
    )]
    Unavailable {
        /// What the platform reported.
        detail: String,
    },
    /// The key text is not acceptable (empty, contains spaces, too long...).
    #[error(
        "This API key is not valid: {reason}. Paste the key exactly as your provider shows it."
    )]
    InvalidKey {
        /// Which rule the key broke.
        reason: String,
    },
    /// The account name is not one Atelier uses (a programming error, not user input).
    #[error("\"{account}\" is not a valid key account name: {reason}.")]
    InvalidAccount {
        /// The account name given.
        account: String,
        /// Which rule it broke.
        reason: String,
    },
    /// What the keyring holds for this account is not a usable key.
    #[error(
        "The API key stored for {account} is damaged ({reason}). Remove it in Settings and \
         paste the key again."
    )]
    Corrupt {
        /// The account whose entry is damaged.
        account: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The keyring holds several entries for one account, so none can be picked safely.
    #[error(
        "The system keyring holds {count} keys for {account}, so Atelier cannot tell which one \
         to use. Remove the key in Settings and paste it again."
    )]
    Ambiguous {
        /// The account concerned.
        account: String,
        /// How many entries matched.
        count: usize,
    },
    /// Any other failure reported by the keyring.
    #[error("The system keyring refused the request: {detail}. Try again; if it keeps failing, restart the keyring service.")]
    Keyring {
        /// What the platform reported.
        detail: String,
    },
}

impl KeyStoreError {
    /// A short stable code for IPC (`keyring_unavailable`, `invalid_input`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            KeyStoreError::Unavailable { .. } => "keyring_unavailable",
            KeyStoreError::InvalidKey { .. } | KeyStoreError::InvalidAccount { .. } => {
                "invalid_input"
            }
            KeyStoreError::Corrupt { .. } => "keyring_corrupt",
            KeyStoreError::Ambiguous { .. } => "keyring_ambiguous",
            KeyStoreError::Keyring { .. } => "keyring_error",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unavailable_starts_with_the_agreed_sentence() {
        let e = KeyStoreError::Unavailable {
            detail: "no D-Bus session".into(),
        };
        let text = e.to_string();
        assert!(text.starts_with("No system keyring available: no D-Bus session."));
        assert!(text.contains("gnome-keyring"));
        assert_eq!(e.code(), "keyring_unavailable");
        assert!(matches!(e, KeyStoreError::Unavailable { .. }));
    }
}
