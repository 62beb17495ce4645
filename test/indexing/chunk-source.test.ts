import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chunkSource, type Chunk } from "../../src/indexing/chunk-source.ts";

const fixturesDirectory = new URL("../fixtures/sources/", import.meta.url);

function fixture(relativePath: string): string {
  return readFileSync(new URL(relativePath, fixturesDirectory), "utf8");
}

/** `"method 87-92 Parser.constructor constructor"`: one line per chunk, easy to compare. */
function outline(chunks: Chunk[]): string[] {
  return chunks.map((chunk) =>
    [chunk.kind, `${chunk.startLine}-${chunk.endLine}`, ...chunk.symbols].join(" "),
  );
}

/** The only chunk defining `symbol`; fails when there is none or more than one. */
function only(chunks: Chunk[], symbol: string): Chunk {
  const found = chunks.filter((chunk) => chunk.symbols.includes(symbol));
  expect(found, `chunks defining ${symbol}`).toHaveLength(1);
  return found[0]!;
}

function line(content: string, lineNumber: number): string {
  return content.split("\n")[lineNumber - 1]!;
}

/**
 * What must hold for every file: chunks in order, no overlap, every non-blank line in one chunk,
 * no syntax chunk longer than the limit, content = prefix + the chunk's own lines, hash of content.
 */
function expectWellFormed(chunks: Chunk[], content: string, maxChunkLines = 120): void {
  const lines = content.split("\n");
  const covered = new Set<number>();
  let previousEnd = 0;
  for (const chunk of chunks) {
    expect(chunk.startLine).toBeGreaterThan(previousEnd);
    expect(chunk.endLine).toBeGreaterThanOrEqual(chunk.startLine);
    expect(chunk.endLine - chunk.startLine + 1).toBeLessThanOrEqual(maxChunkLines);
    const own = lines.slice(chunk.startLine - 1, chunk.endLine).join("\n");
    expect(chunk.content.endsWith(own)).toBe(true);
    expect(lines[chunk.startLine - 1]!.trim()).not.toBe("");
    expect(lines[chunk.endLine - 1]!.trim()).not.toBe("");
    expect(chunk.contentHash).toBe(createHash("sha256").update(chunk.content).digest("hex"));
    expect(new Set(chunk.references).size).toBe(chunk.references.length);
    for (const name of chunk.references) {
      expect(name.length).toBeGreaterThanOrEqual(2);
      expect(chunk.symbols).not.toContain(name);
    }
    for (let row = chunk.startLine; row <= chunk.endLine; row++) covered.add(row);
    previousEnd = chunk.endLine;
  }
  const lost = lines.flatMap((text, index) =>
    text.trim() !== "" && !covered.has(index + 1) ? [index + 1] : [],
  );
  expect(lost).toEqual([]);
}

