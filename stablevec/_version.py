"""Package version and the initialisation scheme version."""

__version__ = "0.1.0"

#: Version of the key-to-vector scheme that :func:`stablevec.stable_vectors` implements.
#: Any change to any output bit is a new scheme version; old versions stay selectable.
SCHEME_VERSION = 1
