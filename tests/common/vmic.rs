//! A PulseAudio pipe-source as a virtual microphone behind ALSA's `pulse` plugin, in a
//! private server per test, fed at real-time pace.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{binary, path_str, scratch};

pub const RATE: u32 = 16000;

pub struct VirtualMic {
    server: Child,
    runtime: PathBuf,
    pub fifo: PathBuf,
}

impl VirtualMic {
    pub fn start(name: &str) -> Self {
        let runtime = scratch(name);
        let mut server = Command::new("pulseaudio")
            .args([
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--disallow-exit",
                "-n",
                "--load=module-native-protocol-unix",
                "--load=module-null-sink",
            ])
            .env("PULSE_RUNTIME_PATH", &runtime)
            .env("XDG_RUNTIME_DIR", &runtime)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pulseaudio (installed by `make deps`)");
        let mic = Self {
            fifo: runtime.join("mic.fifo"),
            runtime,
            server: Command::new("true").spawn().unwrap(),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !mic.pactl_ok(&["info"]) {
            if let Ok(Some(status)) = server.try_wait() {
                panic!("pulseaudio exited: {status}");
            }
            assert!(Instant::now() < deadline, "pulseaudio did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut mic = mic;
        mic.server = server;
        mic.plug();
        mic
    }

    pub fn env(&self, cmd: &mut Command) {
        cmd.env("PULSE_SERVER", format!("unix:{}", self.runtime.join("native").display()))
            .env("PULSE_RUNTIME_PATH", &self.runtime)
            .env("XDG_RUNTIME_DIR", &self.runtime);
    }

    /// `pactl` with `args`, wired to this server.
    fn pactl_command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("pactl");
        self.env(&mut cmd);
        cmd.args(args);
        cmd
    }

    fn pactl_ok(&self, args: &[&str]) -> bool {
        self.pactl_command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    fn pactl(&self, args: &[&str]) {
        assert!(self.pactl_ok(args), "pactl {args:?} failed");
    }

    /// What `pactl` prints for `args` on this server.
    pub fn pactl_output(&self, args: &[&str]) -> String {
        let out = self.pactl_command(args).output().expect("pactl");
        assert!(out.status.success(), "pactl {args:?} failed");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Loads the pipe-source and makes it the default microphone.
    pub fn plug(&self) {
        let file = format!("file={}", self.fifo.display());
        let rate = format!("rate={RATE}");
        self.pactl(&[
            "load-module",
            "module-pipe-source",
            "source_name=vmic",
            &file,
            "format=s16le",
            &rate,
            "channels=1",
        ]);
        self.pactl(&["set-default-source", "vmic"]);
    }

    /// Mutes or unmutes the microphone at the sound server, as a headset's mute button
    /// or the desktop's mixer does: the stream keeps running and carries exact zeros.
    pub fn mute(&self, muted: bool) {
        self.pactl(&["set-source-mute", "vmic", if muted { "1" } else { "0" }]);
    }

    pub fn unplug(&self) {
        self.pactl(&["unload-module", "module-pipe-source"]);
    }

    /// `speech-coach` wired to this server, output captured.
    pub fn command(&self) -> Command {
        let mut cmd = binary();
        self.env(&mut cmd);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd
    }

    /// `speech-coach listen` on this server through the given cpal host: `alsa` (ALSA's
    /// `pulse` plugin) or `pulseaudio` (the native protocol).
    pub fn listen(&self, host: &str, seconds: f64, csv: &Path) -> Child {
        self.command()
            .env("SPEECH_COACH_AUDIO_HOST", host)
            .args(["listen", "--seconds", &seconds.to_string(), "--frames", path_str(csv)])
            .spawn()
            .unwrap()
    }
}

impl Drop for VirtualMic {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// 16-bit mono PCM of `wav` at the virtual microphone's rate.
pub fn raw_pcm(wav: &Path) -> Vec<u8> {
    let out = Command::new("sox")
        .args([
            path_str(wav),
            "-t",
            "raw",
            "-r",
            &RATE.to_string(),
            "-e",
            "signed",
            "-b",
            "16",
            "-c",
            "1",
            "-",
        ])
        .output()
        .expect("sox");
    assert!(out.status.success());
    out.stdout
}

/// A thread writing into the virtual microphone; [`Feeder::stop`] ends it (so does drop).
pub struct Feeder {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Feeder {
    /// Stops writing and waits for the thread; a panic in it fails the test here.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.take().expect("joined once").join().unwrap();
    }
}

impl Drop for Feeder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Writes `pcm` into the FIFO in 20 ms pieces at real-time pace until stopped (looping when
/// `looped`); reopens the FIFO whenever it goes away (the module was unloaded).
pub fn feed(fifo: PathBuf, pcm: Vec<u8>, looped: bool) -> Feeder {
    let stop = Arc::new(AtomicBool::new(false));
    let stop_thread = stop.clone();
    let thread = std::thread::spawn(move || {
        let stop = stop_thread;
        let piece = (RATE as usize / 50) * 2;
        let start = Instant::now();
        let mut sent = 0usize;
        let mut pos = 0usize;
        // Two seconds of faint noise first, so capture is running when the speech starts.
        let lead_in = 2 * RATE as usize * 2;
        let noise: Vec<u8> =
            (0..piece).map(|i| if i % 2 == 0 { (i % 7) as u8 } else { 0 }).collect();
        while !stop.load(Ordering::Relaxed) {
            let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&fifo) else {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            };
            while !stop.load(Ordering::Relaxed) {
                if sent < lead_in {
                    if f.write_all(&noise).is_err() {
                        break;
                    }
                } else if pos >= pcm.len() {
                    if !looped {
                        // after the recording: keep the device alive with faint noise
                        if f.write_all(&noise).is_err() {
                            break;
                        }
                    } else {
                        pos = 0;
                    }
                } else {
                    let end = (pos + piece).min(pcm.len());
                    if f.write_all(&pcm[pos..end]).is_err() {
                        break;
                    }
                    pos = end;
                }
                sent += piece;
                let due = start + Duration::from_secs_f64(sent as f64 / (2.0 * RATE as f64));
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
            }
        }
    });
    Feeder { stop, thread: Some(thread) }
}
