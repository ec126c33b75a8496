pub mod form;
pub mod guard;
pub mod layout;
pub mod youth_fields;
