import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GateError } from "../../engine/errors";
import {
    readPolicyPackConfig,
    reconcile,
    unopenedEnvironmentsNote,
    type PolicySchemaInfo,
} from "../../engine/policyConfig";

const policies: PolicySchemaInfo[] = [
    {
        name: "limit-groups",
        enforcementLevel: "advisory",
        properties: {
            maxGroups: { type: "integer", minimum: 1, default: 5 },
            allowed: { type: "array", items: { type: "string" }, default: ["10.0.0.0/16"] },
        },
    },
    { name: "no-ssh", enforcementLevel: "mandatory" },
    {
        name: "needs-owner",
        enforcementLevel: "advisory",
        properties: { owner: { type: "string" } },
        required: ["owner"],
    },
];

function rejects(fn: () => unknown, pattern: RegExp): void {
    assert.throws(fn, (err: unknown) => err instanceof GateError && pattern.test(err.message));
}

describe("engine/policyConfig: reconcile", () => {
    const owner = { "needs-owner": { owner: "team-a" } };

    it("starts from each policy's level and schema defaults", () => {
        const config = reconcile("pack", policies, {}, owner, "file");
        assert.deepStrictEqual(config.get("limit-groups"), {
            enforcementLevel: "advisory",
            properties: { maxGroups: 5, allowed: ["10.0.0.0/16"] },
        });
        assert.deepStrictEqual(config.get("no-ssh"), { enforcementLevel: "mandatory", properties: {} });
    });

    it("layers the pack's initialConfig, then the user's file, then validates", () => {
        const config = reconcile(
            "pack",
            policies,
            { "limit-groups": { enforcementLevel: "mandatory", maxGroups: 3 } },
            { ...owner, "limit-groups": { maxGroups: 2 } },
            "file",
        );
        assert.deepStrictEqual(config.get("limit-groups"), {
            enforcementLevel: "mandatory",
            properties: { maxGroups: 2, allowed: ["10.0.0.0/16"] },
        });
    });

    it('"all" sets every level, and a named policy still overrides it', () => {
        const config = reconcile(
            "pack",
            policies,
            {},
            { ...owner, all: "disabled", "no-ssh": "advisory" },
            "file",
        );
        assert.deepStrictEqual(
            [...config].map(([name, c]) => `${name}=${c.enforcementLevel}`),
            ["limit-groups=disabled", "no-ssh=advisory", "needs-owner=disabled"],
        );
    });

    it("names the policy and the property of an invalid value", () => {
        rejects(
            () => reconcile("pack", policies, {}, { ...owner, "limit-groups": { maxGroups: 0 } }, "file"),
            /policy "limit-groups" of pack pack: property "maxGroups" must be >= 1 \(got 0\)/,
        );
        rejects(
            () => reconcile("pack", policies, {}, { ...owner, "limit-groups": { allowed: [7] } }, "file"),
            /policy "limit-groups".*property "allowed\.0" must be string \(got 7\)/,
        );
        rejects(() => reconcile("pack", policies, {}, {}, "file"), /policy "needs-owner".*property "owner"/);
        rejects(
            () => reconcile("pack", policies, {}, { ...owner, "limit-groups": { maxGroup: 3 } }, "file"),
            /policy "limit-groups".*property "maxGroup" is not a property of this policy's configSchema \(got 3\)/,
        );
    });

    it("rejects unknown policies and properties for unconfigurable ones", () => {
        rejects(
            () => reconcile("pack", policies, {}, { ...owner, "no-shh": "disabled" }, "file"),
            /policy "no-shh" is not in/,
        );
        rejects(
            () => reconcile("pack", policies, {}, { ...owner, "no-ssh": { port: 22 } }, "file"),
            /takes no configuration/,
        );
    });
});

describe("engine/policyConfig: readPolicyPackConfig", () => {
    const write = (content: string): string => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-")), "config.json");
        fs.writeFileSync(file, content);
        return file;
    };

    it("reads levels and objects", () => {
        const file = write(JSON.stringify({ all: "advisory", "no-ssh": { enforcementLevel: "mandatory" } }));
        assert.deepStrictEqual(readPolicyPackConfig(file), {
            config: { all: "advisory", "no-ssh": { enforcementLevel: "mandatory" } },
            environments: [],
        });
    });

    it("reads an empty file as no config, as the CLI does", () => {
        assert.deepStrictEqual(readPolicyPackConfig(write(" \n")), { config: {}, environments: [] });
    });

    it('takes "environments" as the ESC environments the file names (CLI >= 3.231), not as a policy', () => {
        const file = write(
            JSON.stringify({
                environments: ["platform/policy-defaults", "prod-overrides"],
                "disallow-public-risky-ports": { riskyPorts: [22] },
            }),
        );
        assert.deepStrictEqual(readPolicyPackConfig(file), {
            config: { "disallow-public-risky-ports": { riskyPorts: [22] } },
            environments: ["platform/policy-defaults", "prod-overrides"],
        });
        rejects(
            () => readPolicyPackConfig(write('{"environments": "platform/policy-defaults"}')),
            /config\.json: "environments" must be a list of ESC environment names \(got "platform\/policy-defaults"\)$/,
        );
        rejects(
            () => readPolicyPackConfig(write('{"environments": ["ok", 7]}')),
            /"environments" must be a list of ESC environment names \(got \["ok",7\]\)$/,
        );
    });

    it("rejects malformed files with the file and the entry", () => {
        rejects(() => readPolicyPackConfig(write("[1, 2")), /not a readable JSON file/);
        rejects(() => readPolicyPackConfig(write("[]")), /must be a JSON object keyed by policy name/);
        rejects(
            () => readPolicyPackConfig(write('{"no-ssh": 3}')),
            /"no-ssh" must be an enforcement level or an object \(got 3\)/,
        );
        rejects(
            () => readPolicyPackConfig(write('{"no-ssh": {"enforcementLevel": "warn"}}')),
            /"no-ssh" enforcementLevel must be one of/,
        );
        rejects(
            () => readPolicyPackConfig(write('{"all": {"maxGroups": 1}}')),
            /"all" takes only an enforcement level/,
        );
    });
});

describe("engine/policyConfig: unopenedEnvironmentsNote", () => {
    it("says in one line which environments were not opened, from which file, and how to give their values", () => {
        assert.strictEqual(
            unopenedEnvironmentsNote([
                { label: "--policy-pack-config base.json", environments: ["platform/policy-defaults"] },
                { label: "--policy-pack-config strict.json", environments: [] },
                { label: "--policy-pack-config prod.json", environments: ["prod/a", "prod/b"] },
            ]),
            "ESC environments not opened (they need Pulumi Cloud): platform/policy-defaults " +
                "(--policy-pack-config base.json); prod/a, prod/b (--policy-pack-config prod.json). This run is " +
                "judged without their policyConfig; to apply it offline, copy its policy entries into the config " +
                "file, whose entries take precedence over ESC's as in the CLI.",
        );
        assert.strictEqual(unopenedEnvironmentsNote([{ label: "x", environments: [] }]), undefined);
    });
});
