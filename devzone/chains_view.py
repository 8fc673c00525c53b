"""产业链 / Industrial chains: chain links -> a tree per 链主, totals per 链主, link coverage, the 在谈 pipeline.

Pure functions (no Streamlit, no SQL): they take the frames of devzone.queries and return what the page shows.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from devzone import charts, fmt
from devzone.i18n import chain_name, segment_name, t, t_or

PIPELINE = "pipeline"
STOPPED = "stopped"
PARTNER = "partner"
LEADER = "leader"
SIGNED_STATUSES = ("签约", "开工", "投产")  # what counts as "brought in" (在谈 is pipeline, 终止 is gone)
COVERAGE_ORDER = ("covered", "pipeline", "gap")
TWO_LINE_LABELS_UP_TO = 20  # leaves; a bigger forest gets one-line labels so it stays compact


# ---------------------------------------------------------------- vocabulary

def relation_label(value: object, lang: str) -> str:
    if fmt.is_missing(value):
        return fmt.MISSING
    return t_or(f"chains.relation.{value}", str(value), lang)


def mode_label(value: object, lang: str) -> str:
    if fmt.is_missing(value):
        return fmt.MISSING
    return t_or(f"chains.mode.{value}", str(value), lang)


def status_label(value: object, lang: str) -> str:
    if fmt.is_missing(value):
        return t("chains.status.none", lang)
    return t_or(f"chains.status.{value}", str(value), lang)


def position_label(value: object, lang: str) -> str:
    return t_or(f"chains.position.{value}", str(value), lang)


# ---------------------------------------------------------------- tidy tree layout

@dataclass(frozen=True)
class Placed:
    depth: int  # x: 0 for a root
    row: float  # y: leaves on consecutive rows from 0 downwards, a parent centred on its children


def tidy_tree(parents: Mapping[str, str | None], order: Iterable[str] | None = None) -> dict[str, Placed]:
    """Lay out a forest for a left-to-right tree drawing.

    `parents` maps every node to its parent (None for a root); `order` gives the order of siblings (default:
    the mapping's order). Leaves take consecutive rows in depth-first order, so no two labels share a row;
    a parent sits midway between its first and last child. Roots follow one another with one empty row
    between trees. A parent that is not a node, or a cycle, makes the node a root.
    """
    nodes = list(order) if order is not None else list(parents)
    nodes += [n for n in parents if n not in set(nodes)]
    known = set(nodes)

    def parent_of(node: str) -> str | None:
        parent = parents.get(node)
        return parent if parent in known and parent != node else None

    # break cycles: walk up; the first node (in order) found on a cycle becomes a root
    roots_forced: set[str] = set()

    def effective_parent(node: str) -> str | None:
        return None if node in roots_forced else parent_of(node)

    for node in nodes:
        seen, current = {node}, effective_parent(node)
        while current is not None:
            if current in seen:
                roots_forced.add(node)
                break
            seen.add(current)
            current = effective_parent(current)
    children: dict[str, list[str]] = {n: [] for n in nodes}
    roots = []
    for node in nodes:
        parent = None if node in roots_forced else parent_of(node)
        (children[parent] if parent is not None else roots).append(node)

    placed: dict[str, Placed] = {}
    next_row = 0.0

    def place(node: str, depth: int) -> float:
        nonlocal next_row
        kids = children[node]
        if not kids:
            row = next_row
            next_row += 1
        else:
            rows = [place(kid, depth + 1) for kid in kids]
            row = (rows[0] + rows[-1]) / 2
        placed[node] = Placed(depth, row)
        return row

    for index, root in enumerate(roots):
        if index:
            next_row += 1  # a blank row between trees
        place(root, 0)
    return placed


# ---------------------------------------------------------------- the forest of one zone

def _node_key(leader: str, firm: str | None = None) -> str:
    return leader if firm is None else f"{leader}\u241f{firm}"


def forest(links: pd.DataFrame, leader_projects: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and edges of the 链主 trees of a zone, from `queries.chain_links_detail` / `chain_leader_projects`.

    nodes: key, name, kind (leader | partner | pipeline | stopped), depth, row, label (shown), hover, relation,
    mode.
    edges: parent, child, kind (the child's kind), mode.
    One node per (链主, firm); a firm introduced by another firm of the same 链主 hangs under that firm.
    """
    node_rows: list[dict] = []
    parents: dict[str, str | None] = {}
    for leader, group in links.groupby("chain_leader", sort=False):
        own = leader_projects[leader_projects["chain_leader"] == leader]
        key = _node_key(leader)
        parents[key] = None
        node_rows.append({"key": key, "name": leader, "kind": LEADER, "relation": None, "mode": None,
                          "hover": _leader_hover(leader, own, group, lang)})
        partners = set(group["partner"])
        for partner, rows in group.groupby("partner", sort=False):
            first = rows.iloc[0]
            signed = rows[rows["status"].isin(SIGNED_STATUSES)]
            stopped = rows["status"].eq("终止").any() and not rows["status"].eq("在谈").any()
            kind = PARTNER if len(signed) else STOPPED if stopped else PIPELINE
            introducer = first["introduced_by"]
            parent = (_node_key(leader, introducer) if isinstance(introducer, str) and introducer in partners
                      and introducer != partner else key)
            child = _node_key(leader, partner)
            parents[child] = parent
            node_rows.append({"key": child, "name": partner, "kind": kind, "relation": first["relation"],
                              "mode": first["mode"], "hover": _partner_hover(partner, rows, lang)})
    if not node_rows:
        empty_nodes = pd.DataFrame(columns=["key", "name", "kind", "depth", "row", "label", "hover", "relation",
                                            "mode"])
        return empty_nodes, pd.DataFrame(columns=["parent", "child", "kind", "mode"])
    placed = tidy_tree(parents, [r["key"] for r in node_rows])
    nodes = pd.DataFrame(node_rows)
    nodes["depth"] = [placed[k].depth for k in nodes["key"]]
    nodes["row"] = [placed[k].row for k in nodes["key"]]
    leaves = sum(1 for k in nodes["key"] if k not in {p for p in parents.values() if p})
    two_lines = leaves <= TWO_LINE_LABELS_UP_TO
    nodes["label"] = [_label(r, lang, two_lines) for r in node_rows]
    by_key = {r["key"]: r for r in node_rows}
    edges = pd.DataFrame(
        [{"parent": parent, "child": child, "kind": by_key[child]["kind"], "mode": by_key[child]["mode"]}
         for child, parent in parents.items() if parent is not None],
        columns=["parent", "child", "kind", "mode"])
    return nodes[["key", "name", "kind", "depth", "row", "label", "hover", "relation", "mode"]], edges


def _label(row: dict, lang: str, two_lines: bool) -> str:
    """Plotly markup around the firm's name (escaped: names come from input files)."""
    name = charts.plain(row["name"])
    if row["kind"] == LEADER:
        return f"<b>{name}</b><br><span style='font-size:12px'>{t('chains.tree.leader', lang)}</span>"
    if not two_lines:
        return name
    parts = [relation_label(row["relation"], lang)]  # how it came (以企招企 / 以商招商) is the line's colour
    if row["kind"] == STOPPED:
        parts.append(t("chains.tree.stopped", lang))
    detail = charts.plain(" · ".join(x for x in parts if x != fmt.MISSING))
    return f"{name}<br><span style='font-size:12px;color:#5D6D7E'>{detail}</span>" if detail else name


def _money_line(frame: pd.DataFrame, lang: str) -> str:
    return t("chains.hover.money", lang, investment=fmt.money(_sum(frame, "total_investment"), lang),
             output=fmt.money(_sum(frame, "projected_output"), lang),
             tax=fmt.money(_sum(frame, "projected_tax"), lang))


def _sum(frame: pd.DataFrame, column: str) -> float | None:
    values = pd.to_numeric(frame[column], errors="coerce")
    return None if values.isna().all() else float(values.sum())


def _leader_hover(leader: str, own: pd.DataFrame, links: pd.DataFrame, lang: str) -> str:
    """Plotly markup: every name in it is escaped (charts.plain)."""
    lines = [f"<b>{charts.plain(leader)}</b>", t("chains.tree.leader", lang)]
    for _, p in own.iterrows():
        lines.append(t("chains.hover.own_project", lang, project=charts.plain(p["project_name"]),
                       status=status_label(p["status"], lang), date=fmt.date(p["signed_date"], lang)))
    brought = links[links["status"].isin(SIGNED_STATUSES)]
    lines.append(t("chains.hover.brought", lang, firms=brought["partner"].nunique(), projects=len(brought)))
    if len(brought):
        lines.append(_money_line(brought, lang))
    return "<br>".join(lines)


def _partner_hover(partner: str, rows: pd.DataFrame, lang: str) -> str:
    first = rows.iloc[0]
    lines = [f"<b>{charts.plain(partner)}</b>",
             t("chains.hover.relation", lang, relation=charts.plain(relation_label(first["relation"], lang)),
               mode=charts.plain(mode_label(first["mode"], lang)))]
    if isinstance(first["introduced_by"], str):
        lines.append(t("chains.hover.introduced_by", lang, firm=charts.plain(first["introduced_by"])))
    for _, p in rows.iterrows():
        if isinstance(p["project_name"], str):
            lines.append(t("chains.hover.project", lang, project=charts.plain(p["project_name"]),
                           status=status_label(p["status"], lang), date=fmt.date(p["signed_date"], lang)))
    signed = rows[rows["status"].isin(SIGNED_STATUSES)]
    if len(signed):
        lines.append(_money_line(signed, lang))
    return "<br>".join(lines)


# ---------------------------------------------------------------- totals per 链主

def leader_totals(links: pd.DataFrame, leader_projects: pd.DataFrame) -> pd.DataFrame:
    """Per 链主: chain, firms (brought in and signed), projects, pipeline firms, attributed investment / output /
    利税 (亿元, the brought-in projects), own_projects and own_investment. Biggest attributed investment first."""
    rows = []
    for leader, group in links.groupby("chain_leader", sort=False):
        brought = group[group["status"].isin(SIGNED_STATUSES)].drop_duplicates("project_id")
        pipeline_firms = set(group["partner"]) - set(brought["partner"])
        own = leader_projects[leader_projects["chain_leader"] == leader]
        chains = [c for c in group["chain"].dropna().unique()]
        rows.append({
            "chain_leader": leader, "chain": "、".join(chains) if chains else None,
            "firms": int(brought["partner"].nunique()), "projects": len(brought), "pipeline": len(pipeline_firms),
            "investment": _sum(brought, "total_investment"), "output": _sum(brought, "projected_output"),
            "tax": _sum(brought, "projected_tax"), "own_projects": len(own),
            "own_investment": _sum(own, "total_investment"),
            "is_synthetic": bool(group["is_synthetic"].any()) or bool(own["is_synthetic"].any()),
        })
    columns = ["chain_leader", "chain", "firms", "projects", "pipeline", "investment", "output", "tax",
               "own_projects", "own_investment", "is_synthetic"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["investment", "chain_leader"], ascending=[False, True], na_position="last",
                             ignore_index=True)


def _chains_named(joined: object, lang: str) -> str:
    """`新材料、装备制造` (as leader_totals joins them) in the reader's language."""
    if fmt.is_missing(joined) or not str(joined).strip():
        return fmt.MISSING
    return ("; " if lang == "en" else "、").join(chain_name(c, lang) for c in str(joined).split("、"))


def totals_table(totals: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("chains.col.leader", lang): totals["chain_leader"],
        t("chains.col.chain", lang): [_chains_named(c, lang) for c in totals["chain"]],
        t("chains.col.firms", lang): [fmt.count(v, "家", lang) for v in totals["firms"]],
        t("chains.col.projects", lang): [fmt.count(v, "个", lang) for v in totals["projects"]],
        t("chains.col.pipeline", lang): [fmt.count(v, "家", lang) for v in totals["pipeline"]],
        t("chains.col.investment", lang): fmt.money_column(totals["investment"], lang),
        t("chains.col.output", lang): fmt.money_column(totals["output"], lang),
        t("chains.col.tax", lang): fmt.money_column(totals["tax"], lang),
        t("chains.col.own", lang): [
            fmt.count(n, "个", lang) if fmt.is_missing(inv)
            else t("chains.own_projects", lang, n=fmt.count(n, "个", lang), investment=fmt.money(inv, lang))
            for n, inv in zip(totals["own_projects"], totals["own_investment"], strict=True)],
    })


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    help: str | None = None


