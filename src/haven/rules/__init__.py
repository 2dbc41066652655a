"""Rules as code: programmes, effective-dated parameters with legal references, eligibility.

The core of this package (everything but ``models``, ``actions``, ``selectors``,
``forms``, ``views``, ``urls``, ``api`` and ``management``) imports no Django
models: it takes plain values and returns plain values with an explanation.
"""
