"""The Markdown sections the export appends."""

from __future__ import annotations

from test_planning_helpers import make_spec

from kickoff_tui.planning import (
    CostOverrides,
    GrowthSettings,
    PlanningOverrides,
    Scorecard,
    markdown_sections,
)
from kickoff_tui.planning.business import BusinessCase
from kickoff_tui.sizing import SizingInputs, size


def test_all_sections_from_a_real_spec():
    inputs = SizingInputs(model="llama-3.1-8b", gpu="l40s", peak_concurrency=40, burst_factor=2.0)
    spec = size(inputs)
    plan = PlanningOverrides(
        cost=CostOverrides(managed_api_usd_per_million_output_tokens=2.0),
        growth=GrowthSettings(monthly_rate=0.05, months=12),
        business=BusinessCase(value_per_request_usd=0.01),
        scorecard=Scorecard.seed_example(),
    )
    text = markdown_sections(spec, inputs, plan)
    for heading in (
        "## Cost",
        "## Business case",
        "## Growth",
        "## Sensitivity",
        "## Provider scorecard",
        "## Deployment",
    ):
        assert heading in text
    assert "| on-demand" in text and "break-even" in text
    assert "Runs out of headroom" in text and "```" in text
    assert "vllm serve" in text and "--max-num-seqs" in text
    assert "Managed API comparison" in text


def test_cost_overrides_alone_are_accepted_and_infeasible_specs_say_why():
    inputs = SizingInputs(model="llama-3.1-8b", gpu="l40s", peak_concurrency=10)
    spec = size(inputs)
    text = markdown_sections(spec, inputs, CostOverrides(pue=1.2), include_sensitivity=False)
    assert "## Cost" in text and "## Sensitivity" not in text
    bad = make_spec(feasible=False, infeasible_reason="weights do not fit")
    text = markdown_sections(bad, SizingInputs(), None)
    assert "not feasible (weights do not fit)" in text and "## Cost (" not in text


def test_table_cells_escape_pipes():
    from kickoff_tui.planning.markdown import _table

    row = _table(["a"], [["x | y"]])[-1]
    assert row == "| x \\| y |"


# --- the report a CFO signs -------------------------------------------------------------------

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kickoff_tui.cli import main
from kickoff_tui.planning.charts import svg_bar_chart, svg_tornado
from kickoff_tui.planning.html import markdown_to_html

SESSION = Path(__file__).resolve().parents[1] / "examples" / "session-support-assistant.toml"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    copy = folder / "support.toml"
    copy.write_text(SESSION.read_text("utf-8"), "utf-8")
    assert main(["export", str(copy), "--markdown", "--html"]) == 0
    return folder, (folder / "support.md").read_text("utf-8"), (folder / "support.html").read_text("utf-8")


def test_one_monthly_cost_per_basis_everywhere(exported):
    """24 GPUs x $2.45 (the session's quote) x 730 h = $42,924 + staff 0.36 FTE x $200,000 / 12 =
    $6,000: the reserved-1y basis costs $48,924 a month in the memo, the spec and the cost
    section; the sizer's list-price headline ($57,947) no longer appears."""
    _, md, _ = exported
    assert "$57,947" not in md
    memo = md[: md.index("\n## Status")]
    cost = md[md.index("\n## Cost (") : md.index("\n## Business case\n")]
    spec = md[md.index("\n## Sized spec (") : md.index("\n## Decision log")]
    assert "**$48,924/month**" in memo and "$48,924/month" in spec and "**$48,924/month**" in cost
    per_basis = {}
    for section in (memo, cost):
        for line in section.splitlines():
            m = re.match(r"\| ([a-z0-9-]+)(?: \*\*\(chosen\)\*\*| \(chosen\))? \| (\$[\d,]+)/month", line)
            if m:
                per_basis.setdefault(m.group(1), set()).add(m.group(2))
    assert set(per_basis) == {"on-demand", "reserved-1y", "reserved-3y", "spot", "capacity-block", "buy"}
    assert all(len(v) == 1 for v in per_basis.values()), per_basis
    assert per_basis["reserved-1y"] == {"$48,924"}
    # the parts are labelled as parts, never as a second monthly cost
    assert "reserved-1y GPU cost per month (before staff)**: $42,924/month" in cost
    assert "**reserved-1y per month**" not in cost


