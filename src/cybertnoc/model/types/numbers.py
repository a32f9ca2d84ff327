"""Plain numbers: the ``number`` cleaner.

A number is cleaned like an amount of money without currency (see
:mod:`cybertnoc.model.types.money` for the separator rules), and negative values are accepted.
The canonical form is a decimal string without exponent or thousands separators.
"""

from __future__ import annotations

from cybertnoc.model.types.money import clean_amount

__all__ = ["clean_number"]


def clean_number(value: str | None) -> str | None:
    """Clean a number to a canonical decimal string.

    Parameters
    ----------
    value : str or None
        Digits with optional sign, decimal mark, thousands separators, exponent or ``k``/``m``
        suffix. Empty input gives ``None``.

    Returns
    -------
    str or None

    Raises
    ------
    InvalidValue
        When the value is not a number.

    Examples
    --------
    >>> clean_number("-1,234.5"), clean_number("1.5e3"), clean_number(" 42 ")
    ('-1234.5', '1500', '42')
    """
    return clean_amount(value, negative=True)
