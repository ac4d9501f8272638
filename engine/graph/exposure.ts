import { type BroadnessLimits, isPrivateCidr, minimumPrefix, parseCidr } from "../../core/cidr";
import { atMost } from "../../core/exposure";
import { type GraphEdge, type GraphModel, type GraphNode, UNKNOWN_GROUP_NODE_ID } from "./model";

export interface ExposureOptions {
    /** Wraps risky text for a terminal; identity without colour. */
    readonly risky?: (text: string) => string;
    /** Why a group's picture may be incomplete; by default a preview's reasons. */
    readonly incompleteBecause?: string;
}

/** The section's first line: what it covers, in the words (and thresholds) the policy pack judges by. */
function exposureHeading(limits: BroadnessLimits = {}): string {
    return (
        `Exposure (after priority resolution; the open Internet is any address, or a public block broader than ` +
        `/${minimumPrefix("ipv4", limits)} (IPv4) or /${minimumPrefix("ipv6", limits)} (IPv6)):`
    );
}

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

/** `web (web-1, ACK node pool pool-a; admitted by Redis instance cache)`; `sg-1 (outside this stack) (vm-1)`. */
function groupTitle(node: GraphNode): string {
    const label =
        node.kind === "external-group" && node.id !== UNKNOWN_GROUP_NODE_ID
            ? `${node.label} (outside this stack)`
            : node.label;
    const parts = [
        ...(node.instances.length > 0 ? [node.instances.join(", ")] : []),
        ...(node.admittedBy && node.admittedBy.length > 0
            ? [`admitted by ${node.admittedBy.join(", ")}`]
            : []),
    ];
    return parts.length > 0 ? `${label} (${parts.join("; ")})` : label;
}

/** A public block narrow enough not to be the open Internet (an office's /32): shown, but on its own line. */
function isNarrowPublicSource(node: GraphNode | undefined): boolean {
    if (!node || node.kind !== "cidr") {
        return false;
    }
    const cidr = parseCidr(node.label);
    return cidr !== undefined && !isPrivateCidr(cidr);
}

/**
 * The text report's "exposure" section: for each group, what the open Internet (any address, a broad public
 * block, touching blocks broader than one, or any tenant on a classic group's intranet) effectively reaches,
 * and through which peers; what unseen groups or rules not known yet could still close of it; the risky ports
 * that may be open though no known rule opens them ("can't tell yet"); then on a line of its own what narrower
 * public blocks reach. It reads the graph, which judges as `disallow-public-risky-ports` does.
 */
export function exposureLines(graph: GraphModel, options: ExposureOptions = {}): string[] {
    const risky = options.risky ?? ((text: string) => text);
    const nodesById = new Map(graph.nodes.map((node) => [node.id, node]));
    const lines = [exposureHeading(graph.limits)];
    const groups = graph.nodes.filter((node) => judged(node, graph));
    if (groups.length === 0) {
        lines.push("    (no security group)");
    }
    const names = groups.map(groupTitle);
    const width = Math.max(0, ...names.map((name) => name.length));
    const describe = (edge: GraphEdge, warning = ""): string => {
        const what =
            edge.protocol === "all" ? "all protocols and ports" : `${edge.protocol} ${edge.ports.join(", ")}`;
        return `${what} from ${nodesById.get(edge.from)?.label}${warning}`;
    };
    groups.forEach((node, position) => {
        const open: string[] = [];
        const narrow: string[] = [];
        graph.edges.forEach((edge, index) => {
            if (edge.to !== node.id) {
                return;
            }
            if (graph.openInternet[index]) {
                const ports = graph.riskyPorts[index];
                open.push(describe(edge, ports.length > 0 ? risky(` (risky: ${ports.join(", ")})`) : ""));
            } else if (isNarrowPublicSource(nodesById.get(edge.from))) {
                // Not the open Internet here, so no risky mark: the policy pack judges these blocks acceptable.
                narrow.push(describe(edge));
            }
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
            notes.push(
                `incomplete: ${options.incompleteBecause ?? "some rules or groups are unknown in preview or outside the stack"}`,
            );
        }
        const reached =
            open.length > 0
                ? open.join("; ")
                : narrow.length > 0
                  ? "nothing from the open Internet"
                  : "nothing";
        lines.push(
            `    ${names[position].padEnd(width)}  ${reached}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`,
        );
        if (narrow.length > 0) {
            lines.push(`    ${"".padEnd(width)}  narrower public sources: ${narrow.join("; ")}`);
        }
    });
    return lines;
}
