pub mod form;
pub mod guard;
pub mod layout;
pub mod table;
pub mod youth_fields;
