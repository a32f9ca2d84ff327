"""Charts for an evidence brief, as :class:`~cybertnoc.report.Figure` blocks with inline SVG.

Each function draws numbers it is given (it never computes a finding) with matplotlib and
returns a :class:`~cybertnoc.report.Figure` ready to put in a :class:`~cybertnoc.report.Section`.

- **Self-contained.** The SVG keeps text as text (``svg.fonttype: none``), so it is small and
  searchable, and references nothing outside itself. No chart makes a network request.
- **Deterministic.** A fixed ``svg.hashsalt``, no date in the metadata and seeded layouts mean
  the same input gives byte-identical SVG (on the same matplotlib version).
- **Embeddable.** The XML prolog, DOCTYPE and metadata are removed; ids that nothing refers to
  are dropped and the rest are prefixed with a hash of the figure, so several figures can share a
  page (the renderer prefixes them once more with the figure number).
- **Readable by everyone.** Colours come from the Okabe–Ito palette, which stays distinguishable
  with the common forms of colour blindness [1]_; every figure carries an ``alt`` text.

matplotlib is used through :class:`matplotlib.figure.Figure`, never ``pyplot``: nothing opens a
window, the caller's backend is left alone and no global figure state is kept. The style is set
with :func:`matplotlib.rc_context` while a chart is drawn, which is not thread-safe; draw charts
from one thread.

References
----------
.. [1] Okabe, M. & Ito, K. (2008). Color Universal Design (CUD): how to make figures and
   presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
.. [2] Fruchterman, T. M. J. & Reingold, E. M. (1991). Graph drawing by force-directed
   placement. Software: Practice and Experience 21(11), 1129-1164.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import io
import json
import logging
import math
import numbers
import re
import textwrap
from collections import Counter
from collections.abc import Hashable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib import dates as mdates
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure as MplFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from cybertnoc.errors import InvalidValue
from cybertnoc.report._brief import Figure
from cybertnoc.report._html import _prefix_ids

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "bar_chart",
    "flow_chart",
    "flow_map",
    "line_chart",
    "map_colour",
    "network_chart",
    "sankey_chart",
    "sankey_layout",
    "stacked_bar_chart",
    "to_png",
    "world_geometry",
]

logger = logging.getLogger(__name__)

#: The Okabe–Ito colour-blind-safe palette, by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: The order in which series and groups take Okabe–Ito colours (yellow and black last: yellow
#: is faint on white, black reads as text).
PALETTE = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["yellow"],
    OKABE_ITO["black"],
)
_GREY = "#A3ABB5"
_INK = "#1C2128"
_MUTED = "#59626E"
_RULE = "#D6DBE0"
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_WIDTH = 6.8  # inches: about the width of the brief's text column

_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "cybertnoc-report",
    "svg.image_inline": True,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "Liberation Sans"],
    "font.size": 9.0,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 10.0,
    "axes.labelsize": 9.0,
    "axes.labelcolor": _MUTED,
    "axes.edgecolor": _MUTED,
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "grid.color": _RULE,
    "grid.linewidth": 0.7,
    "xtick.color": _MUTED,
    "ytick.color": _MUTED,
    "xtick.labelcolor": _INK,
    "ytick.labelcolor": _INK,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "text.color": _INK,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "path.simplify": True,
}


# ------------------------------------------------------------------------------- plumbing


@contextlib.contextmanager
def _style() -> Iterator[None]:
    with matplotlib.rc_context(_RC):
        yield


_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?", re.DOTALL)
_STAR_STYLE = re.compile(r"\s*<style[^>]*>\*\{[^}]*\}</style>")
_EMPTY_DEFS = re.compile(r"\s*<defs>\s*</defs>")
_EMPTY_G = re.compile(r"\s*<g>\s*</g>|\s*<g/>")
_ANY_ID = re.compile(r"\sid=\"([^\"]*)\"")
_REF = re.compile(r"(?:href=\"#|url\(#)([^\")]+)")


def _to_svg(fig: MplFigure) -> str:
    """The figure as inline, deterministic SVG with unique, prefixed ids."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight", pad_inches=0.08)
    svg = buf.getvalue()
    svg = _PROLOG.sub("", svg)
    svg = _METADATA.sub("", svg)
    # matplotlib's "*{stroke-linejoin: round; stroke-linecap: butt}" would style the whole page
    # once inlined; the same defaults go on the root element, where they are inherited.
    svg = _STAR_STYLE.sub("", svg)
    referenced = set(_REF.findall(svg))
    svg = _ANY_ID.sub(lambda m: m.group(0) if m.group(1) in referenced else "", svg)
    svg = _EMPTY_DEFS.sub("", svg)
    while True:  # groups left empty once their ids are gone carry nothing
        svg, n = _EMPTY_G.subn("", svg)
        if not n:
            break
    svg = svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    digest = hashlib.sha256(svg.encode("utf-8")).hexdigest()[:8]
    return _prefix_ids(svg, f"c{digest}-").strip() + "\n"


def _finish(fig: MplFigure, caption: str, alt: str) -> Figure:
    if not isinstance(caption, str) or not caption.strip():
        raise InvalidValue(
            caption, "a non-empty caption", "Say what the chart shows and its source."
        )
    if not isinstance(alt, str) or not alt.strip():
        raise InvalidValue(
            alt, "a non-empty alt text", "State the finding for readers who cannot see the chart."
        )
    svg = _to_svg(fig)
    logger.debug("Chart drawn: %d bytes of SVG", len(svg))
    raster = _RASTER.get()
    if raster is not None:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=raster["dpi"], bbox_inches="tight", pad_inches=0.08,
                    metadata={"Software": None})  # fmt: skip
        raster["png"] = buf.getvalue()
    return Figure(svg=svg, caption=caption, alt=alt)


