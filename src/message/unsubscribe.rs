//! Signed unsubscribe tokens: what a `List-Unsubscribe` URL carries, so a
//! one-click request (RFC 8058) names the message it came from, the channel
//! and what to withdraw, and nobody can forge one or guess another's.
//!
//! A token is `v1.<message>.<channel>.<scope>.<mac>`: `message` is the hash
//! part of the message's `Message-ID` (32 hex digits, opaque: the ledger
//! maps it to the customer; no personal data is in the URL), `mac` the
//! HMAC-SHA256 (hex) of the rest under the operator's [`UnsubscribeKey`].
//! Messages sign here; the events layer verifies with [`verify`].

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::model::digest::hex;
use crate::model::{Channel, Scope};

type HmacSha256 = Hmac<Sha256>;

/// The longest token [`verify`] reads; a real one is about 120 characters.
const MAX_TOKEN: usize = 256;

/// The operator's secret for unsubscribe tokens: at least 16 bytes, given
/// as hex or base64. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct UnsubscribeKey(Vec<u8>);

impl UnsubscribeKey {
    /// The fewest bytes a key may have.
    pub const MIN_BYTES: usize = 16;

    /// A key from its configured text: hex (`0-9a-f`, an even number of
    /// digits) or base64 (standard alphabet, padded or not), surrounding
    /// whitespace ignored. Errors say what is wrong, never the key.
    pub fn parse(text: &str) -> Result<UnsubscribeKey, KeyError> {
        let t = text.trim();
        let bytes = from_hex(t)
            .or_else(|| from_base64(t))
            .ok_or(KeyError::Encoding)?;
        UnsubscribeKey::from_bytes(bytes)
    }

    /// A key from raw bytes (e.g. read from a secrets store).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<UnsubscribeKey, KeyError> {
        if bytes.len() < UnsubscribeKey::MIN_BYTES {
            return Err(KeyError::TooShort(bytes.len()));
        }
        Ok(UnsubscribeKey(bytes))
    }

    /// A new random key of 32 bytes from the operating system's generator
    /// (`/dev/urandom`), for a run given none; keep it ([`Self::to_hex`]) so
    /// later requests verify.
    pub fn generate() -> std::io::Result<UnsubscribeKey> {
        use std::io::Read;
        let mut bytes = vec![0; 32];
        std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
        Ok(UnsubscribeKey(bytes))
    }

    /// The key as hex, to keep it in a file the next run reads.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.0).expect("HMAC takes a key of any length")
    }
}

impl fmt::Debug for UnsubscribeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnsubscribeKey({} bytes, redacted)", self.0.len())
    }
}

/// A configured key that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Neither hex nor base64.
    #[error("the unsubscribe key is neither hex nor base64")]
    Encoding,
    /// Fewer than [`UnsubscribeKey::MIN_BYTES`] bytes.
    #[error(
        "the unsubscribe key has {0} bytes; it needs at least 16 (e.g. `openssl rand -hex 32`)"
    )]
    TooShort(usize),
}

/// What a verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The hash part of the message's `Message-ID` (32 hex digits).
    pub message: String,
    /// The channel to unsubscribe from.
    pub channel: Channel,
    /// What to withdraw.
    pub scope: Scope,
}

/// A token that does not verify. The messages never quote the token (it
/// is hostile input and may be long).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not of the form `v1.<message>.<channel>.<scope>.<mac>`.
    #[error("the unsubscribe token is malformed: {0}")]
    Malformed(&'static str),
    /// Well formed, but the MAC is not this key's: forged, tampered with, or
    /// signed with another key.
    #[error("the unsubscribe token's signature does not verify (forged or altered)")]
    BadSignature,
}

/// The token for the message whose `Message-ID` hash part is `message`
/// (32 hex digits), unsubscribing `scope` on `channel`.
pub fn sign(key: &UnsubscribeKey, message: &str, channel: Channel, scope: Scope) -> String {
    let payload = format!("v1.{message}.{}.{}", channel.name(), scope.name());
    let mut mac = key.mac();
    mac.update(payload.as_bytes());
    format!("{payload}.{}", hex(&mac.finalize().into_bytes()))
}

