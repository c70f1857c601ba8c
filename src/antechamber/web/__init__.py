"""The web layer both halves of antechamber stand on.

- `request`: `Visit`, a request read once (headers, cookies, path without `root_path`, the
  current path), and what the halves leave on it;
- `pipeline`: `Pipeline` and `Half`, the one `__call__` of every antechamber middleware;
- `rewrite`: `Fragment` and the rules for putting markup into the app's pages; behind it `start`
  (what a response's start means, kept per header set), `page` (what a whole body is, kept per
  body), `validators` and `headers`;
- `forms`: endpoints' body, form and JSON reading, their answers, `set_cookie`;
- `cache`: `BoundedCache`, the one cache type.

Pure building blocks (no ASGI in them): `scan` (a streaming, raw-text-aware HTML scanner that
inserts a fragment before `</body>` and shows element hooks `<iframe>` and `<script>` tags; its
patterns and `Element` in `markup`),
`charset` (the page's charset, read the way browsers read it) and `csp` (the nonces a response's
Content-Security-Policy allows for scripts and styles).
"""

from antechamber.web.cache import BoundedCache
from antechamber.web.pipeline import Half, Pipeline
from antechamber.web.request import Visit
from antechamber.web.rewrite import Fragment

__all__ = ["BoundedCache", "Fragment", "Half", "Pipeline", "Visit"]
