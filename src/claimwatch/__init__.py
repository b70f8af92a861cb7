"""claimwatch: alerts on new claims, silence on news you already know."""

__version__ = "0.1.0"
