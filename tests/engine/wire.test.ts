import * as assert from "assert";
import { RESOURCE_REF_SIG, SECRET_SIG, SIG_KEY, UNKNOWN_SENTINEL } from "../../core/wire";
import { toAnalyzerValue, toDisplayValue } from "../../engine/wire";

const customRef = {
    [SIG_KEY]: RESOURCE_REF_SIG,
    urn: "urn:pulumi:dev::p::t::sg",
    id: "sg-123",
    packageVersion: "",
};
const unknownIdRef = { [SIG_KEY]: RESOURCE_REF_SIG, urn: "urn:pulumi:dev::p::t::sg2", id: "" };
const componentRef = { [SIG_KEY]: RESOURCE_REF_SIG, urn: "urn:pulumi:dev::p::c::tier" };
const secret = { [SIG_KEY]: SECRET_SIG, value: "hunter2" };

describe("engine/wire", () => {
    it("flattens resource references to the id (custom) or URN (component) for analyzers", () => {
        assert.deepStrictEqual(toAnalyzerValue({ a: customRef, b: [componentRef], c: unknownIdRef }), {
            a: "sg-123",
            b: ["urn:pulumi:dev::p::c::tier"],
            c: UNKNOWN_SENTINEL,
        });
    });

    it("keeps secrets and unknowns in wire form for the policy SDK, flattening inside secrets", () => {
        assert.deepStrictEqual(
            toAnalyzerValue({
                s: secret,
                u: UNKNOWN_SENTINEL,
                n: { [SIG_KEY]: SECRET_SIG, value: customRef },
            }),
            {
                s: secret,
                u: UNKNOWN_SENTINEL,
                n: { [SIG_KEY]: SECRET_SIG, value: "sg-123" },
            },
        );
    });

    it('shows unknowns as "[unknown]" and secrets as "[secret]" in reports, never the secret', () => {
        const shown = toDisplayValue({
            s: secret,
            list: [UNKNOWN_SENTINEL, 1, null],
            ref: customRef,
            plain: { a: "b" },
        });
        assert.deepStrictEqual(shown, {
            s: "[secret]",
            list: ["[unknown]", 1, null],
            ref: "urn:pulumi:dev::p::t::sg",
            plain: { a: "b" },
        });
        assert.ok(!JSON.stringify(shown).includes("hunter2"));
    });
});
