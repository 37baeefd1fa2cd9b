"""Data in and out: the ACLED, UCDP and native readers, their formats, the GeoParquet cache,
the exports, and the data set the dashboard and the command line load.

Uses the core (``geo.events``, ``geo.layers``, ``geo.analysis``…); never the maps.
"""
