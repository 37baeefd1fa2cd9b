"""Where a data set comes from, assembled into one ``Dataset``: the embedded data, a file or an upload, several data sets combined, or a live database."""