#: Set by :func:`to_png` while it draws: ``_finish`` then also renders the figure as PNG.
_RASTER: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "cybertnoc_chart_raster", default=None
)


def to_png(chart: Any, *args: Any, dpi: int = 200, **kwargs: Any) -> bytes:
    """Draw a chart of this module and return it as a PNG image instead of a Figure.

    The chart is drawn exactly as for the brief (same style, same input checks); the PNG is
    rendered from the same matplotlib figure as the SVG, at ``dpi`` dots per inch, without a
    software tag so the same input gives the same bytes.

    Parameters
    ----------
    chart : callable
        A chart function of this module (:func:`bar_chart`, :func:`line_chart`,
        :func:`flow_map`, :func:`sankey_chart`...) or a function that calls exactly one.
    *args, **kwargs
        Its arguments.
    dpi : int, default 200
        The resolution.

    Returns
    -------
    bytes
        The PNG file's bytes.

    Raises
    ------
    InvalidValue
        If ``chart`` drew no chart of this module, or as ``chart`` does.

    Examples
    --------
    >>> png = to_png(bar_chart, ["a", "b"], [2, 1], title="t", caption="c", alt="a leads.")
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 20 <= dpi <= 1200:
        raise InvalidValue(dpi, "an integer dpi in [20, 1200]")
    holder: dict[str, Any] = {"dpi": dpi}
    token = _RASTER.set(holder)
    try:
        chart(*args, **kwargs)
    finally:
        _RASTER.reset(token)
    if "png" not in holder:
        raise InvalidValue(
            getattr(chart, "__name__", chart), "a chart function of cybertnoc.report.charts"
        )
    return holder["png"]


def _numbers(values: Any, name: str, *, allow_nan: bool = False) -> np.ndarray:
    """Values as a float array; names the offending positions otherwise."""
    items = list(values) if not isinstance(values, str | bytes) else None
    if items is None:
        raise InvalidValue(values, f"a sequence of numbers for {name}")
    out = np.empty(len(items), dtype=float)
    bad = []
    for i, v in enumerate(items):
        if v is None and allow_nan:
            out[i] = np.nan
            continue
        if not isinstance(v, numbers.Real) or isinstance(v, bool):
            bad.append((i, v))
            continue
        f = float(v)
        if math.isinf(f) or (math.isnan(f) and not allow_nan):
            bad.append((i, v))
        out[i] = f
    if bad:
        shown = ", ".join(f"[{i}]={v!r}" for i, v in bad[:5])
        raise InvalidValue(
            shown,
            f"finite numbers for {name}" + (" (None or NaN for a gap)" if allow_nan else ""),
            "Pass plain numbers; the chart draws what it is given and computes nothing.",
        )
    return out


def _labels(values: Any, name: str) -> list[str]:
    if isinstance(values, str | bytes):
        raise InvalidValue(values, f"a sequence of labels for {name}")
    return [str(v) for v in values]


def _same_length(expected: int, got: int, what: str) -> None:
    if expected != got:
        raise InvalidValue(got, f"{expected} values for {what} (one per label)")


def _format_number(value: float) -> str:
    """A compact label for a value: thousands separators, fewer decimals for large numbers."""
    if math.isnan(value):
        return ""
    if float(value).is_integer() or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def _thousands(value: float, _pos: object = None) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def _value_formatter(value_format: str | None) -> Any:
    if value_format is None:
        return _format_number
    try:
        value_format.format(1.0)
    except (ValueError, IndexError, KeyError) as exc:
        raise InvalidValue(
            value_format, "a str.format pattern for one number, e.g. '{:,.0f}' or '{:.0%}'"
        ) from exc
    return value_format.format


def _wrap(label: str, width: int = 30) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _new_figure(height: float, width: float = _WIDTH) -> MplFigure:
    return MplFigure(figsize=(width, height), layout="constrained")


def _colours(keys: Sequence[str], limit: int = 7) -> dict[str, str]:
    """Palette colours for the first ``limit`` keys; the rest grey."""
    return {k: (PALETTE[i] if i < limit else _GREY) for i, k in enumerate(keys)}


# ---------------------------------------------------------------------------------- charts


def bar_chart(
    labels: Sequence[object],
    values: Sequence[float],
    *,
    title: str,
    xlabel: str = "",
    horizontal: bool = True,
    caption: str,
    alt: str,
    highlight: str | Sequence[str] | None = None,
    value_format: str | None = None,
) -> Figure:
    """A bar chart of one value per label, drawn in the order given.

    Parameters
    ----------
    labels : sequence
        Bar labels (shown as text), in the order to draw them: pass them ranked.
    values : sequence of float
        One finite number per label.
    title : str
        Shown above the chart.
    xlabel : str, optional
        The value axis label (with its unit).
    horizontal : bool, default True
        Horizontal bars (first label on top) read best with long labels and rankings.
    caption, alt : str
        The figure caption and the text alternative (see :class:`~cybertnoc.report.Figure`).
    highlight : str or sequence of str, optional
        Labels to draw in the accent colour; the others are drawn in grey.
    value_format : str, optional
        A :meth:`str.format` pattern for the value printed at each bar's end, e.g. ``"{:.0%}"``.

    Returns
    -------
    Figure

    Raises
    ------
    InvalidValue
        If ``labels`` and ``values`` differ in length, a value is not a finite number, or a
        highlighted label is not among the labels.

    Examples
    --------
    >>> fig = bar_chart(["Cocaine", "Cannabis"], [412, 388], title="Listings by drug",
    ...                 caption="Darknet listings by drug.", alt="Cocaine leads, 412 listings.")
    >>> fig.svg.startswith("<svg")
    True
    """
    names = _labels(labels, "labels")
    data = _numbers(values, "values")
    _same_length(len(names), len(data), "values")
    if not names:
        raise InvalidValue([], "at least one bar")
    marked: set[str] = set()
    if highlight is not None:
        marked = {highlight} if isinstance(highlight, str) else {str(h) for h in highlight}
        unknown = sorted(marked - set(names))
        if unknown:
            raise InvalidValue(unknown, f"labels among {names[:10]} for highlight")
    colours = [(PALETTE[3] if n in marked else _GREY) if marked else PALETTE[0] for n in names]
    fmt = _value_formatter(value_format)
    n = len(names)
    with _style():
        if horizontal:
            fig = _new_figure(height=max(1.6, 0.75 + 0.3 * n))
            ax = fig.add_subplot()
            y = np.arange(n)
            bars = ax.barh(y, data, color=colours, height=0.68)
            ax.set_yticks(y, [_wrap(s) for s in names])
            ax.invert_yaxis()
            ax.tick_params(axis="y", length=0)
            ax.spines["left"].set_visible(False)
            ax.xaxis.set_major_formatter(FuncFormatter(_thousands))
            ax.grid(axis="x")
            ax.set_axisbelow(True)
            ax.set_xlabel(xlabel)
            ax.margins(x=0.12)
        else:
            fig = _new_figure(height=3.4)
            ax = fig.add_subplot()
            x = np.arange(n)
            bars = ax.bar(x, data, color=colours, width=0.68)
            ax.set_xticks(x, [_wrap(s, 14) for s in names])
            ax.tick_params(axis="x", length=0)
            ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
            ax.grid(axis="y")
            ax.set_axisbelow(True)
            ax.set_ylabel(xlabel)
            ax.margins(y=0.12)
        ax.bar_label(bars, labels=[fmt(v) for v in data], padding=3, fontsize=8, color=_INK)
        ax.set_title(title)
        return _finish(fig, caption, alt)


def stacked_bar_chart(
    categories: Sequence[object],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    xlabel: str = "",
    ylabel: str = "",
    horizontal: bool = False,
    caption: str,
    alt: str,
) -> Figure:
    """Bars made of parts: one bar per category, one coloured part per series.

    Parameters
    ----------
    categories : sequence
        Bar labels, in the order to draw them (e.g. years, countries).
    series : dict of str to sequence of float
        The parts, in stacking order (first at the base), one value per category; at most eight
        series (the palette's length).
    title, xlabel, ylabel : str
        Labels; ``xlabel`` names the categories, ``ylabel`` the values (with their unit).
    horizontal : bool, default False
        Horizontal bars, the first category on top.
    caption, alt : str
        See :class:`~cybertnoc.report.Figure`.

    Returns
    -------
    Figure

    Raises
    ------
    InvalidValue
        If a series has the wrong length, a negative or non-finite value, or there are more
        than eight series.
    """
    names = _labels(categories, "categories")
    if not isinstance(series, Mapping) or not series:
        raise InvalidValue(series, "a non-empty dict of series name to values")
    if len(series) > len(PALETTE):
        raise InvalidValue(
            len(series),
            f"at most {len(PALETTE)} series",
            "Group the smaller series into 'Other' before drawing.",
        )
    parts = {}
    for key, vals in series.items():
        data = _numbers(vals, f"series {key!r}")
        _same_length(len(names), len(data), f"series {key!r}")
        if (data < 0).any():
            raise InvalidValue(key, "non-negative values in every stacked series")
        parts[str(key)] = data
    n = len(names)
    with _style():
        fig = _new_figure(height=max(1.8, 1.0 + 0.3 * n) if horizontal else 3.6)
        ax = fig.add_subplot()
        pos = np.arange(n)
        base = np.zeros(n)
        for (key, data), colour in zip(parts.items(), PALETTE, strict=False):
            if horizontal:
                ax.barh(pos, data, left=base, color=colour, height=0.68, label=key)
            else:
                ax.bar(pos, data, bottom=base, color=colour, width=0.68, label=key)
            base = base + data
        if horizontal:
            ax.set_yticks(pos, [_wrap(s) for s in names])
            ax.invert_yaxis()
            ax.tick_params(axis="y", length=0)
            ax.xaxis.set_major_formatter(FuncFormatter(_thousands))
            ax.grid(axis="x")
            ax.set_xlabel(ylabel)
            ax.set_ylabel(xlabel)
        else:
            ax.set_xticks(pos, [_wrap(s, 14) for s in names])
            ax.tick_params(axis="x", length=0)
            ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
            ax.grid(axis="y")
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
        ax.set_axisbelow(True)
        ax.legend(
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncols=min(4, len(parts)),
            handlelength=1.0,
            borderaxespad=0.2,
        )
        ax.set_title(title, pad=22)
        return _finish(fig, caption, alt)


def line_chart(
    x: Sequence[Any],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    caption: str,
    alt: str,
    x_is_date: bool = False,
    x_format: str | None = None,
) -> Figure:
    """Lines over a shared x axis, e.g. infected hosts over time per malware family.

    Parameters
    ----------
    x : sequence
        The x values, shared by every series: numbers, or dates when ``x_is_date``.
    series : dict of str to sequence of float
        One line per entry, in legend order, each as long as ``x``; ``None`` or NaN leaves a
        gap. At most eight series; each gets an Okabe–Ito colour and, so the lines differ
        without colour too, its own marker.
    title, xlabel, ylabel : str
        Labels (the y label with its unit).
    caption, alt : str
        See :class:`~cybertnoc.report.Figure`.
    x_is_date : bool, default False
        Read ``x`` as dates (ISO strings, :class:`datetime.date`, ``numpy.datetime64`` or
        pandas timestamps; time zones are converted to UTC).
    x_format : str, optional
        A ``str.format`` pattern for the x tick labels of numeric x (``"{:.0f}"`` for years,
        which then get whole-number ticks); default: thousands separators.

    Returns
    -------
    Figure

    Raises
    ------
    InvalidValue
        If a series has the wrong length or a non-number, ``x`` has values that are not dates
        (with ``x_is_date``) or numbers, or there are more than eight series.

    Examples
    --------
    >>> fig = line_chart(["2024-01-01", "2024-02-01", "2024-03-01"],
    ...                  {"Emotet": [120, 340, 310], "Qakbot": [80, None, 95]},
    ...                  title="Infected hosts", xlabel="", ylabel="hosts",
    ...                  caption="Hosts seen per month.", alt="Emotet peaked in February.",
    ...                  x_is_date=True)
    >>> "Emotet" in fig.svg
    True
    """
    if isinstance(x, str | bytes):
        raise InvalidValue(x, "a sequence of x values")
    xs = list(x)
    if not xs:
        raise InvalidValue([], "at least one x value")
    if x_is_date:
        xv: Any = _dates(xs)
    else:
        xv = _numbers(xs, "x")
    x_label = _value_formatter(x_format) if x_format is not None else None
    if not isinstance(series, Mapping) or not series:
        raise InvalidValue(series, "a non-empty dict of series name to values")
    if len(series) > len(PALETTE):
        raise InvalidValue(len(series), f"at most {len(PALETTE)} series")
    lines = {}
    for key, vals in series.items():
        data = _numbers(vals, f"series {key!r}", allow_nan=True)
        _same_length(len(xs), len(data), f"series {key!r}")
        lines[str(key)] = data
    markers = len(xs) <= 40
    with _style():
        fig = _new_figure(height=3.4)
        ax = fig.add_subplot()
        for i, (key, data) in enumerate(lines.items()):
            ax.plot(
                xv,
                data,
                color=PALETTE[i],
                linewidth=1.8,
                marker=_MARKERS[i] if markers else None,
                markersize=4,
                label=key,
            )
        if x_is_date:
            locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        elif x_label is not None:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: x_label(v)))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=8))
            ax.xaxis.set_major_formatter(FuncFormatter(_thousands))
        ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
        if all(np.nanmin(d) >= 0 for d in lines.values() if not np.isnan(d).all()):
            ax.set_ylim(bottom=0)  # counts read honestly from zero
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        pad = 6.0
        if len(lines) > 1:
            ax.legend(
                loc="lower left",
                bbox_to_anchor=(0.0, 1.0),
                ncols=min(4, len(lines)),
                borderaxespad=0.2,
            )
            pad = 22.0 + 13.0 * (math.ceil(len(lines) / 4) - 1)  # one more per legend row
        ax.set_title(title, pad=pad)
        return _finish(fig, caption, alt)


def _dates(values: list[Any]) -> np.ndarray:
    import pandas as pd

    try:
        parsed = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
    except (ValueError, TypeError) as exc:
        raise InvalidValue(
            values[:5],
            "dates for x (ISO 8601 strings, dates, datetimes or numpy.datetime64)",
            f"Check the x values ({exc}).",
        ) from exc
    if parsed.isna().any():
        bad = [values[i] for i in np.flatnonzero(parsed.isna().to_numpy())[:5]]
        raise InvalidValue(bad, "a date for every x value")
    return parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")


def network_chart(
    edges: Sequence[tuple[Hashable, Hashable]],
    *,
    groups: Mapping[Hashable, str] | None = None,
    sizes: Mapping[Hashable, float] | None = None,
    labels: Mapping[Hashable, str] | None = None,
    caption: str,
    alt: str,
    seed: int = 0,
    title: str = "",
    label_top: int = 5,
    group_title: str = "Group",
) -> Figure:
    """A network drawn with a seeded spring layout, nodes coloured by group and sized by a score.

    The layout is Fruchterman–Reingold (:func:`networkx.spring_layout`) [2]_ with ``seed``, a
    drawing aid only: distances in the picture mean nothing on their own.

    Parameters
    ----------
    edges : sequence of (node, node)
        The ties to draw (undirected; a self-loop is not drawn).
    groups : dict of node to str, optional
        A group per node (e.g. a community or the crime group of the ground truth). The seven
        largest groups get Okabe–Ito colours, smaller ones and nodes without a group are grey.
    sizes : dict of node to float, optional
        A score per node, such as a centrality computed by :mod:`cybertnoc.network`; node area
        grows linearly with it. By default the node's degree in the drawn graph.
    labels : dict of node to str, optional
        Display names; by default the node itself.
    caption, alt : str
        See :class:`~cybertnoc.report.Figure`.
    seed : int, default 0
        Seed of the layout: the same edges and seed give the same picture.
    title : str, optional
        Shown above the chart.
    label_top : int, default 5
        How many nodes to label: those with the largest ``sizes`` (ties by name).
    group_title : str, default "Group"
        The title of the colour legend.

    Returns
    -------
    Figure

    Raises
    ------
    InvalidValue
        If there are no edges, an edge is not a pair, or a size is not a finite number.

    Examples
    --------
    >>> fig = network_chart([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")],
    ...                     groups={"a": "G1", "b": "G1", "c": "G2", "d": "G2"},
    ...                     sizes={"a": 0.0, "b": 0.0, "c": 0.67, "d": 0.0},
    ...                     caption="A toy network.", alt="c brokers between a, b and d.")
    >>> ">c<" in fig.svg
    True
    """
    import networkx as nx

    if isinstance(edges, str | bytes):
        raise InvalidValue(edges, "a sequence of (node, node) edges")
    pairs = list(edges)
    bad = [i for i, e in enumerate(pairs) if not isinstance(e, tuple | list) or len(e) != 2]
    if bad:
        raise InvalidValue(
            [pairs[i] for i in bad[:5]], "edges as (source, target) pairs", f"positions {bad[:5]}"
        )
    if not pairs:
        raise InvalidValue([], "at least one edge for a network chart")
    graph = nx.Graph()
    graph.add_edges_from((a, b) for a, b in pairs)
    nodes = list(graph.nodes)
    if len(nodes) > 2000:
        logger.warning(
            "Drawing a network of %d nodes: the layout is slow and the SVG large; "
            "consider drawing the largest component or the top nodes only",
            len(nodes),
        )
    if sizes is None:
        score = {v: float(graph.degree(v)) for v in nodes}
    else:
        given = _numbers([sizes.get(v, 0.0) for v in nodes], "sizes")
        score = dict(zip(nodes, given.tolist(), strict=True))
    pos = nx.spring_layout(graph, seed=seed)

    group_of = {v: (str(groups[v]) if groups and v in groups else None) for v in nodes}
    counts = Counter(g for g in group_of.values() if g is not None)
    ranked = sorted(counts, key=lambda g: (-counts[g], g))
    colour_of_group = _colours(ranked)
    shown_groups = ranked[:7]
    lo, hi = min(score.values()), max(score.values())
    span = hi - lo

    def area(v: Hashable) -> float:
        return 18.0 + (260.0 * (score[v] - lo) / span if span > 0 else 40.0)

    order = sorted(nodes, key=lambda v: (score[v], str(v)))  # the largest drawn last, on top
    xy = np.array([pos[v] for v in order])
    node_colours = [
        colour_of_group[group_of[v]] if group_of[v] is not None else _GREY for v in order
    ]
    segments = [(pos[a], pos[b]) for a, b in graph.edges if a != b]
    top = sorted(nodes, key=lambda v: (-score[v], str(v)))[: max(0, int(label_top))]

    with _style():
        fig = _new_figure(height=5.2)
        ax = fig.add_subplot()
        ax.add_collection(LineCollection(segments, colors="#8A939E", linewidths=0.6, alpha=0.55))
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=[area(v) for v in order],
            c=node_colours,
            edgecolors="white",
            linewidths=0.6,
            zorder=2,
        )
        for v in top:
            text = labels.get(v, str(v)) if labels else str(v)
            ax.annotate(
                str(text),
                pos[v],
                xytext=(5, 5),
                textcoords="offset points",
                fontsize=8,
                zorder=3,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
        ax.set_aspect("equal")
        ax.margins(0.06)
        ax.set_axis_off()
        handles = [
            Line2D([], [], ls="", marker="o", ms=6, mfc=colour_of_group[g], mec="white", label=g)
            for g in shown_groups
        ]
        if len(ranked) > len(shown_groups) or any(g is None for g in group_of.values()):
            label = "other" if len(ranked) > len(shown_groups) else "no group"
            handles.append(
                Line2D([], [], ls="", marker="o", ms=6, mfc=_GREY, mec="white", label=label)
            )
        if handles:
            ax.legend(
                handles=handles,
                title=group_title,
                loc="upper left",
                bbox_to_anchor=(1.0, 1.0),
                alignment="left",
                title_fontproperties={"size": 8.5, "weight": "bold"},
            )
        if title:
            ax.set_title(title)
        return _finish(fig, caption, alt)


def flow_chart(
    flows: Sequence[tuple[str, str, float]],
    *,
    caption: str,
    alt: str,
    top: int = 10,
    title: str = "",
    xlabel: str = "",
    style: str = "ranked",
    value_format: str | None = None,
) -> Figure:
    """The largest flows between places, e.g. trafficking routes between countries.

    ``style="ranked"`` (the default) draws one bar per route, labelled ``origin → destination``,
    largest on top and coloured by origin, which reads best for about ten routes.
    ``style="matrix"`` draws an origin × destination heat matrix with the value in each cell,
    which shows better how a few origins feed many destinations.

    Parameters
    ----------
    flows : sequence of (origin, destination, value)
        One row per route (aggregate in the domain first); values finite and non-negative.
    caption, alt : str
        See :class:`~cybertnoc.report.Figure`.
    top : int, default 10
        How many of the largest routes to draw (ties broken by origin, then destination); the
        chart says when routes were left out.
    title : str, optional
        Shown above the chart.
    xlabel : str, optional
        The value axis label (with its unit), e.g. ``"seizures"``.
    style : {"ranked", "matrix"}, default "ranked"
    value_format : str, optional
        A :meth:`str.format` pattern for the values printed on the chart.

    Returns
    -------
    Figure

    Raises
    ------
    InvalidValue
        If a flow is not a triple, a value is negative or not finite, a route appears twice,
        ``top`` is not positive or ``style`` is unknown.

    Examples
    --------
    >>> fig = flow_chart([("CO", "ES", 41), ("PE", "NL", 17), ("CO", "NL", 12)],
    ...                  caption="Routes by seizures.", alt="Colombia to Spain leads.")
    >>> "CO → ES" in fig.svg
    True
    """
    if style not in {"ranked", "matrix"}:
        raise InvalidValue(style, "one of 'ranked', 'matrix' for style")
    if not isinstance(top, numbers.Integral) or isinstance(top, bool) or top < 1:
        raise InvalidValue(top, "a positive integer for top")
    if isinstance(flows, str | bytes):
        raise InvalidValue(flows, "a sequence of (origin, destination, value)")
    rows = list(flows)
    bad = [i for i, f in enumerate(rows) if not isinstance(f, tuple | list) or len(f) != 3]
    if bad:
        raise InvalidValue(
            [rows[i] for i in bad[:5]], "flows as (origin, destination, value) triples"
        )
    if not rows:
        raise InvalidValue([], "at least one flow")
    values = _numbers([f[2] for f in rows], "flow values")
    if (values < 0).any():
        raise InvalidValue(
            [rows[i] for i in np.flatnonzero(values < 0)[:5]], "non-negative flow values"
        )
    routes = [(str(f[0]), str(f[1])) for f in rows]
    dupes = sorted(r for r, c in Counter(routes).items() if c > 1)
    if dupes:
        raise InvalidValue(
            [f"{a} → {b}" for a, b in dupes[:5]],
            "one row per route",
            "Aggregate the flows per (origin, destination) in the domain before drawing.",
        )
    ranked = sorted(zip(routes, values.tolist(), strict=True), key=lambda r: (-r[1], r[0]))
    shown = ranked[:top]
    left_out = len(ranked) - len(shown)
    fmt = _value_formatter(value_format)
    note = f"Top {len(shown)} of {len(ranked)} routes" if left_out else ""

    with _style():
        if style == "ranked":
            origins = list(dict.fromkeys(o for (o, _d), _v in shown))
            colour_of = _colours(origins)
            n = len(shown)
            fig = _new_figure(height=max(1.8, 0.95 + 0.3 * n))
            ax = fig.add_subplot()
            y = np.arange(n)
            bars = ax.barh(
                y,
                [v for _r, v in shown],
                color=[colour_of[o] for (o, _d), _v in shown],
                height=0.68,
            )
            ax.set_yticks(y, [f"{o} → {d}" for (o, d), _v in shown])
            ax.invert_yaxis()
            ax.tick_params(axis="y", length=0)
            ax.spines["left"].set_visible(False)
            ax.xaxis.set_major_formatter(FuncFormatter(_thousands))
            ax.grid(axis="x")
            ax.set_axisbelow(True)
            ax.set_xlabel(xlabel)
            ax.margins(x=0.12)
            ax.bar_label(bars, labels=[fmt(v) for _r, v in shown], padding=3, fontsize=8)
            if len(origins) > 1:
                handles = [Patch(color=colour_of[o], label=o) for o in origins[:7]]
                if len(origins) > 7:
                    handles.append(Patch(color=_GREY, label="other"))
                ax.legend(
                    handles=handles,
                    title="Origin",
                    loc="upper left",
                    bbox_to_anchor=(1.0, 1.0),
                    alignment="left",
                    title_fontproperties={"size": 8.5, "weight": "bold"},
                    handlelength=1.0,
                )
        else:
            origins = sorted({o for (o, _d), _v in shown})
            dests = sorted({d for (_o, d), _v in shown})
            grid = np.full((len(origins), len(dests)), np.nan)
            for (o, d), v in shown:
                grid[origins.index(o), dests.index(d)] = v
            fig = _new_figure(
                height=max(2.0, 1.2 + 0.38 * len(origins)),
                width=min(_WIDTH, max(3.4, 1.6 + 0.55 * len(dests))),
            )
            ax = fig.add_subplot()
            cmap = LinearSegmentedColormap.from_list(
                "cybertnoc_blues", ["#E8F1F8", OKABE_ITO["blue"], "#003A5C"]
            )
            vmax = float(np.nanmax(grid)) or 1.0
            for i in range(len(origins)):
                for j in range(len(dests)):
                    v = grid[i, j]
                    face = "#F4F6F8" if math.isnan(v) else cmap(v / vmax)
                    ax.add_patch(
                        Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=face, edgecolor="white")
                    )
                    if math.isnan(v):
                        continue
                    ax.text(
                        j,
                        i,
                        fmt(v),
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white" if v > 0.55 * vmax else _INK,
                    )
            ax.set_xlim(-0.5, len(dests) - 0.5)
            ax.set_ylim(len(origins) - 0.5, -0.5)
            ax.set_xticks(range(len(dests)), dests)
            ax.set_yticks(range(len(origins)), origins)
            ax.xaxis.tick_top()
            ax.xaxis.set_label_position("top")
            ax.set_xlabel("Destination")
            ax.set_ylabel("Origin")
            ax.tick_params(length=0)
            for spine in ax.spines.values():
                spine.set_visible(False)
        if title:
            ax.set_title(title, pad=24 if style == "matrix" else 10)
        if note:
            fig.text(0.0, 0.0, note, fontsize=7.5, color=_MUTED, ha="left", va="top")
        return _finish(fig, caption, alt)


# ------------------------------------------------------------------------------ maps


@functools.lru_cache(maxsize=1)
def world_geometry() -> dict[str, dict[str, Any]]:
    """Country outlines (Natural Earth 1:110m, public domain), by ISO 3166 alpha-2 code.

    Read from the package's ``report/data/world_110m.json`` (made by ``tools/world_110m.py``):
    ``{"name", "centroid": [lon, lat], "rings": [[[lon, lat], ...], ...]}``. Nothing is
    downloaded: the map draws offline.
    """
    path = Path(__file__).with_name("data") / "world_110m.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _great_circle(a: Sequence[float], b: Sequence[float], n: int = 48) -> np.ndarray:
    """Points (lon, lat) along the great circle from ``a`` to ``b``, longitudes unwrapped."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    p1 = np.array([math.cos(lat1) * math.cos(lon1), math.cos(lat1) * math.sin(lon1),
                   math.sin(lat1)])  # fmt: skip
    p2 = np.array([math.cos(lat2) * math.cos(lon2), math.cos(lat2) * math.sin(lon2),
                   math.sin(lat2)])  # fmt: skip
    omega = math.acos(float(np.clip(p1 @ p2, -1.0, 1.0)))
    if omega < 1e-9:
        return np.array([a, b], dtype=float)
    t = np.linspace(0.0, 1.0, n)[:, None]
    pts = (np.sin((1 - t) * omega) * p1 + np.sin(t * omega) * p2) / math.sin(omega)
    lon = np.degrees(np.unwrap(np.arctan2(pts[:, 1], pts[:, 0])))
    lat = np.degrees(np.arcsin(np.clip(pts[:, 2], -1.0, 1.0)))
    return np.column_stack([lon, lat])


