//! One running window per user and data folder: a second start brings the first window
//! forward and exits, instead of opening a second capture that writes sessions into the
//! same folder.
//!
//! Two pieces, each for what it is good at:
//! * **the lock**: `instance.lock` in the data folder, held with an exclusive advisory
//!   lock (`flock` on Unix, `LockFileEx` on Windows, through std's `File::try_lock`).
//!   The kernel drops it when the process ends, however it ends, so a crash or a
//!   `kill -9` never leaves a stale "already running" behind, and two starts racing each
//!   other cannot both win;
//! * **the doorbell**, how the second start asks the first to come forward: on Unix a
//!   socket file `instance.sock` beside the lock (inside the 0700 data folder, so only
//!   the user can ring it); on Windows a named pipe whose name is derived from the data
//!   folder, created with `PIPE_REJECT_REMOTE_CLIENTS` (named pipes are otherwise
//!   reachable over SMB) and `FILE_FLAG_FIRST_PIPE_INSTANCE` (no other process can
//!   answer in our place), inbound only, so that the default ACL lets only the user write.
//!
//! No loopback TCP: README promises that only `team` uses the network, and a port is
//! open to every local user. No crate either: std has the lock and the Unix socket, and
//! the Windows server side is three `kernel32` calls (the client opens the pipe as a file).

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use thiserror::Error;

/// What the doorbell carries: the one request there is.
const SHOW: &[u8] = b"show\n";
/// How long a second start keeps ringing: the first may still be opening its window
/// (the lock is taken before the window exists), which on a busy PC's cold start takes
/// more than the 5 s this was (the desktop test missed it twice on a 2-core machine
/// building in the background).
const RING_FOR: Duration = Duration::from_secs(15);

#[derive(Debug, Error)]
pub enum InstanceError {
    #[error("{path}: cannot create the data folder: {source}")]
    Folder { path: PathBuf, source: std::io::Error },
    #[error("{path}: cannot take the one-window lock: {source}")]
    Lock { path: PathBuf, source: std::io::Error },
    #[error("{name}: a second start will not find this window: {source}")]
    Doorbell { name: String, source: std::io::Error },
}

/// The outcome of [`claim`].
pub enum Claim {
    /// No other window on this data folder: this process is it, as long as it holds this.
    First(Primary),
    /// Another window holds the folder; it was asked to come forward (`raised`) or did
    /// not answer in time.
    AlreadyRunning { raised: bool },
}

/// The running window's hold on its data folder; dropping it lets the next start in.
pub struct Primary {
    _lock: File,
    doorbell: Option<Doorbell>,
    #[cfg(unix)]
    socket: PathBuf,
}

impl Primary {
    /// The doorbell, to answer with [`Doorbell::answer`]; `None` after the first call.
    pub fn take_doorbell(&mut self) -> Option<Doorbell> {
        self.doorbell.take()
    }
}

