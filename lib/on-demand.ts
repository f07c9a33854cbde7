// Blueprints as data (the spec loader) and the insight tools (footprint, diagram) are loaded when
// first called: their modules take ~10 ms to load, which every synthesis would pay otherwise, and
// most programs use neither. Each export here has the type and behaviour of the function it loads.
import type * as Diagram from "./insight/diagram";
import type * as Footprint from "./insight/footprint";
import type * as Render from "./insight/render";
import type * as Load from "./blueprints/load";
import type * as Source from "./blueprints/source";
import type { PlatformSpecDocument } from "./blueprints/source";

/* eslint-disable @typescript-eslint/no-require-imports */
const load = () => require("./blueprints/load") as typeof Load;
const source = () => require("./blueprints/source") as typeof Source;
const footprint = () => require("./insight/footprint") as typeof Footprint;
const render = () => require("./insight/render") as typeof Render;
const diagram = () => require("./insight/diagram") as typeof Diagram;

/** {@inheritDoc Load.loadPlatformSpec} */
export const loadPlatformSpec: typeof Load.loadPlatformSpec = (...args) => load().loadPlatformSpec(...args);
/** {@inheritDoc Load.platformFromSpec} */
export const platformFromSpec: typeof Load.platformFromSpec = (...args) => load().platformFromSpec(...args);
/** {@inheritDoc Source.readPlatformSpec} */
export const readPlatformSpec: typeof Source.readPlatformSpec = (...args) => source().readPlatformSpec(...args);
/** {@inheritDoc Source.isPlatformSpecDocument} */
export function isPlatformSpecDocument(value: unknown): value is PlatformSpecDocument {
  return source().isPlatformSpecDocument(value);
}
/** {@inheritDoc Footprint.platformFootprint} */
export const platformFootprint: typeof Footprint.platformFootprint = (...args) => footprint().platformFootprint(...args);
/** {@inheritDoc Render.renderFootprint} */
export const renderFootprint: typeof Render.renderFootprint = (...args) => render().renderFootprint(...args);
/** {@inheritDoc Render.footprintFailures} */
export const footprintFailures: typeof Render.footprintFailures = (...args) => render().footprintFailures(...args);
/** {@inheritDoc Diagram.platformDiagram} */
export const platformDiagram: typeof Diagram.platformDiagram = (...args) => diagram().platformDiagram(...args);
/** {@inheritDoc Diagram.mermaidText} */
export const mermaidText: typeof Diagram.mermaidText = (...args) => diagram().mermaidText(...args);