_MAP_CMAP = LinearSegmentedColormap.from_list(
    "cybertnoc_blues", ["#E8F1F8", OKABE_ITO["sky_blue"], OKABE_ITO["blue"], "#003A5C"]
)
_MAP_BLANK = "#EEF1F4"


def map_colour(value: float | None, vmax: float) -> str:
    """The fill of a country with ``value`` on a map whose largest value is ``vmax``.

    A square-root scale, since seizure totals span orders of magnitude; no value (or 0) is the
    blank grey. The static map (:func:`flow_map`) and the interactive one
    (:mod:`cybertnoc.report.flowmap`) share it.

    Examples
    --------
    >>> map_colour(None, 10.0), map_colour(10.0, 10.0)
    ('#EEF1F4', '#003A5C')
    """
    if value is None or not value > 0 or not vmax > 0:
        return _MAP_BLANK
    from matplotlib.colors import to_hex

    return to_hex(_MAP_CMAP(0.15 + 0.85 * math.sqrt(min(value / vmax, 1.0)))).upper()


def flow_map(
    countries: Mapping[str, float],
    flows: Sequence[tuple[str, str, float]],
    *,
    caption: str,
    alt: str,
    title: str = "",
    legend: str = "",
    flow_legend: str = "",
    top: int = 15,
    extent: tuple[float, float, float, float] | None = None,
) -> Figure:
    """A world map: countries shaded by a value (choropleth) and flows drawn as great circles.

    Drawn offline from Natural Earth outlines bundled with cybertnoc (:func:`world_geometry`):
    no tiles, no web fonts, no network. Longitude and latitude are plotted as they are
    (plate carrée). Codes without an outline (regions such as ``ZZ``, small states outside
    the 1:110m set) are left out and said in a note.

    Parameters
    ----------
    countries : mapping of code to value
        The choropleth values (e.g. kg seized); non-negative; missing countries are blank.
    flows : sequence of (origin, destination, value)
        One row per route; the ``top`` largest are drawn, line width by value.
    caption, alt : str
        See :class:`~cybertnoc.report.Figure`.
    title, legend, flow_legend : str
        The title, the colour scale's label (with its unit) and the flows' label.
    extent : (lon_min, lon_max, lat_min, lat_max), optional
        The window; default: the world without Antarctica.

    Returns
    -------
    Figure

    Examples
    --------
    >>> fig = flow_map({"ES": 120.0, "CO": 400.0}, [("CO", "ES", 41)], caption="Seizures.",
    ...                alt="Colombia to Spain leads.")
    >>> "<svg" in fig.svg and "http" not in fig.svg.replace("http://www.w3.org", "")
    True
    """
    geo = world_geometry()
    values = {str(k).upper(): float(v) for k, v in countries.items()}
    _numbers(list(values.values()), "country values")
    rows = list(flows)
    bad = [f for f in rows if not isinstance(f, tuple | list) or len(f) != 3]
    if bad:
        raise InvalidValue(bad[:5], "flows as (origin, destination, value) triples")
    weights = _numbers([f[2] for f in rows], "flow values") if rows else np.array([])
    if (weights < 0).any() or any(v < 0 for v in values.values()):
        raise InvalidValue("negative", "non-negative values")
    ranked = sorted(zip(rows, weights.tolist(), strict=True), key=lambda r: (-r[1], str(r[0])))
    shown = [(str(f[0]), str(f[1]), w) for f, w in ranked[:top]]
    drawable = [f for f in shown if f[0] in geo and f[1] in geo and f[0] != f[1]]
    skipped = len(shown) - len(drawable)
    unknown_countries = sorted(c for c in values if c not in geo)
    cmap = _MAP_CMAP
    vmax = max(values.values(), default=0.0) or 1.0
    with _style():
        fig = _new_figure(height=3.9)
        ax = fig.add_subplot()
        from matplotlib.collections import PolyCollection

        polys, faces = [], []
        for code, shape in sorted(geo.items()):
            face = map_colour(values.get(code), vmax)
            for ring in shape["rings"]:
                polys.append(ring)
                faces.append(face)
        ax.add_collection(
            PolyCollection(polys, facecolors=faces, edgecolors="white", linewidths=0.3)
        )
        wmax = max((w for _o, _d, w in drawable), default=1.0) or 1.0
        for o, d, w in drawable:
            line = _great_circle(geo[o]["centroid"], geo[d]["centroid"])
            ax.plot(line[:, 0], line[:, 1], color=OKABE_ITO["vermillion"], alpha=0.8,
                    linewidth=0.6 + 3.4 * w / wmax, solid_capstyle="round")  # fmt: skip
            ax.plot(*line[-1], marker="o", markersize=2.5, color=OKABE_ITO["vermillion"])
        lon0, lon1, lat0, lat1 = extent or (-170.0, 190.0, -57.0, 80.0)
        ax.set_xlim(lon0, lon1)
        ax.set_ylim(lat0, lat1)
        ax.set_aspect("equal")
        ax.set_axis_off()
        handles = []
        if values:
            handles.append(Patch(color=cmap(1.0), label=legend or "value"))
        if drawable:
            handles.append(Line2D([0], [0], color=OKABE_ITO["vermillion"], linewidth=2,
                                  label=flow_legend or "flows"))  # fmt: skip
        if handles:
            ax.legend(handles=handles, loc="lower left", fontsize=7.5)
        if title:
            ax.set_title(title)
        notes = []
        if skipped:
            notes.append(f"{skipped} of the top {len(shown)} flows have an end without an outline "
                         "(a region or small state) and are not drawn")  # fmt: skip
        if unknown_countries:
            notes.append(f"not on the map: {', '.join(unknown_countries[:8])}")
        if notes:
            fig.text(0.0, 0.0, "; ".join(notes) + ".", fontsize=7, color=_MUTED, ha="left",
                     va="top")  # fmt: skip
        return _finish(fig, caption, alt)


