//! Where a size's database bytes go (issue 17's compact storage): each table with its own
//! pages and its indexes', from SQLite's `dbstat`, so each byte saved can be traced to a table
//! or an index.

use crate::Result;
use crate::dataset::Dataset;
use serde::{Deserialize, Serialize};

/// One table's bytes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TableBytes {
    pub table: String,
    /// The table's own pages (rows; for a rowid table the rowid b-tree).
    pub rows_mb: f64,
    /// Its indexes (automatic ones for PRIMARY KEY and UNIQUE included), largest first.
    pub indexes: Vec<(String, f64)>,
}

impl TableBytes {
    pub fn total_mb(&self) -> f64 {
        self.rows_mb + self.indexes.iter().map(|(_, mb)| mb).sum::<f64>() + 0.0
    }
}

/// Every table of the size's database, largest first.
pub async fn run(data: &Dataset) -> Result<Vec<TableBytes>> {
    let store = data.open().await?;
    let objects = store.bytes_by_object().await?;
    store.close().await;
    Ok(group(&objects))
}

fn group(objects: &[(String, String, i64)]) -> Vec<TableBytes> {
    let mut tables: Vec<TableBytes> = Vec::new();
    for (name, table, bytes) in objects {
        let mb = *bytes as f64 / 1e6;
        let at = match tables.iter().position(|t| &t.table == table) {
            Some(i) => i,
            None => {
                tables.push(TableBytes { table: table.clone(), ..Default::default() });
                tables.len() - 1
            }
        };
        if name == table {
            tables[at].rows_mb += mb;
        } else {
            tables[at].indexes.push((name.clone(), mb));
        }
    }
    tables.sort_by(|a, b| b.total_mb().total_cmp(&a.total_mb()));
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_are_counted_with_their_table() {
        let objects = [
            ("payments".to_string(), "payments".to_string(), 3_000_000),
            ("change_log".to_string(), "change_log".to_string(), 2_000_000),
            ("change_log_entity".to_string(), "change_log".to_string(), 1_500_000),
            ("sqlite_autoindex_change_log_1".to_string(), "change_log".to_string(), 1_000_000),
        ];
        let t = group(&objects);
        assert_eq!(t[0].table, "change_log");
        assert_eq!(t[0].rows_mb, 2.0);
        assert_eq!(t[0].indexes.len(), 2);
        assert_eq!(t[0].total_mb(), 4.5);
        assert_eq!(t[1].table, "payments");
    }
}
