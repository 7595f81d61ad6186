// Every text-trace dialect reader, in the order ties are broken (most specific first, raw SIP last).
import type { DialectReader } from '../extractedMessage';
import { asteriskReader } from './asterisk';
import { baresipReader } from './baresip';
import { belleSipReader } from './belleSip';
import { followStreamReader } from './followStream';
import { freeswitchReader } from './freeswitch';
import { homerReader } from './homer';
import { kamailioSipdumpReader } from './kamailioSipdump';
import { ngrepReader } from './ngrep';
import { pjsipReader } from './pjsip';
import { rawReader } from './raw';
import { sippTraceReader } from './sippTrace';
import { sngrepReader } from './sngrep';
import { threeGppTableReader } from './threeGppTable';
import { tsharkHexReader } from './tsharkHex';
import { tsharkVerboseReader } from './tsharkVerbose';

export const DIALECT_READERS: readonly DialectReader[] = [
  kamailioSipdumpReader,
  sippTraceReader,
  tsharkVerboseReader,
  tsharkHexReader,
  followStreamReader,
  ngrepReader,
  sngrepReader,
  asteriskReader,
  freeswitchReader,
  homerReader,
  pjsipReader,
  belleSipReader,
  baresipReader,
  threeGppTableReader,
  rawReader,
];
