//! Rules on the identity chain (SSM1xx): instance → instance profile → role → permissions.

pub mod ssm100_instance_profile_missing;
pub mod ssm101_instance_profile_unresolved;
pub mod ssm102_instance_profile_without_role;
pub mod ssm103_role_lacks_ssm_permissions;
pub mod ssm104_role_not_trusted_by_ec2;
pub mod ssm105_deprecated_ssm_policy;
pub mod ssm106_external_instance_profile;
