//! The app itself: its version and database, the interface language, the demo-data offer, and
//! the reference lists (units, groups, providers) the forms offer.

use super::today;
use crate::command::commands;
use ansinh_demo::{DemoOptions, DemoSummary};
use ansinh_store::{GroupView, ProviderView, UnitView};
use serde::{Deserialize, Serialize};

const LANG_KEY: &str = "language";

/// The interface language: Vietnamese first, English second.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The stored setting (Vietnamese when unset or unreadable).
    fn stored(raw: Option<String>) -> Lang {
        if raw.as_deref() == Some("en") { Lang::En } else { Lang::Vi }
    }

    /// The charts' language.
    pub fn charts(self) -> ansinh_charts::Lang {
        match self {
            Lang::Vi => ansinh_charts::Lang::Vi,
            Lang::En => ansinh_charts::Lang::En,
        }
    }
}
const DEMO_DECLINED_KEY: &str = "demo_offer_declined";

#[derive(ts_rs::TS, Debug, Serialize)]
pub struct AppInfo {
    pub version: &'static str,
    pub db_path: String,
    pub device_id: String,
    pub beneficiary_count: i64,
    pub lang: Lang,
    /// An empty database whose user has not declined demo data yet.
    pub offer_demo: bool,
    /// This desktop is the city office's (it holds every ward; it hands moved people's files over).
    pub city_office: bool,
    /// This session's sign-in upgraded the database from an older version (after a backup).
    pub upgraded: Option<ansinh_store::UpgradeReport>,
}

#[derive(ts_rs::TS, Debug, Deserialize)]
#[ts(rename = "DemoOptions")]
pub struct DemoRequest {
    pub wards: usize,
    pub beneficiaries: usize,
    pub months: u32,
    pub seed: u64,
}

commands! {
    pub async fn app_info(a: Signed) -> AppInfo {
        let s = &a.store;
        let beneficiary_count = s.count_beneficiaries().await?;
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION"),
            db_path: s.path().display().to_string(),
            device_id: s.device_id().to_string(),
            beneficiary_count,
            lang: Lang::stored(s.setting(LANG_KEY).await?),
            offer_demo: beneficiary_count == 0 && s.setting(DEMO_DECLINED_KEY).await?.is_none(),
            city_office: s.is_city_office().await?,
            upgraded: a.state.lock_inner().upgraded.clone(),
        })
    }

    pub async fn set_language(a: Signed, lang: Lang) -> () {
        Ok(a.store.set_setting(LANG_KEY, lang.as_str()).await?)
    }

    pub async fn dismiss_demo_offer(a: Administer) -> () {
        Ok(a.store.set_setting(DEMO_DECLINED_KEY, "1").await?)
    }

    pub async fn load_demo(a: Administer, options: DemoRequest) -> DemoSummary {
        let opts = DemoOptions {
            wards: options.wards.clamp(1, 200),
            beneficiaries: options.beneficiaries.min(500_000),
            months: options.months.clamp(1, 36),
            seed: options.seed,
            until: ansinh_demo::first_of_month(today()),
            today: today(),
        };
        Ok(ansinh_demo::load(&a.store, &opts).await?)
    }

    pub async fn list_units(a: Signed) -> Vec<UnitView> {
        Ok(a.store.refs().await?.local_units().cloned().collect())
    }

    pub async fn list_groups(a: Signed) -> Vec<GroupView> {
        Ok(a.store.refs().await?.groups.clone())
    }

    pub async fn list_providers(a: Signed) -> Vec<ProviderView> {
        Ok(a.store.refs().await?.providers.clone())
    }
}
