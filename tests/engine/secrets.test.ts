import * as assert from "assert";
import { XMLValidator } from "fast-xml-parser";
import { escapeControlCharacters, escapeControlCharactersInLines } from "../../engine/controlChars";
import { renderDot } from "../../engine/graph/dot";
import { renderMermaid } from "../../engine/graph/mermaid";
import { renderSvg } from "../../engine/graph/svg";
import type { GraphModel } from "../../engine/graph/model";
import { GateOutput } from "../../engine/output";
import { SecretValues } from "../../engine/secrets";
import { PassThrough } from "stream";
import type { RecordedResource } from "../../engine/types";
import { recordedResource } from "./recorded";
import { OUTPUT_VALUE_SIG, SECRET_SIG, SIG_KEY } from "../../core/wire";

const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

function rule(inputs: Record<string, unknown>, additionalSecretOutputs: string[] = []): RecordedResource {
    const recorded = recordedResource({
        urn: "urn:pulumi:dev::shop::alicloud:ecs/securityGroupRule:SecurityGroupRule::allow-admin",
        type: "alicloud:ecs/securityGroupRule:SecurityGroupRule",
        name: "allow-admin",
        inputs,
        outputs: inputs,
    });
    return { ...recorded, options: { ...recorded.options, additionalSecretOutputs } };
}

describe("engine/secrets: what the gate recorded as secret never leaves it", () => {
    it("finds secrets in a resource's wire form, its output values and its additionalSecretOutputs", () => {
        const secrets = new SecretValues();
        secrets.addResource(
            rule(
                {
                    cidrIp: secret("10.99.0.0/8"),
                    sourceSecurityGroupId: {
                        [SIG_KEY]: OUTPUT_VALUE_SIG,
                        value: "sg-2ze0partner7gw",
                        secret: true,
                    },
                    description: { [SIG_KEY]: OUTPUT_VALUE_SIG, value: "not secret", secret: false },
                    tags: secret({ owner: "team-vault", costCenter: 4711 }),
                    sourceGroupOwnerAccount: "1234567890123456",
                    priority: secret(1),
                },
                ["sourceGroupOwnerAccount"],
            ),
        );
        const text =
            "Rule allow-admin admits 10.99.0.0/8 (the block 10.0.0.0/8) from sg-2ze0partner7gw of account " +
            "1234567890123456, owned by team-vault (cost center 4711) at priority 1; described as not secret.";
        assert.strictEqual(
            secrets.scrubText(text),
            "Rule allow-admin admits [secret] (the block [secret]) from [secret] of account [secret], owned by " +
                "[secret] (cost center [secret]) at priority [secret]; described as not secret.",
        );
    });

    it("scrubs the longer of two secrets first and does not rescan what it wrote", () => {
        const secrets = new SecretValues();
        for (const value of ["hunter2", "hunter2-prod", "secret", "cre"]) {
            secrets.addValue(value);
        }
        assert.strictEqual(
            secrets.scrubText(
                "passwords hunter2-prod and hunter2, a secret, secretly, and cre but not credit",
            ),
            "passwords [secret] and [secret], a [secret], [secret]ly, and [secret] but not credit",
        );
    });

    it("matches case-insensitively and inside words only for values of four characters or more", () => {
        const secrets = new SecretValues();
        secrets.addValue("Sg-Vault01");
        secrets.addValue("22");
        assert.strictEqual(
            secrets.scrubText("group SG-VAULT01 and xsg-vault01x on port 22/22, 2222 and index.ts:122"),
            "group [secret] and x[secret]x on port [secret]/[secret], 2222 and index.ts:122",
        );
        // Documents keep their structure: a short value is not scrubbed there.
        assert.strictEqual(secrets.scrubDocument("tcp 22/22 to sg-vault01"), "tcp 22/22 to [secret]");
    });

    it("keeps a JSON document valid and scrubs a secret in every string, JSON-escaped or quoted again", () => {
        const secrets = new SecretValues();
        secrets.addValue('p@ss"w\\ord-é');
        const message = `Instance app-1 boots with user data ${JSON.stringify('DB_PASSWORD=p@ss"w\\ord-é')}`;
        const document = JSON.stringify(
            { runs: [{ results: [{ message: { text: message } }], properties: { startLine: 22 } }] },
            null,
            2,
        );
        const scrubbed = secrets.scrubDocument(document);
        assert.deepStrictEqual(JSON.parse(scrubbed), {
            runs: [
                {
                    results: [
                        { message: { text: 'Instance app-1 boots with user data "DB_PASSWORD=[secret]"' } },
                    ],
                    properties: { startLine: 22 },
                },
            ],
        });
        assert.ok(!scrubbed.includes("p@ss"), scrubbed);
    });

    it("scrubs a secret from Mermaid, DOT and the SVG Graphviz draws, which stays well-formed XML", async () => {
        const secrets = new SecretValues();
        secrets.addValue('office "east" <main> & co-located');
        const graph: GraphModel = {
            nodes: [
                { id: "cidr:x", label: 'office "east" <main> & co-located', kind: "cidr", instances: [] },
                { id: "app", label: "app", kind: "group", instances: ["app-1"] },
            ],
            edges: [{ from: "cidr:x", to: "app", protocol: "tcp", ports: ["443/443"] }],
            internetFacing: new Set(),
            openInternet: [false],
            riskyPorts: [[]],
            incomplete: new Set(),
            uncertain: new Map(),
            closers: new Map(),
            refusedDrops: new Map(),
        };
        const dot = renderDot(graph, { title: "shop (stack dev)" });
        const outputs = [renderMermaid(graph), dot, await renderSvg(dot)];
        for (const output of outputs) {
            const scrubbed = secrets.scrubDocument(output);
            assert.ok(scrubbed.includes("[secret]"), scrubbed);
            assert.ok(!/east/.test(scrubbed), scrubbed);
        }
        assert.strictEqual(XMLValidator.validate(secrets.scrubDocument(outputs[2])), true);
    });

    it("records a CIDR's network form too: a message may name the block rather than the text given", () => {
        const secrets = new SecretValues();
        secrets.addValue("192.168.77.5/16");
        assert.strictEqual(
            secrets.scrubDocument("block 192.168.0.0/16 (given as 192.168.77.5/16) from 192.168.77.5"),
            "block [secret] (given as [secret]) from [secret]",
        );
    });

    it("leaves text alone when nothing is secret, and ignores booleans, null and empty strings", () => {
        const secrets = new SecretValues();
        secrets.addValue(true);
        secrets.addValue(null);
        secrets.addValue("");
        assert.strictEqual(secrets.size, 0);
        assert.strictEqual(secrets.scrubText("true, null, nothing"), "true, null, nothing");
    });
});

