# speech-coach — the two commands a newcomer needs:
#   make run    installs what is missing and opens the coaching window (demo mode without a microphone)
#   make test   installs what is missing and runs the whole test suite
#   make test-windows  cross-builds for Windows and tests that build under Wine (README)
.PHONY: run test test-windows deps run-deps bench accuracy clean

# Debian/Ubuntu packages. Running needs the ALSA and PulseAudio client libraries cpal links
# against and the X11/Wayland libraries of the window; the tests also need sound and speech
# tools to make and compare audio (sox, espeak-ng, praat) and a virtual display and sound
# server for the headless window and virtual-microphone tests, and a headless browser
# (chromium) that plays the report's replays. Team sync links OpenSSL for TLS
# (libssl-dev), and its tests start a throwaway PostgreSQL server (postgresql), with TLS
# from a CA they make with the openssl command (openssl). The desktop
# tests press the hold hotkey with xdotool while another window (xmessage, x11-utils) has
# the focus. ffmpeg writes the AAC (M4A) recordings of the formats tests: sox has no AAC
# encoder, and Debian's ffmpeg has its own (LGPL) one. The tray icon builds against GTK 3
# (libgtk-3-dev) and opens libayatana-appindicator3 when it starts (a missing library only
# leaves the icon out); its test docks it in trayer, an X system tray.
RUN_PACKAGES := build-essential pkg-config libasound2-dev libssl-dev \
	libgl1-mesa-dri libegl1 libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 \
	libgtk-3-dev libayatana-appindicator3-1
TEST_PACKAGES := $(RUN_PACKAGES) libasound2-plugins pulseaudio pulseaudio-utils \
	sox libsox-fmt-mp3 espeak-ng praat xvfb imagemagick util-linux chromium fonts-wqy-microhei postgresql \
	xdotool x11-utils ffmpeg trayer openssl

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Installs whichever of $(1) are missing.
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

run-deps:
	$(call apt_install,$(RUN_PACKAGES))

deps:
	$(call apt_install,$(TEST_PACKAGES))

run: run-deps
	cargo run --release

# Formatting and lints first (cheap, and a failure says exactly what to fix), then every test.
test: deps
	cargo fmt --check
	cargo clippy --release --all-targets -- -D warnings
	cargo test --release

# The Windows build (x86_64-pc-windows-gnu) made with Debian's rustc-web and mingw, and
# tested under Wine: its tests, analyze against the Linux build, the window, capture, the
# MSI. scripts/windows-test.sh installs its own packages (Wine, mingw, wixl, …).
test-windows: deps
	SUDO="$(SUDO)" scripts/windows-test.sh

bench: deps
	cargo bench --bench analyser

# Accuracy figures for README: FDA wide band and telephone band, ours and Praat's.
accuracy: deps
	cargo build --release --example pitch_eval
	mkdir -p out/praat-fda out/praat-fda-tel
	scripts/telephone-band.sh ../shared/data/fda out/fda-tel
	praat --run scripts/praat_pitch.praat "$$PWD/../shared/data/fda" "$$PWD/out/praat-fda"
	praat --run scripts/praat_pitch.praat "$$PWD/out/fda-tel" "$$PWD/out/praat-fda-tel"
	@echo "== ours, wide band";      $${CARGO_TARGET_DIR:-target}/release/examples/pitch_eval ../shared/data/fda
	@echo "== Praat, wide band";     $${CARGO_TARGET_DIR:-target}/release/examples/pitch_eval ../shared/data/fda --praat out/praat-fda
	@echo "== ours, telephone band"; $${CARGO_TARGET_DIR:-target}/release/examples/pitch_eval out/fda-tel --reference ../shared/data/fda
	@echo "== Praat, telephone band"; $${CARGO_TARGET_DIR:-target}/release/examples/pitch_eval out/fda-tel --reference ../shared/data/fda --praat out/praat-fda-tel

clean:
	cargo clean
	rm -rf out
