"""User-Agent and Client Hints to a caniuse agent, an engine equivalent, and bot detection.

- `base`: `Detection`, the one answer type, and what every part shares (the input cap, versions);
- `fast`: the User-Agents most traffic sends, recognised by template without the parsers;
- `parsed`: everything else, through ua-parser's native resolver and the bot screen;
- `bots`: the bot screen (crawler-user-agents, uap-core's spider rules, a few extras);
- `hints`: Client Hints (`Sec-CH-UA` ...), read from a request and applied to a detection.

`antechamber.browsers.detect` is the entry point (`detect`, `is_bot`, `warm_up`).
"""
