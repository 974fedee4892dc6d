//! Contact cards: the short text block people exchange to become partners.
//!
//! ```text
//! -----BEGIN CASEBOOK CONTACT CARD-----
//! name: Alice Martin
//! org: CERT-Lyon
//! age: age1…
//! minisign: RW…
//! fingerprint: 7KQ2-M9XD-4HPA-ZT3C
//! -----END CASEBOOK CONTACT CARD-----
//! ```
//!
//! The fingerprint is the first 80 bits of SHA-256 over `casebook-card/1\n{age}\n{minisign}\n`, in
//! Crockford base32 (no I, L, O, U), four groups of four: short enough to read aloud on a phone. Text
//! around the block (an e-mail, quoting with `> `) is ignored.

use sha2::{Digest, Sha256};

const BEGIN: &str = "-----BEGIN CASEBOOK CONTACT CARD-----";
const END: &str = "-----END CASEBOOK CONTACT CARD-----";
/// Largest card text accepted, in bytes. A real card is about 300.
pub const MAX_CARD_BYTES: usize = 64 * 1024;
/// Longest name or organisation, in characters.
pub const MAX_NAME_CHARS: usize = 120;

/// Why a contact card or key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CardError {
    /// No BEGIN/END block in the text.
    #[error("no contact card found: expected a block from \"{BEGIN}\" to \"{END}\"")]
    NoCard,
    /// The input is far larger than any card.
    #[error("this is not a contact card: {0} bytes is far larger than a card")]
    TooLarge(usize),
    /// A required line is missing.
    #[error("the contact card has no \"{0}:\" line")]
    Missing(&'static str),
    /// A line appears twice.
    #[error("the contact card has two \"{0}:\" lines")]
    Duplicate(String),
    /// A line is not `field: value` or names an unknown field.
    #[error("the contact card has an unexpected line {line}: \"{text}\"")]
    BadLine {
        /// 1-based line number within the card.
        line: usize,
        /// The line (shortened).
        text: String,
    },
    /// The name or organisation is empty, too long or has control characters.
    #[error("invalid {field}: {reason}")]
    BadName {
        /// `name` or `org`.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The age recipient does not parse.
    #[error("invalid age recipient \"{0}\": expected an X25519 recipient starting with age1")]
    BadAgeRecipient(String),
    /// The minisign public key does not parse.
    #[error("invalid minisign public key: {0}")]
    BadMinisignKey(String),
    /// The stated fingerprint does not match the keys: a transcription error or tampering.
    #[error(
        "the card's fingerprint {stated} does not match its keys (computed {computed}); \
         the card was altered or mistyped: ask the sender for it again"
    )]
    FingerprintMismatch {
        /// What the card says.
        stated: String,
        /// What the keys give.
        computed: String,
    },
}

/// A partner's or our own public identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// Person's name.
    pub name: String,
    /// Organisation.
    pub org: String,
    /// age X25519 recipient (`age1…`).
    pub age_recipient: String,
    /// minisign public key, base64 (`RW…`).
    pub minisign_public: String,
}

fn shorten(s: &str) -> String {
    let mut t: String = s.chars().take(60).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t
}

fn check_name(field: &'static str, value: &str) -> Result<String, CardError> {
    let v = value.trim();
    let bad = |reason: &str| CardError::BadName { field, reason: reason.into() };
    if v.is_empty() {
        return Err(bad("it is empty"));
    }
    if v.chars().count() > MAX_NAME_CHARS {
        return Err(bad(&format!("it is longer than {MAX_NAME_CHARS} characters")));
    }
    if v.chars().any(char::is_control) {
        return Err(bad("it contains control characters"));
    }
    Ok(v.to_string())
}

/// Parses an age X25519 recipient, returning its canonical text.
pub fn parse_age_recipient(s: &str) -> Result<String, CardError> {
    let t = s.trim();
    t.parse::<age::x25519::Recipient>()
        .map(|r| r.to_string())
        .map_err(|_| CardError::BadAgeRecipient(shorten(t)))
}