def sankey_layout(flows: Sequence[tuple[str, str, float]], top: int = 12) -> dict[str, Any]:
    """Where the bands and nodes of a two-column Sankey go (shared by the SVG and HTML views).

    The ``top`` largest flows with a positive value are kept (ties by codes); origins and
    destinations are stacked from the top by their total, heaviest first, with a gap of 2 % of
    the total between nodes.

    Returns
    -------
    dict
        ``flows`` (the kept ``(origin, destination, value)``), ``left`` and ``right`` (node
        names in order), ``left_at`` and ``right_at`` (node top positions), ``left_size`` and
        ``right_size`` (node totals), ``bands`` (per kept flow, its top at the origin and at
        the destination), ``gap`` and ``height`` (the stacked height).

    Raises
    ------
    InvalidValue
        If there is no flow or a value is not a finite number.

    Examples
    --------
    >>> lay = sankey_layout([("CO", "ES", 5), ("CO", "NL", 3), ("EC", "NL", 2)])
    >>> lay["left"], lay["right"], lay["bands"]
    (['CO', 'EC'], ['ES', 'NL'], [(0.0, 0.0), (5.0, 5.2), (8.2, 8.2)])
    """
    rows = [(str(o), str(d), v) for o, d, v in flows]
    if not rows:
        raise InvalidValue([], "at least one flow")
    values = _numbers([v for *_x, v in rows], "flow values")
    rows = [(o, d, float(v)) for (o, d, _v), v in zip(rows, values, strict=True)]
    rows = sorted(rows, key=lambda r: (-r[2], r[0], r[1]))[:top]
    rows = [r for r in rows if r[2] > 0]
    if not rows:
        raise InvalidValue([], "at least one flow with a positive value")
    size_l: dict[str, float] = {}
    size_r: dict[str, float] = {}
    for o, d, v in rows:
        size_l[o] = size_l.get(o, 0.0) + v
        size_r[d] = size_r.get(d, 0.0) + v
    left = sorted(size_l, key=lambda c: (-size_l[c], c))
    right = sorted(size_r, key=lambda c: (-size_r[c], c))
    total = sum(v for *_x, v in rows)
    gap = 0.02 * total

    def positions(nodes: list[str], size: dict[str, float]) -> dict[str, float]:
        at, out = 0.0, {}
        for n in nodes:
            out[n] = at
            at += size[n] + gap
        return out

    left_at, right_at = positions(left, size_l), positions(right, size_r)
    lo, ro = dict(left_at), dict(right_at)
    bands = []
    for o, d, v in rows:
        bands.append((round(lo[o], 9), round(ro[d], 9)))
        lo[o] += v
        ro[d] += v
    height = max(left_at[left[-1]] + size_l[left[-1]], right_at[right[-1]] + size_r[right[-1]])
    return {
        "flows": rows, "left": left, "right": right, "left_at": left_at, "right_at": right_at,
        "left_size": size_l, "right_size": size_r, "bands": bands, "gap": gap, "height": height,
    }  # fmt: skip


