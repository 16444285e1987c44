"""Page objects, one module per web app: they click, type and read, nothing more."""
