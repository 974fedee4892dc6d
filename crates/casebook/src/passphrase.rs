//! Passphrase rules: long enough and hard enough to guess, judged by zxcvbn.

/// Fewest characters a vault passphrase may have.
pub const MIN_CHARS: usize = 12;

/// Why a passphrase was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("weak passphrase: {reason}")]
pub struct WeakPassphrase {
    /// What is wrong and how to do better.
    pub reason: String,
}

/// How strong a candidate passphrase is, for feedback while typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strength {
    /// zxcvbn's score, 0 (trivial) to 4 (very strong).
    pub score: u8,
    /// `None` when acceptable, or why not.
    pub problem: Option<String>,
}

/// Judges `passphrase`; `context` holds words an attacker would try first (the owner's name, org).
pub fn strength(passphrase: &str, context: &[&str]) -> Strength {
    let chars = passphrase.chars().count();
    let entropy = zxcvbn::zxcvbn(passphrase, context);
    let score = entropy.score() as u8;
    let problem = if chars < MIN_CHARS {
        Some(format!(
            "it has {chars} characters; use at least {MIN_CHARS} (four or five random words work well)"
        ))
    } else if rest_without(passphrase, context) < 8 {
        Some("it is mostly your name or organisation, which an attacker tries first".into())
    } else if score < 3 {
        let hint = entropy
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()))
            .filter(|w| !w.is_empty())
            .unwrap_or_else(|| "it would be guessed quickly".into());
        Some(format!("{} (strength {score}/4, need 3); add more unrelated words", hint.trim_end_matches('.')))
    } else {
        None
    };
    Strength { score, problem }
}

/// How many letters and digits remain once the context words are taken out.
fn rest_without(passphrase: &str, context: &[&str]) -> usize {
    let mut rest = passphrase.to_lowercase();
    for w in context {
        let w = w.to_lowercase();
        if w.chars().count() >= 3 {
            rest = rest.replace(&w, "");
        }
    }
    rest.chars().filter(|c| c.is_alphanumeric()).count()
}

/// Refuses a passphrase that is too short or too easy to guess, with the reason.
pub fn require_strong(passphrase: &str, context: &[&str]) -> Result<(), WeakPassphrase> {
    match strength(passphrase, context).problem {
        None => Ok(()),
        Some(reason) => Err(WeakPassphrase { reason }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_is_refused_with_the_count() {
        let e = require_strong("Tr0ub4dor&3", &[]).unwrap_err();
        assert!(e.reason.contains("11 characters"), "{e}");
    }

    #[test]
    fn long_but_guessable_is_refused() {
        let e = require_strong("passwordpassword", &[]).unwrap_err();
        assert!(e.reason.contains("need 3"), "{e}");
    }

    #[test]
    fn owner_name_does_not_count_as_strength() {
        let ctx = ["alice", "martin", "cert-lyon"];
        for p in ["alicemartin2026", "Alice-Martin-CERT-Lyon", "martin alice 12"] {
            let e = require_strong(p, &ctx).unwrap_err();
            assert!(e.reason.contains("name or organisation"), "{p}: {e}");
        }
        require_strong("alice copper lantern drift", &ctx).unwrap();
    }

    #[test]
    fn random_words_pass() {
        require_strong("copper lantern drift oyster", &[]).unwrap();
    }
}
