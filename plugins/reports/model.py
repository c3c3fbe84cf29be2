"""The report model is the core's (``orderhub.extend``: Report, ReportTable, ReportChart,
ReportParams), so that any plugin can make a report this plugin renders and serves; the short
names here are this plugin's own."""

from orderhub.extend import Report, ReportChart as Chart, ReportParams as Params, ReportTable as Table

__all__ = ["Chart", "Params", "Report", "Table"]
