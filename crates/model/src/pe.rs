use serde::{Deserialize, Serialize};

/// What the engine needs to know about a PE image to judge it together
/// with its siblings (side-loading bundles).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeSummary {
    /// A DLL rather than an EXE.
    pub is_dll: bool,
    /// 64-bit image.
    pub is_64: bool,
    /// DLL names the import table names, lowercased.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imported_dlls: Vec<String>,
    /// Exported function names (capped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exports: Vec<String>,
    /// The DLL's own name from its export directory, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_name: Option<String>,
    /// Whether an Authenticode signature is present (not verified).
    pub signed: bool,
    /// `OriginalFilename` from the version resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_filename: Option<String>,
    /// `CompanyName` from the version resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// The import hash (imphash), lowercase hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imphash: Option<String>,
}
