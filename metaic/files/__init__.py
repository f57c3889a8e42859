"""Uploaded images (the former file service): validation, storage, variants, quota."""
