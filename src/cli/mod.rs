//! Command-line front ends: argument types and one module per subcommand.

#[macro_use]
pub mod stdout;

pub mod analyze;
pub mod devices;
pub mod frames_csv;
pub mod history;
pub mod listen;
pub mod output;
pub mod rehearse;
pub mod sessions;
pub mod table;
pub mod team;
pub mod terminal;
