"""Money laundering: explainable typology rules on transaction tables."""

from cybertnoc.domains.laundering.typologies import (
    REQUIRED_COLUMNS,
    RESULT_COLUMNS,
    TYPOLOGIES,
    detect_all,
    detect_cycles,
    detect_fan_in,
    detect_fan_out,
    detect_gather_scatter,
    detect_scatter_gather,
    detect_structuring,
)

__all__ = [
    "REQUIRED_COLUMNS",
    "RESULT_COLUMNS",
    "TYPOLOGIES",
    "detect_all",
    "detect_cycles",
    "detect_fan_in",
    "detect_fan_out",
    "detect_gather_scatter",
    "detect_scatter_gather",
    "detect_structuring",
]
