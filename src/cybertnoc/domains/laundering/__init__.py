"""Money laundering: explainable typology rules on transaction tables."""

from cybertnoc.domains.laundering.typologies import (
    REQUIRED_COLUMNS,
    RESULT_COLUMNS,
    TYPOLOGIES,
    detect_all,
    detect_bipartite,
    detect_chain_layering,
    detect_cycles,
    detect_fan_in,
    detect_fan_out,
    detect_gather_scatter,
    detect_random_layering,
    detect_scatter_gather,
    detect_stack,
    detect_structuring,
)

__all__ = [
    "REQUIRED_COLUMNS",
    "RESULT_COLUMNS",
    "TYPOLOGIES",
    "detect_all",
    "detect_bipartite",
    "detect_chain_layering",
    "detect_cycles",
    "detect_fan_in",
    "detect_fan_out",
    "detect_gather_scatter",
    "detect_random_layering",
    "detect_scatter_gather",
    "detect_stack",
    "detect_structuring",
]
