"""orderhub's built-in chain steps, installed as ``orderhub_plugins`` and registered through the
``orderhub`` entry-point group exactly like a third-party package."""
