/**
 * Values for data sources answered offline, and how they are kept from passing as real ones.
 *
 * A promise-form data source (`await alicloud.getZones()`) must resolve to a value the program can index, so it
 * gets a value of the function's result shape (lists of one element, nested objects filled). Nothing in it is
 * real, and nothing derived from it may reach a policy as if it were:
 *
 * - every string is a marker `«<where it came from>:<nonce>»`, the nonce random per run, so a string input
 *   containing the nonce (the value itself, `${zone}-a`, a list or map entry, the result of an `apply`) is
 *   recorded as the unknown sentinel, as a computed output is in a preview;
 * - every number is NaN, which survives arithmetic (`cores * 2`) and prints as `NaN` in a template string;
 * - booleans cannot be marked: they are `false`, and the report says where data sources were answered offline;
 * - maps are empty: their keys are unknown.
 *
 * Output-form calls (`getZonesOutput()`) need none of this: they are unknown Outputs, as in a preview.
 */
import { randomBytes } from "crypto";
import type { Shape } from "./invokeShapes";
import { SECRET_SIG, SIG_KEY, UNKNOWN_SENTINEL } from "../core/wire";

/** A whole word `NaN`: what a NaN placeholder becomes in a string. */
const NAN_WORD = /(?<![A-Za-z0-9_])NaN(?![A-Za-z0-9_])/;

export class Placeholders {
    private served = false;
    private numbersServed = false;
    private readonly marker: RegExp;

    /** @param nonce random per run; decimal digits, so that `toUpperCase()` and the like keep it. */
    constructor(readonly nonce: string = randomBytes(8).readBigUInt64BE().toString().padStart(20, "0")) {
        if (!/^[0-9]{12,}$/.test(nonce)) {
            throw new Error(
                `a placeholder nonce must be at least 12 decimal digits (got ${JSON.stringify(nonce)})`,
            );
        }
        this.marker = new RegExp(`«([^«»]*):${nonce}»`, "g");
    }

    /** Whether any placeholder has been handed out: a value recorded before holds none. */
    get active(): boolean {
        return this.served;
    }

    /**
     * A value of `shape` whose strings name `label` and the path inside it: `label` is what the program called
     * (`getZones`, `ecs.getImages#2` for the second call), so a name built from it reads `vsw-[getZones.zones[0].id]`.
     */
    valueFor(shape: Shape, label: string): unknown {
        this.served = true;
        switch (shape.kind) {
            case "string":
            case "opaque":
                return `«${label}:${this.nonce}»`;
            case "number":
                this.numbersServed = true;
                return Number.NaN;
            case "boolean":
                return false;
            case "list":
                return [this.valueFor(shape.element, `${label}[0]`)];
            case "map":
                return {};
            case "object": {
                const value: Record<string, unknown> = {};
                for (const [key, field] of Object.entries(shape.fields)) {
                    value[key] = this.valueFor(field, `${label}.${key}`);
                }
                return value;
            }
        }
    }

    /** Whether `value` is, or was built from, a placeholder. */
    derived(value: unknown): boolean {
        if (typeof value === "string") {
            return value.includes(this.nonce) || (this.numbersServed && NAN_WORD.test(value));
        }
        return typeof value === "number" && Number.isNaN(value) && this.numbersServed;
    }

    /**
     * `value` (wire form) with everything derived from a placeholder replaced by the unknown sentinel: strings
     * and numbers, and whole maps whose keys are derived. Secrets stay secrets. Unchanged parts are returned as
     * they are.
     */
    scrub<T>(value: T): T {
        if (!this.served) {
            return value;
        }
        return this.scrubValue(value) as T;
    }

    private scrubValue(value: unknown): unknown {
        if (this.derived(value)) {
            return UNKNOWN_SENTINEL;
        }
        if (Array.isArray(value)) {
            let changed = false;
            const scrubbed = value.map((item) => {
                const next = this.scrubValue(item);
                changed ||= !Object.is(next, item);
                return next;
            });
            return changed ? scrubbed : value;
        }
        if (typeof value !== "object" || value === null) {
            return value;
        }
        const entries = Object.entries(value);
        if (entries.some(([key]) => this.derived(key))) {
            const record = value as Record<string, unknown>;
            return record[SIG_KEY] === SECRET_SIG
                ? { [SIG_KEY]: SECRET_SIG, value: UNKNOWN_SENTINEL }
                : UNKNOWN_SENTINEL;
        }
        let changed = false;
        const scrubbed: Record<string, unknown> = {};
        for (const [key, inner] of entries) {
            scrubbed[key] = this.scrubValue(inner);
            changed ||= !Object.is(scrubbed[key], inner);
        }
        return changed ? scrubbed : value;
    }

    /** `text` with each marker replaced by `[where it came from]`: for names and messages. */
    readable(text: string): string {
        if (!this.served || !text.includes(this.nonce)) {
            return text;
        }
        return text.replace(this.marker, "[$1]").split(this.nonce).join("");
    }
}
