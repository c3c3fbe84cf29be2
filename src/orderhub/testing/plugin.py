"""orderhub's pytest plugin (entry point ``pytest11``): the conformance kit's marker.

The kit's tests carry their own pytest-asyncio marks, so a connector package needs no settings;
this registers the ``conformance`` marker they are tagged with, so ``-m conformance`` selects them.
"""


def pytest_configure(config):
    config.addinivalue_line("markers", "conformance: orderhub's connector conformance kit")
