"""Browser policy: caniuse data, browserslist queries, User-Agent verdicts."""