def sankey_chart(
    flows: Sequence[tuple[str, str, float]],
    *,
    caption: str,
    alt: str,
    title: str = "",
    top: int = 12,
) -> Figure:
    """A two-column Sankey diagram: origins on the left, destinations on the right.

    Each flow is a band whose width is its value; the ``top`` largest flows are drawn.

    Examples
    --------
    >>> fig = sankey_chart([("CO", "ES", 5), ("CO", "NL", 3), ("EC", "NL", 2)],
    ...                    caption="Routes.", alt="Colombia feeds Spain and the Netherlands.")
    >>> "CO" in fig.svg and "NL" in fig.svg
    True
    """
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    lay = sankey_layout(flows, top)
    rows, left, right = lay["flows"], lay["left"], lay["right"]
    ly, ry, gap = lay["left_at"], lay["right_at"], lay["gap"]
    colour = _colours(left)
    with _style():
        fig = _new_figure(height=max(2.4, 0.28 * max(len(left), len(right)) + 1.2))
        ax = fig.add_subplot()
        for (o, _d, v), (y0, y1) in zip(rows, lay["bands"], strict=True):
            verts = [(0.1, y0), (0.5, y0), (0.5, y1), (0.9, y1), (0.9, y1 + v), (0.5, y1 + v),
                     (0.5, y0 + v), (0.1, y0 + v), (0.1, y0)]  # fmt: skip
            codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4,
                     MplPath.LINETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4,
                     MplPath.CLOSEPOLY]  # fmt: skip
            ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=colour[o], alpha=0.55,
                                   edgecolor="none"))  # fmt: skip
        for nodes, pos, x, ha, sizes in (
            (left, ly, 0.1, "right", lay["left_size"]),
            (right, ry, 0.9, "left", lay["right_size"]),
        ):
            for n in nodes:
                size = sizes[n]
                ax.add_patch(Rectangle((x - 0.012, pos[n]), 0.024, size, color=_INK))
                ax.text(x + (-0.03 if ha == "right" else 0.03), pos[n] + size / 2,
                        f"{n}  {_format_number(size)}" if ha == "left" else
                        f"{_format_number(size)}  {n}", ha=ha, va="center", fontsize=8)  # fmt: skip
        height = lay["height"]
        ax.set_xlim(-0.1, 1.1)
        ax.set_ylim(height, -gap)
        ax.set_axis_off()
        ax.text(0.1, -gap, "Origin", ha="center", va="bottom", fontsize=8, color=_MUTED)
        ax.text(0.9, -gap, "Destination", ha="center", va="bottom", fontsize=8, color=_MUTED)
        if title:
            ax.set_title(title)
        return _finish(fig, caption, alt)
