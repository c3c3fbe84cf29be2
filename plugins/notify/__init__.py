"""``notify``: tell customers where their parcel is — by email (SMTP) and/or a webhook.

    [plugins.notify]
    milestones = ["shipped", "out_for_delivery", "delivered", "exception"]   # the default
    smtp = { host = "127.0.0.1", port = 2525, sender = "shop@example.com",
             username = "env:SMTP_USER", password = "env:SMTP_PASSWORD", starttls = false }
    webhook = { url = "https://hooks.example.com/orders", bearer_token = "env:HOOK_TOKEN" }
    alerts_webhook = { url = "https://hooks.example.com/ops" }    # ``delayed`` goes to ops here

    [plugins.notify.templates.shipped]                 # every store
    subject = "Your order $order_number is on its way"
    body = "Track it with $carrier: $tracking_url"

    [plugins.notify.stores.acme-shopify.templates.delivered]   # one store's own
    subject = "Delivered!"
    body = "..."

Every send is a durable push queued by :func:`on_shipment_milestone` in the transaction that
records the milestone (key ``notify:<shipment>:<milestone>:<channel>``: one per milestone), and
sent by :func:`deliver_push` after the commit, with retries. The email's ``Message-ID`` and the
webhook's ``Idempotency-Key`` carry the key, so a repeat after a crash can be recognised.
Templates use ``$name`` placeholders: ``order_number``, ``customer_name``, ``store``, ``carrier``,
``service``, ``tracking_number``, ``tracking_url``, ``status``, ``milestone``, ``promised``,
``order_page`` (the order's own page where a plugin gives one through the ``order_links`` hook,
the feedback plugin's signed tracking page; else the carrier's tracking link), and any other link
such a plugin names.
"""

from __future__ import annotations

from orderhub import hookimpl

# The hooks load the plugin's module when first called, not when orderhub loads its plugins
# (``orderhub --help`` must not pay for email and HTTP clients).


@hookimpl
def configure(config, hub):
    from . import plugin

    plugin.configure(config, hub)


@hookimpl
def on_shipment_milestone(order, shipment, milestone, outbox):
    from . import plugin

    plugin.on_shipment_milestone(order, shipment, milestone, outbox)


@hookimpl
def deliver_push(store, target, kind, order, payload, key):
    from . import plugin

    return plugin.deliver_push(store, target, kind, order, payload, key)
