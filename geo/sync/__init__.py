"""Live data: ACLED's and UCDP's APIs kept in sync, incrementally, into a local store of versions or a database."""
