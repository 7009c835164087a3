"""The package version; must equal the C library's (meson.build's project version)."""
__version__ = "0.1.0"