def headline(totals: pd.DataFrame, links: pd.DataFrame, year: int | None, lang: str) -> list[Headline]:
    """Six numbers for the top of the page: leaders, firms brought in, their investment, output, 利税, and the
    firms the leaders are still courting."""
    brought = links[links["status"].isin(SIGNED_STATUSES)].drop_duplicates("project_id")
    this_year = brought[pd.to_datetime(brought["signed_date"]).dt.year == year] if year else brought.iloc[0:0]
    return [
        Headline(t("chains.metric.leaders", lang), fmt.count(len(totals), "家", lang)),
        Headline(t("chains.metric.firms", lang), fmt.count(brought["partner"].nunique(), "家", lang),
                 t("chains.metric.firms_help", lang, year=fmt.year(year, lang),
                   n=fmt.count(this_year["partner"].nunique(), "家", lang))),
        Headline(t("chains.metric.investment", lang), fmt.money(_sum(brought, "total_investment"), lang)),
        Headline(t("chains.metric.output", lang), fmt.money(_sum(brought, "projected_output"), lang)),
        Headline(t("chains.metric.tax", lang), fmt.money(_sum(brought, "projected_tax"), lang)),
        Headline(t("chains.metric.pipeline", lang), fmt.count(int(totals["pipeline"].sum()), "家", lang),
                 t("chains.metric.pipeline_help", lang)),
    ]


