"""Data layer: ERNIEKit records, validation, streaming sources and mixing."""
