"""relwatch: track AI model releases by vendor, open weights versus closed."""

__version__ = "0.1.0"