def test_first_page_is_a_decision_memo(exported):
    _, md, _ = exported
    headings = re.findall(r"^## (.+)$", md, flags=re.MULTILINE)
    assert headings[0] == "Decision memo" and headings[-1] == "Appendix: event log"
    memo = md[md.index("## Decision memo") : md.index("\n## Status")]
    for part in ("### Decision asked for", "### Sized spec", "### Monthly cost per price basis",
                 "### Open risks", "### Next actions"):
        assert part in memo, part
    assert "Approve **24 x NVIDIA H100 SXM5 80GB** in 3 nodes" in memo
    assert "Accepted by Priya Raman" in memo  # the acknowledged dev-cluster risk
    actions = [line for line in memo.splitlines() if line.startswith("| ") and "2026-04-15" in line]
    assert len(actions) >= 3 and any("| Sam Lindqvist |" in a for a in actions)
    assert "## Glossary" in md and "| TTFT |" in md
    assert md.index("## Deployment") < md.index("## Glossary") < md.index("## Appendix: event log")
    assert "```\nGPUs needed" not in md  # no ASCII charts in code blocks


def test_charts_are_svg_files_the_markdown_links(exported):
    folder, md, _ = exported
    links = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", md)
    assert sorted(Path(link).name for link in links) == ["cost.svg", "growth.svg", "sensitivity.svg"]
    for link in links:
        root = ET.parse(folder / link).getroot()
        assert root.tag.endswith("svg")
        assert len(root.findall(".//{http://www.w3.org/2000/svg}rect")) >= 3


