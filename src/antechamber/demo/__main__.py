"""`python -m antechamber.demo`: the demo news site on http://127.0.0.1:8000."""

from antechamber.demo import serve

serve()
