//! Rules on session logging (SSM3xx): preferences, destinations, encryption, tampering.

pub mod ssm300_session_logging_disabled;
pub mod ssm301_session_preferences_missing;
pub mod ssm302_session_logs_unencrypted;
pub mod ssm303_session_data_not_kms_encrypted;
pub mod ssm304_log_destination_mismatch;
pub mod ssm305_log_bucket_not_private;
pub mod ssm306_instance_cannot_write_session_logs;
pub mod ssm307_session_logging_tamperable;
