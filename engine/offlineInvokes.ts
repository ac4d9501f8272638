/**
 * Provider functions (data sources) in a program run offline. In a real preview the engine calls the provider,
 * which asks the cloud; offline nothing can, so the answer is **unknown**, like a computed output (DESIGN §6):
 *
 * - the resource monitor answers `Invoke` as the engine answers a call it cannot serve yet (`unknown`), unless
 *   `--invokes` pins an answer for the call, which it returns exactly as given;
 * - the SDK turns that into an unknown Output for the Output form (`getZonesOutput`), as in a preview;
 * - the promise form (`getZones().then(...)`, `await`) would resolve to `{}`, on which `zones[0].id` throws, so
 *   it resolves to a placeholder of the function's declared result shape instead (`placeholders.ts` keeps every
 *   value derived from it out of the recorded inputs).
 *
 * Every call is recorded (token, arguments, how it was answered, the user's line) for the reports.
 */
import * as path from "path";
import { DeclarationShapes, type ShapeLookup } from "./invokeShapes";
import type { PinnedInvokes } from "./pinnedInvokes";
import { invokeDisplayName } from "./pinnedInvokes";
import type { Placeholders } from "./placeholders";
import { LocatedProgramError } from "./programErrors";
import type { RecordedInvoke, SourcePosition } from "./types";
import {
    captureFrames,
    isOwnCode,
    isUserFile,
    nearestUserFrame,
    positionLabel,
    type Frame,
} from "./userFrames";

/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's runtime internals have no public types. */

/** What the host hands over from the SDK the program runs with. */
export interface InvokeRuntime {
    /** `@pulumi/pulumi/runtime`: the object providers call (`pulumi.runtime.invoke(...)`). */
    readonly runtime: any;
    /** `@pulumi/pulumi/runtime/invoke`, whose exports `runtime` copied. */
    readonly invokeModule: any;
    /** `@pulumi/pulumi/runtime/rpc`: `serializeProperties`, `unwrapSecretValues`. */
    readonly rpc: any;
    /** The `typescript` module the program runs with, loaded when a declaration must be read. */
    readonly typescript: () => object;
    /** Resolves a module from the program's directory (for a provider package named by a token). */
    readonly resolve: (id: string) => string;
}

type Form = "promise" | "single" | "output";

interface Call {
    readonly token: string;
    readonly form: Form;
    readonly label: string;
    /** The provider's JavaScript function that called the SDK, whose declaration gives the result shape. */
    readonly caller: Frame | undefined;
    readonly source: SourcePosition | null;
    /** The arguments in wire form (unknowns and secrets kept), as the SDK serializes them. */
    readonly args: Promise<Record<string, unknown>>;
    answer: "unknown" | "pinned";
    /** Settles when `answer` is final. */
    settled: Promise<unknown>;
}

const STACK_DEPTH = 40;

export class OfflineInvokes {
    private readonly calls: Call[] = [];
    private readonly callsPerToken = new Map<string, number>();
    private shapes: DeclarationShapes | undefined;

    constructor(
        private readonly sdk: InvokeRuntime,
        private readonly placeholders: Placeholders,
        private readonly pins: PinnedInvokes | undefined,
        private readonly projectDir: string,
    ) {}

    /** Replaces the SDK's invoke functions with ones that record each call and answer the promise form. */
    install(): void {
        const { runtime, invokeModule } = this.sdk;
        const original = {
            invoke: invokeModule.invoke,
            invokeSingle: invokeModule.invokeSingle,
            invokeOutput: invokeModule.invokeOutput,
            invokeSingleOutput: invokeModule.invokeSingleOutput,
        };
        const promiseForm =
            (form: "promise" | "single", sdkInvoke: (...args: any[]) => Promise<unknown>) =>
            (token: string, props: any, opts?: any, packageRef?: any): Promise<unknown> => {
                const call = this.begin(token, form, props);
                const sdkAnswer = sdkInvoke(token, props, opts, packageRef);
                const answered = this.answerPromise(call, form, sdkAnswer);
                call.settled = answered.catch(() => undefined);
                return answered;
            };
        const outputForm =
            (sdkInvoke: (...args: any[]) => any) =>
            (token: string, props: any, opts?: any, packageRef?: any): unknown => {
                const call = this.begin(token, "output", props);
                const output = sdkInvoke(token, props, opts, packageRef);
                // The monitor answers a known value only when it is pinned: an unknown result is an unpinned one.
                call.settled = Promise.resolve(output.isKnown).then(
                    (known: boolean) => (call.answer = known ? "pinned" : "unknown"),
                    () => undefined,
                );
                return output;
            };
        const replacements = {
            invoke: promiseForm("promise", original.invoke),
            invokeSingle: promiseForm("single", original.invokeSingle),
            invokeOutput: outputForm(original.invokeOutput),
            invokeSingleOutput: outputForm(original.invokeSingleOutput),
        };
        for (const target of new Set([runtime, invokeModule])) {
            Object.assign(target, replacements);
        }
    }

