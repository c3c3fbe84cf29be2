"""The ``select_carrier`` step: plan the shipment, rate it with every eligible carrier, choose.

See :mod:`orderhub.shipping.plan` (the plan), :mod:`orderhub.shipping.selection` (filters and score). The chosen
rate, every runner-up with its score and every rejection with its reason are stored on the
shipment, so ``orderhub rates ORDER`` can show an operator why.
"""

from orderhub import hookimpl


@hookimpl
def register_steps(register):
    from .step import SelectCarrier  # imported when registered, not when the plugin is loaded

    register(SelectCarrier)
