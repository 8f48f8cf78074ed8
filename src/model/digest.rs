//! Content digests: what idempotency keys, Message-IDs and content hashes
//! are made of, at the bottom so every stage hashes the same way.

use sha2::{Digest, Sha256};

/// Hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of a digest.
pub(crate) fn hex(d: &[u8]) -> String {
    let mut out = String::with_capacity(64);
    for &b in d {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    out
}
