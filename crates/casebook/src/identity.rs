//! The vault owner's keys: an age X25519 identity to receive bundles and a minisign (Ed25519) key
//! pair to sign commits and bundles. Generated at `init`, kept only inside the vault.

use age::secrecy::ExposeSecret;
use casebook_store::IdentityRow;
use zeroize::Zeroizing;

use crate::card::Card;
use crate::error::Error;

/// The owner's loaded keys.
pub struct Identity {
    row: IdentityRow,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity").field("name", &self.row.name).finish_non_exhaustive()
    }
}

impl Identity {
    /// Generates fresh keys for `name` at `org`.
    pub(crate) fn generate(name: &str, org: &str, now_us: i64) -> Result<Self, Error> {
        let age_id = age::x25519::Identity::generate();
        let kp = minisign::KeyPair::generate_unencrypted_keypair()
            .map_err(|e| Error::KeyGeneration(e.to_string()))?;
        let sk_box = kp.sk.to_box(None).map_err(|e| Error::KeyGeneration(e.to_string()))?;
        Ok(Self {
            row: IdentityRow {
                name: name.to_string(),
                org: org.to_string(),
                age_secret: Zeroizing::new(age_id.to_string().expose_secret().to_string()),
                age_recipient: age_id.to_public().to_string(),
                minisign_secret: Zeroizing::new(sk_box.into_string()),
                minisign_public: kp.pk.to_base64(),
                created_at: now_us,
            },
        })
    }

    pub(crate) fn from_row(row: IdentityRow) -> Self {
        Self { row }
    }

    pub(crate) fn row(&self) -> &IdentityRow {
        &self.row
    }

    /// The owner's contact card.
    pub fn card(&self) -> Card {
        Card {
            name: self.row.name.clone(),
            org: self.row.org.clone(),
            age_recipient: self.row.age_recipient.clone(),
            minisign_public: self.row.minisign_public.clone(),
        }
    }

    /// The minisign public key.
    pub fn minisign_public(&self) -> Result<minisign::PublicKey, Error> {
        minisign::PublicKey::from_base64(&self.row.minisign_public)
            .map_err(|e| Error::Identity(e.to_string()))
    }

    /// The minisign public key as the two-line `.pub` file stock `minisign -V -p FILE` reads.
    pub fn minisign_public_file(&self) -> Result<String, Error> {
        self.minisign_public()?.to_box().map(|b| b.into_string()).map_err(|e| Error::Identity(e.to_string()))
    }

    /// The minisign secret key, to sign with.
    pub fn minisign_secret(&self) -> Result<minisign::SecretKey, Error> {
        minisign::SecretKey::from_unencrypted_box(
            minisign::SecretKeyBox::from_string(&self.row.minisign_secret)
                .map_err(|e| Error::Identity(e.to_string()))?,
        )
        .map_err(|e| Error::Identity(e.to_string()))
    }

    /// The age identity, to decrypt with.
    pub fn age_identity(&self) -> Result<age::x25519::Identity, Error> {
        self.row.age_secret.parse().map_err(|e: &str| Error::Identity(e.to_string()))
    }

    /// The age identity as a key file stock `age -d -i FILE` reads. Secret: handle with care.
    pub fn age_identity_file(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "# Casebook identity of {} ({})\n# public key: {}\n{}\n",
            self.row.name,
            self.row.org,
            self.row.age_recipient,
            self.row.age_secret.as_str()
        ))
    }
}
