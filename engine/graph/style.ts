import type { GraphModel, GraphNode } from "./model";

/**
 * What Mermaid and DOT draw alike: one arrow per pair of nodes (an edge per protocol in the model), labelled
 * one protocol per line, and how much it should stand out.
 */

/** How an arrow stands out: Internet-facing ones do; Internet-facing ones reaching a risky port most. */
type Emphasis = "normal" | "internet" | "risky";

export interface Arrow {
    readonly from: string;
    readonly to: string;
    /** One line per protocol: `tcp 80/80, 443/443`, with the risky ports it reaches named. */
    readonly lines: readonly string[];
    readonly emphasis: Emphasis;
}

export function arrows(graph: GraphModel): Arrow[] {
    const byPair = new Map<string, { from: string; to: string; lines: string[]; emphasis: Emphasis }>();
    graph.edges.forEach((edge, index) => {
        const key = JSON.stringify([edge.from, edge.to]);
        const arrow = byPair.get(key) ?? { from: edge.from, to: edge.to, lines: [], emphasis: "normal" };
        // A risky port only matters here when the open Internet reaches it; inside the VPC it is the point.
        const risky = graph.riskyPorts[index];
        const ports = edge.protocol === "all" ? "all ports" : `${edge.protocol} ${edge.ports.join(", ")}`;
        const protocol = edge.protocol === "all" ? "all protocols, " : "";
        arrow.lines.push(`${protocol}${ports}${risky.length > 0 ? ` (risky: ${risky.join(", ")})` : ""}`);
        if (graph.openInternet[index]) {
            arrow.emphasis = risky.length > 0 || arrow.emphasis === "risky" ? "risky" : "internet";
        }
        byPair.set(key, arrow);
    });
    return [...byPair.values()];
}

/** A node's lines: its label, then the members of a group, then the whitelists that admit them. */
export function nodeLines(node: GraphNode): string[] {
    return [
        node.label,
        ...(node.instances.length > 0 ? [node.instances.join(", ")] : []),
        ...(node.admittedBy && node.admittedBy.length > 0
            ? [`admitted by ${node.admittedBy.join(", ")}`]
            : []),
    ];
}

export const COLORS = {
    groupFill: "#e8f0fe",
    groupLine: "#3367d6",
    peerFill: "#f1f3f4",
    peerLine: "#5f6368",
    internetFill: "#fde7e4",
    internetLine: "#c5221f",
    internetEdge: "#e8710a",
    riskyEdge: "#c5221f",
    normalEdge: "#5f6368",
} as const;
