"""Every UI string, one catalogue per language: devzone/locales/zh.toml (the default) and en.toml.

Strings may hold `{name}` placeholders filled from keyword arguments of `t()`.
Data values (zone names, indicator names) are not here: they come from the database.

Why TOML: the standard library reads it (`tomllib`, no dependency and no compile step), one
`"key" = "text"` line per string gives readable diffs, and `tomllib` refuses a key defined twice in a
file. gettext/Babel would need a compile step and generated .mo files next to the sources.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

Lang = Literal["zh", "en"]
LANGUAGES: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"


class CatalogueError(ValueError):
    """A language file that does not match the others (or is not valid TOML)."""


def load_catalogue(directory: Path = LOCALES_DIR) -> tuple[dict[str, tuple[str, str]], dict[str, dict[str, str]]]:
    """`directory`/<lang>.toml as (key -> its text in each of LANGUAGES, table -> {中文: translation}).

    Top-level keys are UI strings; TOML tables are name maps (chains, links, provinces), which only the
    translations need since Chinese is their source. A key missing from any language is refused here
    rather than showing up as a KeyError on one page in one language.
    """
    texts: dict[str, dict[str, str]] = {}
    tables: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        path = directory / f"{lang}.toml"
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CatalogueError(f"{path.name}: {exc}") from exc
        tables.update({name: value for name, value in data.items() if isinstance(value, dict)})
        texts[lang] = {key: value for key, value in data.items() if not isinstance(value, dict)}
        wrong = sorted(key for key, value in texts[lang].items() if not isinstance(value, str))
        if wrong:
            raise CatalogueError(f"{path.name}: not a string: {', '.join(wrong)}")
    every_key = set().union(*texts.values())
    for lang, found in texts.items():
        missing = sorted(every_key - found.keys())
        if missing:
            raise CatalogueError(f"{lang}.toml lacks {len(missing)} key(s) that another language has: "
                                 f"{', '.join(missing)}")
    return {key: tuple(texts[lang][key] for lang in LANGUAGES) for key in sorted(every_key)}, tables


STRINGS, _name_tables = load_catalogue()
CHAIN_NAMES_EN: dict[str, str] = _name_tables["chain_names"]
SEGMENT_NAMES_EN: dict[str, str] = _name_tables["segment_names"]
PROVINCE_NAMES_EN: dict[str, str] = _name_tables["province_names"]


def normalise_lang(lang: str | None) -> Lang:
    return "en" if lang == "en" else "zh"


def t(key: str, lang: str | None = DEFAULT_LANG, /, **values: object) -> str:
    """The UI string `key` in `lang`, with `{placeholders}` filled from `values`.

    An unknown key is a programming error and raises KeyError (the app tests render every page).
    """
    zh, en = STRINGS[key]
    text = en if normalise_lang(lang) == "en" else zh
    return text.format(**values) if values else text


def t_or(key: str, fallback: str, lang: str | None = DEFAULT_LANG) -> str:
    """Like `t`, but for vocabularies coming from data (units, categories): unknown keys show `fallback`."""
    return t(key, lang) if key in STRINGS else fallback


def chain_name(name: object, lang: str | None = DEFAULT_LANG) -> str:
    """An industrial chain as the reader's language calls it (`新材料` -> `New materials`); unknown: as typed."""
    text = "" if name is None else str(name)
    return CHAIN_NAMES_EN.get(text.strip(), text) if normalise_lang(lang) == "en" else text


def segment_name(name: object, lang: str | None = DEFAULT_LANG) -> str:
    """A link (环节) of a chain in the reader's language (`压缩机` -> `Compressors`); unknown: as typed."""
    text = "" if name is None else str(name)
    return SEGMENT_NAMES_EN.get(text.strip(), text) if normalise_lang(lang) == "en" else text


_PROVINCE_SUFFIX = re.compile(r"(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$")


def province_name(name: object, lang: str | None = DEFAULT_LANG) -> str:
    """`山西` / `山西省` -> `Shanxi` in English; unknown places as typed."""
    text = "" if name is None else str(name)
    if normalise_lang(lang) != "en":
        return text
    return PROVINCE_NAMES_EN.get(_PROVINCE_SUFFIX.sub("", text.strip()), text)
