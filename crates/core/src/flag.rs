//! PLACEHOLDER — being written by a helper.
pub struct FeatureFlag;
