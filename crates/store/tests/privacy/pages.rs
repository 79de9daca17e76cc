//! Reads a SQLCipher 4 database the hard way: derives the key from the passphrase and the salt
//! file exactly as the store does, then decrypts every page of the main file and every frame of
//! the WAL with AES-256-CBC, so a test can search what is physically on disk — live rows, free
//! pages, old index segments — for a person's name.

use aes::Aes256;
use cbc::cipher::{BlockDecryptMut, KeyIvInit, block_padding::NoPadding};
use std::path::Path;

const PAGE: usize = 4096;
const RESERVE: usize = 80; // 16-byte IV + 64-byte HMAC-SHA512
const SALT: usize = 16;
const WAL_HEADER: usize = 32;
const FRAME_HEADER: usize = 24;

/// The raw key the store derived from `passphrase` (Argon2id with the salt file's parameters).
pub fn passphrase_key(dir: &Path, passphrase: &str) -> [u8; 32] {
    let text = std::fs::read_to_string(dir.join(pf_store::SALT_FILE)).expect("salt file");
    let v: serde_json::Value = serde_json::from_str(&text).expect("salt json");
    let num = |k: &str| u32::try_from(v[k].as_u64().expect(k)).expect("fits");
    let salt_hex = v["salt"].as_str().expect("salt");
    let salt: Vec<u8> = (0..salt_hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&salt_hex[i..i + 2], 16).expect("hex"))
        .collect();
    let params = argon2::Params::new(num("m_kib"), num("t"), num("p"), Some(32)).expect("params");
    let mut key = [0_u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), &salt, &mut key)
        .expect("argon2");
    key
}

fn decrypt_page(key: &[u8; 32], page: &[u8], first: bool) -> Vec<u8> {
    let start = if first { SALT } else { 0 };
    let iv = &page[PAGE - RESERVE..PAGE - RESERVE + 16];
    let mut body = page[start..PAGE - RESERVE].to_vec();
    cbc::Decryptor::<Aes256>::new(key.into(), iv.into())
        .decrypt_padded_mut::<NoPadding>(&mut body)
        .expect("whole blocks");
    body
}

/// Every page of the database file and of its WAL, decrypted, concatenated.
pub fn decrypted(db: &Path, key: &[u8; 32]) -> Vec<u8> {
    let mut out = Vec::new();
    let file = std::fs::read(db).expect("db file");
    assert_eq!(file.len() % PAGE, 0, "whole pages");
    for (i, page) in file.chunks(PAGE).enumerate() {
        out.extend(decrypt_page(key, page, i == 0));
    }
    let wal = db.with_extension("db-wal");
    if let Ok(bytes) = std::fs::read(&wal)
        && bytes.len() > WAL_HEADER
    {
        for frame in bytes[WAL_HEADER..].chunks(FRAME_HEADER + PAGE) {
            if frame.len() == FRAME_HEADER + PAGE {
                let page_no = u32::from_be_bytes([frame[0], frame[1], frame[2], frame[3]]);
                out.extend(decrypt_page(key, &frame[FRAME_HEADER..], page_no == 1));
            }
        }
    }
    out
}

/// Whether `needle` occurs in `hay`, ignoring ASCII case.
pub fn contains(hay: &[u8], needle: &str) -> bool {
    let n = needle.to_ascii_lowercase().into_bytes();
    hay.windows(n.len())
        .any(|w| w.iter().zip(&n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}
