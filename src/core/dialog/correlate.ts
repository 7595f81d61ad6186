// Entry point of correlation (runs wherever core runs): messages in trace order → time order, transactions with
// retransmissions folded, logical messages with hops, dialogs, B2BUA call legs and REFER relations.
// Every step is a single pass with hash indexes, so 200k-message captures stay near-linear.
import type { Finding } from '../model/finding';
import type { SipMessage } from '../model/sipMessage';
import { linkCallLegs, type CallGroup, type LegOptions } from './callLegs';
import { buildDialogs, type Dialog } from './dialogs';
import { buildHops, type LogicalMessage } from './hops';
import { orderMessages } from './messageOrder';
import { buildReferRelations, type ReferRelation } from './referRelations';
import { buildTransactions, type CopyGroup, type Transaction } from './transactions';

export type CorrelationOptions = LegOptions;

export interface Correlation {
  messages: readonly SipMessage[];
  /** Message indexes in time order, and each message's rank in it. */
  order: number[];
  rank: Int32Array;
  transactions: Transaction[];
  groups: CopyGroup[];
  groupOf: Int32Array;
  logical: LogicalMessage[];
  logicalOf: Int32Array;
  dialogs: Dialog[];
  /** dialogOf[logicalId] = dialogs the logical message belongs to. */
  dialogOf: number[][];
  calls: CallGroup[];
  callOf: Map<string, number>;
  refers: ReferRelation[];
  /** Trace-level notes: messages reordered by time, duplicates and retransmissions folded. */
  findings: Finding[];
}

export function correlate(messages: readonly SipMessage[], options: CorrelationOptions = {}): Correlation {
  const { order, rank } = orderMessages(messages);
  const { transactions, groups, groupOf } = buildTransactions(messages, order);
  const { logical, logicalOf } = buildHops(messages, order, rank, groups, groupOf, transactions);
  const txOfIndex = (index: number): Transaction | null => (groupOf[index] >= 0 ? transactions[groups[groupOf[index]].transaction] : null);
  const { dialogs, dialogOf } = buildDialogs(messages, logical, transactions, txOfIndex);
  const { calls, callOf } = linkCallLegs(messages, order, options);
  const refers = buildReferRelations(messages, logical, dialogs, dialogOf);
  const findings: Finding[] = [];

  let moved = 0;
  for (let r = 1; r < order.length; r++) if (order[r] < order[r - 1]) moved++;
  if (moved) {
    findings.push({
      code: 'trace.reordered', severity: 'info',
      message: `${moved} message(s) appear in the trace before earlier-timestamped ones; correlation uses timestamp order, as a merged capture's clocks require.`,
    });
  }
  let retrans = 0;
  let dups = 0;
  for (const g of groups) {
    retrans += g.retransmissions.length;
    dups += g.duplicates.length;
  }
  if (dups) {
    findings.push({
      code: 'trace.duplicates-folded', severity: 'info',
      message: `${dups} captured duplicate(s) were folded into their first copy; they are listed as copies, not counted as retransmissions.`,
    });
  }
  if (retrans) {
    findings.push({
      code: 'trace.retransmissions-folded', severity: 'info',
      message: `${retrans} retransmission(s) were folded into their original message (RFC 3261 §17 transaction matching).`,
    });
  }
  let uncorrelated = 0;
  let firstUncorrelated = -1;
  for (let i = 0; i < messages.length; i++) {
    if (groupOf[i] < 0) {
      uncorrelated++;
      if (firstUncorrelated < 0) firstUncorrelated = i;
    }
  }
  if (uncorrelated) {
    findings.push({
      code: 'trace.uncorrelated', severity: 'warning', messageIndex: firstUncorrelated,
      message: `${uncorrelated} message(s) lack a usable Via or CSeq (RFC 3261 §8.1.1), so they could not be matched to a transaction; they are kept as single messages.`,
    });
  }
  return { messages, order, rank, transactions, groups, groupOf, logical, logicalOf, dialogs, dialogOf, calls, callOf, refers, findings };
}
