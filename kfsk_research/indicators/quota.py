"""Quota fulfilment under the Settlement Act: received against kommuntal."""

from __future__ import annotations

import numpy as np
import pandas as pd

NO_QUOTA = "inget kommuntal"


def quota_ratio(df: pd.DataFrame) -> pd.DataFrame:
    """Add ``quota_ratio`` = received / kommuntal (ratio) and ``quota_note``.

    Where kommuntal is 0 or missing the ratio is missing and ``quota_note`` says
    "inget kommuntal" (not infinity, not an error); where received is missing the
    ratio is missing too.
    """
    out = df.copy()
    kommuntal = out["kommuntal"].astype("float64")
    received = out["received"].astype("float64")
    has_quota = kommuntal > 0
    out["quota_ratio"] = np.where(has_quota, received / kommuntal.where(has_quota), np.nan)
    out["quota_note"] = np.where(has_quota, "", NO_QUOTA)
    return out
