"""ct-desktop: prepare and send the monthly Capacity Tracker return, offline first."""

__version__ = "0.1.0"
