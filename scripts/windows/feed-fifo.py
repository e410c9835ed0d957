#!/usr/bin/env python3
"""feed-fifo.py RAW FIFO: writes 16 kHz 16-bit mono PCM into a PulseAudio pipe-source's
FIFO at real-time pace, 20 ms at a time on an absolute clock (as tests/common/vmic.rs
does). A pipe-source has no clock of its own: fed in 100 ms bursts (pv -L), Wine's WASAPI
capture got a tenth of the audio; smooth 20 ms pieces give all of it."""
import sys
import time

BYTES_PER_S = 16000 * 2
PIECE = BYTES_PER_S // 50

data = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "wb", buffering=0) as fifo:
    start = time.monotonic()
    for sent in range(0, len(data), PIECE):
        fifo.write(data[sent : sent + PIECE])
        due = start + (sent + PIECE) / BYTES_PER_S
        time.sleep(max(0.0, due - time.monotonic()))
