"""httpx without its command-line client.

`import httpx` also imports httpx's own command-line client whenever click, rich and pygments are
installed, as they are beside relwatch (typer, sqlite-utils): about 40 ms of every sync spent on
code that never runs (encode/httpx#3547). An empty stand-in for that module sends httpx down its
own "client not installed" path. Import httpx from here.
"""

import sys
import types

sys.modules.setdefault("httpx._main", types.ModuleType("httpx._main"))

import httpx  # noqa: E402

__all__ = ["httpx"]