    /** The resource monitor's `Invoke`: the pinned answer for the call, or undefined (unknown). */
    monitorAnswer(token: string, args: Record<string, unknown>): Record<string, unknown> | undefined {
        return this.pins?.answerFor(token, args);
    }

    /** Every call so far, in call order, once each has been answered; identical calls are listed once. */
    async recorded(): Promise<RecordedInvoke[]> {
        await Promise.all(this.calls.map((call) => call.settled));
        const seen = new Set<string>();
        const records: RecordedInvoke[] = [];
        for (const call of this.calls) {
            const record: RecordedInvoke = {
                token: call.token,
                args: this.placeholders.scrub(await call.args),
                answer: call.answer,
                source: call.source,
            };
            const key = JSON.stringify(record);
            if (!seen.has(key)) {
                seen.add(key);
                records.push(record);
            }
        }
        return records;
    }

    /** Calls answered with a placeholder, for a hint when the program fails on one of their values. */
    placeholderCalls(): string[] {
        return this.calls
            .filter((call) => call.form !== "output" && call.answer === "unknown")
            .map((call) => this.describe(call))
            .filter((text, index, all) => all.indexOf(text) === index);
    }

    private begin(token: string, form: Form, props: any): Call {
        const frames = captureFrames(STACK_DEPTH);
        const ordinal = (this.callsPerToken.get(token) ?? 0) + 1;
        this.callsPerToken.set(token, ordinal);
        const user = nearestUserFrame(frames);
        const args: Promise<Record<string, unknown>> = Promise.resolve()
            .then(() => this.sdk.rpc.serializeProperties(`invoke:${token}`, props ?? {}))
            // A failing argument fails the SDK's own call, which reports it; the record keeps what is known.
            .catch(() => ({}));
        const call: Call = {
            token,
            form,
            label: `${invokeDisplayName(token)}${ordinal > 1 ? `#${ordinal}` : ""}`,
            caller: frames.find((frame) => !isOwnCode(frame.file)),
            source: user ? { file: user.file, line: user.line, column: user.column } : null,
            args,
            answer: "unknown",
            settled: args,
        };
        this.calls.push(call);
        return call;
    }

    private async answerPromise(call: Call, form: Form, sdkAnswer: Promise<unknown>): Promise<unknown> {
        // The SDK's own path runs first: argument serialization, the provider, the monitor's answer.
        await sdkAnswer;
        const [plainArgs] = this.sdk.rpc.unwrapSecretValues(await call.args) as [Record<string, unknown>];
        const pinned = this.pins?.answerFor(call.token, plainArgs);
        if (pinned) {
            call.answer = "pinned";
            return form === "single" ? Object.values(pinned)[0] : pinned;
        }
        const lookup = this.resultShape(call);
        if (!lookup.shape) {
            // Paths inside the project read relative to it, as every location in a message does.
            const problem = lookup.problem.split(this.projectDir + path.sep).join("");
            throw new LocatedProgramError(
                `cannot answer the data source ${call.token} offline (called at ${this.where(call)}): no installed ` +
                    `declaration gives the shape of its result (${problem}); pin its answer with --invokes FILE`,
                call.source,
            );
        }
        return this.placeholders.valueFor(lookup.shape, call.label);
    }

    /**
     * The result shape, from the declaration beside the provider function that called the SDK
     * (`node_modules/@pulumi/alicloud/getZones.js` → `getZones.d.ts`), else from the package the token names
     * (`alicloud:ecs/getImages:getImages` → `@pulumi/alicloud/ecs/getImages.d.ts`) when a program calls
     * `pulumi.runtime.invoke` itself.
     */
    private resultShape(call: Call): ShapeLookup {
        this.shapes ??= new DeclarationShapes(this.sdk.typescript());
        const caller = call.caller && !isUserFile(call.caller.file) ? call.caller : undefined;
        const fn = caller?.fn?.split(".").pop();
        const fromCaller = caller ? this.shapes.resultOf(caller.file, fn) : undefined;
        if (fromCaller?.shape) {
            return fromCaller;
        }
        const [pkg, member, name] = call.token.split(":");
        const [module, file] = (member ?? "").split("/");
        let root: string;
        try {
            root = path.dirname(this.sdk.resolve(`@pulumi/${pkg}/package.json`));
        } catch {
            return fromCaller ?? { problem: `@pulumi/${pkg} is not installed` };
        }
        return this.shapes.resultOf(
            path.join(root, module === "index" ? "" : module, `${file ?? name}.js`),
            name,
        );
    }

    private where(call: Call): string {
        return call.source ? positionLabel(call.source, this.projectDir) : "an unknown line";
    }

    private describe(call: Call): string {
        return `${invokeDisplayName(call.token)} at ${this.where(call)}`;
    }
}