def links_table(links: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every link, for the table behind the tree."""
    return pd.DataFrame({
        t("chains.col.leader", lang): links["chain_leader"],
        t("chains.col.partner", lang): links["partner"],
        t("chains.col.introduced_by", lang): links["introduced_by"].fillna(fmt.MISSING),
        t("chains.col.relation", lang): [relation_label(v, lang) for v in links["relation"]],
        t("chains.col.mode", lang): [mode_label(v, lang) for v in links["mode"]],
        t("chains.col.project", lang): links["project_name"].fillna(fmt.MISSING),
        t("chains.col.status", lang): [status_label(v, lang) for v in links["status"]],
        t("chains.col.signed", lang): [fmt.date(v, lang) for v in links["signed_date"]],
        t("chains.col.investment", lang): fmt.money_column(links["total_investment"], lang),
        t("chains.col.output", lang): fmt.money_column(links["projected_output"], lang),
        t("chains.col.tax", lang): fmt.money_column(links["projected_tax"], lang),
        t("chains.col.source", lang): [t_or(f"chains.source.{v}", str(v), lang) for v in links["source"]],
    })


# ---------------------------------------------------------------- links (环节) and gaps

def coverage_frame(coverage: pd.DataFrame, lang: str, chains_first: Iterable[str] = ()) -> pd.DataFrame:
    """From `queries.chain_coverage`: one row per link with its slot in the chain's row and the shown text.

    Columns: chain, slot (0-based, upstream first), segment, position, coverage, text, hover. Chains named in
    `chains_first` (the 链主 chains) come first, the others after in catalogue order.
    """
    if coverage.empty:
        return pd.DataFrame(columns=["chain", "slot", "segment", "position", "coverage", "text", "hover"])
    first = [c for c in chains_first if c in set(coverage["chain"])]
    order = first + [c for c in dict.fromkeys(coverage["chain"]) if c not in first]
    frames = []
    for chain in order:
        part = coverage[coverage["chain"] == chain].reset_index(drop=True).copy()
        part["slot"] = range(len(part))
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out["segment"] = [segment_name(s, lang) for s in out["segment"]]
    out["chain"] = [chain_name(c, lang) for c in out["chain"]]
    out["text"] = [  # plotly markup (`<br>`), the names escaped by _wrap
        t("chains.gap.cell", lang, segment=_wrap(seg), n=int(n)) if cov == "covered"
        else t("chains.gap.cell_pipeline", lang, segment=_wrap(seg)) if cov == "pipeline"
        else t("chains.gap.cell_gap", lang, segment=_wrap(seg))
        for seg, n, cov in zip(out["segment"], out["n_projects"], out["coverage"], strict=True)]
    out["hover"] = [
        t("chains.gap.hover", lang, chain=charts.plain(c), position=position_label(p, lang),
          segment=charts.plain(s), n=fmt.count(n, "个", lang), pipeline=fmt.count(k, "个", lang),
          coverage=t(f"chains.coverage.{cov}", lang))
        for c, p, s, n, k, cov in zip(out["chain"], out["position"], out["segment"], out["n_projects"],
                                      out["n_pipeline"], out["coverage"], strict=True)]
    return out[["chain", "slot", "segment", "position", "coverage", "text", "hover"]]


# Where a Chinese link name may break: after a conjunction, or before the word it ends with (never inside a word).
_BREAK_AFTER = ("及", "与", "和", "、")
_LAST_WORDS = ("设备", "装备", "服务", "材料", "制品", "配件", "零部件", "组件", "电池", "发电", "氢能", "中药材",
               "制剂", "器械", "元器件", "封测", "终端", "利用", "中间品", "初加工", "加工", "酿造", "厨房", "设施",
               "联运", "配送", "中心", "平台", "动力", "专用车", "钢结构", "玻璃", "驱动")


def _break_points(name: str) -> list[int]:
    points = [i + 1 for i, ch in enumerate(name[:-1]) if ch in _BREAK_AFTER]
    points += [len(name) - len(word) for word in _LAST_WORDS if name.endswith(word) and len(name) > len(word)]
    return points


def _english_lines(name: str, width: int = 16) -> list[str]:
    """Words on lines of at most `width` characters (a longer single word keeps a line of its own)."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _wrap(name: str, width: int = 5) -> str:
    """Long link names on two lines, so a chip stays narrow: `空调整机及<br>节能装备`, `流体冷却<br>设备`, never
    inside a word (`流体冷/却设备`); a name with no safe break stays on one line (plotly markup, escaped)."""
    if name.isascii():
        return "<br>".join(charts.plain(line) for line in _english_lines(name))
    limit = width
    points = _break_points(name) if len(name) > limit else []
    if not points:
        return charts.plain(name)
    cut = min(points, key=lambda i: abs(len(name) / 2 - i))
    return charts.plain(name[:cut]) + "<br>" + charts.plain(name[cut:])


def coverage_table(coverage: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("chains.col.chain", lang): [chain_name(c, lang) for c in coverage["chain"]],
        t("chains.col.position", lang): [position_label(p, lang) for p in coverage["position"]],
        t("chains.col.segment", lang): [segment_name(s, lang) for s in coverage["segment"]],
        t("chains.col.n_projects", lang): [fmt.count(n, "个", lang) for n in coverage["n_projects"]],
        t("chains.col.n_pipeline", lang): [fmt.count(n, "个", lang) for n in coverage["n_pipeline"]],
        t("chains.col.coverage", lang): [t(f"chains.coverage.{c}", lang) for c in coverage["coverage"]],
    })


