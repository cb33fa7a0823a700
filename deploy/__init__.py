"""Running the app: one Streamlit server, or several replicas behind nginx."""
