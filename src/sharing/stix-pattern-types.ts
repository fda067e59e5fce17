/** The syntax tree of a parsed STIX 2.1 pattern. */
import type { TokenKind } from './stix-pattern-lexer.ts';

/** One step of an object path: a property name, a list index or `*` for any element. */
export type PathStep = { key: string } | { index: number | '*' };

/** An object path such as `file:hashes.'SHA-256'` or `email-message:to_refs[*].value`. */
export interface ObjectPath {
  objectType: string;
  steps: PathStep[];
}

/** A literal value in a comparison. */
export interface Literal {
  kind: TokenKind;
  value: string;
}

/** Comparison operators of the grammar; `=` also stands for `==`, `!=` for `<>`. */
export type Operator =
  '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET';

/** A comparison expression: the part of a pattern between square brackets. */
export type Comparison =
  | { kind: 'and' | 'or'; left: Comparison; right: Comparison }
  | { kind: 'exists'; path: ObjectPath }
  | {
      kind: 'test';
      path: ObjectPath;
      operator: Operator;
      negated: boolean;
      /** One literal, or the members of a set for `IN`. */
      values: Literal[];
    };

/** A qualifier that follows an observation expression. */
export type Qualifier =
  | { kind: 'within'; seconds: number }
  | { kind: 'repeats'; times: number }
  | { kind: 'start-stop'; start: string; stop: string };

/** An observation expression: bracketed comparisons joined by AND, OR or FOLLOWEDBY. */
export type Observation =
  | { kind: 'and' | 'or' | 'followedby'; left: Observation; right: Observation }
  | { kind: 'observation'; comparison: Comparison }
  | { kind: 'qualified'; observation: Observation; qualifier: Qualifier };
