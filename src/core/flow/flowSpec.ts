// The expected-flow model: what a YAML flow file describes once it passed flows/flow.schema.json.
// Flows are data; the checker (checkFlow.ts) knows no built-in flow by name.

export interface FlowRole {
  id: string;
  description?: string;
}

/** A condition on one message, written with expressions (see expression.ts). */
export interface FlowConstraint {
  /** Expression giving the value to test (e.g. `requestUri`, `header('Event').value`). */
  value?: string;
  /** The value equals this literal (case-insensitive). */
  is?: string | number;
  /** The value is one of these literals (case-insensitive). */
  oneOf?: (string | number)[];
  /** The value equals what this expression gives (case-insensitive). */
  equals?: string;
  /** Both are URIs that compare equal per RFC 3261 §19.1.4. */
  sameUri?: string;
  /** Both URIs name the same address-of-record (scheme, user, host). */
  sameAor?: string;
  /** The two URIs name different addresses-of-record. */
  otherAor?: string;
  /** The value is (true) or is not (false) there. */
  present?: boolean;
  /** The message is in the same dialog as the message of that step (RFC 3261 §12 dialog id). */
  inDialogOf?: string;
  /** Only tested when this expression has a value. */
  when?: string;
  /** Finding code when the constraint fails (expect lists only). */
  code?: string;
  /** Spec clause the constraint comes from, quoted in the finding. */
  clause?: string;
  /** Words for what was expected, used in the finding instead of the generated ones. */
  expected?: string;
}

export interface StepProblem {
  code: string;
  clause?: string;
  /** Steps whose messages are related to this problem (e.g. the 2xx that was never ACKed). */
  related?: string[];
}

interface StepBase {
  id: string;
  description?: string;
  optional?: boolean;
  /** The step may match several messages (provisional responses, provisional NOTIFYs). */
  repeatable?: boolean;
  /** Steps this one must follow; default: the previous step in the list. */
  after?: string[];
  /** Time limit from another step's message; response steps default to Timer B/F from their request. */
  within?: { step: string; seconds: number };
  /** Finding when the step is missing (default flow.step-missing). */
  missing?: StepProblem;
  /** Spec clause describing the step. */
  clause?: string;
}

export interface RequestStep extends StepBase {
  kind: 'request';
  method: string;
  from: string[];
  to: string[];
  /** Roles bound from this step's message: role → expression (the anchor step binds roles). */
  bind: Record<string, string>;
  select: FlowConstraint[];
  expect: FlowConstraint[];
  /** For ACK: the 2xx step this ACK acknowledges (RFC 3261 §13.2.2.4). */
  ackFor?: string;
}

export interface ResponseStep extends StepBase {
  kind: 'response';
  /** Accepted statuses: exact codes or classes like `2xx`. */
  statuses: string[];
  of: string;
  /** Finding when the request got a different final response. */
  rejected?: StepProblem;
  expect: FlowConstraint[];
}

export interface DialogStep extends StepBase {
  kind: 'dialog';
  method: string;
  between: [string, string];
  state: 'confirmed';
  /** The dialog must be in `state` when this step's message is sent. */
  before: string;
}

export type FlowStep = RequestStep | ResponseStep | DialogStep;

export interface EndStateItem {
  step: string;
  state: 'confirmed';
  code?: string;
  clause?: string;
}

export interface FlowSpec {
  id: string;
  title: string;
  reference: string;
  description?: string;
  /** Checked when no flow is named on the command line. */
  checkByDefault: boolean;
  roles: FlowRole[];
  /** Step whose messages start instances. */
  anchor: string;
  /** Response time limit in seconds (RFC 3261 Timer B/F = 64*T1 = 32 s). */
  responseTimeout: number;
  /** Seconds a request step may follow the step it comes after (default 32 s, the Timer B/F figure). */
  stepTimeout: number;
  steps: FlowStep[];
  endState: EndStateItem[];
  /** Where the flow came from: built-in name or file path. */
  origin: string;
}

export const DEFAULT_RESPONSE_TIMEOUT = 32;
