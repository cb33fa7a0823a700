"""The learner's own data, one job a module: reading an upload (:mod:`.csv_read`), writing a
CSV (:mod:`.csv_write`), placed points in a link (:mod:`.points_link`) and the classic data
sets (:mod:`.catalogue`, files in ``sets/``); :mod:`.points` and :mod:`.cells` are what they
share. Pure NumPy and the standard library: every byte of an upload and every character of a
link is hostile, and nothing here raises on bad input.
"""
