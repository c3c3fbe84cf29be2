"""The calculated cost of a GraphQL Admin query, by the rules Shopify documents
(https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits#cost-calculation): a scalar or
enum costs 0, an object 1, a connection (a field sized by ``first``/``last``) 2 plus that many times
its node, a mutation 10; an interface's or union's inline fragments cost the dearest of them.

``requested`` is what the query could cost before it runs (the bucket must hold that much);
``actual`` counts what came back, as Shopify refunds the difference. The client paces with the
first; the emulator charges both, so the two read one rulebook.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    value_from_ast_untyped,
)
from graphql.language import OperationType

MUTATION = 10
#: Shopify refuses a query whose requested cost is above this (``MAX_COST_EXCEEDED``).
MAX_QUERY_COST = 1000


def _size(field: FieldNode, variables: dict[str, Any]) -> int | None:
    for arg in field.arguments or ():
        if arg.name.value in ("first", "last"):
            value = value_from_ast_untyped(arg.value, variables)
            return int(value) if isinstance(value, int) else 0
    return None


@lru_cache(maxsize=64)
def parsed(document: str) -> Any:
    """A document's AST: the connector sends a handful of documents over and over."""
    return parse(document)


class _Walk:
    def __init__(self, document: str, variables: dict[str, Any] | None) -> None:
        doc = parsed(document)
        self.variables = variables or {}
        self.fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
        ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
        if len(ops) != 1:
            raise ValueError("one operation per document")
        self.operation = ops[0]

    def selections(self, sel: SelectionSetNode | None, data: Any, actual: bool) -> int:
        if sel is None:
            return 0
        direct, alternatives = 0, [0]
        for s in sel.selections:
            if isinstance(s, FieldNode):
                key = s.alias.value if s.alias else s.name.value
                child = data.get(key) if actual and isinstance(data, dict) else None
                direct += self.field(s, child, actual)
            elif isinstance(s, InlineFragmentNode):
                alternatives.append(self.selections(s.selection_set, data, actual))
            elif isinstance(s, FragmentSpreadNode):
                frag = self.fragments[s.name.value]
                alternatives.append(self.selections(frag.selection_set, data, actual))
        return direct + max(alternatives)

    def node(self, sel: SelectionSetNode | None, data: Any, actual: bool) -> int:
        return 1 + self.selections(sel, data, actual)

    def field(self, f: FieldNode, data: Any, actual: bool) -> int:
        if f.selection_set is None:
            return 0
        if actual and data is None:
            return 0
        n = _size(f, self.variables)
        if n is None:
            if actual and isinstance(data, list):
                return sum(self.node(f.selection_set, d, actual) for d in data)
            return self.node(f.selection_set, data, actual)
        inner = {s.name.value: s for s in f.selection_set.selections if isinstance(s, FieldNode)}
        if "nodes" in inner or "edges" in inner:  # a connection: its nodes are what ``first`` multiplies
            if "nodes" in inner:
                node_sel = inner["nodes"].selection_set
                items = (data or {}).get("nodes") if actual else None
            else:
                edge = {s.name.value: s for s in inner["edges"].selection_set.selections  # type: ignore[union-attr]
                        if isinstance(s, FieldNode)}
                node_sel = edge["node"].selection_set if "node" in edge else None
                items = [e.get("node") for e in (data or {}).get("edges") or []] if actual else None
        else:  # a list sized by ``first`` (``Order.transactions``): each element is a node
            node_sel, items = f.selection_set, (data if actual else None)
        if actual:
            return 2 + sum(self.node(node_sel, d, actual) for d in items or [])
        return 2 + n * self.node(node_sel, None, actual)

    def total(self, data: Any, actual: bool) -> int:
        op = self.operation
        if op.operation is OperationType.MUTATION:
            return MUTATION * len(op.selection_set.selections)
        return self.selections(op.selection_set, data, actual)


def requested(document: str, variables: dict[str, Any] | None = None) -> int:
    """What ``document`` may cost before it runs."""
    return _Walk(document, variables).total(None, actual=False)


def actual(document: str, variables: dict[str, Any] | None, data: Any) -> int:
    """What ``document`` cost, given the ``data`` it returned."""
    return _Walk(document, variables).total(data, actual=True)
