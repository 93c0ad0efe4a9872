"""The pure helpers behind every bulk write's scope check."""

from dealerhub.core.scoping import path_visible


def test_everything_is_visible_without_a_scope():
    assert path_visible("430000/430100/", None) is True


def test_a_path_below_an_assigned_node_is_visible():
    assert path_visible("440000/440300/440305/", ["440000/440300/"]) is True


def test_a_sibling_path_is_not_visible():
    assert path_visible("440000/440100/", ["440000/440300/"]) is False


def test_an_empty_scope_sees_nothing():
    assert path_visible("440000/", []) is False