#[cfg(unix)]
impl Drop for Primary {
    fn drop(&mut self) {
        // Still holding the lock: nobody else can have bound it meanwhile.
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// Takes the data folder for this process, or rings the window that has it.
pub fn claim(data_dir: &Path) -> Result<Claim, InstanceError> {
    crate::platform::private::create_dir_all(data_dir)
        .map_err(|source| InstanceError::Folder { path: data_dir.to_path_buf(), source })?;
    let lock_path = data_dir.join("instance.lock");
    let lock_error = |source| InstanceError::Lock { path: lock_path.clone(), source };
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    // Like every file in the data folder: the user's alone.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let lock = options.open(&lock_path).map_err(lock_error)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Ok(Claim::AlreadyRunning { raised: ring(data_dir) });
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(lock_error(e)),
    }
    // The lock is what keeps a second capture out; without a doorbell the window still
    // opens, and a second start only cannot bring it forward.
    let doorbell = match Doorbell::open(data_dir) {
        Ok(doorbell) => Some(doorbell),
        Err(e) => {
            crate::errln!("speech-coach: {e}");
            None
        }
    };
    Ok(Claim::First(Primary {
        _lock: lock,
        doorbell,
        #[cfg(unix)]
        socket: socket_path(data_dir),
    }))
}

/// Asks the running window to come forward; `false` if it did not answer in time.
///
/// The ringing runs on a thread of its own so that a first window that accepts a ring
/// and then never reads it (hung, stopped) costs this start `RING_FOR`, not forever.
fn ring(data_dir: &Path) -> bool {
    let deadline = Instant::now() + RING_FOR;
    let (done, answered) = std::sync::mpsc::channel();
    let data_dir = data_dir.to_path_buf();
    let ringer = std::thread::Builder::new().name("instance-ring".into()).spawn(move || {
        loop {
            if ring_once(&data_dir).is_ok() {
                let _ = done.send(());
                return;
            }
            if Instant::now() >= deadline {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    if ringer.is_err() {
        return false;
    }
    // A little past the deadline: the last try may have started just before it.
    answered.recv_timeout(RING_FOR + Duration::from_secs(1)).is_ok()
}

/// The running window's side of the doorbell.
pub struct Doorbell {
    #[cfg(unix)]
    listener: std::os::unix::net::UnixListener,
    #[cfg(windows)]
    pipe: pipe::Server,
}

impl Doorbell {
    /// Answers every ring on a thread of its own with `on_ring` (which should only ask
    /// the window to come forward: it runs off the UI thread).
    pub fn answer(self, on_ring: impl Fn() + Send + 'static) {
        let spawned = std::thread::Builder::new()
            .name("instance-doorbell".into())
            .spawn(move || self.serve(on_ring));
        if let Err(e) = spawned {
            crate::errln!("speech-coach: a second start will not find this window: {e}");
        }
    }
}

#[cfg(unix)]
fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join("instance.sock")
}

#[cfg(unix)]
impl Doorbell {
    fn open(data_dir: &Path) -> Result<Self, InstanceError> {
        let path = socket_path(data_dir);
        // Left by a window that crashed: we hold the lock, so it is nobody's.
        let _ = std::fs::remove_file(&path);
        let listener = std::os::unix::net::UnixListener::bind(&path).map_err(|source| {
            InstanceError::Doorbell { name: path.display().to_string(), source }
        })?;
        Ok(Self { listener })
    }

    fn serve(self, on_ring: impl Fn()) {
        for stream in self.listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            // A client that connects and says nothing must not stall the next one.
            let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
            let mut request = [0u8; 16];
            let n = stream.read(&mut request).unwrap_or(0);
            if request[..n] == *SHOW {
                on_ring();
            }
        }
    }
}

#[cfg(unix)]
fn ring_once(data_dir: &Path) -> std::io::Result<()> {
    let mut stream = std::os::unix::net::UnixStream::connect(socket_path(data_dir))?;
    stream.write_all(SHOW)
}

#[cfg(windows)]
impl Doorbell {
    fn open(data_dir: &Path) -> Result<Self, InstanceError> {
        let name = pipe::name(data_dir);
        let pipe = pipe::Server::create(&name)
            .map_err(|source| InstanceError::Doorbell { name: name.clone(), source })?;
        Ok(Self { pipe })
    }

    fn serve(self, on_ring: impl Fn()) {
        let mut server = self.pipe;
        loop {
            // A client that rang and hung up before we waited for it shows as an error
            // here (ERROR_NO_DATA): not a reason to stop answering.
            match server.accept() {
                Ok(mut client) => {
                    let mut request = [0u8; 16];
                    let n = client.read(&mut request).unwrap_or(0);
                    if request[..n] == *SHOW {
                        on_ring();
                    }
                }
                // Not a busy loop if the pipe keeps failing.
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
            // One instance of the pipe at a time (and FILE_FLAG_FIRST_PIPE_INSTANCE): the
            // old one is closed before the next ring's is made; a client arriving in
            // between retries (see `ring`).
            let name = server.name.clone();
            drop(server);
            server = match pipe::Server::create(&name) {
                Ok(s) => s,
                Err(e) => {
                    crate::errln!("speech-coach: a second start will not find this window: {e}");
                    return;
                }
            };
        }
    }
}

#[cfg(windows)]
fn ring_once(data_dir: &Path) -> std::io::Result<()> {
    // The window about to come forward may take the foreground only if the process the
    // user just started (which has it) allows it.
    pipe::allow_foreground();
    let mut client = std::fs::OpenOptions::new().write(true).open(pipe::name(data_dir))?;
    client.write_all(SHOW)?;
    // FlushFileBuffers: returns once the window has read the request. Closing at once
    // instead lost the ring whenever we connected before the window's ConnectNamedPipe
    // (it then fails with ERROR_NO_DATA and the request is gone, though our write
    // succeeded): `make test-windows` missed a ring that way in CI.
    client.sync_all()
}

#[cfg(windows)]
#[allow(unsafe_code)] // the named pipe's Win32 calls, each with its SAFETY note
mod pipe {
    use std::fs::File;
    use std::os::windows::io::{FromRawHandle, RawHandle};
    use std::path::Path;

    // winbase.h / winnt.h.
    const PIPE_ACCESS_INBOUND: u32 = 0x0000_0001;
    const FILE_FLAG_FIRST_PIPE_INSTANCE: u32 = 0x0008_0000;
    const PIPE_TYPE_BYTE: u32 = 0;
    const PIPE_WAIT: u32 = 0;
    const PIPE_REJECT_REMOTE_CLIENTS: u32 = 0x0000_0008;
    const ERROR_PIPE_CONNECTED: i32 = 535;
    const INVALID_HANDLE_VALUE: RawHandle = -1isize as RawHandle;
    const ASFW_ANY: u32 = u32::MAX;

    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn CreateNamedPipeW(
            name: *const u16,
            open_mode: u32,
            pipe_mode: u32,
            max_instances: u32,
            out_buffer: u32,
            in_buffer: u32,
            default_timeout_ms: u32,
            security: *mut std::ffi::c_void,
        ) -> RawHandle;
        fn ConnectNamedPipe(pipe: RawHandle, overlapped: *mut std::ffi::c_void) -> i32;
    }
    #[link(name = "user32")]
    unsafe extern "system" {
        fn AllowSetForegroundWindow(process_id: u32) -> i32;
    }

    /// `\\.\pipe\speech-coach-<hash of the data folder>`: per data folder like the lock,
    /// and so per user (each has their own `%APPDATA%`). FNV-1a: stable across builds,
    /// unlike std's hasher.
    pub fn name(data_dir: &Path) -> String {
        let folder = data_dir.to_string_lossy().to_lowercase();
        let hash = folder.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!(r"\\.\pipe\speech-coach-{hash:016x}")
    }

    pub fn allow_foreground() {
        // SAFETY: no pointers; failure (we do not have the foreground) is harmless.
        unsafe { AllowSetForegroundWindow(ASFW_ANY) };
    }

    /// One instance of the pipe, waiting for its client.
    pub struct Server {
        pub name: String,
        handle: File,
    }

    impl Server {
        pub fn create(name: &str) -> std::io::Result<Self> {
            let wide: Vec<u16> = name.encode_utf16().chain(Some(0)).collect();
            // SAFETY: `wide` is NUL-terminated and outlives the call; no security
            // attributes (the default ACL: the user and the system may write).
            let handle = unsafe {
                CreateNamedPipeW(
                    wide.as_ptr(),
                    PIPE_ACCESS_INBOUND | FILE_FLAG_FIRST_PIPE_INSTANCE,
                    PIPE_TYPE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
                    1,
                    0,
                    64,
                    0,
                    std::ptr::null_mut(),
                )
            };
            if handle == INVALID_HANDLE_VALUE || handle.is_null() {
                return Err(std::io::Error::last_os_error());
            }
            // SAFETY: a handle we just opened and own; File closes it on drop.
            let handle = unsafe { File::from_raw_handle(handle) };
            Ok(Self { name: name.to_string(), handle })
        }

        /// Waits for a client; the connected pipe, to read its request from.
        pub fn accept(&mut self) -> std::io::Result<File> {
            use std::os::windows::io::AsRawHandle;
            // SAFETY: our pipe handle, synchronous (no OVERLAPPED).
            let connected =
                unsafe { ConnectNamedPipe(self.handle.as_raw_handle(), std::ptr::null_mut()) };
            let error = std::io::Error::last_os_error();
            if connected == 0 && error.raw_os_error() != Some(ERROR_PIPE_CONNECTED) {
                return Err(error);
            }
            self.handle.try_clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// How long a test waits for the first window's doorbell: a success returns at once.
    /// (Under Wine a ring once went unanswered for 30 s: the client had closed before
    /// the window's ConnectNamedPipe; `ring_once` now waits until it is read.)
    const RUNG_WITHIN: Duration = Duration::from_secs(30);

    fn folder(name: &str) -> PathBuf {
        let d = std::env::temp_dir()
            .join(format!("speech-coach-instance-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn a_second_claim_rings_the_first_and_the_folder_is_free_again_once_it_is_dropped() {
        let dir = folder("ring");
        let Claim::First(mut first) = claim(&dir).unwrap() else { panic!("the first claim") };
        let (rang, rings) = mpsc::channel();
        first.take_doorbell().unwrap().answer(move || rang.send(()).unwrap());
        // Each claim opens the lock file anew, so even within one process the second
        // finds it taken (flock and LockFileEx lock per open file).
        let Claim::AlreadyRunning { raised } = claim(&dir).unwrap() else {
            panic!("a second claim while the first holds the folder")
        };
        assert!(raised, "the first answered");
        rings.recv_timeout(RUNG_WITHIN).expect("the first window was rung");
        // And again: the doorbell keeps answering.
        assert!(matches!(claim(&dir).unwrap(), Claim::AlreadyRunning { raised: true }));
        rings.recv_timeout(RUNG_WITHIN).expect("rung a second time");
        drop(first);
        // (Within this process the first doorbell's thread still answers on Windows, so
        // the new window may have none: only the lock is checked here.)
        assert!(matches!(claim(&dir).unwrap(), Claim::First(_)), "free after the first ended");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn another_data_folder_is_another_window() {
        let (a, b) = (folder("a"), folder("b"));
        let first = claim(&a).unwrap();
        assert!(matches!(first, Claim::First(_)));
        assert!(matches!(claim(&b).unwrap(), Claim::First(_)));
        drop(first);
        let _ = (std::fs::remove_dir_all(&a), std::fs::remove_dir_all(&b));
    }

    #[cfg(unix)]
    #[test]
    fn a_socket_left_by_a_crashed_window_does_not_stop_the_next_one() {
        let dir = folder("stale");
        std::fs::create_dir_all(&dir).unwrap();
        // What a killed window leaves: its socket file (the lock went with the process).
        drop(std::os::unix::net::UnixListener::bind(dir.join("instance.sock")).unwrap());
        let Claim::First(mut first) = claim(&dir).unwrap() else { panic!("a stale socket won") };
        let (rang, rings) = mpsc::channel();
        first.take_doorbell().unwrap().answer(move || rang.send(()).unwrap());
        assert!(matches!(claim(&dir).unwrap(), Claim::AlreadyRunning { raised: true }));
        rings.recv_timeout(RUNG_WITHIN).expect("the new window was rung");
        drop(first);
        assert!(!dir.join("instance.sock").exists(), "the socket goes with its window");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
