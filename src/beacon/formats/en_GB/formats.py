"""How Beacon shows a date or time where a template does not say: "6 December 2026" (one style
for display everywhere; see beacon.core.formatting.display_date)."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y H:i"
