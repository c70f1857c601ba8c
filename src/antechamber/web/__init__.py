"""The web layer both halves of antechamber stand on.

Pure building blocks (no ASGI in them): `scan` (a streaming, raw-text-aware HTML scanner that
inserts a fragment before `</body>` and shows element hooks `<iframe>` and `<script>` tags),
`charset` (the page's charset, read the way browsers read it) and `csp` (the nonces a response's
Content-Security-Policy allows for scripts and styles).
"""
