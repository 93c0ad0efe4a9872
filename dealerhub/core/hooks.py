"""Cross-app hooks: how a lower app asks or tells a higher one without importing it.

The app that owns the event or the question declares a :class:`Hook` in its ``hooks``
module; the app that reacts or answers connects to it in its ``AppConfig.ready()``.
So imports only go downward (dealers → markets), never back up, and an app that is
not installed simply has no receiver.

- ``hook.send(**kwargs)`` tells every receiver (a reaction; results are ignored);
- ``hook.ask(default, **kwargs)`` returns the answer of the one receiver, or
  ``default`` when there is none.
"""

from __future__ import annotations

from collections.abc import Callable


class Hook:
    def __init__(self, name: str, *, doc: str = "") -> None:
        self.name = name
        self.__doc__ = doc
        self._receivers: list[Callable] = []

    def connect(self, receiver: Callable) -> Callable:
        """Register ``receiver`` (usable as a decorator); connecting twice is a no-op."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def disconnect(self, receiver: Callable) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    def send(self, **kwargs) -> None:
        for receiver in list(self._receivers):
            receiver(**kwargs)

    def ask(self, default, **kwargs):
        if not self._receivers:
            return default
        if len(self._receivers) > 1:
            raise RuntimeError(f"Hook {self.name} has more than one answer")
        return self._receivers[0](**kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receiver(s)>"
