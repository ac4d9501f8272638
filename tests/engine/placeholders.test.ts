import * as assert from "assert";
import fc from "fast-check";
import type { Shape } from "../../engine/invokeShapes";
import { Placeholders } from "../../engine/placeholders";
import { SECRET_SIG, SIG_KEY, UNKNOWN_SENTINEL } from "../../core/wire";

const NONCE = "123456789012345678";
const S: Shape = { kind: "string" };
const N: Shape = { kind: "number" };

/** `alicloud.getZones`' result, as its declarations give it (abridged). */
const ZONES: Shape = {
    kind: "object",
    fields: {
        id: S,
        ids: { kind: "list", element: S },
        multi: { kind: "boolean" },
        zones: {
            kind: "list",
            element: {
                kind: "object",
                fields: { id: S, localName: S, availableInstanceTypes: { kind: "list", element: S } },
            },
        },
    },
};
const INSTANCE_TYPES: Shape = {
    kind: "object",
    fields: {
        instanceTypes: {
            kind: "list",
            element: {
                kind: "object",
                fields: { id: S, cpuCoreCount: N, memorySize: N, tags: { kind: "map", value: S } },
            },
        },
    },
};

interface Zones {
    id: string;
    ids: string[];
    multi: boolean;
    zones: { id: string; localName: string; availableInstanceTypes: string[] }[];
}
interface InstanceTypes {
    instanceTypes: { id: string; cpuCoreCount: number; memorySize: number; tags: Record<string, string> }[];
}

