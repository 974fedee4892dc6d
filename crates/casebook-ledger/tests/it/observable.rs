use casebook_ledger::ObservableType as T;
use casebook_ledger::observable::normalize;

/// (given type, raw value, expected type and value — or Err with a fragment of the message).
type Case = (Option<T>, &'static str, Result<(T, &'static str), &'static str>);

const TABLE: &[Case] = &[
    // IPv4
    (None, "192.168.1.10", Ok((T::Ipv4, "192.168.1.10"))),
    (None, "192[.]168[.]1[.]10", Ok((T::Ipv4, "192.168.1.10"))),
    (None, "10(.)0(.)0(.)1", Ok((T::Ipv4, "10.0.0.1"))),
    (None, " 8.8.8.8 ", Ok((T::Ipv4, "8.8.8.8"))),
    (Some(T::Ipv4), "999.1.1.1", Err("not a valid IPv4 address")),
    (Some(T::Ipv4), "1.2.3", Err("not a valid IPv4 address")),
    (Some(T::Ipv4), "01.2.3.4", Err("not a valid IPv4 address")),
    // IPv6
    (None, "2001:0DB8:0000:0000:0000:0000:0000:0001", Ok((T::Ipv6, "2001:db8::1"))),
    (None, "[2001:db8::1]", Ok((T::Ipv6, "2001:db8::1"))),
    (None, "FE80::0:0:1", Ok((T::Ipv6, "fe80::1"))),
    (Some(T::Ipv6), "2001:db8:::1", Err("not a valid IPv6 address")),
    (Some(T::Ipv6), "::ffff:1.2.3.4", Ok((T::Ipv6, "::ffff:1.2.3.4"))),
    // Domains
    (None, "Evil.Example.COM", Ok((T::Domain, "evil.example.com"))),
    (None, "evil[.]example[.]com", Ok((T::Domain, "evil.example.com"))),
    (None, "evil{.}example(dot)org", Ok((T::Domain, "evil.example.org"))),
    (None, "evil.example.com.", Ok((T::Domain, "evil.example.com"))),
    (None, "xn--bcher-kva.example", Ok((T::Domain, "xn--bcher-kva.example"))),
    (Some(T::Domain), "localhost", Err("at least two labels")),
    (Some(T::Domain), "-bad.example.com", Err("cannot start or end")),
    (Some(T::Domain), "bad..example.com", Err("1–63 characters")),
    (Some(T::Domain), "evil.exa mple.com", Err("only letters")),
    (Some(T::Domain), "example.123", Err("top-level label")),
    // Host names
    (Some(T::Hostname), "WS-042", Ok((T::Hostname, "ws-042"))),
    (Some(T::Hostname), "hist-01.scada.local", Ok((T::Hostname, "hist-01.scada.local"))),
    // URLs
    (None, "hxxp://evil[.]example/payload.exe", Ok((T::Url, "http://evil.example/payload.exe"))),
    (
        None,
        "hXXps[://]Evil.Example:8443/Login?Next=/A",
        Ok((T::Url, "https://evil.example:8443/Login?Next=/A")),
    ),
    (None, "fxp://files.example.org/x", Ok((T::Url, "ftp://files.example.org/x"))),
    (None, "http://[2001:DB8::1]/x", Ok((T::Url, "http://[2001:db8::1]/x"))),
    (None, "http://10.1.2.3:8080", Ok((T::Url, "http://10.1.2.3:8080"))),
    (Some(T::Url), "http://exa mple.com/", Err("contains spaces")),
    (Some(T::Url), "http://evil.example:port/", Err("port is not a number")),
    (Some(T::Url), "evil.example/path", Err("no scheme")),
    // E-mail
    (None, "Phisher@Evil.Example", Ok((T::Email, "Phisher@evil.example"))),
    (None, "phisher[@]evil[.]example", Ok((T::Email, "phisher@evil.example"))),
    (None, "phisher[at]evil[dot]example", Ok((T::Email, "phisher@evil.example"))),
    (Some(T::Email), "no-at-sign.example", Err("no '@'")),
    (Some(T::Email), "@evil.example", Err("before '@'")),
    // Hashes
    (None, "D41D8CD98F00B204E9800998ECF8427E", Ok((T::Md5, "d41d8cd98f00b204e9800998ecf8427e"))),
    (
        None,
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        Ok((T::Sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709")),
    ),
    (
        None,
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        Ok((T::Sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")),
    ),
    (Some(T::Sha256), "e3b0c44298fc1c149afbf4c8996fb924", Err("expected 64 hex digits")),
    (Some(T::Md5), "zz1d8cd98f00b204e9800998ecf8427e", Err("expected 32 hex digits")),
    (None, "abcdef1234", Err("type cannot be told")),
    // Files, registry, other kinds
    (None, "invoice_2024.pdf.exe", Ok((T::Filename, "invoice_2024.pdf.exe"))),
    (None, "README.txt", Ok((T::Filename, "README.txt"))),
    (Some(T::Filename), "C:\\Users\\x\\evil.exe", Err("path separator")),
    (
        None,
        "hklm\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
        Ok((T::RegistryKey, "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run")),
    ),
    (Some(T::RegistryKey), "HKEY_CURRENT_USER\\Run", Ok((T::RegistryKey, "HKEY_CURRENT_USER\\Run"))),
    (Some(T::RegistryKey), "SOFTWARE\\Run", Err("hive")),
    (Some(T::Account), "CORP\\svc_backup", Ok((T::Account, "CORP\\svc_backup"))),
    (Some(T::Process), "powershell.exe -enc SQBFAFgA", Ok((T::Process, "powershell.exe -enc SQBFAFgA"))),
    (Some(T::Other), "   ", Err("empty")),
    (Some(T::Other), "bell\u{7}", Err("control characters")),
    (None, "just some words", Err("type cannot be told")),
];

#[test]
fn normalization_table() {
    assert!(TABLE.len() >= 40, "the table must keep at least 40 cases");
    let mut failures = vec![];
    for (kind, raw, expected) in TABLE {
        let got = normalize(*kind, raw);
        let ok = match (&got, expected) {
            (Ok((t, v)), Ok((et, ev))) => t == et && v == ev,
            (Err(e), Err(fragment)) => e.to_string().contains(fragment) && e.to_string().contains(raw.trim()),
            _ => false,
        };
        if !ok {
            failures.push(format!("{kind:?} {raw:?}: got {got:?}, expected {expected:?}"));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn normalizing_twice_changes_nothing() {
    for (kind, raw, _) in TABLE {
        if let Ok((t, v)) = normalize(*kind, raw) {
            assert_eq!(normalize(Some(t), &v).unwrap(), (t, v.clone()), "{raw}");
        }
    }
}
