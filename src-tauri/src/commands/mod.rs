//! The IPC commands, one file per area. Each is an adapter: take the state, call one use case of
//! `casebook`, convert the result to a DTO.

pub mod cases;
pub mod dialogs;
pub mod history;
pub mod inbox;
pub mod partners;
pub mod records;
pub mod share;
pub mod timeline;
pub mod vault;
