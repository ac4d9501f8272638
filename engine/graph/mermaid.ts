import type { GraphModel } from "./model";
import { arrows, COLORS, nodeLines } from "./style";
import { escapeControlCharacters } from "../controlChars";

/**
 * Mermaid keeps text in `"…"` labels literally except for `"` and entity syntax, which take entity codes; a
 * control character (a newline would end the statement) is written as a visible escape.
 */
function mermaidText(text: string): string {
    return escapeControlCharacters(text)
        .replace(/&/g, "#amp;")
        .replace(/"/g, "#quot;")
        .replace(/</g, "#lt;")
        .replace(/>/g, "#gt;");
}

/** A Mermaid flowchart (renders on GitHub): node ids are positional, labels carry the names. */
export function renderMermaid(graph: GraphModel): string {
    const ids = new Map(graph.nodes.map((node, index) => [node.id, `n${index}`]));
    const lines = ["flowchart LR"];
    for (const node of graph.nodes) {
        const label = nodeLines(node).map(mermaidText).join("<br/>");
        const id = ids.get(node.id) as string;
        lines.push(
            node.kind === "internet"
                ? `    ${id}(("${label}"))`
                : node.kind === "group"
                  ? `    ${id}["${label}"]`
                  : `    ${id}(["${label}"])`,
        );
    }
    const drawn = arrows(graph);
    drawn.forEach((arrow) => {
        const label = arrow.lines.map(mermaidText).join("<br/>");
        const line = arrow.emphasis === "normal" ? "-->" : "==>";
        lines.push(`    ${ids.get(arrow.from)} ${line}|"${label}"| ${ids.get(arrow.to)}`);
    });
    drawn.forEach((arrow, index) => {
        if (arrow.emphasis !== "normal") {
            const color = arrow.emphasis === "risky" ? COLORS.riskyEdge : COLORS.internetEdge;
            lines.push(`    linkStyle ${index} stroke:${color},stroke-width:3px`);
        }
    });
    lines.push(`    classDef group fill:${COLORS.groupFill},stroke:${COLORS.groupLine}`);
    lines.push(`    classDef peer fill:${COLORS.peerFill},stroke:${COLORS.peerLine}`);
    lines.push(
        `    classDef internet fill:${COLORS.internetFill},stroke:${COLORS.internetLine},stroke-width:2px`,
    );
    const classes: Record<string, string[]> = { group: [], peer: [], internet: [] };
    for (const node of graph.nodes) {
        const id = ids.get(node.id) as string;
        const kind = graph.internetFacing.has(node.id)
            ? "internet"
            : node.kind === "group"
              ? "group"
              : "peer";
        classes[kind].push(id);
    }
    for (const [kind, members] of Object.entries(classes)) {
        if (members.length > 0) {
            lines.push(`    class ${members.join(",")} ${kind}`);
        }
    }
    return lines.join("\n") + "\n";
}

/** A refused run as a Mermaid document: one node saying why, so a page built from `--out` shows the refusal. */
export function renderMermaidError(message: string): string {
    return `flowchart LR\n    error["${mermaidText(message)}"]\n`;
}
