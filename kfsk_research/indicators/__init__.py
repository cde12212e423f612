"""Pure indicator functions: tidy frames in, tidy frames out; no I/O, no plotting."""

from kfsk_research.indicators.aggregate import aggregate_mean, aggregate_sum, aggregate_weighted
from kfsk_research.indicators.change import change_between_years
from kfsk_research.indicators.gender import gender_shares
from kfsk_research.indicators.quota import NO_QUOTA, quota_ratio
from kfsk_research.indicators.reception import received_24m_per_1000, received_per_1000

__all__ = [
    "NO_QUOTA",
    "aggregate_mean",
    "aggregate_sum",
    "aggregate_weighted",
    "change_between_years",
    "gender_shares",
    "quota_ratio",
    "received_24m_per_1000",
    "received_per_1000",
]
