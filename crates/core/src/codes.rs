//! Every error code the app can raise, as one closed set. A code is what the UI translates
//! (Vietnamese first) and what tests and scripts match on; on the wire it stays the dotted
//! string (`"id_number.length"`), so serialising an [`ErrorCode`] changes nothing the webview,
//! the CLI's JSON or the sync server sees.
//!
//! The UI's translation tables are typed by the list generated from [`ErrorCode::ALL`]
//! (`ui/src/lib/generated/error-codes.ts`, checked by the test `error_codes_ts_is_current`;
//! regenerate with `ANSINH_BLESS=1 cargo test -p ansinh-core error_codes_ts_is_current`), so a
//! code added here without a message in both languages fails the UI's type check.
//!
//! `{name}` in a variant's documentation is a parameter the error carries (`FieldError::params`)
//! for the translated message. Every error also names its `field` where it has one.

use std::fmt;
use std::str::FromStr;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, )+) => {
        /// A stable error code: see the module documentation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )+
        }

        impl ErrorCode {
            /// Every code, in the order of this table (the generated TypeScript list's order).
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The code as the UI and the wire know it, e.g. `"id_number.length"`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                }
            }

            /// The code named by `s`, if there is one.
            pub fn parse(s: &str) -> Option<ErrorCode> {
                match s {
                    $($code => Some(ErrorCode::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

error_codes! {
    // ---- General: what AppError::code() answers for a whole error ----
    /// A required value is missing.
    Required = "required",
    /// Several problems at once: see `details`, one per field (and row, for imports).
    Validation = "validation",
    /// {entity} {id}: the record does not exist (or a form names an unknown id).
    NotFound = "not_found",
    /// A file could not be read or written, or is of a kind that is not read (`.xls`, `.ods`).
    File = "file",
    /// The local database failed.
    Storage = "storage",

    // ---- People, accounts, payments and withdrawals ----
    NameInvalid = "name.invalid",
    IdNumberNotDigits = "id_number.not_digits",
    /// {found}: the number of digits typed.
    IdNumberLength = "id_number.length",
    /// {code}: the first three digits, which name no province.
    IdNumberProvince = "id_number.province",
    /// {id_sex, sex}: overridden by giving `id_override_reason`.
    IdNumberSexMismatch = "id_number.sex_mismatch",
    /// {id_year, birth_year}: overridden by giving `id_override_reason`.
    IdNumberYearMismatch = "id_number.year_mismatch",
    /// {id}: the person already registered with this number ({row} too, in an import).
    IdNumberDuplicate = "id_number.duplicate",
    DateInvalid = "date.invalid",
    DateFuture = "date.future",
    DateBeforeCredit = "date.before_credit",
    DateBeforeRequest = "date.before_request",
    AmountInvalid = "amount.invalid",
    AmountNotPositive = "amount.not_positive",
    /// {remaining}: what is left to withdraw, in VND.
    AmountExceedsPayment = "amount.exceeds_payment",
    NumberInvalid = "number.invalid",
    /// {code}
    WardUnknown = "ward.unknown",
    /// {code}
    GroupUnknown = "group.unknown",
    ChannelUnknown = "channel.unknown",
    /// {code}: not a provider of the chosen channel.
    ProviderUnknown = "provider.unknown",
    SexInvalid = "sex.invalid",
    DisabilityInvalid = "disability.invalid",
    PlaceInvalid = "place.invalid",
    ProblemInvalid = "problem.invalid",
    /// An unknown value of a closed list (a status, a unit level, an indicator filter); {value}
    /// in a reconciliation file.
    StatusInvalid = "status.invalid",
    AccountNumberInvalid = "account_number.invalid",
    PhoneInvalid = "phone.invalid",
    AccountNotOpened = "account.not_opened",
    PeriodInvalid = "period.invalid",
    /// {period}
    PaymentDuplicate = "payment.duplicate",
    /// {period, label}: this one-off payment is already recorded for this person and cycle.
    PaymentOneOffDuplicate = "payment.one_off_duplicate",
    /// {max}: a one-off payment's label is too long or holds control characters.
    LabelInvalid = "label.invalid",
    /// A one-off payment has no expected amount to take: its amount must be typed.
    OneOffAmountRequired = "one_off.amount_required",
    PaymentNotCredited = "payment.not_credited",
    CycleClosed = "cycle.closed",
    DemoNotEmpty = "demo.not_empty",
    FailureReasonRequired = "failure_reason.required",

    // ---- Data entry ----
    /// {id, count}: same accent-folded name, birth date and ward as a registered person:
    /// resend with `duplicate_reason`, or open that person.
    BeneficiaryPossibleDuplicate = "beneficiary.possible_duplicate",
    /// A withdrawal by proxy for someone with no authorised person on record.
    AuthorisedMissing = "authorised.missing",
    DraftTooLarge = "draft.too_large",

    // ---- Imports and reconciliation ----
    /// {column}
    ImportHeaderMissing = "import.header_missing",
    /// {column}
    ImportFieldUnknown = "import.field_unknown",
    /// {column}: two columns mapped to one field.
    ImportFieldTwice = "import.field_twice",
    /// {count}: possible duplicates need a decision.
    ImportDuplicatesUndecided = "import.duplicates_undecided",
    /// {male, female}: a birth date written in both the Nam and the Nữ column of a list.
    ImportBirthBothSexes = "import.birth_both_sexes",
    /// {sex}: the sex column says otherwise than the Nam / Nữ column the birth date is in.
    ImportSexDisagrees = "import.sex_disagrees",
    /// {value, code}: a value of a list mapped to a code the field does not have.
    ImportValueCodeUnknown = "import.value_code_unknown",
    /// {value}: a list's ward cell names no current ward or commune (map it to one).
    ImportWardNameUnknown = "import.ward_name_unknown",
    /// {value, units}: a list's ward cell names several current units (map it to one).
    ImportWardNameAmbiguous = "import.ward_name_ambiguous",
    DuplicateReasonRequired = "duplicate_reason.required",
    /// {row}: a payment named by two rows.
    ReconcileDuplicate = "reconcile.duplicate",
    /// {expected, found}
    ReconcileAmountMismatch = "reconcile.amount_mismatch",
    /// {reference}
    ReconcileUnknownReference = "reconcile.unknown_reference",
    /// {id_number}
    ReconcileUnknownPerson = "reconcile.unknown_person",
    /// {date}: a payout report declared complete to a day before one of its rows (the latest).
    PayoutCompleteBeforeRows = "payout.complete_before_rows",
    /// {withdrawn}: a payment already withdrawn from cannot be failed or reversed.
    PaymentHasWithdrawals = "payment.has_withdrawals",
    /// {file, limit}: the picked or named file is over its cap (e.g. "128 MB"): nothing read.
    FileTooLarge = "file.too_large",
    /// {file, limit}: an XLSX whose parts inflate past the cap.
    FileUnpacksTooLarge = "file.unpacks_too_large",
    /// {file, limit_columns, limit_cells}: the sheet's used area is wider or larger than a
    /// reader may allocate.
    FileTooManyCells = "file.too_many_cells",

    // ---- Follow-up: contacts, verification, grievances ----
    ContactKindInvalid = "contact_kind.invalid",
    ContactOutcomeInvalid = "contact_outcome.invalid",
    /// {date}: the contact's day; the money cannot have been received after it.
    DateAfterContact = "date.after_contact",
    /// An "already withdrawn" contact about no particular payment, and the person has no
    /// credited payment with money left, credited on or before the day received.
    ContactNoWaitingPayment = "contact.no_waiting_payment",
    /// {max}: the months of "money left uncollected" are a whole number from 1 to {max}.
    MonthsInvalid = "months.invalid",
    SampleSizeInvalid = "sample_size.invalid",
    /// {period}
    SampleExists = "sample.exists",
    /// {period}
    SampleEmptyCycle = "sample.empty_cycle",
    VerificationResultInvalid = "verification_result.invalid",
    /// {amount}: a partial amount must be more than 0 and less than the payment.
    ReceivedAmountInvalid = "received_amount.invalid",
    GrievanceCategoryInvalid = "grievance_category.invalid",
    DecisionKindInvalid = "decision_kind.invalid",
    DeclineReasonInvalid = "decline_reason.invalid",
    StopReasonInvalid = "stop_reason.invalid",
    /// {group}, {month}: the group is not in force in the month the benefit would run from.
    GroupEnded = "group.ended",
    /// The benefit runs from the month of the decision at the earliest.
    DecisionFromBeforeDecided = "decision.from_before_decided",
    /// {period}: no benefit is decided for this person in that month.
    DecisionNoneInForce = "decision.none_in_force",
    /// {ward}: a start in another commune needs the old commune's stop (moved) first.
    DecisionNotMoved = "decision.not_moved",
    GrievanceChannelInvalid = "grievance_channel.invalid",
    GrievanceStatusInvalid = "grievance_status.invalid",
    ResolutionNoteRequired = "resolution_note.required",
    DeadlineBeforeOpened = "deadline.before_opened",
    DateBeforeOpened = "date.before_opened",
    GrievanceUnchanged = "grievance.unchanged",
    /// A received grievance closed without its resolution note or closing day (the `reason` of
    /// an `exchange.invalid_row`).
    GrievanceOutcomeRequired = "grievance.outcome_required",

    // ---- Requests: what a transport hands the application layer ----
    /// {command}: a command's arguments are not what it declares (a missing, unknown or
    /// mistyped field); a bug in the caller, never an officer's typing.
    RequestInvalid = "request.invalid",

    // ---- Security: sessions, users, keys, backups ----
    /// No session: sign in (the UI returns to the sign-in screen).
    AuthRequired = "auth.required",
    /// The session ended after the idle minutes (the UI returns to the sign-in screen).
    AuthIdleLocked = "auth.idle_locked",
    /// The role, or for an officer the ward, does not allow it.
    AuthForbidden = "auth.forbidden",
    /// Unknown user, wrong password or disabled account: one code for all.
    AuthBadCredentials = "auth.bad_credentials",
    /// {until}: too many failed sign-ins.
    AuthLocked = "auth.locked",
    AuthAlreadySetUp = "auth.already_set_up",
    /// The database file is being replaced by a re-key or a restore: try again.
    AuthBusy = "auth.busy",
    UsernameInvalid = "username.invalid",
    UsernameTaken = "username.taken",
    /// {min}
    PasswordTooShort = "password.too_short",
    RoleInvalid = "role.invalid",
    UserSelfDemote = "user.self_demote",
    /// Reactivating an account needs a new password.
    UserPasswordRequired = "user.password_required",
    /// CLI `user set-password` on a deactivated account.
    UserInactive = "user.inactive",
    KeyRequired = "key.required",
    /// The database key does not open the file: nothing was changed.
    KeyWrong = "key.wrong",
    KeyKeyringDamaged = "key.keyring_damaged",
    /// An encrypted file without its `.keys`.
    KeyKeyringMissing = "key.keyring_missing",
    /// An unencrypted database is there: never opened as it is, convert it first.
    KeyPlaintext = "key.plaintext",
    /// `convert_plaintext` with nothing to convert.
    KeyNotPlaintext = "key.not_plaintext",
    /// Deriving the key from a password failed (the key-derivation function refused).
    KeyDerive = "key.derive",
    /// Sealing a database key or an identity for the keyring failed.
    KeyWrap = "key.wrap",
    LegalBasisInvalid = "legal_basis.invalid",
    /// Not one of the listed backups.
    BackupUnknown = "backup.unknown",
    /// Fails `integrity_check`: nothing restored.
    BackupDamaged = "backup.damaged",
    /// The database stayed busy during a backup's last step: nothing kept, try again.
    BackupBusy = "backup.busy",
    /// The signed-in person's key does not open the backup.
    BackupNoKey = "backup.no_key",
    /// An unencrypted backup never replaces an encrypted database.
    BackupPlaintext = "backup.plaintext",
    /// The backup taken before a database is upgraded to a new version failed: nothing was
    /// upgraded. {dir} the backups folder, {reason} what failed.
    UpgradeNoBackup = "upgrade.no_backup",

    // ---- Exchange: bundles, receipts, registered devices, reference data, review ----
    // They come as a conflict, with field: the bundle, or the row's column (docs/EXCHANGE.md).
    ExchangeIo = "exchange.io",
    /// Encrypted to another office's key.
    ExchangeNotForThisOffice = "exchange.not_for_this_office",
    /// Flipped byte, truncated, hash or count mismatch.
    ExchangeDamaged = "exchange.damaged",
    ExchangeNotABundle = "exchange.not_a_bundle",
    ExchangeBadSignature = "exchange.bad_signature",
    ExchangeFormat = "exchange.format",
    /// Nothing new in the bundle.
    ExchangeReplayed = "exchange.replayed",
    ExchangeBadKey = "exchange.bad_key",
    ExchangeNoRecipient = "exchange.no_recipient",
    /// {since}
    ExchangeNothingToSend = "exchange.nothing_to_send",
    /// A record does not match its hash.
    ExchangeTampered = "exchange.tampered",
    ExchangeFork = "exchange.fork",
    ExchangeChainBroken = "exchange.chain_broken",
    ExchangeSchemaNewer = "exchange.schema_newer",
    ExchangeSchemaOlder = "exchange.schema_older",
    ExchangeSchemaMismatch = "exchange.schema_mismatch",
    /// {device_id, fingerprint}: the device signed with another key before.
    ExchangeKeyMismatch = "exchange.key_mismatch",
    /// {ward}: city mode: a person of another ward and what is attached to them.
    ExchangeReadOnly = "exchange.read_only",
    /// {entity}: a record of anything but the shipped tables.
    ExchangeUnknownEntity = "exchange.unknown_entity",
    ExchangeUnknownKind = "exchange.unknown_kind",
    ExchangeBadPayload = "exchange.bad_payload",
    /// {device_id, fingerprint}: the sender is not registered here, or revoked.
    ExchangeUnknownDevice = "exchange.unknown_device",
    /// {entity, entity_id}; field: the row's key or audit column that is not the record's.
    ExchangePayloadMismatch = "exchange.payload_mismatch",
    /// {entity, entity_id, reason}; field: the column the forms' rule refuses, `reason` its code.
    ExchangeInvalidRow = "exchange.invalid_row",
    /// {ward, device_ward}
    ExchangeOutOfWard = "exchange.out_of_ward",
    ExchangeWrongDevice = "exchange.wrong_device",
    ExchangeReceiptMismatch = "exchange.receipt_mismatch",
    /// {expected_seq}: the sync server is missing earlier records of this desktop.
    ExchangeGap = "exchange.gap",
    /// {file, limit}: a bundle, receipt, key or reference file or batch over its size cap:
    /// refused unread.
    ExchangeTooLarge = "exchange.too_large",
    /// {file, limit}: the records inflate past the cap.
    ExchangeInflatesTooLarge = "exchange.inflates_too_large",
    /// {file, limit}: one record line over its cap.
    ExchangeRecordTooLarge = "exchange.record_too_large",
    /// {file, limit}: more records than a bundle or batch may hold (also refused by the
    /// exporter, which never writes a bundle a receiver would refuse).
    ExchangeTooManyRecords = "exchange.too_many_records",
    DeviceAlreadyRegistered = "device.already_registered",
    DeviceIsThisDesktop = "device.is_this_desktop",
    ValueNotCanonical = "value.not_canonical",
    ReferenceNotCity = "reference.not_city",
    /// {version, applied}
    ReferenceStale = "reference.stale",
    /// {table}
    ReferenceUnknownTable = "reference.unknown_table",
    /// {table, row}
    ReferenceInvalidRow = "reference.invalid_row",
    ReferenceFormat = "reference.format",
    /// A person handed over between ward desktops (field: handover, or ward_code for the
    /// commune chosen): only the city office hands over.
    HandoverNotCity = "handover.not_city",
    /// {ward}: the commune chosen is the person's own or not a commune; or, on the receiving
    /// desktop, the file is for another commune.
    HandoverWrongWard = "handover.wrong_ward",
    /// {ward}: the person's commune has not recorded a stop (moved) yet.
    HandoverNotMoved = "handover.not_moved",
    /// {record}: a record of the file is not one of the person's own (or no person at all).
    HandoverForeignRecord = "handover.foreign_record",
    /// {ward}: no desktop of the new commune is registered on the city office's desktop.
    HandoverNoRecipient = "handover.no_recipient",
    ReviewNotAConflict = "review.not_a_conflict",
    ReviewUnknownSide = "review.unknown_side",

    // ---- Online sync, as the desktop reports it (field: server) ----
    /// The server cannot be reached.
    SyncNetwork = "sync.network",
    SyncBadUrl = "sync.bad_url",
    /// Plain http:// to anything but loopback.
    SyncInsecureUrl = "sync.insecure_url",
    /// {reason}: the server answered 401 (unsigned, bad signature, clock more than 5 minutes
    /// off, replayed); `reason` is the server's own code (`server.*`).
    SyncUnauthorised = "sync.unauthorised",
    /// {reason}: 403 (device not enrolled or revoked on the server, or a batch not its own).
    SyncForbidden = "sync.forbidden",
    /// An answer over the client's cap, or malformed.
    SyncBadAnswer = "sync.bad_answer",
    /// Any other HTTP error without a refusal.
    SyncHttp = "sync.http",

    // ---- The sync server's refusals (`ansinh-server`). 401 and 403 ones reach the desktop as
    // the `reason` of sync.unauthorised and sync.forbidden; the others as the error's code.
    /// 401: the request is not signed by a device.
    ServerNoCredentials = "server.no_credentials",
    /// 401: the request's time is more than 5 minutes from the server's clock.
    ServerStaleTime = "server.stale_time",
    /// 401: the signature does not match the enrolled key.
    ServerBadSignature = "server.bad_signature",
    /// 401: this signed request was already received.
    ServerReplayed = "server.replayed",
    /// 503: too many requests at once.
    ServerBusy = "server.busy",
    /// 413: the request body is over the server's limit.
    ServerTooLarge = "server.too_large",
    /// 403: the device is not enrolled on the server.
    ServerUnknownDevice = "server.unknown_device",
    /// 403: the device was revoked on the server.
    ServerRevokedDevice = "server.revoked_device",
    /// 403: a device pushes only its own records, signed with its enrolled key.
    ServerForeignBatch = "server.foreign_batch",
    /// 400: `since` is not `device:seq,device:seq`.
    ServerBadSince = "server.bad_since",
    /// 400: `limit` is not a number of records from 1 to the page cap.
    ServerBadLimit = "server.bad_limit",
    /// Enrolling: not a public-key file.
    ServerBadKeyFile = "server.bad_key_file",
    /// Enrolling: the key file names no ward.
    ServerNoWard = "server.no_ward",
    /// Enrolling: another device is enrolled with this signing key.
    ServerKeyInUse = "server.key_in_use",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not one of the codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown error code {0:?}")]
pub struct UnknownErrorCode(pub String);

impl FromStr for ErrorCode {
    type Err = UnknownErrorCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ErrorCode::parse(s).ok_or_else(|| UnknownErrorCode(s.to_string()))
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        ErrorCode::parse(&s).ok_or_else(|| serde::de::Error::custom(UnknownErrorCode(s.into_owned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_well_formed_and_round_trip() {
        let mut seen = HashSet::new();
        for &code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} twice");
            let segments_ok = s
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
            assert!(segments_ok, "{s}: lowercase snake_case segments joined by dots");
            assert_eq!(s.parse::<ErrorCode>(), Ok(code));
            assert_eq!(code.to_string(), s);
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
        assert_eq!("no.such_code".parse::<ErrorCode>(), Err(UnknownErrorCode("no.such_code".into())));
        assert!(serde_json::from_str::<ErrorCode>("\"no.such_code\"").is_err());
    }

    /// The UI's list of codes, generated from [`ErrorCode::ALL`].
    fn error_codes_ts() -> String {
        let mut out = String::from(
            "// Generated from ErrorCode::ALL (crates/core/src/codes.rs): do not edit by hand.\n\
             // Regenerate: ANSINH_BLESS=1 cargo test -p ansinh-core error_codes_ts_is_current\n\
             // The translation tables (ui/src/lib/i18n/errors.ts) are typed by `ErrorCode`, so a code\n\
             // without a message in both languages fails the type check.\n\n\
             export const ERROR_CODES = [\n",
        );
        for code in ErrorCode::ALL {
            out.push_str(&format!("  '{code}',\n"));
        }
        out.push_str("] as const;\n\nexport type ErrorCode = (typeof ERROR_CODES)[number];\n");
        out
    }

    #[test]
    fn error_codes_ts_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/generated/error-codes.ts");
        let want = error_codes_ts();
        if std::env::var_os("ANSINH_BLESS").is_some_and(|v| v == "1") {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &want).unwrap();
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is not the list of ErrorCode::ALL: regenerate it with \
             ANSINH_BLESS=1 cargo test -p ansinh-core error_codes_ts_is_current",
            path.display()
        );
    }
}
