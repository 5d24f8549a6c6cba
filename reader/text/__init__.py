"""Pure text work: sentence splitting, actor mentions, fuzzy matching, decoding bytes, dates.

Nothing here touches a database, a file or the screen; it imports nothing of nkreader but
``reader.models``, so each piece can be tested and benchmarked on plain strings.
"""
