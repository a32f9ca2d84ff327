"""The evidence brief: data classes, rendering, self-containment, escaping and determinism."""

from __future__ import annotations

import base64
import doctest
import hashlib
import os
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import cybertnoc.report as report_module
import cybertnoc.report._brief as brief_module
import cybertnoc.report._html as html_module
from conftest import chromium
from cybertnoc.errors import CybertnocError, InvalidValue
from cybertnoc.report import (
    Brief,
    Callout,
    Figure,
    KeyFigure,
    MethodNote,
    Paragraph,
    Section,
    SourceRow,
    Table,
    charts,
    render_brief,
    self_containment_problems,
    slugify,
    write_brief,
)

EVIL = "<script>alert(1)</script>"
HASH_A = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
HASH_B = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
HASH_C = "fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13"
SECTION_IDS = ["drugs", "laundering", "malware", "slavery"]


# ---------------------------------------------------------------------------------- helpers


class Page(HTMLParser):
    """Everything the tests look at in a page, collected by a real HTML parser."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: list[str] = []
        self.css: list[str] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._stack: list[str] = []
        self._current: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        values = {k: (v or "") for k, v in attrs}
        self.tags.append((tag, values))
        if "id" in values:
            self.ids.append(values["id"])
        # style attributes and presentation attributes that take url(): clip-path, fill, ...
        self.css += [v for k, v in values.items() if k == "style" or "url(" in v.lower()]
        if tag in {"style", "script"}:
            self._current = tag
            if tag == "script":
                self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == self._current:
            self._current = None

    def handle_data(self, data):
        if self._current == "style":
            self.css.append(data)
        elif self._current == "script":
            self.scripts[-1] += data
        else:
            self.text.append(data)

    def attrs(self, name: str) -> list[tuple[str, str]]:
        return [(tag, a[name]) for tag, a in self.tags if name in a]

    def links(self) -> list[tuple[str, str, str]]:
        return [
            (tag, k, v)
            for tag, a in self.tags
            for k, v in a.items()
            if k in {"src", "href", "xlink:href", "srcset", "poster", "action", "data"}
        ]


def table_rows(html: str, table_id: str) -> list[list[tuple[dict[str, str], str]]]:
    """The body rows of one table: each cell's attributes and text."""

    class Rows(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.inside = self.body = False
            self.rows: list[list[tuple[dict[str, str], str]]] = []
            self.cell: list | None = None

        def handle_starttag(self, tag, attrs):
            a = {k: (v or "") for k, v in attrs}
            if tag == "table" and a.get("id") == table_id:
                self.inside = True
            elif self.inside and tag == "tbody":
                self.body = True
            elif self.inside and self.body and tag == "tr":
                self.rows.append([])
            elif self.inside and self.body and tag == "td":
                self.cell = [a, ""]
                self.rows[-1].append(self.cell)
            elif self.cell is not None and tag == "code":
                self.cell[0] = {**self.cell[0], **{f"code.{k}": v for k, v in a.items()}}

        def handle_endtag(self, tag):
            if tag == "table" and self.inside:
                self.inside = self.body = False
            elif tag == "td":
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell[1] += data

    parser = Rows()
    parser.feed(html)
    return [[(a, t.strip()) for a, t in row] for row in parser.rows]


def network_figure() -> Figure:
    return charts.network_chart(
        [("a1", "a2"), ("a2", "a3"), ("a3", "b1"), ("b1", "b2"), ("b2", "b3"), ("b1", "c1")],
        groups={"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "b3": "B", "c1": "C"},
        sizes={"a3": 0.4, "b1": 0.7, "c1": 0.1},
        labels={"b1": "p:3fa9"},
        seed=3,
        caption="Accounts linked by payments, sized by betweenness.",
        alt="One account bridges the groups.",
    )


def build_brief() -> Brief:
    bar = charts.bar_chart(
        ["Cocaine", "Cannabis", EVIL],
        [4120, 3880, 12],
        title="Listings by drug",
        xlabel="listings",
        highlight="Cocaine",
        caption="Listings by drug.",
        alt="Cocaine leads.",
    )
    drugs = Section(
        "drugs",
        "Drug trafficking",
        "Cocaine routes to **Western Europe** dominate.",
        [
            KeyFigure("Seizures", "4,812", "2016–2022", "ids.xlsx, rows 2–4813"),
            KeyFigure("Routes", "311"),
            Paragraph("Seizures reflect **where police look**, not the trade."),
            charts.flow_chart(
                [("CO", "ES", 412), ("CO", "NL", 377), ("EC", "BE", 350), ("PE", "ES", 201)],
                caption="Routes by seizures.",
                alt="Colombia to Spain leads.",
                title="Routes",
            ),
            Table(
                ["Drug", "Listings", "Median price (USD/g)", "Example title"],
                [
                    ["Cocaine", 4120, 92.5, EVIL],
                    ["Cannabis", 3880, 9.125, "Premium kush"],
                    ["MDMA", 1204, None, "Pills & powder"],
                ],
                f"Listings by drug {EVIL}.",
            ),
            bar,
            bar,  # the same chart twice: its ids must still be unique on the page
        ],
        crime_area="drugs",
    )
    laundering = Section(
        "laundering",
        "Money laundering",
        "Fan-out concentrates in few accounts.",
        [
            Callout("Typology matches are **indicators**, not proof.", "warning"),
            Callout("Amounts are in EUR."),
            network_figure(),
            charts.stacked_bar_chart(
                ["2021", "2022"],
                {"Fan-out": [12, 18], "Cycles": [3, 5]},
                title="Matches per year",
                caption="Typology matches per year.",
                alt="Fan-out grew.",
            ),
        ],
        crime_area="laundering",
    )
    malware = Section(
        "malware",
        "Malware",
        "Infected hosts rose.",
        [
            charts.line_chart(
                ["2024-01-01", "2024-02-01", "2024-03-01"],
                {"Emotet": [120, 340, 310], "Qakbot": [80, None, 95]},
                title="Infected hosts",
                xlabel="",
                ylabel="hosts",
                caption="Hosts per month.",
                alt="Emotet peaked in February.",
                x_is_date=True,
            ),
            KeyFigure("Indicators", "9,104"),
        ],
        crime_area="malware",
    )
    slavery = Section(
        "slavery",
        f"Modern slavery {EVIL}",
        "Shared selectors link adverts.",
        [Paragraph(f"Lead with {EVIL} inside.")],
        crime_area="slavery",
    )
    return Brief(
        title=f"Cyber-enabled crime {EVIL}",
        subtitle="Evidence brief — test",
        generated_at="2024-06-01T09:30:00Z",
        summary=[
            KeyFigure("Seizure records", "4,812", "2016–2022", "UNODC IDS"),
            KeyFigure("Listings", "12,418", f"note {EVIL}"),
        ],
        sections=[drugs, laundering, malware, slavery],
        sources=[
            SourceRow(
                "UNODC seizures",
                "unodc_ids",
                "ids.xlsx",
                "xlsx",
                4812,
                37,
                HASH_A,
                "UNODC terms",
                "UNODC",
                "2024-05-30T10:00:00Z",
                "drugs",
            ),
            SourceRow(
                f"Darknet crawl {EVIL}",
                "market_x",
                "listings.csv",
                "csv",
                12418,
                0,
                HASH_B,
                "CC BY 4.0",
                "Example project",
                "2024-05-30T10:05:00Z",
                "drugs",
            ),
            SourceRow(
                "URLhaus",
                "urlhaus",
                "urlhaus.csv",
                "csv",
                9104,
                12,
                HASH_C,
                "CC0",
                "abuse.ch",
                "2024-05-31T08:00:00Z",
                "malware",
            ),
        ],
        methods=[
            MethodNote(
                "Betweenness centrality",
                "Share of shortest paths through a node.",
                "Freeman (1977). Sociometry 40(1). https://doi.org/10.2307/3033543",
            ),
            MethodNote("Spearman rank correlation", "Agreement of two rankings.", "Spearman 1904"),
        ],
        notes=["Counts under 10 are suppressed.", f"A note with {EVIL}."],
        reproducibility={"version": "0.1.0", "seed": "42", "command": "cybertnoc demo --seed 42"},
    )


@pytest.fixture(scope="module")
def brief() -> Brief:
    return build_brief()


@pytest.fixture(scope="module")
def html(brief) -> str:
    return render_brief(brief)


@pytest.fixture(scope="module")
def page(html) -> Page:
    return Page(html)


# ----------------------------------------------------------------------------- structure


def test_every_section_is_on_the_page_and_in_the_table_of_contents(html, page):
    sections = [a["id"] for tag, a in page.tags if tag == "section"]
    assert sections == ["summary", *SECTION_IDS, "sources", "methods", "ethics"]
    toc = html[html.index('<nav class="toc"') : html.index("</nav>")]
    toc_links = [a["href"] for tag, a in Page(toc).tags if tag == "a"]
    assert toc_links == [
        "#summary",
        *[f"#{s}" for s in SECTION_IDS],
        "#sources",
        "#methods",
        "#ethics",
        "#reproducibility",
    ]
    assert "reproducibility" in page.ids
    # sections say which crime area they report on, as the code and as a readable name
    areas = {a["id"]: a.get("data-crime-area") for tag, a in page.tags if tag == "section"}
    assert areas["drugs"] == "drugs"
    assert "Money laundering" in page.text and "Drug trafficking" in " ".join(page.text)


def test_header_has_title_subtitle_and_generated_time(page):
    times = [a for tag, a in page.tags if tag == "time"]
    assert times == [{"datetime": "2024-06-01T09:30:00Z"}]
    text = " ".join(page.text)
    assert "Evidence brief — test" in text
    assert f"Cyber-enabled crime {EVIL}" in text  # as text, escaped in the markup


def test_sources_table_lists_every_source_with_short_hash_and_full_hash_in_title(brief, html):
    rows = table_rows(html, "sources-table")
    assert len(rows) == len(brief.sources)
    for source, row in zip(brief.sources, rows, strict=True):
        texts = [t for _a, t in row]
        assert texts[0] == source.name
        assert texts[2] == source.file
        assert texts[4] == f"{source.rows:,}"
        assert texts[5] == f"{source.flagged:,}"
        assert row[4][0]["class"] == "num" and row[4][0]["data-sort"] == str(source.rows)
        assert texts[6] == source.content_hash[:12]
        assert row[6][0]["code.title"] == source.content_hash
        assert texts[7] == source.licence and texts[8] == source.publisher


def test_methods_ethics_and_reproducibility_are_rendered(brief, html, page):
    text = " ".join(page.text)
    for method in brief.methods:
        assert method.name in text and method.reference in text
    # a reference with a URL stays inert text: no link is made of it
    assert not any("doi.org" in v for _t, _k, v in page.links())
    assert report_module.PLATFORM_ETHICS_NOTE in text
    assert "Counts under 10 are suppressed." in text
    footer = html[html.index('<footer id="reproducibility"') :]
    for key, value in brief.reproducibility.items():
        assert f"<dt>{key}</dt><dd><code>{value}</code></dd>" in footer


def test_key_figures_render_in_the_strip_and_in_sections(html):
    strip = html[html.index('<section id="summary"') : html.index('<section id="drugs"')]
    assert strip.count('class="key-figure"') == 2
    drugs = html[html.index('<section id="drugs"') : html.index('<section id="laundering"')]
    # consecutive key figures share one strip
    assert drugs.count('<dl class="key-figures">') == 1
    assert drugs.count('class="key-figure"') == 2
    assert "ids.xlsx, rows 2–4813" in drugs


def test_tables_right_align_numbers_and_format_cells(html):
    rows = table_rows(html, "table-1")
    assert [t for _a, t in rows[0]] == ["Cocaine", "4,120", "92.50", EVIL]
    assert [t for _a, t in rows[2]] == ["MDMA", "1,204", "—", "Pills & powder"]
    classes = [[a.get("class") for a, _t in row] for row in rows]
    assert all(c == [None, "num", "num", None] for c in classes)
    table = html[html.index('<table id="table-1"') :]
    head = table[: table.index("</thead>")]
    assert '<th scope="col" class="num">Listings</th>' in head
    assert '<th scope="col">Drug</th>' in head


def test_figures_are_numbered_with_captions_under_them_and_alt_text(html, page):
    figures = [a["id"] for tag, a in page.tags if tag == "figure"]
    assert figures == [f"figure-{i}" for i in range(1, 7)]
    labels = [a["aria-label"] for tag, a in page.tags if a.get("role") == "img"]
    assert labels[0] == "Colombia to Spain leads."
    first = html[html.index('<figure id="figure-1"') : html.index("</figure>")]
    assert first.index("</svg>") < first.index("<figcaption>")
    assert "Figure 1.</span> Routes by seizures." in first


# ------------------------------------------------------------------------ self-containment


def test_every_src_and_href_is_a_data_uri_or_a_fragment_on_the_page(page):
    ids = set(page.ids)
    links = page.links()
    assert len(links) > 20  # the TOC, back links and the references inside the SVGs
    for tag, name, value in links:
        if value.startswith("data:"):
            continue
        assert value.startswith("#"), (tag, name, value)
        assert value[1:] in ids, f"<{tag} {name}={value!r}> points nowhere"


def test_no_remote_url_in_links_css_or_scripts(page):
    for tag, name, value in page.links():
        assert not re.match(r"\s*(https?:)?//", value, re.IGNORECASE), (tag, name, value)
    assert [a for tag, a in page.tags if tag == "script" and "src" in a] == []
    assert [a for tag, a in page.tags if tag == "link" and a.get("rel") == "stylesheet"] == []
    css = "\n".join(page.css)
    assert "@media print" in css
    urls = re.findall(r"url\(\s*['\"]?([^'\")]*)", css)
    assert urls, "the SVGs refer to their clip paths with url(#...)"
    assert all(u.startswith("#") or u.startswith("data:") for u in urls), urls
    assert "@import" not in css and "@font-face" not in css


def test_content_security_policy_forbids_requests_and_allows_exactly_the_inline_script(page):
    meta = [a for tag, a in page.tags if tag == "meta" and a.get("http-equiv")]
    policy = meta[0]["content"]
    assert meta[0]["http-equiv"] == "Content-Security-Policy"
    assert "default-src 'none'" in policy
    assert page.scripts, "the page carries one small inline script"
    digest = hashlib.sha256(page.scripts[0].encode("utf-8")).digest()
    assert f"'sha256-{base64.b64encode(digest).decode()}'" in policy


def test_svg_ids_are_unique_across_the_page(html, page):
    counts = Counter(page.ids)
    assert [i for i, n in counts.items() if n > 1] == []
    # the bar chart drawn twice (figures 2 and 3): each copy refers to its own ids
    second = html[html.index('<figure id="figure-2"') : html.index('<figure id="figure-3"')]
    third = html[html.index('<figure id="figure-3"') :]
    third = third[: third.index("</figure>")]
    refs2 = set(re.findall(r'(?:href="#|url\(#)([^")]+)', second))
    refs3 = set(re.findall(r'(?:href="#|url\(#)([^")]+)', third))
    assert refs2 and refs3 and not refs2 & refs3
    assert all(r.startswith("fig2-") for r in refs2)
    assert all(r.startswith("fig3-") for r in refs3)
    assert {r.removeprefix("fig2-") for r in refs2} == {r.removeprefix("fig3-") for r in refs3}


def test_self_containment_problems_finds_what_would_reach_the_network():
    bad = """<html><head>
    <link rel="stylesheet" href="https://cdn.example/x.css">
    <script src="https://cdn.example/x.js"></script>
    <style>@import "x.css"; body { background: url(https://example.org/bg.png) }</style>
    <meta http-equiv="refresh" content="0; url=https://example.org">
    </head><body>
    <img src="//example.org/pixel.gif" id="a"><p id="a"></p>
    <a href="#nowhere">x</a><a href="#a">ok</a>
    <img src="data:image/png;base64,AAAA">
    <div style="background-image: url('http://example.org/y.png')"></div>
    <svg><rect fill="url(https://example.org/paint.svg#p)"/></svg>
    <iframe src="data:text/html,hi"></iframe>
    </body></html>"""
    problems = "\n".join(self_containment_problems(bad))
    for needle in (
        "https://cdn.example/x.css",
        "<script src='https://cdn.example/x.js'>",
        "CSS @import",
        "https://example.org/bg.png",
        "http://example.org/y.png",
        "https://example.org/paint.svg#p",
        "meta http-equiv=refresh",
        "//example.org/pixel.gif",
        "id 'a' is used 2 times",
        "'#nowhere'> points to no id",
        "<iframe> element",
    ):
        assert needle in problems, needle
    assert "data:image/png" not in problems
    assert "'#a'" not in problems


# ------------------------------------------------------------------------------ escaping


def test_a_malicious_value_is_escaped_everywhere(html, page):
    # our own inline script is the only script element on the page
    assert [tag for tag, _a in page.tags].count("script") == 1
    assert "alert(1)" not in "".join(page.scripts)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    cells = [t for row in table_rows(html, "table-1") for _a, t in row]
    assert EVIL in cells  # shown to the reader as the literal text
    assert all(not k.startswith("on") for _tag, a in page.tags for k in a)


def test_attribute_values_cannot_break_out():
    figure = Figure(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect id="r"/></svg>',
        caption="c",
        alt='x" onmouseover="alert(1)',
    )
    brief = Brief(
        "t",
        "",
        '2024" onload="alert(1)',
        [KeyFigure("k", "1")],
        [Section("drugs", "Drugs", "", [figure])],
        [SourceRow("s", "d", "f", "csv", 1, 0, '" onclick="x', "l", "p", "2024-01-01", "drugs")],
        [],
    )
    page = Page(render_brief(brief))
    assert all(not k.startswith("on") for _tag, a in page.tags for k in a)
    labels = [a["aria-label"] for tag, a in page.tags if a.get("role") == "img"]
    assert labels == ['x" onmouseover="alert(1)']


def test_bold_markup_is_the_only_markup_in_text(html):
    assert "<strong>Western Europe</strong>" in html
    assert "<strong>where police look</strong>" in html
    assert html_module._inline("**<b>x</b>** and *one*") == (
        "<strong>&lt;b&gt;x&lt;/b&gt;</strong> and *one*"
    )


# --------------------------------------------------------------------------- determinism


def test_rendering_is_deterministic(brief, html):
    assert render_brief(brief) == html
    # building the whole brief again, charts included, gives the same bytes
    assert render_brief(build_brief()) == html


def test_rendering_is_identical_across_processes_with_different_hash_seeds(tmp_path):
    script = (
        "import sys, hashlib; sys.path.insert(0, sys.argv[1]);"
        "import test_report as t; from cybertnoc.report import render_brief;"
        "print(hashlib.sha256(render_brief(t.build_brief()).encode()).hexdigest())"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script, str(Path(__file__).parent)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp_path,
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1


# ------------------------------------------------------------------------------- writing


def test_write_brief_writes_the_rendered_page(brief, html, tmp_path):
    target = tmp_path / "reports" / "new" / "brief.html"
    written = write_brief(brief, target)
    assert written == target.resolve()
    assert written.read_text("utf-8") == html
    assert not [p for p in written.parent.iterdir() if p.name != "brief.html"]
    with pytest.raises(InvalidValue, match="a file path for the brief"):
        write_brief(brief, tmp_path)


def test_headless_chromium_renders_the_page_offline(brief, tmp_path):
    browser = chromium()
    path = write_brief(brief, tmp_path / "brief.html")
    profile = tmp_path / "chromium-profile"
    out = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            f"--user-data-dir={profile}",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    dom = out.stdout
    for section in SECTION_IDS:
        assert f'id="{section}"' in dom
    assert "<svg" in dom and "Figure 6." in dom
    # the sorting script ran (allowed by the page's CSP) and turned headers into buttons
    assert 'class="sort"' in dom


# ---------------------------------------------------------------------------- data classes


def test_section_ids_must_be_slugs_and_say_how_to_make_one():
    with pytest.raises(InvalidValue, match="Try 'money-laundering'"):
        Section("Money Laundering", "t", "", [])
    with pytest.raises(InvalidValue, match="does not use itself"):
        Section("sources", "t", "", [])
    with pytest.raises(InvalidValue, match="does not use itself"):
        Section("figure-2", "t", "", [])
    with pytest.raises(InvalidValue, match="does not use itself"):
        Section("sources-table", "t", "", [])


def test_every_id_the_page_uses_itself_is_reserved(html):
    section_ids = set(SECTION_IDS)
    own = {i for i in Page(html).ids if i not in section_ids}
    own = {i for i in own if not re.match(r"(figure|table|fig\d+)-", i)}
    assert own <= report_module.RESERVED_IDS
    with pytest.raises(InvalidValue, match="blocks of type"):
        Section("drugs", "t", "", ["just a string"])


def test_brief_refuses_duplicate_section_ids_and_wrong_types():
    section = Section("drugs", "Drugs", "", [])
    with pytest.raises(InvalidValue, match="unique section ids"):
        Brief("t", "", "", [], [section, section], [], [])
    with pytest.raises(InvalidValue, match="items of type KeyFigure"):
        Brief("t", "", "", ["4,812"], [], [], [])
    with pytest.raises(CybertnocError):
        render_brief("not a brief")  # type: ignore[arg-type]


def test_data_classes_are_immutable_and_store_tuples():
    section = Section("drugs", "Drugs", "", [Paragraph("x")])
    assert isinstance(section.blocks, tuple)
    with pytest.raises(AttributeError):
        section.title = "other"  # type: ignore[misc]


def test_table_checks_its_shape_and_detects_numeric_columns():
    with pytest.raises(InvalidValue, match="rows 2") as err:
        Table(["a", "b"], [[1, 2], [3]], "c")
    assert "use None for a missing value" in str(err.value)
    with pytest.raises(InvalidValue, match="column indexes between 0 and 1"):
        Table(["a", "b"], [[1, 2]], "c", numeric={2})
    table = Table(
        ["country", "share", "amount", "year", "empty", "mixed"],
        [
            ["ES", "12.5%", "€1,200", 2021, None, 3],
            ["NL", "7%", "€950", 2022, None, "n/a"],
        ],
        "c",
    )
    assert table.numeric == frozenset({1, 2, 3})
    assert Table(["a"], [["x"]], "c", numeric={0}).numeric == frozenset({0})


def test_table_from_dataframe_keeps_numbers_as_numbers():
    frame = pd.DataFrame({"route": ["CO → ES", "PE → NL"], "count": [41, 17], "kg": [1.5, 2.0]})
    table = Table.from_dataframe(frame, "Routes")
    assert table.columns == ("route", "count", "kg")
    assert table.numeric == frozenset({1, 2})
    assert table.rows[0] == ("CO → ES", 41, 1.5) and type(table.rows[0][1]) is int


def test_key_figure_value_must_be_formatted_text():
    with pytest.raises(InvalidValue, match="12,418"):
        KeyFigure("Listings", 12418)  # type: ignore[arg-type]


def test_callout_kind_is_checked():
    with pytest.raises(InvalidValue, match="'info', 'warning'"):
        Callout("x", "danger")  # type: ignore[arg-type]


def test_source_row_counts_are_checked():
    with pytest.raises(InvalidValue, match="non-negative integer"):
        SourceRow("s", "d", "f", "csv", -1, 0, "h", "l", "p", "t", "drugs")
    with pytest.raises(InvalidValue, match="at most the 3 rows"):
        SourceRow("s", "d", "f", "csv", 3, 4, "h", "l", "p", "t", "drugs")


@pytest.mark.parametrize(
    ("svg", "problem"),
    [
        ("<svg><script>alert(1)</script></svg>", "<script> element"),
        ('<svg><rect onclick="x()"/></svg>', "event handler"),
        ('<svg><image href="https://example.org/a.png"/></svg>', "not #fragment or data:"),
        ('<svg><use xlink:href="other.svg#a"/></svg>', "not #fragment or data:"),
        ('<svg><rect style="fill: url(http://x.org/p)"/></svg>', "CSS url"),
        ('<svg><rect fill="url(https://x.org/p.svg#g)"/></svg>', "CSS url"),
        ("<svg><style>@import 'x.css';</style></svg>", "@import"),
        ("<svg><foreignObject><p>x</p></foreignObject></svg>", "<foreignobject>"),
        ("/tmp/chart.svg", "inline SVG markup"),
    ],
)
def test_figure_refuses_svg_that_could_reach_out_or_run_code(svg, problem):
    with pytest.raises(InvalidValue) as err:
        Figure(svg, caption="c", alt="a")
    assert problem in str(err.value)


def test_figure_drops_the_xml_prolog_and_accepts_data_uris():
    svg = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
        '  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        '<svg xmlns="http://www.w3.org/2000/svg"><defs><clipPath id="c"/></defs>'
        '<image href="data:image/png;base64,AAAA" clip-path="url(#c)"/></svg>'
    )
    assert Figure(svg, caption="c", alt="a").svg.startswith("<svg xmlns=")


def test_slugify_gives_stable_ids_that_sections_accept():
    assert slugify("Drug trafficking: darknet routes") == "drug-trafficking-darknet-routes"
    assert slugify("Traite des êtres humains") == "traite-des-etres-humains"
    assert slugify("2024 review") == "s-2024-review"
    Section(slugify("Money laundering & crypto"), "t", "", [])
    with pytest.raises(InvalidValue):
        slugify("→ ←")


def test_doctests():
    for module in (report_module, brief_module, html_module):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
