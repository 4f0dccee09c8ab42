"""trafilatura's attribute-only prune expressions, read once as Python tests of each element.

trafilatura prunes a tree with XPath expressions like ``.//*[self::div or self::p][@role='nav'
or re:test(@class, '...') ...]``. lxml answers every ``re:test`` by a call into Python for each
element, with the attribute values turned into Python strings on the way: the larger part of
trafilatura's precise pass on a page. :func:`python_prune` reads such an expression (its text,
from the compiled expression itself) into tests of one element's tag and attributes that give
the same elements in the same (document) order, and answers ``None`` for an expression it does
not know how to read, which then stays an XPath. The forms read are the ones trafilatura's
prunes use: ``@a``, ``@a='v'``, ``contains(S, 'v')``, ``contains(translate(S, 'AB', 'ab'), 'v')``,
``starts-with(S, 'v')`` and ``re:test(S, 'regex'[, 'i'])``, where ``S`` is an attribute or a
union of attributes (``@id|@class``: XPath takes the value of the one written first on the
element), joined by ``or``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml import etree

Attributes = dict[str, str]
Test = Callable[[Attributes], bool]
CACHED_ANSWERS = 4096  # answers kept per prune (attribute sets repeat across a site's pages)

_FIRST_OF_ALL_RE = re.compile(r"\((.*)\)\[1\]")
_EXPRESSION_RE = re.compile(r"\.//\*(?:\[((?:self::\w+ or )*self::\w+)\])?\[(.*?)\](\[1\])?")
_SPACE_RE = re.compile(r"\s+")
_SPACE_AROUND_RE = re.compile(r" ?([\[|,=(]) ?| ?([\])])")
_ATTRIBUTES = r"(@[\w-]+(?:\|@[\w-]+)*)"
_LITERAL = r"'([^']*)'"
_EXISTS_RE = re.compile(r"@([\w-]+)")
_EQUALS_RE = re.compile(rf"@([\w-]+)={_LITERAL}")
_CONTAINS_RE = re.compile(rf"contains\({_ATTRIBUTES},{_LITERAL}\)")
_TRANSLATED_RE = re.compile(
    rf"contains\(translate\({_ATTRIBUTES},{_LITERAL},{_LITERAL}\),{_LITERAL}\)"
)
_STARTS_RE = re.compile(rf"starts-with\({_ATTRIBUTES},{_LITERAL}\)")
_NAME_RE = re.compile(r"@([\w-]+)")
_UNION_RE = re.compile(r"@[\w-]+(?:\|@[\w-]+)+")
_REGEX_RE = re.compile(rf"re:test\({_ATTRIBUTES},{_LITERAL}(?:,{_LITERAL})?\)")


def _normalized(path: str) -> str:
    """*path* with its white space outside string literals cut to what separates words."""
    parts = path.split("'")
    for index in range(0, len(parts), 2):  # the even parts are outside the quotes
        parts[index] = _SPACE_AROUND_RE.sub(r"\1\2", _SPACE_RE.sub(" ", parts[index]))
    return "'".join(parts).strip()


def _split_or(predicate: str) -> list[str] | None:
    """The clauses of *predicate* joined by a top-level ``or`` (``None`` if unbalanced)."""
    clauses, start, depth, quoted = [], 0, 0, False
    index = 0
    while index < len(predicate):
        char = predicate[index]
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "([":
            depth += 1
        elif not quoted and char in ")]":
            depth -= 1
        elif not quoted and depth == 0 and predicate.startswith(" or ", index):
            clauses.append(predicate[start:index].strip())
            start = index = index + 4
            continue
        index += 1
    if quoted or depth:
        return None
    clauses.append(predicate[start:].strip())
    return clauses


def _value_reader(attributes: str) -> Callable[[Attributes], str]:
    """The string value of ``@a`` or ``@a|@b`` in an element's attributes: '' when absent; of a
    union, the value of the attribute that comes first on the element (XPath's document order)."""
    names = tuple(name.lstrip("@") for name in attributes.split("|"))
    if len(names) == 1:
        name = names[0]
        return lambda attributes: attributes.get(name, "")
    wanted = frozenset(names)

    def first(attributes: Attributes) -> str:
        for name, value in attributes.items():  # in the element's order
            if name in wanted:
                return value
        return ""

    return first


def _translation(source: str, target: str) -> dict[int, int | None]:
    """XPath ``translate``'s mapping: characters of *source* beyond *target*'s length go."""
    table: dict[int, int | None] = {}
    for position, char in enumerate(source):
        table.setdefault(ord(char), ord(target[position]) if position < len(target) else None)
    return table


def _clause_test(clause: str) -> Test | None:  # noqa: PLR0911 - one return per form
    """One clause as a test of an element's attributes (``None`` for a form not read here)."""
    if match := _EXISTS_RE.fullmatch(clause):
        name = match[1]
        return lambda attributes: name in attributes
    if match := _EQUALS_RE.fullmatch(clause):
        name, literal = match[1], match[2]
        return lambda attributes: attributes.get(name) == literal
    if match := _CONTAINS_RE.fullmatch(clause):
        read, literal = _value_reader(match[1]), match[2]
        return lambda attributes: literal in read(attributes)
    if match := _TRANSLATED_RE.fullmatch(clause):
        read, table, literal = _value_reader(match[1]), _translation(match[2], match[3]), match[4]
        return lambda attributes: literal in read(attributes).translate(table)
    if match := _STARTS_RE.fullmatch(clause):
        read, literal = _value_reader(match[1]), match[2]
        return lambda attributes: read(attributes).startswith(literal)
    if match := _REGEX_RE.fullmatch(clause):
        flags = re.IGNORECASE if "i" in (match[3] or "") else 0
        read, search = _value_reader(match[1]), re.compile(match[2], flags).search
        return lambda attributes: search(read(attributes)) is not None
    return None


ORDER_MATTERS = object()  # an answer that depends on the order of the element's attributes


class PythonPrune:
    """An attribute-only prune expression as Python tests: called on a tree, the elements the
    expression selects, in document order.

    The tests read only the attributes the expression names, so their answer is kept for each
    set of those values; where a union (``@id|@class``) finds more than one of its attributes,
    the answer depends on their order on the element and is worked out for that element.
    """

    def __init__(
        self,
        source: etree.XPath,
        tags: tuple[str, ...],
        tests: list[Test],
        clauses: list[str],
        first: str = "",
    ) -> None:
        self.source = source
        self.tags = tags
        self.tests = tests
        # "" every match; "of-all" (``(…)[1]``) the first; "per-parent" (``…[1]``) the first
        # match among each element's children
        self.first = first
        self.names = tuple(dict.fromkeys(_NAME_RE.findall(" ".join(clauses))))
        self.unions = [
            [self.names.index(name) for name in _NAME_RE.findall(union)]
            for union in _UNION_RE.findall(" ".join(clauses))
        ]
        self.answers: dict[tuple[str | None, ...], object] = {}

    def __str__(self) -> str:  # trafilatura logs the expression that found the section
        return str(self.source)

    def _matches(self, attributes: Attributes) -> bool:
        return any(test(attributes) for test in self.tests)

    def _answer(self, values: tuple[str | None, ...]) -> object:
        """The answer for an element holding *values* of :attr:`names`."""
        for union in self.unions:
            if sum(values[index] is not None for index in union) > 1:
                return ORDER_MATTERS
        attributes = {
            name: value for name, value in zip(self.names, values, strict=True) if value is not None
        }
        return self._matches(attributes)

    def _matching(self, tree: etree._Element) -> Iterator[etree._Element]:
        """The elements the tests accept, in document order."""
        answers, names = self.answers, self.names
        for element in tree.iterdescendants(*self.tags):
            values = tuple(map(element.get, names))
            answer = answers.get(values)
            if answer is None:
                answer = answers[values] = self._answer(values)
            if answer is True or (answer is ORDER_MATTERS and self._matches(dict(element.items()))):
                yield element

    def __call__(self, tree: etree._Element) -> list[etree._Element]:
        if len(self.answers) > CACHED_ANSWERS:
            self.answers.clear()
        if self.first == "of-all":
            return next(([element] for element in self._matching(tree)), [])
        found = list(self._matching(tree))
        if self.first == "per-parent":
            firsts, parents = [], set()
            for element in found:
                parent = element.getparent()
                if parent not in parents:
                    parents.add(parent)
                    firsts.append(element)
            return firsts
        return found


def python_prune(xpath: etree.XPath) -> PythonPrune | None:
    """*xpath* (one of trafilatura's prunes) as Python tests; ``None`` for a form not read here."""
    path = _normalized(xpath.path)
    first = ""
    if match := _FIRST_OF_ALL_RE.fullmatch(path):
        path, first = match[1], "of-all"
    match = _EXPRESSION_RE.fullmatch(path)
    if match is None:
        return None
    if match[3]:
        if first:
            return None
        first = "per-parent"
    tags = tuple(step[len("self::") :] for step in match[1].split(" or ")) if match[1] else ()
    clauses = _split_or(match[2])
    if clauses is None:
        return None
    tests = [_clause_test(clause) for clause in clauses]
    if any(test is None for test in tests):
        return None
    return PythonPrune(xpath, tags or (etree.Element,), tests, clauses, first)  # type: ignore[arg-type]
