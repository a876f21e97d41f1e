use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Which budget was hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BudgetKind {
    /// Nesting depth of the extraction tree.
    Depth,
    /// Number of objects in one input's tree.
    Objects,
    /// Total bytes extracted from one input.
    Bytes,
    /// Time spent on one object.
    Time,
}

impl BudgetKind {
    /// The name used in messages and options.
    pub fn name(self) -> &'static str {
        match self {
            BudgetKind::Depth => "max-depth",
            BudgetKind::Objects => "max-objects",
            BudgetKind::Bytes => "max-bytes",
            BudgetKind::Time => "object-timeout",
        }
    }
}

/// What a format parser may spend on one object: output bytes and time.
///
/// Parsers call [`Budget::take`] before they materialise decompressed or
/// decoded bytes and [`Budget::expired`] inside long loops; both are cheap.
#[derive(Clone, Debug)]
pub struct Budget {
    bytes_left: u64,
    deadline: Option<Instant>,
}

impl Budget {
    /// A budget of `bytes` output bytes, ending after `time` if given.
    pub fn new(bytes: u64, time: Option<Duration>) -> Budget {
        Budget {
            bytes_left: bytes,
            deadline: time.and_then(|t| Instant::now().checked_add(t)),
        }
    }

    /// A budget without limits, for tests and trusted input.
    pub fn unlimited() -> Budget {
        Budget { bytes_left: u64::MAX, deadline: None }
    }

    /// Bytes still allowed.
    pub fn bytes_left(&self) -> u64 {
        self.bytes_left
    }

    /// Takes `n` bytes from the budget; `Err` names the exhausted budget
    /// (and takes nothing) when there is not enough left or time is up.
    pub fn take(&mut self, n: u64) -> Result<(), BudgetKind> {
        if self.expired() {
            return Err(BudgetKind::Time);
        }
        match self.bytes_left.checked_sub(n) {
            Some(left) => {
                self.bytes_left = left;
                Ok(())
            }
            None => Err(BudgetKind::Bytes),
        }
    }

    /// Whether the time budget is spent.
    pub fn expired(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_until_empty() {
        let mut b = Budget::new(10, None);
        assert_eq!(b.take(6), Ok(()));
        assert_eq!(b.take(6), Err(BudgetKind::Bytes));
        assert_eq!(b.take(4), Ok(()));
        assert_eq!(b.bytes_left(), 0);
    }

    #[test]
    fn expires() {
        let mut b = Budget::new(10, Some(Duration::ZERO));
        assert!(b.expired());
        assert_eq!(b.take(1), Err(BudgetKind::Time));
    }
}
