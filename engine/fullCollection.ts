import * as v8 from "v8";
import * as vm from "vm";

/**
 * A full garbage collection, now. V8 lets a heap grow to two or three times what is live before it collects,
 * which is right for a process on its own; the gate's audit runs beside a pack that holds the whole decoded
 * stack, and the garbage the gate leaves while it drives tens of thousands of `Analyze` calls would sit in memory
 * at the moment that pack peaks (190 MB of `npm run bench`'s account). The gate runs in the user's `node`,
 * without `--expose-gc`, so the flag is set for a moment and the function taken from a new context, as jest's
 * leak detector does. Where that is refused, nothing is collected early: only memory is at stake.
 */
export function collectGarbage(): void {
    collect ??= exposedGc();
    collect?.();
}

let collect: (() => void) | null | undefined;

function exposedGc(): (() => void) | null {
    try {
        v8.setFlagsFromString("--expose-gc");
        const gc: unknown = vm.runInNewContext("gc");
        return typeof gc === "function" ? (gc as () => void) : null;
    } catch {
        return null;
    } finally {
        v8.setFlagsFromString("--no-expose-gc");
    }
}
