// Parses Mermaid diagrams with the real parser (the `mermaid` package), for test/diagram.test.ts.
// Input on stdin: JSON { name: text }. Output on stdout: JSON { name: { ok, error?, diagramType?,
// vertices?, edges?, subgraphs? } }. An ES module of its own, because mermaid is ESM-only and the
// tests run as CommonJS. Mermaid sanitizes labels with DOMPurify, which needs a DOM: jsdom gives it one.
import { JSDOM } from "jsdom";

const { window } = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = {};
for (const [name, text] of Object.entries(JSON.parse(input))) {
  try {
    const { diagramType } = await mermaid.parse(text);
    // What the parser built: the nodes, edges and subgraphs the text really declares.
    const db = (await mermaid.mermaidAPI.getDiagramFromText(text)).db;
    const vertices = db.getVertices();
    results[name] = {
      ok: true,
      diagramType,
      vertices: Object.fromEntries([...(vertices instanceof Map ? vertices.values() : Object.values(vertices))].map((v) => [v.id, v.text])),
      edges: db.getEdges().map((e) => ({ start: e.start, end: e.end, text: e.text })),
      subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: s.title, nodes: [...s.nodes] })),
    };
  } catch (error) {
    results[name] = { ok: false, error: String(error?.message ?? error) };
  }
}
process.stdout.write(JSON.stringify(results));
