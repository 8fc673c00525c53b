"""汇报演示 / Presentation: the work-promotion meeting storyline, one idea per slide.

`?present=1` shows it full screen (no sidebar, no chrome, large type), `slide=N` opens slide N,
`auto=S` advances every S seconds. ← → change slides. The same storyline downloads as a
PowerPoint deck (native, editable charts) and as an Excel workbook; the written summary (文字综述)
is one click away from the clipboard. Slide content comes from devzone.export.story.
"""
import datetime as dt
import time

import streamlit as st

from devzone import fmt, periods, ui
from devzone.export import data as report_data
from devzone.export import deck, figures, official, present, story, workbook, zone_report
from devzone.i18n import t

KEY_SLIDE = "present_slide"
KEY_SLIDE_OF = "present_slide_of"
KEY_CHANGED = "present_slide_changed_at"
KEY_AUTO = "present_auto"
CHART_HEIGHT = 460

filters = ui.current_filters()
lang = filters.lang
presenting = present.is_presenting(st.query_params.get(present.PARAM_PRESENT))
auto_interval = present.auto_seconds(st.query_params.get(present.PARAM_AUTO))


@st.cache_resource(show_spinner=False, max_entries=64)
def build_story(zone_id: str, year: int, language: str, snapshot: str, today: str):
    """The storyline of a zone and year, per snapshot and day (slides are read-only afterwards)."""
    zone_year = report_data.gather(ui.load, zone_id, year)
    return zone_year, story.zone_story(zone_year, language, today=dt.date.fromisoformat(today))


def set_slide(number: int) -> None:
    st.session_state[KEY_SLIDE] = number
    st.session_state[KEY_CHANGED] = time.monotonic()
    st.query_params[present.PARAM_SLIDE] = str(number)


def go(delta: int, total: int) -> None:
    set_slide(present.step(st.session_state.get(KEY_SLIDE, 1), delta, total))


def start_presenting() -> None:
    st.query_params[present.PARAM_PRESENT] = "1"


def stop_presenting() -> None:
    for key in (present.PARAM_PRESENT, present.PARAM_AUTO):
        if key in st.query_params:
            del st.query_params[key]


def toggle_auto() -> None:
    if st.session_state.get(KEY_AUTO):
        st.query_params[present.PARAM_AUTO] = str(auto_interval or present.AUTO_DEFAULT)
        st.session_state[KEY_CHANGED] = time.monotonic()
    elif present.PARAM_AUTO in st.query_params:
        del st.query_params[present.PARAM_AUTO]


@st.cache_resource(show_spinner=False, max_entries=512)
def chart_figure(story_key: tuple, chart_key: str, _chart, axis_max, title, height, font_size):
    """Building a plotly figure costs far more than the rest of a rerun: once per chart and story."""
    return figures.figure(_chart, height=height, axis_max=axis_max, title=title, font_size=font_size)


def show_chart(chart, axis_max, title) -> None:
    """Full screen the chart fills the slide body (CSS sets its height); in the page it has a fixed one."""
    fig = chart_figure(story_key, chart.key, chart, axis_max, title, None if presenting else CHART_HEIGHT,
                       present.PRESENTING_FONT_SIZE if presenting else figures.PRESENT_FONT_SIZE)
    st.plotly_chart(fig, key="slide_chart_" + chart.key, theme=None, height="stretch" if presenting else "content",
                    config={"displayModeBar": False, "displaylogo": False})


def show_bullets(bullets) -> None:
    st.markdown("\n".join("- " + fmt.plain(bullet) for bullet in bullets))


def show_slide(slide) -> None:
    with st.container(key="slide"):
        if slide.key == "title":
            with st.container(key="slide-title", horizontal_alignment="center"):
                if slide.synthetic:
                    st.badge(t("deck.synthetic", lang), icon=":material/science:", color="red")
                st.title(fmt.plain(slide.title))
                st.subheader(fmt.plain(slide.subtitle))
                st.markdown(fmt.plain(slide.text))
                if slide.note:
                    st.caption(fmt.plain(slide.note))
                if slide.synthetic:
                    st.caption(t("deck.synthetic_title", lang))
        else:
            heading, mark = st.columns([6, 1], vertical_alignment="center")
            heading.title(fmt.plain(slide.title))
            if slide.synthetic:
                mark.container(key="slide-mark", horizontal_alignment="right").badge(
                    t("deck.synthetic", lang), icon=":material/science:", color="red")
        if slide.note and slide.key != "title":
            st.caption(fmt.plain(slide.note))
        if slide.kpis:
            kpis = st.container(key="slide-kpis")  # full screen its rows share the slide's height
            for row_start in range(0, len(slide.kpis), 3):
                for column, kpi in zip(kpis.columns(3), slide.kpis[row_start:row_start + 3], strict=False):
                    arrow, colour = present.delta_style(kpi.direction)
                    with column.container(border=True):
                        st.metric(fmt.plain(kpi.label), kpi.value, delta=kpi.change, delta_arrow=arrow,
                                  delta_color=colour)
                        # the 真实 tag on the rank line: no extra row, so two rows of tiles still fit a 720p slide
                        st.caption(ui.badge_after(fmt.plain(kpi.rank), kpi.tag))
        words_only = not (slide.kpis or slide.charts or slide.table is not None) and slide.key != "title"
        words = (st.container(key=present.words_key([slide.text, *slide.bullets]))
                 if words_only else st.container())  # words only: as large as their length allows, centred
        if slide.text and slide.key != "title":
            words.markdown(fmt.plain(slide.text))
        strip = bool(slide.bullets) and len(slide.bullets) <= 2 and bool(slide.charts or slide.table is not None)
        items = [("chart", (part, story.axis_max(chart) if part is not chart else None,
                            chart.title if len(slide.charts) > 1 else None))
                 for chart in slide.charts for part in story.halves(chart)]
        if slide.table is not None and not slide.table.empty:
            items.append(("table", slide.table))
        if slide.bullets and words_only:
            with words:
                show_bullets(slide.bullets)
        elif slide.bullets and not strip:
            items.append(("bullets", slide.bullets))
        if items:
            weights = [1.25 if kind == "table" else 0.8 if kind == "bullets" else 1.0 for kind, _ in items]
            body = st.container(key="slide-body-short" if strip else "slide-body")
            for column, (kind, item) in zip(body.columns(weights, gap="large"), items, strict=True):
                with column:
                    if kind == "chart":
                        show_chart(*item)
                    elif kind == "table":
                        st.table(item, hide_index=True)
                    else:
                        show_bullets(item)
        if strip:
            show_bullets(slide.bullets)
        st.caption(fmt.plain(slide.source))


