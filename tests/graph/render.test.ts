import * as assert from "node:assert/strict";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { renderDot, renderMermaid, renderSvg, type GraphModel } from "../../engine/graph";
import { layoutJson } from "../../engine/graph/svg";
import { COLORS } from "../../engine/graph/style";
import { graphOf, group, instance, rule } from "./fixtures";
import { parseMermaid } from "./mermaidReader";

/** Names a renderer could trip on: quotes, backslashes, Mermaid and HTML syntax, a non-ASCII letter. */
function trickyGraph(): GraphModel {
    return graphOf([
        group('we"b\\tier'),
        group("cache <redis> & co|x"),
        group("bastión"),
        rule("http", 'we"b\\tier', { ports: "80/80" }),
        rule("ssh", 'we"b\\tier', { ports: "22/22", from: "1.0.0.0/8" }),
        rule("redis", "cache <redis> & co|x", { ports: "6379/6379", fromGroup: 'we"b\\tier' }),
        rule("admin", "cache <redis> & co|x", { ports: "22/22", fromGroup: "bastión" }),
        rule("office", "bastión", { ports: "22/22", from: "203.0.113.7/32" }),
        instance('web-"1"', ['we"b\\tier']),
        instance("redis-1", ["cache <redis> & co|x"]),
    ]);
}

/** One drawn arrow per pair of nodes, as `from -> to`, from the model. */
function modelPairs(graph: GraphModel): string[] {
    return [...new Set(graph.edges.map((edge) => `${edge.from} -> ${edge.to}`))].sort();
}

function modelLabels(graph: GraphModel): Map<string, string[]> {
    return new Map(
        graph.nodes.map((node) => [
            node.id,
            node.instances.length > 0 ? [node.label, node.instances.join(", ")] : [node.label],
        ]),
    );
}

interface GraphvizJson {
    objects?: { _gvid: number; name: string; label?: string }[];
    edges?: { tail: number; head: number; label?: string; color?: string }[];
}

describe("graph renderers", () => {
    const graph = trickyGraph();

    it("the fixture has what the renderers must get right", () => {
        assert.deepEqual(modelPairs(graph), [
            "bastión -> cache <redis> & co|x",
            'cidr:1.0.0.0/8 -> we"b\\tier',
            "cidr:203.0.113.7/32 -> bastión",
            'internet -> we"b\\tier',
            'we"b\\tier -> cache <redis> & co|x',
        ]);
    });

    it("Mermaid parses back to the same nodes, labels and arrows, Internet-facing ones emphasised", () => {
        const parsed = parseMermaid(renderMermaid(graph));
        const idOf = new Map(graph.nodes.map((node, index) => [`n${index}`, node.id]));
        const labels = modelLabels(graph);
        assert.deepEqual(
            [...parsed.nodes].map(([id, node]) => [idOf.get(id), node.lines]),
            graph.nodes.map((node) => [node.id, labels.get(node.id)]),
        );
        assert.deepEqual(
            parsed.links.map((link) => `${idOf.get(link.from)} -> ${idOf.get(link.to)}`).sort(),
            modelPairs(graph),
        );
        parsed.links.forEach((link, index) => {
            const facing = graph.internetFacing.has(idOf.get(link.from) as string);
            assert.equal(link.thick, facing, `link ${index}`);
            assert.equal(parsed.styled.has(index), facing, `link ${index}`);
        });
        const ssh = parsed.links.find((link) => idOf.get(link.from) === "cidr:1.0.0.0/8");
        assert.deepEqual(ssh?.lines, ["tcp 22/22 (risky: 22)"]);
        assert.equal(
            parsed.styled.get(parsed.links.indexOf(ssh as (typeof parsed.links)[number])),
            COLORS.riskyEdge,
        );
        assert.equal(parsed.classes.get("n0"), "internet");
    });

    it("DOT round-trips through Graphviz: the same nodes, labels and arrows", async () => {
        const layout = (await layoutJson(
            renderDot(graph, { title: 'proj "x" (stack dev)' }),
        )) as GraphvizJson;
        const objects = layout.objects ?? [];
        const labels = modelLabels(graph);
        const idOf = new Map(graph.nodes.map((node, index) => [`n${index}`, node.id]));
        assert.deepEqual(
            objects.map((object) => idOf.get(object.name)),
            graph.nodes.map((node) => node.id),
        );
        for (const object of objects) {
            // Graphviz keeps a label in escString form: a backslash doubled, `\n` between lines.
            const lines = labels.get(idOf.get(object.name) as string) as string[];
            assert.equal(
                object.label,
                lines.map((line) => line.replace(/\\/g, "\\\\")).join("\\n"),
                object.name,
            );
        }
        const name = (gvid: number) =>
            idOf.get(objects.find((object) => object._gvid === gvid)?.name as string);
        assert.deepEqual(
            (layout.edges ?? []).map((edge) => `${name(edge.tail)} -> ${name(edge.head)}`).sort(),
            modelPairs(graph),
        );
        const risky = (layout.edges ?? []).find((edge) => name(edge.tail) === "cidr:1.0.0.0/8");
        assert.equal(risky?.color, COLORS.riskyEdge);
        assert.equal(risky?.label, "tcp 22/22 (risky: 22)");
    });

    it("SVG is well-formed XML naming every group and member", async () => {
        const svg = await renderSvg(renderDot(graph, { title: "tricky (stack dev)" }));
        assert.equal(XMLValidator.validate(svg), true);
        const texts: string[] = [];
        const walk = (value: unknown, key?: string): void => {
            if (Array.isArray(value)) {
                value.forEach((item) => walk(item, key));
            } else if (value !== null && typeof value === "object") {
                Object.entries(value).forEach(([k, v]) => walk(v, k));
            } else if (key === "text" || key === "#text") {
                texts.push(String(value));
            }
        };
        walk(new XMLParser({ ignoreAttributes: true, htmlEntities: true, processEntities: true }).parse(svg));
        for (const node of graph.nodes.filter((n) => n.kind === "group")) {
            assert.ok(
                texts.includes(node.label),
                `no text element names ${node.label}: ${JSON.stringify(texts)}`,
            );
            if (node.instances.length > 0) {
                assert.ok(texts.includes(node.instances.join(", ")), `members of ${node.label}`);
            }
        }
        assert.ok(texts.includes("Internet"));
    });
});
