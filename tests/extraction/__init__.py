"""The labelled development set of the extractor (see README.md here)."""
