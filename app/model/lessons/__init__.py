"""The lessons' content: steps, predict-first questions and the facts they quote, all computed
through the core. The first lesson (the notebook's exercises) is :mod:`.notebook`, the second
(beyond plain gradient descent) :mod:`.beyond`; the pages that draw them are in
:mod:`app.views`.
"""
