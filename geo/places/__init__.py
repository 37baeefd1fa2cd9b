"""Place names for the map and the snapshots: countries, regions, towns and the events' own places, with the zoom from which each is shown."""
