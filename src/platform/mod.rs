//! What the app asks of the operating system's file layout, in one place: where its
//! folders are ([`paths`]) and how files that hold a person's voice or settings are made
//! private to them ([`private`]); the user's language ([`locale`]); and JSON files as
//! other programs leave them, a byte-order mark included ([`json`]); and files that are
//! read only when they are regular files, never a FIFO or a device ([`files`]); and lines
//! on standard error that never end the program when they cannot be written ([`stderr`]).

pub mod files;
pub mod json;
pub mod locale;
pub mod paths;
pub mod private;
pub mod stderr;
