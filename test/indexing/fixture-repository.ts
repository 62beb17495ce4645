import type { Embedder } from "../../src/embeddings/embedder.ts";
import { createLocalEmbedder } from "../../src/embeddings/local-embedder.ts";
import type { TarEntry } from "../helpers/make-tarball.ts";

export const MATH_TS = `/** Adds the tax rate to a net price. */
export function addTax(net: number, rate: number): number {
  return roundCents(net * (1 + rate));
}

export function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}
`;

export const CHECKOUT_TS = `import { addTax } from "./math";

export class Checkout {
  private items: number[] = [];

  add(price: number): void {
    this.items.push(price);
  }

  total(rate: number): number {
    return this.items.reduce((sum, price) => sum + addTax(price, rate), 0);
  }
}
`;

export const INVOICE_PY = `def render_invoice(lines):
    """Formats invoice lines as text."""
    return "\\n".join(format_line(line) for line in lines)


def format_line(line):
    return f"{line.name}: {line.amount:.2f}"
`;

/** A small repository with real code, plus every kind of entry the indexer must skip or survive. */
export function fixtureEntries(): TarEntry[] {
  return [
    { path: "src/math.ts", content: MATH_TS },
    { path: "src/checkout.ts", content: CHECKOUT_TS },
    { path: "billing/invoice.py", content: INVOICE_PY },
    { path: ".github/revue.yml", content: 'ignore: ["docs/**"]\n' },
    { path: "docs/guide.md", content: "# Guide\n\nHow to use addTax.\n" },
    { path: "src/link.ts", symlink: "math.ts" },
    { path: "src/hard.ts", hardlink: "src/math.ts" },
    { path: "lib/submodule", directory: true },
    { path: "node_modules/left-pad/index.js", content: "module.exports = () => {};\n" },
    { path: "dist/bundle.js", content: "console.log(1);\n" },
    { path: "assets/logo.png", content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]) },
    { path: "data/blob.txt", content: Buffer.from([0x61, 0, 0x62, 0x0a]) },
    { path: "src/huge.ts", content: `export const big = "${"x".repeat(60_000)}";\n` },
    { path: "web/app.js", content: `var a=1;${"b();".repeat(2000)}\n` },
    // Latin-1, not UTF-8: "café" with a lone 0xE9 byte.
    { path: "legacy/menu.rb", content: Buffer.from("def cafe\n  puts 'caf\xe9'\nend\n", "latin1") },
    { path: "src/broken.ts", content: "export function (((( {\n  return ]]]\n}}}\nclass {\n" },
  ];
}

/** The local embedder, counting what it is asked to embed. */
export function countingEmbedder(base: Embedder = createLocalEmbedder()): Embedder & {
  texts: string[];
} {
  const texts: string[] = [];
  return {
    model: base.model,
    dimensions: base.dimensions,
    texts,
    embed: async (inputs, options) => {
      texts.push(...inputs);
      return base.embed(inputs, options);
    },
  };
}

/** A stand-in for another model: a different name and 768 dimensions (the local vector, padded). */
export function otherModelEmbedder(): Embedder & { texts: string[] } {
  const local = createLocalEmbedder();
  const texts: string[] = [];
  return {
    model: "test-other-768",
    dimensions: 768,
    texts,
    embed: async (inputs) => {
      texts.push(...inputs);
      const vectors = await local.embed(inputs);
      return vectors.map((v) => [...v, ...new Array<number>(384).fill(0)]);
    },
  };
}
