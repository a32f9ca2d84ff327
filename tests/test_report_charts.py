"""Charts for the brief: inline, deterministic, self-contained SVG; inputs checked, not computed."""

from __future__ import annotations

import doctest
import re
import socket
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser

import numpy as np
import pytest

import cybertnoc.report.charts as charts_module
from cybertnoc.errors import InvalidValue
from cybertnoc.report import Figure
from cybertnoc.report.charts import (
    OKABE_ITO,
    bar_chart,
    flow_chart,
    line_chart,
    network_chart,
    stacked_bar_chart,
)

FLOWS = [
    ("CO", "ES", 412),
    ("CO", "NL", 377),
    ("EC", "BE", 350),
    ("PE", "ES", 201),
    ("BR", "PT", 188),
    ("CO", "US", 160),
    ("EC", "NL", 141),
    ("BO", "BR", 99),
    ("PE", "NL", 77),
    ("VE", "ES", 64),
    ("MX", "US", 59),
    ("AR", "ES", 31),
]
EDGES = [
    ("a1", "a2"),
    ("a2", "a3"),
    ("a3", "a1"),
    ("a3", "b1"),
    ("b1", "b2"),
    ("b2", "b3"),
    ("b3", "b1"),
    ("b1", "c1"),
    ("c1", "c2"),
    ("c2", "c3"),
]
GROUPS = {n: n[0].upper() for e in EDGES for n in e}
SIZES = {"a3": 0.45, "b1": 0.62, "c1": 0.40, "a2": 0.1}


def every_chart() -> dict[str, Figure]:
    return {
        "bar": bar_chart(
            ["Cocaine", "Cannabis", "MDMA"],
            [412, 388, 120],
            title="Listings by drug",
            xlabel="listings",
            caption="c",
            alt="a",
            highlight="Cocaine",
        ),
        "bar_vertical": bar_chart(
            ["2021", "2022"],
            [0.25, 0.5],
            title="Share",
            horizontal=False,
            caption="c",
            alt="a",
            value_format="{:.0%}",
        ),
        "line": line_chart(
            ["2024-01-01", "2024-02-01", "2024-03-01"],
            {"Emotet": [120, 340, 310], "Qakbot": [80, None, 95]},
            title="Infected hosts",
            xlabel="",
            ylabel="hosts",
            caption="c",
            alt="a",
            x_is_date=True,
        ),
        "network": network_chart(
            EDGES, groups=GROUPS, sizes=SIZES, labels={"b1": "Broker"}, caption="c", alt="a"
        ),
        "flow": flow_chart(FLOWS, caption="c", alt="a", title="Routes", xlabel="seizures"),
        "matrix": flow_chart(FLOWS, caption="c", alt="a", style="matrix"),
        "stacked": stacked_bar_chart(
            ["2021", "2022"],
            {"Fan-out": [12, 18], "Cycles": [3, 5]},
            title="Matches",
            caption="c",
            alt="a",
        ),
    }


@pytest.fixture(scope="module")
def figures() -> dict[str, Figure]:
    return every_chart()


