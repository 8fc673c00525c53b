"""A page control seeded from the URL and mirrored back to it, so a copied link reproduces the view.
Parsing a parameter's value is devzone.state's; this is only the Streamlit side."""
from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st


def seed_from_url(key: str, param: str, resolve: Callable[[str | None], object]) -> None:
    """The first time a page control is drawn its value comes from the URL, so a copied link reproduces the view."""
    if key not in st.session_state:
        st.session_state[key] = resolve(st.query_params.get(param))


def mirror_to_url(param: str, value: object, default: object = None) -> None:
    """Keep `?param=` equal to a page control; an empty or default value leaves the address clean."""
    if value is None or value == "" or value == default:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value


def mirror_all_to_url(params: Mapping[str, object]) -> None:
    """`mirror_to_url` for each of a page's own parameters; None or "" leaves one out of the address."""
    for param, value in params.items():
        mirror_to_url(param, value)
