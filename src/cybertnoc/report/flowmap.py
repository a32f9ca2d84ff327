"""Drug-flow pictures as files: the world flow map, the Sankey and the trends, as SVG, PNG or HTML.

The static pictures are the brief's charts (:func:`~cybertnoc.report.charts.flow_map`,
:func:`~cybertnoc.report.charts.sankey_chart`, :func:`~cybertnoc.report.charts.line_chart`),
written as a standalone SVG file or, through :func:`~cybertnoc.report.charts.to_png`, as PNG.
The **interactive** pages (:func:`flow_map_html`, :func:`sankey_html`) draw the same data as
hand-made inline SVG, one element per country, route and node, with a small inline script:

- a tooltip on every country (its name and value) and every route (origin → destination and its
  measures), also on keyboard focus; each route carries its text as an SVG ``<title>`` too, read
  by screen readers and shown as the browser's own tooltip when scripts are off;
- a hover highlight: the route or country under the pointer stays, the other routes fade; a
  country (or Sankey node) lights up the routes that touch it;
- a table of the routes drawn under the picture.

A page loads nothing: the style and the script are inline, a Content-Security-Policy allows only
that script (by its hash), and :func:`~cybertnoc.report.self_containment_problems` checks each
page before it is written. Nothing here computes a finding: the numbers come from
:mod:`cybertnoc.domains.drugs.flows` (``flow_map_data``, ``trends``); this module lays them out.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from cybertnoc.errors import InvalidValue
from cybertnoc.model.types import country_label
from cybertnoc.report import charts
from cybertnoc.report._brief import Figure
from cybertnoc.report._html import self_containment_problems

__all__ = [
    "FORMATS",
    "figure_html",
    "flow_map_html",
    "sankey_html",
    "save_chart",
    "trend_chart",
    "write_flow_map",
    "write_sankey",
]

logger = logging.getLogger(__name__)

#: The file types a picture is written as, by the file's suffix.
FORMATS = (".svg", ".png", ".html")

_EXTENT = (-170.0, 190.0, -57.0, 80.0)  # lon_min, lon_max, lat_min, lat_max, as charts.flow_map
_W = 1000.0
_ROUTE = charts.OKABE_ITO["vermillion"]

_CSS = """\
:root{color-scheme:light;--ink:#1C2128;--muted:#59626E;--rule:#D6DBE0}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
margin:0 auto;max-width:1100px;padding:1.2rem}
h1{font-size:1.35rem;margin:0 0 .3rem}p{margin:.3rem 0 .8rem}.meta{color:var(--muted)}
figure{margin:0}svg.fm{width:100%;height:auto;display:block;background:#fff}
figcaption{color:var(--muted);font-size:.88rem;margin-top:.4rem}
.country{stroke:#fff;stroke-width:.5}.country[tabindex]:focus{outline:none}
.route{stroke-linecap:round;opacity:.8;transition:opacity .12s}path.route:not(.band){fill:none}
.band{stroke:none;opacity:.6}.node{fill:var(--ink)}
.fm .label{font-size:12px;fill:var(--ink)}.fm .head{font-size:12px;fill:var(--muted)}
svg.focus .route:not(.on){opacity:.12}svg.focus .route.on{opacity:1}
svg.focus .country.on,.country:focus{stroke:var(--ink);stroke-width:1.2}
.route:focus{outline:none;opacity:1}
#fm-tip{position:fixed;pointer-events:none;background:var(--ink);color:#fff;font-size:.85rem;
padding:.3rem .5rem;border-radius:4px;max-width:22rem;z-index:2}
.legend{display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap;font-size:.85rem;
color:var(--muted);margin:.4rem 0}
.ramp{display:inline-block;width:9rem;height:.7rem;vertical-align:middle;margin:0 .4rem;
background:linear-gradient(90deg,{ramp})}
.line{display:inline-block;width:2.2rem;height:3px;vertical-align:middle;background:{route}}
table{border-collapse:collapse;font-size:.88rem;margin-top:1rem}
th,td{padding:.2rem .6rem;border-bottom:1px solid var(--rule);text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
"""

_SCRIPT = """\
(function () {
  "use strict";
  var svg = document.getElementById("fm-svg"), tip = document.getElementById("fm-tip");
  if (!svg || !tip) { return; }
  // the custom tooltip replaces the browser's: keep the text, drop the <title> elements
  Array.prototype.forEach.call(svg.querySelectorAll("[data-tip] > title"), function (t) {
    t.parentNode.removeChild(t);
  });
  function all(sel) { return Array.prototype.slice.call(svg.querySelectorAll(sel)); }
  function place(x, y) {
    var w = tip.offsetWidth, h = tip.offsetHeight;
    tip.style.left = Math.max(4, Math.min(x + 14, window.innerWidth - w - 4)) + "px";
    tip.style.top = Math.max(4, Math.min(y + 14, window.innerHeight - h - 4)) + "px";
  }
  function clear() {
    svg.classList.remove("focus");
    all(".on").forEach(function (el) { el.classList.remove("on"); });
    tip.hidden = true;
  }
  function light(el) {
    clear();
    svg.classList.add("focus");
    el.classList.add("on");
    var code = el.getAttribute("data-code"), side = el.getAttribute("data-side");
    if (code) {
      all(".route").forEach(function (r) {
        var o = r.getAttribute("data-o") === code, d = r.getAttribute("data-d") === code;
        if ((side !== "d" && o) || (side !== "o" && d)) { r.classList.add("on"); }
      });
    } else {
      [el.getAttribute("data-o"), el.getAttribute("data-d")].forEach(function (c) {
        all('.country[data-code="' + c + '"]').forEach(function (n) { n.classList.add("on"); });
      });
    }
  }
  function show(el, x, y) {
    light(el);
    tip.textContent = el.getAttribute("data-tip");
    tip.hidden = false;
    place(x, y);
  }
  function target(e) { return e.target.closest ? e.target.closest("[data-tip]") : null; }
  svg.addEventListener("mouseover", function (e) {
    var el = target(e);
    if (el) { show(el, e.clientX, e.clientY); } else { clear(); }
  });
  svg.addEventListener("mousemove", function (e) {
    if (!tip.hidden) { place(e.clientX, e.clientY); }
  });
  svg.addEventListener("mouseleave", clear);
  svg.addEventListener("focusin", function (e) {
    var el = target(e);
    if (el) { var b = el.getBoundingClientRect(); show(el, b.left + b.width / 2, b.top); }
  });
  svg.addEventListener("focusout", clear);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { clear(); } });
}());
"""

_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cybertnoc flows">
<title>{title}</title>
<style>
{css}</style>
</head>
<body>
<h1>{title}</h1>
{intro}<figure>
{legend}{svg}
<figcaption>{caption}</figcaption>
</figure>
<div id="fm-tip" role="tooltip" hidden></div>
{table}{script}</body>
</html>
"""


