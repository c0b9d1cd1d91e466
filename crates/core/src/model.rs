//! The domain's enumerations and record shapes, shared by store, CLI, imports and the app.
//! Enum values are stored and exchanged as their snake_case names.

use serde::{Deserialize, Serialize};

macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $s:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
        $(#[$m])*
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use str_enum;

str_enum!(
    /// Sex as printed on the ID card; digit 4 of the ID number encodes it.
    Sex { Male => "male", Female => "female" }
);

str_enum!(
    /// Disability severity (Decree 20/2021 distinguishes severe and particularly severe).
    Disability { None => "none", Severe => "severe", ParticularlySevere => "particularly_severe" }
);

str_enum!(
    /// How money reaches the person.
    Channel {
        Bank => "bank",
        Ewallet => "ewallet",
        MobileMoney => "mobile_money",
        Vneid => "vneid",
        Cash => "cash",
    }
);

str_enum!(
    /// Lifecycle of a payment account. "First credit" is derived from payments.
    AccountStatus { Requested => "requested", Opened => "opened", Closed => "closed", Failed => "failed" }
);

str_enum!(
    /// Lifecycle of one monthly payment.
    PaymentStatus { Scheduled => "scheduled", Credited => "credited", Failed => "failed", Reversed => "reversed" }
);

str_enum!(
    /// Where or how a withdrawal happened.
    #[ts(rename = "Place")]
    WithdrawalPlace {
        Atm => "atm",
        BankCounter => "bank_counter",
        Agent => "agent",
        PostOffice => "post_office",
        HomeDelivery => "home_delivery",
        Proxy => "proxy",
        WardOffice => "ward_office",
    }
);

str_enum!(
    /// Frictions met during a withdrawal (DOMAIN.md "Known frictions").
    Problem {
        ForgotPin => "forgot_pin",
        CardLocked => "card_locked",
        NoAtmNearby => "no_atm_nearby",
        NoSmartphone => "no_smartphone",
        MachineOutOfService => "machine_out_of_service",
        LongQueue => "long_queue",
        NeededHelp => "needed_help",
        Other => "other",
    }
);

str_enum!(
    /// Personal needs that make getting the money harder; they drive segmentation and follow-up.
    Need {
        LivesAlone => "lives_alone",
        LimitedMobility => "limited_mobility",
        VisionHearing => "vision_hearing",
        NoSmartphone => "no_smartphone",
        Bedridden => "bedridden",
    }
);

str_enum!(
    /// Funding scheme: each has its own dated standard level.
    Scheme { SocialAssistance => "social_assistance", SocialPension => "social_pension", Meritorious => "meritorious" }
);

str_enum!(
    /// Dimensions the indicators are segmented by.
    SegmentBy {
        Ward => "ward",
        Age => "age",
        Group => "group",
        Disability => "disability",
        Channel => "channel",
        Need => "need",
        Assisted => "assisted",
        Cycle => "cycle",
        Programme => "programme",
        Kind => "kind",
    }
);

/// The needs flags of one person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Needs {
    pub lives_alone: bool,
    pub limited_mobility: bool,
    pub vision_hearing: bool,
    pub no_smartphone: bool,
    pub bedridden: bool,
}

impl Needs {
    pub fn has(&self, need: Need) -> bool {
        match need {
            Need::LivesAlone => self.lives_alone,
            Need::LimitedMobility => self.limited_mobility,
            Need::VisionHearing => self.vision_hearing,
            Need::NoSmartphone => self.no_smartphone,
            Need::Bedridden => self.bedridden,
        }
    }
    pub fn any(&self) -> bool {
        Need::ALL.iter().any(|n| self.has(*n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_names_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(*c));
            assert_eq!(serde_json::to_string(c).unwrap(), format!("\"{}\"", c.as_str()));
        }
        assert_eq!(Channel::parse("cheque"), None);
    }
}

str_enum!(
    /// The forms whose unsaved input is kept as a draft (see the store's `drafts` table).
    DraftForm {
        Beneficiary => "beneficiary",
        BeneficiaryEdit => "beneficiary_edit",
        Account => "account",
        Payment => "payment",
        Withdrawal => "withdrawal",
        Contact => "contact",
        Grievance => "grievance",
        GrievanceUpdate => "grievance_update",
        Verification => "verification",
        SignedList => "signed_list",
        Decision => "decision",
        AccountDecline => "account_decline",
    }
);
