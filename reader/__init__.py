"""nkreader: code who takes which stance in news articles, sentence by sentence."""

__version__ = "0.1.0"
