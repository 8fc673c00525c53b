"""The baseline for browser_ready_ratio: a bare Streamlit page with one plotly chart, served the same way."""
import plotly.graph_objects as go
import streamlit as st

st.title("基准页")
st.plotly_chart(go.Figure(go.Bar(x=["甲", "乙", "丙"], y=[3, 1, 2])))
