import { isPrivateCidr, parseCidr } from "../../core/cidr";
import { MIN_IPV4_PREFIX, MIN_IPV6_PREFIX } from "../../core/limits";
import type { GraphEdge, GraphModel, GraphNode } from "./model";

export interface ExposureOptions {
    /** Wraps risky text for a terminal; identity without colour. */
    readonly risky?: (text: string) => string;
    /** Why a group's picture may be incomplete; by default a preview's reasons. */
    readonly incompleteBecause?: string;
}

/** The section's first line: what it covers, in the words the policy pack judges by. */
const EXPOSURE_HEADING =
    `Exposure (after priority resolution; the open Internet is any address, or a public block broader than ` +
    `/${MIN_IPV4_PREFIX} (IPv4) or /${MIN_IPV6_PREFIX} (IPv6)):`;

/** `web (web-1, ACK node pool pool-a; admitted by Redis instance cache)`. */
function groupTitle(node: GraphNode): string {
    const parts = [
        ...(node.instances.length > 0 ? [node.instances.join(", ")] : []),
        ...(node.admittedBy && node.admittedBy.length > 0
            ? [`admitted by ${node.admittedBy.join(", ")}`]
            : []),
    ];
    return parts.length > 0 ? `${node.label} (${parts.join("; ")})` : node.label;
}

/** A public block narrow enough not to be the open Internet (an office's /32): shown, but on its own line. */
function isNarrowPublicSource(node: GraphNode | undefined, graph: GraphModel): boolean {
    if (!node || node.kind !== "cidr" || graph.internetFacing.has(node.id)) {
        return false;
    }
    const cidr = parseCidr(node.label);
    return cidr !== undefined && !isPrivateCidr(cidr);
}

/**
 * The text report's "exposure" section: for each group, what the open Internet (any address, a broad public
 * block, or any tenant on a classic group's intranet) can effectively reach and through which peers, then on
 * a line of its own what narrower public blocks reach.
 */
export function exposureLines(graph: GraphModel, options: ExposureOptions = {}): string[] {
    const risky = options.risky ?? ((text: string) => text);
    const nodesById = new Map(graph.nodes.map((node) => [node.id, node]));
    const lines = [EXPOSURE_HEADING];
    const groups = graph.nodes.filter((node) => node.kind === "group");
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
            if (graph.internetFacing.has(edge.from)) {
                const ports = graph.riskyPorts[index];
                open.push(describe(edge, ports.length > 0 ? risky(` (risky: ${ports.join(", ")})`) : ""));
            } else if (isNarrowPublicSource(nodesById.get(edge.from), graph)) {
                // Not the open Internet, so no risky mark: the policy pack judges these blocks acceptable.
                narrow.push(describe(edge));
            }
        });
        const caveat = graph.incomplete.has(node.id)
            ? ` (incomplete: ${options.incompleteBecause ?? "some rules or groups are unknown in preview or outside the stack"})`
            : "";
        const reached =
            open.length > 0
                ? open.join("; ")
                : narrow.length > 0
                  ? "nothing from the open Internet"
                  : "nothing";
        lines.push(`    ${names[position].padEnd(width)}  ${reached}${caveat}`);
        if (narrow.length > 0) {
            lines.push(`    ${"".padEnd(width)}  narrower public sources: ${narrow.join("; ")}`);
        }
    });
    return lines;
}
