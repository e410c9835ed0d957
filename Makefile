# speech-coach — the two commands a newcomer needs:
#   make run    installs what is missing and opens the coaching window (demo mode without a microphone)
#   make test   installs what is missing and runs the whole test suite
.PHONY: run test deps bench accuracy clean

# Debian/Ubuntu packages: ALSA headers for cpal, sound and speech tools the tests use to
# make and compare audio, and a virtual display + PulseAudio for the headless window and
# virtual-microphone tests.
APT_PACKAGES := build-essential pkg-config libasound2-dev libasound2-plugins pulseaudio pulseaudio-utils \
	sox espeak-ng praat xvfb imagemagick libgl1-mesa-dri libegl1 libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

run: deps
	cargo run --release

test: deps
	cargo test --release

bench: deps
	cargo bench --bench analyser

# Accuracy figures for README: FDA wide band and telephone band, ours and Praat's.
accuracy: deps
	cargo build --release --example pitch_eval
	mkdir -p out/praat-fda out/praat-fda-tel
	scripts/telephone-band.sh ../shared/data/fda out/fda-tel
	praat --run scripts/praat_pitch.praat "$$PWD/../shared/data/fda" "$$PWD/out/praat-fda"
	praat --run scripts/praat_pitch.praat "$$PWD/out/fda-tel" "$$PWD/out/praat-fda-tel"
	@echo "== ours, wide band";      target/release/examples/pitch_eval ../shared/data/fda
	@echo "== Praat, wide band";     target/release/examples/pitch_eval ../shared/data/fda --praat out/praat-fda
	@echo "== ours, telephone band"; target/release/examples/pitch_eval out/fda-tel --reference ../shared/data/fda
	@echo "== Praat, telephone band"; target/release/examples/pitch_eval out/fda-tel --reference ../shared/data/fda --praat out/praat-fda-tel

clean:
	cargo clean
	rm -rf out
