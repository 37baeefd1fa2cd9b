"""Matching records of several data sets that describe the same event: the crosswalk of types and actors, the candidate pairs and their index, and the groups with their figures."""
