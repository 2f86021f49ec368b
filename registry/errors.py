"""Exception hierarchy: every error the registry raises derives from `RegistryError`.

Each subclass also inherits the built-in exception it behaves like, so callers that
only know the standard library (`except LookupError`) still catch it.
"""


class RegistryError(Exception):
    """Root of every error raised by the registry."""


class ConfigurationError(RegistryError, ValueError):
    """The settings or the environment are missing something or contradict each other."""


class NotFoundError(RegistryError, LookupError):
    """A requested record, contract or file does not exist."""


class ChainError(RegistryError, RuntimeError):
    """The chain or the local node failed or answered unexpectedly."""


class CompilationError(RegistryError, RuntimeError):
    """The Solidity compiler reported errors."""


class StaleDeploymentError(RegistryError, RuntimeError):
    """A recorded deployment no longer matches the chain or the compiled contracts."""
