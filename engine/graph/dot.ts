import type { GraphModel } from "./model";
import { arrows, COLORS, nodeLines } from "./style";
import { escapeControlCharacters } from "../controlChars";

/**
 * A DOT quoted string: control characters written as visible escapes (Graphviz would copy them into the SVG,
 * where XML forbids them), backslash and quote escaped, lines joined with DOT's centred line break.
 */
function quote(lines: string | readonly string[]): string {
    const list = typeof lines === "string" ? [lines] : lines;
    const escaped = list.map((line) =>
        escapeControlCharacters(line).replace(/\\/g, "\\\\").replace(/"/g, '\\"'),
    );
    return `"${escaped.join("\\n")}"`;
}

export interface DotOptions {
    /** The graph's caption, e.g. `web-redis (stack dev)`. */
    readonly title?: string;
}

/**
 * A Graphviz digraph. Node ids are positional (`n0`…, in the model's node order): DOT keeps backslashes in
 * quoted ids literally, so arbitrary names are only safe in labels, where they are escaped.
 */
export function renderDot(graph: GraphModel, options: DotOptions = {}): string {
    const ids = new Map(graph.nodes.map((node, index) => [node.id, `n${index}`]));
    const lines = ["digraph alicloud_sg {"];
    lines.push("    rankdir=LR;");
    lines.push('    fontname="Helvetica";');
    if (options.title) {
        lines.push(`    label=${quote(`${options.title}: effective ingress after priority resolution`)};`);
        lines.push("    labelloc=t;");
    }
    lines.push('    node [fontname="Helvetica", fontsize=11, style="rounded,filled"];');
    lines.push('    edge [fontname="Helvetica", fontsize=10];');
    for (const node of graph.nodes) {
        const facing = graph.internetFacing.has(node.id);
        const attributes =
            node.kind === "group"
                ? `shape=box, fillcolor="${COLORS.groupFill}", color="${COLORS.groupLine}"`
                : facing
                  ? `shape=ellipse, fillcolor="${COLORS.internetFill}", color="${COLORS.internetLine}", penwidth=2`
                  : `shape=ellipse, fillcolor="${COLORS.peerFill}", color="${COLORS.peerLine}"`;
        lines.push(`    ${ids.get(node.id)} [label=${quote(nodeLines(node))}, ${attributes}];`);
    }
    for (const arrow of arrows(graph)) {
        const style =
            arrow.emphasis === "risky"
                ? `color="${COLORS.riskyEdge}", fontcolor="${COLORS.riskyEdge}", penwidth=3`
                : arrow.emphasis === "internet"
                  ? `color="${COLORS.internetEdge}", fontcolor="${COLORS.internetEdge}", penwidth=2`
                  : `color="${COLORS.normalEdge}"`;
        lines.push(
            `    ${ids.get(arrow.from)} -> ${ids.get(arrow.to)} [label=${quote(arrow.lines)}, ${style}];`,
        );
    }
    lines.push("}");
    return lines.join("\n") + "\n";
}

/** A refused run as a Graphviz document: an empty graph whose caption says why. */
export function renderDotError(message: string): string {
    return `digraph alicloud_sg {\n    labelloc=t;\n    label=${quote(message)};\n}\n`;
}
