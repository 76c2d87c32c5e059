//! Every failure, from the server or the phone's storage, in words for the user.

use faltlogg_core::api::ErrorCode;

use crate::api::CallError;
use crate::i18n::Msg;
use crate::idb::StorageError;
use crate::sync::SyncError;
use crate::vault::VaultError;

pub fn api_msg(failure: &CallError) -> Msg {
    match failure {
        CallError::Offline => Msg::Offline,
        CallError::Rejected(e) | CallError::Busy(e, _) => match e.error {
            ErrorCode::SessionExpired => Msg::SessionExpired,
            ErrorCode::InvalidCredentials => Msg::WrongCredentials,
            ErrorCode::DeviceRevoked => Msg::DeviceRevoked,
            ErrorCode::TooManyRequests => Msg::TooManyAttempts,
            ErrorCode::ClockAhead => Msg::ClockAhead,
            _ => Msg::ServerError,
        },
        CallError::Unexpected => Msg::ServerError,
        CallError::Outdated => Msg::AppOutdated,
    }
}

pub fn storage_msg(e: StorageError) -> Msg {
    match e {
        StorageError::Quota => Msg::QuotaExceeded,
        StorageError::Failed => Msg::StorageError,
    }
}

pub fn vault_msg(e: VaultError) -> Msg {
    match e {
        VaultError::WrongPassphrase => Msg::WrongPassphrase,
        VaultError::Unreadable => Msg::VaultUnreadable,
        VaultError::Storage(s) => storage_msg(s),
    }
}

pub fn sync_msg(e: &SyncError) -> Msg {
    match e {
        SyncError::Api(a) => api_msg(a),
        SyncError::Storage(s) => storage_msg(*s),
    }
}
