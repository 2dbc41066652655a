"""People: the persons Haven deals with and the documents that identify them.

``mrz`` is pure domain code (plain values in, plain values out, no Django
models): it reads, checks and writes ICAO 9303 machine-readable zones.
"""
