"""The command palette (ctrl+p): every triage action, found by fuzzy name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tierwise.tui.keymap import all_keys


class TriageCommands(Provider):
    """Offers each action of the keymap, with its key, on the main screen."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return [
            (key.help or key.description, key.display or key.keys.split(",")[0], key.action)
            for key in all_keys()
            if key.palette
        ]

    async def discover(self) -> Hits:
        for title, keys, action in self._commands():
            yield DiscoveryHit(title, partial(self.app.run_action, action), help=f"key: {keys}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, keys, action in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self.app.run_action, action),
                    help=f"key: {keys}",
                )
