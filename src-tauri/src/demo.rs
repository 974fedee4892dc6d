//! The demo vault `make run` opens: created and seeded on first start through the core API.

use std::path::Path;

use casebook::demo::DEMO_PASSPHRASE;

/// Creates the demo vault at `dir` with its sample case, unless a vault is already there.
pub fn ensure(dir: &Path) -> Result<(), casebook::Error> {
    if casebook::Vault::exists(dir) {
        return Ok(());
    }
    let mut vault = casebook::Vault::init(dir, DEMO_PASSPHRASE, "Dana Keller", "CERT Rheinstadt")?;
    casebook::demo::seed(&mut vault)?;
    Ok(())
}
