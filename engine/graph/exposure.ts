import { atMost } from "../../core/exposure";
import { type GraphModel, type GraphNode, UNKNOWN_GROUP_NODE_ID } from "./model";

/** A group outside the stack gets a line when the stack writes rules to it, joins it, or may be exposed there. */
function judged(node: GraphNode, graph: GraphModel): boolean {
    return (
        node.kind === "group" ||
        (node.kind === "external-group" &&
            (node.instances.length > 0 ||
                graph.uncertain.has(node.id) ||
                graph.edges.some((edge) => edge.to === node.id)))
    );
}

/**
 * The text report's "exposure" section: for each group, what the open Internet (any address, a broad public
 * block, or touching blocks broader than one) effectively reaches, and through which peers; what unseen groups
 * or rules not known yet could still close of it; and the risky ports that may be open though no known rule
 * opens them ("can't tell yet"). It reads the graph, which judges as `disallow-public-risky-ports` does.
 */
export function exposureLines(graph: GraphModel): string[] {
    const labels = new Map(graph.nodes.map((node) => [node.id, node.label]));
    const lines = ["Exposure (what the Internet can reach, after priority resolution):"];
    const groups = graph.nodes.filter((node) => judged(node, graph));
    if (groups.length === 0) {
        lines.push("    (no security group)");
    }
    const names = groups.map((node) => {
        const label =
            node.kind === "external-group" && node.id !== UNKNOWN_GROUP_NODE_ID
                ? `${node.label} (outside this stack)`
                : node.label;
        return node.instances.length > 0 ? `${label} (${node.instances.join(", ")})` : label;
    });
    const width = Math.max(0, ...names.map((name) => name.length));
    groups.forEach((node, position) => {
        const reached: string[] = [];
        graph.edges.forEach((edge, index) => {
            if (edge.to !== node.id || !graph.openInternet[index]) {
                return;
            }
            const what =
                edge.protocol === "all"
                    ? "all protocols and ports"
                    : `${edge.protocol} ${edge.ports.join(", ")}`;
            const ports = graph.riskyPorts[index];
            const warning = ports.length > 0 ? ` (risky: ${ports.join(", ")})` : "";
            reached.push(`${what} from ${labels.get(edge.from)}${warning}`);
        });
        const notes: string[] = [];
        const closers = graph.closers.get(node.id) ?? [];
        if (closers.length > 0) {
            notes.push(`unless ${atMost(closers).join(" or ")} drops it first`);
        }
        const refused = graph.refusedDrops.get(node.id) ?? [];
        if (refused.length > 0) {
            notes.push(
                refused.length === 1
                    ? `drop rule ${refused[0]} closes nothing: the API would reject it`
                    : `drop rules ${atMost(refused).join(", ")} close nothing: the API would reject them`,
            );
        }
        const uncertain = graph.uncertain.get(node.id) ?? [];
        for (const { ports, because } of uncertain) {
            notes.push(`can't tell yet: risky ${ports.join(", ")} (${because})`);
        }
        if (notes.length === 0 && graph.incomplete.has(node.id)) {
            notes.push("incomplete: some rules or groups are unknown in preview or outside the stack");
        }
        const text = reached.length > 0 ? reached.join("; ") : "nothing";
        lines.push(
            `    ${names[position].padEnd(width)}  ${text}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`,
        );
    });
    return lines;
}
