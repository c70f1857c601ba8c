"""The web layer both halves of antechamber stand on.

- `request`: `Visit`, a request read once (headers, cookies, path without `root_path`, the
  current path), and what the halves leave on it;
- `pipeline`: `Pipeline` and `Half`, the one `__call__` of every antechamber middleware;
- `rewrite`: `Fragment` and the rules for putting markup into the app's pages (`validators`,
  `insertion`, `headers` behind it);
- `forms`: endpoints' body, form and JSON reading, their answers, `set_cookie`;
- `cache`: `BoundedCache`, the one cache type.
"""

from antechamber.web.cache import BoundedCache
from antechamber.web.pipeline import Half, Pipeline
from antechamber.web.request import Visit
from antechamber.web.rewrite import Fragment

__all__ = ["BoundedCache", "Fragment", "Half", "Pipeline", "Visit"]