describe("chunkSource on real files", () => {
  it("python: functions, a class split into methods, a method split into pieces", async () => {
    const content = fixture("python/shlex.py");
    const chunks = await chunkSource("Lib/shlex.py", content);
    expectWellFormed(chunks, content);
    expect(outline(chunks)).toEqual([
      "module 1-17 __all__",
      "class 19-20 shlex",
      "method 21-66 shlex.__init__ __init__",
      "method 68-70 shlex.punctuation_chars punctuation_chars",
      "method 72-76 shlex.push_token push_token",
      "method 78-90 shlex.push_source push_source",
      "method 92-99 shlex.pop_source pop_source",
      "method 101-131 shlex.get_token get_token",
      "method 133-217 shlex.read_token read_token",
      "method 218-277 shlex.read_token read_token",
      "method 279-286 shlex.sourcehook sourcehook",
      "method 288-294 shlex.error_leader error_leader",
      "method 296-297 shlex.__iter__ __iter__",
      "method 299-303 shlex.__next__ __next__",
      "function 305-315 split",
      "function 318-320 join",
      "block 323-323 _find_unsafe",
      "function 325-334 quote",
      "function 337-342 _print_tokens",
      "block 344-350",
    ]);
    expect(chunks.every((chunk) => chunk.language === "python")).toBe(true);

    const split = only(chunks, "split");
    expect(split.symbols).toEqual(["split"]);
    expect(line(content, split.startLine)).toBe("def split(s, comments=False, posix=True):");
    expect(line(content, split.endLine)).toBe("    return list(lex)");
    expect(split.signature).toBe("def split(s, comments=False, posix=True):");
    expect(split.references).toEqual(expect.arrayContaining(["shlex", "warn"]));

    // The decorator belongs to its method, and the signature skips it.
    const property = only(chunks, "punctuation_chars");
    expect(line(content, property.startLine)).toBe("    @property");
    expect(property.signature).toBe("class shlex:\n    def punctuation_chars(self):");
    expect(property.references).toContain("property");

    // A method keeps its class's signature line; lines skipped in between show as "...".
    expect(property.content.startsWith("class shlex:\n    ...\n    @property\n")).toBe(true);
    const init = only(chunks, "__init__");
    expect(init.content.startsWith("class shlex:\n    ...\n    def __init__(self,")).toBe(true);
    expect(init.signature).toBe(
      "class shlex:\n    def __init__(self, instream=None, infile=None, posix=False,\n" +
        "                 punctuation_chars=False):",
    );
    expect(only(chunks, "get_token").references).toEqual(
      expect.arrayContaining(["read_token", "sourcehook", "push_source", "pop_source"]),
    );

    const pieces = chunks.filter((chunk) => chunk.symbols.includes("read_token"));
    expect(pieces.map((piece) => piece.signature)).toEqual([
      "class shlex:\n    def read_token(self):",
      "class shlex:\n    def read_token(self):",
    ]);
    expect(
      pieces[0]!.content.startsWith("class shlex:\n    ...\n    def read_token(self):\n"),
    ).toBe(true);
    expect(
      pieces[1]!.content.startsWith(
        "class shlex:\n    def read_token(self):\n            ...\n            elif self.state in ('a', 'c'):\n",
      ),
    ).toBe(true);
  });

  it("typescript: types, an enum, a class split into methods, arrow functions", async () => {
    const content = fixture("typescript/parser.ts");
    const chunks = await chunkSource("src/parser.ts", content);
    expectWellFormed(chunks, content);
    expect(outline(chunks)).toEqual([
      "module 1-40 CODE_LENGTH LEN_LENGTH HEADER_LENGTH LATEINIT_LENGTH",
      "type 42-45 Packet",
      "block 47-47 emptyBuffer",
      "type 49-51 StreamOptions",
      "type 53-76 MessageCodes",
      "type 78-78 MessageCallback",
      // The class's header and fields: its data members are symbols too (read-declarations.ts).
      "class 80-85 Parser buffer Parser.buffer bufferLength Parser.bufferLength bufferOffset Parser.bufferOffset reader Parser.reader mode Parser.mode",
      "method 87-92 Parser.constructor constructor",
      "method 94-122 Parser.parse parse",
      "method 124-155 Parser.mergeBuffer mergeBuffer",
      "method 157-241 Parser.handlePacket handlePacket",
      "function 243-246 parseReadyForQueryMessage",
      "function 248-251 parseCommandCompleteMessage",
      "function 253-256 parseCopyData",
      "function 258-258 parseCopyInMessage",
      "function 260-260 parseCopyOutMessage",
      "function 262-270 parseCopyMessage",
      "function 272-277 parseNotificationMessage",
      "function 279-286 parseRowDescriptionMessage",
      "function 288-297 parseField",
      "function 299-307 parseParameterDescriptionMessage",
      "function 309-318 parseDataRowMessage",
      "function 320-324 parseParameterStatusMessage",
      "function 326-330 parseBackendKeyData",
      "function 332-380 parseAuthenticationResponse",
      "function 382-414 parseErrorMessage",
    ]);
    const header = chunks.find((chunk) => chunk.startLine === 80)!;
    expect(header.content.split("\n")[0]).toBe("export class Parser {");
    expect(header.references).toEqual(expect.arrayContaining(["Buffer", "BufferReader", "Mode"]));

    // The method includes the class's closing brace, and reads on its own.
    const handlePacket = only(chunks, "handlePacket");
    expect(line(content, handlePacket.endLine)).toBe("}");
    expect(
      handlePacket.content.startsWith("export class Parser {\n  ...\n  private handlePacket("),
    ).toBe(true);
    expect(handlePacket.references).toEqual(
      expect.arrayContaining(["parseDataRowMessage", "parseErrorMessage", "BackendMessage"]),
    );
    expect(only(chunks, "mergeBuffer").references).toEqual(
      expect.arrayContaining(["allocUnsafe", "Buffer", "copy"]),
    );

    const imports = chunks[0]!;
    expect(imports.kind).toBe("module");
    expect(imports.signature).toBeNull();
    expect(imports.references).toEqual(
      expect.arrayContaining(["TransformOptions", "BufferReader", "DatabaseError"]),
    );
    const parseField = only(chunks, "parseField");
    expect(line(content, parseField.startLine)).toBe(
      "const parseField = (reader: BufferReader) => {",
    );
    expect(parseField.references).toEqual([
      "BufferReader",
      "cstring",
      "uint32",
      "int16",
      "int32",
      "Field",
    ]);
  });

  it("javascript: function expressions, a class split into its constructor and method", async () => {
    const content = fixture("javascript/connection-parameters.js");
    const chunks = await chunkSource("lib/connection-parameters.js", content);
    expectWellFormed(chunks, content);
    expect(outline(chunks)).toEqual([
      "module 1-7",
      "function 9-23 val",
      "function 25-38 readSSLConfigFromEnvironment",
      "function 40-43 quoteParamValue",
      "function 45-50 add",
      "class 52-52 ConnectionParameters",
      "method 53-141 ConnectionParameters.constructor constructor",
      "method 143-182 ConnectionParameters.getLibpqConnectionString getLibpqConnectionString",
      "block 184-184",
    ]);
    expect(only(chunks, "add").references).toEqual(["push", "quoteParamValue"]);
    const method = only(chunks, "getLibpqConnectionString");
    expect(method.signature).toBe("class ConnectionParameters {\n  getLibpqConnectionString(cb) {");
    expect(
      method.content.startsWith(
        "class ConnectionParameters {\n  ...\n  getLibpqConnectionString(cb) {\n",
      ),
    ).toBe(true);
    expect(only(chunks, "constructor").references).toEqual(
      expect.arrayContaining(["val", "readSSLConfigFromEnvironment", "parse"]),
    );
    // Whole, the class is one chunk.
    const whole = await chunkSource("lib/connection-parameters.js", content, {
      maxChunkLines: 140,
    });
    expect(outline(whole)).toContain(
      "class 52-182 ConnectionParameters ConnectionParameters.constructor constructor ConnectionParameters.getLibpqConnectionString getLibpqConnectionString",
    );
  });

  it("go: functions with doc comments, a type, a function split into pieces", async () => {
    const content = fixture("go/flatted.go");
    const chunks = await chunkSource("golang/pkg/flatted/flatted.go", content);
    expectWellFormed(chunks, content);
    expect(outline(chunks)).toEqual([
      "module 1-9",
      "type 11-13 flattedIndex",
      "function 15-131 Stringify",
      "function 133-143 Stringify",
      "function 145-206 Parse",
      "function 208-225 revive",
      "function 227-247 loop",
      "function 249-259 ref",
      "function 261-270 ToJSON",
      "function 272-279 FromJSON",
    ]);
    expect(line(content, 15)).toMatch(/^\/\/ Stringify converts/);
    const [first, second] = chunks.filter((chunk) => chunk.symbols.includes("Stringify"));
    expect(first!.signature).toBe("func Stringify(value, replacer, space any) (string, error) {");
    expect(first!.content.startsWith("// Stringify converts")).toBe(true);
    expect(
      second!.content.startsWith(
        "func Stringify(value, replacer, space any) (string, error) {\n\t...\n",
      ),
    ).toBe(true);
    expect(second!.references).toEqual(expect.arrayContaining(["MarshalIndent", "Marshal"]));
    expect(only(chunks, "Parse").references).toEqual(
      expect.arrayContaining(["Unmarshal", "flattedIndex", "loop", "revive"]),
    );
    expect(chunks[0]!.references).toEqual(["json", "reflect", "sort", "strconv", "strings"]);
  });

  it("java: a class split into javadoc'd methods and constructors", async () => {
    const content = fixture("java/IntSummaryStatistics.java");
    const chunks = await chunkSource("java/util/IntSummaryStatistics.java", content);
    expectWellFormed(chunks, content);
    expect(outline(chunks)).toEqual([
      "module 1-28",
      "class 30-69 IntSummaryStatistics",
      "method 71-76 IntSummaryStatistics.IntSummaryStatistics IntSummaryStatistics",
      "method 78-121 IntSummaryStatistics.IntSummaryStatistics IntSummaryStatistics",
      "method 123-134 IntSummaryStatistics.accept accept",
      "method 136-147 IntSummaryStatistics.combine combine",
      "method 149-156 IntSummaryStatistics.getCount getCount",
      "method 158-166 IntSummaryStatistics.getSum getSum",
      "method 168-176 IntSummaryStatistics.getMin getMin",
      "method 178-186 IntSummaryStatistics.getMax getMax",
      "method 188-196 IntSummaryStatistics.getAverage getAverage",
      "method 198-214 IntSummaryStatistics.toString toString",
    ]);
    const accept = only(chunks, "accept");
    expect(line(content, accept.startLine)).toBe("    /**");
    expect(accept.signature).toBe(
      "public class IntSummaryStatistics implements IntConsumer {\n    public void accept(int value) {",
    );
    expect(
      accept.content.startsWith(
        "public class IntSummaryStatistics implements IntConsumer {\n    ...\n    /**\n",
      ),
    ).toBe(true);
    expect(only(chunks, "getAverage").references).toEqual(["getCount", "getSum"]);
    expect(chunks[0]!.references).toEqual(["IntConsumer", "Collector"]);
  });

  it("rust: a trait, a struct, impl blocks (also inside modules), attributes", async () => {
    const content = fixture("rust/key.rs");
    const chunks = await chunkSource("src/kv/key.rs", content);
    expectWellFormed(chunks, content);
    expect(outline(chunks)).toEqual([
      "module 1-4",
      "interface 6-10 ToKey ToKey.to_key to_key",
      "class 12-19 T.to_key to_key",
      "class 21-25 Key.to_key to_key",
      "class 27-31 str.to_key to_key",
      "type 33-39 Key",
      "class 41-51 Key.from_str from_str Key.as_str as_str",
      "class 53-57 Key.fmt fmt",
      "class 59-63 Key.as_ref as_ref",
      "class 65-69 Key.borrow borrow",
      "class 71-75 Key.from from",
      "block 77-81",
      "class 83-87 String.to_key to_key",
      "class 89-94 Cow.to_key to_key",
      "block 96-101",
      "class 103-110 Key.stream stream",
      "class 112-117 Key.stream_ref stream_ref",
      "block 119-123",
      "class 125-133 Key.serialize serialize",
      "block 135-137",
      "function 139-143 key_from_string",
    ]);
    // Doc comments and #[derive] above the struct are part of its chunk.
    const key = only(chunks, "Key");
    expect(line(content, key.startLine)).toBe("/// A key in a key-value.");
    expect(key.signature).toBe("pub struct Key<'k> {");
    expect(chunks[4]!.references).toEqual(["ToKey", "Key", "from_str"]);
    const where = chunks[2]!;
    expect(where.signature).toBe("impl<'a, T> ToKey for &'a T\nwhere\n    T: ToKey + ?Sized,\n{");
  });

  it("ruby: top-level methods and a reopened class", async () => {
    const content = fixture("ruby/redis-trib.rb");
    const chunks = await chunkSource("src/redis-trib.rb", content);
    expectWellFormed(chunks, content);
    expect(outline(chunks)).toEqual([
      "module 1-1",
      "function 3-19 colorized",
      "class 21-30 String",
      "block 32-42",
      "function 44-84 parse_options",
      "function 86-102 command_example",
      "block 104-129",
    ]);
    expect(only(chunks, "String").signature).toBe("class String");
    expect(only(chunks, "String").references).toEqual(
      expect.arrayContaining(["define_method", "colorized"]),
    );
    expect(only(chunks, "command_example").references).toContain("Array");
    expect(chunks.at(-1)!.references).toEqual(
      expect.arrayContaining(["parse_options", "command_example", "ARGV"]),
    );

    const small = await chunkSource("src/redis-trib.rb", content, { maxChunkLines: 20 });
    expectWellFormed(small, content, 20);
    const pieces = small.filter((chunk) => chunk.symbols.includes("parse_options"));
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces.slice(1)) {
      expect(piece.content.startsWith("def parse_options(cmd)\n")).toBe(true);
    }
  });

  it("c: functions, function-like macros, top-level declarations", async () => {
    const content = fixture("c/_speedups.c");
    const chunks = await chunkSource("src/markupsafe/_speedups.c", content);
    expectWellFormed(chunks, content);
    expect(outline(chunks)).toEqual([
      "module 1-1",
      "function 3-16 GET_DELTA",
      "function 18-72 DO_ESCAPE",
      "function 74-98 escape_unicode_kind1",
      "function 100-123 escape_unicode_kind2",
      "function 126-149 escape_unicode_kind4",
      "function 151-171 escape_unicode",
      "block 173-194",
      "function 196-200 PyInit__speedups",
    ]);
    const escape = only(chunks, "escape_unicode");
    expect(escape.signature).toBe(
      "static PyObject*\nescape_unicode(PyObject *self, PyObject *s)\n{",
    );
    expect(escape.references).toEqual(
      expect.arrayContaining([
        "escape_unicode_kind1",
        "escape_unicode_kind4",
        "PyUnicode_Check",
        "PyObject",
      ]),
    );
    expect(only(chunks, "escape_unicode_kind1").references).toEqual(
      expect.arrayContaining(["GET_DELTA", "DO_ESCAPE"]),
    );

    const small = await chunkSource("src/markupsafe/_speedups.c", content, { maxChunkLines: 30 });
    expectWellFormed(small, content, 30);
    const macro = small.filter((chunk) => chunk.symbols.includes("DO_ESCAPE"));
    expect(macro.length).toBeGreaterThan(1);
    expect(
      macro.every(
        (piece) => piece.signature === "#define DO_ESCAPE(inp, inp_end, outp) \\\n\t{ \\",
      ),
    ).toBe(true);
    expect(
      macro[1]!.content.startsWith(
        "#define DO_ESCAPE(inp, inp_end, outp) \\\n\t{ \\\n\t\t\t\t...\n",
      ),
    ).toBe(true);
  });

  it("cpp: a class with constructor, destructor and conversion, an out-of-line constructor", async () => {
    const content = fixture("cpp/extension.cpp");
    const chunks = await chunkSource("Lib/test/test_cppext/extension.cpp", content);
    expectWellFormed(chunks, content);
    expect(outline(chunks)).toEqual([
      "module 1-13",
      "function 15-15 _STR",
      "function 16-16 STR",
      "block 18-21",
      "function 23-32 _testcppext_add",
      "class 35-52 StrongRef StrongRef.StrongRef StrongRef.~StrongRef ~StrongRef StrongRef.operator PyObject operator PyObject",
      "function 55-97 test_api_casts",
      "function 100-127 test_unicode",
      "block 129-130",
      "class 132-151 VirtualPyObject VirtualPyObject.~VirtualPyObject ~VirtualPyObject VirtualPyObject.set_internal_data set_internal_data VirtualPyObject.dealloc dealloc",
      "block 153-166",
      "method 168-178 VirtualPyObject.VirtualPyObject VirtualPyObject",
      "function 180-193 test_virtual_object",
      "block 195-204",
      "function 207-233 _testcppext_exec",
      "block 235-253",
      "function 255-255 _FUNC_NAME",
      "function 256-256 FUNC_NAME",
      "function 258-262 FUNC_NAME",
    ]);
    expect(line(content, 35)).toBe("// Class to test operator casting an object to PyObject*");
    expect(only(chunks, "test_api_casts").references).toEqual(
      expect.arrayContaining(["StrongRef", "Py_BuildValue", "PyTuple_GET_ITEM"]),
    );
    expect(only(chunks, "test_virtual_object").references).toEqual(
      expect.arrayContaining(["VirtualPyObject", "set_internal_data", "PyErr_Format"]),
    );
  });

  it("c#: a namespace of attributed interfaces and a class", async () => {
    const content = fixture("c_sharp/Find-VisualStudio.cs");
    const chunks = await chunkSource("lib/Find-VisualStudio.cs", content);
    expectWellFormed(chunks, content);
    expect(outline(chunks).map((entry) => entry.split(" ").slice(0, 3).join(" "))).toEqual([
      "module 1-15",
      "type 16-25 InstanceState",
      "interface 27-43 IEnumSetupInstances",
      "interface 45-50 ISetupConfiguration",
      "interface 52-69 ISetupConfiguration2",
      "interface 71-76 ISetupInstance",
      "interface 78-129 ISetupInstance2",
      "interface 131-160 ISetupPackageReference",
      "interface 162-172 ISetupPropertyStore",
      "interface 174-179 SetupConfiguration",
      "class 181-186 SetupConfigurationClass",
      "class 188-250 Main",
    ]);
    const enumerator = only(chunks, "IEnumSetupInstances");
    expect(enumerator.symbols).toEqual([
      "IEnumSetupInstances",
      "IEnumSetupInstances.Next",
      "Next",
      "IEnumSetupInstances.Skip",
      "Skip",
      "IEnumSetupInstances.Reset",
      "Reset",
      "IEnumSetupInstances.Clone",
      "Clone",
    ]);
    expect(line(content, enumerator.startLine)).toBe(
      '    [Guid("6380BCFF-41D3-4B2E-8B2E-BF8A6810C848")]',
    );
    expect(enumerator.signature).toBe("    public interface IEnumSetupInstances\n    {");
    expect(enumerator.references).toEqual(
      expect.arrayContaining(["Guid", "MarshalAs", "ISetupInstance"]),
    );
    const main = only(chunks, "Main");
    expect(main.references).toEqual(
      expect.arrayContaining(["SetupConfiguration", "ISetupInstance2", "StringBuilder"]),
    );
    expect(main.references).not.toContain("JsonString"); // defined by Main itself

    const small = await chunkSource("lib/Find-VisualStudio.cs", content, { maxChunkLines: 40 });
    expectWellFormed(small, content, 40);
    expect(outline(small).slice(-4)).toEqual([
      "class 188-189 Main",
      "method 190-217 Main.PrintJson PrintJson",
      "method 219-222 Main.JsonString JsonString",
      "method 224-250 Main.InstanceJson InstanceJson",
    ]);
    const instanceJson = only(small, "InstanceJson");
    expect(
      instanceJson.content.startsWith(
        "    public static class Main\n    {\n        ...\n        private static string InstanceJson(",
      ),
    ).toBe(true);
    expect(instanceJson.references).toEqual(
      expect.arrayContaining(["JsonString", "StringBuilder", "ISetupPackageReference"]),
    );
  });

  it("php: classes in a namespace, split into methods when small chunks are asked for", async () => {
    const content = fixture("php/MemcacheSessionHandler.php");
    const chunks = await chunkSource("ext/session/MemcacheSessionHandler.php", content);
    expectWellFormed(chunks, content);
    expect(outline(chunks).map((entry) => entry.split(" ").slice(0, 3).join(" "))).toEqual([
      "module 1-25",
      "class 27-80 MemcacheContainer",
      "class 82-183 MemcacheSessionHandler",
    ]);
    expect(only(chunks, "MemcacheContainer").symbols).toEqual([
      "MemcacheContainer",
      "MemcacheContainer.__construct",
      "__construct",
      "MemcacheContainer.close",
      "close",
      "MemcacheContainer.get",
      "get",
      "MemcacheContainer.set",
      "set",
      "MemcacheContainer.delete",
      "delete",
    ]);
    expect(only(chunks, "MemcacheContainer").references).toEqual(["Memcache"]);

    const small = await chunkSource("ext/session/MemcacheSessionHandler.php", content, {
      maxChunkLines: 40,
    });
    expectWellFormed(small, content, 40);
    const gc = small.find((chunk) => chunk.symbols.includes("MemcacheSessionHandler.gc"))!;
    expect(gc.kind).toBe("method");
    expect([gc.startLine, gc.endLine]).toEqual([163, 172]);
    expect(gc.signature).toBe(
      "final class MemcacheSessionHandler implements \\SessionHandlerInterface {\n  public function gc($maxlifetime) {",
    );
    expect(
      gc.content.startsWith(
        "final class MemcacheSessionHandler implements \\SessionHandlerInterface {\n  ...\n  /**\n",
      ),
    ).toBe(true);
    const configure = small.find((chunk) => chunk.symbols.includes("configure"))!;
    expect(configure.references).toEqual(
      expect.arrayContaining(["MemcacheSessionHandler", "session_set_save_handler"]),
    );
  });
});

