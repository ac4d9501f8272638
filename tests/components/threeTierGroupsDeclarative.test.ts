import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseTierDescription, threeTierGroupsFromConfig, ValidationError } from "../../components";
import { PRESET_NAMES, renderProblem } from "../../core";
import { GROUP, installMocks, resetRegistrations, resourceSet, RULE, settle } from "./harness";

const MISSING_VPC =
    "vpcId must name the VPC of the group (got undefined); pass classicNetwork: true to build a classic-network group deliberately";

/** The messages of the ValidationError that `parse` throws, for tiers in a VPC unless the options say otherwise. */
function problemsOf(
    value: unknown,
    options: Parameters<typeof parseTierDescription>[1] = { vpcId: "vpc-1" },
): string[] {
    try {
        parseTierDescription(value, options);
    } catch (err) {
        assert.ok(err instanceof ValidationError, String(err));
        return err.problems.map(renderProblem);
    }
    assert.fail("expected a ValidationError");
}

describe("components/declarativeTiers: the tier description from stack config", () => {
    it("turns the config shape into the component's description, admins given by id", () => {
        const description = parseTierDescription(
            {
                web: { publicPorts: [443] },
                app: { serves: { http: { to: ["web"], ports: [8080, "9000/9001"] } } },
                data: { serves: { mysql: ["app"], redis: ["app", "web"] } },
                admin: {
                    from: ["sg-bastion", { groupId: "sg-vpn", ownerId: "1234567890", key: "vpn" }],
                    tiers: ["app"],
                },
            },
            { vpcId: "vpc-1" },
        );
        assert.deepStrictEqual(description, {
            web: { publicPorts: [443] },
            app: { serves: { http: { to: ["web"], ports: [8080, "9000/9001"] } } },
            data: { serves: { mysql: ["app"], redis: ["app", "web"] } },
            admin: {
                from: ["sg-bastion", { group: "sg-vpn", ownerId: "1234567890", key: "vpn" }],
                tiers: ["app"],
            },
        });
        assert.deepStrictEqual(parseTierDescription({}, { vpcId: "vpc-1" }), {});
    });

    const cases: [string, unknown, string[]][] = [
        ["not an object", "web", ['tiers must be object (got "web")']],
        [
            "an unknown tier",
            { datta: {} },
            [
                "tiers.datta is not a known key; expected one of web, app, data, admin, classicNetwork (got {})",
            ],
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
            "a classicNetwork that is not a boolean",
            { classicNetwork: "yes" },
            ['tiers.classicNetwork must be boolean (got "yes")'],
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
        assert.deepStrictEqual(
            parseTierDescription({ web: { publicCidrs: ["10.0.0.0/8"] } }, { classicNetwork: true }),
            { web: { publicCidrs: ["10.0.0.0/8"] } },
        );
        const inVpc = problemsOf({ web: { publicCidrs: ["10.0.0.0/8"] } }, { vpcId: "vpc-1", key: "shop" });
        assert.strictEqual(inVpc.length, 1);
        assert.ok(inVpc[0].startsWith("shop.web.publicCidrs[0] "), inVpc[0]);
        assert.ok(inVpc[0].endsWith('(got "10.0.0.0/8")'), inVpc[0]);
    });

    describe("the network: a VPC, or a classic network only when asked", () => {
        it("refuses a description for no VPC, naming the program's vpcId with the config's mistakes", () => {
            assert.deepStrictEqual(problemsOf({}, {}), [MISSING_VPC]);
            assert.deepStrictEqual(problemsOf({ web: { publicCidrs: ["nope"] } }, { key: "shop" }), [
                'shop.web.publicCidrs[0] must be a CIDR block such as "192.168.1.0/24" (got "nope")',
                MISSING_VPC,
            ]);
        });

        it("takes classicNetwork from the config or from the program, and keeps the config's in the result", () => {
            assert.deepStrictEqual(parseTierDescription({ classicNetwork: true }), { classicNetwork: true });
            assert.deepStrictEqual(parseTierDescription({}, { classicNetwork: true }), {});
            assert.deepStrictEqual(parseTierDescription({ classicNetwork: false }, { vpcId: "vpc-1" }), {
                classicNetwork: false,
            });
        });

        it("names the config key when the config's classicNetwork clashes with vpcId or with the program", () => {
            const clash = problemsOf({ classicNetwork: true }, { vpcId: "vpc-1" });
            assert.strictEqual(clash.length, 1, clash.join("\n"));
            assert.match(
                clash[0],
                /^tiers\.classicNetwork must be omitted when vpcId names a VPC \("vpc-1"\): .*\(got true\)$/,
            );
            assert.deepStrictEqual(
                problemsOf({ classicNetwork: true }, { vpcId: "vpc-1", classicNetwork: false }),
                [
                    "tiers.classicNetwork contradicts the program's classicNetwork: false; set it in one place (got true)",
                ],
            );
        });
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
                () =>
                    threeTierGroupsFromConfig("t", {
                        vpcId: "vpc-1",
                        tags: { owner: "team" },
                        key: "layout",
                    }),
                /^ValidationError: stack config project:layout: layout\.data\.serves\.mysql\[0\] must be one of web, app \(got "dta"\)$/,
            );
            assert.deepStrictEqual(await settle(), []);
        });

        it("fails without vpcId before anything is registered, unless the program or the config asks for a classic network", async () => {
            pulumi.runtime.setAllConfig({ "project:tiers": JSON.stringify({}) });
            assert.throws(
                () => threeTierGroupsFromConfig("t", { tags: { owner: "team" } }),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError, String(err));
                    assert.strictEqual(err.message, `stack config project:tiers: ${MISSING_VPC}`);
                    return true;
                },
            );
            assert.deepStrictEqual(await settle(), []);

            threeTierGroupsFromConfig("by-program", { classicNetwork: true, tags: { owner: "team" } });
            pulumi.runtime.setAllConfig({ "project:tiers": JSON.stringify({ classicNetwork: true }) });
            threeTierGroupsFromConfig("by-config", { tags: { owner: "team" } });
            const resources = await settle();
            const groups = resources.filter((r) => r.type === GROUP);
            assert.deepStrictEqual(resourceSet(groups), [
                `${GROUP} by-config-app`,
                `${GROUP} by-config-data`,
                `${GROUP} by-config-web`,
                `${GROUP} by-program-app`,
                `${GROUP} by-program-data`,
                `${GROUP} by-program-web`,
            ]);
            for (const group of groups) {
                assert.ok(!("vpcId" in group.inputs), `${group.name} names no VPC`);
            }
        });

        it("requires the key, as config.requireObject does", () => {
            assert.throws(() => threeTierGroupsFromConfig("t", { tags: { owner: "team" } }), /tiers/);
        });
    });
});
