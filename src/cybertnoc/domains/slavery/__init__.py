"""Modern slavery: adverts linked by shared contact selectors."""

from cybertnoc.domains.slavery.selectors import GROUP_COLUMNS, shared_selector_groups

__all__ = ["GROUP_COLUMNS", "shared_selector_groups"]
