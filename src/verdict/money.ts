// Yen amounts in the clauses the tagger marked as stating the fee. This reads number syntax only
// (digits, 円, ¥, 万, 千, 無料, ワンコイン); what a clause is about was decided by the tagger. Every
// pattern starts only where a number starts, so a run of digits is scanned once (linear time).

export type FeeFacts = {
  /** What a participant pays for the event, in yen (the highest amount in the fee clauses). */
  eventFee?: number;
  /** The clause the fee was read from. */
  evidence?: string;
};

const KANJI_DIGIT: Readonly<Record<string, number>> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Every yen amount in one clause (NFKC text), in order. */
export function yenAmounts(clause: string): number[] {
  // A fee clause is a line or a sentence; nothing past this can be one.
  const text = clause.normalize('NFKC').slice(0, 500);
  const found: { at: number; yen: number }[] = [];
  for (const m of text.matchAll(/(?<![\d,.])(\d{1,3}(?:,\d{3})+|\d{1,9})(?:\.(\d{1,2}))?\s?(万|千)?\s?(?:円|yen)/gi)) {
    const base = Number(`${m[1]!.replace(/,/g, '')}${m[2] ? `.${m[2]}` : ''}`);
    found.push({ at: m.index, yen: base * (m[3] === '万' ? 10_000 : m[3] === '千' ? 1_000 : 1) });
  }
  for (const m of text.matchAll(/(?<![\d,.])(\d{1,4})万(\d)千円/g)) found.push({ at: m.index, yen: Number(m[1]) * 10_000 + Number(m[2]) * 1_000 });
  for (const m of text.matchAll(/[¥￥]\s?(\d{1,3}(?:,\d{3})+|\d{1,9})(?![\d,])/g)) found.push({ at: m.index, yen: Number(m[1]!.replace(/,/g, '')) });
  for (const m of text.matchAll(/(?<![\d,.])([一二三四五六七八九])?(千|万)円/g)) found.push({ at: m.index, yen: (m[1] ? KANJI_DIGIT[m[1]]! : 1) * (m[2] === '万' ? 10_000 : 1_000) });
  for (const m of text.matchAll(/ワンコイン/g)) found.push({ at: m.index, yen: 500 });
  for (const m of text.matchAll(/無料|タダ|free/gi)) found.push({ at: m.index, yen: 0 });
  return found.sort((a, b) => a.at - b.at).map((f) => f.yen);
}

/**
 * The event fee from the fee clauses: the highest amount a participant is asked to pay. A price
 * crossed out for a discount (「通常5,000円→今回無料」) is what the clause says is usual, not what is
 * paid, so an arrow after the first amount keeps only the amounts after it.
 */
export function readFee(feeClauses: readonly string[]): FeeFacts {
  let best: FeeFacts = {};
  for (const clause of feeClauses) {
    const arrow = clause.search(/→|⇒|->/);
    const counted = arrow > 0 ? clause.slice(arrow) : clause;
    const amounts = yenAmounts(counted);
    if (amounts.length === 0) continue;
    const fee = Math.max(...amounts);
    if (best.eventFee === undefined || fee > best.eventFee) best = { eventFee: fee, evidence: clause };
  }
  return best;
}