/// The claims of `token` if `key` signed it. The MAC is compared in
/// constant time.
pub fn verify(key: &UnsubscribeKey, token: &str) -> Result<Claims, TokenError> {
    if token.len() > MAX_TOKEN {
        return Err(TokenError::Malformed("too long"));
    }
    let (payload, mac_hex) = token
        .rsplit_once('.')
        .ok_or(TokenError::Malformed("no signature"))?;
    let parts: Vec<&str> = payload.split('.').collect();
    let [version, message, channel, scope] = parts[..] else {
        return Err(TokenError::Malformed(
            "expected v1.<message>.<channel>.<scope>.<mac>",
        ));
    };
    if version != "v1" {
        return Err(TokenError::Malformed("unknown version"));
    }
    if message.len() != 32 || !is_lower_hex(message) {
        return Err(TokenError::Malformed(
            "the message part is not 32 hex digits",
        ));
    }
    let channel = Channel::parse(channel).ok_or(TokenError::Malformed("unknown channel"))?;
    let scope = Scope::parse(scope).ok_or(TokenError::Malformed("unknown scope"))?;
    let tag = from_hex(mac_hex)
        .filter(|t| t.len() == 32)
        .ok_or(TokenError::Malformed("the signature is not 64 hex digits"))?;
    let mut mac = key.mac();
    mac.update(payload.as_bytes());
    mac.verify_slice(&tag)
        .map_err(|_| TokenError::BadSignature)?;
    Ok(Claims {
        message: message.to_owned(),
        channel,
        scope,
    })
}

fn is_lower_hex(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() || !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

fn from_base64(s: &str) -> Option<Vec<u8>> {
    let ok = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    if s.is_empty() || !ok {
        return None;
    }
    mail_parser::decoders::base64::base64_decode(s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSG: &str = "0123456789abcdef0123456789abcdef";

    fn key() -> UnsubscribeKey {
        UnsubscribeKey::parse("000102030405060708090a0b0c0d0e0f").unwrap()
    }

    #[test]
    fn a_signed_token_verifies_to_its_claims() {
        let t = sign(&key(), MSG, Channel::Email, Scope::Marketing);
        assert!(t.starts_with(&format!("v1.{MSG}.email.marketing.")), "{t}");
        let c = verify(&key(), &t).unwrap();
        assert_eq!(
            c,
            Claims {
                message: MSG.into(),
                channel: Channel::Email,
                scope: Scope::Marketing
            }
        );
    }

    #[test]
    fn a_tampered_or_foreign_token_does_not_verify() {
        let t = sign(&key(), MSG, Channel::Email, Scope::Marketing);
        let widened = t.replace(".marketing.", ".all.");
        assert_eq!(verify(&key(), &widened), Err(TokenError::BadSignature));
        let other = t.replace(MSG, "fedcba9876543210fedcba9876543210");
        assert_eq!(verify(&key(), &other), Err(TokenError::BadSignature));
        let other_key = UnsubscribeKey::from_bytes(vec![7; 32]).unwrap();
        assert_eq!(verify(&other_key, &t), Err(TokenError::BadSignature));
        let mut flipped = t.clone();
        let last = if t.ends_with('0') { "1" } else { "0" };
        flipped.replace_range(t.len() - 1.., last);
        assert_eq!(verify(&key(), &flipped), Err(TokenError::BadSignature));
    }

    #[test]
    fn malformed_tokens_say_what_is_wrong() {
        for (t, why) in [
            ("", "no signature"),
            ("abc", "no signature"),
            ("v2.x.email.all.00", "unknown version"),
            ("v1.short.email.all.00", "32 hex"),
            (&format!("v1.{MSG}.fax.all.00"), "unknown channel"),
            (&format!("v1.{MSG}.email.everything.00"), "unknown scope"),
            (&format!("v1.{MSG}.email.all.zz"), "64 hex"),
            (&"a".repeat(10_000), "too long"),
        ] {
            let e = verify(&key(), t).unwrap_err();
            assert!(e.to_string().contains(why), "{t:.40}: {e}");
        }
    }

    #[test]
    fn keys_are_hex_or_base64_and_long_enough_and_never_shown() {
        let b64 = UnsubscribeKey::parse("AAECAwQFBgcICQoLDA0ODw==").unwrap();
        assert_eq!(b64, key());
        assert_eq!(UnsubscribeKey::parse("00ff"), Err(KeyError::TooShort(2)));
        assert_eq!(UnsubscribeKey::parse("not a key!"), Err(KeyError::Encoding));
        assert_eq!(UnsubscribeKey::parse(""), Err(KeyError::Encoding));
        let debug = format!("{:?}", key());
        assert!(
            !debug.contains("0001") && debug.contains("redacted"),
            "{debug}"
        );
        assert_eq!(UnsubscribeKey::parse(&key().to_hex()).unwrap(), key());
        let (a, b) = (
            UnsubscribeKey::generate().unwrap(),
            UnsubscribeKey::generate().unwrap(),
        );
        assert_ne!(a, b);
        assert_eq!(UnsubscribeKey::parse(&a.to_hex()).unwrap(), a);
    }
}
