//! Command-line front ends: argument types and one module per subcommand.

pub mod analyze;
pub mod devices;
pub mod listen;
pub mod rehearse;
pub mod sessions;
pub mod output;
pub mod terminal;
