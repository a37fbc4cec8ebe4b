"""One streaming parser per log format; each yields :class:`maat_nb.querylog.events.QueryEvent`."""
