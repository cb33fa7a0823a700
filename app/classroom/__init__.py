"""The live class's rules (issue 24): codes, tokens, nicknames, questions, tallies, CSV.

No Streamlit and no database here; ``app.storage`` keeps what these rules decide.
"""