describe("chunkSource invariants", () => {
  const fixtures = [
    "typescript/parser.ts",
    "javascript/connection-parameters.js",
    "python/shlex.py",
    "go/flatted.go",
    "java/IntSummaryStatistics.java",
    "rust/key.rs",
    "ruby/redis-trib.rb",
    "c/_speedups.c",
    "cpp/extension.cpp",
    "c_sharp/Find-VisualStudio.cs",
    "php/MemcacheSessionHandler.php",
  ];
  it.each(fixtures)("%s stays well-formed at every chunk size", async (path) => {
    const content = fixture(path);
    for (const maxChunkLines of [1, 2, 5, 13, 40, 120, 1000]) {
      const chunks = await chunkSource(path, content, { maxChunkLines });
      expect(chunks.every((chunk) => chunk.kind !== "window")).toBe(true);
      expectWellFormed(chunks, content, maxChunkLines);
    }
  });

  it("puts a whole file in one chunk per definition when nothing is too large", async () => {
    const chunks = await chunkSource("parser.ts", fixture("typescript/parser.ts"), {
      maxChunkLines: 1000,
    });
    expect(chunks.filter((chunk) => chunk.kind === "class")).toHaveLength(1);
    expect(chunks.find((chunk) => chunk.kind === "class")!.symbols).toEqual([
      "Parser",
      "Parser.constructor",
      "constructor",
      "Parser.parse",
      "parse",
      "Parser.mergeBuffer",
      "mergeBuffer",
      "Parser.handlePacket",
      "handlePacket",
      "buffer",
      "Parser.buffer",
      "bufferLength",
      "Parser.bufferLength",
      "bufferOffset",
      "Parser.bufferOffset",
      "reader",
      "Parser.reader",
      "mode",
      "Parser.mode",
    ]);
  });
});

