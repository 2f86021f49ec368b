"""datarights: a blockchain-backed registry of data assets and the property rights over them."""

__version__ = "0.1.0"
