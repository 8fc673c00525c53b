"""Presentation mode (app_pages/present.py): URL parameters, slide navigation, projector styling.

Pure helpers, no Streamlit. The page reads `?present=1&slide=3&auto=20`:
- `present`: 1 hides the sidebar and the Streamlit chrome and sets large type;
- `slide`: 1-based slide number, so a copied link opens that slide;
- `auto`: seconds per slide when auto-advance is on (absent = off).
Invalid values fall back to the defaults, never an error.
"""
from __future__ import annotations

import unicodedata

PARAM_PRESENT = "present"
PARAM_SLIDE = "slide"
PARAM_AUTO = "auto"
AUTO_DEFAULT = 20
AUTO_MIN, AUTO_MAX = 5, 300
_TRUE = {"1", "true", "yes", "on"}


def _text(raw: object) -> str:
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else ""
    return unicodedata.normalize("NFKC", str(raw or "")).strip().lower()


def is_presenting(raw: object) -> bool:
    return _text(raw) in _TRUE


def slide_number(raw: object, total: int) -> int:
    """`?slide=3` -> 3; missing, invalid or out of range -> 1 (or the last slide when beyond it)."""
    try:
        wanted = int(_text(raw))
    except ValueError:
        return 1
    if total <= 0 or wanted < 1:
        return 1
    return min(wanted, total)


def auto_seconds(raw: object) -> int | None:
    """`?auto=20` -> 20 (clamped to 5–300 s); `auto=1`/`on` -> the default; absent or 0 -> None (off)."""
    text = _text(raw)
    if not text or text in {"0", "off", "false", "no"}:
        return None
    if text in _TRUE - {"1"}:
        return AUTO_DEFAULT
    try:
        seconds = int(float(text))
    except ValueError:
        return None
    if seconds == 1:
        return AUTO_DEFAULT
    return max(AUTO_MIN, min(AUTO_MAX, seconds))


def step(current: int, delta: int, total: int, *, wrap: bool = False) -> int:
    """Next/previous slide number; stops at the ends (auto-advance wraps to the first slide)."""
    if total <= 0:
        return 1
    target = current + delta
    if wrap:
        return (target - 1) % total + 1
    return max(1, min(total, target))


def delta_style(direction: str) -> tuple[str, str]:
    """(arrow, colour) of a KPI's 同比 on st.metric: the arrow follows the words, never the other way."""
    return {
        "up": ("up", "blue"),
        "down": ("down", "red"),
    }.get(direction, ("off", "gray"))


# A slide of words only (no tiles, charts or table) sets them as large as its length allows: WORDS_KEY-<size>.
WORDS_KEY = "slide-words"
WORDS_SIZES = ((160, "large"), (420, "medium"))  # up to so many characters -> that size; longer -> "small"


def words_key(texts: list[str] | tuple[str, ...]) -> str:
    """The container key of a words-only slide: WORDS_KEY-<size> (the style sheet sizes its text by it)."""
    return f"{WORDS_KEY}-{words_size(texts)}"


def words_size(texts: list[str] | tuple[str, ...]) -> str:
    """`large`, `medium` or `small`: the type a words-only slide can afford for this much text."""
    length = sum(len(str(text)) for text in texts if text)
    return next((size for limit, size in WORDS_SIZES if length <= limit), "small")


# Always: the slide container (st.container(key="slide")) and the navigation row.
SLIDE_CSS = """
<style>
.st-key-slide { min-height: 60vh; border: 1px solid #E4E7EB; border-radius: 0.6rem; padding: 1rem 1.6rem; }
.st-key-slide-title { text-align: center; padding: 4vh 2vw; }
.st-key-slide [data-testid="stMetricValue"] { font-size: clamp(2rem, 3.2vw, 3.8rem); font-weight: 700; }
.st-key-slide [data-testid="stMetricLabel"] p { font-size: clamp(1rem, 1.35vw, 1.6rem); }
.st-key-slide [data-testid="stMetricDelta"] { font-size: clamp(1rem, 1.3vw, 1.5rem); }
.st-key-slide .stMarkdown p, .st-key-slide .stMarkdown li { font-size: clamp(1.05rem, 1.45vw, 1.9rem); line-height: 1.65; }
.st-key-slide [data-testid="stTable"] td, .st-key-slide [data-testid="stTable"] th { font-size: clamp(0.95rem, 1.15vw, 1.45rem); padding: 0.35em 0.6em; }
.st-key-slide-title h3 { font-weight: 500; }
.st-key-slide-nav [data-testid="stMarkdownContainer"] p { font-size: clamp(0.95rem, 1.1vw, 1.3rem); }
.st-key-slide-nav { border-top: 1px solid #E4E7EB; padding-top: 0.4rem; }
</style>
"""

# Only with ?present=1: no sidebar, no header or toolbar, the slide fills the screen.
PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarCollapseButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], header, footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1.2rem 3vw 0.6rem 3vw !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"] { background: #FFFFFF; }
.st-key-slide { flex: 0 0 auto !important; height: calc(100vh - 6.8rem); min-height: 0; border: none; padding: 0;
                overflow: hidden; }
