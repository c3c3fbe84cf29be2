"""The public extension API: everything a connector, a carrier or a plugin may import.

Built-in connectors and plugins import only from here (and ``from orderhub import hookimpl``);
``tests/test_architecture.py`` holds them to it, so a third party's package can do what a built-in
does with nothing else. What is here keeps its name and meaning across minor releases.

    from orderhub.extend import Connector, Page, RawRecord, Order, money, parse_duration

Groups: the models and the lifecycle; errors; the ``Connector``, ``Carrier`` and ``Step`` bases with
their request and result types; the HTTP adapter and its pacers; mapping helpers (money, units,
tracking tables); configuration helpers; the data API for steps (``StepData``, also ``ctx.data``);
the core's tables to read (``core_tables``: reports, exports); a plugin command's options and
plumbing (``ConfigOpt``, ``JsonOpt``, ``run_command``, ``emit_rows``); logging.
"""

from __future__ import annotations

from orderhub.shipping.carrier import Carrier
from orderhub.shipping.carrier_types import Label, Service, ShipmentRequest, TrackingResult
from orderhub.shipping.oauth import OAuthToken, expires_in
from orderhub.shipping.units import cm, inches, kg, lb, street
from orderhub.shipping.choice import ChoiceFacts, choose, ship_request
from orderhub.config import parse_duration
from orderhub.secrets import resolve_secret
from orderhub.mail import SmtpSettings, send_mail
from orderhub.intake.connector import Connector, Page, RawRecord, WebhookDelivery
from orderhub.chain.data import ReserveResult, StepData, as_utc, plugin_metadata
from orderhub.readmodel import core_tables
from orderhub.db.common import dialect_insert
from orderhub.cli.kit import ConfigOpt, JsonOpt, emit_rows, run_command
from orderhub.errors import (
    CapabilityNotSupported,
    ConfigError,
    IllegalTransition,
    OrderhubError,
    RecordError,
    SystemError_,
    TransientError,
)
from orderhub.hookspecs import hookimpl
from orderhub.hub import Hub
from orderhub.http import CostBucket, LeakyBucket, Limiter, NoLimit, StoreHttp, TokenBucket, parse_retry_after, tls_context
from orderhub.lifecycle import OrderStatus
from orderhub.logging import get_logger
from orderhub.intake.mapping import amount, base64_hmac, decimal_json, money, verify_base64_hmac
from orderhub.models import (
    FEEDBACK_CATEGORIES,
    FEEDBACK_PRIORITIES,
    Address,
    ChannelRisk,
    Customer,
    DeliveryWindow,
    Discount,
    FeeLine,
    Feedback,
    FeedbackKind,
    Incident,
    InventoryLevel,
    LineItem,
    Order,
    OrderRefund,
    OrderReturn,
    Parcel,
    Payment,
    PaymentStatus,
    Rate,
    Requirements,
    Reservation,
    ReturnLine,
    RiskFact,
    Shipment,
    ShippingLine,
    TaxLine,
    Totals,
    TrackingEvent,
    TrackingStatus,
    card_fingerprint,
)
from orderhub.outbox.requests import Outbox, PushRequest
from orderhub.shipping.plan import Plan
from orderhub.chain.steps import Reason, Step, StepContext, StepResult
from orderhub.shipping.tracking import StatusTable, merge
from orderhub.validation import parse_settings
from orderhub.notices import FeedbackEscalated, FeedbackReceived, IncidentOpened, IncidentResolved
from orderhub.reporting import BY as PERIODS_BY
from orderhub.reporting import Chart as ReportChart
from orderhub.reporting import Params as ReportParams
from orderhub.reporting import Period as ReportPeriod
from orderhub.reporting import Report
from orderhub.reporting import Table as ReportTable
from orderhub.reporting import periods as report_periods
from orderhub.reporting import window as report_window
from orderhub.reporting import zone as report_zone

__all__ = [
    "Address",
    "CapabilityNotSupported",
    "Carrier",
    "ChannelRisk",
    "ChoiceFacts",
    "ConfigError",
    "ConfigOpt",
    "Connector",
    "CostBucket",
    "Customer",
    "DeliveryWindow",
    "Discount",
    "FEEDBACK_CATEGORIES",
    "FEEDBACK_PRIORITIES",
    "FeeLine",
    "Feedback",
    "FeedbackEscalated",
    "FeedbackKind",
    "FeedbackReceived",
    "Hub",
    "IllegalTransition",
    "Incident",
    "IncidentOpened",
    "IncidentResolved",
    "InventoryLevel",
    "JsonOpt",
    "Label",
    "LeakyBucket",
    "Limiter",
    "LineItem",
    "NoLimit",
    "OAuthToken",
    "Order",
    "OrderRefund",
    "OrderReturn",
    "OrderStatus",
    "OrderhubError",
    "Outbox",
    "PERIODS_BY",
    "Page",
    "Parcel",
    "Payment",
    "PaymentStatus",
    "Plan",
    "PushRequest",
    "Rate",
    "RawRecord",
    "Reason",
    "RecordError",
    "Report",
    "ReportChart",
    "ReportParams",
    "ReportPeriod",
    "ReportTable",
    "Requirements",
    "Reservation",
    "ReserveResult",
    "ReturnLine",
    "RiskFact",
    "Service",
    "Shipment",
    "ShipmentRequest",
    "ShippingLine",
    "SmtpSettings",
    "StatusTable",
    "Step",
    "StepContext",
    "StepData",
    "StepResult",
    "StoreHttp",
    "SystemError_",
    "TaxLine",
    "TokenBucket",
    "Totals",
    "TrackingEvent",
    "TrackingResult",
    "TrackingStatus",
    "TransientError",
    "WebhookDelivery",
    "amount",
    "as_utc",
    "base64_hmac",
    "card_fingerprint",
    "choose",
    "cm",
    "core_tables",
    "decimal_json",
    "dialect_insert",
    "emit_rows",
    "expires_in",
    "get_logger",
    "hookimpl",
    "inches",
    "kg",
    "lb",
    "merge",
    "money",
    "parse_duration",
    "parse_retry_after",
    "parse_settings",
    "plugin_metadata",
    "report_periods",
    "report_window",
    "report_zone",
    "resolve_secret",
    "run_command",
    "send_mail",
    "ship_request",
    "street",
    "tls_context",
    "verify_base64_hmac",
]
