import * as assert from "node:assert/strict";
import { renderProblem } from "../../core/problems";
import fc from "fast-check";
import {
    cidrContains,
    cidrProblems,
    cidrsOverlap,
    isAnyAddress,
    isBroadCidr,
    isPrivateCidr,
    parseCidr,
} from "../../core";
import { cidrRange, isOpenInternet } from "../../core/cidr";

/** A reference written independently of ipaddr.js: IPv4 as a 32-bit number, IPv6 as eight 16-bit groups. */
const v4Text = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 0xff).join(".");
const v6Text = (n: bigint) =>
    Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(":");
const blockOf = (value: bigint, prefix: number, bits: number) => {
    const size = 1n << BigInt(bits - prefix);
    const first = (value / size) * size;
    return { first, last: first + size - 1n };
};

const v4Arb = fc.record({
    address: fc.integer({ min: 0, max: 0xffffffff }),
    prefix: fc.integer({ min: 0, max: 32 }),
});
const v6Arb = fc.record({
    address: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
    prefix: fc.integer({ min: 0, max: 128 }),
});

describe("core/cidr", () => {
    it("computes IPv4 block bounds like a plain 32-bit reference", () => {
        fc.assert(
            fc.property(v4Arb, ({ address, prefix }) => {
                const cidr = parseCidr(`${v4Text(address)}/${prefix}`);
                assert.ok(cidr);
                assert.deepEqual(
                    { first: cidrRange(cidr).first, last: cidrRange(cidr).last },
                    blockOf(BigInt(address), prefix, 32),
                );
                assert.equal(cidr.prefix, prefix);
            }),
            { numRuns: 2000 },
        );
    });

    it("decides IPv4 containment and overlap like interval comparison on the reference", () => {
        fc.assert(
            fc.property(v4Arb, v4Arb, (a, b) => {
                const ca = parseCidr(`${v4Text(a.address)}/${a.prefix}`)!;
                const cb = parseCidr(`${v4Text(b.address)}/${b.prefix}`)!;
                const ra = blockOf(BigInt(a.address), a.prefix, 32);
                const rb = blockOf(BigInt(b.address), b.prefix, 32);
                assert.equal(cidrContains(ca, cb), ra.first <= rb.first && rb.last <= ra.last);
                assert.equal(cidrsOverlap(ca, cb), ra.first <= rb.last && rb.first <= ra.last);
            }),
            { numRuns: 3000 },
        );
    });

    it("decides IPv6 containment like interval comparison on the reference", () => {
        fc.assert(
            fc.property(v6Arb, fc.integer({ min: 0, max: 128 }), (a, innerPrefix) => {
                const outer = parseCidr(`${v6Text(a.address)}/${a.prefix}`)!;
                const inner = parseCidr(`${v6Text(a.address)}/${innerPrefix}`)!;
                assert.equal(cidrContains(outer, inner), innerPrefix >= a.prefix);
                const ref = blockOf(a.address, a.prefix, 128);
                assert.deepEqual({ first: cidrRange(outer).first, last: cidrRange(outer).last }, ref);
            }),
            { numRuns: 2000 },
        );
    });

    it("judges broadness by prefix length against /16 and /48 unless told otherwise", () => {
        fc.assert(
            fc.property(v4Arb, v6Arb, (a, b) => {
                assert.equal(isBroadCidr(parseCidr(`${v4Text(a.address)}/${a.prefix}`)!), a.prefix < 16);
                assert.equal(isBroadCidr(parseCidr(`${v6Text(b.address)}/${b.prefix}`)!), b.prefix < 48);
                assert.equal(
                    isBroadCidr(parseCidr(`${v4Text(a.address)}/${a.prefix}`)!, { minIpv4Prefix: 24 }),
                    a.prefix < 24,
                );
            }),
        );
    });

    it("classifies private space (RFC 1918 and fc00::/7) and the open Internet", () => {
        const cases: [string, boolean, boolean][] = [
            // text, private, open Internet
            ["10.0.0.0/8", true, false],
            ["10.1.2.3/32", true, false],
            ["172.16.0.0/12", true, false],
            ["172.15.0.0/16", false, false],
            ["172.0.0.0/8", false, true],
            ["192.168.10.0/24", true, false],
            ["0.0.0.0/0", false, true],
            ["8.8.8.8/32", false, false],
            ["47.0.0.0/8", false, true],
            ["::/0", false, true],
            ["fd00:1::/64", true, false],
            ["2001:db8::/32", false, true],
            ["2001:db8::/64", false, false],
        ];
        for (const [text, isPrivate, open] of cases) {
            const cidr = parseCidr(text)!;
            assert.equal(isPrivateCidr(cidr), isPrivate, `${text} private`);
            assert.equal(isOpenInternet(cidr), open, `${text} open Internet`);
        }
        assert.equal(isAnyAddress(parseCidr("0.0.0.0/0")!), true);
        assert.equal(isAnyAddress(parseCidr("0.0.0.0/1")!), false);
    });

    it("keeps the text as written and clears host bits only in the network", () => {
        const cidr = parseCidr("10.1.2.3/8")!;
        assert.equal(cidr.text, "10.1.2.3/8");
        assert.equal(cidr.network, "10.0.0.0");
        assert.equal(parseCidr("192.168.1.7")!.prefix, 32);
        assert.equal(parseCidr("2001:db8::1")!.prefix, 128);
    });

    it("hands out blocks nobody can change, as a repeated text shares one parse", () => {
        const cidr = parseCidr("10.0.0.0/8")!;
        assert.ok(Object.isFrozen(cidr));
        assert.throws(() => {
            (cidr as { prefix: number }).prefix = 0;
        }, TypeError);
        assert.equal(parseCidr("10.0.0.0/8")!.prefix, 8);
        assert.deepStrictEqual(cidrRange(parseCidr(" 10.0.0.0/8 ")!), cidrRange(cidr));
    });

    it("refuses malformed blocks with a message naming field and value", () => {
        for (const text of [
            "10.0.0.0/33",
            "10.0.0/8",
            "10.1/8",
            "300.0.0.0/8",
            "::/129",
            "abc",
            "",
            "1.2.3.4/",
            42,
        ]) {
            assert.equal(parseCidr(text), undefined, `accepted ${String(text)}`);
        }
        assert.deepEqual(cidrProblems("10.0.0.0/33", "publicCidrs[0]").map(renderProblem), [
            'publicCidrs[0] must be a CIDR block such as "192.168.1.0/24" (got "10.0.0.0/33")',
        ]);
        assert.match(
            renderProblem(cidrProblems("::/0", "cidr", "ipv4")[0]),
            /must be an IPv4 CIDR block \(got "::\/0"\)/,
        );
        assert.deepEqual(cidrProblems("10.0.0.0/16", "cidr", "ipv4"), []);
    });
});
