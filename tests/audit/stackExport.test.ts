import * as assert from "assert";
import * as path from "path";
import { loadStackExport, parseSourcePosition, urnName } from "../../engine/audit/stackExport";
import { GateError } from "../../engine/errors";
import { SecretValues } from "../../engine/secrets";
import {
    ACCESS_KEY_CIPHERTEXT,
    GROUP,
    HTTPS,
    INSTANCE,
    PLAINTEXT_SECRET,
    PROVIDER,
    removeTemps,
    SECRET_KEY_PLAINTEXT,
    SHARED,
    shopExport,
    SSH,
    STACK,
    writeTemp,
} from "./exports";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "[secret]" };
const PROJECT_DIR = "/home/ci/shop";

function loadDoc(doc: unknown) {
    return loadStackExport(writeTemp("stack.json", doc), PROJECT_DIR);
}

/** The one-line message a bad export fails with. */
function failure(doc: unknown, name = "stack.json"): string {
    const file = writeTemp(name, doc);
    try {
        loadStackExport(file, PROJECT_DIR);
    } catch (err) {
        assert.ok(err instanceof GateError, String(err));
        assert.strictEqual(err.kind, "input");
        assert.ok(!err.message.includes("\n"), `one line: ${err.message}`);
        return err.message.replace(file, "FILE");
    }
    throw new Error("the export was read");
}

