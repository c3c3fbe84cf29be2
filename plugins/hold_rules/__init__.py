"""The ``hold_rules`` step: hold orders an ops team wants a human to look at first.

Rules are per store: a total above a limit, a destination outside the allowed countries, or a
tag that asks for review. Each rule that matches is a reason with a stable code.
"""

from orderhub import hookimpl


@hookimpl
def register_steps(register):
    from .step import HoldRules  # imported when registered, not when the plugin is loaded

    register(HoldRules)
