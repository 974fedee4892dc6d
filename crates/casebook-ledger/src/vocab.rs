//! The closed vocabularies of the data model: phases, severities, TLP, statuses, kinds.
//!
//! Each is written in the ledger as its lower-case name; parsing accepts exactly those names
//! (case-insensitively) and says which are allowed when it refuses one.

use std::fmt;
use std::str::FromStr;

/// A word that is not in its vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{given}\" is not a valid {what}; use one of: {allowed}")]
pub struct UnknownWord {
    /// What kind of word was expected.
    pub what: &'static str,
    /// The text given.
    pub given: String,
    /// The accepted words, comma-separated.
    pub allowed: String,
}

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word written in the ledger.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                // The ledger format is exact: only the lower-case word itself is accepted.
                $(if s == $text { return Ok($name::$variant); })+
                Err(serde::de::Error::custom(format!(
                    "\"{}\" is not a valid {}", s, $what
                )))
            }
        }

        impl FromStr for $name {
            type Err = UnknownWord;
            fn from_str(s: &str) -> Result<Self, UnknownWord> {
                let t = s.trim();
                $(if t.eq_ignore_ascii_case($text) { return Ok($name::$variant); })+
                Err(UnknownWord {
                    what: $what,
                    given: s.to_string(),
                    allowed: [$($text),+].join(", "),
                })
            }
        }
    };
}

vocabulary! {
    /// Traffic Light Protocol 2.0 label. Ordered from least to most restricted.
    Tlp, "TLP label" {
        /// TLP:CLEAR — may be shared publicly.
        Clear = "clear",
        /// TLP:GREEN — the community.
        Green = "green",
        /// TLP:AMBER — the recipient's organisation and its clients.
        Amber = "amber",
        /// TLP:AMBER+STRICT — the recipient's organisation only.
        AmberStrict = "amber+strict",
        /// TLP:RED — named recipients only.
        Red = "red",
    }
}

vocabulary! {
    /// Permissible Actions Protocol label.
    Pap, "PAP label" {
        /// PAP:CLEAR.
        Clear = "clear",
        /// PAP:GREEN.
        Green = "green",
        /// PAP:AMBER.
        Amber = "amber",
        /// PAP:RED.
        Red = "red",
    }
}

vocabulary! {
    /// Where a case stands in the response cycle.
    Phase, "phase" {
        /// Detection and analysis.
        Detect = "detect",
        /// Containment and response.
        Respond = "respond",
        /// Eradication and recovery.
        Remediate = "remediate",
        /// Closed.
        Closed = "closed",
    }
}

vocabulary! {
    /// How bad it is.
    Severity, "severity" {
        /// Low.
        Low = "low",
        /// Medium.
        Medium = "medium",
        /// High.
        High = "high",
        /// Critical.
        Critical = "critical",
    }
}

vocabulary! {
    /// A task's state.
    TaskStatus, "task status" {
        /// Not started.
        Todo = "todo",
        /// In progress.
        Doing = "doing",
        /// Finished.
        Done = "done",
        /// Waiting on something.
        Blocked = "blocked",
    }
}

vocabulary! {
    /// What an asset is.
    AssetKind, "asset kind" {
        /// A machine.
        Host = "host",
        /// A user or service account.
        Account = "account",
        /// A service or application.
        Service = "service",
        /// A network or segment.
        Network = "network",
    }
}

vocabulary! {
    /// How far an asset is known to be compromised.
    Compromise, "compromise state" {
        /// Not assessed.
        Unknown = "unknown",
        /// Assessed, no sign of compromise.
        Clean = "clean",
        /// Signs of compromise, unconfirmed.
        Suspected = "suspected",
        /// Confirmed compromised.
        Compromised = "compromised",
        /// Cleaned up and back in service.
        Restored = "restored",
    }
}

vocabulary! {
    /// Where an evidence file is kept.
    Storage, "evidence storage" {
        /// An age-encrypted blob beside the vault.
        Vault = "vault",
        /// Elsewhere; only its hash and a reference are kept.
        External = "external",
    }
}

vocabulary! {
    /// The type of an observable.
    ObservableType, "observable type" {
        /// IPv4 address.
        Ipv4 = "ipv4",
        /// IPv6 address.
        Ipv6 = "ipv6",
        /// Domain name.
        Domain = "domain",
        /// URL.
        Url = "url",
        /// E-mail address.
        Email = "email",
        /// MD5 hash.
        Md5 = "md5",
        /// SHA-1 hash.
        Sha1 = "sha1",
        /// SHA-256 hash.
        Sha256 = "sha256",
        /// File name.
        Filename = "filename",
        /// Host name.
        Hostname = "hostname",
        /// Account name.
        Account = "account",
        /// Windows registry key.
        RegistryKey = "registry-key",
        /// Process name or command line.
        Process = "process",
        /// Anything else.
        Other = "other",
    }
}
