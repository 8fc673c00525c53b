"""The baseline for first_numbers_ratio and browser_ready_ratio: a bare Streamlit page with one figure and one
plotly chart, served the same way."""
import plotly.graph_objects as go
import streamlit as st

st.title("基准页")
st.metric("签约项目", "36个", "+12.5%")
st.plotly_chart(go.Figure(go.Bar(x=["甲", "乙", "丙"], y=[3, 1, 2])))
