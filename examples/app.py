"""The demo news site configured from `antechamber.toml`, the way a real site would be.

    ANTECHAMBER_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe())') \
        uvicorn examples.app:app

(`antechamber demo` runs the same site with a generated key and records in a temporary file.)
A site of your own mounts antechamber the same way:

    from starlette.applications import Starlette
    from antechamber import Antechamber, Settings

    app = Antechamber(Starlette(routes=[...]), settings=Settings.from_toml("antechamber.toml"))
"""

from __future__ import annotations

from pathlib import Path

from antechamber import Antechamber, Settings
from antechamber.demo import site

settings = Settings.from_toml(Path(__file__).with_name("antechamber.toml"))
app = Antechamber(site(settings), settings=settings)
