"""The PostGIS database as a source of events: reading and writing it, the summary tables its triggers keep, the pushdown of each view's questions, and a throwaway server for tests and benchmarks."""