describe("chunkSource on snippets", () => {
  it("names Go methods after their receiver type", async () => {
    const source = [
      "package p",
      "",
      "type (",
      "\tA interface{ M() error }",
      "\tB struct{ x int }",
      ")",
      "",
      "func (b *B) Run(ctx context.Context) error {",
      '\treturn fmt.Errorf("x: %w", b.helper())',
      "}",
    ].join("\n");
    const chunks = await chunkSource("p.go", source);
    expect(outline(chunks)).toEqual(["module 1-1", "type 3-6 A B", "method 8-10 B.Run Run"]);
    expect(chunks[2]!.references).toEqual(["Context", "Errorf", "helper"]);
  });

  it("reads Ruby classes inside modules, with singleton methods", async () => {
    const source = [
      "module Shop",
      "  class Cart < Base",
      "    def initialize(items)",
      "      @items = Pricing.apply(items)",
      "    end",
      "",
      "    def self.empty",
      "      new([])",
      "    end",
      "  end",
      "end",
    ].join("\n");
    const chunks = await chunkSource("cart.rb", source);
    expect(outline(chunks)).toEqual([
      "module 1-1",
      "class 2-11 Cart Cart.initialize initialize Cart.empty empty",
    ]);
    expect(chunks[1]!.references).toEqual(["Base", "Pricing", "apply"]);
    const split = await chunkSource("cart.rb", source, { maxChunkLines: 5 });
    expect(outline(split)).toEqual([
      "module 1-1",
      "class 2-2 Cart",
      "method 3-5 Cart.initialize initialize",
      "method 7-11 Cart.empty empty",
    ]);
    expect(split[3]!.content).toBe(
      "  class Cart < Base\n    ...\n    def self.empty\n      new([])\n    end\n  end\nend",
    );
  });

  it("qualifies C++ methods defined out of line, through nested namespaces", async () => {
    const source = "namespace a { namespace b {\nvoid Outer::Inner::run() { helper(); }\n} }\n";
    const chunks = await chunkSource("x.cpp", source);
    expect(outline(chunks)).toEqual(["module 1-1", "method 2-3 Inner.run run"]);
    expect(chunks[1]!.references).toEqual(["helper"]);
  });

  it("treats TSX components and JSX references", async () => {
    const source = "export const App = () => <Button onClick={go}><div /></Button>;\n";
    const chunks = await chunkSource("App.tsx", source);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ language: "tsx", kind: "function", symbols: ["App"] });
    expect(chunks[0]!.references).toEqual(["Button"]);
  });

  it("finds definitions in TypeScript namespaces and declare blocks", async () => {
    const source = [
      "export namespace Shapes {",
      "  export interface Shape { area(): number }",
      "  export function unit(): Shape { return make(1) }",
      "}",
      "declare global { interface Window { shapes: Shapes.Shape } }",
    ].join("\n");
    const chunks = await chunkSource("shapes.ts", source);
    expect(outline(chunks)).toEqual([
      "module 1-1 Shapes",
      "interface 2-2 Shape Shape.area area",
      "function 3-4 unit",
      "interface 5-5 Window",
    ]);
    expect(chunks[2]!.references).toEqual(["Shape", "make"]);
  });

  it("names JavaScript functions assigned to prototypes and exports", async () => {
    const source = [
      "Pool.prototype.connect = function (cb) { return this.acquire(cb) }",
      "module.exports = function createPool() {}",
      "exports.version = () => readVersion(PACKAGE)",
    ].join("\n");
    const chunks = await chunkSource("pool.cjs", source);
    expect(outline(chunks)).toEqual([
      "method 1-1 Pool.connect connect",
      "function 2-2 createPool",
      "function 3-3 version",
    ]);
    expect(chunks[0]!.references).toEqual(["acquire"]);
    expect(chunks[2]!.references).toEqual(["readVersion"]); // a bare identifier is not a reference
  });

  it("keeps minified definitions that share a line in one chunk", async () => {
    const source = "function a(){b()}function b(){return 1}class C{m(){a()}}\n";
    const chunks = await chunkSource("bundle.min.js", source);
    expect(outline(chunks)).toEqual(["function 1-1 a b C C.m m"]);
  });

  it("joins leading comments to the definition below them, but not across a blank line", async () => {
    const source = [
      "// Licensed under MIT.",
      "",
      "/** Adds. */",
      "// twice documented",
      "export function add(a: number, b: number) { return a + b } // trailing",
      "const x = add(1, 2) // not a doc comment",
      "// Subtracts.",
      "function sub(a: number, b: number) { return a - b }",
    ].join("\n");
    const chunks = await chunkSource("math.ts", source);
    expect(outline(chunks)).toEqual([
      "module 1-1",
      "function 3-5 add",
      "block 6-6 x",
      "function 7-8 sub",
    ]);
    expect(chunks[2]!.references).toEqual(["add"]);
  });

  it("splits long top-level code into module chunks of at most maxChunkLines", async () => {
    const source = Array.from(
      { length: 25 },
      (_, index) => `setting${index} = compute(${index})`,
    ).join("\n");
    const chunks = await chunkSource("settings.py", source, { maxChunkLines: 10 });
    // Module-level assignments are in the symbol table, each in the chunk holding it.
    const names = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `setting${from + i}`).join(" ");
    expect(outline(chunks)).toEqual([
      `module 1-10 ${names(0, 10)}`,
      `module 11-20 ${names(10, 20)}`,
      `module 21-25 ${names(20, 25)}`,
    ]);
    expect(chunks[0]!.references).toEqual(["compute"]);
  });

  it("normalises CRLF and a BOM without shifting line numbers", async () => {
    const unix = "def f():\n    return helper()\n\nx = 1\n";
    const windows = "\uFEFF" + unix.replaceAll("\n", "\r\n");
    const fromUnix = await chunkSource("a.py", unix);
    const fromWindows = await chunkSource("a.py", windows);
    expect(outline(fromWindows)).toEqual(["function 1-2 f", "block 4-4 x"]);
    expect(fromWindows).toEqual(fromUnix);
  });
});

