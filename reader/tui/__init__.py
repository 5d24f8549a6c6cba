"""The terminal interface: the app, its screens and widgets, and its one stylesheet.

The only package that imports Textual. It is handed a ready Store and talks to the data only
through it; screens call the Store, widgets only show what they are given and post messages.
"""