describe("audit: reading pulumi stack export", () => {
    after(removeTemps);

    it("reads every resource but the one pending deletion, in order, as AnalyzeSnapshot sees them", () => {
        const loaded = loadDoc(shopExport());
        assert.deepStrictEqual(
            loaded.resources.map((r) => [r.urn, r.name, r.custom, r.external, r.parent, r.provider]),
            [
                [STACK, "shop-prod", false, false, null, null],
                [PROVIDER, "default_3_108_0", true, false, null, null],
                [GROUP, "web", true, false, STACK, `${PROVIDER}::7c8b5e1a-3f2d-4b6a-9e0c-1d2f3a4b5c6d`],
                [HTTPS, "web-https", true, false, STACK, `${PROVIDER}::7c8b5e1a-3f2d-4b6a-9e0c-1d2f3a4b5c6d`],
                [SSH, "web-ssh", true, false, STACK, `${PROVIDER}::7c8b5e1a-3f2d-4b6a-9e0c-1d2f3a4b5c6d`],
                [SHARED, "shared", true, true, STACK, `${PROVIDER}::7c8b5e1a-3f2d-4b6a-9e0c-1d2f3a4b5c6d`],
                [INSTANCE, "web-1", true, false, STACK, `${PROVIDER}::7c8b5e1a-3f2d-4b6a-9e0c-1d2f3a4b5c6d`],
            ],
        );
        assert.strictEqual(loaded.project, "shop");
        assert.strictEqual(loaded.stack, "prod");
        assert.strictEqual(loaded.rootStackUrn, STACK);
    });

    it("redacts every secret, ciphertext or plaintext, to [secret] and keeps none of their text", () => {
        const loaded = loadDoc(shopExport());
        const provider = loaded.resources.find((r) => r.urn === PROVIDER);
        assert.deepStrictEqual(provider?.inputs, {
            accessKey: SECRET,
            secretKey: SECRET,
            region: "cn-hangzhou",
            version: "3.108.0",
        });
        const group = loaded.resources.find((r) => r.urn === GROUP);
        assert.deepStrictEqual(group?.inputs.tags, { owner: "team-web", costCenter: SECRET });
        assert.deepStrictEqual((group?.outputs.tags as Record<string, unknown>).costCenter, SECRET);
        const everything = JSON.stringify(loaded);
        for (const secret of [PLAINTEXT_SECRET, SECRET_KEY_PLAINTEXT, ACCESS_KEY_CIPHERTEXT]) {
            assert.ok(!everything.includes(secret), `${secret} leaked`);
        }
    });

    it("tells the run's secrets every plaintext secret, so that nothing can print one", () => {
        const secrets = new SecretValues();
        loadStackExport(writeTemp("stack.json", shopExport()), PROJECT_DIR, secrets);
        assert.strictEqual(
            secrets.scrubText(`tags ${PLAINTEXT_SECRET}, key ${SECRET_KEY_PLAINTEXT}`),
            "tags [secret], key [secret]",
        );
    });

    it("leaves out the top-level internal keys the engine never sends (__defaults, __meta, __internal)", () => {
        const loaded = loadDoc(shopExport());
        const https = loaded.resources.find((r) => r.urn === HTTPS);
        assert.deepStrictEqual(Object.keys(https?.inputs ?? {}).sort(), [
            "cidrIp",
            "ipProtocol",
            "nicType",
            "policy",
            "portRange",
            "priority",
            "securityGroupId",
            "type",
        ]);
        const group = loaded.resources.find((r) => r.urn === GROUP);
        assert.ok(!("__meta" in (group?.outputs ?? {})));
        assert.ok(!("__defaults" in (group?.inputs ?? {})));
    });

    it("decodes the engine's float and byte-string encodings", () => {
        const instance = loadDoc(shopExport()).resources.find((r) => r.urn === INSTANCE);
        assert.strictEqual(instance?.inputs.internetMaxBandwidthOut, 10);
        assert.strictEqual(instance?.inputs.userData, "#!/bin/sh\n");
    });

    it("keeps dependencies and property dependencies, and source positions relative to the project", () => {
        const instance = loadDoc(shopExport()).resources.find((r) => r.urn === INSTANCE);
        assert.deepStrictEqual(instance?.dependencies, [GROUP]);
        assert.deepStrictEqual(instance?.propertyDependencies, { securityGroups: [GROUP], vswitchId: [] });
        assert.deepStrictEqual(instance?.source, {
            file: path.join(PROJECT_DIR, "index.ts"),
            line: 40,
            column: 18,
        });
    });

    it("reads version 4 with the features the CLI supports", () => {
        const loaded = loadDoc(shopExport(4));
        assert.strictEqual(loaded.resources.length, 7);
    });

    it("attributes stack violations to a root stack the engine would synthesize when the export has none", () => {
        const doc = shopExport();
        const deployment = doc.deployment as { resources: { urn: string }[] };
        deployment.resources = deployment.resources.filter((r) => r.urn !== STACK);
        assert.strictEqual(loadDoc(doc).rootStackUrn, STACK);
    });

    it("flattens a resource reference's id as an older engine wrote it ({V: ...})", () => {
        const doc = shopExport();
        const deployment = doc.deployment as { resources: Record<string, unknown>[] };
        const ref = {
            "4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e",
            urn: GROUP,
            id: { V: "sg-bp1shopweb000000001" },
        };
        deployment.resources[0].outputs = { web: ref };
        assert.deepStrictEqual(loadDoc(doc).resources[0].outputs, {
            web: {
                "4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e",
                urn: GROUP,
                id: "sg-bp1shopweb000000001",
            },
        });
    });

    describe("refuses, in one line naming the file", () => {
        it("an export of another version", () => {
            assert.strictEqual(
                failure({ ...shopExport(), version: 2 }),
                "--stack-export FILE: a stack export of version 2; alicloud-sg reads versions 3 and 4 (export it again with a current Pulumi CLI)",
            );
            assert.strictEqual(
                failure({ ...shopExport(), version: 5 }),
                "--stack-export FILE: a stack export of version 5; alicloud-sg reads versions 3 and 4 (export it again with a current Pulumi CLI)",
            );
        });

        it("a version 4 export needing a feature the CLI does not know", () => {
            assert.strictEqual(
                failure({ ...shopExport(4), features: ["refreshBeforeUpdate", "teleport"] }),
                "--stack-export FILE: the deployment needs support for features alicloud-sg does not know: teleport",
            );
        });

        it("a file that is neither an export nor a known response, and an aliyun response", () => {
            assert.strictEqual(
                failure({ checkpoint: {} }),
                "--stack-export FILE: not a stack export (a JSON object with version and deployment, as pulumi stack export writes)",
            );
            assert.strictEqual(
                failure({ RequestId: "x", Instances: { Instance: [] } }),
                "--stack-export FILE: not a stack export (a JSON object with version and deployment, as pulumi stack export writes); it is the output of aliyun ecs DescribeInstances: pass its directory with --aliyun",
            );
        });

        it("a truncated file, without quoting what it holds", () => {
            const text = JSON.stringify(shopExport(), null, 2);
            const cut = text.slice(0, text.indexOf(PLAINTEXT_SECRET) + 10);
            assert.strictEqual(
                failure(cut),
                "--stack-export FILE: not valid JSON: it ends before the document does (is the file truncated?)",
            );
            assert.strictEqual(
                failure('{"version": 3, "deployment": {"resources": [} ]}'),
                "--stack-export FILE: not valid JSON: unexpected text at line 1, column 45",
            );
        });

        it("an invalid URN, naming the resource", () => {
            const doc = shopExport();
            (doc.deployment as { resources: Record<string, unknown>[] }).resources[3].urn = "web-https";
            assert.strictEqual(
                failure(doc),
                '--stack-export FILE: deployment.resources[3].urn is not a valid URN (got "web-https")',
            );
        });

        it("a malformed secret, naming where and never its value", () => {
            const doc = shopExport();
            const group = (doc.deployment as { resources: Record<string, Record<string, unknown>>[] })
                .resources[2];
            (group.inputs.tags as Record<string, unknown>).costCenter = {
                "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                plaintext: JSON.stringify(PLAINTEXT_SECRET),
                ciphertext: "v1:abc",
            };
            assert.strictEqual(
                failure(doc),
                `--stack-export FILE: deployment.resources[2] (${GROUP}): inputs.tags.costCenter is a malformed secret: exactly one of ciphertext or plaintext must be given`,
            );
        });

        it("a value nested deeper than the gate follows", () => {
            const doc = shopExport();
            const group = (doc.deployment as { resources: Record<string, Record<string, unknown>>[] })
                .resources[2];
            let deep: unknown = "bottom";
            for (let level = 0; level < 70; level++) {
                deep = { a: deep };
            }
            group.outputs.deep = deep;
            assert.strictEqual(
                failure(doc),
                `--stack-export FILE: deployment.resources[2] (${GROUP}): outputs.deep${".a".repeat(63)} is nested deeper than 64 levels`,
            );
        });

        it("a value with a signature the engine does not know", () => {
            const doc = shopExport();
            const group = (doc.deployment as { resources: Record<string, Record<string, unknown>>[] })
                .resources[2];
            group.outputs.vpcId = { "4dabf18193072939515e22adb298388d": "not-a-signature" };
            assert.strictEqual(
                failure(doc),
                `--stack-export FILE: deployment.resources[2] (${GROUP}): outputs.vpcId has an unrecognized signature "not-a-signature"`,
            );
        });
    });

    it("reads the engine's source positions and nothing else", () => {
        assert.deepStrictEqual(parseSourcePosition("project:///src/net%20work.ts#7", "/p"), {
            file: path.join("/p", "src", "net work.ts"),
            line: 7,
            column: 1,
        });
        assert.strictEqual(parseSourcePosition("file:///abs/index.ts#7,2", "/p"), undefined);
        assert.strictEqual(parseSourcePosition("project:///index.ts", "/p"), undefined);
        assert.strictEqual(parseSourcePosition(12, "/p"), undefined);
    });

    it("names a resource by everything after the URN's third delimiter, as URN.Name does", () => {
        assert.strictEqual(urnName("urn:pulumi:dev::p::a:b/c:C::name::with::colons"), "name::with::colons");
    });
});
