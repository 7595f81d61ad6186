// Stable finding codes of the flow checker, with their severity and a short name (SARIF rules, docs).
import type { Severity } from '../model/finding';

export interface CatalogueEntry {
  code: string;
  severity: Severity;
  name: string;
  help: string;
}

const entries: CatalogueEntry[] = [
  { code: 'flow.not-found', severity: 'error', name: 'FlowNotFound', help: 'The requested flow has no instance in the trace: no message matches its anchor step.' },
  { code: 'flow.step-missing', severity: 'error', name: 'StepMissing', help: 'A required step of the flow has no matching message.' },
  { code: 'flow.out-of-order', severity: 'error', name: 'StepOutOfOrder', help: 'A step was found, but before a step it must follow.' },
  { code: 'flow.step-late', severity: 'error', name: 'StepLate', help: 'A step came later than its timer allows (default RFC 3261 Timer B/F, 32 s).' },
  { code: 'flow.refer-rejected', severity: 'error', name: 'ReferRejected', help: 'The REFER got a final response other than 202/200 (RFC 3515 §2.4.2, RFC 7647 §3).' },
  { code: 'flow.refer-to-missing', severity: 'error', name: 'ReferToMissing', help: 'The REFER has no Refer-To header (RFC 3515 §2.4.1).' },
  { code: 'flow.request-rejected', severity: 'error', name: 'RequestRejected', help: 'A request of the flow got a final response other than the one the flow expects.' },
  { code: 'flow.invite-rejected', severity: 'error', name: 'InviteRejected', help: 'The INVITE got a non-2xx final response.' },
  { code: 'flow.invite-target-mismatch', severity: 'error', name: 'InviteTargetMismatch', help: 'The triggered INVITE is not sent to the Refer-To URI (RFC 3515 §2.4.2).' },
  { code: 'flow.referred-by-mismatch', severity: 'error', name: 'ReferredByMismatch', help: 'The triggered INVITE lacks the REFER\'s Referred-By or carries another one (RFC 3892 §3).' },
  { code: 'flow.notify-outside-dialog', severity: 'error', name: 'NotifyOutsideDialog', help: 'The NOTIFY is not sent in the dialog of the REFER\'s implicit subscription (RFC 3515 §2.4.4).' },
  { code: 'flow.sipfrag-status-mismatch', severity: 'error', name: 'SipfragStatusMismatch', help: 'The NOTIFY\'s message/sipfrag status differs from the triggered request\'s final response (RFC 3515 §2.4.5).' },
  { code: 'flow.subscription-not-terminated', severity: 'error', name: 'SubscriptionNotTerminated', help: 'The final NOTIFY does not terminate the implicit subscription (RFC 3515 §2.4.7, RFC 6665 §4.2.2).' },
  { code: 'flow.ack-missing', severity: 'error', name: 'AckMissing', help: 'The 2xx to the INVITE was never acknowledged (RFC 3261 §13.2.2.4); the UAS retransmits it (§13.3.1.4).' },
  { code: 'flow.original-session-ended', severity: 'error', name: 'OriginalSessionEnded', help: 'The original session was terminated (e.g. by BYE) before the replication completed.' },
  { code: 'flow.new-session-ended', severity: 'error', name: 'NewSessionEnded', help: 'The new session was terminated before the flow completed.' },
  { code: 'flow.session-not-confirmed', severity: 'error', name: 'SessionNotConfirmed', help: 'A session the flow starts from exists but was not confirmed when it had to be.' },
  { code: 'flow.role-mismatch', severity: 'error', name: 'RoleMismatch', help: 'A step\'s message is addressed to another party than the role the flow expects.' },
  { code: 'flow.constraint-failed', severity: 'error', name: 'ConstraintFailed', help: 'A header constraint of the flow does not hold.' },
];

export const FLOW_FINDINGS: ReadonlyMap<string, CatalogueEntry> = new Map(entries.map((e) => [e.code, e]));

export function catalogueEntry(code: string): CatalogueEntry {
  return FLOW_FINDINGS.get(code) ?? { code, severity: 'error', name: code, help: 'A flow constraint defined by the flow file failed.' };
}
