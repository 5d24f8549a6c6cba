"""Pure statistics over coded data: inter-coder agreement (Krippendorff's alpha, MASI) and
discourse networks as Discourse Network Analyzer computes them.

Nothing here touches a database, a file or the screen; it imports nothing of nkreader but
``reader.models``, so every figure can be checked against reference implementations on plain
Python values. The Store gathers the codes; the commands and screens report what is computed here.
"""
