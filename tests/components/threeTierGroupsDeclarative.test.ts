import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseTierDescription, threeTierGroupsFromConfig } from "../../components";
import { PRESET_NAMES, ValidationError } from "../../core";
import { installMocks, resetRegistrations, resourceSet, RULE, settle } from "./harness";

/** The messages of the ValidationError that `parse` throws. */
function problemsOf(value: unknown, options?: Parameters<typeof parseTierDescription>[1]): string[] {
    try {
        parseTierDescription(value, options);
    } catch (err) {
        assert.ok(err instanceof ValidationError, String(err));
        return err.problems.map((p) => p.message);
    }
    assert.fail("expected a ValidationError");
}

describe("components/declarativeTiers: the tier description from stack config", () => {
    it("turns the config shape into the component's description, admins given by id", () => {
        const description = parseTierDescription({
            web: { publicPorts: [443] },
            app: { serves: { http: { to: ["web"], ports: [8080, "9000/9001"] } } },
            data: { serves: { mysql: ["app"], redis: ["app", "web"] } },
            admin: {
                from: ["sg-bastion", { groupId: "sg-vpn", ownerId: "1234567890", key: "vpn" }],
                tiers: ["app"],
            },
        });
        assert.deepStrictEqual(description, {
            web: { publicPorts: [443] },
            app: { serves: { http: { to: ["web"], ports: [8080, "9000/9001"] } } },
            data: { serves: { mysql: ["app"], redis: ["app", "web"] } },
            admin: {
                from: ["sg-bastion", { group: "sg-vpn", ownerId: "1234567890", key: "vpn" }],
                tiers: ["app"],
            },
        });
        assert.deepStrictEqual(parseTierDescription({}), {});
    });

    const cases: [string, unknown, string[]][] = [
        ["not an object", "web", ['tiers must be object (got "web")']],
        [
            "an unknown tier",
            { datta: {} },
            ["tiers.datta is not a known key; expected one of web, app, data, admin (got {})"],
        ],
        [
            "a misspelt preset",
            { data: { serves: { mysq: ["app"] } } },
            [
                `tiers.data.serves.mysq is not a preset name; expected one of ${PRESET_NAMES.join(", ")} (got "mysq")`,
            ],
        ],
        [
            "a tier behind",
            { app: { serves: { http: ["data"] } } },
            ['tiers.app.serves.http[0] must be one of web (got "data")'],
        ],
        [
            "no tier",
            { data: { serves: { mysql: [] } } },
            ["tiers.data.serves.mysql must NOT have fewer than 1 items (got [])"],
        ],
        [
            "a missing to",
            { data: { serves: { mysql: { ports: [3307] } } } },
            ["tiers.data.serves.mysql.to must be set (got undefined)"],
        ],
        [
            "a port out of range",
            { data: { serves: { mysql: { to: ["app"], ports: [70000] } } } },
            ["tiers.data.serves.mysql.ports[0] must be <= 65535 (got 70000)"],
        ],
        [
            "a reversed range the schema cannot see",
            { app: { serves: { http: { to: ["web"], ports: ["90/80"] } } } },
            ['tiers.app.serves.http.ports must have start <= end (got "90/80")'],
        ],
        [
            "a malformed CIDR",
            { web: { publicCidrs: ["nope"] } },
            ['tiers.web.publicCidrs[0] must be a CIDR block such as "192.168.1.0/24" (got "nope")'],
        ],
        [
            "a bad owner",
            { admin: { from: [{ groupId: "sg-1", ownerId: "abc" }] } },
            ['tiers.admin.from[0].ownerId must match pattern "^\\d+$" (got "abc")'],
        ],
        [
            "two mistakes at once",
            { app: { serve: {} }, data: { serves: { redis: ["data"] } } },
            [
                "tiers.app.serve is not a known key; expected one of serves (got {})",
                'tiers.data.serves.redis[0] must be one of web, app (got "data")',
            ],
        ],
    ];
    for (const [what, value, messages] of cases) {
        it(`refuses ${what}, naming the key and the value`, () => {
            assert.deepStrictEqual(problemsOf(value), messages);
        });
    }

    it("judges a web tier's public blocks for the VPC it will be in", () => {
        assert.deepStrictEqual(parseTierDescription({ web: { publicCidrs: ["10.0.0.0/8"] } }), {
            web: { publicCidrs: ["10.0.0.0/8"] },
        });
        const inVpc = problemsOf({ web: { publicCidrs: ["10.0.0.0/8"] } }, { vpcId: "vpc-1", key: "shop" });
        assert.strictEqual(inVpc.length, 1);
        assert.ok(inVpc[0].startsWith("shop.web.publicCidrs[0] "), inVpc[0]);
        assert.ok(inVpc[0].endsWith('(got "10.0.0.0/8")'), inVpc[0]);
    });

    describe("threeTierGroupsFromConfig", () => {
        before(installMocks);
        beforeEach(resetRegistrations);
        afterEach(() => pulumi.runtime.setAllConfig({}));

        it("builds the tiers the config describes", async () => {
            pulumi.runtime.setAllConfig({
                "project:tiers": JSON.stringify({ data: { serves: { postgresql: ["app"] } } }),
            });
            threeTierGroupsFromConfig("t", { vpcId: "vpc-1", tags: { owner: "team" } });
            const resources = await settle();
            assert.deepStrictEqual(
                resourceSet(resources.filter((r) => r.type === RULE)),
                [
                    "t-app-drop-baseline",
                    "t-data-allow-postgresql-from-app",
                    "t-data-drop-baseline",
                    "t-web-allow-http-from-internet",
                    "t-web-allow-https-from-internet",
                    "t-web-drop-baseline",
                ].map((name) => `${RULE} ${name}`),
            );
        });

        it("fails before anything is registered, naming the namespaced key", async () => {
            pulumi.runtime.setAllConfig({
                "project:layout": JSON.stringify({ data: { serves: { mysql: ["dta"] } } }),
            });
            assert.throws(
                () => threeTierGroupsFromConfig("t", { tags: { owner: "team" }, key: "layout" }),
                /^ValidationError: stack config project:layout: layout\.data\.serves\.mysql\[0\] must be one of web, app \(got "dta"\)$/,
            );
            assert.deepStrictEqual(await settle(), []);
        });

        it("requires the key, as config.requireObject does", () => {
            assert.throws(() => threeTierGroupsFromConfig("t", { tags: { owner: "team" } }), /tiers/);
        });
    });
});
