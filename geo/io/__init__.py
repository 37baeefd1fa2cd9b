"""Files in and out: the ACLED, UCDP and native readers, their formats, dates and variants, the
GeoParquet cache and the exports.

Uses the core (``geo.events``, ``geo.layers``, ``geo.analysis``…); never the maps or the database.
"""
