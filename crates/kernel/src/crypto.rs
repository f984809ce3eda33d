//! 国密 for data at rest: SM3 hashes (GB/T 32905) and SM4 encryption (GB/T 32907) of personal
//! data, plus the masks used wherever personal data is shown to someone without need.
//!
//! Sealed values are SM4 in GCM mode (as in RFC 8998): a random 96-bit nonce per value and an
//! authentication tag, so a value altered in the database fails to open instead of decrypting to
//! garbage.

use aes_gcm::aead::Aead;
use aes_gcm::aead::consts::U12;
use aes_gcm::{AesGcm, KeyInit};
use sm3::{Digest, Sm3};

type Sm4Gcm = AesGcm<sm4::Sm4, U12>;

const SEALED_PREFIX: &str = "sm4gcm1:";

/// SM3 of `bytes`.
pub fn sm3(bytes: &[u8]) -> [u8; 32] {
    Sm3::digest(bytes).into()
}

/// SM3 of `bytes` as lower-case hex.
pub fn sm3_hex(bytes: &[u8]) -> String {
    hex::encode(sm3(bytes))
}

/// SM3 over several parts, fed in order without copying them together.
pub fn sm3_parts(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sm3::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// HMAC-SM3 (GB/T 15852.2 with SM3) of `parts`, fed in order, under `key`.
pub fn hmac_sm3(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    use hmac::{KeyInit, Mac};
    let mut mac =
        <hmac::Hmac<Sm3> as KeyInit>::new_from_slice(key).expect("HMAC takes a key of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Fills `buf` from the operating system's random source.
pub fn random_bytes(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system provides random bytes");
}

/// A random token as hex (session ids, CSRF tokens).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    random_bytes(&mut bytes);
    hex::encode(bytes)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("SM4密钥应为32位十六进制字符（128位）")]
    BadKey,
    #[error("加密数据已损坏或密钥不匹配")]
    Corrupt,
}

/// The SM4 key that seals personal data. Debug never shows it.
#[derive(Clone)]
pub struct SealKey([u8; 16]);

impl SealKey {
    pub fn generate() -> SealKey {
        let mut key = [0u8; 16];
        random_bytes(&mut key);
        SealKey(key)
    }

    pub fn from_hex(text: &str) -> Result<SealKey, CryptoError> {
        let bytes = hex::decode(text.trim()).map_err(|_| CryptoError::BadKey)?;
        let key: [u8; 16] = bytes.try_into().map_err(|_| CryptoError::BadKey)?;
        Ok(SealKey(key))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// A key for another use, derived from this one (so that one secret kept outside the
    /// database serves both, and neither use can stand in for the other):
    /// HMAC-SM3(key, "fazhi:" ‖ purpose).
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        hmac_sm3(&self.0, &[b"fazhi:", purpose.as_bytes()])
    }

    fn cipher(&self) -> Sm4Gcm {
        Sm4Gcm::new(&self.0.into())
    }

    /// Encrypts `plain` into the stored text form `sm4gcm1:<hex nonce ‖ ciphertext ‖ tag>`.
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        random_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(&nonce.into(), plain.as_bytes())
            .expect("SM4-GCM encryption of a short value cannot fail");
        let mut out = Vec::with_capacity(12 + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        format!("{SEALED_PREFIX}{}", hex::encode(out))
    }

    /// Decrypts a value made by [`SealKey::seal`].
    pub fn open(&self, sealed: &str) -> Result<String, CryptoError> {
        let bytes = sealed
            .strip_prefix(SEALED_PREFIX)
            .and_then(|h| hex::decode(h).ok())
            .ok_or(CryptoError::Corrupt)?;
        if bytes.len() < 12 + 16 {
            return Err(CryptoError::Corrupt);
        }
        let (nonce, body) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| CryptoError::Corrupt)?;
        let plain = self
            .cipher()
            .decrypt(&nonce.into(), body)
            .map_err(|_| CryptoError::Corrupt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Corrupt)
    }
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(***)")
    }
}

/// Keeps the first `head` and last `tail` characters and stars the rest.
pub fn mask_middle(text: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// 张三 → 张*, 欧阳娜娜 → 欧***.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
        None => String::new(),
    }
}

/// 13800000001 → 138****0001.
pub fn mask_phone(phone: &str) -> String {
    mask_middle(phone.trim(), 3, 4)
}

#[cfg(test)]
mod hmac_tests {
    use super::*;

    /// From an independent implementation (Python's hmac module over OpenSSL 3's SM3), for key
    /// "key" and message "The quick brown fox jumps over the lazy dog".
    #[test]
    fn hmac_sm3_matches_an_independent_implementation() {
        let mac = hmac_sm3(
            b"key",
            &[b"The quick brown fox ", b"jumps over the lazy dog"],
        );
        assert_eq!(hex::encode(mac), HMAC_SM3_FOX);
    }

    const HMAC_SM3_FOX: &str = "bd4a34077888162b210645b8ebf74b9af357303789357a27c7fc457244ebd398";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sm3_matches_the_gb_t_32905_vector() {
        assert_eq!(
            sm3_hex(b"abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
        assert_eq!(sm3_parts(&[b"a", b"bc"]), sm3(b"abc"));
    }

    #[test]
    fn sm4_matches_the_gb_t_32907_vector() {
        use sm4::cipher::BlockCipherEncrypt;
        let key: [u8; 16] = hex::decode("0123456789abcdeffedcba9876543210")
            .unwrap()
            .try_into()
            .unwrap();
        let cipher = sm4::Sm4::new(&key.into());
        let mut block = key.into();
        cipher.encrypt_block(&mut block);
        assert_eq!(hex::encode(block), "681edf34d206965e86b3e94f536e4246");
    }

    #[test]
    fn seal_and_open() {
        let key = SealKey::generate();
        let sealed = key.seal("13800000001");
        assert!(sealed.starts_with(SEALED_PREFIX));
        assert!(!sealed.contains("13800000001"));
        assert_ne!(sealed, key.seal("13800000001"), "a fresh nonce each time");
        assert_eq!(key.open(&sealed).unwrap(), "13800000001");
        assert_eq!(SealKey::generate().open(&sealed), Err(CryptoError::Corrupt));
        let mut tampered = sealed.clone();
        tampered.replace_range(
            sealed.len() - 1..,
            if sealed.ends_with('0') { "1" } else { "0" },
        );
        assert_eq!(key.open(&tampered), Err(CryptoError::Corrupt));
        assert_eq!(
            SealKey::from_hex(&key.to_hex())
                .unwrap()
                .open(&sealed)
                .unwrap(),
            "13800000001"
        );
        assert_eq!(format!("{key:?}"), "SealKey(***)");
    }

    #[test]
    fn masks() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_phone("13800000001"), "138****0001");
        assert_eq!(
            mask_middle("320411199001011234", 4, 4),
            "3204**********1234"
        );
    }
}
