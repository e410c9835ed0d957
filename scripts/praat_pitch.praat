# Writes Praat's pitch track of every WAV in a folder, for examples/pitch_eval.rs.
# Usage: praat --run scripts/praat_pitch.praat IN_DIR OUT_DIR
# Each OUT_DIR/NAME.txt holds "t1 dt n" then one F0 per line (0 = unvoiced).
# To Pitch (ac) with a 60–500 Hz range and Praat's other defaults.
form Pitch listing
  sentence in_dir
  sentence out_dir
endform
list = Create Strings as file list: "list", in_dir$ + "/*.wav"
n = Get number of strings
for i to n
  selectObject: list
  name$ = Get string: i
  sound = Read from file: in_dir$ + "/" + name$
  pitch = To Pitch (ac): 0, 60, 15, "no", 0.03, 0.45, 0.01, 0.35, 0.14, 500
  frames = Get number of frames
  t1 = Get time from frame number: 1
  dt = Get time step
  out$ = out_dir$ + "/" + replace$(name$, ".wav", ".txt", 1)
  writeFileLine: out$, fixed$(t1, 6), " ", fixed$(dt, 6), " ", frames
  for f to frames
    v = Get value in frame: f, "Hertz"
    if v = undefined
      v = 0
    endif
    appendFileLine: out$, fixed$(v, 3)
  endfor
  removeObject: sound, pitch
endfor
removeObject: list
