import {
  OperationNodeTransformer,
  PrimitiveValueListNode,
  ValueNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from "kysely";
import { toStorableValue } from "./storable-text.ts";

/** Rewrites every bound value of a query with toStorableValue. */
class StorableValueTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = toStorableValue(node.value);
    if (value === node.value) return node;
    return node.immediate ? ValueNode.createImmediate(value) : ValueNode.create(value);
  }

  protected override transformPrimitiveValueList(
    node: PrimitiveValueListNode,
  ): PrimitiveValueListNode {
    return PrimitiveValueListNode.create(node.values.map(toStorableValue));
  }
}

/**
 * Makes every value a query binds storable (see storable-text.ts): installed on the one Kysely
 * instance Revue opens, so no store of untrusted text (findings, memories, code chunks, deliveries)
 * can fail on a NUL. Text already in JSON form (a jsonb column written as a string) must come from
 * toStorableJson: its escapes are not characters this plugin can see.
 */
export class StorableTextPlugin implements KyselyPlugin {
  readonly #transformer = new StorableValueTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