st.html(present.SLIDE_CSS)
if presenting:  # after SLIDE_CSS: its rules win
    st.html(present.PRESENT_CSS)
    st.html(present.IDLE_CONTROLS_JS, unsafe_allow_javascript=True)

if filters.zone_id is None or filters.year is None:
    ui.empty_state("present.no_selection", lang)
    st.stop()

story_key = (filters.zone_id, filters.year, lang, ui.run_snapshot(), periods.china_today().isoformat())
zone_year, the_story = build_story(*story_key)
if not story.has_data(zone_year):
    ui.empty_state("present.no_data", lang, zone=ui.zone_label(filters.zone_id), year=filters.year)
    st.stop()

slides = the_story.slides
total = len(slides)
if st.session_state.get(KEY_SLIDE_OF) != (filters.zone_id, filters.year) or KEY_SLIDE not in st.session_state:
    st.session_state[KEY_SLIDE] = present.slide_number(st.query_params.get(present.PARAM_SLIDE), total)
    st.session_state[KEY_SLIDE_OF] = (filters.zone_id, filters.year)
    st.session_state[KEY_CHANGED] = time.monotonic()
st.session_state[KEY_SLIDE] = present.slide_number(st.session_state[KEY_SLIDE], total)
st.session_state[KEY_AUTO] = auto_interval is not None

if not presenting:
    st.title(t("present.title", lang))
    st.caption(t("present.caption", lang))
    if the_story.synthetic:
        ui.synthetic_banner(lang)
    with st.container(horizontal=True, key="present-actions"):
        st.button(t("present.start", lang), on_click=start_presenting, type="primary", icon=":material/slideshow:",
                  key="present_start")
        st.download_button(
            t("present.download_deck", lang), help=t("present.download_deck_help", lang),
            data=lambda: deck.render(the_story, template=deck.find_template()),
            file_name=the_story.file_name("pptx"), mime=deck.PPTX_MIME, on_click="ignore",
            icon=":material/co_present:", key="present_deck",
        )
        st.download_button(
            t("present.download_workbook", lang), data=lambda: workbook.zone_workbook(zone_year, the_story, lang),
            file_name=the_story.file_name("xlsx"), mime=workbook.XLSX_MIME, on_click="ignore",
            icon=":material/table_view:", key="present_workbook",
        )
        st.download_button(
            t("present.download_docx", lang), help=t("present.download_docx_help", lang),
            data=lambda: zone_report.render(zone_year, lang),
            file_name=zone_report.file_stem(zone_year.short_name, zone_year.year, lang) + ".docx",
            mime=official.DOCX_MIME, on_click="ignore", icon=":material/description:", key="present_docx",
        )
    st.subheader(t("present.summary_heading", lang))
    st.caption(t("present.summary_caption", lang))
    st.code(the_story.summary, language=None, wrap_lines=True)
    st.subheader(t("present.outline", lang))


@st.fragment(run_every=auto_interval)
def viewer() -> None:
    if auto_interval and time.monotonic() - st.session_state.get(KEY_CHANGED, 0) >= auto_interval - 0.5:
        set_slide(present.step(st.session_state[KEY_SLIDE], 1, total, wrap=True))
    number = st.session_state[KEY_SLIDE]
    if st.query_params.get(present.PARAM_SLIDE) != str(number):
        st.query_params[present.PARAM_SLIDE] = str(number)
    show_slide(slides[number - 1])
    with st.container(horizontal=True, vertical_alignment="center", key="slide-nav"):
        st.button(t("present.prev", lang), on_click=go, args=(-1, total), disabled=number <= 1,
                  icon=":material/chevron_left:", shortcut="Left", key="slide_prev")
        st.markdown(t("present.counter", lang, n=number, total=total))
        st.button(t("present.next", lang), on_click=go, args=(1, total), disabled=number >= total,
                  icon=":material/chevron_right:", icon_position="right", shortcut="Right", key="slide_next",
                  type="primary")
        st.toggle(t("present.auto", lang), key=KEY_AUTO, help=t("present.auto_help", lang), on_change=toggle_auto)
        st.caption(t("present.keys_hint", lang))
        # Entering or leaving full screen changes the whole page (CSS, header): a full run, not the fragment.
        if presenting:
            if st.button(t("present.exit", lang), icon=":material/close_fullscreen:", key="present_exit"):
                stop_presenting()
                st.rerun(scope="app")
        elif st.button(t("present.start", lang), icon=":material/fullscreen:", key="present_start_nav"):
            start_presenting()
            st.rerun(scope="app")
    if st.session_state[KEY_AUTO] != (auto_interval is not None):
        st.rerun()  # auto-advance switched on/off: the fragment's timer is set by a full run


viewer()
