"""Cross-app hooks: lower apps tell and ask upward without importing the apps above."""

import pytest

from dealerhub.core.hooks import Hook
from markets import hooks as market_hooks


def test_send_tells_every_receiver_and_ask_takes_the_one_answer():
    hook = Hook("test")
    heard = []
    hook.connect(lambda **kwargs: heard.append(kwargs))

    hook.send(market_id=7)

    assert heard == [{"market_id": 7}]
    assert hook.ask("none", market_id=7) is None  # the receiver answered None


def test_ask_without_a_receiver_gives_the_default():
    assert Hook("nobody").ask([], market=None) == []


def test_ask_refuses_two_answers():
    hook = Hook("two")
    hook.connect(lambda **kwargs: 1)
    hook.connect(lambda **kwargs: 2)

    with pytest.raises(RuntimeError):
        hook.ask(None)


def test_the_dealers_app_answers_the_markets_questions():
    from dealers import selectors

    assert market_hooks.market_dealer_channels._receivers == [selectors.market_dealer_channels]
    assert market_hooks.market_customers._receivers == [selectors.market_customers]
    assert len(market_hooks.market_capacity_changed._receivers) == 1
