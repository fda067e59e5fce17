/**
 * A recursive-descent parser for STIX 2.1 patterns, written from the OASIS ANTLR
 * grammar `STIXPattern.g4`. Precedence, loosest first: FOLLOWEDBY, OR, AND between observation
 * expressions; OR, AND between comparison expressions inside brackets.
 */
import { PatternSyntaxError, tokenize, type Token, type TokenKind } from './stix-pattern-lexer.ts';

import type {
  Comparison,
  Literal,
  ObjectPath,
  Observation,
  Operator,
  PathStep,
  Qualifier,
} from './stix-pattern-types.ts';

export { PatternSyntaxError } from './stix-pattern-lexer.ts';
export type * from './stix-pattern-types.ts';

/** Outcome of parsing a pattern: the tree, or the error with its offset (0-based). */
export type PatternResult =
  { ok: true; pattern: Observation } | { ok: false; position: number; message: string };

const EQUALITY: Record<string, Operator> = { '=': '=', '==': '=', '!=': '!=', '<>': '!=' };
const ORDERING = new Set(['<', '<=', '>', '>=']);
const STRING_OPERATORS = new Set(['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);
const ORDERABLE: readonly TokenKind[] = ['int', 'float', 'string', 'binary', 'hex', 'timestamp'];

/**
 * Maximum nesting of parentheses and square brackets. The parser and the matcher recurse once per
 * level, so a deeper pattern would exhaust the call stack; real patterns nest a few levels.
 */
export const MAX_PATTERN_NESTING = 64;

/**
 * Maximum number of AND, OR and FOLLOWEDBY operators and qualifiers in one pattern. Each adds a
 * level to the syntax tree that the matcher and validators walk recursively.
 */
export const MAX_PATTERN_OPERATORS = 1000;

class Parser {
  private index = 0;
  private nesting = 0;
  private operators = 0;

  constructor(private readonly tokens: Token[]) {}

  private get current(): Token {
    return this.tokens[this.index] ?? { kind: 'end', value: '', position: 0 };
  }

  private describe(token: Token): string {
    return token.kind === 'end' ? 'the end of the pattern' : `'${token.value}'`;
  }

  private fail(expected: string): never {
    throw new PatternSyntaxError(
      `expected ${expected} but found ${this.describe(this.current)}`,
      this.current.position,
    );
  }

  private accept(kind: TokenKind, value?: string): Token | null {
    const token = this.current;
    if (token.kind !== kind || (value !== undefined && token.value !== value)) return null;
    this.index += 1;

    return token;
  }

  private expect(kind: TokenKind, value: string | undefined, expected: string): Token {
    return this.accept(kind, value) ?? this.fail(expected);
  }

  /** Accepts an operator keyword, counting it towards `MAX_PATTERN_OPERATORS`. */
  private acceptOperator(keyword: string): boolean {
    const token = this.accept('keyword', keyword);
    if (token === null) return false;
    this.countOperator(token);

    return true;
  }

  private countOperator(token: Token): void {
    this.operators += 1;
    if (this.operators > MAX_PATTERN_OPERATORS) {
      throw new PatternSyntaxError(
        `the pattern has more than ${MAX_PATTERN_OPERATORS} AND, OR and FOLLOWEDBY operators ` +
          'and qualifiers: split it into several indicators',
        token.position,
      );
    }
  }

  /** Runs `parse` one parenthesis or bracket deeper than `opening`, within the nesting limit. */
  private nested<T>(opening: Token, parse: () => T): T {
    this.nesting += 1;
    if (this.nesting > MAX_PATTERN_NESTING) {
      throw new PatternSyntaxError(
        `parentheses and brackets are nested more than ${MAX_PATTERN_NESTING} levels deep`,
        opening.position,
      );
    }
    const result = parse();
    this.nesting -= 1;

    return result;
  }

  parsePattern(): Observation {
    const pattern = this.observations();
    this.expect('end', undefined, 'FOLLOWEDBY, OR, AND, a qualifier or the end of the pattern');

    return pattern;
  }

  private observations(): Observation {
    let left = this.observationOr();
    while (this.acceptOperator('FOLLOWEDBY')) {
      left = { kind: 'followedby', left, right: this.observationOr() };
    }

    return left;
  }

  private observationOr(): Observation {
    let left = this.observationAnd();
    while (this.acceptOperator('OR')) {
      left = { kind: 'or', left, right: this.observationAnd() };
    }

    return left;
  }

  private observationAnd(): Observation {
    let left = this.qualifiedObservation();
    while (this.acceptOperator('AND')) {
      left = { kind: 'and', left, right: this.qualifiedObservation() };
    }

    return left;
  }

  private qualifiedObservation(): Observation {
    let observation = this.observation();
    for (;;) {
      const start = this.current;
      const qualifier = this.qualifier();
      if (qualifier === null) return observation;
      this.countOperator(start);
      observation = { kind: 'qualified', observation, qualifier };
    }
  }

  private observation(): Observation {
    const bracket = this.accept('punct', '[');
    if (bracket !== null) {
      return this.nested(bracket, () => {
        const start = this.current.position;
        const comparison = this.comparisonOr();
        checkSameObjectType(comparison, start);
        this.expect('punct', ']', "']' or AND or OR");
        return { kind: 'observation', comparison };
      });
    }
    const parenthesis = this.accept('punct', '(');
    if (parenthesis !== null) {
      return this.nested(parenthesis, () => {
        const inner = this.observations();
        this.expect('punct', ')', "')'");
        return inner;
      });
    }

    return this.fail("'[' to start an observation expression");
  }

  private qualifier(): Qualifier | null {
    if (this.accept('keyword', 'WITHIN') !== null) {
      const amount =
        this.accept('int') ?? this.accept('float') ?? this.fail('a number of seconds after WITHIN');
      const seconds = Number(amount.value);
      if (!(seconds > 0)) {
        throw new PatternSyntaxError('WITHIN needs a positive number of seconds', amount.position);
      }
      this.expect('keyword', 'SECONDS', 'SECONDS');
      return { kind: 'within', seconds };
    }
    if (this.accept('keyword', 'REPEATS') !== null) {
      const count = this.expect('int', undefined, 'a whole number after REPEATS');
      if (Number(count.value) <= 0) {
        throw new PatternSyntaxError('REPEATS needs a positive whole number', count.position);
      }
      this.expect('keyword', 'TIMES', 'TIMES');
      return { kind: 'repeats', times: Number(count.value) };
    }
    if (this.accept('keyword', 'START') !== null) {
      const start = this.expect('timestamp', undefined, "a timestamp t'…' after START");
      this.expect('keyword', 'STOP', 'STOP');
      const stop = this.expect('timestamp', undefined, "a timestamp t'…' after STOP");
      return { kind: 'start-stop', start: start.value, stop: stop.value };
    }

    return null;
  }

  private comparisonOr(): Comparison {
    let left = this.comparisonAnd();
    while (this.acceptOperator('OR')) {
      left = { kind: 'or', left, right: this.comparisonAnd() };
    }

    return left;
  }

  private comparisonAnd(): Comparison {
    let left = this.propertyTest();
    while (this.acceptOperator('AND')) {
      left = { kind: 'and', left, right: this.propertyTest() };
    }

    return left;
  }

  private propertyTest(): Comparison {
    const parenthesis = this.accept('punct', '(');
    if (parenthesis !== null) {
      return this.nested(parenthesis, () => {
        const inner = this.comparisonOr();
        this.expect('punct', ')', "')'");
        return inner;
      });
    }
    if (this.accept('keyword', 'EXISTS') !== null)
      return { kind: 'exists', path: this.objectPath() };

    const path = this.objectPath();
    const negated = this.accept('keyword', 'NOT') !== null;
    const token = this.current;
    const equality = token.kind === 'punct' ? EQUALITY[token.value] : undefined;
    if (equality !== undefined) {
      this.index += 1;
      return { kind: 'test', path, operator: equality, negated, values: [this.primitive()] };
    }
    if (token.kind === 'punct' && ORDERING.has(token.value)) {
      this.index += 1;
      const operator = token.value as Operator;
      return { kind: 'test', path, operator, negated, values: [this.orderable()] };
    }
    if (token.kind === 'keyword' && token.value === 'IN') {
      this.index += 1;
      return { kind: 'test', path, operator: 'IN', negated, values: this.set() };
    }
    if (token.kind === 'keyword' && STRING_OPERATORS.has(token.value)) {
      this.index += 1;
      const value = this.expect('string', undefined, `a quoted string after ${token.value}`);
      const operator = token.value as Operator;
      return { kind: 'test', path, operator, negated, values: [literal(value)] };
    }

    return this.fail('a comparison operator (=, !=, <, >, <=, >=, IN, LIKE, MATCHES, …)');
  }

  private objectPath(): ObjectPath {
    const type = this.expect('identifier', undefined, 'an object type such as file');
    if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$|^[a-z0-9]$/i.test(type.value)) {
      throw new PatternSyntaxError(`invalid object type '${type.value}'`, type.position);
    }
    this.expect('punct', ':', "':' after the object type");
    const steps: PathStep[] = [{ key: this.propertyName() }];
    for (;;) {
      if (this.accept('punct', '.') !== null) {
        steps.push({ key: this.propertyName() });
        continue;
      }
      if (this.accept('punct', '[') !== null) {
        const index = this.accept('punct', '*') ?? this.expect('int', undefined, 'an index or *');
        steps.push({ index: index.value === '*' ? '*' : Number(index.value) });
        this.expect('punct', ']', "']' after the index");
        continue;
      }
      return { objectType: type.value, steps };
    }
  }

  private propertyName(): string {
    const quoted = this.accept('string');
    if (quoted !== null) return quoted.value;
    const name = this.expect('identifier', undefined, 'a property name');
    if (name.value.includes('-')) {
      throw new PatternSyntaxError(
        `property name '${name.value}' contains a hyphen: quote it as '${name.value}'`,
        name.position,
      );
    }

    return name.value;
  }

  private primitive(): Literal {
    const bool = this.accept('bool');

    return bool !== null ? literal(bool) : this.orderable();
  }

  private orderable(): Literal {
    const token = this.current;
    if (!ORDERABLE.includes(token.kind)) return this.fail('a literal value');
    this.index += 1;

    return literal(token);
  }

  private set(): Literal[] {
    this.expect('punct', '(', "'(' to start the set");
    const values: Literal[] = [];
    if (this.accept('punct', ')') !== null) return values;
    do values.push(this.primitive());
    while (this.accept('punct', ',') !== null);
    this.expect('punct', ')', "',' or ')'");

    return values;
  }
}

function literal(token: Token): Literal {
  return { kind: token.kind, value: token.value };
}

function objectTypesOf(comparison: Comparison): Set<string> {
  if ('left' in comparison) {
    return new Set([...objectTypesOf(comparison.left), ...objectTypesOf(comparison.right)]);
  }

  return new Set([comparison.path.objectType]);
}

/** STIX 2.1: comparisons joined by AND in one observation must name the same object type. */
function checkSameObjectType(comparison: Comparison, position: number): void {
  if (comparison.kind === 'or') {
    checkSameObjectType(comparison.left, position);
    checkSameObjectType(comparison.right, position);
    return;
  }
  if (comparison.kind !== 'and') return;
  const types = objectTypesOf(comparison);
  if (types.size > 1) {
    throw new PatternSyntaxError(
      `comparisons joined by AND must use one object type, not ${[...types].join(' and ')}`,
      position,
    );
  }
}

/** Parses a STIX 2.1 pattern; an invalid one gives the offset and reason of the first error. */
export function parsePattern(text: string): PatternResult {
  try {
    return { ok: true, pattern: new Parser(tokenize(text)).parsePattern() };
  } catch (error) {
    if (error instanceof PatternSyntaxError) {
      return { ok: false, position: error.position, message: error.message };
    }
    throw error;
  }
}
