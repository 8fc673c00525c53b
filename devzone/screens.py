"""How the pages fit a phone, a projector and A4 paper: the style sheet every page gets, and the card grid.

Pure: strings of CSS, no Streamlit. devzone/assets/screens.css holds the rules for every page (phone, 1920-px
projector, `@media print`); `card_grid_css` the Overview's cards, which flow to fill the width at any size.
"""
from __future__ import annotations

import math
from functools import cache
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "assets"
SCREENS_CSS = ASSETS / "screens.css"

# The narrowest a card may be (rem): `179.78亿元` / `RMB 17.98 bn` in the metric's type. On a phone the type is
# smaller and two cards share a row whatever this says (MIN_COLUMNS).
CARD_MIN_REM = {"zh": 13.5, "en": 16.5}
CARD_GAP_REM = 0.75
MIN_COLUMNS = 2
MAX_COLUMNS = 6
GRID_KEY = "ov-grid"  # st.container(key=f"{GRID_KEY}-n{count}-{i}"); the cards' wrapper is key=GRID_KEY
BAND_KEY = "ov-headline"

# ---------------------------------------------------------------- the screen class, known server-side
# The same breakpoints as screens.css: a phone up to 640 px, a projector from 1800 px, a desk in between.
PHONE, DESK, PROJECTOR = "phone", "desk", "projector"
SCREEN_CLASSES = (PHONE, DESK, PROJECTOR)
PHONE_MAX_PX = 640
PROJECTOR_MIN_PX = 1800
PARAM_SCREEN = "screen"  # ?screen=projector: a projector whatever the width the browser reports


def screen_class(width: object) -> str:
    """The class of a window `width` px wide (what the browser measured); DESK when unknown."""
    try:
        px = float(width)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return DESK
    if not math.isfinite(px) or px <= 0:
        return DESK
    if px <= PHONE_MAX_PX:
        return PHONE
    return PROJECTOR if px >= PROJECTOR_MIN_PX else DESK


def resolve_screen(raw: object) -> str | None:
    """`?screen=projector` (or 投影) -> PROJECTOR; anything else -> None (the measured width decides)."""
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else None
    if not isinstance(raw, str):
        return None
    text = raw.strip().lower()
    return {"投影": PROJECTOR, "手机": PHONE, "桌面": DESK}.get(text, text if text in SCREEN_CLASSES else None)


# The browser reports its window's class once, and again only when it changes (a resize across a breakpoint):
# the server already knows `data.known`, so a report never repeats and a rerun never triggers another one.
SCREEN_PROBE_JS = """
export default function(component) {
  const { data, setStateValue } = component;
  const classOf = w => w <= PHONE_MAX ? 'phone' : (w >= PROJECTOR_MIN ? 'projector' : 'desk');
  let known = data && data.known;
  const report = () => {
    const now = classOf(window.innerWidth);
    if (now !== known) { known = now; window.__devzoneScreenReported = true; setStateValue('screen', now); }
    window.__devzoneScreen = known;  // and whether a run was asked for: tests/browser/helpers.py reads both
  };
  report();
  window.addEventListener('resize', report);
  return () => window.removeEventListener('resize', report);
}
""".replace("PHONE_MAX", str(PHONE_MAX_PX)).replace("PROJECTOR_MIN", str(PROJECTOR_MIN_PX))


@cache
def page_css() -> str:
    """The style sheet for every page, as an `st.html` block (read once)."""
    return "<style>\n" + SCREENS_CSS.read_text(encoding="utf-8") + "\n</style>"


def columns_for(count: int, fits: int) -> int:
    """How many columns `count` cards take when `fits` fit side by side: as few rows as fit, then the cards
    spread evenly over them (5 where 4 fit -> 3 + 2, not 4 + 1; 4 where 3 fit -> 2 + 2, not 3 + 1)."""
    if count <= 0:
        return 1
    fits = max(1, fits)
    rows = math.ceil(count / fits)
    return math.ceil(count / rows)


def grid_key(count: int, index: int) -> str:
    return f"{GRID_KEY}-n{count}-{index}"


def card_key(indicator: str) -> str:
    return f"ov-card-{indicator}"


def card_grid_css(counts: list[int] | tuple[int, ...], lang: str) -> str:
    """CSS for the card groups of the Overview (`counts`: cards per group): each group a grid whose column
    count follows the width of the card area (a container query), never leaving an orphan when a more even
    split exists, and never fewer than MIN_COLUMNS (two cards a row on a phone)."""
    width, gap = CARD_MIN_REM.get(lang, CARD_MIN_REM["en"]), CARD_GAP_REM
    rules = [f".st-key-{GRID_KEY} {{ container-type: inline-size; }}"]
    for count in sorted(set(counts)):
        selector = f'[class*="st-key-{GRID_KEY}-n{count}-"]'
        base = columns_for(count, MIN_COLUMNS)
        rules.append(f"{selector} {{ display: grid !important; gap: {gap}rem; "
                     f"grid-template-columns: repeat({base}, minmax(0, 1fr)); }}")
        previous = base
        for fits in range(MIN_COLUMNS + 1, MAX_COLUMNS + 1):
            columns = columns_for(count, fits)
            if columns == previous:
                continue
            min_width = fits * width + (fits - 1) * gap
            rules.append(f"@container (min-width: {min_width:g}rem) {{ {selector} "
                         f"{{ grid-template-columns: repeat({columns}, minmax(0, 1fr)); }} }}")
            previous = columns
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: quotes, backslashes, line breaks and `<` (which could end the style
    element) written as CSS escapes."""
    escaped = "".join(ch if ch.isprintable() and ch not in '"\\<>' else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'


def uploader_css(button: str, instructions: str) -> str:
    """st.file_uploader's own words ("Upload", "200MB per file • XLSX…") are English whatever the page's language and
    Streamlit has no option for them: hide them and show ours in their place."""
    zone = '[data-testid="stFileUploaderDropzone"]'
    return ("<style>"
            f'{zone} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p {{ display: none; }}'
            f'{zone} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]::after {{ content: '
            f"{css_string(button)}; }}"
            f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}'
            f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] > div::after {{ content: '
            f"{css_string(instructions)}; font-size: 0.875rem; opacity: 0.7; }}"
            "</style>")


def print_header_css(text: str) -> str:
    """The running head of every printed page (zone, year, 数据截至), in the page's top margin."""
    return ("<style>@page { @top-left { content: " + css_string(text)
            + "; font-size: 9pt; color: #333; } }</style>")
