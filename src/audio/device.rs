//! What microphones and the caller's side share: the cpal host, device names and ids, the
//! errors, and which inputs carry an output's sound rather than a voice. Both
//! [`super::capture`] (streams, the microphone) and [`super::caller`] (the caller's
//! source) take these from here, so neither reaches into the other.

use cpal::traits::DeviceTrait;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum CaptureError {
    #[error("no microphone found (no default input device)")]
    NoDevice,
    #[error("no input device matches {wanted:?}; available: {available}")]
    DeviceNotFound { wanted: String, available: String },
    #[error("cannot open {role} {device:?}: {reason}")]
    Open { role: Role, device: String, reason: String },
    #[error("{role} {device:?} uses sample format {format}, which is not supported")]
    UnsupportedFormat { role: Role, device: String, format: String },
    #[error("no caller source found: {reason}")]
    NoCallerSource { reason: String },
    #[error("no caller source matches {wanted:?}; available: {available}")]
    CallerNotFound { wanted: String, available: String },
    #[error("{HOST_ENV}={wanted:?} is not an audio host here; use one of: auto, {available}")]
    UnknownHost { wanted: String, available: String },
    #[error("audio host {host} is not available: {reason}")]
    HostUnavailable { host: String, reason: String },
}

/// Environment variable that picks the cpal host: `auto` (default), `alsa` or `pulseaudio`.
pub const HOST_ENV: &str = "SPEECH_COACH_AUDIO_HOST";

/// The cpal host to capture from.
///
/// `auto` is cpal's own order: PulseAudio's native protocol when a sound server answers
/// (PulseAudio itself, or PipeWire's pulse service on current desktops), plain ALSA
/// otherwise. The native protocol matters for cost: through ALSA's `pulse` plugin, cpal's
/// capture thread polls the plugin and spends about a tenth of a core doing it, while a
/// native record stream wakes once per fragment. `alsa` forces the ALSA path (the one
/// headsets without a sound server use).
pub fn host() -> Result<cpal::Host, CaptureError> {
    let wanted = std::env::var(HOST_ENV).unwrap_or_default();
    let wanted = wanted.trim();
    if wanted.is_empty() || wanted.eq_ignore_ascii_case("auto") {
        return Ok(cpal::default_host());
    }
    let id = cpal::available_hosts().into_iter().find(|id| id.name().eq_ignore_ascii_case(wanted));
    let Some(id) = id else {
        let available =
            cpal::available_hosts().iter().map(|id| id.name().to_lowercase()).collect::<Vec<_>>();
        return Err(CaptureError::UnknownHost {
            wanted: wanted.to_string(),
            available: available.join(", "),
        });
    };
    cpal::host_from_id(id).map_err(|e| CaptureError::HostUnavailable {
        host: id.name().to_string(),
        reason: e.to_string(),
    })
}

/// How to pick another audio host, when this build has more than one (ALSA and
/// PulseAudio on Linux; Windows has WASAPI alone, so nothing to say there).
pub fn host_choice_hint() -> Option<String> {
    let names = cpal::available_hosts().iter().map(|id| id.name().to_lowercase()).collect();
    host_hint(names)
}

fn host_hint(names: Vec<String>) -> Option<String> {
    (names.len() > 1).then(|| format!("set {HOST_ENV}={} to choose", names.join("|")))
}

/// One input device as `speech-coach devices` lists it.
#[derive(Debug, Clone)]
pub struct InputDevice {
    pub name: String,
    pub id: String,
    pub is_default: bool,
    pub default_config: Option<String>,
}

impl InputDevice {
    /// Whether it opened as an input when listed (ALSA's plugins, among others, do not):
    /// what a person can pick.
    pub fn opens(&self) -> bool {
        self.default_config.is_some()
    }
}

pub fn device_name(device: &cpal::Device) -> String {
    device
        .description()
        .map(|d| d.name().to_string())
        .or_else(|_| device.id().map(|id| id.to_string()))
        .unwrap_or_else(|_| "unknown device".into())
}

pub fn device_id(device: &cpal::Device) -> String {
    device.id().map(|id| id.to_string()).unwrap_or_default()
}

