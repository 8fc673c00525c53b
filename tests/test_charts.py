"""Chart builders (devzone/charts.py): what a figure promises about its axes, labels and hover."""
import pandas as pd

from devzone import charts


def scores(top: float) -> pd.DataFrame:
    return pd.DataFrame({"zone": ["甲", "乙", "丙"], "score": [top, 60.0, 12.5], "zone_id": ["a", "b", "c"],
                         "text": [f"{top:.1f}分 · 第1名", "60.0分 · 第2名", "12.5分 · 第3名"]})


def test_a_score_out_of_100_ends_at_100():
    """A 0–100 score's axis reads 0 to 100, even when the best zone scores 100 (labels sit beyond the axis)."""
    for top in (100.0, 88.5):
        fig = charts.ranking_bar(scores(top), label="zone", value="score", text="text", chosen="a", key="zone_id",
                                 axis_title="得分", value_max=100)
        assert list(fig.layout.xaxis.range) == [0, 100]
        assert fig.layout.margin.r >= 80  # room for `100.0分 · 第1名` right of the plot



def test_no_hover_box_over_a_label_that_already_says_it():
    """Bars labelled with their value and named on the axis: a hover box would only repeat the label, on top
    of it (plotly puts it at the bar's end, where the outside label is)."""
    frame = scores(90.0)
    figures = [
        charts.ranking_bar(frame, label="zone", value="score", text="text", chosen="a", key="zone_id", axis_title="得分"),
        charts.hbars(frame, label="zone", value="score", text="text"),
        charts.target_progress(frame.assign(rate=[0.9, 0.5, 0.1], on_schedule=[True, False, None]), label="zone",
                               rate="rate", text="text", on_schedule="on_schedule", share=0.5, share_label="序时进度",
                               status_labels=("达标", "落后")),
    ]
    for fig in figures:
        assert fig.data[0].hoverinfo == "skip", fig.data[0].hovertemplate


def test_bar_labels_are_never_rotated():
    """Plotly turns a label inside a short bar on its side (`30` read downwards); house style keeps it level."""
    fig = charts.hbars(scores(90.0), label="zone", value="score", text="text")
    assert fig.data[0].textangle == 0


def _font_sizes(node, found=None):
    found = [] if found is None else found
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and value.get("size") is not None:
                found.append(value["size"])
            _font_sizes(value, found)
    elif isinstance(node, list):
        for item in node:
            _font_sizes(item, found)
    return found


def test_on_a_projector_every_chart_text_is_at_least_the_minimum_and_the_desk_figure_is_untouched():
    frame = scores(90.0)
    figures = [
        charts.ranking_bar(frame, label="zone", value="score", text="text", chosen="a", key="zone_id",
                           axis_title="得分", title="排名", value_max=100),
        charts.chain_coverage(pd.DataFrame({"chain": ["甲链", "甲链"], "slot": [0, 1], "coverage": ["covered", "gap"],
                                            "text": ["上游", "下游"], "hover": ["a", "b"]}),
                              legend_labels={"covered": "已覆盖", "pipeline": "在谈", "gap": "缺"}),
        charts.trend(frame.assign(year=[2019, 2020, 2021]), x="year", y="score", axis_title="得分"),
    ]
    for fig in figures:
        before = fig.to_json()
        big = charts.for_screen(fig, "projector")
        assert fig.to_json() == before  # a cached figure is never changed
        assert big is not fig
        layout = big.to_plotly_json()["layout"]
        sizes = _font_sizes(big.to_plotly_json())
        assert sizes and min(sizes) >= charts.SCREEN_MIN_FONT_PX, sorted(sizes)
        for name, axis in layout.items():  # nothing left to the theme's 12-px ticks
            if name.startswith(("xaxis", "yaxis")):
                assert axis["tickfont"]["size"] >= charts.SCREEN_MIN_FONT_PX
        assert layout["legend"]["font"]["size"] >= charts.SCREEN_MIN_FONT_PX
        desk_height = fig.layout.height or charts.PLOTLY_DEFAULT_HEIGHT
        assert layout["height"] == int(desk_height * charts.SCREEN_SCALE["projector"])
        assert charts.for_screen(fig, "desk") is fig and charts.for_screen(fig, None) is fig


def test_on_a_phone_the_longest_bars_carry_their_labels_inside():
    """A phone's plot is too narrow for `54个 · 第1名` beside the longest bar: labels go inside a bar they fit
    in, beside the others; a funnel's stay inside. The figure given is left as it is."""
    frame = scores(90.0)
    ranked = charts.ranking_bar(frame, label="zone", value="score", text="text", chosen="a", key="zone_id",
                                axis_title="得分")
    funnel = charts.funnel(["签约", "开工"], [10, 5], ["10个", "5个"])
    for fig in (ranked, funnel):
        before = fig.to_json()
        phone = charts.for_screen(fig, "phone")
        assert fig.to_json() == before and phone is not fig
    assert ranked.data[0].textposition == "outside"
    phone_bar = charts.for_screen(ranked, "phone").data[0]
    assert (phone_bar.textposition, phone_bar.insidetextanchor) == ("auto", "end")
    assert charts.for_screen(funnel, "phone").data[0].textposition == "inside"
    trend = charts.trend(frame.assign(year=[2019, 2020, 2021]), x="year", y="score")
    assert charts.for_screen(trend, "phone") is trend  # nothing beside a bar: the same figure
