import { explainRule, type RuleContext } from './explainRule';

/** The plain-words explanation of one ruleset line (its own chunk: the explainer is large and not needed at once). */
export function RuleExplanation({ text, context }: { text: string; context: RuleContext }) {
  return <>{explainRule(text, context)}</>;
}
