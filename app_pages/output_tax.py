"""Placeholder: this screen is being built."""
import streamlit as st

from devzone import ui
from devzone.i18n import t

st.title(t("nav.output_tax", ui.current_filters().lang))
