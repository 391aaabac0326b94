"""The widgets of the panes.

A leaf of the UI: these modules import Textual and :mod:`minutes` only, never
:mod:`storage` or :mod:`screens`, so screens can compose them freely.
"""