/// Which side of the call a stream captures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The agent's microphone.
    Microphone,
    /// What the softphone plays: an output's monitor (Linux), loopback or a capture
    /// device such as a virtual cable (Windows).
    Caller,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Microphone => "microphone",
            Role::Caller => "caller source",
        })
    }
}

/// Inputs that hosts list but that never carry the agent's voice, so they are not listed,
/// not chosen as a fallback, and opened only when asked for by their exact name:
/// - PulseAudio (and PipeWire's pulse service) offer what each output plays as an input
///   named `<output>.monitor`. During a call that is the caller's voice from the
///   softphone, and the server makes it the default when the last real microphone is
///   unplugged. Through WASAPI (Windows, and Wine on PulseAudio) the same input has an
///   endpoint id and only its name says it: "Monitor of …".
/// - Windows sound cards' loopback inputs, "Stereo Mix" ("立体声混音" on Chinese Windows,
///   "What U Hear" on Creative cards): what the speakers play, the caller again.
/// - ALSA's `null` device "generates zero samples" on capture.
pub(super) fn not_a_microphone(device: &cpal::Device) -> bool {
    is_output_mix(&device_id(device), &device_name(device))
}

/// Whether an input with this id and name carries what an output plays (see
/// [`not_a_microphone`]); a pure function of the two so that it is tested without devices.
pub(super) fn is_output_mix(id: &str, name: &str) -> bool {
    const MIX_NAMES: [&str; 4] = ["stereo mix", "立体声混音", "立體聲混音", "what u hear"];
    let name = name.trim().to_lowercase();
    id.ends_with(".monitor")
        || id == "alsa:null"
        || name.starts_with("monitor of ")
        || MIX_NAMES.iter().any(|mix| name.contains(mix))
}

/// alsa-lib prints every failed probe of its plugin devices to stderr; a user should see
/// our one-line message instead. The handler is per thread and collects into a buffer
/// that is dropped when the returned guard is (call again to start a fresh buffer).
#[cfg(target_os = "linux")]
pub fn quiet_alsa() -> Option<impl Sized> {
    alsa::Output::local_error_handler().ok()
}
#[cfg(not(target_os = "linux"))]
pub fn quiet_alsa() -> Option<()> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monitors_and_stereo_mix_are_never_taken_for_a_microphone() {
        // Ids and names as PulseAudio, WASAPI (Windows, and Wine on PulseAudio) and ALSA
        // give them.
        let mixes = [
            ("alsa_output.pci-0000_00_1f.3.analog-stereo.monitor", "Monitor of Built-in Audio"),
            ("{0.0.1.00000000}.{6a1f}", "Monitor of Softphone"),
            ("{0.0.1.00000000}.{9c2e}", "Stereo Mix (Realtek High Definition Audio)"),
            ("{0.0.1.00000000}.{41d0}", "立体声混音 (Realtek(R) Audio)"),
            ("{0.0.1.00000000}.{77aa}", "What U Hear (Sound Blaster)"),
            ("alsa:null", "Discard all samples (playback) or generate zero samples (capture)"),
        ];
        for (id, name) in mixes {
            assert!(is_output_mix(id, name), "{name:?} taken for a microphone");
        }
        let microphones = [
            ("alsa_input.usb-Jabra_Evolve_20-00.mono-fallback", "Jabra Evolve 20 Mono"),
            ("{0.0.1.00000000}.{1b2c}", "Microphone (Realtek High Definition Audio)"),
            ("{0.0.1.00000000}.{5e6f}", "麦克风 (Logitech USB Headset)"),
            ("{0.0.1.00000000}.{8a9b}", "Headset Microphone (Monitor Audio)"),
            ("vmic", "vmic"),
        ];
        for (id, name) in microphones {
            assert!(!is_output_mix(id, name), "{name:?} not offered as a microphone");
        }
    }

    #[test]
    fn the_audio_host_hint_names_only_hosts_this_build_has() {
        assert_eq!(host_hint(vec!["wasapi".into()]), None);
        let linux = host_hint(vec!["alsa".into(), "pulseaudio".into()]);
        assert_eq!(linux.as_deref(), Some("set SPEECH_COACH_AUDIO_HOST=alsa|pulseaudio to choose"));
        #[cfg(windows)]
        assert_eq!(host_choice_hint(), None, "Windows has WASAPI alone: no hint");
    }
}