# ------------------------------------------------------------------------------ helpers


def _fmt(value: float) -> str:
    """A number for a label: thousands separators, one decimal below 100 when not whole."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    v = float(value)
    if v.is_integer() or abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:,.1f}" if abs(v) >= 1 else f"{v:,.3g}"


def _name(code: str) -> str:
    geo = charts.world_geometry()
    if code in geo:
        return str(geo[code]["name"])
    try:
        return country_label(code) or code
    except Exception:  # an unknown code is shown as it is
        return code


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _flows(
    flows: Sequence[tuple[str, str, float]], name: str = "flows"
) -> list[tuple[str, str, float]]:
    rows = list(flows)
    bad = [f for f in rows if not isinstance(f, tuple | list) or len(f) != 3]
    if bad:
        raise InvalidValue(bad[:5], f"{name} as (origin, destination, value) triples")
    values = [f[2] for f in rows]
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
            raise InvalidValue(v, f"non-negative finite numbers for the {name}' values")
    return [(str(o), str(d), float(v)) for o, d, v in rows]


_ORDER = ("seizures", "kg", "listings", "vendors", "value")


def _measures(
    o: str, d: str, value: float, measure: str, details: Mapping[tuple[str, str], Mapping]
) -> str:
    """``41 seizures · 1,234.5 kg``: the weight first, then the route's other measures."""
    parts = [f"{_fmt(value)} {measure}"]
    row = details.get((o, d), {})
    for key in _ORDER:
        v = row.get(key)
        if key == measure or v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        unit = f"{row.get('currency') or ''} in listed prices" if key == "value" else key
        parts.append(f"{_fmt(v)} {unit}".strip())
    return " · ".join(parts)


