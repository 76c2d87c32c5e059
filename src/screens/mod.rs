//! One module per screen.

pub mod more;
pub mod new_contact;
pub mod passphrase;
pub mod pending;
pub mod sign_in;
pub mod today;
pub mod unlock;
