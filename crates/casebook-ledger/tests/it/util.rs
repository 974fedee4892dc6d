pub use casebook_ledger::testkit::Author;