def _details(routes: Sequence[Mapping[str, Any]] | None) -> dict[tuple[str, str], Mapping]:
    return {(str(r["origin"]), str(r["destination"])): r for r in (routes or [])}


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def _page(
    *, title: str, intro: str, legend: str, svg: str, caption: str, table: str, script: bool
) -> str:
    css = _CSS.replace("{ramp}", ",".join(charts.map_colour(v, 1.0) for v in (1e-4, 0.25, 1.0)))
    css = css.replace("{route}", _ROUTE)
    code = _SCRIPT if script else ""
    page = _PAGE.format(
        csp=_esc(_csp(code)),
        title=_esc(title),
        css=css,
        intro=f'<p class="meta">{_esc(intro)}</p>\n' if intro else "",
        legend=legend,
        svg=svg.strip(),
        caption=_esc(caption),
        table=table,
        script=f"<script>{code}</script>\n" if script else "",
    )
    problems = self_containment_problems(page)
    if problems:  # a bug here, not the caller's: say it loudly
        raise InvalidValue("; ".join(problems[:5]), "a self-contained page")
    return page


def _route_table(rows: list[tuple[str, str, str]], measure: str) -> str:
    """The routes drawn, as an HTML table (rank, route, measures)."""
    if not rows:
        return ""
    body = "".join(
        f'<tr><td class="n">{i}</td><td>{_esc(route)}</td><td>{_esc(text)}</td></tr>\n'
        for i, (route, text, _code) in enumerate(rows, start=1)
    )
    return (
        f"<table>\n<caption>The routes drawn, by {_esc(measure)}</caption>\n"
        '<thead><tr><th class="n">#</th><th>route</th><th>measures</th></tr></thead>\n'
        f"<tbody>\n{body}</tbody>\n</table>\n"
    )


# ------------------------------------------------------------------------------ map


def _xy(lon: float, lat: float) -> tuple[float, float]:
    lon0, _lon1, _lat0, lat1 = _EXTENT
    k = _W / (_EXTENT[1] - _EXTENT[0])
    return (lon - lon0) * k, (lat1 - lat) * k


def _path(points: Sequence[Sequence[float]], close: bool) -> str:
    xy = [_xy(float(p[0]), float(p[1])) for p in points]
    d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    return d + ("Z" if close else "")


