"""fieldsvc: waste-bin field survey and asset tracker for Thai local government."""

__version__ = "0.1.0"
