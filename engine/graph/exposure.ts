import type { GraphModel } from "./model";

export interface ExposureOptions {
    /** Wraps risky text for a terminal; identity without colour. */
    readonly risky?: (text: string) => string;
    /** Why a group's picture may be incomplete; by default a preview's reasons. */
    readonly incompleteBecause?: string;
}

/**
 * The text report's "exposure" section: for each group, what the open Internet (any address, or a broad public
 * block) can effectively reach, and through which peers.
 */
export function exposureLines(graph: GraphModel, options: ExposureOptions = {}): string[] {
    const risky = options.risky ?? ((text: string) => text);
    const labels = new Map(graph.nodes.map((node) => [node.id, node.label]));
    const lines = ["Exposure (what the Internet can reach, after priority resolution):"];
    const groups = graph.nodes.filter((node) => node.kind === "group");
    if (groups.length === 0) {
        lines.push("    (no security group)");
    }
    const names = groups.map((node) =>
        node.instances.length > 0 ? `${node.label} (${node.instances.join(", ")})` : node.label,
    );
    const width = Math.max(0, ...names.map((name) => name.length));
    groups.forEach((node, position) => {
        const reached: string[] = [];
        graph.edges.forEach((edge, index) => {
            if (edge.to !== node.id || !graph.internetFacing.has(edge.from)) {
                return;
            }
            const what =
                edge.protocol === "all"
                    ? "all protocols and ports"
                    : `${edge.protocol} ${edge.ports.join(", ")}`;
            const ports = graph.riskyPorts[index];
            const warning = ports.length > 0 ? risky(` (risky: ${ports.join(", ")})`) : "";
            reached.push(`${what} from ${labels.get(edge.from)}${warning}`);
        });
        const caveat = graph.incomplete.has(node.id)
            ? ` (incomplete: ${options.incompleteBecause ?? "some rules or groups are unknown in preview or outside the stack"})`
            : "";
        lines.push(
            `    ${names[position].padEnd(width)}  ${reached.length > 0 ? reached.join("; ") : "nothing"}${caveat}`,
        );
    });
    return lines;
}
