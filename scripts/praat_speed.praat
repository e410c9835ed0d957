# The Praat side of the speed comparison: pitch (ac, 60–500 Hz) and intensity of one file.
# Usage: praat --run scripts/praat_speed.praat FILE.wav
form Speed
  sentence file
endform
sound = Read from file: file$
pitch = To Pitch (ac): 0, 60, 15, "no", 0.03, 0.45, 0.01, 0.35, 0.14, 500
selectObject: sound
intensity = To Intensity: 60, 0, "yes"