describe("engine/placeholders: values for data sources answered offline", () => {
    it("builds a value of the result's shape: lists of one, nested objects filled, maps empty", () => {
        const placeholders = new Placeholders(NONCE);
        assert.strictEqual(placeholders.active, false);
        const zones = placeholders.valueFor(ZONES, "getZones");
        assert.deepStrictEqual(zones, {
            id: `«getZones.id:${NONCE}»`,
            ids: [`«getZones.ids[0]:${NONCE}»`],
            multi: false,
            zones: [
                {
                    id: `«getZones.zones[0].id:${NONCE}»`,
                    localName: `«getZones.zones[0].localName:${NONCE}»`,
                    availableInstanceTypes: [`«getZones.zones[0].availableInstanceTypes[0]:${NONCE}»`],
                },
            ],
        });
        const types = placeholders.valueFor(INSTANCE_TYPES, "ecs.getInstanceTypes#2") as InstanceTypes;
        assert.deepStrictEqual(types.instanceTypes[0].tags, {});
        assert.ok(Number.isNaN(types.instanceTypes[0].cpuCoreCount));
        assert.strictEqual(placeholders.active, true);
    });

    it("records as unknown what a program derives from them: the value, template strings, lists, maps, arithmetic", () => {
        const placeholders = new Placeholders(NONCE);
        const zones = placeholders.valueFor(ZONES, "getZones") as Zones;
        const types = placeholders.valueFor(INSTANCE_TYPES, "ecs.getInstanceTypes") as InstanceTypes;
        const zone = zones.zones[0].id;
        const type = types.instanceTypes[0];
        const inputs = {
            zoneId: zone,
            vswitchName: `vsw-${zone}-a`,
            description: "Web tier in the first zone",
            availabilityZones: [zone, "cn-hangzhou-k"],
            tags: { zone, owner: "team-web", [`zone-${zone}`]: "yes" },
            labels: { owner: "team-web", tier: zone.toUpperCase() },
            internetMaxBandwidthOut: type.cpuCoreCount * 5,
            portRange: `${type.memorySize}/${type.memorySize}`,
            priority: 1,
            password: { [SIG_KEY]: SECRET_SIG, value: `${zone}-secret` },
            nested: { list: [{ cidr: "10.0.0.0/16" }, { zone: zones.ids.join(",") }] },
        };
        assert.deepStrictEqual(placeholders.scrub(inputs), {
            zoneId: UNKNOWN_SENTINEL,
            vswitchName: UNKNOWN_SENTINEL,
            description: "Web tier in the first zone",
            availabilityZones: [UNKNOWN_SENTINEL, "cn-hangzhou-k"],
            // A key built from a placeholder leaves the whole map unknown.
            tags: UNKNOWN_SENTINEL,
            labels: { owner: "team-web", tier: UNKNOWN_SENTINEL },
            internetMaxBandwidthOut: UNKNOWN_SENTINEL,
            portRange: UNKNOWN_SENTINEL,
            priority: 1,
            password: { [SIG_KEY]: SECRET_SIG, value: UNKNOWN_SENTINEL },
            nested: { list: [{ cidr: "10.0.0.0/16" }, { zone: UNKNOWN_SENTINEL }] },
        });
    });

    it("leaves values alone, the same objects, while no placeholder was handed out, and whatever does not derive from one", () => {
        const placeholders = new Placeholders(NONCE);
        const inputs = { description: "NaN handling", count: Number.NaN, list: ["a"] };
        assert.strictEqual(placeholders.scrub(inputs), inputs);
        placeholders.valueFor(S, "getZones.id");
        const clean = { cidrIp: "0.0.0.0/0", ports: ["22/22"], nested: { a: 1 } };
        assert.strictEqual(placeholders.scrub(clean), clean);
        // Only number placeholders make NaN suspect: none was handed out here.
        assert.strictEqual(placeholders.scrub(inputs), inputs);
        placeholders.valueFor(N, "getZones.count");
        assert.deepStrictEqual(placeholders.scrub(inputs), {
            description: UNKNOWN_SENTINEL,
            count: UNKNOWN_SENTINEL,
            list: ["a"],
        });
        assert.deepStrictEqual(placeholders.scrub({ name: "NaNa", other: "banana" }), {
            name: "NaNa",
            other: "banana",
        });
    });

    it("makes names readable: a marker reads as where it came from", () => {
        const placeholders = new Placeholders(NONCE);
        const zones = placeholders.valueFor(ZONES, "getZones") as Zones;
        assert.strictEqual(placeholders.readable(`vsw-${zones.zones[0].id}`), "vsw-[getZones.zones[0].id]");
        assert.strictEqual(
            placeholders.readable(`${zones.ids[0]}/${zones.id}`),
            "[getZones.ids[0]]/[getZones.id]",
        );
        assert.strictEqual(placeholders.readable("plain-name"), "plain-name");
    });

    it("rejects a guessable nonce", () => {
        assert.throws(() => new Placeholders("abc"), /at least 12 decimal digits \(got "abc"\)/);
    });

    it("property: no placeholder text ever appears in a recorded input, and nothing else changes", () => {
        // What programs do with a data source's answer before it reaches a resource input.
        type Derive = (value: string | number) => unknown;
        const derivations: [string, Derive][] = [
            ["as is", (v) => v],
            ["template", (v) => `prefix-${v}-suffix`],
            ["concat", (v) => "a" + String(v)],
            ["upper", (v) => String(v).toUpperCase()],
            ["replace", (v) => String(v).replace(/-/g, "_")],
            ["list", (v) => [v, "literal"]],
            ["join", (v) => [v, v].join(",")],
            ["map", (v) => ({ key: v })],
            ["key", (v) => ({ [`k-${v}`]: "literal" })],
            ["arithmetic", (v) => (typeof v === "number" ? v * 2 + 1 : v)],
            ["json", (v) => JSON.stringify({ v })],
            ["uri", (v) => encodeURIComponent(String(v))],
        ];
        const literal = fc.oneof(
            fc.string(),
            fc.integer(),
            fc.boolean(),
            fc.constant("0.0.0.0/0"),
            fc.constant("NaN-free literal"),
        );
        const derived = fc.record({
            leaf: fc.constantFrom<Shape>(S, N),
            label: fc.constantFrom(
                "getZones.zones[0].id",
                "ecs.getImages#2.images[0].id",
                "vpc.getSwitches.ids[0]",
            ),
            how: fc.integer({ min: 0, max: derivations.length - 1 }),
        });
        const input = fc.dictionary(
            fc
                .string({ minLength: 1, maxLength: 8 })
                .filter((key) => !/NaN/.test(key) && key !== "__proto__"),
            fc.oneof(
                literal.map((value) => ({ derived: false as const, value })),
                derived.map((d) => ({ derived: true as const, ...d })),
            ),
            { minKeys: 1, maxKeys: 8 },
        );
        fc.assert(
            fc.property(input, (spec) => {
                const placeholders = new Placeholders(NONCE);
                placeholders.valueFor(N, "warm-up"); // both kinds handed out, as in a real program
                const props: Record<string, unknown> = {};
                for (const [key, entry] of Object.entries(spec)) {
                    props[key] = entry.derived
                        ? derivations[entry.how][1](
                              placeholders.valueFor(entry.leaf, entry.label) as string | number,
                          )
                        : entry.value;
                }
                const scrubbed = placeholders.scrub(props) as Record<string, unknown>;
                const text = JSON.stringify(scrubbed);
                assert.ok(!text.includes(NONCE), text);
                assert.ok(!text.includes("«"), text);
                assert.ok(!/(?<![A-Za-z0-9_])NaN(?![A-Za-z0-9_])/.test(text), text);
                for (const [key, entry] of Object.entries(spec)) {
                    if (!entry.derived) {
                        const literalText = String(entry.value);
                        const suspect = /(?<![A-Za-z0-9_])NaN(?![A-Za-z0-9_])/.test(literalText);
                        assert.deepStrictEqual(scrubbed[key], suspect ? UNKNOWN_SENTINEL : entry.value, key);
                    }
                }
            }),
            { numRuns: 300 },
        );
    });
});
