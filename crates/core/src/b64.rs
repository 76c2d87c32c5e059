//! Serde helpers for binary fields: base64url (no padding) in human-readable formats such as
//! the JSON API, raw bytes in compact formats such as postcard on the device.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

/// Encodes bytes as base64url without padding.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding.
fn decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    URL_SAFE_NO_PAD.decode(text)
}

pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    if s.is_human_readable() {
        s.serialize_str(&encode(bytes))
    } else {
        s.serialize_bytes(bytes)
    }
}

fn deserialize_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    if d.is_human_readable() {
        let text =
            String::deserialize(d).map_err(|_| D::Error::custom("expected a base64url string"))?;
        decode(&text).map_err(|_| D::Error::custom("invalid base64url"))
    } else {
        serde_bytes_vec(d)
    }
}

fn serde_bytes_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
            f.write_str("bytes")
        }
        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }
        fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }
    }
    d.deserialize_byte_buf(V)
}

/// For `Vec<u8>` fields: `#[serde(with = "crate::b64")]`.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    deserialize_vec(d)
}

/// For `[u8; N]` fields: `#[serde(with = "crate::b64::array")]`.
pub mod array {
    use super::*;

    pub fn serialize<S: Serializer, const N: usize>(
        bytes: &[u8; N],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        super::serialize(bytes, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(
        d: D,
    ) -> Result<[u8; N], D::Error> {
        let v = deserialize_vec(d)?;
        v.try_into()
            .map_err(|_| D::Error::custom("binary field has the wrong length"))
    }
}
