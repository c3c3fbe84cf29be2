"""orderhub's built-in connectors, installed as ``orderhub_connectors`` and registered through
the ``orderhub`` entry-point group exactly like a third-party package."""
