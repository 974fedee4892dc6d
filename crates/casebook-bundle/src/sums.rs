//! `SHA256SUMS` in the format `sha256sum` writes and `sha256sum -c` checks: `<64 hex>  <path>\n`.

use std::collections::BTreeMap;

use crate::BundleError;

/// Renders the sums, sorted by path.
pub(crate) fn render(sums: &BTreeMap<String, [u8; 32]>) -> Vec<u8> {
    let mut out = String::new();
    for (path, h) in sums {
        out.push_str(&hex::encode(h));
        out.push_str("  ");
        out.push_str(path);
        out.push('\n');
    }
    out.into_bytes()
}

/// Parses the sums strictly: every line well-formed, no path twice.
pub(crate) fn parse(bytes: &[u8]) -> Result<BTreeMap<String, [u8; 32]>, BundleError> {
    let bad = |why: String| BundleError::Malformed(format!("SHA256SUMS: {why}"));
    let text = std::str::from_utf8(bytes).map_err(|_| bad("not UTF-8".into()))?;
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let (h, path) =
            line.split_once("  ").ok_or_else(|| bad(format!("line {} is not `HASH  PATH`", n + 1)))?;
        let mut hash = [0u8; 32];
        hex::decode_to_slice(h, &mut hash).map_err(|_| bad(format!("line {} has a bad hash", n + 1)))?;
        if out.insert(path.to_string(), hash).is_some() {
            return Err(bad(format!("{path} is listed twice")));
        }
    }
    Ok(out)
}
