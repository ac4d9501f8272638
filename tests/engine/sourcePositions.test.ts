import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { lineOf, ROOT, runCli, tempProject } from "../cli/run";

/**
 * Findings point at the user's code: a resource a component creates is located where the user constructed the
 * component, whether the component is this library's (in `dist/`, or `node_modules` once installed) or another
 * package's; a resource created in a callback (`forEach`, `.then`, `apply`) at the callback's line.
 */
describe("source positions: the nearest line of the user's code", function () {
    this.timeout(600_000);
    let dir: string;
    let index: string;
    let tiers: string;
    let text: string;
    let sarif: {
        runs: {
            results: {
                ruleId: string;
                properties: { resourceName: string };
                locations: {
                    physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } };
                }[];
            }[];
        }[];
    };

    before(async () => {
        // Another team's component library, installed: it creates its group once an Output resolves.
        dir = tempProject("positions", {
            "Pulumi.yaml": "name: positions\nruntime: nodejs\n",
            "node_modules/@acme/network/package.json":
                '{"name":"@acme/network","version":"1.0.0","main":"index.js"}',
            "node_modules/@acme/network/index.js": [
                'const pulumi = require("@pulumi/pulumi");',
                'const alicloud = require("@pulumi/alicloud");',
                "class NetworkZone extends pulumi.ComponentResource {",
                "    constructor(name, args, opts) {",
                '        super("acme:network:NetworkZone", name, {}, opts);',
                "        pulumi.output(args.vpcId).apply((vpcId) => {",
                '            new alicloud.ecs.SecurityGroup(`${name}-sg`, { vpcId, description: "Zone" }, { parent: this });',
                "        });",
                "        this.registerOutputs({});",
                "    }",
                "}",
                "module.exports = { NetworkZone };",
                "",
            ].join("\n"),
            "tiers.ts": [
                'import { RedisGroupFromSource, type WebTierGroup } from "alicloud-secure-groups";',
                "",
                "export function cacheTier(name: string, web: WebTierGroup): RedisGroupFromSource {",
                '    return new RedisGroupFromSource(name, { vpcId: "vpc-bp1positions", tags: { owner: "team-cache" }, sources: [web] });',
                "}",
                "",
            ].join("\n"),
            "index.ts": [
                'import * as pulumi from "@pulumi/pulumi";',
                'import * as alicloud from "@pulumi/alicloud";',
                'import { WebTierGroup } from "alicloud-secure-groups";',
                "// eslint-disable-next-line @typescript-eslint/no-require-imports",
                'const { NetworkZone } = require("@acme/network");',
                'import { cacheTier } from "./tiers";',
                "",
                'const vpcId = "vpc-bp1positions";',
                'const tags = { owner: "team-web" };',
                'const web = new WebTierGroup("web", { vpcId, tags, publicPorts: [443, 8443] });',
                '["a", "b"].forEach((zone) => {',
                '    new alicloud.vpc.Switch(`vsw-${zone}`, { vpcId, cidrBlock: "10.0.1.0/24", zoneId: `cn-hangzhou-${zone}` });',
                "});",
                "alicloud.getZones({}).then(() => {",
                '    new WebTierGroup("late", { vpcId, tags });',
                "});",
                'pulumi.output("admin").apply((tier) => new WebTierGroup(tier, { vpcId, tags }));',
                'cacheTier("cache", web);',
                'new NetworkZone("zone", { vpcId });',
                "",
            ].join("\n"),
        });
        index = path.join(dir, "index.ts");
        tiers = path.join(dir, "tiers.ts");
        const [asText, asSarif] = await Promise.all([
            runCli(["preview", dir]),
            runCli(["preview", dir, "--format", "sarif"]),
        ]);
        assert.strictEqual(asText.code, 1, asText.stderr);
        assert.strictEqual(asSarif.code, 1, asSarif.stderr);
        text = asText.stdout;
        sarif = JSON.parse(asSarif.stdout);
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** `name  source` of each row of the text tree. */
    function sources(): Map<string, string> {
        const rows = new Map<string, string>();
        for (const line of text.split("\n")) {
            const match = /^\s*\+\s+\S.*?:\S+\s+(\S+)\s+create\s+(\S+)$/.exec(line);
            if (match) {
                rows.set(
                    `${line.includes("SecurityGroupRule") ? "rule" : line.includes("/securityGroup:") ? "group" : "other"} ${match[1]}`,
                    match[2],
                );
            }
        }
        return rows;
    }

    it("places a library component's resources at the line that constructed it, in the text tree", () => {
        const rows = sources();
        const at = (file: string, needle: string) => `${path.basename(file)}:${lineOf(file, needle)}`;
        const expected: Record<string, string> = {
            "other web": at(index, 'new WebTierGroup("web"'),
            "group web": at(index, 'new WebTierGroup("web"'),
            "rule web-allow-https-from-internet": at(index, 'new WebTierGroup("web"'),
            "rule web-allow-tcp-8443-from-internet": at(index, 'new WebTierGroup("web"'),
            "rule web-drop-baseline": at(index, 'new WebTierGroup("web"'),
            // forEach, .then and apply callbacks: the callback's own line.
            "other vsw-a": at(index, "new alicloud.vpc.Switch"),
            "other vsw-b": at(index, "new alicloud.vpc.Switch"),
            "group late": at(index, 'new WebTierGroup("late"'),
            "rule late-drop-baseline": at(index, 'new WebTierGroup("late"'),
            "group admin": at(index, "new WebTierGroup(tier"),
            // A helper of the user's in another file: the helper's line, the nearest of the user's frames.
            "group cache": at(tiers, "new RedisGroupFromSource"),
            "rule cache-allow-redis-from-web": at(tiers, "new RedisGroupFromSource"),
            // Created by another package in an asynchronous callback: no frame of the user's code on its stack,
            // so where its parent component was constructed.
            "other zone": at(index, 'new NetworkZone("zone"'),
            "group zone-sg": at(index, 'new NetworkZone("zone"'),
        };
        for (const [row, source] of Object.entries(expected)) {
            assert.strictEqual(rows.get(row), source, `${row}\n${text}`);
        }
        assert.ok(
            ![...rows.values()].some((source) => source.includes("node_modules") || source.includes("dist/")),
            text,
        );
    });

    it("locates SARIF results there too, never in node_modules or this package", () => {
        const results = sarif.runs[0].results;
        const located = results.map(
            (result) =>
                `${result.ruleId.split("/").pop()} ${result.properties.resourceName} ` +
                `${result.locations[0]?.physicalLocation?.artifactLocation.uri}:${result.locations[0]?.physicalLocation?.region.startLine}`,
        );
        const base = path.relative(ROOT, dir).split(path.sep).join("/");
        assert.ok(
            located.includes(
                `disallow-broad-intranet-cidr web-allow-tcp-8443-from-internet ${base}/index.ts:${lineOf(index, 'new WebTierGroup("web"')}`,
            ),
            located.join("\n"),
        );
        assert.ok(
            located.includes(
                `missing-security-group-tags zone-sg ${base}/index.ts:${lineOf(index, 'new NetworkZone("zone"')}`,
            ),
            located.join("\n"),
        );
        for (const line of located) {
            assert.ok(line.includes(`${base}/index.ts:`) || line.includes(`${base}/tiers.ts:`), line);
        }
    });
});
