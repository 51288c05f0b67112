"""The anonymous tip line: a store of encrypted tips, separate from the read-only evidence database.

``store`` keeps the tips (SQLite), ``crypto`` seals them to the moderators, ``codenames`` gives the person who
sent a tip their only way back to it, ``scrub`` removes file metadata, ``web`` is the form at ``/tip``, ``cli`` the
moderators' commands (``whosbehind tips ...``). The design and its limits: docs/tipline-threat-model.md.
"""
