//! The error type of this crate.

/// A policy that cannot be used as written (see
/// [`Forensics::try_new`](crate::Forensics::try_new)).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A protected domain is not a domain name.
    #[error("protected domain {index} ({value:?}) is not a domain name")]
    InvalidDomain {
        /// Its position in `protected_domains`.
        index: usize,
        /// The value as configured.
        value: String,
    },
    /// An internal term is empty once normalised.
    #[error("internal term {index} is empty")]
    EmptyTerm {
        /// Its position in `internal_terms`.
        index: usize,
    },
    /// An internal term is too long.
    #[error("internal term {index} has more than {max} characters")]
    TermTooLong {
        /// Its position in `internal_terms`.
        index: usize,
        /// The most characters a term may have.
        max: usize,
    },
    /// More internal terms than the matcher takes.
    #[error("{count} internal terms configured, at most {max} allowed")]
    TooManyTerms {
        /// How many were configured.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// The term automaton could not be built.
    #[error("cannot build the internal-term matcher")]
    Matcher {
        /// What Aho-Corasick reported.
        #[source]
        source: aho_corasick::BuildError,
    },
}
