"""Drugs: seizure and darknet-listing routes and their comparison."""

from cybertnoc.domains.drugs.routes import (
    REGION_CODES,
    UNKNOWN_CODE,
    compare_routes,
    listing_routes,
    seizure_routes,
)

__all__ = ["REGION_CODES", "UNKNOWN_CODE", "compare_routes", "listing_routes", "seizure_routes"]