describe("chunkSource fallbacks", () => {
  it("cuts unknown languages into overlapping windows", async () => {
    const markdown = Array.from({ length: 130 }, (_, index) => `line ${index + 1}`).join("\n");
    const chunks = await chunkSource("docs/guide.md", markdown);
    expect(chunks.map((chunk) => [chunk.kind, chunk.startLine, chunk.endLine])).toEqual([
      ["window", 1, 60],
      ["window", 51, 110],
      ["window", 101, 130],
    ]);
    expect(chunks[0]).toMatchObject({
      language: null,
      signature: null,
      symbols: [],
      references: [],
    });
    expect(chunks[1]!.content.split("\n")[0]).toBe("line 51");

    const yaml = "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n";
    const small = await chunkSource(".github/workflows/ci.yaml", yaml, {
      windowLines: 3,
      windowOverlap: 1,
    });
    expect(small.map((chunk) => [chunk.startLine, chunk.endLine])).toEqual([
      [1, 3],
      [3, 5],
    ]);
  });

  it("falls back to windows when a parse finds no definition and has errors", async () => {
    const garbage = "}}}} )))) <<<< >>>>\n@@@ ### %%%\n";
    for (const path of ["broken.ts", "broken.py", "broken.go", "broken.rs", "broken.java"]) {
      const chunks = await chunkSource(path, garbage);
      expect(outline(chunks), path).toEqual(["window 1-2"]);
      expect(chunks[0]!.language).not.toBeNull();
    }
  });

  it("keeps chunking along syntax when errors leave definitions to find", async () => {
    const source = "def ok():\n    return 1\n\ndef broken(:\n    pass\n";
    const chunks = await chunkSource("half.py", source);
    expect(chunks[0]).toMatchObject({
      kind: "function",
      symbols: ["ok"],
      startLine: 1,
      endLine: 2,
    });
    expectWellFormed(chunks, source);
  });

  it("returns [] for binary content and for blank files", async () => {
    expect(await chunkSource("image.ts", "GIF89a\u0000\u0001")).toEqual([]);
    expect(await chunkSource("empty.py", "")).toEqual([]);
    expect(await chunkSource("blank.md", " \n\t\n")).toEqual([]);
  });

  it("rejects invalid options with the option's name", async () => {
    await expect(chunkSource("a.py", "x = 1", { maxChunkLines: 0 })).rejects.toThrow(
      /maxChunkLines/,
    );
    await expect(chunkSource("a.py", "x = 1", { windowLines: 1.5 })).rejects.toThrow(/windowLines/);
    await expect(chunkSource("a.md", "x", { windowLines: 5, windowOverlap: 5 })).rejects.toThrow(
      /windowOverlap/,
    );
  });
});

