// The exchange part of the in-memory fake backend: offices, a pretend bundle format (a JSON
// `BundleImport` in the file, so tests decide what an import reports) and the review queue.

import type { ExchangeOverview, BundleImport, DeviceRole, DeviceView, Office, PickedFile, PublicKeys, ReviewItem, SavedBundle } from './types';
import { fe, wire } from './fake-backend';

export class FakeExchange {
  readonly offices: Office[] = [];
  readonly devices: DeviceView[] = [];
  readonly review: ReviewItem[] = [];
  lastSeq = 0;
  acknowledged = 0;
  private imported = new Set<string>();

  overview(): ExchangeOverview {
    const review: Record<string, number> = {};
    for (const r of this.review) review[r.kind] = (review[r.kind] ?? 0) + 1;
    return {
      keys: { device_id: 'fake-device-0001', ward: '00001', signing_key: 'ab'.repeat(32), recipient: 'age1fakefakefake', fingerprint: 'AAAA-BBBB-CCCC-DDDD' },
      offices: this.offices.map((o) => ({ ...o })),
      devices: this.devices.map((d) => ({ ...d })),
      peer_audits: [],
      last_seq: this.lastSeq,
      acknowledged_seq: this.acknowledged,
      receipts: [],
      review,
    };
  }

  readDevice(key: string): PublicKeys {
    let k: PublicKeys;
    try {
      k = JSON.parse(key) as PublicKeys;
    } catch {
      throw wire([fe('bundle', 'exchange.bad_key', 'not a public-key file')]);
    }
    return { ...k, fingerprint: 'FAKE-FING-ERPR-INT0' };
  }

  register(key: string, name: string, role: DeviceRole, ward: string): DeviceView {
    const k = this.readDevice(key);
    const d: DeviceView = {
      device_id: k.device_id, name: name.trim() || k.device_id, role, ward: role === 'city' ? '' : ward,
      signing_key: k.signing_key, recipient: k.recipient, fingerprint: k.fingerprint,
      enrolled_at: '2026-11-26T00:00:00Z', enrolled_by: 'admin', revoked_at: null,
    };
    this.devices.push(d);
    if (k.recipient) this.offices.push({ name: d.name, recipient: k.recipient });
    return d;
  }

  revoke(deviceId: string): DeviceView {
    const d = this.devices.find((x) => x.device_id === deviceId);
    if (!d) throw wire([fe('device', 'not_found', 'no such device')]);
    d.revoked_at = '2026-11-26T00:00:00Z';
    return { ...d };
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
