//! Helpers for the end-to-end tests: where the shared data lives, scratch folders, and the
//! external tools (sox, espeak-ng, praat) that make test audio. `.ci/run` installs them.
#![allow(dead_code)]

pub mod calls;
pub mod eval;
pub mod frames;
pub mod gui;
// Debian's PostgreSQL server run as another user (chown, runuser): Unix only, like the
// team tests that use it.
#[cfg(unix)]
pub mod pg;
pub mod turns;
pub mod vmic;
pub mod xvfb;

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared").join("data")
}

/// A fresh scratch folder under the target directory, unique to the test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs an external tool and panics with its stderr if it fails.
pub fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {program} (is it installed? `make deps` installs it): {e}")
    });
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The `speech-coach` binary built for this test run.
pub fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_speech-coach"))
}
