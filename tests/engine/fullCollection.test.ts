import * as assert from "assert";
import * as vm from "vm";
import { collectGarbage } from "../../engine/fullCollection";

describe("engine/fullCollection: a full collection from the user's node, without --expose-gc", () => {
    it("collects what nothing references any more", async () => {
        let garbage: object | undefined = { payload: new Array(1000).fill("x") };
        const ref = new WeakRef(garbage);
        garbage = undefined;
        // A WeakRef keeps its target for the rest of the task that created or read it.
        await new Promise((resolve) => setImmediate(resolve));
        collectGarbage();
        assert.strictEqual(ref.deref(), undefined);
    });

    it("leaves `gc` out of every context made afterwards, as it was", () => {
        collectGarbage();
        assert.strictEqual(vm.runInNewContext("typeof gc"), "undefined");
        assert.strictEqual(typeof (globalThis as { gc?: unknown }).gc, "undefined");
    });
});
