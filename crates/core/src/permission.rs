//! PLACEHOLDER — being written by a helper.
use serde::{Deserialize, Serialize};
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role { Admin, Manager, Ae, Sdr, Viewer }
pub struct Actor;
pub enum Action {}
pub enum Resource {}
pub fn can(_actor: &Actor, _action: Action, _resource: &Resource) -> bool { false }