describe("contentHash", () => {
  it("is stable and does not depend on the path", async () => {
    const content = fixture("python/shlex.py");
    const first = await chunkSource("a/shlex.py", content);
    const again = await chunkSource("a/shlex.py", content);
    const moved = await chunkSource("vendored/elsewhere/shlex.py", content);
    expect(again.map((chunk) => chunk.contentHash)).toEqual(
      first.map((chunk) => chunk.contentHash),
    );
    expect(moved.map((chunk) => chunk.contentHash)).toEqual(
      first.map((chunk) => chunk.contentHash),
    );
    expect(new Set(first.map((chunk) => chunk.contentHash)).size).toBe(first.length);
    expect(first[0]!.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is the same for the same definition at another line, and changes with the content", async () => {
    const body = "def area(r):\n    return 3.14 * r * r\n";
    const [top] = await chunkSource("a.py", body);
    const shifted = await chunkSource("b.py", `import math\n\n\n${body}`);
    const moved = shifted.find((chunk) => chunk.symbols.includes("area"))!;
    expect(moved.startLine).toBe(4);
    expect(moved.contentHash).toBe(top!.contentHash);
    const [edited] = await chunkSource("a.py", body.replace("3.14", "math.pi"));
    expect(edited!.contentHash).not.toBe(top!.contentHash);
  });
});