describe("engine/controlChars: names cannot forge lines or break XML", () => {
    it("writes every control character, line separator and bidi override as a visible escape", () => {
        assert.strictEqual(
            escapeControlCharacters(
                "web\u001b[2K\rResources: 0\nnext\u0000\u007f\u0085\u2028\u202eevil\ttab",
            ),
            "web\\x1b[2K\\rResources: 0\\nnext\\x00\\x7f\\x85\\u2028\\u202eevil\\ttab",
        );
    });

    it("keeps newlines and tabs of multi-line text, and escapes the rest (a carriage return rewrites a line)", () => {
        assert.strictEqual(
            escapeControlCharactersInLines("line one\n\tline two\rforged\u001b[31m"),
            "line one\n\tline two\\rforged\\x1b[31m",
        );
    });
});

describe("engine/output: the one way out for reports, graphs and diagnostics", () => {
    function written(document: string, options: { color?: boolean } = {}, secret?: string): string {
        const stdout = new PassThrough();
        const output = new GateOutput(new SecretValues(), stdout, new PassThrough());
        if (secret) {
            output.secrets.addValue(secret);
        }
        output.document(document, options);
        return String(stdout.read() ?? "");
    }

    it("keeps a JSON document JSON: what JSON.stringify leaves raw becomes \\u escapes, same strings parsed", () => {
        const name = "web\u2028\u0085\u202e\u007fprod";
        const document = JSON.stringify({ resources: [{ name, description: "vault-token-77" }] }, null, 2);
        const out = written(document, {}, "vault-token-77");
        assert.ok(!/[\u007f-\u009f\u2028\u202e]/.test(out), JSON.stringify(out));
        assert.deepStrictEqual(JSON.parse(out), { resources: [{ name, description: "[secret]" }] });
    });

    it("keeps a text report's colour on a terminal and escapes every other escape sequence", () => {
        const red = (text: string) => `\u001b[31m${text}\u001b[0m`;
        const out = written(`${red("[mandatory]")} web\u001b]0;title\u0007 ok\n`, { color: true });
        assert.strictEqual(out, `${red("[mandatory]")} web\\x1b]0;title\\x07 ok\n`);
        assert.strictEqual(written(`${red("x")}\n`), "\\x1b[31mx\\x1b[0m\n");
    });
});
