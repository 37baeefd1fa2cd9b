"""Every version of a data set kept: the local store's versions and manifest, the events as of a version, what changed since a date, and each event's revision history."""
