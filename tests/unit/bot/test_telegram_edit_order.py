"""An edit retried after a failure never overwrites a newer edit of the same message."""

from __future__ import annotations

from bot.telegram.sending import EditOrder


def test_an_older_edit_is_superseded_by_a_newer_one_of_the_same_message() -> None:
    order = EditOrder()
    assert not order.superseded("-100", "7", 10)  # nothing applied yet
    order.applied("-100", "7", 12)
    assert order.superseded("-100", "7", 10)
    assert not order.superseded("-100", "7", 13)
    assert not order.superseded("-100", "8", 10), "another message"
    assert not order.superseded("-200", "7", 10), "another chat"
    order.applied("-100", "7", 11)  # an old one applied after all keeps the newest
    assert order.superseded("-100", "7", 11)


def test_it_remembers_a_bounded_number_of_messages_the_oldest_edited_first() -> None:
    order = EditOrder(remembered=2)
    order.applied("c", "1", 5)
    order.applied("c", "2", 6)
    order.applied("c", "1", 7)  # edited again: now the newest
    order.applied("c", "3", 8)
    assert not order.superseded("c", "2", 1), "forgotten"
    assert order.superseded("c", "1", 6)
    assert order.superseded("c", "3", 7)
