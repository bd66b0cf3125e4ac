"""One module per source kind; see `registry` for the names and `base` for the contract."""
