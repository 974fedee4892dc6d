//! Observable type detection and normalization.
//!
//! Values are refanged first (`hxxp` → `http`, `[.]` `(.)` `{.}` `[dot]` → `.`, `[@]` `(@)` `[at]` →
//! `@`, `[:]` → `:`), then checked against their type and put in one canonical form: domains, hosts,
//! e-mail domains and hashes lower-case, IPv6 in RFC 5952 form, URL scheme and host lower-case. A value
//! that does not fit its type is refused with an error naming it.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::vocab::ObservableType;

/// Longest observable value, in bytes.
pub const MAX_VALUE_BYTES: usize = 8192;

/// A value that is not a valid observable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{value}\" is not a valid {what}: {reason}")]
pub struct ObservableError {
    /// The value as given (shortened).
    pub value: String,
    /// What it was taken for.
    pub what: String,
    /// Why not.
    pub reason: String,
}

fn err(value: &str, what: &str, reason: &str) -> ObservableError {
    ObservableError { value: value.chars().take(100).collect(), what: what.into(), reason: reason.into() }
}

/// Undoes the usual defanging of indicators.
pub fn refang(s: &str) -> String {
    let mut out = s.trim().to_string();
    for (from, to) in [
        ("[.]", "."),
        ("(.)", "."),
        ("{.}", "."),
        ("[dot]", "."),
        ("(dot)", "."),
        ("[@]", "@"),
        ("(@)", "@"),
        ("[at]", "@"),
        ("[:]", ":"),
        ("[://]", "://"),
        ("[/]", "/"),
    ] {
        out = replace_ignore_case(&out, from, to);
    }
    // Scheme forms: hxxp, hXXp, hxxps, fxp.
    let lower = out.to_ascii_lowercase();
    for (from, to) in [("hxxps://", "https://"), ("hxxp://", "http://"), ("fxp://", "ftp://")] {
        if lower.starts_with(from) {
            out = format!("{to}{}", &out[from.len()..]);
            break;
        }
    }
    out
}

fn replace_ignore_case(s: &str, from: &str, to: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(pos) = lower[i..].find(from) {
        out.push_str(&s[i..i + pos]);
        out.push_str(to);
        i += pos + from.len();
    }
    out.push_str(&s[i..]);
    out
}

const FILE_EXTENSIONS: &[&str] = &[
    "exe", "dll", "sys", "scr", "msi", "bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse", "hta", "lnk",
    "jar", "pdf", "doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "rtf", "txt", "csv", "log",
    "zip", "rar", "7z", "gz", "tar", "iso", "img", "vhd", "vhdx", "one", "html", "htm", "dat", "bin", "tmp",
    "py", "sh", "elf", "so", "apk", "dmg", "pkg", "eml", "msg",
];

/// Detects the type of `raw` (unless `kind` is given) and normalizes it.
pub fn normalize(
    kind: Option<ObservableType>,
    raw: &str,
) -> Result<(ObservableType, String), ObservableError> {
    if raw.len() > MAX_VALUE_BYTES {
        return Err(err(raw, "observable", &format!("longer than {MAX_VALUE_BYTES} bytes")));
    }
    let v = refang(raw);
    if v.is_empty() {
        return Err(err(raw, "observable", "it is empty"));
    }
    if v.chars().any(char::is_control) {
        return Err(err(raw, "observable", "it contains control characters"));
    }
    let kind = match kind {
        Some(k) => k,
        None => detect(&v).ok_or_else(|| {
            err(raw, "observable", "its type cannot be told from the value; give the type explicitly")
        })?,
    };
    let norm = match kind {
        ObservableType::Ipv4 => {
            ipv4(&v).ok_or_else(|| err(raw, "IPv4 address", "expected four numbers 0–255"))?
        }
        ObservableType::Ipv6 => ipv6(&v).ok_or_else(|| err(raw, "IPv6 address", "it does not parse"))?,
        ObservableType::Domain => domain(&v, true).map_err(|r| err(raw, "domain", r))?,
        ObservableType::Hostname => domain(&v, false).map_err(|r| err(raw, "host name", r))?,
        ObservableType::Url => url(&v).map_err(|r| err(raw, "URL", r))?,
        ObservableType::Email => email(&v).map_err(|r| err(raw, "e-mail address", r))?,
        ObservableType::Md5 => hash(&v, 32).ok_or_else(|| err(raw, "MD5 hash", "expected 32 hex digits"))?,
        ObservableType::Sha1 => {
            hash(&v, 40).ok_or_else(|| err(raw, "SHA-1 hash", "expected 40 hex digits"))?
        }
        ObservableType::Sha256 => {
            hash(&v, 64).ok_or_else(|| err(raw, "SHA-256 hash", "expected 64 hex digits"))?
        }
        ObservableType::RegistryKey => registry_key(&v).map_err(|r| err(raw, "registry key", r))?,
        ObservableType::Filename => {
            if v.contains(['/', '\\']) {
                return Err(err(raw, "file name", "it contains a path separator; use the name alone"));
            }
            v
        }
        ObservableType::Account | ObservableType::Process | ObservableType::Other => v,
    };
    Ok((kind, norm))
}

