import * as assert from "node:assert/strict";
import { renderProblem } from "../../core/problems";
import fc from "fast-check";
import {
    EVERY_PORT,
    formatPortRange,
    isAllPorts,
    parsePortRange,
    portRangeProblems,
    PROTOCOLS,
    PortRange,
} from "../../core";
import { mergePortRanges, parseProtocol, portRangeError } from "../../core/ports";

const portArb = fc.integer({ min: 1, max: 65535 });
const validRangeArb = fc
    .tuple(portArb, portArb)
    .map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) }));

describe("core/ports", () => {
    it("format then parse returns the same range for every valid tcp/udp range", () => {
        fc.assert(
            fc.property(validRangeArb, (range) => {
                assert.deepEqual(parsePortRange(formatPortRange(range)), range);
            }),
            { numRuns: 2000 },
        );
    });

    it("parse then format returns the text for every well-formed start/end text", () => {
        fc.assert(
            fc.property(fc.integer({ min: -1, max: 99999 }), fc.integer({ min: -1, max: 99999 }), (a, b) => {
                const text = `${a}/${b}`;
                const range = parsePortRange(text);
                assert.ok(range);
                assert.equal(formatPortRange(range), text);
            }),
        );
    });

    it("rejects texts that are not start/end", () => {
        for (const text of ["", "22", "22-80", "a/b", "1/2/3", " /22", "1.5/2", undefined, 22, null, {}]) {
            assert.equal(parsePortRange(text), undefined, `accepted ${String(text)}`);
        }
    });

    it("accepts a tcp/udp range exactly when 1 <= start <= end <= 65535", () => {
        const reference = (r: PortRange) => r.from >= 1 && r.to <= 65535 && r.from <= r.to;
        fc.assert(
            fc.property(
                fc.integer({ min: -2, max: 70000 }),
                fc.integer({ min: -2, max: 70000 }),
                (from, to) => {
                    for (const protocol of ["tcp", "udp"] as const) {
                        assert.equal(
                            portRangeError(protocol, { from, to }) === undefined,
                            reference({ from, to }),
                        );
                    }
                },
            ),
            { numRuns: 2000 },
        );
    });

    it("accepts only -1/-1 on icmp, icmpv6, gre and all", () => {
        for (const protocol of ["icmp", "icmpv6", "gre", "all"] as const) {
            assert.equal(portRangeError(protocol, { from: -1, to: -1 }), undefined);
            assert.match(portRangeError(protocol, { from: 22, to: 22 }) ?? "", /-1\/-1/);
            assert.match(portRangeError(protocol, EVERY_PORT) ?? "", /-1\/-1/);
        }
    });

    it("names the field and the value in every problem", () => {
        assert.deepEqual(portRangeProblems("tcp", "200/1", "ingress.web.ports").map(renderProblem), [
            'ingress.web.ports must have start <= end (got "200/1")',
        ]);
        assert.deepEqual(
            portRangeProblems("tcp", "-1/-1", "rule.portRange").map((p) => p.path),
            ["rule.portRange"],
        );
        assert.match(
            renderProblem(portRangeProblems("gre", "22/22", "x")[0]),
            /^x must be "-1\/-1" for protocol gre/,
        );
        assert.match(renderProblem(portRangeProblems("udp", "ssh", "x")[0]), /got "ssh"/);
    });

    it("knows all-ports forms: -1/-1 on all, 1/65535 on tcp/udp, not narrower ranges", () => {
        assert.equal(isAllPorts("all", { from: -1, to: -1 }), true);
        assert.equal(isAllPorts("tcp", { from: 1, to: 65535 }), true);
        assert.equal(isAllPorts("udp", { from: 1, to: 65534 }), false);
        assert.equal(isAllPorts("tcp", { from: 2, to: 65535 }), false);
    });

    it("reads protocols case-insensitively and refuses unknown ones", () => {
        assert.equal(parseProtocol("TCP"), "tcp");
        assert.equal(parseProtocol(" all "), "all");
        assert.equal(parseProtocol("sctp"), undefined);
        assert.equal(parseProtocol(6), undefined);
        assert.deepEqual([...PROTOCOLS], ["tcp", "udp", "icmp", "icmpv6", "gre", "all"]);
    });

    it("merges ranges into disjoint, non-adjacent, sorted intervals covering the same ports", () => {
        const small = fc.integer({ min: 1, max: 200 });
        const rangeArb = fc
            .tuple(small, small)
            .map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) }));
        fc.assert(
            fc.property(fc.array(rangeArb, { maxLength: 12 }), (ranges) => {
                const merged = mergePortRanges(ranges);
                const covered = (rs: PortRange[], p: number) => rs.some((r) => r.from <= p && p <= r.to);
                for (let p = 0; p <= 201; p++) {
                    assert.equal(covered(merged, p), covered(ranges, p), `port ${p}`);
                }
                for (let i = 1; i < merged.length; i++) {
                    assert.ok(merged[i].from > merged[i - 1].to + 1, "intervals touch or overlap");
                }
            }),
            { numRuns: 1000 },
        );
    });
});