def flow_map_html(
    countries: Mapping[str, float],
    flows: Sequence[tuple[str, str, float]],
    *,
    country_measure: str = "kg",
    flow_measure: str = "seizures",
    routes: Sequence[Mapping[str, Any]] | None = None,
    title: str = "Drug flows",
    intro: str = "",
    caption: str = "",
    top: int = 15,
) -> str:
    """An interactive, self-contained HTML page with the world flow map.

    Countries are shaded by their value on the square-root scale of
    :func:`~cybertnoc.report.charts.flow_map`, the ``top`` flows drawn as great circles with an
    arrow head at the destination, line width by value. Every country and every route drawn
    has a tooltip; hovering highlights. Flows with an end that has no outline (a region, a
    small state) are not drawn and are said under the map.

    Parameters
    ----------
    countries : mapping of code to value
        Non-negative values per ISO 3166 alpha-2 code (e.g. kg seized).
    flows : sequence of (origin, destination, value)
        The routes, heaviest drawn first.
    country_measure, flow_measure : str
        The units of the country values and of the flow values (``kg``, ``seizures``,
        ``listings``...), used in the tooltips and legend.
    routes : sequence of mapping, optional
        More measures per route for the tooltips: rows with ``origin``, ``destination`` and
        any of ``seizures``, ``kg``, ``listings``, ``vendors``, ``value`` (with ``currency``),
        as :func:`cybertnoc.domains.drugs.flows.flow_map_data` gives them.
    title, intro, caption : str
        The page's heading, a line under it and the caption under the map.
    top : int
        How many flows to draw.

    Returns
    -------
    str
        The page.

    Examples
    --------
    >>> from cybertnoc.report import self_containment_problems
    >>> page = flow_map_html({"ES": 120.0, "CO": 400.0}, [("CO", "ES", 41)])
    >>> page.count('class="route"'), self_containment_problems(page)
    (1, [])
    >>> "Colombia → Spain: 41 seizures" in page
    True
    """
    geo = charts.world_geometry()
    values = {str(k).upper(): float(v) for k, v in countries.items()}
    for code, v in values.items():
        if not math.isfinite(v) or v < 0:
            raise InvalidValue(f"{code}={v}", "non-negative finite country values")
    rows = sorted(_flows(flows), key=lambda r: (-r[2], r[0], r[1]))[:top]
    drawable = [r for r in rows if r[0] in geo and r[1] in geo and r[0] != r[1] and r[2] > 0]
    skipped = [r for r in rows if r not in drawable]
    details = _details(routes)
    vmax = max(values.values(), default=0.0)
    height = _xy(0.0, _EXTENT[2])[1]
    parts = [
        f'<svg id="fm-svg" class="fm" viewBox="0 0 {_W:.0f} {height:.0f}" '
        f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_esc(title)}">',
        '<defs><marker id="fm-arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="4" '
        f'markerHeight="4" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{_ROUTE}"/></marker></defs>',
        '<g class="countries">',
    ]
    for code, shape in sorted(geo.items()):
        v = values.get(code)
        text = f"{shape['name']}: " + (f"{_fmt(v)} {country_measure}" if v else "no records")
        d = " ".join(_path(ring, True) for ring in shape["rings"])
        focus = ' tabindex="0"' if v else ""
        parts.append(
            f'<path class="country" data-code="{_esc(code)}" data-side="both" '
            f'data-tip="{_esc(text)}" aria-label="{_esc(text)}"{focus} '
            f'fill="{charts.map_colour(v, vmax)}" d="{d}"><title>{_esc(text)}</title></path>'
        )
    parts.append('</g>\n<g class="routes">')
    wmax = max((w for *_x, w in drawable), default=1.0) or 1.0
    table = []
    for o, d, w in drawable:
        line = charts._great_circle(geo[o]["centroid"], geo[d]["centroid"])
        route = f"{_name(o)} → {_name(d)}"
        text = f"{route}: {_measures(o, d, w, flow_measure, details)}"
        table.append((route, text.split(": ", 1)[1], o))
        parts.append(
            f'<path class="route" data-o="{_esc(o)}" data-d="{_esc(d)}" tabindex="0" '
            f'data-tip="{_esc(text)}" aria-label="{_esc(text)}" stroke="{_ROUTE}" '
            f'stroke-width="{1.0 + 6.0 * w / wmax:.2f}" marker-end="url(#fm-arrow)" '
            f'd="{_path(line.tolist(), False)}"><title>{_esc(text)}</title></path>'
        )
    parts.append("</g>\n</svg>")
    legend = (
        '<div class="legend">'
        + (
            f'<span>{_esc(country_measure)}: 0<span class="ramp"></span>{_fmt(vmax)} '
            "(square-root scale)</span>"
            if values
            else ""
        )
        + (
            f'<span><span class="line"></span> routes, width by {_esc(flow_measure)} '
            f"(the {len(drawable)} largest drawn)</span>"
            if drawable
            else ""
        )
        + "</div>\n"
    )
    notes = []
    if skipped:
        notes.append(
            f"{len(skipped)} of the top {len(rows)} routes have an end without an outline (a "
            "region or small state) and are not drawn: "
            + ", ".join(f"{_name(o)} → {_name(d)}" for o, d, _w in skipped[:8])
            + "."
        )
    cap = caption or (
        f"Countries shaded by {country_measure}; lines are the largest origin → destination "
        f"routes by {flow_measure}, drawn as great circles. Country outlines: Natural Earth "
        "1:110m (public domain)."
    )
    return _page(
        title=title,
        intro=intro,
        legend=legend,
        svg="\n".join(parts),
        caption=" ".join([cap, *notes]),
        table=_route_table(table, flow_measure),
        script=True,
    )


# ------------------------------------------------------------------------------ sankey


