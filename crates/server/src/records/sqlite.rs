//! SQLite: a desktop database used as the central store. Appending is a bundle import
//! (`Store::import_changes`), so the records are also merged into its tables.

use super::{AppendReport, RecordStore, Result, ServerHead, one_series};
use ansinh_store::{BundleOrigin, ChangeRecord, Store};

pub struct SqliteRecords {
    pub store: Store,
}

impl RecordStore for SqliteRecords {
    async fn append(&self, origin: &BundleOrigin, records: &[ChangeRecord]) -> Result<AppendReport> {
        one_series(origin, records)?;
        // The server authenticated the sender before this: the store pins its key.
        let origin = BundleOrigin { via: ansinh_store::Via::Server, ..origin.clone() };
        let r = self.store.import_changes(records, Some(&origin), false).await?;
        Ok(AppendReport { received: r.received, applied: r.applied, already_had: r.already_had, gaps: r.gaps })
    }

    async fn heads(&self) -> Result<Vec<ServerHead>> {
        let peers = self.store.peers().await?;
        Ok(self
            .store
            .series_heads()
            .await?
            .into_iter()
            .map(|h| {
                let peer = peers.iter().find(|p| p.device_id == h.device_id);
                ServerHead {
                    ward: peer.map(|p| p.ward.clone()).unwrap_or_default(),
                    signing_key: peer.map(|p| p.signing_key.clone()).unwrap_or_default(),
                    device_id: h.device_id,
                    last_seq: h.last_seq,
                    last_hash: h.last_hash,
                }
            })
            .collect())
    }

    async fn since(&self, device_id: &str, seq: i64) -> Result<Vec<ChangeRecord>> {
        Ok(self.store.changes_since(device_id, seq).await?)
    }
}