.st-key-slide-title h3 { font-size: clamp(1.4rem, 2.2vw, 2.6rem) !important; }
.st-key-slide h1 { font-size: clamp(2rem, 3.4vw, 4rem) !important; padding-top: 0; }
.st-key-slide h2 { font-size: clamp(1.5rem, 2.2vw, 2.6rem) !important; }
.st-key-slide-title { padding: 4vh 4vw 4vh 4vw; }
.st-key-slide-title h1, .st-key-slide-title h3, .st-key-slide-title p { text-align: center !important; width: 100%; }
.st-key-slide [data-testid="stMetric"] { padding: 2.2vh 0.4vw 0.6vh 0.4vw; }
.st-key-slide-title h1 { font-size: clamp(2.6rem, 4.6vw, 5.4rem) !important; }
.st-key-slide-nav button p { font-size: clamp(1rem, 1.2vw, 1.4rem); }
.st-key-slide > :has(> :is(.st-key-slide-body, .st-key-slide-body-short)),
.st-key-slide-body, .st-key-slide-body-short { flex: 1 1 0 !important; min-height: 0 !important; }
.st-key-slide > :has(> :is(.st-key-slide-body, .st-key-slide-body-short)) { display: flex; flex-direction: column; }
:is(.st-key-slide-body, .st-key-slide-body-short) > div,
:is(.st-key-slide-body, .st-key-slide-body-short) [data-testid="stHorizontalBlock"],
:is(.st-key-slide-body, .st-key-slide-body-short) [data-testid="stColumn"],
:is(.st-key-slide-body, .st-key-slide-body-short) [data-testid="stColumn"] > div { height: 100% !important; }
.st-key-slide-mark [data-testid="stMarkdownContainer"] p, .st-key-slide-mark span { font-size: clamp(1rem, 1.3vw, 1.5rem) !important; }
/* KPI tiles share the slide's height, their numbers large; a slide of words only sets them large, centred */
.st-key-slide > :has(> :is(.st-key-slide-kpis, [class*="st-key-slide-words-"], .st-key-slide-title)),
.st-key-slide-kpis, [class*="st-key-slide-words-"], .st-key-slide-title { flex: 1 1 0 !important;
  min-height: 0 !important; }
.st-key-slide > :has(> :is(.st-key-slide-kpis, [class*="st-key-slide-words-"], .st-key-slide-title)) {
  display: flex; flex-direction: column; }
.st-key-slide-title { justify-content: center; }
.st-key-slide-kpis > div, .st-key-slide-kpis [data-testid="stHorizontalBlock"] { flex: 1 1 0 !important; min-height: 0; }
.st-key-slide-kpis [data-testid="stColumn"] > div, .st-key-slide-kpis [data-testid="stColumn"] > div > div,
.st-key-slide-kpis [data-testid="stVerticalBlockBorderWrapper"], .st-key-slide-kpis [data-testid="stLayoutWrapper"] {
  height: 100% !important; }
.st-key-slide-kpis [data-testid="stColumn"] [data-testid="stVerticalBlock"] { justify-content: center; height: 100%; }
.st-key-slide-kpis [data-testid="stMetricValue"] { font-size: clamp(2.6rem, 5.2vw, 6.4rem) !important; }
.st-key-slide-kpis [data-testid="stMetricLabel"] p { font-size: clamp(1.2rem, 1.9vw, 2.3rem) !important; }
.st-key-slide-kpis [data-testid="stMetricDelta"], .st-key-slide-kpis [data-testid="stMetricDelta"] div {
  font-size: clamp(1.1rem, 1.6vw, 2rem) !important; }
.st-key-slide-kpis [data-testid="stCaptionContainer"] p { font-size: clamp(1rem, 1.3vw, 1.6rem) !important; }
[class*="st-key-slide-words-"] { justify-content: center; padding: 0 2vw; }
[class*="st-key-slide-words-"] .stMarkdown li { margin-bottom: 0.5em; }
.st-key-slide-words-large .stMarkdown :is(p, li) { font-size: clamp(1.5rem, 2.5vw, 3rem) !important; line-height: 1.7; }
.st-key-slide-words-medium .stMarkdown :is(p, li) { font-size: clamp(1.3rem, 1.9vw, 2.3rem) !important; line-height: 1.7; }
.st-key-slide-words-small .stMarkdown :is(p, li) { font-size: clamp(1.1rem, 1.45vw, 1.9rem) !important; line-height: 1.65; }
</style>
"""

# Full screen in a meeting room: chart text of at least 24 px (crowded axes are drawn 4 px smaller).
PRESENTING_FONT_SIZE = 28
IDLE_SECONDS = 3
# The slide controls fade out after IDLE_SECONDS without a mouse move (or touch, or key) and come back on one.
IDLE_CONTROLS_JS = """<script>
(() => {
  const body = document.body;
  if (window.__devzoneIdle) { window.__devzoneIdle(); return; }
  let timer = null;
  const wake = () => {
    body.classList.remove('slide-idle');
    clearTimeout(timer);
    timer = setTimeout(() => body.classList.add('slide-idle'), IDLE_MS);
  };
  window.__devzoneIdle = wake;
  for (const kind of ['mousemove', 'mousedown', 'touchstart', 'keydown']) {
    document.addEventListener(kind, wake, {passive: true});
  }
  wake();
})();
</script>
<style>
.st-key-slide-nav { transition: opacity 0.4s; }
body.slide-idle .st-key-slide-nav { opacity: 0; }
body.slide-idle, body.slide-idle * { cursor: none !important; }
</style>""".replace("IDLE_MS", str(IDLE_SECONDS * 1000))