def sankey_html(
    flows: Sequence[tuple[str, str, float]],
    *,
    flow_measure: str = "seizures",
    routes: Sequence[Mapping[str, Any]] | None = None,
    title: str = "Drug routes: origin → destination",
    intro: str = "",
    caption: str = "",
    top: int = 12,
) -> str:
    """An interactive, self-contained HTML page with the two-column Sankey of the flows.

    The layout is :func:`~cybertnoc.report.charts.sankey_layout` (the static Sankey's): origins
    left, destinations right, a band per flow. Every band and node has a tooltip; a node
    highlights its bands.

    Parameters
    ----------
    flows, flow_measure, routes, title, intro, caption
        As :func:`flow_map_html`.
    top : int
        How many flows to draw.

    Returns
    -------
    str
        The page.

    Examples
    --------
    >>> page = sankey_html([("CO", "ES", 5), ("CO", "NL", 3), ("EC", "NL", 2)])
    >>> page.count('class="band route"'), page.count('class="node"')
    (3, 4)
    """
    lay = charts.sankey_layout(_flows(flows), top)
    details = _details(routes)
    n = max(len(lay["left"]), len(lay["right"]))
    height = max(320.0, 34.0 * n + 80.0)
    top_y, span = 36.0, height - 56.0
    scale = span / lay["height"]
    x0, x1, nw = 260.0, 740.0, 12.0
    colour = charts._colours(lay["left"])
    parts = [
        f'<svg id="fm-svg" class="fm" viewBox="0 0 {_W:.0f} {height:.0f}" '
        f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_esc(title)}">',
        f'<text class="head" x="{x0:.0f}" y="20" text-anchor="middle">Origin</text>',
        f'<text class="head" x="{x1:.0f}" y="20" text-anchor="middle">Destination</text>',
        '<g class="bands">',
    ]
    table = []
    for (o, d, v), (y0, y1) in zip(lay["flows"], lay["bands"], strict=True):
        a, b, h = top_y + y0 * scale, top_y + y1 * scale, v * scale
        xa, xb, xm = x0 + nw / 2, x1 - nw / 2, (x0 + x1) / 2
        path = (
            f"M{xa:.1f},{a:.1f} C{xm:.1f},{a:.1f} {xm:.1f},{b:.1f} {xb:.1f},{b:.1f} "
            f"L{xb:.1f},{b + h:.1f} C{xm:.1f},{b + h:.1f} {xm:.1f},{a + h:.1f} {xa:.1f},"
            f"{a + h:.1f} Z"
        )
        route = f"{_name(o)} → {_name(d)}"
        text = f"{route}: {_measures(o, d, v, flow_measure, details)}"
        table.append((route, text.split(": ", 1)[1], o))
        parts.append(
            f'<path class="band route" data-o="{_esc(o)}" data-d="{_esc(d)}" tabindex="0" '
            f'data-tip="{_esc(text)}" aria-label="{_esc(text)}" fill="{colour[o]}" '
            f'd="{path}"><title>{_esc(text)}</title></path>'
        )
    parts.append('</g>\n<g class="nodes">')
    for nodes, at, size, x, side, anchor, dx in (
        (lay["left"], lay["left_at"], lay["left_size"], x0, "o", "end", -10),
        (lay["right"], lay["right_at"], lay["right_size"], x1, "d", "start", 10),
    ):
        role = "origin" if side == "o" else "destination"
        for c in nodes:
            y, h = top_y + at[c] * scale, max(size[c] * scale, 1.0)
            text = f"{_name(c)} ({role}): {_fmt(size[c])} {flow_measure}"
            parts.append(
                f'<rect class="node" data-code="{_esc(c)}" data-side="{side}" tabindex="0" '
                f'data-tip="{_esc(text)}" aria-label="{_esc(text)}" x="{x - nw / 2:.1f}" '
                f'y="{y:.1f}" width="{nw:.0f}" height="{h:.1f}"><title>{_esc(text)}</title>'
                "</rect>"
            )
            parts.append(
                f'<text class="label" x="{x + dx:.1f}" y="{y + h / 2 + 4:.1f}" '
                f'text-anchor="{anchor}">{_esc(_name(c))} {_fmt(size[c])}</text>'
            )
    parts.append("</g>\n</svg>")
    cap = caption or (
        f"{flow_measure.capitalize()} per origin → destination route, the {len(lay['flows'])} "
        "largest; band width by value."
    )
    return _page(
        title=title,
        intro=intro,
        legend="",
        svg="\n".join(parts),
        caption=cap,
        table=_route_table(table, flow_measure),
        script=True,
    )


# ------------------------------------------------------------------------------ trends