def test_html_is_one_self_contained_file(exported):
    _, _, page = exported

    class Check(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.srcs = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            self.srcs += [v for k, v in attrs if k in ("src", "href")]

    check = Check()
    check.feed(page)
    assert check.tags.count("svg") == 3 and not check.srcs  # nothing loaded from beside it
    assert '<section class="memo">' in page and page.count("<table>") >= 10
    assert "<strong>$48,924/month</strong>" in page and "```" not in page


def test_markdown_to_html_subset():
    page = markdown_to_html(
        "# T\n\n| a | b |\n|---|---|\n| x \\| y | 2026-01-01 |\n\n- **bold** and `code`\n\n1. one\n2. two\n\n"
        "```\n<raw>\n```\n\n![c](c.svg)\n",
        {"c.svg": "<svg></svg>"},
    )
    assert "<td>x | y</td>" in page and 'style="white-space:nowrap">2026-01-01' in page
    assert "<li><strong>bold</strong> and <code>code</code></li>" in page
    assert '<ol start="1">' in page and "&lt;raw&gt;" in page
    assert "<figure><svg></svg><figcaption>c</figcaption></figure>" in page


def test_svg_charts_escape_text_and_scale():
    svg = svg_bar_chart([("a<b", 10.0), ("c", None)], title="T & U", unit="GPUs", marker=5.0)
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "a<b" in texts and "n/a" in texts and "T & U" in texts
    tornado = ET.fromstring(svg_tornado([("x", -3, "fails")], title="S", unit="GPUs"))
    assert "fails" in [t.text for t in tornado.iter("{http://www.w3.org/2000/svg}text")]


def test_next_actions_without_a_cadence(tmp_path):
    from kickoff_tui.record import load_session
    from kickoff_tui.record.markdown import next_actions

    session = load_session(SESSION)
    session.cadence = None
    session.signoffs = []
    actions = next_actions(session, session.signed_spec)
    due = f"{(session.updated.date() + __import__('datetime').timedelta(days=14))}"
    assert actions[0] == ("Set a review cadence for the sized inputs", "Priya Raman", due)
    assert ("Sign off the spec for AI team", "Sam Lindqvist", due) in actions


# --- text from a received session never becomes HTML or a link ---------------------------------

HOSTILE = ("<script>alert(1)</script> <b>bold</b> & [x](javascript:alert(1)) ![i](javascript:y) "
           "[r]: javascript:z")
"""Raw HTML, a javascript: link, an image and a link definition, as a stranger might type."""


def _hostile_session():
    from kickoff_tui.planning.scorecard import Criterion, Provider
    from kickoff_tui.record import Session
    from kickoff_tui.record.example import stepping_clock

    s = Session.new(f"T {HOSTILE}", participants=[(f"Dana {HOSTILE}", "app_owner"), ("Sam", "ai_team"),
                                                 ("Priya <i>", "it")], clock=stepping_clock())
    s.record_answer("use_case", "rag", f"Dana {HOSTILE}", "app_owner", HOSTILE)
    s.record_answer("users", 1200, f"Dana {HOSTILE}", "app_owner", f"{HOSTILE}\n```\n<img src=x>\n")
    s.record_answer("gpu", "h100-sxm", "Priya <i>", "it", HOSTILE)
    s.record_answer("price_quote_source", HOSTILE, "Priya <i>", "it", HOSTILE)
    card = Scorecard(criteria=[Criterion(name="<b>price</b>", weight=1)],
                     providers=[Provider(name="[Acme](javascript:x)", scores={"<b>price</b>": 5})])
    s.set_scorecard(card, "Priya <i>", "it", HOSTILE)
    for flag in s.open_flags()[:2]:
        s.acknowledge_flag(flag.id, HOSTILE, "Priya <i>")
    return s


def test_user_text_in_the_markdown_report_is_escaped_and_readable():
    from kickoff_tui.planning.html import markdown_to_html
    from kickoff_tui.record.markdown import report_markdown

    md, _ = report_markdown(_hostile_session(), {"cost": "r-charts/cost.svg", "growth": "r-charts/growth.svg",
                                                 "sensitivity": "r-charts/sensitivity.svg"})
    for raw in ("<script", "<b>", "<i>", "<img", "](javascript", "]: javascript"):
        assert raw not in md, raw
    assert "# Kickoff: T &lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt; &amp; [x&#93;(javascript" in md
    assert "&lt;b&gt;price&lt;/b&gt;" in md and "[Acme&#93;(javascript:x)" in md  # the scorecard
    # a fence typed in an answer opens no code block: the only ones are the report's own
    fences = [line for line in md.splitlines() if line.lstrip().startswith(("```", "~~~"))]
    assert fences == ["```sh", "```"], fences
    # the report's own Markdown is untouched: chart images, table line breaks, emphasis
    assert "\n![Change in GPUs when each input moves by half](r-charts/sensitivity.svg)\n" in md
    assert "<br>" in md and "**Acknowledged" not in md and "*Acknowledged by Priya &lt;i&gt;:*" in md
    # the HTML export shows the text as typed, escaped once (not "&amp;lt;")
    page = markdown_to_html(md)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt; &amp; [x](javascript:alert(1))" in page
    assert "&amp;lt;" not in page and "&#93;" not in page and "<script" not in page


def test_a_commonmark_renderer_makes_no_html_or_link_of_user_text():
    markdown_it = pytest.importorskip("markdown_it")
    from kickoff_tui.record.markdown import report_markdown

    md, _ = report_markdown(_hostile_session())
    page = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(md)
    assert "<script" not in page and "<b>" not in page and "<img" not in page
    assert not re.search(r'(?:href|src)="javascript', page), page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<pre>") == 1  # the vLLM command, nothing typed


def test_the_shipped_report_renders_as_before():
    """Escaping changes how the Markdown reads, not what it shows: `<=` becomes `&lt;=`."""
    from kickoff_tui.planning.markdown import escape_text, safe_markdown, unescape_text

    line = "air <= 20 kW & rear-door > 35 kW [assumed] ends](x) `a` **b** | c \\| d"
    assert unescape_text(escape_text(line)) == line
    assert escape_text("```sh") == "&#96;``sh" and escape_text("  ~~~") == "  &#126;~~"
    assert escape_text("[x] (y) [r]: z") == "[x&#93; (y) [r&#93;: z"
    assert safe_markdown("a<b\n\x02![c](d.svg)\n| x\x01y |") == "a&lt;b\n![c](d.svg)\n| x<br>y |"


def test_export_of_an_answer_the_catalog_lacks_writes_the_report_with_a_note(tmp_path, capsys):
    """The signed spec stands; growth and sensitivity re-size the answers and cannot: said so."""
    text = SESSION.read_text("utf-8")
    at = text.index("[answers.model]")
    start = text.index("value = ", at)
    for value in ('"nope-model"', '"[/]"'):
        path = tmp_path / "m.toml"
        path.write_text(text[:start] + f"value = {value}" + text[text.index("\n", start):], "utf-8")
        assert main(["export", str(path), "--markdown", "--out", "-"]) == 0
        out, err = capsys.readouterr()
        assert not err
        assert f"## Growth\n\nNot computed: the answers cannot be re-sized: unknown model {value.replace(chr(34), chr(39))}" in out
        assert "## Sensitivity\n\nNot computed:" in out and "## Cost (" in out and "## Deployment" in out
        assert main(["export", str(path), "--html", "--out", "-"]) == 0
        assert "Not computed" in capsys.readouterr().out
