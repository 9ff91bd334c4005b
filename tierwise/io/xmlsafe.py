"""The one way Tierwise parses XML: lxml with entities, DTDs and the network turned off.

Workbooks come from anywhere, and a part can carry an entity bomb ("billion laughs")
or an external entity that reads a local file. OOXML never needs a DTD, so a part that
declares one is refused outright rather than parsed with its entities left unexpanded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

from tierwise.errors import TierwiseError

_OPTIONS: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "dtd_validation": False,
    "remove_blank_text": False,
}


def parser() -> etree.XMLParser:
    """A fresh hardened parser (lxml parsers are not thread-safe, so never share one)."""
    return etree.XMLParser(**_OPTIONS)


def _dtd_error(where: str) -> TierwiseError:
    return TierwiseError(
        f"{where} declares a DTD, which no spreadsheet needs; refusing to read it "
        "(the file may be crafted to attack XML readers)"
    )


def _refuse_dtd(root: etree._Element, where: str) -> None:
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise _dtd_error(where)


def _syntax_error(err: etree.XMLSyntaxError, where: str) -> TierwiseError:
    # libxml2 stops an entity bomb itself, before any element exists to check the
    # DTD on; only declared entities can amplify or loop, so that is a DTD refusal too.
    if any(sign in str(err) for sign in ("amplification", "entity reference loop")):
        return _dtd_error(where)
    return TierwiseError(f"{where} is not well-formed XML ({err}); the file is damaged")


def parse(data: bytes, where: str = "an XML part") -> etree._Element:
    """Parse one whole part and return its root element, or raise TierwiseError."""
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as err:
        raise _syntax_error(err, where) from None
    if root is None:
        raise TierwiseError(f"{where} is empty; the file is damaged")
    _refuse_dtd(root, where)
    return root


def iterparse(
    source: IO[bytes],
    events: tuple[str, ...] = ("end",),
    tag: Any = None,
    where: str = "an XML part",
) -> Iterator[tuple[str, etree._Element]]:
    """Stream a part with the same hardening as `parse` (for parts too big for a DOM).

    A part that declares a DTD is refused before any element of it reaches the caller
    (a "comment" or "pi" event may come first: neither can hold an entity).
    """
    opts = {k: v for k, v in _OPTIONS.items() if k != "dtd_validation"}
    stream = etree.iterparse(source, events=events, tag=tag, **opts)
    checked = False
    try:
        for event, item in stream:
            # By the first element event the prolog, DTD included, is parsed, whatever
            # events or tag the caller asked for. Not so for a comment or PI event,
            # which can come before the DOCTYPE, nor "start-ns" (whose item is a tuple).
            if not checked and isinstance(item, etree._Element) and isinstance(item.tag, str):
                _refuse_dtd(item, where)
                checked = True
            yield event, item
    except etree.XMLSyntaxError as err:
        raise _syntax_error(err, where) from None
    if not checked and stream.root is not None:
        # No element event at all (nothing matched `tag`): still refuse a DTD.
        _refuse_dtd(stream.root, where)
