import * as assert from "assert";
import * as fs from "fs";
import MarkdownIt from "markdown-it";
import * as path from "path";
import { parse } from "yaml";
import * as components from "../../components";
import { unknownKeyProblems } from "../../components/schemaKeys";
import schema from "../../components/schema.json";
import { installMocks, resetRegistrations, resourceSet, settle } from "./harness";

const README = path.join(__dirname, "..", "..", "README.md");

/** The YAML programs of the README's section on other languages. */
function readmeYamlPrograms(): unknown[] {
    const tokens = new MarkdownIt().parse(fs.readFileSync(README, "utf8"), {});
    const start = tokens.findIndex((token) => token.content.includes("<!-- section:languages -->"));
    const end = tokens.findIndex((token) => token.content.includes("<!-- /section:languages -->"));
    assert.ok(start >= 0 && end > start, "the README has a languages section");
    return tokens
        .slice(start, end)
        .filter((token) => token.type === "fence" && token.info === "yaml")
        .map((token) => parse(token.content));
}

interface YamlResource {
    readonly type: string;
    readonly properties?: Record<string, unknown>;
}

describe("the README's YAML program", () => {
    before(installMocks);
    beforeEach(resetRegistrations);

    it("uses the package's components with the settings its schema declares", () => {
        const programs = readmeYamlPrograms() as { resources: Record<string, YamlResource> }[];
        assert.strictEqual(programs.length, 1);
        const ours = Object.values(programs[0].resources).filter((r) =>
            r.type.startsWith("alicloud-secure-groups:"),
        );
        assert.deepStrictEqual(ours.map((r) => r.type).sort(), [
            "alicloud-secure-groups:index:RedisGroupFromSource",
            "alicloud-secure-groups:index:SecureGroup",
            "alicloud-secure-groups:index:WebTierGroup",
        ]);
        const resources = schema.resources as Record<string, { requiredInputs?: string[] }>;
        for (const resource of ours) {
            assert.deepStrictEqual(unknownKeyProblems(resource.type, resource.properties), [], resource.type);
            for (const required of resources[resource.type].requiredInputs ?? []) {
                assert.ok(required in (resource.properties ?? {}), `${resource.type} needs ${required}`);
            }
        }
    });

    it("builds the rules the README names, each reference resolved to the resource it names", async () => {
        const program = readmeYamlPrograms()[0] as { resources: Record<string, YamlResource> };
        const built = new Map<string, unknown>();
        // `${name}` is the resource itself, `${name.id}` an id; a resource of another package stands in by its id.
        const resolve = (value: unknown): unknown => {
            if (typeof value === "string") {
                const reference = /^\$\{([\w-]+)(?:\.(\w+))?\}$/.exec(value);
                if (reference) {
                    const target = built.get(reference[1]);
                    assert.ok(target !== undefined, `${value} names nothing built before it`);
                    return reference[2] === undefined
                        ? target
                        : (target as Record<string, unknown>)[reference[2]];
                }
                return value;
            }
            if (Array.isArray(value)) {
                return value.map(resolve);
            }
            if (typeof value === "object" && value !== null) {
                return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, resolve(child)]));
            }
            return value;
        };
        for (const [name, resource] of Object.entries(program.resources)) {
            const className = resource.type.split(":")[2];
            if (!resource.type.startsWith("alicloud-secure-groups:")) {
                built.set(name, { id: `${name}-id` });
                continue;
            }
            const Component = (
                components as unknown as Record<string, new (n: string, a: unknown) => unknown>
            )[className];
            built.set(name, new Component(name, resolve(resource.properties ?? {})));
        }
        const rules = resourceSet(await settle()).filter((line) => line.includes("SecurityGroupRule"));
        assert.deepStrictEqual(
            rules.map((line) => line.split(" ")[1]),
            [
                "bastion-drop-baseline",
                "bastion-ssh",
                "cache-allow-redis-from-members",
                "cache-allow-redis-from-web",
                "cache-drop-baseline",
                "cache-drop-redis-from-anywhere",
                "web-allow-http-from-internet",
                "web-allow-https-from-internet",
                "web-allow-ssh-from-bastion",
                "web-drop-baseline",
            ],
        );
    });
});
