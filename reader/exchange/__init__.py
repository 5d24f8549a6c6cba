"""Files in and out: article formats and their import, exports, reports and codebook files.

Used by the command line and the reader alike, so nothing here knows click or Textual. Reading a
file and shaping its contents happen here; every row written or read goes through the Store.
"""
