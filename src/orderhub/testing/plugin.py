"""pytest plugin of the connector conformance kit (grows with the marketplace connectors)."""
