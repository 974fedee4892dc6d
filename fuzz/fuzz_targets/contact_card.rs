//! Contact cards pasted from anywhere.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(card) = casebook::Card::parse(text) {
            // A card that parses must parse again from its own rendering, to the same card.
            assert_eq!(casebook::Card::parse(&card.to_text()).unwrap(), card);
        }
    }
});
