//! Typed ids: every record has its own id type, stored as text (a time-ordered UUID).

#[doc(hidden)]
pub use {serde, uuid};

/// Declares a typed id: `kernel::typed_id!(/// doc\n CaseId);`.
#[macro_export]
macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// A new, unique, time-ordered id.
            pub fn generate() -> Self {
                $name($crate::ids::uuid::Uuid::now_v7().simple().to_string())
            }
            /// An id read back from storage or a URL.
            pub fn from_stored(text: impl Into<String>) -> Self {
                $name(text.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl $crate::ids::serde::Serialize for $name {
            fn serialize<S: $crate::ids::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> $crate::ids::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::ids::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <String as $crate::ids::serde::Deserialize>::deserialize(d).map($name)
            }
        }
    };
}

crate::typed_id!(
    /// An organisation (机构).
    OrgId
);
crate::typed_id!(
    /// A user account (用户).
    UserId
);

/// Declares a closed list of words with a stable code and a Chinese label (事项类型, 决定类型…):
/// `ALL`, `code()`, `label()`, `parse()` (by code or by the Chinese word) and `labels()`.
#[macro_export]
macro_rules! labelled_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// By code or by the Chinese word.
            pub fn parse(text: &str) -> Option<$name> {
                let t = text.trim();
                Self::ALL.iter().copied().find(|v| v.code() == t || v.label() == t)
            }

            pub fn labels() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.label()).collect()
            }

            /// SQL ranking a column of codes in the declared order (`collate::sql_rank`).
            pub fn sql_rank(column: &str) -> String {
                $crate::collate::sql_rank(column, Self::ALL.iter().map(|v| v.code()))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_time_ordered() {
        let a = OrgId::generate();
        let b = OrgId::generate();
        assert_ne!(a, b);
        assert!(a < b);
        assert_eq!(a.as_str().len(), 32);
    }
}
