"""What the markets app tells and asks the apps above it (see ``dealerhub.core.hooks``)."""

from dealerhub.core.hooks import Hook

market_capacity_changed = Hook(
    "market_capacity_changed",
    doc="A market plan's delivery capacity changed (kwargs: market_id); after commit.",
)
market_dealer_channels = Hook(
    "market_dealer_channels",
    doc="Channels covered by the market's active dealers (kwargs: market) -> set[str].",
)
market_customers = Hook(
    "market_customers",
    doc="The market's dealers and candidates for its page (kwargs: user, market) -> list.",
)
