"""Reading back the DOT that draw_graph writes (graphviz's one-statement-per-line layout)."""

import re

ATTRIBUTE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s\]]+)')
NODE = re.compile(r"^\s*(\w+) \[(.*)\]$")
EDGE = re.compile(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$")
SUBGRAPH = re.compile(r"^\s*subgraph (\w+) \{$")
GRAPH_ATTRIBUTES = re.compile(r"^\s*graph \[(.*)\]$")


def attributes(text):
    parsed = {}
    for key, value in ATTRIBUTE.findall(text or ""):
        parsed[key] = value[1:-1] if value.startswith('"') else value
    return parsed


class Dot:
    """nodes: {id: attributes}; edges: [(tail, head, attributes)];
    clusters: {name: {"label": title, "parent": parent cluster or None, "nodes": [ids]}}."""

    def __init__(self, source):
        self.nodes, self.edges, self.clusters = {}, [], {}
        self.graph = {}
        stack = []
        for line in source.splitlines()[1:]:
            if match := SUBGRAPH.match(line):
                self.clusters[match[1]] = {"label": None, "parent": stack[-1] if stack else None, "nodes": []}
                stack.append(match[1])
            elif line.strip() == "}":
                if stack:
                    stack.pop()
            elif match := GRAPH_ATTRIBUTES.match(line):
                target = self.clusters[stack[-1]] if stack else self.graph
                target.update(attributes(match[1]))
            elif match := EDGE.match(line):
                self.edges.append((match[1], match[2], attributes(match[3])))
            elif (match := NODE.match(line)) and match[1] not in ("node", "edge", "graph"):
                self.nodes[match[1]] = attributes(match[2])
                if stack:
                    self.clusters[stack[-1]]["nodes"].append(match[1])

    def label(self, node_id):
        return self.nodes[node_id].get("label", "")

    def find(self, text):
        """The ids of the nodes whose label contains ``text``."""
        return [node_id for node_id, attrs in self.nodes.items() if text in attrs.get("label", "")]

    def cluster_titled(self, title):
        matches = [name for name, cluster in self.clusters.items() if cluster["label"] == title]
        assert len(matches) == 1, f"expected one cluster titled {title!r}, got {matches} in {self.clusters}"
        return matches[0]
