import * as assert from "node:assert/strict";

/** A strict reader of the Mermaid subset the renderer writes: any other line is an error. */
export function parseMermaid(text: string) {
    const lines = text.trimEnd().split("\n");
    assert.equal(lines[0], "flowchart LR");
    const nodes = new Map<string, { shape: string; lines: string[] }>();
    const links: { from: string; to: string; thick: boolean; lines: string[] }[] = [];
    const styled = new Map<number, string>();
    const classes = new Map<string, string>();
    const label = (raw: string): string[] => {
        assert.doesNotMatch(raw, /"/, `unescaped quote in ${raw}`);
        return raw.split("<br/>").map((part) =>
            part
                .replace(/#quot;/g, '"')
                .replace(/#lt;/g, "<")
                .replace(/#gt;/g, ">")
                .replace(/#amp;/g, "&"),
        );
    };
    for (const line of lines.slice(1)) {
        let m: RegExpMatchArray | null;
        if ((m = line.match(/^ {4}(n\d+)(\(\(|\[|\(\[)"([^"]*)"(\)\)|\]|\]\))$/))) {
            assert.ok(!nodes.has(m[1]), `node ${m[1]} declared twice`);
            nodes.set(m[1], { shape: m[2], lines: label(m[3]) });
        } else if ((m = line.match(/^ {4}(n\d+) (-->|==>)\|"([^"]*)"\| (n\d+)$/))) {
            links.push({ from: m[1], to: m[4], thick: m[2] === "==>", lines: label(m[3]) });
        } else if ((m = line.match(/^ {4}linkStyle (\d+) stroke:(#[0-9a-f]{6}),stroke-width:3px$/))) {
            styled.set(Number(m[1]), m[2]);
        } else if (
            (m = line.match(/^ {4}classDef (\w+) fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6}(,stroke-width:2px)?$/))
        ) {
            continue;
        } else if ((m = line.match(/^ {4}class ((?:n\d+,)*n\d+) (\w+)$/))) {
            m[1].split(",").forEach((id) => classes.set(id, m?.[2] as string));
        } else {
            assert.fail(`not Mermaid this renderer writes: ${JSON.stringify(line)}`);
        }
    }
    for (const link of links) {
        assert.ok(
            nodes.has(link.from) && nodes.has(link.to),
            `link to an undeclared node: ${JSON.stringify(link)}`,
        );
    }
    for (const index of styled.keys()) {
        assert.ok(index < links.length, `linkStyle ${index} names no link`);
    }
    return { nodes, links, styled, classes };
}