fn detect(v: &str) -> Option<ObservableType> {
    if ipv4(v).is_some() {
        return Some(ObservableType::Ipv4);
    }
    if ipv6(v).is_some() {
        return Some(ObservableType::Ipv6);
    }
    if v.contains("://") {
        return Some(ObservableType::Url);
    }
    if v.bytes().all(|b| b.is_ascii_hexdigit()) {
        return match v.len() {
            32 => Some(ObservableType::Md5),
            40 => Some(ObservableType::Sha1),
            64 => Some(ObservableType::Sha256),
            _ => None,
        };
    }
    if registry_key(v).is_ok() {
        return Some(ObservableType::RegistryKey);
    }
    if v.contains('@') {
        return email(v).ok().map(|_| ObservableType::Email);
    }
    let ext = v.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if let Some(ext) = &ext
        && FILE_EXTENSIONS.contains(&ext.as_str())
        && !v.contains(['/', '\\'])
    {
        return Some(ObservableType::Filename);
    }
    if domain(v, true).is_ok() {
        return Some(ObservableType::Domain);
    }
    None
}

fn ipv4(v: &str) -> Option<String> {
    v.parse::<Ipv4Addr>().ok().map(|a| a.to_string())
}

fn ipv6(v: &str) -> Option<String> {
    let inner = v.strip_prefix('[').and_then(|s| s.strip_suffix(']')).unwrap_or(v);
    inner.parse::<Ipv6Addr>().ok().map(|a| a.to_string())
}

fn hash(v: &str, len: usize) -> Option<String> {
    (v.len() == len && v.bytes().all(|b| b.is_ascii_hexdigit())).then(|| v.to_ascii_lowercase())
}

fn domain(v: &str, need_tld: bool) -> Result<String, &'static str> {
    let d = v.strip_suffix('.').unwrap_or(v).to_ascii_lowercase();
    if d.is_empty() || d.len() > 253 {
        return Err("a name must have 1–253 characters");
    }
    let labels: Vec<&str> = d.split('.').collect();
    if need_tld && labels.len() < 2 {
        return Err("a domain needs at least two labels, like example.org");
    }
    for l in &labels {
        if l.is_empty() || l.len() > 63 {
            return Err("each label must have 1–63 characters");
        }
        if !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err("only letters, digits, '-' and '_' are allowed");
        }
        if l.starts_with('-') || l.ends_with('-') {
            return Err("a label cannot start or end with '-'");
        }
    }
    if need_tld
        && !labels.last().is_some_and(|t| t.bytes().all(|b| b.is_ascii_alphabetic()) || t.starts_with("xn--"))
    {
        return Err("the top-level label must be letters");
    }
    Ok(d)
}

fn email(v: &str) -> Result<String, &'static str> {
    let (local, dom) = v.rsplit_once('@').ok_or("it has no '@'")?;
    if local.is_empty() || local.len() > 64 || local.contains(char::is_whitespace) {
        return Err("the part before '@' must be 1–64 characters without spaces");
    }
    let dom = domain(dom, true)?;
    Ok(format!("{local}@{dom}"))
}

fn url(v: &str) -> Result<String, &'static str> {
    let (scheme, rest) = v.split_once("://").ok_or("it has no scheme://")?;
    if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)) {
        return Err("the scheme is invalid");
    }
    if rest.contains(char::is_whitespace) {
        return Err("it contains spaces");
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let userinfo = &authority[..authority.len() - hostport.len()];
    let (host, port) = if hostport.starts_with('[') {
        let close = hostport.find(']').ok_or("an IPv6 host is not closed with ']'")?;
        (ipv6(&hostport[..=close]).map(|h| format!("[{h}]")).ok_or("bad IPv6 host")?, &hostport[close + 1..])
    } else {
        let (h, p) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h, &hostport[h.len()..][..p.len() + 1]),
            None => (hostport, ""),
        };
        let h = ipv4(h).map_or_else(|| domain(h, false), Ok)?;
        (h, p)
    };
    let port_ok =
        port.strip_prefix(':').is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !port.is_empty() && !port_ok {
        return Err("the port is not a number");
    }
    if host.is_empty() {
        return Err("it has no host");
    }
    Ok(format!("{}://{userinfo}{host}{port}{path}", scheme.to_ascii_lowercase()))
}

fn registry_key(v: &str) -> Result<String, &'static str> {
    const HIVES: &[&str] = &[
        "HKEY_LOCAL_MACHINE",
        "HKEY_CURRENT_USER",
        "HKEY_CLASSES_ROOT",
        "HKEY_USERS",
        "HKEY_CURRENT_CONFIG",
        "HKLM",
        "HKCU",
        "HKCR",
        "HKU",
        "HKCC",
    ];
    let (hive, rest) = v.split_once('\\').unwrap_or((v, ""));
    let hive_up = hive.to_ascii_uppercase();
    if !HIVES.contains(&hive_up.as_str()) {
        return Err("it must start with a hive such as HKLM\\ or HKEY_CURRENT_USER\\");
    }
    Ok(if rest.is_empty() { hive_up } else { format!("{hive_up}\\{rest}") })
}