def trend_chart(table: pd.DataFrame, kind: str, *, top: int = 8) -> Figure:
    """The line chart of :func:`cybertnoc.domains.drugs.flows.trends` for one kind of records.

    Offline: kg seized per period, one line per drug group; online: drug listings per period.
    The ``top`` drug groups with most kg (or listings) over all periods are drawn; a drug with
    no records in a period is at 0 there.

    Parameters
    ----------
    table : pandas.DataFrame
        The trends table (``kind``, ``drug``, ``period``, ``freq``, ``kg``, ``listings``...).
    kind : {"offline", "online"}
    top : int
        At most eight lines (the palette).

    Returns
    -------
    Figure

    Raises
    ------
    InvalidValue
        If the table has no row of ``kind``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"kind": "offline", "drug": ["cocaine", "cocaine"],
    ...                   "period": ["2015", "2016"], "freq": "year", "kg": [5.0, 9.0],
    ...                   "seizures": [1, 2], "listings": 0, "vendors": 0})
    >>> "cocaine" in trend_chart(t, "offline").svg
    True
    """
    if kind not in ("offline", "online"):
        raise InvalidValue(kind, "offline or online")
    part = table[table["kind"] == kind] if len(table) else table
    if not len(part):
        raise InvalidValue(kind, "a kind with dated records in the trends table")
    measure = "kg" if kind == "offline" else "listings"
    freq = str(part["freq"].iloc[0])
    values = part.assign(_v=pd.to_numeric(part[measure], errors="coerce").fillna(0.0))
    ranking = values.groupby("drug")["_v"].sum().sort_values(ascending=False, kind="stable")
    drugs = [str(d) for d in ranking.index[: min(top, len(charts.PALETTE))]]
    periods = sorted(values["period"].astype(str).unique())
    grid = values.pivot_table(index="period", columns="drug", values="_v", aggfunc="sum")
    series = {d: [float(grid.at[p, d]) if p in grid.index and not pd.isna(grid.at[p, d])
                  else 0.0 for p in periods] for d in drugs}  # fmt: skip
    lead = drugs[0]
    unit = "kg seized" if kind == "offline" else "drug listings"
    alt = (
        f"{lead} leads with {_fmt(ranking.iloc[0])} {unit} in all; "
        f"{_fmt(series[lead][0])} in {periods[0]} and {_fmt(series[lead][-1])} in {periods[-1]}."
    )
    shown = "" if len(ranking) <= len(drugs) else f" (the {len(drugs)} largest of {len(ranking)})"
    caption = (
        f"{'Kilogram equivalents seized' if kind == 'offline' else 'Distinct drug listings'} per "
        f"{freq} and drug group{shown}. Records without a single {freq} (route lists spanning "
        "years, undated listings) are left out."
    )
    title = f"{'kg seized' if kind == 'offline' else 'Drug listings'} per {freq}"
    title += f": {lead}" if len(drugs) == 1 else ", by drug group"
    if freq == "month":
        return charts.line_chart([f"{p}-01" for p in periods], series, title=title, xlabel="",
                                 ylabel=unit, caption=caption, alt=alt, x_is_date=True)  # fmt: skip
    return charts.line_chart([int(p) for p in periods], series, title=title, xlabel="",
                             ylabel=unit, caption=caption, alt=alt, x_format="{:.0f}")  # fmt: skip


# ------------------------------------------------------------------------------ files


def figure_html(figure: Figure, *, title: str, intro: str = "") -> str:
    """A self-contained HTML page holding one chart (inline SVG, no script).

    Examples
    --------
    >>> fig = charts.bar_chart(["a"], [1], title="t", caption="c", alt="a.")
    >>> figure_html(fig, title="One bar").startswith("<!DOCTYPE html>")
    True
    """
    return _page(title=title, intro=intro, legend="", svg=figure.svg, caption=figure.caption,
                 table="", script=False)  # fmt: skip


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidValue(
            str(path),
            f"a file ending {', '.join(FORMATS[:-1])} or {FORMATS[-1]}",
            "The suffix chooses the format, e.g. -o flows.html for the interactive page.",
        )
    return suffix


def _write(path: Path, data: str | bytes) -> Path:
    target = Path(path).expanduser().resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        target.write_bytes(data)
    else:
        target.write_text(data, encoding="utf-8", newline="\n")
    logger.info("Wrote %s (%d bytes)", target, target.stat().st_size)
    return target


