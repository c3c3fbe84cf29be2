"""The ``files`` connector: orders from JSON and CSV files that appear in a folder.

A real intake path for shops without an API: marketplace exports, POS exports, an ERP's drop
folder. JSON files hold orders in orderhub's canonical shape (``orderhub schema order``); CSV files
hold one row per line item (columns in the README). Pushes (cancellations, fulfilments) are written
as JSON files into an optional ``outbox`` folder, named by their idempotency key.
"""

from orderhub import hookimpl


@hookimpl
def register_connectors(register):
    from .client import FilesConnector  # imported when registered, not when the plugin is loaded

    register(FilesConnector)
