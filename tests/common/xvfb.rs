//! A virtual X display (Xvfb) for the tests that start the real window, killed on drop.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::path_str;

pub struct Display {
    xvfb: Child,
    /// The `DISPLAY` value, e.g. `:80`.
    pub name: String,
}

impl Display {
    /// Display `:number`, 1280×900; callers add a few by process id so that parallel
    /// test binaries and runs keep apart.
    pub fn start(number: u32) -> Self {
        let name = format!(":{number}");
        let xvfb = Command::new("Xvfb")
            .args([name.as_str(), "-screen", "0", "1280x900x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (installed by `make deps`)");
        std::thread::sleep(Duration::from_millis(800));
        Self { xvfb, name }
    }

    pub fn screenshot(&self, out: &Path) {
        let status = Command::new("import")
            .env("DISPLAY", &self.name)
            .args(["-window", "root", path_str(out)])
            .status()
            .unwrap();
        assert!(status.success(), "screenshot failed");
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}