def gap_summary(coverage: pd.DataFrame, lang: str) -> str:
    """`缺链 2 个：装备制造·维修及服务；…` or that every link is covered."""
    gaps = coverage[coverage["coverage"] != "covered"]
    if gaps.empty:
        return t("chains.gap.none", lang, n=len(coverage))
    items = "；".join(f"{c}·{s}" for c, s in zip(gaps["chain"], gaps["segment"], strict=True)) if lang != "en" \
        else "; ".join(f"{chain_name(c, lang)} · {segment_name(s, lang)}"
                       for c, s in zip(gaps["chain"], gaps["segment"], strict=True))
    return t("chains.gap.some", lang, n=len(gaps), items=items)


# ---------------------------------------------------------------- pipeline

def pipeline_table(pipeline: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("chains.col.partner", lang): pipeline["investor"],
        t("chains.col.project", lang): pipeline["project_name"].fillna(fmt.MISSING),
        t("chains.col.leader", lang): pipeline["chain_leader"].fillna(fmt.MISSING),
        t("chains.col.introduced_by", lang): pipeline["introduced_by"].fillna(fmt.MISSING),
        t("chains.col.chain", lang): [fmt.MISSING if fmt.is_missing(c) else chain_name(c, lang)
                                      for c in pipeline["chain"]],
        t("chains.col.origin", lang): pipeline["investor_origin"].fillna(fmt.MISSING),
        t("chains.col.note", lang): pipeline["note"].fillna(fmt.MISSING),
    })
