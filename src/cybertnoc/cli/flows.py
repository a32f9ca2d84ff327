"""``cybertnoc flows``: drug trafficking flows from seizures and darknet listings.

Registered on the main command with ``cli.add_command(flows)`` in :mod:`cybertnoc.cli`. Every
command reads the workspace given by ``-w`` and asks :mod:`cybertnoc.domains.drugs.flows` (or
:mod:`~cybertnoc.domains.drugs.indicators`); the pictures (``map``, ``sankey``, ``trends -o``)
are drawn and written by :mod:`cybertnoc.report.flowmap`. Nothing is computed here.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from cybertnoc.cli.main import _Group, _json_option, _print_json, _workspace_option, err, out

__all__ = ["flows"]


class _Rate(click.ParamType):
    """``CUR=VALUE``: the value of one unit of CUR in the common currency."""

    name = "CUR=VALUE"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[str, float]:
        if isinstance(value, tuple):
            return value
        cur, sep, amount = str(value).partition("=")
        try:
            rate = float(amount)
        except ValueError:
            rate = math.nan
        if not sep or not cur.strip() or not math.isfinite(rate) or rate <= 0:
            self.fail(
                f"{value!r} is not CUR=VALUE with a positive VALUE, e.g. --rate BTC=850", param
            )
        return cur.strip().upper(), rate


def _select(f: Any) -> Any:
    f = click.option(
        "--period",
        default=None,
        help="A year (2016), a month (2014-01) or a range of years (2012-2016).",
    )(f)
    f = click.option(
        "--drug",
        default=None,
        help="Drug groups (cocaine, cannabis, opioids, ats...) or drug names as the sources "
        "write them (Heroin), comma-separated. See docs/flows.md.",
    )(f)
    f = click.option(
        "--source",
        default=None,
        help="Datasets (agora, hansa, unodc_seizures...) or online / offline, comma-separated "
        "[default: all].",
    )(f)
    return f


def _value_options(f: Any) -> Any:
    f = click.option(
        "--max-price",
        type=float,
        default=None,
        help="Listing prices above this (in the common currency) are placeholders, left out.",
    )(f)
    f = click.option(
        "--rate",
        "rates",
        type=_Rate(),
        multiple=True,
        help="Exchange rate into the common currency, e.g. --rate BTC=850 (repeatable).",
    )(f)
    f = click.option(
        "--currency", default="USD", show_default=True, help="The common currency of `value`."
    )(f)
    return f


def _records(workspace: Path) -> Any:
    from cybertnoc.domains.drugs.flows import workspace_records
    from cybertnoc.store import Workspace

    with Workspace.open(workspace, read_only=True) as ws:
        return workspace_records(ws)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _rows(frame: Any) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _print_rows(rows: list[dict[str, Any]], title: str) -> None:
    if not rows:
        out.print(f"{title}: nothing to show.")
        return
    table = Table(title=title, header_style="bold")
    numeric = {k for k, v in rows[0].items() if isinstance(v, int | float) and v is not True}
    for col in rows[0]:
        table.add_column(col, justify="right" if col in numeric else "left")
    for row in rows:
        cells = []
        for v in row.values():
            if v is None:
                cells.append("-")
            elif isinstance(v, float):
                cells.append(f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}")
            elif isinstance(v, int) and not isinstance(v, bool):
                cells.append(f"{v:,}")
            else:
                cells.append(str(v))
        table.add_row(*cells)
    out.print(table)


@click.group(cls=_Group, name="flows")
def flows() -> None:
    """Drug trafficking flows: seizures offline and darknet listings online, side by side.

    Routes (origin -> destination per drug), totals by country, drug and year, country roles,
    the online/offline comparison, growth between periods and vendor concentration, all read
    from the workspace (`cybertnoc import` the sources first). See docs/flows.md.
    """


@flows.command("routes")
@_workspace_option
@_select
@click.option(
    "--sort",
    "weight",
    type=click.Choice(["seizures", "kg", "listings", "vendors", "value"]),
    default=None,
    help="Rank by [default: seizures when there are seizures, else listings].",
)
@click.option("--top", type=click.IntRange(min=1), default=None, help="Only the first N routes.")
@click.option("--no-regional", is_flag=True, help="Leave out routes to or from a region (ZZ...).")
@click.option("--no-domestic", is_flag=True, help="Leave out routes within one country.")
@_value_options
@_json_option
def routes_cmd(
    workspace: Path,
    source: str | None,
    drug: str | None,
    period: str | None,
    weight: str | None,
    top: int | None,
    no_regional: bool,
    no_domestic: bool,
    currency: str,
    rates: tuple[tuple[str, float], ...],
    max_price: float | None,
    as_json: bool,
) -> None:
    """Top routes: origin, destination, drug, with seizures, kg, listings, vendors and value.

    --json prints a list of {origin, destination, drug, seizures, kg, listings, vendors,
    value, currency} with the fields that apply to the sources chosen. Records with an unknown
    origin or destination make no route; their share is said on stderr.
    """
    from cybertnoc.domains.drugs.flows import routes

    table = routes(
        _records(workspace),
        source=source,
        drug=drug,
        period=period,
        weight=weight,
        top=top,
        include_regional=not no_regional,
        include_domestic=not no_domestic,
        currency=currency,
        rates=dict(rates),
        max_price=max_price,
    )
    a = table.attrs
    if a["records"]:
        err.print(
            f"{a['records']:,} records; unknown origin {a['unknown_origin']:,} "
            f"({a['unknown_origin_share']:.1%}), unknown destination "
            f"{a['unknown_destination']:,} ({a['unknown_destination_share']:.1%}): no route.",
            highlight=False,
        )
    rows = _rows(table)
    if as_json:
        _print_json(rows)
    else:
        _print_rows(rows, f"Routes by {a['weight']}")


@flows.command("totals")
@_workspace_option
@click.option(
    "--by",
    default="country",
    show_default=True,
    help="Grouping fields, comma-separated: country, drug, year (also source, kind, origin, "
    "destination).",
)
@_select
@_value_options
@_json_option
def totals_cmd(
    workspace: Path,
    by: str,
    source: str | None,
    drug: str | None,
    period: str | None,
    currency: str,
    rates: tuple[tuple[str, float], ...],
    max_price: float | None,
    as_json: bool,
) -> None:
    """kg seized, seizures, listings and vendors by country, drug and/or year.

    country is the seizing country of a seizure and the ships-from of a listing; XX holds
    the records whose country is unknown, so the unknown share stays visible.
    """
    from cybertnoc.domains.drugs.flows import totals

    table = totals(
        _records(workspace),
        by,
        source=source,
        drug=drug,
        period=period,
        currency=currency,
        rates=dict(rates),
        max_price=max_price,
    )
    rows = _rows(table)
    if as_json:
        _print_json(rows)
    else:
        _print_rows(rows, f"Totals by {by}")


@flows.command("roles")
@_workspace_option
@_select
@click.option(
    "--sort",
    "weight",
    type=click.Choice(["seizures", "kg", "listings", "vendors"]),
    default=None,
    help="The flow weight [default: seizures, else listings].",
)
@_json_option
def roles_cmd(
    workspace: Path,
    source: str | None,
    drug: str | None,
    period: str | None,
    weight: str | None,
    as_json: bool,
) -> None:
    """Country roles (source, transit, destination) from the balance of flows."""
    from cybertnoc.domains.drugs.flows import country_roles

    table = country_roles(
        _records(workspace), weight=weight, source=source, drug=drug, period=period
    )
    rows = _rows(table)
    if as_json:
        _print_json(rows)
    else:
        _print_rows(rows, "Country roles")


@flows.command("compare")
@_workspace_option
@click.option("--drug", default=None, help="Drug groups or names, comma-separated.")
@click.option("--period", default=None, help="A year, a month or a range of years.")
@click.option(
    "--offline-weight",
    type=click.Choice(["kg", "seizures"]),
    default="kg",
    show_default=True,
    help="What measures a country offline.",
)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Routes.")
@_json_option
def compare_cmd(
    workspace: Path,
    drug: str | None,
    period: str | None,
    offline_weight: str,
    top: int,
    as_json: bool,
) -> None:
    """Online vs offline: rank correlation of countries, countries in one view only."""
    from cybertnoc.domains.drugs.flows import compare_views

    result = compare_views(
        _records(workspace), drug=drug, period=period, offline_weight=offline_weight, top=top
    )
    if as_json:
        _print_json(result)
        return
    rho = result["spearman"]
    out.print(
        f"Countries in both views: {len(result['shared'])}; Spearman rank correlation "
        f"{'-' if rho is None else f'{rho:.2f}'}.",
        highlight=False,
    )
    out.print(f"Only online: {', '.join(result['only_online'][:15]) or '-'}", highlight=False)
    out.print(f"Only offline: {', '.join(result['only_offline'][:15]) or '-'}", highlight=False)


@flows.command("growth")
@_workspace_option
@click.argument("before")
@click.argument("after")
@click.option("--source", default=None, help="Datasets or online / offline, comma-separated.")
@click.option("--drug", default=None, help="Drug groups or names, comma-separated.")
@click.option(
    "--sort",
    "weight",
    type=click.Choice(["seizures", "kg", "listings", "vendors"]),
    default=None,
    help="The route weight [default: seizures, else listings].",
)
@click.option("--emerging", is_flag=True, help="Only the routes new in AFTER.")
@click.option("--top", type=click.IntRange(min=1), default=None, help="Only the first N routes.")
@_json_option
def growth_cmd(
    workspace: Path,
    before: str,
    after: str,
    source: str | None,
    drug: str | None,
    weight: str | None,
    emerging: bool,
    top: int | None,
    as_json: bool,
) -> None:
    """Growth of routes from period BEFORE to period AFTER, and the emerging ones."""
    from cybertnoc.domains.drugs.flows import route_growth

    table = route_growth(
        _records(workspace), before, after, weight=weight, source=source, drug=drug
    )
    if emerging:
        table = table[table["emerging"]]
    if top is not None:
        table = table.head(top)
    rows = _rows(table)
    if as_json:
        _print_json(rows)
    else:
        _print_rows(rows, f"Routes {before} -> {after}")


@flows.command("vendors")
@_workspace_option
@click.option(
    "--by", default="source", show_default=True, help="source, drug, period or a combination."
)
@click.option("-k", "k", type=click.IntRange(min=1), default=10, show_default=True, help="Top k.")
@click.option("--drug", default=None, help="Drug groups or names, comma-separated.")
@click.option("--period", default=None, help="A year, a month or a range of years.")
@_json_option
def vendors_cmd(
    workspace: Path, by: str, k: int, drug: str | None, period: str | None, as_json: bool
) -> None:
    """Concentration of drug listings among vendors: Gini and the top-k share."""
    from cybertnoc.domains.drugs.flows import vendor_concentration

    table = vendor_concentration(_records(workspace), by=by, k=k, drug=drug, period=period)
    rows = _rows(table)
    if as_json:
        _print_json(rows)
    else:
        _print_rows(rows, "Vendor concentration")


def _output_option(what: str) -> Any:
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        required=True,
        help=f"The file: .svg, .png or .html ({what}), chosen by the suffix.",
    )


def _picture_options(f: Any) -> Any:
    f = click.option(
        "--sort",
        "weight",
        type=click.Choice(["seizures", "kg", "listings", "vendors", "value"]),
        default=None,
        help="The route weight [default: seizures offline, listings online].",
    )(f)
    f = click.option("--title", default=None, help="The title of the picture.")(f)
    f = click.option("--period", default=None, help="A year, a month or a range of years.")(f)
    f = click.option("--drug", default=None, help="Drug groups or names, comma-separated.")(f)
    f = click.option(
        "--source",
        default=None,
        help="offline (seizures) or online (listings), or datasets of one kind "
        "[default: offline when there are seizures].",
    )(f)
    return f


def _picture(
    workspace: Path,
    source: str | None,
    drug: str | None,
    period: str | None,
    weight: str | None,
    top: int,
) -> dict[str, Any]:
    from cybertnoc.domains.drugs.flows import flow_map_data

    data = flow_map_data(
        _records(workspace), source=source, drug=drug, period=period, weight=weight, top=top
    )
    share = data["unknown_origin_share"]
    if data["records"]:
        err.print(
            f"{data['records']:,} {'seizures' if data['kind'] == 'offline' else 'drug listings'}"
            + (f"; unknown origin {share:.1%} (no route)" if share is not None else "")
            + f"; {len(data['flows'])} routes.",
            highlight=False,
        )
    return data


def _title(data: dict[str, Any], drug: str | None, period: str | None, what: str) -> str:
    view = "Seizures" if data["kind"] == "offline" else "Darknet listings"
    extra = ", ".join(x for x in (drug, period) if x)
    return f"{view}: {what}" + (f" ({extra})" if extra else "")


@flows.command("map")
@_workspace_option
@_picture_options
@click.option(
    "--top", type=click.IntRange(min=1), default=15, show_default=True, help="Routes drawn."
)
@_output_option("an interactive page with tooltips")
def map_cmd(
    workspace: Path,
    source: str | None,
    drug: str | None,
    period: str | None,
    title: str | None,
    weight: str | None,
    top: int,
    output: Path,
) -> None:
    """The world flow map: countries shaded by kg seized (or listings), the top routes as arcs.

    Offline, countries are shaded by kg seized in them and routes weighted by seizures; online,
    by drug listings shipped from them and routes by listings. Routes to or from a region (ZZ,
    EU) cannot be placed and are left out. The .html page works offline: tooltips on countries
    and routes, hover highlight, the routes as a table.
    """
    from cybertnoc.report.flowmap import write_flow_map

    data = _picture(workspace, source, drug, period, weight, top)
    path = write_flow_map(
        output,
        data["countries"],
        data["flows"],
        country_measure=data["country_measure"],
        flow_measure=data["flow_measure"],
        routes=data["routes"],
        title=title or _title(data, drug, period, "countries and main routes"),
        top=top,
    )
    err.print(f"Wrote {path}", highlight=False)


@flows.command("sankey")
@_workspace_option
@_picture_options
@click.option(
    "--top", type=click.IntRange(min=1), default=12, show_default=True, help="Routes drawn."
)
@_output_option("an interactive page with tooltips")
def sankey_cmd(
    workspace: Path,
    source: str | None,
    drug: str | None,
    period: str | None,
    title: str | None,
    weight: str | None,
    top: int,
    output: Path,
) -> None:
    """The Sankey of the top routes: origins on the left, destinations on the right."""
    from cybertnoc.report.flowmap import write_sankey

    data = _picture(workspace, source, drug, period, weight, top)
    path = write_sankey(
        output,
        data["flows"],
        flow_measure=data["flow_measure"],
        routes=data["routes"],
        title=title or _title(data, drug, period, "origin → destination"),
        top=top,
    )
    err.print(f"Wrote {path}", highlight=False)


@flows.command("trends")
@_workspace_option
@click.option("--source", default=None, help="Datasets or online / offline, comma-separated.")
@click.option("--drug", default=None, help="Drug groups or names, comma-separated.")
@click.option(
    "--freq",
    type=click.Choice(["year", "month"]),
    default=None,
    help="The time step [default: year, or month for records of a single year].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw the chart: .svg, .png or .html, by the suffix (seizures when there are "
    "any, else listings; choose with --source).",
)
@_json_option
def trends_cmd(
    workspace: Path,
    source: str | None,
    drug: str | None,
    freq: str | None,
    output: Path | None,
    as_json: bool,
) -> None:
    """kg seized per year and drug (offline), drug listings per period (online).

    --json prints a list of {kind, drug, period, freq, kg, seizures, listings, vendors}.
    Records without a single year (route lists spanning 2011-2015, undated listings) make no
    point; their count is said on stderr.
    """
    from cybertnoc.domains.drugs.flows import trends

    table = trends(_records(workspace), source=source, drug=drug, freq=freq)
    undated = table.attrs.get("undated", {})
    if undated:
        err.print(
            "Without a single date, left out: "
            + ", ".join(f"{n:,} {k}" for k, n in undated.items())
            + ".",
            highlight=False,
        )
    if output is not None:
        from cybertnoc.report.flowmap import save_chart, trend_chart

        kinds = list(dict.fromkeys(table["kind"])) if len(table) else []
        kind = "offline" if "offline" in kinds else (kinds[0] if kinds else "offline")
        path = save_chart(output, trend_chart, table, kind, page_title="Drug trends")
        err.print(f"Wrote {path}", highlight=False)
    rows = _rows(table)
    if as_json:
        _print_json(rows)
    elif output is None:
        _print_rows(rows, "Trends")


@flows.command("indicators")
@_workspace_option
@click.option("--source", default=None, help="Datasets or online / offline, comma-separated.")
@click.option("--drug", default=None, help="Drug groups or names, comma-separated.")
@click.option(
    "--top", type=click.IntRange(min=1), default=None, help="Only the first N countries per drug."
)
@click.option(
    "--min-kg",
    type=float,
    default=0.0,
    show_default=True,
    help="Leave out countries with less seized and no listings.",
)
@_json_option
def indicators_cmd(
    workspace: Path,
    source: str | None,
    drug: str | None,
    top: int | None,
    min_kg: float,
    as_json: bool,
) -> None:
    """SOCTA/IOCTA-style indicators per drug and country: volume, shares, trend, new routes.

    --json prints a list of {drug, country, kg, kg_share, listings, vendors, online_share,
    trend, trend_label, trend_basis, new_routes}; trend is the relative change between the two
    latest years (kg, else listings), labelled up / down at 25 %, stable, or new.
    """
    from cybertnoc.domains.drugs.indicators import drug_indicators

    table = drug_indicators(_records(workspace), source=source, drug=drug, min_kg=min_kg, top=top)
    rows = _rows(table)
    if as_json:
        _print_json(rows)
    else:
        _print_rows(rows, "Drug indicators")
