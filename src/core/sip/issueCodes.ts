// The stable codes of message-level findings and the severity each one carries.
import type { MessageIssue } from '../model/sipMessage';

export const SIP_ISSUE_SEVERITY = {
  /** parseSipMessage ok:false: the bytes do not start with a SIP request or status line. */
  'sip.unrecognised-message': 'error',
  'sip.malformed-start-line': 'error',
  'sip.unknown-version': 'error',
  'sip.bad-status-code': 'error',
  'sip.malformed-uri': 'error',
  'sip.malformed-header': 'error',
  'sip.missing-header': 'error',
  'sip.duplicate-header': 'error',
  'sip.cseq-method-mismatch': 'error',
  'sip.content-length-mismatch': 'error',
  'sip.value-out-of-range': 'error',
  'sip.via-branch-no-cookie': 'warning',
  'sip.via-comment': 'warning',
  'sip.missing-from-tag': 'warning',
  'sip.missing-content-type': 'warning',
  'sip.ipv6-three-colon': 'warning',
  'sip.bare-lf': 'warning',
  'sip.unterminated-header-section': 'warning',
  'sip.body-beyond-content-length': 'warning',
  'sip.trailing-empty-lines': 'info',
  'sip.leading-empty-lines': 'info',
  'sip.problems-not-listed': 'info',
} as const satisfies Record<string, MessageIssue['severity']>;

export type SipIssueCode = keyof typeof SIP_ISSUE_SEVERITY;

/** Problems listed per header value: a hostile value with a million bad list elements gives this many and a count. */
export const MAX_PROBLEMS_PER_VALUE = 20;

/** A problem found inside one header value, before it is positioned in the message. */
export interface ValueProblem {
  code: SipIssueCode;
  message: string;
  /** char index within the (unfolded) value */
  at: number;
}

export function makeIssue(code: SipIssueCode, message: string, line: number, column?: number, offset?: number): MessageIssue {
  const issue: MessageIssue = { code, severity: SIP_ISSUE_SEVERITY[code], message, line };
  if (column !== undefined) issue.column = column;
  if (offset !== undefined) issue.offset = offset;
  return issue;
}