/// Parses a minisign public key given as the base64 line or as a whole `.pub` file (as written by
/// `minisign -G`), returning the base64 line.
pub fn parse_minisign_public(s: &str) -> Result<String, CardError> {
    let line = s
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
        .ok_or_else(|| CardError::BadMinisignKey("the key text is empty".into()))?;
    minisign::PublicKey::from_base64(line)
        .map(|k| k.to_base64())
        .map_err(|e| CardError::BadMinisignKey(format!("\"{}\": {e}", shorten(line))))
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The read-aloud fingerprint of a key pair.
pub fn fingerprint(age_recipient: &str, minisign_public: &str) -> String {
    let digest = Sha256::digest(format!("casebook-card/1\n{age_recipient}\n{minisign_public}\n"));
    // 80 bits = 16 base32 digits.
    let mut bits: u128 = 0;
    for b in &digest[..10] {
        bits = (bits << 8) | u128::from(*b);
    }
    let mut out = String::with_capacity(19);
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let idx = ((bits >> (75 - 5 * i)) & 0x1f) as usize;
        out.push(CROCKFORD[idx] as char);
    }
    out
}

/// Normalizes a fingerprint as a person might type it back: case, spaces and dashes do not matter,
/// and the letters Crockford base32 folds (O→0, I/L→1) are folded.
pub fn normalize_fingerprint(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

impl Card {
    /// Builds a card from its parts, validating every one.
    pub fn new(name: &str, org: &str, age_recipient: &str, minisign_public: &str) -> Result<Self, CardError> {
        Ok(Self {
            name: check_name("name", name)?,
            org: check_name("org", org)?,
            age_recipient: parse_age_recipient(age_recipient)?,
            minisign_public: parse_minisign_public(minisign_public)?,
        })
    }

    /// This card's read-aloud fingerprint.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.age_recipient, &self.minisign_public)
    }

    /// The card as text to paste or print.
    pub fn to_text(&self) -> String {
        format!(
            "{BEGIN}\nname: {}\norg: {}\nage: {}\nminisign: {}\nfingerprint: {}\n{END}\n",
            self.name,
            self.org,
            self.age_recipient,
            self.minisign_public,
            self.fingerprint()
        )
    }

    /// Finds and parses a card in `text`. Every field is validated and the fingerprint must match.
    pub fn parse(text: &str) -> Result<Self, CardError> {
        if text.len() > MAX_CARD_BYTES {
            return Err(CardError::TooLarge(text.len()));
        }
        // Tolerate e-mail quoting ("> ") and indentation around the block.
        let lines: Vec<&str> = text
            .lines()
            .map(|l| l.trim_start_matches(|c: char| c == '>' || c.is_whitespace()).trim_end())
            .collect();
        let start = lines.iter().position(|l| *l == BEGIN).ok_or(CardError::NoCard)?;
        let len = lines[start + 1..].iter().position(|l| *l == END).ok_or(CardError::NoCard)?;
        let body = &lines[start + 1..start + 1 + len];

        let mut fields: [(&'static str, Option<&str>); 5] =
            [("name", None), ("org", None), ("age", None), ("minisign", None), ("fingerprint", None)];
        for (i, line) in body.iter().enumerate() {
            if line.is_empty() {
                continue;
            }
            let bad = || CardError::BadLine { line: i + 1, text: shorten(line) };
            let (key, value) = line.split_once(':').ok_or_else(bad)?;
            let key = key.trim().to_ascii_lowercase();
            let slot = fields.iter_mut().find(|(k, _)| *k == key).ok_or_else(bad)?;
            if slot.1.is_some() {
                return Err(CardError::Duplicate(key));
            }
            slot.1 = Some(value.trim());
        }
        let get = |i: usize| fields[i].1.ok_or(CardError::Missing(fields[i].0));
        let card = Card::new(get(0)?, get(1)?, get(2)?, get(3)?)?;
        let stated = get(4)?;
        let computed = card.fingerprint();
        if normalize_fingerprint(stated) != normalize_fingerprint(&computed) {
            return Err(CardError::FingerprintMismatch { stated: shorten(stated), computed });
        }
        Ok(card)
    }
}
