"""The offline extractor: from an article's text to what it names, dates and counts.

Pure Python, no database, no network, no model weights: the same text and publication
date give the same result on any machine. ``pipeline.analyse`` runs the stages.
"""

from __future__ import annotations

from typing import Final

# Proposals carry this, so an editor can tell which rules read an article.
EXTRACTOR: Final = "register-extractor 0.2"
