//! [`SecretKey`], the redacted holder of one API key, and the input checks for keys and accounts.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use crate::KeyStoreError;

/// The longest key accepted, in bytes. Real keys are well under 100 characters.
pub const MAX_KEY_LEN: usize = 512;

/// Longest account name accepted, in bytes.
const MAX_ACCOUNT_LEN: usize = 64;

/// One API key. Its value is shown only through [`SecretKey::expose`] or, to hand it on to a
/// provider client without a plain copy, [`SecretKey::secret`]; `Debug` and `Display` print
/// `SecretKey(****9f2c)` / `****9f2c`. It implements no `Serialize` on purpose, and its memory
/// is wiped when it is dropped (it is a [`secrecy::SecretString`] inside).
#[derive(Clone)]
pub struct SecretKey(SecretString);

impl SecretKey {
    /// Checks `raw` with [`validate_key`] (after trimming surrounding whitespace) and wraps it.
    pub fn new(raw: &str) -> Result<Self, KeyStoreError> {
        validate_key(raw).map(|k| SecretKey(SecretString::from(k)))
    }

    /// The key itself, for comparisons and tests. Never log it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The key as the zeroizing secret type the provider clients take, so that it reaches the
    /// request header without ever being copied into a plain `String`.
    pub fn secret(&self) -> &SecretString {
        &self.0
    }

    /// The last characters of the key, for "set, ending in 9f2c" displays: four of them, but
    /// never more than half the key, so a short key is not revealed whole.
    pub fn last4(&self) -> String {
        let key = self.expose();
        let count = key.chars().count();
        let shown = (count / 2).min(4);
        key.chars().skip(count - shown).collect()
    }
}

impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for SecretKey {}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey(****{})", self.last4())
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "****{}", self.last4())
    }
}

/// Checks a pasted key and returns it trimmed: not empty, at most [`MAX_KEY_LEN`] bytes, and no
/// whitespace or control characters inside.
pub fn validate_key(raw: &str) -> Result<&str, KeyStoreError> {
    let key = raw.trim();
    let invalid = |reason: &str| KeyStoreError::InvalidKey {
        reason: reason.to_owned(),
    };
    if key.is_empty() {
        return Err(invalid("it is empty"));
    }
    if key.len() > MAX_KEY_LEN {
        return Err(invalid(&format!(
            "it is longer than {MAX_KEY_LEN} characters"
        )));
    }
    if key.chars().any(char::is_whitespace) {
        return Err(invalid("it contains spaces or line breaks"));
    }
    if key.chars().any(char::is_control) {
        return Err(invalid("it contains control characters"));
    }
    Ok(key)
}

/// Checks an account name: 1 to 64 characters from `a-z`, `0-9`, `-`, `_`, `.`.
pub fn validate_account(account: &str) -> Result<(), KeyStoreError> {
    let invalid = |reason: &str| KeyStoreError::InvalidAccount {
        account: account.chars().take(MAX_ACCOUNT_LEN).collect(),
        reason: reason.to_owned(),
    };
    if account.is_empty() {
        return Err(invalid("it is empty"));
    }
    if account.len() > MAX_ACCOUNT_LEN {
        return Err(invalid("it is too long"));
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c);
    if !account.chars().all(allowed) {
        return Err(invalid("only a-z, 0-9, '-', '_' and '.' are allowed"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let key = SecretKey::new("lkr_abcdef0123459f2c").expect("valid");
        assert_eq!(format!("{key:?}"), "SecretKey(****9f2c)");
        assert_eq!(key.to_string(), "****9f2c");
        assert_eq!(key.last4(), "9f2c");
        assert_eq!(key.expose(), "lkr_abcdef0123459f2c");
        let debug_of_wrapper = format!("{:?}", Some(key.clone()));
        assert!(!debug_of_wrapper.contains("abcdef"));
    }

    #[test]
    fn short_keys_never_show_more_than_half() {
        assert_eq!(SecretKey::new("abcdef").expect("valid").last4(), "def");
        assert_eq!(SecretKey::new("a").expect("valid").last4(), "");
        assert_eq!(
            format!("{:?}", SecretKey::new("ab").expect("valid")),
            "SecretKey(****b)"
        );
        // multi-byte characters are counted as characters, not bytes
        assert_eq!(SecretKey::new("ключ_ключ").expect("valid").last4(), "ключ");
    }

    #[test]
    fn keys_are_trimmed() {
        let key = SecretKey::new("  japi_live_123\n").expect("valid");
        assert_eq!(key.expose(), "japi_live_123");
    }

    #[test]
    fn bad_keys_are_rejected_with_a_reason() {
        for (raw, words) in [
            ("", "empty"),
            ("   \n\t", "empty"),
            ("lkr_abc def", "spaces"),
            ("lkr_abc\ndef", "line breaks"),
            ("lkr_abc\u{7}def", "control"),
        ] {
            let err = SecretKey::new(raw).expect_err(raw);
            assert_eq!(err.code(), "invalid_input");
            assert!(err.to_string().contains(words), "{raw:?}: {err}");
        }
        let long = "k".repeat(MAX_KEY_LEN + 1);
        assert!(SecretKey::new(&long).is_err());
        assert!(SecretKey::new(&"k".repeat(MAX_KEY_LEN)).is_ok());
    }

    #[test]
    fn account_names_are_checked() {
        assert!(validate_account("linkr").is_ok());
        assert!(validate_account("journey").is_ok());
        assert!(validate_account("test-1_a.b").is_ok());
        for bad in ["", "Linkr", "a b", "a/b", &"a".repeat(65)] {
            assert!(validate_account(bad).is_err(), "{bad}");
        }
    }
}