class Svg(HTMLParser):
    def __init__(self, svg: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.refs: list[str] = []
        self.texts: list[str] = []
        self.tags: list[str] = []
        self._in_text = False
        self.feed(svg)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            v = v or ""
            if k == "id":
                self.ids.append(v)
            if k in {"href", "xlink:href"}:
                self.refs.append(v)
            self.refs += [f"url({u})" for u in re.findall(r"url\(([^)]*)\)", v)]
        self._in_text = tag == "text"

    def handle_endtag(self, tag):
        self._in_text = False

    def handle_data(self, data):
        if self._in_text and data.strip():
            self.texts.append(data.strip())


# ------------------------------------------------------------------------------ the SVG


@pytest.mark.parametrize(
    "name", ["bar", "bar_vertical", "line", "network", "flow", "matrix", "stacked"]
)
def test_every_chart_is_inline_self_contained_svg(figures, name):
    svg = figures[name].svg
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<metadata>" not in svg
    # matplotlib's page-wide "*{...}" rule is not carried into the page
    assert "<style" not in svg
    parsed = Svg(svg)
    assert "script" not in parsed.tags and "image" not in parsed.tags
    for ref in parsed.refs:
        target = ref[4:-1] if ref.startswith("url(") else ref
        assert target.startswith("#"), ref
        assert target[1:] in parsed.ids, f"{ref} points nowhere"
    assert "http" not in " ".join(parsed.refs)


@pytest.mark.parametrize(
    "name", ["bar", "bar_vertical", "line", "network", "flow", "matrix", "stacked"]
)
def test_ids_are_few_unique_and_prefixed_per_figure(figures, name):
    ids = Svg(figures[name].svg).ids
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    prefixes = {i.split("-")[0] for i in ids}
    assert len(prefixes) <= 1 and all(re.fullmatch(r"c[0-9a-f]{8}", p) for p in prefixes)
    # ids nothing refers to (figure_1, patch_2, ...) are dropped
    assert not any(re.search(r"-(figure|axes|patch|text|line2d)_\d", i) for i in ids)


def test_different_charts_get_different_id_prefixes(figures):
    prefixes = {name: {i.split("-")[0] for i in Svg(f.svg).ids} for name, f in figures.items()}
    flat = [p for ps in prefixes.values() for p in ps]
    assert len(flat) == len(set(flat))


def test_text_stays_text(figures):
    assert {"Cocaine", "Cannabis", "MDMA", "Listings by drug", "412"} <= set(
        Svg(figures["bar"].svg).texts
    )
    assert "CO → ES" in Svg(figures["flow"].svg).texts
    assert "Broker" in Svg(figures["network"].svg).texts
    assert "50%" in Svg(figures["bar_vertical"].svg).texts


def test_charts_are_byte_identical_for_the_same_input(figures):
    again = every_chart()
    for name, figure in figures.items():
        assert again[name].svg == figure.svg, name


def test_charts_are_byte_identical_across_processes():
    script = (
        "import hashlib, sys; sys.path.insert(0, sys.argv[1]);"
        "import test_report_charts as t;"
        "print(hashlib.sha256(''.join(f.svg for f in t.every_chart().values()).encode())"
        ".hexdigest())"
    )
    from pathlib import Path

    here = str(Path(__file__).parent)
    digests = {
        subprocess.run(
            [sys.executable, "-c", script, here],
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("0", "1")
    }
    assert len(digests) == 1


def test_palette_is_okabe_ito(figures):
    svg = figures["bar"].svg.lower()
    assert OKABE_ITO["vermillion"].lower() in svg  # the highlighted bar
    line = figures["line"].svg.lower()
    assert OKABE_ITO["blue"].lower() in line and OKABE_ITO["orange"].lower() in line


def test_no_chart_makes_a_network_request(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a chart tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert len(every_chart()) == 7


def test_charts_leave_pyplot_and_the_backend_alone():
    # the chart is drawn without pyplot: no backend is chosen, no window opens, no global figure
    script = (
        "import sys, matplotlib;"
        "before = dict.__getitem__(matplotlib.rcParams, 'backend');"
        "from cybertnoc.report.charts import bar_chart;"
        "bar_chart(['a'], [1], title='t', caption='c', alt='a');"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported';"
        "assert dict.__getitem__(matplotlib.rcParams, 'backend') is before, 'backend changed';"
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


def test_style_does_not_leak_into_the_callers_rc_params():
    import matplotlib

    before = matplotlib.rcParams["svg.fonttype"], matplotlib.rcParams["font.size"]
    bar_chart(["a"], [1], title="t", caption="c", alt="a")
    assert (matplotlib.rcParams["svg.fonttype"], matplotlib.rcParams["font.size"]) == before


# -------------------------------------------------------------------------- each chart


def test_bar_chart_checks_its_input():
    with pytest.raises(InvalidValue, match="2 values for values"):
        bar_chart(["a", "b"], [1, 2, 3], title="t", caption="c", alt="a")
    with pytest.raises(InvalidValue, match=r"\[1\]=nan"):
        bar_chart(["a", "b"], [1, float("nan")], title="t", caption="c", alt="a")
    with pytest.raises(InvalidValue, match="highlight"):
        bar_chart(["a"], [1], title="t", caption="c", alt="a", highlight="z")
    with pytest.raises(InvalidValue, match="alt text"):
        bar_chart(["a"], [1], title="t", caption="c", alt=" ")
    with pytest.raises(InvalidValue, match=r"str\.format pattern"):
        bar_chart(["a"], [1], title="t", caption="c", alt="a", value_format="{:q}")


def test_bar_chart_draws_bars_in_the_order_given():
    texts = Svg(bar_chart(["z", "a", "m"], [1, 3, 2], title="t", caption="c", alt="a").svg).texts
    assert [t for t in texts if t in {"z", "a", "m"}] == ["z", "a", "m"]


def test_line_chart_reads_dates_and_leaves_gaps():
    fig = line_chart(
        np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]"),
        {"s": [1, None]},
        title="t",
        xlabel="",
        ylabel="",
        caption="c",
        alt="a",
        x_is_date=True,
    )
    assert fig.svg.startswith("<svg")
    with pytest.raises(InvalidValue, match=r"dates for x \(ISO 8601"):
        line_chart(
            ["2024-01-01", "not a date"],
            {"s": [1, 2]},
            title="t",
            xlabel="",
            ylabel="",
            caption="c",
            alt="a",
            x_is_date=True,
        )
    with pytest.raises(InvalidValue, match="3 values for series 's'"):
        line_chart([1, 2, 3], {"s": [1, 2]}, title="t", xlabel="", ylabel="", caption="c", alt="a")
    with pytest.raises(InvalidValue, match="at most 8 series"):
        line_chart(
            [1],
            {str(i): [i] for i in range(9)},
            title="t",
            xlabel="",
            ylabel="",
            caption="c",
            alt="a",
        )


def test_network_chart_is_seeded_and_labels_only_the_top_nodes():
    one = network_chart(EDGES, groups=GROUPS, sizes=SIZES, caption="c", alt="a", seed=1)
    same = network_chart(EDGES, groups=GROUPS, sizes=SIZES, caption="c", alt="a", seed=1)
    other = network_chart(EDGES, groups=GROUPS, sizes=SIZES, caption="c", alt="a", seed=2)
    assert one.svg == same.svg and one.svg != other.svg
    texts = Svg(
        network_chart(EDGES, groups=GROUPS, sizes=SIZES, caption="c", alt="a", label_top=2).svg
    ).texts
    nodes = {n for e in EDGES for n in e}
    assert sorted(t for t in texts if t in nodes) == ["a3", "b1"]
    # the legend names the groups, largest first, with their colours
    assert [t for t in texts if t in {"A", "B", "C", "Group"}] == ["Group", "A", "B", "C"]


def test_network_chart_checks_its_input():
    with pytest.raises(InvalidValue, match="at least one edge"):
        network_chart([], caption="c", alt="a")
    with pytest.raises(InvalidValue, match="pairs"):
        network_chart([("a", "b", "c")], caption="c", alt="a")
    with pytest.raises(InvalidValue, match="finite numbers for sizes"):
        network_chart([("a", "b")], sizes={"a": float("inf")}, caption="c", alt="a")


def test_network_chart_greys_out_groups_beyond_the_palette():
    edges = [(f"n{i}", f"n{i + 1}") for i in range(20)]
    groups = {f"n{i}": f"g{i % 10}" for i in range(21)}
    texts = Svg(network_chart(edges, groups=groups, caption="c", alt="a").svg).texts
    assert "other" in texts
    assert len([t for t in texts if re.fullmatch(r"g\d", t)]) == 7


def test_flow_chart_ranks_the_top_routes_and_says_what_was_left_out(figures):
    texts = Svg(figures["flow"].svg).texts
    routes = [t for t in texts if "→" in t]
    assert routes == [f"{o} → {d}" for o, d, _v in FLOWS[:10]]
    assert "Top 10 of 12 routes" in texts
    top3 = Svg(flow_chart(FLOWS, caption="c", alt="a", top=3).svg).texts
    assert [t for t in top3 if "→" in t] == ["CO → ES", "CO → NL", "EC → BE"]
    everything = Svg(flow_chart(FLOWS[:4], caption="c", alt="a").svg).texts
    assert not any(t.startswith("Top ") for t in everything)


def test_flow_chart_breaks_ties_deterministically():
    texts = Svg(
        flow_chart([("B", "X", 5), ("A", "Y", 5), ("A", "X", 5)], caption="c", alt="a").svg
    ).texts
    assert [t for t in texts if "→" in t] == ["A → X", "A → Y", "B → X"]


def test_flow_matrix_puts_values_in_cells(figures):
    texts = Svg(figures["matrix"].svg).texts
    assert {"412", "377", "Origin", "Destination"} <= set(texts)
    assert "31" not in texts  # AR → ES is the 12th route, not drawn


def test_flow_chart_checks_its_input():
    with pytest.raises(InvalidValue, match="one row per route") as err:
        flow_chart([("A", "B", 1), ("A", "B", 2)], caption="c", alt="a")
    assert "Aggregate" in str(err.value)
    with pytest.raises(InvalidValue, match="non-negative"):
        flow_chart([("A", "B", -1)], caption="c", alt="a")
    with pytest.raises(InvalidValue, match="triples"):
        flow_chart([("A", "B")], caption="c", alt="a")
    with pytest.raises(InvalidValue, match="'ranked', 'matrix'"):
        flow_chart([("A", "B", 1)], caption="c", alt="a", style="sankey")
    with pytest.raises(InvalidValue, match="positive integer for top"):
        flow_chart([("A", "B", 1)], caption="c", alt="a", top=0)


def test_stacked_bar_chart_checks_its_input():
    with pytest.raises(InvalidValue, match="non-negative"):
        stacked_bar_chart(["a"], {"s": [-1]}, title="t", caption="c", alt="a")
    with pytest.raises(InvalidValue, match="at most 8 series") as err:
        stacked_bar_chart(["a"], {str(i): [1] for i in range(9)}, title="t", caption="c", alt="a")
    assert "Other" in str(err.value)
    fig = stacked_bar_chart(
        ["x", "y"], {"s": [1, 2], "t": [2, 1]}, title="t", horizontal=True, caption="c", alt="a"
    )
    assert {"x", "y", "s", "t"} <= set(Svg(fig.svg).texts)


def test_doctests():
    result = doctest.testmod(charts_module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_network_chart_draws_large_networks():
    # networkx lays out graphs of 500 nodes or more with scipy's sparse solver
    edges = [(f"n{i}", f"n{i + 1}") for i in range(650)]
    fig = charts_module.network_chart(edges, caption="A long chain.", alt="650 ties in a chain.")
    assert fig.svg.startswith("<svg")


def test_to_png_draws_the_same_chart_as_png():
    args = (["a", "b"], [2, 1])
    kwargs = {"title": "t", "caption": "c", "alt": "a leads."}
    png = charts_module.to_png(bar_chart, *args, **kwargs, dpi=72)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png == charts_module.to_png(bar_chart, *args, **kwargs, dpi=72)  # deterministic
    assert len(charts_module.to_png(bar_chart, *args, **kwargs, dpi=144)) > len(png)
    with pytest.raises(InvalidValue, match="a chart function"):
        charts_module.to_png(lambda: None)
    with pytest.raises(InvalidValue, match="dpi"):
        charts_module.to_png(bar_chart, *args, **kwargs, dpi=5)


def test_line_chart_x_format_labels_years_without_separators():
    fig = line_chart([2015, 2016, 2017], {"kg": [1, 2, 3]}, title="t", xlabel="", ylabel="kg",
                     caption="c", alt="a", x_format="{:.0f}")  # fmt: skip
    assert ">2016<" in fig.svg and "2,016" not in fig.svg
    default = line_chart([2015, 2016, 2017], {"kg": [1, 2, 3]}, title="t", xlabel="",
                         ylabel="kg", caption="c", alt="a")  # fmt: skip
    assert "2,016" in default.svg


def test_sankey_layout_stacks_nodes_by_total_and_ties_by_code():
    lay = charts_module.sankey_layout([("EC", "NL", 2), ("CO", "ES", 5), ("CO", "NL", 3)])
    assert lay["left"] == ["CO", "EC"] and lay["right"] == ["ES", "NL"]
    assert lay["left_size"] == {"CO": 8.0, "EC": 2.0} and lay["gap"] == pytest.approx(0.2)
    assert lay["height"] == pytest.approx(10.2)
    with pytest.raises(InvalidValue, match="positive"):
        charts_module.sankey_layout([("A", "B", 0)])
