//! The caller's side of a call as a capture source: what the softphone plays to the
//! headset. On Linux the monitor of an output (a sound server offers each output's sound
//! as an input `<output>.monitor`); on Windows the output itself, opened for WASAPI
//! loopback, or an input that carries the call: a virtual cable's capture end ("CABLE
//! Output"), a softphone's own device, "Stereo Mix". Monitors are never microphones (see
//! `device::not_a_microphone`).

use cpal::traits::{DeviceTrait, HostTrait};

use super::device::{
    CaptureError, InputDevice, device_id, device_name, host, is_output_mix, quiet_alsa,
};

/// Lists what can be captured as the caller's side: output monitors (Linux sound server)
/// or outputs for loopback (Windows), the default output's marked.
pub fn list_caller_sources() -> Result<(String, Vec<InputDevice>), CaptureError> {
    let _quiet = quiet_alsa();
    let host = host()?;
    let host_name = host.id().name().to_string();
    let default_id = default_caller(&host).ok().map(|d| device_id(&d));
    let sources = caller_candidates(&host)
        .into_iter()
        .map(|d| {
            let id = device_id(&d);
            InputDevice {
                name: device_name(&d),
                is_default: default_id.as_deref() == Some(id.as_str()),
                default_config: caller_config(&d).ok().map(|c| {
                    format!("{} Hz, {} ch, {}", c.sample_rate(), c.channels(), c.sample_format())
                }),
                id,
            }
        })
        .collect();
    Ok((host_name, sources))
}

/// Devices that can carry the caller: monitors among the inputs; on Windows every output
/// (opened for loopback), then the inputs that carry an output's sound, then every other
/// input (a virtual cable or softphone device looks like any microphone).
pub(super) fn caller_candidates(host: &cpal::Host) -> Vec<cpal::Device> {
    if !cfg!(target_os = "windows") {
        return host
            .input_devices()
            .map(|d| d.filter(|d| device_id(d).ends_with(".monitor")).collect())
            .unwrap_or_default();
    }
    let outputs = host.output_devices().map(|d| d.collect::<Vec<_>>()).unwrap_or_default();
    let inputs = host.input_devices().map(|d| d.collect::<Vec<_>>()).unwrap_or_default();
    let mut ranked = outputs
        .into_iter()
        .map(|d| (true, d))
        .chain(inputs.into_iter().map(|d| (false, d)))
        .filter_map(|(is_output, d)| {
            caller_rank(true, is_output, &device_id(&d), &device_name(&d)).map(|rank| (rank, d))
        })
        .collect::<Vec<_>>();
    ranked.sort_by_key(|(rank, _)| *rank);
    ranked.into_iter().map(|(_, d)| d).collect()
}

/// Where a device stands among the caller's candidates (lower first; `None`: not one).
/// `windows`: outputs count (loopback) and so does any input, since a virtual cable's or
/// a softphone's capture device cannot be told from a microphone by its name; elsewhere
/// only a sound server's monitors do.
pub(super) fn caller_rank(windows: bool, is_output: bool, id: &str, name: &str) -> Option<u8> {
    match (windows, is_output) {
        (true, true) => Some(0),
        (false, true) => None,
        (_, false) if id.ends_with(".monitor") => Some(1),
        (true, false) if is_output_mix(id, name) => Some(1),
        (true, false) => Some(2),
        (false, false) => None,
    }
}

/// The caller's side by default: the monitor of the default output (loopback of the
/// default output on Windows).
pub(super) fn default_caller(host: &cpal::Host) -> Result<cpal::Device, CaptureError> {
    let output = host.default_output_device().ok_or_else(|| CaptureError::NoCallerSource {
        reason: "no default output device".into(),
    })?;
    if cfg!(target_os = "windows") {
        return Ok(output);
    }
    let monitor = format!("{}.monitor", device_id(&output));
    caller_candidates(host).into_iter().find(|d| device_id(d) == monitor).ok_or_else(|| {
        CaptureError::NoCallerSource {
            reason: format!(
                "the default output ({}) has no monitor on the {} host; run PulseAudio or PipeWire, or name a source with --caller-device",
                device_name(&output),
                host.id().name()
            ),
        }
    })
}

pub(super) fn find_caller(
    host: &cpal::Host,
    wanted: Option<&str>,
) -> Result<cpal::Device, CaptureError> {
    let Some(wanted) = wanted else { return default_caller(host) };
    let needle = wanted.to_lowercase();
    let sources = caller_candidates(host);
    let matches = |d: &cpal::Device, exact: bool| {
        let (name, id) = (device_name(d).to_lowercase(), device_id(d).to_lowercase());
        if exact {
            name == needle || id == needle
        } else {
            name.contains(&needle) || id.contains(&needle)
        }
    };
    let found = sources
        .iter()
        .position(|d| matches(d, true))
        .or_else(|| sources.iter().position(|d| matches(d, false)));
    match found {
        Some(i) => Ok(sources.into_iter().nth(i).expect("index from position")),
        None => Err(CaptureError::CallerNotFound {
            wanted: wanted.to_string(),
            available: sources.iter().map(device_name).collect::<Vec<_>>().join(", "),
        }),
    }
}

/// The stream format for capturing the caller: a monitor or a capture device is an input;
/// a Windows output opened for loopback is captured in its output format.
pub(super) fn caller_config(
    device: &cpal::Device,
) -> Result<cpal::SupportedStreamConfig, cpal::Error> {
    if cfg!(target_os = "windows") && device.supports_output() {
        device.default_output_config()
    } else {
        device.default_input_config()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_windows_the_caller_is_an_output_by_loopback_or_any_capture_device() {
        let guid = "{0.0.1.00000000}.{3f}";
        assert_eq!(caller_rank(true, true, guid, "Speakers (Jabra Evolve 20)"), Some(0));
        assert_eq!(caller_rank(true, false, guid, "Stereo Mix (Realtek(R) Audio)"), Some(1));
        assert_eq!(caller_rank(true, false, guid, "Monitor of Softphone"), Some(1));
        // A virtual cable's capture end and a softphone's own device: chosen by name.
        assert_eq!(
            caller_rank(true, false, guid, "CABLE Output (VB-Audio Virtual Cable)"),
            Some(2)
        );
        assert_eq!(caller_rank(true, false, guid, "Softphone Capture (Zoiper)"), Some(2));
    }

    #[test]
    fn elsewhere_the_caller_is_a_sound_servers_monitor_only() {
        assert_eq!(caller_rank(false, false, "softphone.monitor", "Monitor of Softphone"), Some(1));
        assert_eq!(caller_rank(false, false, "vmic", "vmic"), None);
        assert_eq!(caller_rank(false, true, "softphone", "Softphone"), None);
    }
}
