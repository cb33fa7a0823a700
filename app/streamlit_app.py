"""Entry point: page setup and navigation only."""

import sys
from pathlib import Path

import streamlit as st

# Streamlit runs this file as a script; make the repository root importable so
# `app` and `linreg_core` resolve the same way locally and on Community Cloud.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.ui.controls import lecture_link, note_page
from app.views.beyond import beyond_lesson
from app.views.class_page import class_page
from app.views.lesson import lesson
from app.views.playground import playground

# A lecture link opens with the sidebar closed: at a projector the chart needs the width.
st.set_page_config(
    page_title="Gradient descent playground",
    page_icon="📉",
    layout="wide",
    initial_sidebar_state="collapsed" if lecture_link() else "auto",
)
# The pages sit in the header bar, not the sidebar: there they stay in sight in lecture mode
# (whose sidebar starts closed), and the sidebar is left to the controls. (A phone folds them
# into the sidebar's menu.)
pages = [
    st.Page(
        playground, title="Playground", icon=":material/tune:", url_path="playground", default=True
    ),
    st.Page(lesson, title="Lesson", icon=":material/school:", url_path="lesson"),
    st.Page(
        beyond_lesson,
        title="Beyond the notebook",
        icon=":material/rocket_launch:",
        url_path="beyond",
    ),
    st.Page(class_page, title="Class", icon=":material/groups:", url_path="class"),
]
page = st.navigation(pages, position="top")
note_page(page.title)  # a return to the playground puts its run back in the address
page.run()
