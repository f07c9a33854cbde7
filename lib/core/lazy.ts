import { IResolvable, IResolveContext, Token } from "cdktf";
import { resolvesAlone } from "./resolve";

/** What a lazy value is produced from, as in cdktf. */
export interface Producer<T> {
  produce(context: IResolveContext): T | undefined;
}

/**
 * A value produced at synthesis. cdktf's `Lazy` records a full stack trace for every one it
 * creates (for error messages we never show): a service declares several, so that cost grew with
 * every service. This one resolves the same way and records none.
 */
class LazyValue implements IResolvable {
  public readonly creationStack: string[] = [];

  constructor(private readonly producer: Producer<unknown>) {
    resolvesAlone(this);
  }

  public resolve(context: IResolveContext): unknown {
    return this.producer.produce(context);
  }

  public toString(): string {
    return Token.asString(this);
  }

  /** As cdktf's: a lazy value written with JSON.stringify before synthesis. */
  public toJSON(): string {
    return "<unresolved-lazy>";
  }
}

/** Drop-in for cdktf's `Lazy` (the forms the library uses), without stack traces. */
export const Lazy = {
  stringValue: (producer: Producer<string>): string => Token.asString(new LazyValue(producer)),
  numberValue: (producer: Producer<number>): number => Token.asNumber(new LazyValue(producer)),
  listValue: (producer: Producer<string[]>): string[] => Token.asList(new LazyValue(producer)),
  anyValue: (producer: Producer<unknown>): IResolvable => new LazyValue(producer),
};
