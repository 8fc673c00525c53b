"""Exports for work-promotion meetings (工作推进会): the storyline shared by presentation mode and the
PowerPoint deck, the written summary (文字综述), Excel workbooks and chart images. No Streamlit here.

Every module gets its data through a `Loader` (see `data.py`): `ui.load` on a page (cached per
snapshot), `data.direct_loader()` in the console script and tests.
"""
