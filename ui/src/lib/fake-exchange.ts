// The exchange part of the in-memory fake backend: offices, a pretend bundle format (a JSON
// `BundleImport` in the file, so tests decide what an import reports) and the review queue.

import type { ExchangeOverview, BundleImport, Office, PickedFile, ReviewItem, SavedBundle } from './types';
import { fe, wire } from './fake-backend';

export class FakeExchange {
  readonly offices: Office[] = [];
  readonly review: ReviewItem[] = [];
  lastSeq = 0;
  acknowledged = 0;
  private imported = new Set<string>();

  overview(): ExchangeOverview {
    const review: Record<string, number> = {};
    for (const r of this.review) review[r.kind] = (review[r.kind] ?? 0) + 1;
    return {
      keys: { device_id: 'fake-device-0001', ward: '00001', signing_key: 'ab'.repeat(32), recipient: 'age1fakefakefake' },
      offices: this.offices.map((o) => ({ ...o })),
      last_seq: this.lastSeq,
      acknowledged_seq: this.acknowledged,
      receipts: [],
      review,
    };
  }

  addOffice(name: string, key: string): Office {
    if (name.trim() === '') throw wire([fe('name', 'required', 'the office needs a name')]);
    if (!key.includes('age1')) throw wire([fe('bundle', 'exchange.bad_key', 'invalid key')]);
    const office = { name: name.trim(), recipient: key.trim() };
    this.offices.push(office);
    return office;
  }

  export(office: string, since: number | null): SavedBundle {
    if (!this.offices.some((o) => o.name === office)) throw wire([fe('bundle', 'exchange.no_recipient', 'no office')]);
    const from = since ?? this.acknowledged;
    if (this.lastSeq <= from) throw wire([fe('bundle', 'exchange.nothing_to_send', 'nothing', { since: from })]);
    return {
      path: `/exports/ansinh-fake-${from + 1}-${this.lastSeq}.ansinh`,
      manifest: {
        format: 1, schema_version: 3, device_id: 'fake-device-0001', ward: '00001', signing_key: '', first_seq: from + 1,
        last_seq: this.lastSeq, records: this.lastSeq - from, counts: {}, payload_hash: 'f'.repeat(64), created_at: '',
      },
    };
  }

  import(file: PickedFile, dryRun: boolean): BundleImport {
    let outcome: BundleImport;
    try {
      outcome = JSON.parse(new TextDecoder().decode(new Uint8Array(file.bytes))) as BundleImport;
    } catch {
      throw wire([fe('bundle', 'exchange.not_a_bundle', 'not an ansinh bundle')]);
    }
    const key = outcome.manifest.payload_hash;
    if (this.imported.has(key)) {
      if (!dryRun) throw wire([fe('bundle', 'exchange.replayed', 'already imported')]);
      return { ...outcome, dry_run: true, report: { ...outcome.report, applied: 0, already_had: outcome.report.received } };
    }
    if (!dryRun) this.imported.add(key);
    return { ...outcome, dry_run: dryRun };
  }

  settle(id: number, keep: string): null {
    const i = this.review.findIndex((r) => r.id === id);
    if (i < 0 || !this.review[i].sides.some((s) => s.record_id === keep)) {
      throw wire([fe('bundle', 'review.unknown_side', 'that version is not one of the sides')]);
    }
    this.review.splice(i, 1);
    return null;
  }

  dismiss(id: number): null {
    const i = this.review.findIndex((r) => r.id === id);
    if (i >= 0) this.review.splice(i, 1);
    return null;
  }
}
