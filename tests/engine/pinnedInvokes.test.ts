import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GateError } from "../../engine/errors";
import { invokeDisplayName, invokeNames, readPinnedInvokes } from "../../engine/pinnedInvokes";

const ZONES = "alicloud:index/getZones:getZones";
const IMAGES = "alicloud:ecs/getImages:getImages";

function file(name: string, text: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pins-"));
    const target = path.join(dir, name);
    fs.writeFileSync(target, text);
    return target;
}

function refusal(text: string, name = "pins.yaml"): string {
    const pins = file(name, text);
    try {
        readPinnedInvokes(pins);
    } catch (err) {
        assert.ok(err instanceof GateError, String(err));
        return err.message.replace(pins, "FILE");
    }
    throw new Error("the file was accepted");
}

describe("engine/pinnedInvokes: --invokes FILE", () => {
    it("names a function by its token or as a program calls it", () => {
        assert.deepStrictEqual(invokeNames(ZONES), [
            ZONES,
            "getZones",
            "alicloud.getZones",
            "index.getZones",
            "alicloud.index.getZones",
        ]);
        assert.deepStrictEqual(invokeNames(IMAGES), [IMAGES, "ecs.getImages", "alicloud.ecs.getImages"]);
        assert.deepStrictEqual(
            [invokeDisplayName(ZONES), invokeDisplayName(IMAGES)],
            ["getZones", "ecs.getImages"],
        );
    });

    it("answers a call with the entry for exactly its arguments, else the key's default, else nothing", () => {
        const pins = readPinnedInvokes(
            file(
                "pins.yaml",
                [
                    "getZones:",
                    "  answer: { ids: [cn-hangzhou-h], zones: [{ id: cn-hangzhou-h }] }",
                    "alicloud.ecs.getImages:",
                    "  - args: { nameRegex: ^ubuntu_22, owners: system, mostRecent: true }",
                    "    answer: { ids: [ubuntu_22_04_x64_20G_alibase_20240130.vhd] }",
                    "  - answer: { ids: [aliyun_3_x64_20G_alibase_20240101.vhd] }",
                    "",
                ].join("\n"),
            ),
        );
        assert.deepStrictEqual(pins.answerFor(ZONES, { availableResourceCreation: "VSwitch" }), {
            ids: ["cn-hangzhou-h"],
            zones: [{ id: "cn-hangzhou-h" }],
        });
        // Arguments left undefined are absent, as on the wire.
        assert.deepStrictEqual(
            pins.answerFor(IMAGES, {
                nameRegex: "^ubuntu_22",
                owners: "system",
                mostRecent: true,
                osType: undefined,
            }),
            { ids: ["ubuntu_22_04_x64_20G_alibase_20240130.vhd"] },
        );
        // Not a subset match: other arguments, other answer.
        assert.deepStrictEqual(pins.answerFor(IMAGES, { nameRegex: "^ubuntu_22", owners: "system" }), {
            ids: ["aliyun_3_x64_20G_alibase_20240101.vhd"],
        });
        assert.strictEqual(pins.answerFor("alicloud:ecs/getInstanceTypes:getInstanceTypes", {}), undefined);
        // Each answer is a copy: a program that changes one cannot change the next.
        const first = pins.answerFor(ZONES, {}) as { ids: string[] };
        first.ids.push("changed");
        assert.deepStrictEqual(pins.answerFor(ZONES, {}), {
            ids: ["cn-hangzhou-h"],
            zones: [{ id: "cn-hangzhou-h" }],
        });
        assert.deepStrictEqual(pins.unused([IMAGES]), ["getZones"]);
    });

    it("reads JSON as well", () => {
        const pins = readPinnedInvokes(
            file(
                "pins.json",
                JSON.stringify({ [IMAGES]: [{ args: { owners: "system" }, answer: { ids: ["m-1"] } }] }),
            ),
        );
        assert.deepStrictEqual(pins.answerFor(IMAGES, { owners: "system" }), { ids: ["m-1"] });
        assert.strictEqual(pins.answerFor(IMAGES, { owners: "self" }), undefined);
    });

    it("refuses one function named by two keys, when it is called", () => {
        const pins = readPinnedInvokes(
            file("pins.yaml", "getZones:\n  answer: {}\nalicloud.getZones:\n  answer: {}\n"),
        );
        assert.throws(
            () => pins.answerFor(ZONES, {}),
            (err: unknown) =>
                err instanceof GateError &&
                err.message ===
                    `--invokes ${pins.file}: "getZones" and "alicloud.getZones" both name ${ZONES}; keep one`,
        );
    });

    it("refuses a malformed file, naming the key and the value", () => {
        assert.strictEqual(
            refusal("- getZones\n"),
            '--invokes FILE: must be a mapping from data source (token or module.function) to answers (got ["getZones"])',
        );
        assert.strictEqual(
            refusal("getZones:\n  ids: [cn-hangzhou-h]\n"),
            '--invokes FILE: getZones must be {args?, answer} with answer a mapping of the result\'s fields (got {"ids":["cn-hangzhou-h"]})',
        );
        assert.strictEqual(
            refusal("ecs.getImages:\n  - answer: {}\n  - args: [1]\n    answer: {}\n"),
            "--invokes FILE: ecs.getImages[1].args must be a mapping of argument names to values (got [1])",
        );
        assert.strictEqual(
            refusal("ecs.getImages:\n  - answer: {}\n    note: x\n"),
            "--invokes FILE: ecs.getImages[0] takes only args and answer (got note)",
        );
        assert.strictEqual(
            refusal("ecs.getImages:\n  - answer: {}\n  - answer: {ids: []}\n"),
            "--invokes FILE: ecs.getImages[1] pins the same arguments as ecs.getImages[0]",
        );
        assert.strictEqual(
            refusal("ecs.getImages: []\n"),
            "--invokes FILE: ecs.getImages must list at least one {args?, answer} entry",
        );
        assert.match(refusal("getZones: [\n"), /^--invokes FILE: not a readable YAML or JSON file: /);
    });
});