def save_chart(
    path: str | Path,
    chart: Callable[..., Figure],
    *args: Any,
    page: Callable[[], str] | None = None,
    page_title: str = "",
    **kwargs: Any,
) -> Path:
    """Draw ``chart(*args, **kwargs)`` and write it as SVG, PNG or HTML, by ``path``'s suffix.

    Parameters
    ----------
    path : str or Path
        The file; ``.svg`` (a standalone SVG document), ``.png`` (200 dpi) or ``.html``.
    chart : callable
        A chart function of :mod:`cybertnoc.report.charts` (or one calling exactly one).
    page : callable, optional
        Builds the HTML page (an interactive view); default :func:`figure_html` of the chart.
    page_title : str
        The title of the default HTML page.

    Returns
    -------
    Path
        The absolute path written.

    Raises
    ------
    InvalidValue
        If the suffix is none of :data:`FORMATS`, or as the chart does.
    """
    path = Path(path)
    suffix = _suffix(path)
    if suffix == ".png":
        return _write(path, charts.to_png(chart, *args, **kwargs))
    if suffix == ".html":
        html_page = (
            page()
            if page is not None
            else figure_html(chart(*args, **kwargs), title=page_title or "cybertnoc chart")
        )
        return _write(path, html_page)
    svg = chart(*args, **kwargs).svg
    return _write(path, '<?xml version="1.0" encoding="utf-8"?>\n' + svg)


def _alt(flows: Sequence[tuple[str, str, float]], measure: str) -> str:
    if not flows:
        return f"No route to draw; countries shaded by {measure}."
    o, d, w = max(flows, key=lambda r: (r[2], r[0], r[1]))
    return f"The largest route is {_name(o)} → {_name(d)} ({_fmt(w)} {measure})."


def write_flow_map(
    path: str | Path,
    countries: Mapping[str, float],
    flows: Sequence[tuple[str, str, float]],
    *,
    country_measure: str = "kg",
    flow_measure: str = "seizures",
    routes: Sequence[Mapping[str, Any]] | None = None,
    title: str = "Drug flows",
    intro: str = "",
    top: int = 15,
) -> Path:
    """Write the world flow map as ``.svg``, ``.png`` or interactive ``.html``.

    Parameters are as :func:`flow_map_html`; the SVG and PNG are
    :func:`~cybertnoc.report.charts.flow_map`.

    Returns
    -------
    Path
        The absolute path written.
    """
    rows = _flows(flows)
    caption = (
        f"Countries shaded by {country_measure} (square-root scale); lines are the largest "
        f"origin → destination routes by {flow_measure}, drawn as great circles. Country "
        "outlines: Natural Earth 1:110m (public domain)."
    )
    return save_chart(
        path,
        charts.flow_map,
        countries,
        rows,
        caption=caption,
        alt=_alt(rows, flow_measure),
        title=title,
        legend=f"{country_measure} (square-root scale)",
        flow_legend=f"routes, width by {flow_measure}",
        top=top,
        page=lambda: flow_map_html(
            countries,
            rows,
            country_measure=country_measure,
            flow_measure=flow_measure,
            routes=routes,
            title=title,
            intro=intro,
            caption=caption,
            top=top,
        ),
    )


def write_sankey(
    path: str | Path,
    flows: Sequence[tuple[str, str, float]],
    *,
    flow_measure: str = "seizures",
    routes: Sequence[Mapping[str, Any]] | None = None,
    title: str = "Drug routes: origin → destination",
    intro: str = "",
    top: int = 12,
) -> Path:
    """Write the Sankey of the flows as ``.svg``, ``.png`` or interactive ``.html``.

    Parameters are as :func:`sankey_html`; the SVG and PNG are
    :func:`~cybertnoc.report.charts.sankey_chart`.

    Returns
    -------
    Path
        The absolute path written.
    """
    rows = _flows(flows)
    caption = f"{flow_measure.capitalize()} per origin → destination route; band width by value."
    return save_chart(
        path,
        charts.sankey_chart,
        rows,
        caption=caption,
        alt=_alt(rows, flow_measure),
        title=title,
        top=top,
        page=lambda: sankey_html(
            rows,
            flow_measure=flow_measure,
            routes=routes,
            title=title,
            intro=intro,
            caption=caption,
            top=top,
        ),
    )
